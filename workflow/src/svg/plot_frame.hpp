#pragma once
// The parts every x-y chart shares: the plot area left after title, axes and legend, the axes
// with their grid, ticks and titles, and the legend.
#include "axis_layout.hpp"
#include "canvas.hpp"

#include <string>
#include <vector>

namespace serialq::workflow {

struct LegendEntry {
    enum class Kind { Line, Marker, Bar, Frontier, Reference };
    std::string name;
    std::string colour;
    Kind kind = Kind::Marker;
};

// The plot area in page coordinates.
struct PlotArea {
    double left = 0, top = 0, right = 0, bottom = 0;
};

constexpr double kChartWidth = 720;
constexpr double kChartHeight = 380;

// Leaves room for the title (top), the y axis (left), `bottom_space` below the plot (x tick
// labels and title) and the legend (right, sized to its longest name).
PlotArea plot_area(const std::vector<LegendEntry>& legend, double bottom_space = 48);

void draw_title(Canvas& canvas, const std::string& title);
// Horizontal grid and tick labels for `y`, the y title, and the frame lines.
void draw_y_axis(Canvas& canvas, const PlotArea& area, const AxisLayout& y);
// Tick marks, labels and title for a numeric x axis.
void draw_x_axis(Canvas& canvas, const PlotArea& area, const AxisLayout& x);
void draw_legend(Canvas& canvas, const PlotArea& area, const std::vector<LegendEntry>& legend);
// A dashed horizontal line across the plot with its label at the right end.
void draw_reference(Canvas& canvas, const PlotArea& area, const AxisLayout& y, double value,
                    const std::string& label);
// A centred note for a chart with nothing to draw.
void draw_no_data(Canvas& canvas, const PlotArea& area);

}  // namespace serialq::workflow
