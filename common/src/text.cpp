#include "serialq/common/text.hpp"

#include <charconv>

namespace serialq {

std::string csv_cell(std::string_view text) {
    if (text.find_first_of(",\"\n\r") == std::string_view::npos) return std::string(text);
    std::string q = "\"";
    for (char c : text) {
        if (c == '"') q += '"';
        q += c;
    }
    q += '"';
    return q;
}

std::string csv_line(const std::vector<std::string>& cells) {
    std::string s;
    for (std::size_t i = 0; i < cells.size(); ++i) {
        if (i) s += ',';  // appended apart: GCC 12 misreports "," + string (-Wrestrict)
        s += csv_cell(cells[i]);
    }
    s += '\n';
    return s;
}

namespace {
template <class T>
std::optional<T> parse_all(std::string_view text) {
    T v{};
    const char* last = text.data() + text.size();
    const auto r = std::from_chars(text.data(), last, v);
    if (text.empty() || r.ec != std::errc() || r.ptr != last) return std::nullopt;
    return v;
}
}  // namespace

std::optional<long long> parse_integer(std::string_view text) { return parse_all<long long>(text); }

std::optional<double> parse_number(std::string_view text) { return parse_all<double>(text); }

std::string shortest_number(double value) {
    char buf[64];
    const auto r = std::to_chars(buf, buf + sizeof buf, value);
    return std::string(buf, r.ptr);
}

std::string round_trip_text(double v) {
    char fixed[400], sci[64];  // 400: the longest fixed double has 309 digits before the point
    const auto f = std::to_chars(fixed, fixed + sizeof fixed, v, std::chars_format::fixed);
    const auto e = std::to_chars(sci, sci + sizeof sci, v, std::chars_format::scientific);
    // "1e-05" -> "1e-5", "1e+06" -> "1e6": the forms a person writes.
    std::string s(sci, e.ptr);
    const auto at = s.find('e');
    if (at != std::string::npos) {
        std::string exponent = s.substr(at + 1);
        const bool negative = exponent[0] == '-';
        exponent = exponent.substr(exponent[0] == '-' || exponent[0] == '+' ? 1 : 0);
        while (exponent.size() > 1 && exponent[0] == '0') exponent.erase(0, 1);
        s = s.substr(0, at + 1) + (negative ? "-" : "") + exponent;
    }
    // Fixed unless it is much longer: 0.0001 rather than 1e-4, but 1e-5 and 1e6.
    const std::string plain(fixed, f.ptr);
    return plain.size() <= s.size() + 2 ? plain : s;
}

std::string csv_value(const nlohmann::ordered_json& v) {
    if (v.is_null()) return "";
    if (v.is_boolean()) return v.get<bool>() ? "1" : "0";
    if (v.is_string()) return v.get<std::string>();
    if (v.is_number_float()) return shortest_number(v.get<double>());
    return v.dump();
}

std::string json_rows_csv(const std::vector<std::string>& columns,
                          const std::vector<nlohmann::ordered_json>& rows) {
    std::string out = csv_line(columns);
    std::vector<std::string> cells(columns.size());
    for (const auto& row : rows) {
        for (std::size_t c = 0; c < columns.size(); ++c) {
            const auto it = row.find(columns[c]);
            cells[c] = it == row.end() ? "" : csv_value(*it);
        }
        out += csv_line(cells);
    }
    return out;
}

}  // namespace serialq
