#pragma once
// Shared checks and tooltip text for the chart renderers.
#include "serialq/workflow/chart.hpp"

#include <string>

namespace serialq::workflow {

// Throws std::invalid_argument if a series' x, y (and labels, if any) differ in length.
void check_series(const Series& s, const std::string& chart);

// "value unit" as a tooltip shows it, in the axis' base unit.
std::string value_text(double value, const Axis& axis);

// The tooltip of point i: its label if it has one, else "name: x ..., y ...".
std::string point_tooltip(const Series& s, std::size_t i, const Axis& x, const Axis& y);

}  // namespace serialq::workflow
