#pragma once
// Escaping for the XML we write (SVG and XHTML-compatible HTML) and compact number text.
#include <string>
#include <string_view>

namespace serialq::workflow {

// Escapes &, <, >, " and ' so that text is safe in element content and in quoted attributes.
std::string xml_escape(std::string_view text);

// A coordinate in an SVG: fixed, one decimal ("12.5").
std::string coord(double value);

// A number for people: up to `digits` significant digits, no trailing zeros, no exponent
// for magnitudes in [1e-3, 1e6) ("0.25", "1200", "3.5e+07").
std::string short_number(double value, int digits = 4);

}  // namespace serialq::workflow
