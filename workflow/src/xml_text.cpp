#include "xml_text.hpp"

#include <cmath>
#include <cstdio>

namespace serialq::workflow {

std::string xml_escape(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (char c : text) {
        switch (c) {
            case '&':
                out += "&amp;";
                break;
            case '<':
                out += "&lt;";
                break;
            case '>':
                out += "&gt;";
                break;
            case '"':
                out += "&quot;";
                break;
            case '\'':
                out += "&#39;";
                break;
            default:
                out += c;
        }
    }
    return out;
}

std::string coord(double value) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.1f", value == 0 ? 0.0 : value);  // no "-0.0"
    return buf;
}

std::string short_number(double value, int digits) {
    if (!std::isfinite(value)) return std::isnan(value) ? "nan" : (value > 0 ? "inf" : "-inf");
    if (value == 0) return "0";
    const double a = std::fabs(value);
    char buf[64];
    if (a >= 1e-3 && a < 1e6) {
        // Enough decimals for `digits` significant digits, then trailing zeros dropped.
        const int magnitude = static_cast<int>(std::floor(std::log10(a)));
        const int decimals = std::max(0, digits - 1 - magnitude);
        std::snprintf(buf, sizeof buf, "%.*f", decimals, value);
        std::string s = buf;
        if (s.find('.') != std::string::npos) {
            while (s.back() == '0') s.pop_back();
            if (s.back() == '.') s.pop_back();
        }
        return s;
    }
    std::snprintf(buf, sizeof buf, "%.*g", digits, value);
    return buf;
}

}  // namespace serialq::workflow
