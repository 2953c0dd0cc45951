#include "point_file.hpp"

#include "serialq/common/atomic_file.hpp"
#include "serialq/common/bits_spec.hpp"
#include "serialq/common/error.hpp"
#include "serialq/common/finite.hpp"
#include "serialq/common/json_input.hpp"
#include "serialq/common/layer_bits.hpp"
#include "serialq/common/text.hpp"
#include "serialq/sim/figures.hpp"
#include "serialq/sim/sim_output.hpp"

namespace serialq::workflow {

namespace {

namespace fig = sim::figure;

// What a row's comparison needs of the baseline's same row.
nlohmann::ordered_json cost_json(const sim::LayerReport& l) {
    return {{fig::total_cycles.name, l.total_cycles}, {fig::energy_pj.name, l.energy_pj()}};
}

}  // namespace

nlohmann::ordered_json evaluate_point(const PlannedPoint& p, const ModelFactory& make_model) {
    auto model = make_model(p.model, *p.config);
    const sim::NetworkReport report = model->simulate(*p.network, p.bits, p.act_bits);
    const sim::NetworkReport baseline =
        sim::run_baseline(p.baseline, *model, *p.network, make_model);
    if (report.layers.size() != baseline.layers.size())
        throw Error("sweep: the baseline of point " + std::to_string(p.index) +
                    " has a different number of layers");

    nlohmann::ordered_json swept = nlohmann::ordered_json::object();
    for (const auto& [k, v] : p.overrides) swept[k] = v;
    auto rows = sim::report_rows(report, p.config->clock_ghz);
    const nlohmann::ordered_json total = rows.back();
    rows.pop_back();
    nlohmann::ordered_json base_layers = nlohmann::ordered_json::array();
    for (const auto& l : baseline.layers) base_layers.push_back(cost_json(l));
    return {{"identity", p.identity},
            {"params",
             {{"accel", p.config->name},
              {"accel_file", p.accel_file},
              {"set", swept},
              {"config", sim::accelerator_config_json(*p.config)},
              {"model", p.model},
              {"network", p.network->name},
              {"trace", p.trace},
              {"bits_spec", p.bits_spec},
              {"bits", p.bits.str()},
              {"act_bits_spec", p.act_bits_spec},
              {"act_bits", format_bits(report.act_bits)},
              {"baseline", p.baseline.label},
              {"baseline_bits", p.baseline.bits.str()}}},
            {"layers", rows},
            {"total", total},
            {"baseline", {{"layers", base_layers}, {"total", cost_json(baseline.total)}}}};
}

std::filesystem::path point_path(const std::filesystem::path& out_dir, const std::string& id) {
    return out_dir / "points" / (id + ".json");
}

void write_point(const std::filesystem::path& out_dir, const PlannedPoint& point,
                 const nlohmann::ordered_json& result) {
    write_file_atomically(point_path(out_dir, point.id), result.dump(1) + "\n");
}

namespace {

using json = nlohmann::ordered_json;

constexpr const char* kRecover = "; delete it to recompute the point";

InputError damaged(const std::string& file, const std::string& where, const std::string& found,
                   const std::string& expected) {
    return InputError(file + ": " + where + ": " + found + ", expected " + expected + kRecover);
}

InputError missing(const std::string& file, const std::string& where) {
    return InputError(file + ": " + where + ": missing (written by another version?)" + kRecover);
}

// Every figure a row needs, each a number >= 0 (every figure of figures.hpp counts or measures)
// or null (a ratio undefined at 0). The JSON parser refuses numbers beyond a double's range.
void check_row(const json& row, const std::vector<std::string>& columns, const std::string& file,
               const std::string& where) {
    if (!row.is_object())
        throw damaged(file, where, "found " + std::string(row.type_name()), "an object");
    for (const auto& c : columns) {
        const auto it = row.find(c);
        if (it == row.end()) throw missing(file, where + "." + c);
        if (it->is_null() || (c == fig::layer.name && it->is_string())) continue;
        if (!it->is_number())
            throw damaged(file, where + "." + c, "found " + std::string(it->type_name()),
                          "a number");
        if (!finite_in(it->get<double>(), 0))
            throw damaged(file, where + "." + c, "found " + shortest_number(it->get<double>()),
                          "a finite number >= 0");
    }
}

// Every row the results are assembled from has every figure (sweep_table.cpp trusts them),
// and one row per weight layer of the point's bits.
void check_point_rows(const json& j, std::size_t weight_layers, const std::string& file) {
    const auto& layers = j["layers"];
    const auto& base = j["baseline"];
    if (!layers.is_array() || !base.is_object() || !base.contains("layers") ||
        !base["layers"].is_array() || base["layers"].size() != layers.size() ||
        !base.contains("total"))
        throw InputError(file +
                         ": layers or baseline.layers: expected two lists of the same "
                         "length" +
                         kRecover);
    if (layers.size() != weight_layers)
        throw damaged(
            file, "layers", "found " + std::to_string(layers.size()) + " rows",
            std::to_string(weight_layers) + " (one per weight layer of the point's bits)");
    const auto columns = sim::row_columns(false);
    const std::vector<std::string> costs{std::string(fig::total_cycles.name),
                                         std::string(fig::energy_pj.name)};
    for (std::size_t i = 0; i < layers.size(); ++i) {
        check_row(layers[i], columns, file, "layers[" + std::to_string(i) + "]");
        check_row(base["layers"][i], costs, file, "baseline.layers[" + std::to_string(i) + "]");
    }
    check_row(j["total"], columns, file, "total");
    check_row(base["total"], costs, file, "baseline.total");
}

// What the point's identity (sweep_plan.cpp's make_point) fixes of its parameters, as the
// rows carry them: parameter -> text. A merge reads the identity from the file itself, so it is
// checked as any input is.
struct Fixed {
    std::vector<std::pair<std::string, std::string>> params;
    std::size_t weight_layers = 0;  // of the point's bits: one row each
};
Fixed fixed_params(const std::string& identity, const std::string& file) {
    const json id =
        parse_ordered_json(identity, file + ": identity",
                           "a point identity written by serialq sweep" + std::string(kRecover));
    const auto field = [&](const std::string& key, bool bits) -> std::string {
        const auto it = id.is_object() ? id.find(key) : id.end();
        const bool ok = it != id.end() && (bits ? it->is_array() : it->is_string());
        if (ok && !bits) return it->get<std::string>();
        std::vector<int> values;
        if (ok)
            for (const auto& b : *it)
                if (b.is_number_integer()) values.push_back(b.get<int>());
        if (!ok || values.size() != it->size())
            throw damaged(file, "identity." + key, "found none of that type",
                          bits ? "a list of bit widths" : "a string");
        return format_bits(values);
    };
    Fixed fixed;
    for (const char* key : {"accel_file", "model", "trace", "bits_spec", "baseline"})
        fixed.params.emplace_back(key, field(key, false));
    for (const char* key : {"bits", "baseline_bits"})
        fixed.params.emplace_back(key, field(key, true));
    if (id.contains("act_bits")) fixed.params.emplace_back("act_bits", field("act_bits", true));
    fixed.weight_layers = id["bits"].size();
    return fixed;
}

// The parameters every row repeats: each present with its type, and those the identity fixes
// equal to it (a file edited, or copied over another point's, would put its rows under this
// point's name).
void check_params(const json& params, const Fixed& fixed, const std::string& file) {
    if (!params.is_object())
        throw damaged(file, "params", "found " + std::string(params.type_name()), "an object");
    const auto expect_type = [&](const std::string& key, bool object) {
        const auto it = params.find(key);
        if (it == params.end()) throw missing(file, "params." + key);
        if (object ? !it->is_object() : !it->is_string())
            throw damaged(file, "params." + key, "found " + std::string(it->type_name()),
                          object ? "an object" : "a string");
    };
    for (const char* key : {"set", "config"}) expect_type(key, true);
    for (const char* key : {"accel", "accel_file"}) expect_type(key, false);
    for (const auto& key : kPointTextParams) expect_type(key, false);
    for (const auto& [key, expected] : fixed.params) {
        const std::string found = params[key].get<std::string>();
        if (found != expected)
            throw damaged(file, "params." + key, "found '" + found + "'",
                          "'" + expected + "' (the point's identity)");
    }
}

}  // namespace

std::optional<nlohmann::ordered_json> read_point(const std::filesystem::path& file,
                                                 const std::string& identity) {
    if (!std::filesystem::exists(file)) return std::nullopt;
    nlohmann::ordered_json j = parse_ordered_json(
        read_file(file), file.string(),
        "a point result written by serialq sweep; delete it to recompute the point");
    if (!j.is_object() || !j.contains("identity") || !j.contains("params") ||
        !j.contains("layers") || !j.contains("total") || !j.contains("baseline"))
        throw InputError(file.string() +
                         ": not a valid point result (identity, params, layers, "
                         "total or baseline missing); delete it to recompute the point");
    if (j["identity"] != identity)
        throw InputError(file.string() + ": identity: found a different point, expected " +
                         identity.substr(0, 80) + "..." + kRecover);
    const Fixed fixed = fixed_params(identity, file.string());
    check_params(j["params"], fixed, file.string());
    check_point_rows(j, fixed.weight_layers, file.string());
    return j;
}

}  // namespace serialq::workflow
