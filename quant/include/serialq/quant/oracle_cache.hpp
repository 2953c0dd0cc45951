#pragma once
// The persistent accuracy cache: one SQLite file shared by every serialq process that asks the
// same questions, so that no answer is ever computed twice.
//
//   entries(identity, bits, accuracy_percent, samples, seconds, is_upper_bound, created_utc)
//     keyed by (identity, bits); bits is "8,4,4,8", or "reference" for the full-precision
//     accuracy. One row per answer, each written in its own transaction, so a process killed
//     mid-run loses no answer it completed and leaves a consistent file.
//   oracles(identity, description, layers, last_used_utc)
//     what each identity was last asked as (the spec a person typed), for `oracle stats`.
//   meta(key, value)
//     schema = 1; tells a serialq cache from some other SQLite file.
//   assignments(identity, bits, assignment)
//     the full text of a kernel-wise assignment whose key is hashed (kernel_bits_key), written
//     in the answer's transaction. Created with the first such answer, so a file without one
//     is what earlier serialq versions wrote and read.
//
// Keys: a layer-wise answer's is LayerBits::str() ("8,4,4,8"); a kernel-wise answer's is
// kernel_bits_key(KernelBits::str()).
//
// Concurrency: WAL journal (readers never block the writer) and a busy timeout, so several
// processes may read and write one file at once. synchronous=NORMAL: a committed entry survives
// the death of the process (it is in the WAL, written before the commit returns); only a power
// cut can lose the last few commits, and even then the file stays consistent.
//
// Upper bounds (early termination): a bound never replaces an exact value; an exact value
// replaces a bound.
//
// A file that is not a serialq cache (other tables, our tables with other columns, another
// schema version), or that SQLite finds corrupt, is an InputError naming the file; the file is
// never deleted or rewritten to "repair" it. Every value is checked as it is read (a finite
// accuracy 0..100, a sample count >= 0, seconds >= 0, a flag 0 or 1, a valid bits key): a
// damaged row is an InputError naming the file, the row's identity and bits and the field, with
// the sqlite3 command that deletes that row alone. store() refuses to write such a value.
//
// One OracleCache is one connection: use it from one thread at a time.
#include "serialq/quant/oracle.hpp"

#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

struct sqlite3;

namespace serialq::quant {

namespace detail {
class Statement;  // an owned sqlite3_stmt (quant/src/sqlite_statement.hpp)
}

inline constexpr const char* kReferenceKey = "reference";
// A kernel-wise assignment's text longer than this is stored under its hash.
inline constexpr std::size_t kMaxPlainKeyLength = 256;
inline constexpr const char* kHashedKeyPrefix = "sha256:";

// The cache key of a kernel-wise assignment's text (KernelBits::str()): the text itself while
// at most kMaxPlainKeyLength characters, else kHashedKeyPrefix + its SHA-256 in hex.
std::string kernel_bits_key(const std::string& assignment);
inline const std::filesystem::path kDefaultCacheFile = ".serialq/oracle-cache.sqlite";

struct CacheEntry {
    std::string identity;
    std::string description;  // from the oracles table ("" if unknown)
    std::string bits;  // "8,4,4,8" or "reference"
    double accuracy_percent = 0;
    long long samples = 0;
    double seconds = 0;  // what the evaluation took when it was computed
    bool is_upper_bound = false;
    std::string created_utc;  // "2025-01-31T12:00:00.000Z"
};

struct CacheIdentityStats {
    std::string identity;
    std::string description;
    long long entries = 0;
    long long upper_bounds = 0;
    double seconds = 0;  // evaluation time the entries cost once, saved on every hit
    std::string first_utc, last_utc;
};

struct CacheImportReport {
    long long added = 0;  // new entries
    long long replaced = 0;  // bounds replaced by imported values
    long long kept = 0;  // already present (exact), left as they were
    long long differing = 0;  // of `kept`: the file held another exact value for the same key
};

class OracleCache {
public:
    // Opens (creating it and its folder if missing) the cache file.
    explicit OracleCache(const std::filesystem::path& file);
    ~OracleCache();
    OracleCache(const OracleCache&) = delete;
    OracleCache& operator=(const OracleCache&) = delete;

    const std::filesystem::path& file() const { return file_; }

    // The stored answer, with from_cache = true and seconds = 0 (the time the hit took is
    // nothing; the original cost is in CacheEntry::seconds).
    std::optional<AccuracyResult> lookup(const std::string& identity, const std::string& bits);
    // Stores one answer in its own transaction (a bound never replaces an exact value). A
    // non-empty `assignment` is the full text behind a hashed key, stored in the same
    // transaction.
    void store(const std::string& identity, const std::string& bits, const AccuracyResult& result,
               const std::string& assignment = "");
    // The full assignment stored for a hashed key, if any.
    std::optional<std::string> assignment(const std::string& identity, const std::string& bits);
    // Records what `identity` is (one transaction).
    void describe(const std::string& identity, const std::string& description, int layers);

    std::vector<CacheIdentityStats> stats();
    // Every entry, ordered by identity then insertion; only those of `identity` if not empty.
    std::vector<CacheEntry> entries(const std::string& identity = "");
    // Adds entries in one transaction: all of them or, on an error, none.
    CacheImportReport import(const std::vector<CacheEntry>& entries);
    // SQLite's PRAGMA integrity_check: "ok" or the problems it lists, joined by "; ".
    std::string integrity_check();

private:
    void check_columns();
    // The entry statement alone (the caller owns the transaction, if any).
    void store_entry(const std::string& identity, const std::string& bits,
                     const AccuracyResult& result);
    void exec(const char* sql, const char* what);
    [[noreturn]] void fail(const std::string& what) const;
    detail::Statement prepare(const char* sql);

    struct Prepared;  // the statements every answer uses, prepared once

    std::filesystem::path file_;
    sqlite3* db_ = nullptr;
    std::unique_ptr<Prepared> prepared_;
};

// CSV export / import of entries (columns: identity, description, bits, accuracy_percent,
// samples, seconds, is_upper_bound, created_utc). parse errors are InputErrors "file:line: ...".
std::string entries_to_csv(const std::vector<CacheEntry>& entries);
std::vector<CacheEntry> entries_from_csv(const std::string& text, const std::string& source);

// Wraps an oracle in the cache: answers come from the cache when it holds a usable one, and
// every new answer is stored before it is returned.
//
// A cached upper bound b (early termination against some threshold) is usable when this
// oracle's own early_stop_below_percent is set and b is below it (then the true accuracy is
// surely below the threshold too); otherwise the configuration is evaluated again and the
// exact value replaces the bound.
class CachedOracle final : public AccuracyOracle {
public:
    CachedOracle(std::unique_ptr<AccuracyOracle> inner, std::shared_ptr<OracleCache> cache,
                 std::string description, double early_stop_below_percent);

    std::string identity() const override { return identity_; }
    std::string name() const override { return description_; }
    int layer_count() const override { return layers_; }

protected:
    AccuracyResult evaluate_checked(const LayerBits& bits) override;
    // Keyed by kernel_bits_key(bits.str()); the inner oracle answers (or refuses) a miss.
    AccuracyResult evaluate_kernels_checked(const KernelBits& bits) override;

public:
    double reference_accuracy_percent() override;

    AccuracyOracle& inner() { return *inner_; }
    OracleCache& cache() { return *cache_; }

private:
    // The cached answer under `key` if usable, else evaluate() stored under it (with
    // `assignment`, the text behind a hashed key).
    AccuracyResult answer(const std::string& key, const std::string& assignment,
                          const std::function<AccuracyResult()>& evaluate);

    std::unique_ptr<AccuracyOracle> inner_;
    std::shared_ptr<OracleCache> cache_;
    std::string description_;
    std::string identity_;
    int layers_ = 0;
    double early_stop_below_percent_ = 0;
    bool described_ = false;
};

}  // namespace serialq::quant
