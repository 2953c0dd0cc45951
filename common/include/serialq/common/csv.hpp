#pragma once
// CSV as every serialq output writes it (RFC 4180 quoting) and numbers as every output prints
// them (the shortest text that reads back to the same double). One place, so that a figure reads
// the same in serialq sim's CSV, a sweep's results.csv and a search's episodes.csv.
#include <nlohmann/json.hpp>

#include <string>
#include <string_view>
#include <vector>

namespace serialq {

// Quoted when it holds a comma, a quote or a line break; quotes doubled.
std::string csv_cell(std::string_view text);
// Cells joined by commas, each through csv_cell, ending in "\n".
std::string csv_line(const std::vector<std::string>& cells);

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
