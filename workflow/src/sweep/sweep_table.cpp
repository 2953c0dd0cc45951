#include "sweep_table.hpp"

#include "point_file.hpp"

#include "serialq/common/text.hpp"
#include "serialq/sim/figures.hpp"

#include <set>

namespace serialq::workflow {

namespace {

// Free text that would only widen every row; the accelerator's name has its own column.
const std::set<std::string> kSkippedConfigKeys = {"name", "description", "source"};

}  // namespace

SweepTable assemble_rows(const std::vector<nlohmann::ordered_json>& points,
                         const std::vector<std::size_t>& indices) {
    namespace fig = sim::figure;
    SweepTable t;
    if (points.empty()) return t;
    std::vector<std::string> config_keys;
    for (const auto& [k, v] : points.front()["params"]["config"].items())
        if (!kSkippedConfigKeys.count(k)) config_keys.push_back(k);
    t.columns = {"point", "accel", "accel_file"};
    t.columns.insert(t.columns.end(), config_keys.begin(), config_keys.end());
    t.columns.insert(t.columns.end(), kPointTextParams.begin(), kPointTextParams.end());
    const std::vector<std::string> figures = sim::row_columns(true);
    t.columns.insert(t.columns.end(), figures.begin(), figures.end());

    for (std::size_t n = 0; n < points.size(); ++n) {
        const auto& p = points[n];
        const auto& params = p["params"];
        nlohmann::ordered_json head = {
            {"point", indices[n]},
            {"accel", params.value("accel", nlohmann::ordered_json())},
            {"accel_file", params.value("accel_file", nlohmann::ordered_json())}};
        for (const auto& k : config_keys)
            head[k] = params["config"].value(k, nlohmann::ordered_json());
        for (const auto& k : kPointTextParams) head[k] = params.value(k, nlohmann::ordered_json());
        const auto add = [&](const nlohmann::ordered_json& layer,
                             const nlohmann::ordered_json& base) {
            nlohmann::ordered_json row = head;
            row.update(layer);
            sim::add_comparison(row, base.at(fig::total_cycles.name).get<double>(),
                                base.at(fig::energy_pj.name).get<double>());
            std::vector<nlohmann::ordered_json> cells;
            for (const auto& c : t.columns) cells.push_back(row.value(c, nlohmann::ordered_json()));
            t.rows.push_back(std::move(cells));
        };
        const auto& layers = p["layers"];
        for (std::size_t i = 0; i < layers.size(); ++i) add(layers[i], p["baseline"]["layers"][i]);
        add(p["total"], p["baseline"]["total"]);
    }
    return t;
}

std::string table_csv(const SweepTable& t) {
    std::string out = csv_line(t.columns);
    std::vector<std::string> cells;
    for (const auto& r : t.rows) {
        cells.clear();
        for (const auto& v : r) cells.push_back(csv_value(v));
        out += csv_line(cells);
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
