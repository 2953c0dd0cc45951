#include "table.hpp"

#include "serialq/common/text.hpp"

#include <algorithm>
#include <cstdio>
#include <stdexcept>

namespace serialq::cli {

void Table::add_row(std::vector<std::string> cells) {
    if (cells.size() != columns_.size()) throw std::logic_error("table row has wrong width");
    rows_.push_back(std::move(cells));
}

namespace {
bool numeric(const std::string& s) {
    if (s.empty()) return false;
    return s.find_first_not_of("0123456789.-+eE%x") == std::string::npos;
}
}  // namespace

std::string Table::text() const {
    std::vector<std::size_t> width(columns_.size());
    for (std::size_t c = 0; c < columns_.size(); ++c) {
        width[c] = columns_[c].size();
        for (const auto& r : rows_) width[c] = std::max(width[c], r[c].size());
    }
    auto line = [&](const std::vector<std::string>& cells, bool header) {
        std::string s;
        for (std::size_t c = 0; c < cells.size(); ++c) {
            const std::size_t pad = width[c] - cells[c].size();
            const bool right = !header && numeric(cells[c]);
            if (c) s += "  ";
            if (right) s += std::string(pad, ' ');
            s += cells[c];
            if (!right && c + 1 < cells.size()) s += std::string(pad, ' ');
        }
        return s + "\n";
    };
    std::string rule;
    for (std::size_t c = 0; c < columns_.size(); ++c)
        rule += (c ? "  " : "") + std::string(width[c], '-');
    rule += "\n";
    std::string out = line(columns_, true) + rule;
    for (std::size_t r = 0; r < rows_.size(); ++r) {
        if (static_cast<int>(r) == rule_row_) out += rule;
        out += line(rows_[r], false);
    }
    return out;
}

std::string Table::csv() const {
    std::string out = csv_line(columns_);
    for (const auto& r : rows_) out += csv_line(r);
    return out;
}

std::string fixed(double value, int decimals) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.*f", decimals, value);
    return buf;
}

std::string wrap_text(const std::string& text, std::size_t width, const std::string& indent) {
    std::string out;
    std::size_t start = 0;
    while (text.size() - start > width) {
        // After a space or a ';' in the last third of the line; else a hard break.
        const std::size_t at = text.find_last_of(" ;", start + width - 1);
        const bool soft = at != std::string::npos && at > start + width * 2 / 3;
        const std::size_t end = soft ? at + (text[at] == ';') : start + width;
        out += text.substr(start, end - start) + "\n" + indent;
        start = soft ? at + 1 : end;
    }
    return out + text.substr(start);
}

}  // namespace serialq::cli
