#include "report_helpers.hpp"

#include "../xml_text.hpp"

#include <cmath>
#include <cstdio>
#include <map>

namespace serialq::workflow {

std::string cell(double v) {
    if (!std::isfinite(v)) return "";
    char buf[64];
    if (std::fabs(v) >= 1000 || v == std::floor(v))
        std::snprintf(buf, sizeof buf, "%.0f", v);
    else
        return short_number(v, 4);
    return buf;
}

std::string component_label(const std::string& column) {
    std::string s = column.ends_with("_pj") ? column.substr(0, column.size() - 3) : column;
    for (char& c : s)
        if (c == '_') c = ' ';
    return s;
}

namespace {
std::string with_unit(const std::string& name, const Axis& axis) {
    if (axis.unit.empty()) return name;
    return name + " (" + axis.unit + ")";
}
}  // namespace

Figure bar_figure(const std::string& id, const std::string& caption, const BarChart& chart) {
    DataTable t;
    t.columns.push_back(chart.category_label.empty() ? "category" : chart.category_label);
    for (const auto& s : chart.series) t.columns.push_back(with_unit(s.name, chart.y));
    for (std::size_t c = 0; c < chart.categories.size(); ++c) {
        std::vector<std::string> row{chart.categories[c]};
        for (const auto& s : chart.series) row.push_back(cell(s.values[c]));
        t.add_row(std::move(row));
    }
    return Figure{id, caption, chart, t};
}

Figure line_figure(const std::string& id, const std::string& caption, const LineChart& chart,
                   const std::string& x_column) {
    // Rows: the union of x values, in order; one column per series.
    std::map<double, std::vector<double>> rows;
    for (std::size_t s = 0; s < chart.series.size(); ++s)
        for (std::size_t i = 0; i < chart.series[s].x.size(); ++i) {
            auto& r = rows[chart.series[s].x[i]];
            r.resize(chart.series.size(), std::nan(""));
            r[s] = chart.series[s].y[i];
        }
    DataTable t;
    t.columns.push_back(with_unit(x_column, chart.x));
    for (const auto& s : chart.series) t.columns.push_back(with_unit(s.name, chart.y));
    for (auto& [x, ys] : rows) {
        ys.resize(chart.series.size(), std::nan(""));
        std::vector<std::string> row{short_number(x, 8)};
        for (double y : ys) row.push_back(cell(y));
        t.add_row(std::move(row));
    }
    return Figure{id, caption, chart, t};
}

}  // namespace serialq::workflow
