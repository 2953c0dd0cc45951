// Line chart: one polyline with markers per series; a gap where a value cannot be drawn.
#include "plot_frame.hpp"
#include "series_check.hpp"

namespace serialq::workflow {

std::string render_svg(const LineChart& chart, Palette* palette) {
    Palette own;
    Palette& colours = palette ? *palette : own;
    std::vector<double> xs, ys;
    std::vector<LegendEntry> legend;
    for (std::size_t i = 0; i < chart.series.size(); ++i) {
        const auto& s = chart.series[i];
        check_series(s, "line chart '" + chart.title + "'");
        xs.insert(xs.end(), s.x.begin(), s.x.end());
        ys.insert(ys.end(), s.y.begin(), s.y.end());
        legend.push_back({s.name, colours.colour(s.name), LegendEntry::Kind::Line});
    }
    if (chart.reference) {
        ys.push_back(chart.reference->y);
        legend.push_back({chart.reference->label, colours.colour(chart.reference->label),
                          LegendEntry::Kind::Reference});
    }
    const ChartFrame frame = chart_frame(legend);
    const PlotArea& area = frame.area;
    const AxisLayout x(chart.x, xs, area.left, area.right, true);
    const AxisLayout y(chart.y, ys, area.bottom, area.top, false);

    Canvas canvas(frame.width, frame.height, chart.title);
    draw_title(canvas, chart.title);
    draw_y_axis(canvas, area, y);
    draw_x_axis(canvas, area, x);
    if (chart.reference) draw_reference(canvas, area, y, *chart.reference, legend.back().colour);

    bool any = false;
    for (std::size_t i = 0; i < chart.series.size(); ++i) {
        const auto& s = chart.series[i];
        const std::string& colour = legend[i].colour;
        std::vector<std::pair<double, double>> run;
        auto flush = [&] {
            canvas.polyline(run, colour, 2);
            run.clear();
        };
        for (std::size_t k = 0; k < s.x.size(); ++k) {
            if (!x.drawable(s.x[k]) || !y.drawable(s.y[k])) {
                flush();
                continue;
            }
            run.emplace_back(x.to_pixel(s.x[k]), y.to_pixel(s.y[k]));
        }
        flush();
        for (std::size_t k = 0; k < s.x.size(); ++k) {
            if (!x.drawable(s.x[k]) || !y.drawable(s.y[k])) continue;
            any = true;
            if (!chart.markers) continue;
            canvas.circle(x.to_pixel(s.x[k]), y.to_pixel(s.y[k]), 3.2, colour, "#ffffff",
                          point_tooltip(s, k, chart.x, chart.y), 0.8);
        }
    }
    if (!any) draw_no_data(canvas, area);
    draw_legend(canvas, frame, legend);
    return canvas.finish();
}

}  // namespace serialq::workflow
