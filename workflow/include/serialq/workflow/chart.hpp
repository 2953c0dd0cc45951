#pragma once
// Charts as plain data, rendered to self-contained SVG by hand-written code (no plotting
// package at run time; docs/workflows.md says why). Each chart is one standalone <svg> element
// with inline presentation attributes only, so it looks the same inline in an HTML report, as a
// separate .svg file in Markdown, and when opened directly in a browser. The output is
// well-formed XML.
//
// Units: an Axis names its quantity and its base unit ("energy", "pJ"); the renderer rescales
// large values to a readable unit (pJ -> uJ, cycles -> M cycles) and prints it in the label.
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace serialq::workflow {

enum class Scale { Linear, Log };

struct Axis {
    std::string label;  // the quantity: "latency", "off-chip bandwidth"
    std::string unit;  // base unit: "cycles", "pJ", "GB/s", "%", "x" or "" (a ratio)
    Scale scale = Scale::Linear;
    bool include_zero = false;  // a linear axis that starts at zero (bars always do)
    std::vector<double> ticks;  // explicit tick positions (e.g. the swept values); empty: automatic
};

// Points of one named series; `labels` (optional, one per point) become hover tooltips.
struct Series {
    std::string name;
    std::vector<double> x;
    std::vector<double> y;
    std::vector<std::string> labels;
};

// A horizontal reference line, e.g. "baseline" at speedup 1.
struct ReferenceLine {
    double y = 0;
    std::string label;
};

struct LineChart {
    std::string title;
    Axis x, y;
    std::vector<Series> series;
    std::optional<ReferenceLine> reference;
    bool markers = true;  // a marker (with its tooltip) on every point; off for long curves
};

struct BarSeries {
    std::string name;
    std::vector<double> values;  // one per category
};

// Grouped bars (one bar per series within each category) or stacked bars (series on top of
// each other, e.g. energy components per layer).
struct BarChart {
    std::string title;
    std::string category_label;  // what the categories are: "layer"
    std::vector<std::string> categories;
    Axis y;
    std::vector<BarSeries> series;
    bool stacked = false;
    std::optional<ReferenceLine> reference;
};

// Points of several series, with an optional frontier drawn on top as a step line through
// ringed markers (the Pareto set: lowest cost for the highest accuracy).
struct ScatterChart {
    std::string title;
    Axis x, y;
    std::vector<Series> series;
    std::optional<Series> frontier;
    std::optional<Series> chosen;  // the configuration a search picked: a black diamond
};

using Chart = std::variant<LineChart, BarChart, ScatterChart>;

// Gives each series name a colour, in the order the names are first drawn. A report draws all
// its figures with one palette, so that a colour means the same series in every figure.
class Palette {
public:
    const std::string& colour(const std::string& name);

private:
    std::vector<std::string> names_;
};

// Each returns one <svg> element. Non-finite values (and non-positive ones on a log axis) are
// left out of the drawing; they stay in the tables behind the plot. Series whose vectors differ
// in length are a programming error (std::invalid_argument).
// Without a palette the chart gets one of its own.
std::string render_svg(const LineChart& chart, Palette* palette = nullptr);
std::string render_svg(const BarChart& chart, Palette* palette = nullptr);
std::string render_svg(const ScatterChart& chart, Palette* palette = nullptr);
std::string render_svg(const Chart& chart, Palette* palette = nullptr);

}  // namespace serialq::workflow
