#pragma once
// A small table for command output: aligned text for people, CSV for pandas and spreadsheets.
// Column names carry their units (macs, weights, _cycles, _pj, ...).
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

// Formats a number with a fixed number of decimals ("12.35").
std::string fixed(double value, int decimals);

}  // namespace serialq::cli
