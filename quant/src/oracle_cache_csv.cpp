// `serialq oracle export` / `import`: cache entries as CSV, so caches can be merged, archived
// and read by other tools.
#include "serialq/common/bits_spec.hpp"
#include "serialq/common/error.hpp"
#include "serialq/quant/oracle_cache.hpp"
#include "serialq/quant/oracle_csv.hpp"
#include "serialq/quant/quantizer.hpp"

#include <cmath>
#include <cstdio>
#include <sstream>

namespace serialq::quant {

namespace {

const std::vector<std::string> kColumns = {"identity",         "description", "bits",
                                           "accuracy_percent", "samples",     "seconds",
                                           "is_upper_bound",   "created_utc"};

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

bool is_bit_key(const std::string& bits) {
    if (bits == kReferenceKey) return true;
    std::stringstream ss(bits);
    std::string item;
    int count = 0;
    while (std::getline(ss, item, ',')) {
        std::size_t pos = 0;
        int b = 0;
        try {
            b = std::stoi(item, &pos);
        } catch (...) {
            return false;
        }
        if (pos != item.size() || b < kMinBits || b > kMaxBits || std::to_string(b) != item)
            return false;
        ++count;
    }
    return count > 0 && bits.back() != ',';
}

template <typename T>
bool parse_number(const std::string& text, T& out) {
    std::size_t pos = 0;
    try {
        if constexpr (std::is_same_v<T, double>)
            out = std::stod(text, &pos);
        else
            out = std::stoll(text, &pos);
    } catch (...) {
        return false;
    }
    if constexpr (std::is_same_v<T, double>)
        if (!std::isfinite(out)) return false;
    return !text.empty() && pos == text.size();
}

}  // namespace

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
        const auto bad = [&](std::size_t col, const std::string& what) {
            return InputError(at + kColumns[col] + ": found '" + rec.fields[col] + "', expected " +
                              what);
        };
        CacheEntry e;
        e.identity = rec.fields[0];
        e.description = rec.fields[1];
        e.bits = rec.fields[2];
        if (e.identity.empty()) throw bad(0, "an oracle identity");
        if (!is_bit_key(e.bits)) throw bad(2, "bitwidths 1..16 like 8,4,4,8, or reference");
        if (!parse_number(rec.fields[3], e.accuracy_percent) || e.accuracy_percent < 0 ||
            e.accuracy_percent > 100)
            throw bad(3, "a percentage 0..100");
        if (!parse_number(rec.fields[4], e.samples) || e.samples < 0)
            throw bad(4, "a sample count >= 0");
        if (!parse_number(rec.fields[5], e.seconds) || e.seconds < 0) throw bad(5, "seconds >= 0");
        if (rec.fields[6] != "0" && rec.fields[6] != "1") throw bad(6, "0 or 1");
        e.is_upper_bound = rec.fields[6] == "1";
        e.created_utc = rec.fields[7];
        if (e.created_utc.empty()) throw bad(7, "a UTC time stamp");
        out.push_back(std::move(e));
    }
    return out;
}

}  // namespace serialq::quant
