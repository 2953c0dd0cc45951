#include "plot_frame.hpp"

#include <algorithm>

namespace serialq::workflow {

namespace {
constexpr double kLegendFont = 11;
constexpr std::size_t kLegendChars = 30;
const std::string kAxisColour = "#444444";
const std::string kGridColour = "#e3e3e3";
}  // namespace

PlotArea plot_area(const std::vector<LegendEntry>& legend, double bottom_space) {
    double legend_width = 0;
    for (const auto& e : legend)
        legend_width =
            std::max(legend_width, text_width(clip_text(e.name, kLegendChars), kLegendFont) + 34);
    return {76, 40, kChartWidth - 16 - legend_width, kChartHeight - bottom_space};
}

void draw_title(Canvas& canvas, const std::string& title) {
    canvas.text(12, 22, title, Canvas::Anchor::Start, 14, true);
}

void draw_y_axis(Canvas& canvas, const PlotArea& area, const AxisLayout& y) {
    for (double t : y.ticks()) {
        const double py = y.to_pixel(t);
        if (py < area.top - 0.5 || py > area.bottom + 0.5) continue;
        canvas.line(area.left, py, area.right, py, kGridColour);
        canvas.line(area.left - 4, py, area.left, py, kAxisColour);
        canvas.text(area.left - 7, py, y.tick_label(t), Canvas::Anchor::End, 11, false, 0, true);
    }
    canvas.line(area.left, area.top, area.left, area.bottom, kAxisColour);
    canvas.line(area.left, area.bottom, area.right, area.bottom, kAxisColour);
    const double mid = (area.top + area.bottom) / 2;
    canvas.text(18, mid, y.title(), Canvas::Anchor::Middle, 12, false, -90);
}

void draw_x_axis(Canvas& canvas, const PlotArea& area, const AxisLayout& x) {
    for (double t : x.ticks()) {
        const double px = x.to_pixel(t);
        if (px < area.left - 0.5 || px > area.right + 0.5) continue;
        canvas.line(px, area.bottom, px, area.bottom + 4, kAxisColour);
        canvas.text(px, area.bottom + 17, x.tick_label(t), Canvas::Anchor::Middle);
    }
    canvas.text((area.left + area.right) / 2, area.bottom + 38, x.title(), Canvas::Anchor::Middle,
                12);
}

void draw_legend(Canvas& canvas, const PlotArea& area, const std::vector<LegendEntry>& legend) {
    const double x = area.right + 16;
    double y = area.top + 6;
    for (const auto& e : legend) {
        switch (e.kind) {
            case LegendEntry::Kind::Line:
                canvas.line(x, y, x + 18, y, e.colour, 2);
                canvas.circle(x + 9, y, 3, e.colour);
                break;
            case LegendEntry::Kind::Marker:
                canvas.circle(x + 9, y, 3.5, e.colour, "#ffffff", "", 0.5);
                break;
            case LegendEntry::Kind::Bar:
                canvas.rect(x + 2, y - 5, 14, 10, e.colour);
                break;
            case LegendEntry::Kind::Frontier:
                canvas.line(x, y, x + 18, y, e.colour, 1.5);
                canvas.circle(x + 9, y, 4.5, "none", e.colour, "", 2);
                break;
            case LegendEntry::Kind::Reference:
                canvas.line(x, y, x + 18, y, e.colour, 1.2, "5 3");
                break;
        }
        canvas.text(x + 24, y, clip_text(e.name, kLegendChars), Canvas::Anchor::Start, kLegendFont,
                    false, 0, true);
        y += 18;
    }
}

void draw_reference(Canvas& canvas, const PlotArea& area, const AxisLayout& y, double value,
                    const std::string& label) {
    if (!y.drawable(value)) return;
    const double py = y.to_pixel(value);
    if (py < area.top || py > area.bottom) return;
    canvas.line(area.left, py, area.right, py, "#666666", 1.2, "5 3");
    canvas.text(area.right - 4, py - 5, label, Canvas::Anchor::End, 10, false, 0, false, "#555555");
}

void draw_no_data(Canvas& canvas, const PlotArea& area) {
    canvas.text((area.left + area.right) / 2, (area.top + area.bottom) / 2, "no data to plot",
                Canvas::Anchor::Middle, 13, false, 0, true, "#888888");
}

}  // namespace serialq::workflow
