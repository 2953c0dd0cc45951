#pragma once
// The parts every x-y chart shares: the plot area left after title, axes and legend, the axes
// with their grid, ticks and titles, and the legend. The legend sits below the plot, wrapped
// into rows, its names in full (series names are long and often differ only at their end).
#include "axis_layout.hpp"
#include "canvas.hpp"

#include <string>
#include <utility>
#include <vector>

namespace serialq::workflow {

struct LegendEntry {
    enum class Kind { Line, Marker, Bar, Frontier, Reference, Chosen };
    std::string name;
    std::string colour;
    Kind kind = Kind::Marker;
};

// The plot area in page coordinates.
struct PlotArea {
    double left = 0, top = 0, right = 0, bottom = 0;
};

constexpr double kChartWidth = 720;
constexpr double kPlotHeight = 292;

// The page: its size, the plot area, and where each legend entry goes.
struct ChartFrame {
    double width = kChartWidth, height = 0;
    PlotArea area;
    double bottom_space = 0;  // below the plot, for the x tick labels and title
    std::vector<std::pair<double, double>> legend_at;  // one per entry
};

// Leaves room for the title (top), the y axis (left), `bottom_space` below the plot and the
// legend's rows under that; the page is `width` wide and as tall as that needs.
ChartFrame chart_frame(const std::vector<LegendEntry>& legend, double bottom_space = 48,
                       double width = kChartWidth);

void draw_title(Canvas& canvas, const std::string& title);
// Horizontal grid and tick labels for `y`, the y title, and the frame lines.
void draw_y_axis(Canvas& canvas, const PlotArea& area, const AxisLayout& y);
// Tick marks, labels and title for a numeric x axis.
void draw_x_axis(Canvas& canvas, const PlotArea& area, const AxisLayout& x);
void draw_legend(Canvas& canvas, const ChartFrame& frame, const std::vector<LegendEntry>& legend);
// A dashed horizontal line across the plot with its label at the right end, in the colour the
// palette gives its label (a baseline drawn as a series elsewhere keeps its colour).
void draw_reference(Canvas& canvas, const PlotArea& area, const AxisLayout& y,
                    const ReferenceLine& reference, const std::string& colour);
// The marker of a chosen point: a diamond, unlike every other marker.
void draw_diamond(Canvas& canvas, double cx, double cy, const std::string& colour,
                  const std::string& tooltip);
// A centred note for a chart with nothing to draw.
void draw_no_data(Canvas& canvas, const PlotArea& area);

}  // namespace serialq::workflow
