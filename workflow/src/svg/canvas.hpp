#pragma once
// A minimal SVG writer: shapes and text appended to one <svg> element, every string escaped,
// presentation attributes inline (so the file renders the same standalone and inside HTML).
#include <string>
#include <utility>
#include <vector>

namespace serialq::workflow {

// A colour-blind-safe palette (Okabe & Ito), yellow last because it is faint on white.
const std::string& series_colour(std::size_t index);

class Canvas {
public:
    Canvas(double width, double height, const std::string& title);

    void line(double x1, double y1, double x2, double y2, const std::string& stroke,
              double stroke_width = 1, const std::string& dash = "");
    void polyline(const std::vector<std::pair<double, double>>& points, const std::string& stroke,
                  double stroke_width = 2, const std::string& dash = "");
    void rect(double x, double y, double w, double h, const std::string& fill,
              const std::string& tooltip = "", const std::string& stroke = "none");
    void circle(double cx, double cy, double r, const std::string& fill,
                const std::string& stroke = "none", const std::string& tooltip = "",
                double stroke_width = 1, double opacity = 1);
    void polygon(const std::vector<std::pair<double, double>>& points, const std::string& fill,
                 const std::string& stroke, const std::string& tooltip);
    // <g> around what follows, e.g. a legend entry with data-name and data-colour for tests.
    void begin_group(const std::vector<std::pair<std::string, std::string>>& attributes);
    void end_group();
    enum class Anchor { Start, Middle, End };
    // `rotate`: degrees about (x, y); `middle`: centre the text vertically on y.
    void text(double x, double y, const std::string& content, Anchor anchor = Anchor::Start,
              double size = 11, bool bold = false, double rotate = 0, bool middle = false,
              const std::string& fill = "#222");

    double width() const { return width_; }
    double height() const { return height_; }
    std::string finish() const;

private:
    double width_, height_;
    std::string title_;
    std::string body_;
};

// Approximate width of `text` in pixels at `size` (for layout; SVG cannot measure text).
double text_width(const std::string& text, double size = 11);

// Shortens `text` to at most `max_chars` characters, ending in "..." when cut.
std::string clip_text(const std::string& text, std::size_t max_chars);

}  // namespace serialq::workflow
