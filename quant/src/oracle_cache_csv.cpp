// `serialq oracle export` / `import`: cache entries as CSV, so caches can be merged, archived
// and read by other tools.
#include "cache_entry_check.hpp"

#include "serialq/common/bits_spec.hpp"
#include "serialq/common/error.hpp"
#include "serialq/common/text.hpp"
#include "serialq/quant/oracle_cache.hpp"
#include "serialq/quant/oracle_csv.hpp"
#include "serialq/quant/quantizer.hpp"

#include <cstdio>
#include <functional>
#include <sstream>

namespace serialq::quant {

namespace {

const std::vector<std::string> kColumns = {
    detail::kIdentityField.name,   "description",
    detail::kBitsField.name,       detail::kAccuracyField.name,
    detail::kSamplesField.name,    detail::kSecondsField.name,
    detail::kUpperBoundField.name, detail::kCreatedField.name};

// Shortest text that reads back as the same double.
std::string exact(double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.17g", v);
    for (int precision = 6; precision < 17; ++precision) {
        char shorter[32];
        std::snprintf(shorter, sizeof shorter, "%.*g", precision, v);
        if (std::strtod(shorter, nullptr) == v) return shorter;
    }
    return buf;
}

// The whole cell as a number (common/text.hpp, which refuses " 5" and "0x10" as every reader
// does); whether it is in range is the field's check.
bool parse_cell(const std::string& text, double& out) {
    const auto v = parse_number(text);
    if (v) out = *v;
    return v.has_value();
}
bool parse_cell(const std::string& text, long long& out) {
    const auto v = parse_integer(text);
    if (v) out = *v;
    return v.has_value();
}

}  // namespace

namespace {

// Whether `text` is one or more `sep`-separated items (no empty last one), each `valid`.
bool every_item(const std::string& text, char sep,
                const std::function<bool(const std::string&)>& valid) {
    std::stringstream ss(text);
    std::string item;
    int count = 0;
    while (std::getline(ss, item, sep)) {
        if (!valid(item)) return false;
        ++count;
    }
    return count > 0 && text.back() != sep;
}

// A width 1..16 written as serialq writes it.
bool valid_width(const std::string& item) {
    const auto b = parse_integer(item);
    return b && *b >= kMinBits && *b <= kMaxBits && std::to_string(*b) == item;
}

// One layer of KernelBits::str(): runs "4x10,8x6", then "/a8" if activation bits are set.
bool valid_kernel_layer(const std::string& layer) {
    const auto slash = layer.find('/');
    const std::string runs = layer.substr(0, slash);
    if (slash != std::string::npos &&
        (layer.compare(slash, 2, "/a") != 0 || !valid_width(layer.substr(slash + 2))))
        return false;
    return every_item(runs, ',', [](const std::string& run) {
        const auto x = run.find('x');
        if (x == std::string::npos || !valid_width(run.substr(0, x))) return false;
        const auto n = parse_integer(run.substr(x + 1));
        return n && *n >= 1 && std::to_string(*n) == run.substr(x + 1);
    });
}

bool valid_kernel_key(const std::string& key) {
    if (key.rfind(kHashedKeyPrefix, 0) == 0) {
        const std::string hex = key.substr(std::string(kHashedKeyPrefix).size());
        return hex.size() == 64 && hex.find_first_not_of("0123456789abcdef") == std::string::npos;
    }
    return every_item(key, ';', valid_kernel_layer);
}

}  // namespace

bool detail::valid_bits_key(const std::string& bits) {
    if (bits == kReferenceKey) return true;
    if (bits.find_first_of("x:") != std::string::npos) return valid_kernel_key(bits);
    return every_item(bits, ',', valid_width);
}

std::string entries_to_csv(const std::vector<CacheEntry>& entries) {
    std::string out;
    for (std::size_t i = 0; i < kColumns.size(); ++i) out += (i ? "," : "") + kColumns[i];
    out += "\n";
    for (const auto& e : entries) {
        out += csv_field(e.identity) + "," + csv_field(e.description) + "," + csv_field(e.bits) +
               "," + exact(e.accuracy_percent) + "," + std::to_string(e.samples) + "," +
               exact(e.seconds) + "," + (e.is_upper_bound ? "1" : "0") + "," +
               csv_field(e.created_utc) + "\n";
    }
    return out;
}

std::vector<CacheEntry> entries_from_csv(const std::string& text, const std::string& source) {
    const CsvDocument doc = parse_csv(text, source);
    std::string expected;
    for (const auto& c : kColumns) expected += (expected.empty() ? "" : ",") + c;
    if (doc.records.empty() || doc.records[0].fields != kColumns)
        throw InputError(source + ":" +
                         std::to_string(doc.records.empty() ? 1 : doc.records[0].line) +
                         ": header: expected " + expected);
    std::vector<CacheEntry> out;
    for (std::size_t r = 1; r < doc.records.size(); ++r) {
        const CsvRecord& rec = doc.records[r];
        const std::string at = source + ":" + std::to_string(rec.line) + ": ";
        if (rec.fields.size() != kColumns.size())
            throw InputError(at + "found " + std::to_string(rec.fields.size()) +
                             " fields, expected " + std::to_string(kColumns.size()));
        const auto bad = [&](std::size_t col, const detail::EntryField& f) {
            return InputError(at + kColumns[col] + ": found '" + rec.fields[col] + "', expected " +
                              f.expected);
        };
        CacheEntry e;
        e.identity = rec.fields[0];
        e.description = rec.fields[1];
        e.bits = rec.fields[2];
        e.created_utc = rec.fields[7];
        if (!detail::valid_identity(e.identity)) throw bad(0, detail::kIdentityField);
        if (!detail::valid_bits_key(e.bits)) throw bad(2, detail::kBitsField);
        // NaN and infinities parse as numbers: the fields' checks refuse them.
        if (!parse_cell(rec.fields[3], e.accuracy_percent) ||
            !detail::valid_accuracy(e.accuracy_percent))
            throw bad(3, detail::kAccuracyField);
        if (!parse_cell(rec.fields[4], e.samples) || !detail::valid_samples(e.samples))
            throw bad(4, detail::kSamplesField);
        if (!parse_cell(rec.fields[5], e.seconds) || !detail::valid_seconds(e.seconds))
            throw bad(5, detail::kSecondsField);
        if (rec.fields[6] != "0" && rec.fields[6] != "1") throw bad(6, detail::kUpperBoundField);
        e.is_upper_bound = rec.fields[6] == "1";
        if (!detail::valid_created(e.created_utc)) throw bad(7, detail::kCreatedField);
        out.push_back(std::move(e));
    }
    return out;
}

}  // namespace serialq::quant
