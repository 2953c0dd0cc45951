#include "canvas.hpp"

#include "../xml_text.hpp"

#include "serialq/workflow/chart.hpp"

#include <algorithm>

namespace serialq::workflow {

const std::string& series_colour(std::size_t index) {
    static const std::vector<std::string> palette = {"#0072B2", "#E69F00", "#009E73", "#D55E00",
                                                     "#CC79A7", "#56B4E9", "#000000", "#F0E442"};
    return palette[index % palette.size()];
}

const std::string& Palette::colour(const std::string& name) {
    auto at = std::find(names_.begin(), names_.end(), name);
    if (at == names_.end()) at = names_.insert(names_.end(), name);
    return series_colour(static_cast<std::size_t>(at - names_.begin()));
}

std::string render_svg(const Chart& chart, Palette* palette) {
    return std::visit([palette](const auto& c) { return render_svg(c, palette); }, chart);
}

Canvas::Canvas(double width, double height, const std::string& title)
    : width_(width), height_(height), title_(title) {}

namespace {
std::string tooltip_element(const std::string& tooltip) {
    return tooltip.empty() ? "" : "<title>" + xml_escape(tooltip) + "</title>";
}
std::string dash_attr(const std::string& dash) {
    return dash.empty() ? "" : " stroke-dasharray=\"" + dash + "\"";
}
}  // namespace

void Canvas::line(double x1, double y1, double x2, double y2, const std::string& stroke,
                  double stroke_width, const std::string& dash) {
    body_ += "<line x1=\"" + coord(x1) + "\" y1=\"" + coord(y1) + "\" x2=\"" + coord(x2) +
             "\" y2=\"" + coord(y2) + "\" stroke=\"" + stroke + "\" stroke-width=\"" +
             coord(stroke_width) + "\"" + dash_attr(dash) + "/>\n";
}

void Canvas::polyline(const std::vector<std::pair<double, double>>& points,
                      const std::string& stroke, double stroke_width, const std::string& dash) {
    if (points.size() < 2) return;
    std::string p;
    for (const auto& [x, y] : points) {
        if (!p.empty()) p += ' ';  // appended apart: GCC 12 -Wrestrict false positive
        p.append(coord(x)).append(",").append(coord(y));
    }
    body_ += "<polyline points=\"" + p + "\" fill=\"none\" stroke=\"" + stroke +
             "\" stroke-width=\"" + coord(stroke_width) + "\" stroke-linejoin=\"round\"" +
             dash_attr(dash) + "/>\n";
}

void Canvas::rect(double x, double y, double w, double h, const std::string& fill,
                  const std::string& tooltip, const std::string& stroke) {
    const std::string attrs = "x=\"" + coord(x) + "\" y=\"" + coord(y) + "\" width=\"" + coord(w) +
                              "\" height=\"" + coord(h) + "\" fill=\"" + fill + "\" stroke=\"" +
                              stroke + "\"";
    if (tooltip.empty())
        body_ += "<rect " + attrs + "/>\n";
    else
        body_ += "<rect " + attrs + ">" + tooltip_element(tooltip) + "</rect>\n";
}

void Canvas::circle(double cx, double cy, double r, const std::string& fill,
                    const std::string& stroke, const std::string& tooltip, double stroke_width,
                    double opacity) {
    std::string attrs = "cx=\"" + coord(cx) + "\" cy=\"" + coord(cy) + "\" r=\"" + coord(r) +
                        "\" fill=\"" + fill + "\" stroke=\"" + stroke + "\" stroke-width=\"" +
                        coord(stroke_width) + "\"";
    if (opacity < 1) attrs += " fill-opacity=\"" + short_number(opacity, 2) + "\"";
    if (tooltip.empty())
        body_ += "<circle " + attrs + "/>\n";
    else
        body_ += "<circle " + attrs + ">" + tooltip_element(tooltip) + "</circle>\n";
}

void Canvas::polygon(const std::vector<std::pair<double, double>>& points, const std::string& fill,
                     const std::string& stroke, const std::string& tooltip) {
    std::string p;
    for (const auto& [x, y] : points) {
        if (!p.empty()) p += ' ';
        p.append(coord(x)).append(",").append(coord(y));
    }
    body_ += "<polygon points=\"" + p + "\" fill=\"" + fill + "\" stroke=\"" + stroke + "\">" +
             tooltip_element(tooltip) + "</polygon>\n";
}

void Canvas::begin_group(const std::vector<std::pair<std::string, std::string>>& attributes) {
    body_ += "<g";
    for (const auto& [k, v] : attributes) body_ += " " + k + "=\"" + xml_escape(v) + "\"";
    body_ += ">\n";
}

void Canvas::end_group() { body_ += "</g>\n"; }

void Canvas::text(double x, double y, const std::string& content, Anchor anchor, double size,
                  bool bold, double rotate, bool middle, const std::string& fill) {
    std::string a = "x=\"" + coord(x) + "\" y=\"" + coord(y) + "\" font-size=\"" + coord(size) +
                    "\" fill=\"" + fill + "\"";
    if (anchor == Anchor::Middle) a += " text-anchor=\"middle\"";
    if (anchor == Anchor::End) a += " text-anchor=\"end\"";
    if (bold) a += " font-weight=\"bold\"";
    // dy instead of dominant-baseline: the latter is not honoured by every renderer.
    if (middle) a += " dy=\"0.35em\"";
    if (rotate != 0)
        a += " transform=\"rotate(" + coord(rotate) + " " + coord(x) + " " + coord(y) + ")\"";
    body_ += "<text " + a + ">" + xml_escape(content) + "</text>\n";
}

std::string Canvas::finish() const {
    return "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" + coord(width_) + "\" height=\"" +
           coord(height_) + "\" viewBox=\"0 0 " + coord(width_) + " " + coord(height_) +
           "\" role=\"img\" font-family=\"DejaVu Sans, Helvetica, Arial, sans-serif\">\n"
           "<title>" +
           xml_escape(title_) +
           "</title>\n"
           "<rect x=\"0\" y=\"0\" width=\"" +
           coord(width_) + "\" height=\"" + coord(height_) + "\" fill=\"#ffffff\"/>\n" + body_ +
           "</svg>\n";
}

double text_width(const std::string& text, double size) {
    // Average advance of a sans-serif glyph is ~0.6 em; count UTF-8 code points, not bytes.
    std::size_t glyphs = 0;
    for (unsigned char c : text)
        if ((c & 0xC0) != 0x80) ++glyphs;
    return static_cast<double>(glyphs) * size * 0.6;
}

std::string clip_text(const std::string& text, std::size_t max_chars) {
    if (text.size() <= max_chars) return text;
    std::size_t cut = max_chars > 3 ? max_chars - 3 : 0;
    while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;  // UTF-8
    return text.substr(0, cut) + "...";
}

}  // namespace serialq::workflow
