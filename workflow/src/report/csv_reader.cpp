#include "csv_reader.hpp"

#include "serialq/common/atomic_file.hpp"
#include "serialq/common/error.hpp"
#include "serialq/common/text.hpp"

#include <cmath>

namespace serialq::workflow {

std::optional<std::size_t> CsvTable::find(const std::string& column) const {
    for (std::size_t i = 0; i < columns.size(); ++i)
        if (columns[i] == column) return i;
    return std::nullopt;
}

std::size_t CsvTable::require(const std::string& column) const {
    if (auto i = find(column)) return *i;
    std::string have;
    for (const auto& c : columns) have += (have.empty() ? "" : ", ") + c;
    throw InputError(file + ": column " + column +
                     ": found nothing, expected it among the "
                     "columns (found " +
                     have + ")");
}

double CsvTable::number(std::size_t row, std::size_t column) const {
    const std::string& s = rows[row][column];
    if (s.empty()) return std::nan("");
    const auto v = parse_number(s);
    if (!v)
        throw InputError(file + ":" + std::to_string(lines[row]) + ": " + columns[column] +
                         ": found '" + s + "', expected a number");
    return *v;
}

CsvTable read_csv(const std::filesystem::path& path) {
    const std::string text = read_file(path);
    CsvTable t;
    t.file = path.string();
    std::vector<std::string> row;
    std::string cell;
    bool quoted = false, any = false;
    int line = 1, row_line = 1;
    auto end_row = [&] {
        row.push_back(cell);
        cell.clear();
        if (t.columns.empty()) {
            t.columns = row;
        } else {
            if (row.size() != t.columns.size())
                throw InputError(t.file + ":" + std::to_string(row_line) + ": found " +
                                 std::to_string(row.size()) + " fields, expected " +
                                 std::to_string(t.columns.size()) + " as in the header");
            t.rows.push_back(row);
            t.lines.push_back(row_line);
        }
        row.clear();
        any = false;
    };
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (quoted) {
            if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') {
                cell += '"';
                ++i;
            } else if (c == '"') {
                quoted = false;
            } else {
                if (c == '\n') ++line;
                cell += c;
            }
            continue;
        }
        if (!any) row_line = line;
        if (c == '"') {
            quoted = true;
            any = true;
        } else if (c == ',') {
            row.push_back(cell);
            cell.clear();
            any = true;
        } else if (c == '\n') {
            ++line;
            if (any || !cell.empty() || !row.empty()) end_row();
        } else if (c != '\r') {
            cell += c;
            any = true;
        }
    }
    if (quoted)
        throw InputError(t.file + ":" + std::to_string(row_line) +
                         ": unterminated quoted field (truncated file?)");
    if (any || !cell.empty() || !row.empty()) end_row();
    if (t.columns.empty()) throw InputError(t.file + ": empty file, expected a CSV header");
    return t;
}

}  // namespace serialq::workflow
