#pragma once
// Numbers and CSV cells as text, both ways: CSV as every serialq output writes it (RFC 4180
// quoting), numbers as every output prints them (the shortest text that reads back to the same
// double) and as every reader takes them (the whole text, nothing around it). One place, so that
// a figure reads the same in serialq sim's CSV, a sweep's results.csv and a search's
// episodes.csv, and "8 " or "0x10" is refused alike wherever a number is read.
#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace serialq {

// Quoted when it holds a comma, a quote or a line break; quotes doubled.
std::string csv_cell(std::string_view text);
// Cells joined by commas, each through csv_cell, ending in "\n".
std::string csv_line(const std::vector<std::string>& cells);

// The integer or number `text` is, all of it (no sign "+", no spaces, no base prefix); nullopt
// otherwise (and on overflow).
std::optional<long long> parse_integer(std::string_view text);
std::optional<double> parse_number(std::string_view text);

// Text that reads back as the same double, in the form a person writes in a configuration or
// on a command line: fixed unless that is much longer ("0.0001", "1e-5", "1e6").
std::string round_trip_text(double v);

// Shortest round-trip text of a double (std::to_chars); NaN and infinities as "nan", "inf".
std::string shortest_number(double value);

// A JSON value as a CSV cell: null empty, true/false 1/0, a string as it is, a number in its
// shortest form.
std::string csv_value(const nlohmann::ordered_json& value);

// `rows` are objects; each row gives the value of every column by name (a missing key an empty
// cell). The header is `columns`.
std::string json_rows_csv(const std::vector<std::string>& columns,
                          const std::vector<nlohmann::ordered_json>& rows);

}  // namespace serialq
