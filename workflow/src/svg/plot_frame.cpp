#include "plot_frame.hpp"

#include <algorithm>

namespace serialq::workflow {

namespace {
constexpr double kLegendFont = 11;
constexpr double kLegendRow = 18;
constexpr double kLeft = 76, kRight = 16;

// The estimate of text_width is for an average glyph; leave room for wide ones.
double legend_entry_width(const std::string& name) {
    return 24 + text_width(name, kLegendFont) * 1.15 + 14;
}

// The name as drawn: clipped only if it is wider than a whole row.
std::string legend_name(const std::string& name, double width) {
    const double room = width - kLeft - kRight;
    std::size_t chars = name.size();
    while (chars > 4 && legend_entry_width(clip_text(name, chars)) > room) --chars;
    return clip_text(name, chars);
}
const std::string kAxisColour = "#444444";
const std::string kGridColour = "#e3e3e3";
}  // namespace

ChartFrame chart_frame(const std::vector<LegendEntry>& legend, double bottom_space, double width) {
    ChartFrame f;
    f.width = width;
    f.bottom_space = bottom_space;
    f.area = {kLeft, 40, width - kRight, 40 + kPlotHeight};
    double x = kLeft, y = f.area.bottom + bottom_space + 6;
    for (const auto& e : legend) {
        const double w = legend_entry_width(legend_name(e.name, width));
        if (x > kLeft && x + w > width - kRight) {
            x = kLeft;
            y += kLegendRow;
        }
        f.legend_at.emplace_back(x, y);
        x += w;
    }
    f.height = legend.empty() ? f.area.bottom + bottom_space : y + kLegendRow;
    return f;
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

void draw_legend(Canvas& canvas, const ChartFrame& frame, const std::vector<LegendEntry>& legend) {
    for (std::size_t i = 0; i < legend.size(); ++i) {
        const auto& e = legend[i];
        const auto [x, y] = frame.legend_at[i];
        canvas.begin_group(
            {{"class", "legend-entry"}, {"data-name", e.name}, {"data-colour", e.colour}});
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
            case LegendEntry::Kind::Chosen:
                draw_diamond(canvas, x + 9, y, e.colour, "");
                break;
        }
        canvas.text(x + 24, y, legend_name(e.name, frame.width), Canvas::Anchor::Start, kLegendFont,
                    false, 0, true);
        canvas.end_group();
    }
}

void draw_reference(Canvas& canvas, const PlotArea& area, const AxisLayout& y,
                    const ReferenceLine& reference, const std::string& colour) {
    if (!y.drawable(reference.y)) return;
    const double py = y.to_pixel(reference.y);
    if (py < area.top || py > area.bottom) return;
    canvas.line(area.left, py, area.right, py, colour, 1.2, "5 3");
    canvas.text(area.right - 4, py - 5, reference.label, Canvas::Anchor::End, 10, false, 0, false,
                "#555555");
}

void draw_diamond(Canvas& canvas, double cx, double cy, const std::string& colour,
                  const std::string& tooltip) {
    const double r = 6;
    canvas.polygon({{cx, cy - r}, {cx + r, cy}, {cx, cy + r}, {cx - r, cy}}, colour, "#ffffff",
                   tooltip);
}

void draw_no_data(Canvas& canvas, const PlotArea& area) {
    canvas.text((area.left + area.right) / 2, (area.top + area.bottom) / 2, "no data to plot",
                Canvas::Anchor::Middle, 13, false, 0, true, "#888888");
}

}  // namespace serialq::workflow
