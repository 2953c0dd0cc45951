// Bar chart over categories (e.g. layers): grouped bars, one per series, or stacked bars.
// Category labels stand upright when they would collide side by side, and the chart widens
// with the number of categories so that every label has its own column (ResNet-50's 54 layers
// among them; a browser scales the figure down to the page).
#include "plot_frame.hpp"
#include "series_check.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace serialq::workflow {

namespace {

constexpr std::size_t kCategoryChars = 24;
constexpr double kUprightSlot = 16;  // pixels per upright label: its line height and a gap

// The values the y axis must show (0, every bar's end; with stacking, the stacks' ends; the
// reference line) and the legend; a series of the wrong length is refused.
struct Extent {
    std::vector<double> ys{0.0};
    std::vector<LegendEntry> legend;
};

Extent extent_of(const BarChart& chart, Palette& colours) {
    const std::size_t n = chart.categories.size();
    Extent e;
    std::vector<double> tops(n, 0.0), bottoms(n, 0.0);
    for (std::size_t i = 0; i < chart.series.size(); ++i) {
        const auto& s = chart.series[i];
        if (s.values.size() != n)
            throw std::invalid_argument("bar chart '" + chart.title + "': series '" + s.name +
                                        "' has " + std::to_string(s.values.size()) +
                                        " values for " + std::to_string(n) + " categories");
        e.legend.push_back({s.name, colours.colour(s.name), LegendEntry::Kind::Bar});
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
        e.legend.push_back({chart.reference->label, colours.colour(chart.reference->label),
                            LegendEntry::Kind::Reference});
    }
    return e;
}

// Where the categories go: horizontal labels if they fit their slot, else upright (with room
// below the plot for them) in slots of at least kUprightSlot, the page widened to hold them.
struct CategoryLayout {
    ChartFrame frame;
    double slot = 0;  // pixels per category
    bool rotate = false;
};

CategoryLayout layout_categories(const BarChart& chart, const std::vector<LegendEntry>& legend) {
    const auto n = static_cast<double>(std::max<std::size_t>(chart.categories.size(), 1));
    double longest = 0;
    for (const auto& c : chart.categories)
        longest = std::max(longest, text_width(clip_text(c, kCategoryChars)) * 1.15);
    const ChartFrame probe = chart_frame(legend);
    const double plot_width = probe.area.right - probe.area.left;
    CategoryLayout l;
    l.rotate = longest > plot_width / n - 6;
    l.frame = l.rotate ? chart_frame(legend, 44 + longest,
                                     probe.width + std::max(0.0, n * kUprightSlot - plot_width))
                       : probe;
    l.slot = (l.frame.area.right - l.frame.area.left) / n;
    return l;
}

// Every finite value as a bar (grouped side by side, or stacked); false if there was none.
bool draw_bars(Canvas& canvas, const BarChart& chart, const CategoryLayout& l, const AxisLayout& y,
               const std::vector<LegendEntry>& legend) {
    const PlotArea& area = l.frame.area;
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
            const double x0 = area.left + l.slot * static_cast<double>(c) +
                              (l.slot - group_width) / 2 +
                              (chart.stacked ? 0 : bar_width * static_cast<double>(i));
            const std::string tip = chart.categories[c] + (s.name.empty() ? "" : " - " + s.name) +
                                    ": " + value_text(v, chart.y);
            canvas.rect(x0, std::min(p0, p1), std::max(bar_width - (groups > 1 ? 1 : 0), 0.5),
                        std::max(std::fabs(p1 - p0), 0.0), legend[i].colour, tip);
        }
    }
    return any;
}

void draw_category_labels(Canvas& canvas, const BarChart& chart, const CategoryLayout& l) {
    const PlotArea& area = l.frame.area;
    for (std::size_t c = 0; c < chart.categories.size(); ++c) {
        const double cx = area.left + l.slot * (static_cast<double>(c) + 0.5);
        const std::string label = clip_text(chart.categories[c], kCategoryChars);
        if (l.rotate)  // reads bottom to top, ending just below the axis
            canvas.text(cx + 4, area.bottom + 8, label, Canvas::Anchor::End, 11, false, -90);
        else
            canvas.text(cx, area.bottom + 17, label, Canvas::Anchor::Middle);
    }
    canvas.text((area.left + area.right) / 2, area.bottom + l.frame.bottom_space - 8,
                chart.category_label, Canvas::Anchor::Middle, 12);
}

}  // namespace

std::string render_svg(const BarChart& chart, Palette* palette) {
    Palette own;
    const Extent e = extent_of(chart, palette ? *palette : own);
    const CategoryLayout l = layout_categories(chart, e.legend);
    const PlotArea& area = l.frame.area;
    Axis y_axis = chart.y;
    y_axis.include_zero = true;
    y_axis.scale = Scale::Linear;  // bar lengths mean nothing on a log axis
    const AxisLayout y(y_axis, e.ys, area.bottom, area.top, false);

    Canvas canvas(l.frame.width, l.frame.height, chart.title);
    draw_title(canvas, chart.title);
    draw_y_axis(canvas, area, y);
    const bool any = draw_bars(canvas, chart, l, y, e.legend);
    if (chart.reference) draw_reference(canvas, area, y, *chart.reference, e.legend.back().colour);
    draw_category_labels(canvas, chart, l);
    if (!any) draw_no_data(canvas, area);
    draw_legend(canvas, l.frame, e.legend);
    return canvas.finish();
}

}  // namespace serialq::workflow
