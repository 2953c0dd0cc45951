#include "serialq/sim/sim_output.hpp"

#include "serialq/common/text.hpp"
#include "serialq/sim/figures.hpp"

namespace serialq::sim {

namespace {

using json = nlohmann::ordered_json;

json overrides_json(const std::vector<ConfigOverride>& overrides) {
    json o = json::object();
    for (const auto& [k, v] : overrides) o[k] = v;
    return o;
}

json run_json(const SimRun& run, double clock_ghz) {
    const auto& c = run.comparison;
    auto rows = comparison_rows(c, clock_ghz);
    json total = rows.back();
    rows.pop_back();
    return {
        {"bits_spec", run.bits_spec},   {"bits", c.run.bits}, {"act_bits_spec", run.act_bits_spec},
        {"act_bits", c.run.act_bits},   {"layers", rows},     {"total", total},
        {"network", network_row(c.run)}};
}

}  // namespace

json accelerator_config_json(const AcceleratorConfig& c) {
    json o;
    for (const auto& [key, text] : accelerator_config_values(c)) {
        if (const auto i = parse_integer(text))
            o[key] = *i;
        else if (const auto d = parse_number(text))
            o[key] = *d;
        else
            o[key] = text;
    }
    return o;
}

std::vector<json> comparison_rows(const Comparison& c, double clock_ghz) {
    auto rows = report_rows(c.run, clock_ghz);
    for (std::size_t i = 0; i < rows.size(); ++i) {
        const LayerReport& base =
            i < c.baseline.layers.size() ? c.baseline.layers[i] : c.baseline.total;
        add_comparison(rows[i], static_cast<double>(base.total_cycles), base.energy_pj());
    }
    return rows;
}

std::vector<std::string> sim_csv_columns() {
    std::vector<std::string> c{"run", "bits_spec", "act_bits_spec"};
    for (auto& name : row_columns(true)) c.push_back(std::move(name));
    return c;
}

std::string sim_output_csv(const SimOutput& o) {
    std::vector<json> rows;
    for (std::size_t k = 0; k < o.runs.size(); ++k)
        for (auto& row : comparison_rows(o.runs[k].comparison, o.config.clock_ghz)) {
            json r = {{"run", k + 1},
                      {"bits_spec", o.runs[k].bits_spec},
                      {"act_bits_spec", o.runs[k].act_bits_spec}};
            r.update(row);
            rows.push_back(std::move(r));
        }
    return json_rows_csv(sim_csv_columns(), rows);
}

json sim_output_json(const SimOutput& o) {
    const NetworkReport& base = o.runs.front().comparison.baseline;
    json skipped = json::array();
    for (const auto& s : o.baseline.skipped) skipped.push_back(s.first);
    json doc;
    doc["command"] = "sim";
    doc["network"] = base.network;
    doc["trace"] = o.trace;
    doc["model"] = o.model;
    doc["accelerator"] = {{"file", o.accel_file},
                          {"overrides", overrides_json(o.overrides)},
                          {"values", accelerator_config_json(o.config)}};
    doc["baseline"] = {{"spec", o.baseline_spec},
                       {"label", o.baseline.label},
                       {"overrides", overrides_json(o.baseline.overrides)},
                       {"overrides_not_applied", skipped},
                       {"accelerator", accelerator_config_json(o.baseline.config)},
                       {"bits", o.baseline.bits.values()},
                       {"total", layer_row(base.total, -1, o.baseline.config.clock_ghz)}};
    json all = json::array();
    for (const auto& r : o.runs) all.push_back(run_json(r, o.config.clock_ghz));
    // The first run at the top level too, so that a one-run document reads as a run.
    const json& first = all.front();
    for (const char* k : {"bits_spec", "bits", "act_bits_spec", "act_bits", "layers", "total"})
        doc[k] = first[k];
    doc["network_figures"] = first["network"];
    doc["runs"] = all;
    return doc;
}

}  // namespace serialq::sim
