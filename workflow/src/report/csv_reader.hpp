#pragma once
// Reads the CSV files serialq writes (RFC 4180: quoted fields may hold commas and quotes) into
// a header and rows of text, so the report can look columns up by name.
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace serialq::workflow {

struct CsvTable {
    std::string file;
    std::vector<std::string> columns;
    std::vector<std::vector<std::string>> rows;
    std::vector<int> lines;  // line number of each row, for errors

    // Index of `column`, or nullopt.
    std::optional<std::size_t> find(const std::string& column) const;
    // Index of `column`; InputError naming the file and the column if it is missing.
    std::size_t require(const std::string& column) const;
    // The cell as a number; InputError naming file, line and column if it is not one.
    double number(std::size_t row, std::size_t column) const;
};

// InputError naming the file for a missing file, an unterminated quote or a row whose width
// differs from the header's.
CsvTable read_csv(const std::filesystem::path& path);

}  // namespace serialq::workflow
