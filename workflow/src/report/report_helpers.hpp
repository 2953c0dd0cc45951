#pragma once
// Small pieces the report builders share: number cells, the labels of energy components, and
// a figure made of a chart and the table behind it.
#include "serialq/workflow/chart.hpp"
#include "serialq/workflow/report_document.hpp"

#include <string>

namespace serialq::workflow {

// A table cell: whole numbers for large values (cycles, pJ), four significant digits for
// small ones (ratios), "" for a value that is not known.
std::string cell(double value);

// "weight_buffer_pj" -> "weight buffer"
std::string component_label(const std::string& column);

// A line or bar chart turned into a figure whose table has one row per category / x value and
// one column per series.
Figure bar_figure(const std::string& id, const std::string& caption, const BarChart& chart);
Figure line_figure(const std::string& id, const std::string& caption, const LineChart& chart,
                   const std::string& x_column);

}  // namespace serialq::workflow
