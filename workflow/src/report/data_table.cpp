#include "serialq/workflow/report_document.hpp"

#include <stdexcept>

namespace serialq::workflow {

void DataTable::add_row(std::vector<std::string> cells) {
    if (cells.size() != columns.size())
        throw std::logic_error("table row of " + std::to_string(cells.size()) + " cells for " +
                               std::to_string(columns.size()) + " columns");
    rows.push_back(std::move(cells));
}

namespace {
std::string csv_cell(const std::string& s) {
    if (s.find_first_of(",\"\n\r") == std::string::npos) return s;
    std::string q = "\"";
    for (char c : s) q += c == '"' ? std::string("\"\"") : std::string(1, c);
    return q + "\"";
}
std::string csv_line(const std::vector<std::string>& cells) {
    std::string s;
    for (std::size_t i = 0; i < cells.size(); ++i) {
        if (i) s += ',';  // appended apart: GCC 12 misreports "," + string (-Wrestrict)
        s += csv_cell(cells[i]);
    }
    return s + "\n";
}
}  // namespace

std::string DataTable::csv() const {
    std::string out = csv_line(columns);
    for (const auto& r : rows) out += csv_line(r);
    return out;
}

std::size_t Report::figure_count() const {
    std::size_t n = 0;
    for (const auto& s : sections)
        for (const auto& b : s.blocks) n += std::holds_alternative<Figure>(b) ? 1 : 0;
    return n;
}

}  // namespace serialq::workflow
