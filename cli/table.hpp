#pragma once
// A small table for command output: aligned text for people, CSV for pandas and spreadsheets.
// Column names carry their units (macs, weights, _cycles, _pj, ...).
#include <cstddef>
#include <string>
#include <vector>

namespace serialq::cli {

class Table {
public:
    explicit Table(std::vector<std::string> columns) : columns_(std::move(columns)) {}
    void add_row(std::vector<std::string> cells);
    // Aligned columns, numbers right-aligned; a rule before the rows named in `rule_before`.
    std::string text() const;
    // RFC 4180 CSV with a header line.
    std::string csv() const;
    // Rows before which text() draws a rule (e.g. the totals row).
    void rule_before_last_row() { rule_row_ = static_cast<int>(rows_.size()) - 1; }

private:
    std::vector<std::string> columns_;
    std::vector<std::vector<std::string>> rows_;
    int rule_row_ = -1;
};

// Command output is meant to fit a 100-column terminal.
inline constexpr std::size_t kTextWidth = 100;

// `text` in lines of at most `width` characters, broken after a space where one is near and
// anywhere otherwise; every line after the first starts with `indent`.
std::string wrap_text(const std::string& text, std::size_t width, const std::string& indent);

// Formats a number with a fixed number of decimals ("12.35").
std::string fixed(double value, int decimals);

}  // namespace serialq::cli
