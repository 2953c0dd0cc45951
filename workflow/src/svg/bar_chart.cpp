// Bar chart over categories (e.g. layers): grouped bars, one per series, or stacked bars.
// Category labels turn 45 degrees when they would collide, and only every k-th is written when
// there are too many to read (all of them stay in the table and in the tooltips).
#include "plot_frame.hpp"
#include "series_check.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace serialq::workflow {

namespace {
constexpr std::size_t kCategoryChars = 14;
}

std::string render_svg(const BarChart& chart) {
    const std::size_t n = chart.categories.size();
    std::vector<double> ys{0.0};
    std::vector<double> tops(n, 0.0), bottoms(n, 0.0);
    std::vector<LegendEntry> legend;
    for (std::size_t i = 0; i < chart.series.size(); ++i) {
        const auto& s = chart.series[i];
        if (s.values.size() != n)
            throw std::invalid_argument("bar chart '" + chart.title + "': series '" + s.name +
                                        "' has " + std::to_string(s.values.size()) +
                                        " values for " + std::to_string(n) + " categories");
        legend.push_back({s.name, series_colour(i), LegendEntry::Kind::Bar});
        for (std::size_t c = 0; c < n; ++c) {
            const double v = std::isfinite(s.values[c]) ? s.values[c] : 0;
            if (chart.stacked)
                (v >= 0 ? tops[c] : bottoms[c]) += v;
            else
                ys.push_back(v);
        }
    }
    if (chart.stacked) {
        ys.insert(ys.end(), tops.begin(), tops.end());
        ys.insert(ys.end(), bottoms.begin(), bottoms.end());
    }
    if (chart.reference) {
        ys.push_back(chart.reference->y);
        legend.push_back({chart.reference->label, "#666666", LegendEntry::Kind::Reference});
    }

    // Category labels: horizontal if they fit their slot, else rotated, thinned out if crowded.
    double longest = 0;
    for (const auto& c : chart.categories)
        longest = std::max(longest, text_width(clip_text(c, kCategoryChars)));
    const PlotArea probe = plot_area(legend);
    const double slot_guess = (probe.right - probe.left) / std::max<std::size_t>(n, 1);
    const bool rotate = longest > slot_guess - 4;
    const double bottom_space = rotate ? 40 + longest * 0.72 : 48;
    const PlotArea area = plot_area(legend, bottom_space);
    const double slot = (area.right - area.left) / std::max<std::size_t>(n, 1);
    const std::size_t every =
        rotate ? std::max<std::size_t>(1, static_cast<std::size_t>(std::ceil(14.0 / slot))) : 1;

    Axis y_axis = chart.y;
    y_axis.include_zero = true;
    y_axis.scale = Scale::Linear;  // bar lengths mean nothing on a log axis
    const AxisLayout y(y_axis, ys, area.bottom, area.top, false);

    Canvas canvas(kChartWidth, kChartHeight, chart.title);
    draw_title(canvas, chart.title);
    draw_y_axis(canvas, area, y);

    const std::size_t groups = chart.stacked ? 1 : std::max<std::size_t>(chart.series.size(), 1);
    const double group_width = slot * 0.8;
    const double bar_width = group_width / static_cast<double>(groups);
    std::vector<double> up(n, 0.0), down(n, 0.0);
    bool any = false;
    for (std::size_t i = 0; i < chart.series.size(); ++i) {
        const auto& s = chart.series[i];
        for (std::size_t c = 0; c < n; ++c) {
            const double v = s.values[c];
            if (!std::isfinite(v)) continue;
            any = true;
            double from = 0;
            if (chart.stacked) {
                double& acc = v >= 0 ? up[c] : down[c];
                from = acc;
                acc += v;
            }
            const double p0 = y.to_pixel(from), p1 = y.to_pixel(from + v);
            const double x0 = area.left + slot * static_cast<double>(c) + (slot - group_width) / 2 +
                              (chart.stacked ? 0 : bar_width * static_cast<double>(i));
            const std::string tip = chart.categories[c] + (s.name.empty() ? "" : " - " + s.name) +
                                    ": " + value_text(v, chart.y);
            canvas.rect(x0, std::min(p0, p1), std::max(bar_width - (groups > 1 ? 1 : 0), 0.5),
                        std::max(std::fabs(p1 - p0), 0.0), series_colour(i), tip);
        }
    }
    if (chart.reference)
        draw_reference(canvas, area, y, chart.reference->y, chart.reference->label);

    for (std::size_t c = 0; c < n; c += every) {
        const double cx = area.left + slot * (static_cast<double>(c) + 0.5);
        const std::string label = clip_text(chart.categories[c], kCategoryChars);
        if (rotate)
            canvas.text(cx + 3, area.bottom + 10, label, Canvas::Anchor::End, 11, false, -45);
        else
            canvas.text(cx, area.bottom + 17, label, Canvas::Anchor::Middle);
    }
    canvas.text((area.left + area.right) / 2, kChartHeight - 8, chart.category_label,
                Canvas::Anchor::Middle, 12);
    if (!any) draw_no_data(canvas, area);
    draw_legend(canvas, area, legend);
    return canvas.finish();
}

}  // namespace serialq::workflow
