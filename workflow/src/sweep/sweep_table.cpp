#include "sweep_table.hpp"

#include <charconv>
#include <set>

namespace serialq::workflow {

namespace {

// Free text that would only widen every row; the accelerator's name has its own column.
const std::set<std::string> kSkippedConfigKeys = {"name", "description", "source"};

const std::vector<std::string> kLayerColumns = {
    "macs", "compute_cycles", "stall_cycles", "cycles", "utilization",
    "sip_lanes_pj", "adder_trees_pj", "accumulators_pj", "weight_buffer_pj",
    "activation_memory_pj", "off_chip_pj", "static_pj", "energy_pj",
    "weight_buffer_read_bits", "weight_buffer_write_bits", "activation_memory_read_bits",
    "activation_memory_write_bits", "off_chip_read_bits", "off_chip_write_bits"};

// Configuration values are text ("16", "0.98", "weights"); numbers become JSON numbers so that
// pandas reads typed columns from either file.
nlohmann::ordered_json typed(const std::string& text) {
    const char* first = text.data();
    const char* last = first + text.size();
    long long i = 0;
    if (auto r = std::from_chars(first, last, i); r.ec == std::errc() && r.ptr == last) return i;
    double d = 0;
    if (auto r = std::from_chars(first, last, d); r.ec == std::errc() && r.ptr == last) return d;
    return text;
}

std::string cell_text(const nlohmann::ordered_json& v) {
    if (v.is_null()) return "";
    if (v.is_string()) return v.get<std::string>();
    if (v.is_number_float()) {
        char buf[64];
        const auto r = std::to_chars(buf, buf + sizeof buf, v.get<double>());  // shortest exact
        return std::string(buf, r.ptr);
    }
    return v.dump();
}

std::string csv_cell(const std::string& s) {
    if (s.find_first_of(",\"\n\r") == std::string::npos) return s;
    std::string q = "\"";
    for (char c : s) {
        if (c == '"') q += '"';
        q += c;
    }
    q += '"';
    return q;
}

double ratio(double baseline, double value) { return value > 0 ? baseline / value : 0.0; }

}  // namespace

SweepTable assemble_rows(const std::vector<nlohmann::ordered_json>& points,
                         const std::vector<std::size_t>& indices) {
    SweepTable t;
    if (points.empty()) return t;
    std::vector<std::string> config_keys;
    for (const auto& [k, v] : points.front()["params"]["config"].items())
        if (!kSkippedConfigKeys.count(k)) config_keys.push_back(k);
    t.columns = {"point", "accel", "accel_file"};
    t.columns.insert(t.columns.end(), config_keys.begin(), config_keys.end());
    for (const char* c : {"model", "network", "trace", "bits_spec", "bits", "act_bits_spec",
                          "act_bits", "baseline", "baseline_bits", "layer", "weight_layer",
                          "layer_bits", "layer_act_bits", "weights_resident"})
        t.columns.emplace_back(c);
    t.columns.insert(t.columns.end(), kLayerColumns.begin(), kLayerColumns.end());
    for (const char* c : {"time_us", "baseline_cycles", "baseline_energy_pj", "speedup",
                          "energy_reduction"})
        t.columns.emplace_back(c);

    for (std::size_t n = 0; n < points.size(); ++n) {
        const auto& p = points[n];
        const auto& params = p["params"];
        std::vector<nlohmann::ordered_json> head = {indices[n], params["accel"], params["accel_file"]};
        for (const auto& k : config_keys) head.push_back(typed(params["config"][k].get<std::string>()));
        for (const char* k : {"model", "network", "trace", "bits_spec", "bits", "act_bits_spec",
                              "act_bits", "baseline", "baseline_bits"})
            head.push_back(params.value(k, nlohmann::ordered_json()));
        const double clock_ghz = typed(params["config"]["clock_ghz"].get<std::string>()).get<double>();

        auto add = [&](const nlohmann::ordered_json& layer, const nlohmann::ordered_json& base,
                       nlohmann::ordered_json name, nlohmann::ordered_json index,
                       nlohmann::ordered_json bits, nlohmann::ordered_json act_bits,
                       nlohmann::ordered_json resident) {
            auto row = head;
            row.push_back(std::move(name));
            row.push_back(std::move(index));
            row.push_back(std::move(bits));
            row.push_back(std::move(act_bits));
            row.push_back(std::move(resident));
            for (const auto& c : kLayerColumns) row.push_back(layer[c]);
            const double cycles = layer["cycles"].get<double>();
            const double energy = layer["energy_pj"].get<double>();
            const double base_cycles = base["cycles"].get<double>();
            const double base_energy = base["energy_pj"].get<double>();
            row.emplace_back(cycles / clock_ghz / 1000.0);  // cycles / (cycles per ns) / 1000
            row.push_back(base["cycles"]);
            row.push_back(base["energy_pj"]);
            row.emplace_back(ratio(base_cycles, cycles));
            row.emplace_back(ratio(base_energy, energy));
            t.rows.push_back(std::move(row));
        };
        const auto& layers = p["layers"];
        for (std::size_t i = 0; i < layers.size(); ++i)
            add(layers[i], p["baseline"]["layers"][i], layers[i]["name"], i, layers[i]["bits"],
                layers[i].value("act_bits", nlohmann::ordered_json()),
                layers[i].value("weights_resident", false) ? 1 : 0);
        add(p["total"], p["baseline"]["total"], "total", nullptr, nullptr, nullptr, nullptr);
    }
    return t;
}

std::string table_csv(const SweepTable& t) {
    std::string out;
    for (std::size_t c = 0; c < t.columns.size(); ++c) {
        if (c) out += ',';
        out += csv_cell(t.columns[c]);
    }
    out += '\n';
    for (const auto& r : t.rows) {
        for (std::size_t c = 0; c < r.size(); ++c) {
            if (c) out += ',';
            out += csv_cell(cell_text(r[c]));
        }
        out += '\n';
    }
    return out;
}

nlohmann::ordered_json table_json(const SweepTable& t, const nlohmann::ordered_json& sweep) {
    nlohmann::ordered_json rows = nlohmann::ordered_json::array();
    for (const auto& r : t.rows) {
        nlohmann::ordered_json o = nlohmann::ordered_json::object();
        for (std::size_t c = 0; c < r.size(); ++c) o[t.columns[c]] = r[c];
        rows.push_back(std::move(o));
    }
    return {{"sweep", sweep}, {"columns", t.columns}, {"rows", rows}};
}

}  // namespace serialq::workflow
