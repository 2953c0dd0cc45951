// Scatter chart: translucent markers per series, and the frontier on top as a staircase
// through ringed markers (for cost on x and a benefit on y: the best benefit reachable at each
// cost, so the step goes across first, then up).
#include "plot_frame.hpp"
#include "series_check.hpp"

namespace serialq::workflow {

std::string render_svg(const ScatterChart& chart, Palette* palette) {
    Palette own;
    Palette& colours = palette ? *palette : own;
    std::vector<double> xs, ys;
    std::vector<LegendEntry> legend;
    for (std::size_t i = 0; i < chart.series.size(); ++i) {
        const auto& s = chart.series[i];
        check_series(s, "scatter chart '" + chart.title + "'");
        xs.insert(xs.end(), s.x.begin(), s.x.end());
        ys.insert(ys.end(), s.y.begin(), s.y.end());
        legend.push_back({s.name, colours.colour(s.name), LegendEntry::Kind::Marker});
    }
    const std::string frontier_colour = "#C0392B";
    if (chart.frontier) {
        check_series(*chart.frontier, "scatter chart '" + chart.title + "'");
        xs.insert(xs.end(), chart.frontier->x.begin(), chart.frontier->x.end());
        ys.insert(ys.end(), chart.frontier->y.begin(), chart.frontier->y.end());
        legend.push_back({chart.frontier->name, frontier_colour, LegendEntry::Kind::Frontier});
    }
    const std::string chosen_colour = "#000000";
    if (chart.chosen) {
        check_series(*chart.chosen, "scatter chart '" + chart.title + "'");
        xs.insert(xs.end(), chart.chosen->x.begin(), chart.chosen->x.end());
        ys.insert(ys.end(), chart.chosen->y.begin(), chart.chosen->y.end());
        legend.push_back({chart.chosen->name, chosen_colour, LegendEntry::Kind::Chosen});
    }
    const ChartFrame frame = chart_frame(legend);
    const PlotArea& area = frame.area;
    const AxisLayout x(chart.x, xs, area.left, area.right, true);
    const AxisLayout y(chart.y, ys, area.bottom, area.top, true);

    Canvas canvas(frame.width, frame.height, chart.title);
    draw_title(canvas, chart.title);
    draw_y_axis(canvas, area, y);
    draw_x_axis(canvas, area, x);

    bool any = false;
    for (std::size_t i = 0; i < chart.series.size(); ++i) {
        const auto& s = chart.series[i];
        for (std::size_t k = 0; k < s.x.size(); ++k) {
            if (!x.drawable(s.x[k]) || !y.drawable(s.y[k])) continue;
            any = true;
            canvas.circle(x.to_pixel(s.x[k]), y.to_pixel(s.y[k]), 3.5, legend[i].colour, "#ffffff",
                          point_tooltip(s, k, chart.x, chart.y), 0.5, 0.7);
        }
    }
    if (chart.frontier) {
        const auto& f = *chart.frontier;
        std::vector<std::pair<double, double>> steps;
        for (std::size_t k = 0; k < f.x.size(); ++k) {
            if (!x.drawable(f.x[k]) || !y.drawable(f.y[k])) continue;
            const double px = x.to_pixel(f.x[k]), py = y.to_pixel(f.y[k]);
            if (!steps.empty()) steps.emplace_back(px, steps.back().second);
            steps.emplace_back(px, py);
        }
        canvas.polyline(steps, frontier_colour, 1.5);
        for (std::size_t k = 0; k < f.x.size(); ++k) {
            if (!x.drawable(f.x[k]) || !y.drawable(f.y[k])) continue;
            any = true;
            canvas.circle(x.to_pixel(f.x[k]), y.to_pixel(f.y[k]), 5, "none", frontier_colour,
                          point_tooltip(f, k, chart.x, chart.y), 2);
        }
    }
    if (chart.chosen) {  // last, so that nothing hides it
        const auto& c = *chart.chosen;
        canvas.begin_group({{"class", "chosen"}});
        for (std::size_t k = 0; k < c.x.size(); ++k)
            if (x.drawable(c.x[k]) && y.drawable(c.y[k]))
                draw_diamond(canvas, x.to_pixel(c.x[k]), y.to_pixel(c.y[k]), chosen_colour,
                             point_tooltip(c, k, chart.x, chart.y));
        canvas.end_group();
    }
    if (!any) draw_no_data(canvas, area);
    draw_legend(canvas, frame, legend);
    return canvas.finish();
}

}  // namespace serialq::workflow
