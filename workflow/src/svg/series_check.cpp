#include "series_check.hpp"

#include "../xml_text.hpp"

#include <stdexcept>

namespace serialq::workflow {

void check_series(const Series& s, const std::string& chart) {
    if (s.x.size() != s.y.size() || (!s.labels.empty() && s.labels.size() != s.x.size()))
        throw std::invalid_argument(chart + ": series '" + s.name +
                                    "' has x, y and labels of different lengths");
}

std::string value_text(double value, const Axis& axis) {
    const std::string v = short_number(value, 6);
    if (axis.unit.empty()) return v;
    if (axis.unit == "%" || axis.unit == "x") return v + axis.unit;
    return v + " " + axis.unit;
}

std::string point_tooltip(const Series& s, std::size_t i, const Axis& x, const Axis& y) {
    if (!s.labels.empty() && !s.labels[i].empty()) return s.labels[i];
    return (s.name.empty() ? "" : s.name + ": ") + x.label + " " + value_text(s.x[i], x) + ", " +
           y.label + " " + value_text(s.y[i], y);
}

}  // namespace serialq::workflow
