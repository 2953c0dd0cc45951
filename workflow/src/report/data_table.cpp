#include "serialq/workflow/report_document.hpp"

#include "serialq/common/text.hpp"

#include <stdexcept>

namespace serialq::workflow {

void DataTable::add_row(std::vector<std::string> cells) {
    if (cells.size() != columns.size())
        throw std::logic_error("table row of " + std::to_string(cells.size()) + " cells for " +
                               std::to_string(columns.size()) + " columns");
    rows.push_back(std::move(cells));
}

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
