// table:<file.csv>: a lookup in accuracies measured elsewhere (ReLeQ's LeNet table, say).
#include "serialq/quant/oracle_table.hpp"

#include "serialq/common/atomic_file.hpp"
#include "serialq/common/bits_spec.hpp"
#include "serialq/common/error.hpp"
#include "serialq/quant/oracle_csv.hpp"
#include "serialq/quant/oracle_hash.hpp"
#include "serialq/quant/quantizer.hpp"

#include <algorithm>
#include <cmath>
#include <set>

namespace serialq::quant {

namespace {

bool parse_int(const std::string& text, int& value) {
    std::size_t pos = 0;
    try {
        value = std::stoi(text, &pos);
    } catch (...) {
        return false;
    }
    return !text.empty() && pos == text.size();
}

bool parse_double(const std::string& text, double& value) {
    std::size_t pos = 0;
    try {
        value = std::stod(text, &pos);
    } catch (...) {
        return false;
    }
    return !text.empty() && pos == text.size() && std::isfinite(value);
}

std::string where(const std::string& file, int line) { return file + ":" + std::to_string(line); }

// Column layout from the header: which field holds b<i>, which the accuracy.
struct Columns {
    std::vector<int> bit_field;  // bit_field[layer] = field index
    int accuracy_field = -1;
    std::size_t count = 0;
};

Columns read_header(const CsvRecord& header, const std::string& file) {
    const std::string expected = "expected columns b0..b<L-1> and accuracy";
    Columns c;
    c.count = header.fields.size();
    std::map<int, int> bits;  // layer -> field
    for (std::size_t f = 0; f < header.fields.size(); ++f) {
        std::string name = header.fields[f];
        name.erase(0, name.find_first_not_of(" \t"));
        name.erase(name.find_last_not_of(" \t") + 1);
        int layer = -1;
        if (name == "accuracy" || name == "accuracy_percent") {
            if (c.accuracy_field >= 0)
                throw InputError(where(file, header.line) + ": header: column '" + name +
                                 "' repeats an accuracy column, " + expected);
            c.accuracy_field = static_cast<int>(f);
        } else if (name.size() > 1 && name[0] == 'b' && parse_int(name.substr(1), layer) &&
                   layer >= 0 && name.substr(1) == std::to_string(layer)) {
            if (!bits.emplace(layer, static_cast<int>(f)).second)
                throw InputError(where(file, header.line) + ": header: column '" + name +
                                 "' appears twice, " + expected);
        } else {
            throw InputError(where(file, header.line) + ": header: found column '" + name + "', " +
                             expected);
        }
    }
    if (c.accuracy_field < 0)
        throw InputError(where(file, header.line) + ": header: no accuracy column, " + expected);
    if (bits.empty())
        throw InputError(where(file, header.line) + ": header: no b0 column, " + expected);
    for (int layer = 0; layer < static_cast<int>(bits.size()); ++layer) {
        const auto it = bits.find(layer);
        if (it == bits.end())
            throw InputError(where(file, header.line) + ": header: column b" +
                             std::to_string(layer) + " is missing, " + expected);
        c.bit_field.push_back(it->second);
    }
    return c;
}

std::optional<double> reference_from_comments(const std::vector<CsvComment>& comments,
                                              const std::string& file) {
    const std::string key = "reference_accuracy_percent:";
    std::optional<double> ref;
    for (const auto& c : comments) {
        if (c.text.rfind(key, 0) != 0) continue;
        std::string value = c.text.substr(key.size());
        value.erase(0, value.find_first_not_of(" \t"));
        double v = 0;
        if (!parse_double(value, v) || v < 0 || v > 100)
            throw InputError(where(file, c.line) + ": reference_accuracy_percent: found '" + value +
                             "', expected a percentage 0..100");
        if (ref)
            throw InputError(where(file, c.line) +
                             ": reference_accuracy_percent: given twice, expected once");
        ref = v;
    }
    return ref;
}

}  // namespace

const TableRow* AccuracyTable::find(const std::vector<int>& bits) const {
    const auto it = index.find(bits);
    return it == index.end() ? nullptr : &rows[it->second];
}

AccuracyTable read_accuracy_table(const std::filesystem::path& path) {
    const std::string file = path.string();
    const std::string bytes = read_file(path);
    const CsvDocument doc = parse_csv(bytes, file);
    if (doc.records.empty()) throw InputError(file + ": no header line, expected b0,...,accuracy");
    const Columns cols = read_header(doc.records.front(), file);
    if (doc.records.size() == 1) throw InputError(file + ": no rows after the header");

    AccuracyTable table;
    table.file = file;
    table.sha256 = sha256_hex(bytes);
    table.layers = static_cast<int>(cols.bit_field.size());
    table.reference_accuracy_percent = reference_from_comments(doc.comments, file);
    table.rows.reserve(doc.records.size() - 1);
    for (std::size_t r = 1; r < doc.records.size(); ++r) {
        const CsvRecord& rec = doc.records[r];
        const std::string at = where(file, rec.line);
        if (rec.fields.size() != cols.count)
            throw InputError(at + ": found " + std::to_string(rec.fields.size()) +
                             " fields, expected " + std::to_string(cols.count));
        TableRow row;
        row.line = rec.line;
        for (int layer = 0; layer < table.layers; ++layer) {
            const std::string& text = rec.fields[static_cast<std::size_t>(cols.bit_field[layer])];
            int b = 0;
            if (!parse_int(text, b) || b < kMinBits || b > kMaxBits)
                throw InputError(at + ": b" + std::to_string(layer) + ": found '" + text +
                                 "', expected a bitwidth " + std::to_string(kMinBits) + ".." +
                                 std::to_string(kMaxBits));
            row.bits.push_back(b);
        }
        const std::string& acc = rec.fields[static_cast<std::size_t>(cols.accuracy_field)];
        if (!parse_double(acc, row.accuracy_percent) || row.accuracy_percent < 0 ||
            row.accuracy_percent > 100)
            throw InputError(at + ": accuracy: found '" + acc + "', expected a percentage 0..100");
        const auto [it, fresh] = table.index.emplace(row.bits, table.rows.size());
        if (!fresh)
            throw InputError(at + ": bits " + format_bits(row.bits) + " repeat line " +
                             std::to_string(table.rows[it->second].line) +
                             ", expected each configuration once");
        table.rows.push_back(std::move(row));
    }
    return table;
}

TableOracle::TableOracle(const std::filesystem::path& file) : table_(read_accuracy_table(file)) {}

TableOracle::TableOracle(AccuracyTable table) : table_(std::move(table)) {}

std::string TableOracle::identity() const { return "table:sha256=" + table_.sha256; }

AccuracyResult TableOracle::evaluate_checked(const LayerBits& bits) {
    const TableRow* row = table_.find(bits.values());
    if (!row)
        throw InputError(name() + ": no row for bits " + bits.str() + " (the table holds " +
                         std::to_string(table_.rows.size()) + " configurations)");
    AccuracyResult r;
    r.accuracy_percent = row->accuracy_percent;
    r.samples_evaluated = 0;  // the table does not say how many samples were measured
    return r;
}

double TableOracle::reference_accuracy_percent() {
    if (table_.reference_accuracy_percent) return *table_.reference_accuracy_percent;
    std::vector<int> top(static_cast<std::size_t>(table_.layers), 0);
    for (const auto& row : table_.rows)
        for (std::size_t l = 0; l < top.size(); ++l) top[l] = std::max(top[l], row.bits[l]);
    if (const TableRow* row = table_.find(top)) return row->accuracy_percent;
    throw InputError(table_.file + ": no '# reference_accuracy_percent:' line and no row for " +
                     format_bits(top) + " (every layer at its largest bitwidth), expected one");
}

}  // namespace serialq::quant
