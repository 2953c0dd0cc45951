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

// The values the y axis must show (0, every bar's end; with stacking, the stacks' ends; the
// reference line) and the legend; a series of the wrong length is refused.
struct Extent {
    std::vector<double> ys{0.0};
    std::vector<LegendEntry> legend;
};

Extent extent_of(const BarChart& chart) {
    const std::size_t n = chart.categories.size();
    Extent e;
    std::vector<double> tops(n, 0.0), bottoms(n, 0.0);
    for (std::size_t i = 0; i < chart.series.size(); ++i) {
        const auto& s = chart.series[i];
        if (s.values.size() != n)
            throw std::invalid_argument("bar chart '" + chart.title + "': series '" + s.name +
                                        "' has " + std::to_string(s.values.size()) +
                                        " values for " + std::to_string(n) + " categories");
        e.legend.push_back({s.name, series_colour(i), LegendEntry::Kind::Bar});
        for (std::size_t c = 0; c < n; ++c) {
            const double v = std::isfinite(s.values[c]) ? s.values[c] : 0;
            if (chart.stacked)
                (v >= 0 ? tops[c] : bottoms[c]) += v;
            else
                e.ys.push_back(v);
        }
    }
    if (chart.stacked) {
        e.ys.insert(e.ys.end(), tops.begin(), tops.end());
        e.ys.insert(e.ys.end(), bottoms.begin(), bottoms.end());
    }
    if (chart.reference) {
        e.ys.push_back(chart.reference->y);
        e.legend.push_back({chart.reference->label, "#666666", LegendEntry::Kind::Reference});
    }
    return e;
}

// Where the categories go: horizontal labels if they fit their slot, else rotated (with room
// below the plot for them) and, if crowded, only every k-th.
struct CategoryLayout {
    PlotArea area;
    double slot = 0;  // pixels per category
    bool rotate = false;
    std::size_t every = 1;
};

CategoryLayout layout_categories(const BarChart& chart, const std::vector<LegendEntry>& legend) {
    const std::size_t n = std::max<std::size_t>(chart.categories.size(), 1);
    double longest = 0;
    for (const auto& c : chart.categories)
        longest = std::max(longest, text_width(clip_text(c, kCategoryChars)));
    const PlotArea probe = plot_area(legend);
    CategoryLayout l;
    l.rotate = longest > (probe.right - probe.left) / static_cast<double>(n) - 4;
    l.area = plot_area(legend, l.rotate ? 40 + longest * 0.72 : 48);
    l.slot = (l.area.right - l.area.left) / static_cast<double>(n);
    if (l.rotate)
        l.every = std::max<std::size_t>(1, static_cast<std::size_t>(std::ceil(14.0 / l.slot)));
    return l;
}

// Every finite value as a bar (grouped side by side, or stacked); false if there was none.
bool draw_bars(Canvas& canvas, const BarChart& chart, const CategoryLayout& l,
               const AxisLayout& y) {
    const std::size_t n = chart.categories.size();
    const std::size_t groups = chart.stacked ? 1 : std::max<std::size_t>(chart.series.size(), 1);
    const double group_width = l.slot * 0.8;
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
            const double x0 = l.area.left + l.slot * static_cast<double>(c) +
                              (l.slot - group_width) / 2 +
                              (chart.stacked ? 0 : bar_width * static_cast<double>(i));
            const std::string tip = chart.categories[c] + (s.name.empty() ? "" : " - " + s.name) +
                                    ": " + value_text(v, chart.y);
            canvas.rect(x0, std::min(p0, p1), std::max(bar_width - (groups > 1 ? 1 : 0), 0.5),
                        std::max(std::fabs(p1 - p0), 0.0), series_colour(i), tip);
        }
    }
    return any;
}

void draw_category_labels(Canvas& canvas, const BarChart& chart, const CategoryLayout& l) {
    for (std::size_t c = 0; c < chart.categories.size(); c += l.every) {
        const double cx = l.area.left + l.slot * (static_cast<double>(c) + 0.5);
        const std::string label = clip_text(chart.categories[c], kCategoryChars);
        if (l.rotate)
            canvas.text(cx + 3, l.area.bottom + 10, label, Canvas::Anchor::End, 11, false, -45);
        else
            canvas.text(cx, l.area.bottom + 17, label, Canvas::Anchor::Middle);
    }
    canvas.text((l.area.left + l.area.right) / 2, kChartHeight - 8, chart.category_label,
                Canvas::Anchor::Middle, 12);
}

}  // namespace

std::string render_svg(const BarChart& chart) {
    const Extent e = extent_of(chart);
    const CategoryLayout l = layout_categories(chart, e.legend);
    Axis y_axis = chart.y;
    y_axis.include_zero = true;
    y_axis.scale = Scale::Linear;  // bar lengths mean nothing on a log axis
    const AxisLayout y(y_axis, e.ys, l.area.bottom, l.area.top, false);

    Canvas canvas(kChartWidth, kChartHeight, chart.title);
    draw_title(canvas, chart.title);
    draw_y_axis(canvas, l.area, y);
    const bool any = draw_bars(canvas, chart, l, y);
    if (chart.reference)
        draw_reference(canvas, l.area, y, chart.reference->y, chart.reference->label);
    draw_category_labels(canvas, chart, l);
    if (!any) draw_no_data(canvas, l.area);
    draw_legend(canvas, l.area, e.legend);
    return canvas.finish();
}

}  // namespace serialq::workflow
