#include "point_file.hpp"

#include "serialq/common/atomic_file.hpp"
#include "serialq/common/bits_spec.hpp"
#include "serialq/common/error.hpp"
#include "serialq/common/json_input.hpp"
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

void check_row(const nlohmann::ordered_json& row, const std::vector<std::string>& columns,
               const std::string& file, const std::string& where) {
    if (!row.is_object())
        throw InputError(file + ": " + where + ": found " + row.type_name() +
                         ", expected an object; delete it to recompute the point");
    for (const auto& c : columns) {
        const auto it = row.find(c);
        if (it == row.end())
            throw InputError(
                file + ": " + where + "." + c +
                ": missing (written by another version?); delete it to recompute the point");
        if (!it->is_number() && !it->is_null() && !(c == fig::layer.name && it->is_string()))
            throw InputError(file + ": " + where + "." + c + ": found " + it->type_name() +
                             ", expected a number; delete it to recompute the point");
    }
}

// Every row the results are assembled from has every figure (sweep_table.cpp trusts them).
void check_point_rows(const nlohmann::ordered_json& j, const std::string& file) {
    const auto& params = j["params"];
    if (!params.is_object() || !params.contains("config") || !params["config"].is_object())
        throw InputError(file +
                         ": params.config: expected an object; delete it to recompute the point");
    const auto& layers = j["layers"];
    const auto& base = j["baseline"];
    if (!layers.is_array() || !base.is_object() || !base.contains("layers") ||
        !base["layers"].is_array() || base["layers"].size() != layers.size() ||
        !base.contains("total"))
        throw InputError(file +
                         ": layers or baseline.layers: expected two lists of the same "
                         "length; delete it to recompute the point");
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
                         identity.substr(0, 80) + "...; delete it to recompute the point");
    check_point_rows(j, file.string());
    return j;
}

}  // namespace serialq::workflow
