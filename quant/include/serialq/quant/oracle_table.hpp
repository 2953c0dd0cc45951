#pragma once
// table:<file.csv> - accuracies measured elsewhere, one row per configuration:
//
//   # any comment lines (attribution, how the values were measured)
//   # reference_accuracy_percent: 99.8        (optional: full-precision accuracy)
//   b0,b1,b2,b3,accuracy
//   2,2,2,2,11.4333
//
// Columns b0..b{L-1} (bits of each weight layer) and `accuracy` (top-1, percent; the name
// `accuracy_percent` is accepted too), in any order. The oracle's identity is the SHA-256 of
// the file's bytes, so a moved or renamed table keeps its cache entries and an edited one
// does not. The whole table is also available (read_accuracy_table) for searches that want to
// compare with the exact Pareto frontier.
#include "serialq/quant/oracle.hpp"

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace serialq::quant {

struct TableRow {
    std::vector<int> bits;
    double accuracy_percent = 0;
    int line = 0;  // in the file, for messages
};

struct AccuracyTable {
    std::string file;  // as given
    std::string sha256;  // of the file's bytes
    int layers = 0;
    std::vector<TableRow> rows;  // in file order
    std::optional<double> reference_accuracy_percent;  // from the comment line, if present

    // The row for `bits`, or nullptr.
    const TableRow* find(const std::vector<int>& bits) const;

    std::map<std::vector<int>, std::size_t> index;  // bits -> rows[i]
};

// Reads and checks a table. Errors are InputErrors "file:line: what was found, expected what".
AccuracyTable read_accuracy_table(const std::filesystem::path& file);

class TableOracle final : public AccuracyOracle {
public:
    explicit TableOracle(const std::filesystem::path& file);
    explicit TableOracle(AccuracyTable table);

    std::string identity() const override;
    std::string name() const override { return "table:" + table_.file; }
    int layer_count() const override { return table_.layers; }
    // A configuration the table lacks is an InputError naming it and the file.
protected:
    AccuracyResult evaluate_checked(const LayerBits& bits) override;

public:
    // The `# reference_accuracy_percent:` line; without one, the row with every layer at the
    // largest bitwidth its column holds (the most precise configuration measured). An
    // InputError if neither exists.
    double reference_accuracy_percent() override;

    const AccuracyTable& table() const { return table_; }

private:
    AccuracyTable table_;
};

}  // namespace serialq::quant
