// The SQLite accuracy cache. Statements used per answer (lookup, store) are prepared once.
#include "serialq/quant/oracle_cache.hpp"

#include "serialq/common/atomic_file.hpp"
#include "serialq/common/error.hpp"
#include "serialq/common/text.hpp"

#include "cache_entry_check.hpp"
#include "sqlite_statement.hpp"

#include <sqlite3.h>

#include <algorithm>
#include <cmath>
#include <iterator>
#include <vector>

namespace serialq::quant {

namespace {

constexpr const char* kSchemaVersion = "1";
constexpr int kBusyTimeoutMs = 30'000;  // a writer holds the lock for one short transaction

constexpr const char* kSchema = R"sql(
CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS entries(
  identity TEXT NOT NULL,
  bits TEXT NOT NULL,
  accuracy_percent REAL NOT NULL,
  samples INTEGER NOT NULL,
  seconds REAL NOT NULL,
  is_upper_bound INTEGER NOT NULL,
  created_utc TEXT NOT NULL,
  PRIMARY KEY(identity, bits));
CREATE TABLE IF NOT EXISTS oracles(
  identity TEXT PRIMARY KEY,
  description TEXT NOT NULL,
  layers INTEGER NOT NULL,
  last_used_utc TEXT NOT NULL);
INSERT OR IGNORE INTO meta(key, value) VALUES('schema', '1');
)sql";

// Made by the first answer whose key is hashed (see oracle_cache.hpp), inside its transaction.
constexpr const char* kAssignmentsSchema = R"sql(
CREATE TABLE IF NOT EXISTS assignments(
  identity TEXT NOT NULL,
  bits TEXT NOT NULL,
  assignment TEXT NOT NULL,
  PRIMARY KEY(identity, bits));
)sql";

constexpr const char* kNow = "strftime('%Y-%m-%dT%H:%M:%fZ', 'now')";

// Resets a statement (and clears its bindings) when the scope ends, however it ends.
struct Reset {
    sqlite3_stmt* s;
    ~Reset() {
        sqlite3_reset(s);
        sqlite3_clear_bindings(s);
    }
};

std::string column_text(sqlite3_stmt* s, int col) {
    const auto* t = sqlite3_column_text(s, col);
    return t ? reinterpret_cast<const char*>(t) : "";
}

// Each table's columns, in order, as kSchema creates them: an existing file's are checked
// against these before any statement relies on them.
const std::pair<const char*, std::vector<std::string>> kTables[] = {
    {"meta", {"key", "value"}},
    {"entries",
     {"identity", "bits", "accuracy_percent", "samples", "seconds", "is_upper_bound",
      "created_utc"}},
    {"oracles", {"identity", "description", "layers", "last_used_utc"}},
    {"assignments", {"identity", "bits", "assignment"}},
};

std::string joined(const std::vector<std::string>& names) {
    std::string out;
    for (const auto& n : names) out += (out.empty() ? "" : ", ") + n;
    return out;
}

// How to drop one damaged row and keep the others: a shell command naming it.
std::string delete_row_hint(const std::string& file, const std::string& identity,
                            const std::string& bits) {
    const auto sql = [](const std::string& text) {
        std::string q = "'";
        for (char c : text) q += c == '\'' ? std::string("''") : std::string(1, c);
        return q + "'";
    };
    return "sqlite3 " + file + " \"DELETE FROM entries WHERE identity = " + sql(identity) +
           " AND bits = " + sql(bits) + "\"";
}

// One row's values as stored, each checked as it is read (cache_entry_check.hpp): a row
// written by another program or edited by hand (SQLite keeps text in a REAL column when it
// cannot convert it, and takes infinities) is refused naming the cache, the row and the field,
// never turned into an answer.
class RowReader {
public:
    RowReader(sqlite3_stmt* s, std::string file, std::string identity, std::string bits)
        : s_(s), file_(std::move(file)), identity_(std::move(identity)), bits_(std::move(bits)) {}

    double real(int col, const detail::EntryField& f, bool (*valid)(double)) const {
        const int type = sqlite3_column_type(s_, col);
        const double v = sqlite3_column_double(s_, col);
        if ((type != SQLITE_FLOAT && type != SQLITE_INTEGER) || !valid(v)) refuse(col, f);
        return v;
    }
    long long integer(int col, const detail::EntryField& f, bool (*valid)(long long)) const {
        const long long v = sqlite3_column_int64(s_, col);
        if (sqlite3_column_type(s_, col) != SQLITE_INTEGER || !valid(v)) refuse(col, f);
        return v;
    }
    std::string text(int col, const detail::EntryField& f,
                     bool (*valid)(const std::string&)) const {
        const std::string v = column_text(s_, col);
        if (sqlite3_column_type(s_, col) != SQLITE_TEXT || !valid(v)) refuse(col, f);
        return v;
    }

private:
    [[noreturn]] void refuse(int col, const detail::EntryField& f) const {
        const bool null = sqlite3_column_type(s_, col) == SQLITE_NULL;
        throw InputError(file_ + ": oracle cache: entry (identity '" + identity_ + "', bits " +
                         bits_ + "): " + f.name + ": found " +
                         (null ? std::string("NULL") : "'" + column_text(s_, col) + "'") +
                         ", expected " + f.expected +
                         "; the row is damaged: delete it, keeping the other entries, with " +
                         delete_row_hint(file_, identity_, bits_));
    }
    sqlite3_stmt* s_;
    std::string file_, identity_, bits_;
};

// Steps `s` through its rows, handing each to `row`; returns the last step's result code. The
// statement is finalized by the end of the caller's expression, before the caller reports a
// failed step (as it always was).
template <class Row>
int each_row(detail::Statement s, Row&& row) {
    int rc;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) row(static_cast<sqlite3_stmt*>(s));
    return rc;
}

}  // namespace

struct OracleCache::Prepared {
    detail::Statement lookup, store, describe;
};

void OracleCache::fail(const std::string& what) const {
    const std::string detail = db_ ? sqlite3_errmsg(db_) : "cannot allocate a connection";
    throw InputError(file_.string() + ": oracle cache: " + what + ": " + detail +
                     " (the file is left as it is; move it away to start a new cache)");
}

void OracleCache::exec(const char* sql, const char* what) {
    if (sqlite3_exec(db_, sql, nullptr, nullptr, nullptr) != SQLITE_OK) fail(what);
}

detail::Statement OracleCache::prepare(const char* sql) {
    int rc = SQLITE_OK;
    detail::Statement s = detail::prepare_statement(db_, sql, SQLITE_PREPARE_PERSISTENT, rc);
    if (rc != SQLITE_OK) fail("cannot prepare a statement");
    return s;
}

OracleCache::OracleCache(const std::filesystem::path& file) : file_(file) {
    std::error_code ec;
    if (file.has_parent_path()) std::filesystem::create_directories(file.parent_path(), ec);
    // serialq's own half-written files there (an export, say) of a killed process.
    remove_stale_temporary_files(file.has_parent_path() ? file.parent_path() : ".");
    const int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
    if (sqlite3_open_v2(file.c_str(), &db_, flags, nullptr) != SQLITE_OK) {
        const std::string detail = db_ ? sqlite3_errmsg(db_) : "out of memory";
        sqlite3_close(db_);
        db_ = nullptr;
        throw InputError(file.string() + ": oracle cache: cannot open: " + detail);
    }
    try {
        sqlite3_busy_timeout(db_, kBusyTimeoutMs);
        sqlite3_extended_result_codes(db_, 1);
        // The first read of the file: a file that is not SQLite fails here.
        int rc = SQLITE_OK;
        std::string journal;
        {
            // Flags 0: sqlite3_prepare_v2's statement. Finalized at the block's end, before the
            // next statement runs (one stepped and left open would keep its read transaction).
            const detail::Statement mode =
                detail::prepare_statement(db_, "PRAGMA journal_mode=WAL", 0, rc);
            if (rc != SQLITE_OK) fail("not a readable SQLite database");
            rc = sqlite3_step(mode);
            if (rc == SQLITE_ROW) journal = column_text(mode, 0);
        }
        if (rc != SQLITE_ROW) fail("not a readable SQLite database");
        if (journal != "wal") fail("cannot switch to WAL journal mode (found " + journal + ")");
        exec("PRAGMA synchronous=NORMAL", "cannot set synchronous=NORMAL");

        // An existing file must be a serialq cache: tables other than ours mean someone else's
        // database was given, which we must not write into.
        {
            std::string others;
            const auto note_others = [&](sqlite3_stmt* s) {
                const std::string name = column_text(s, 0);
                const bool ours = std::any_of(std::begin(kTables), std::end(kTables),
                                              [&](const auto& t) { return name == t.first; });
                if (!ours) others += (others.empty() ? "" : ", ") + name;
            };
            const int step =
                each_row(prepare("SELECT name FROM sqlite_master WHERE type='table'"), note_others);
            if (step != SQLITE_DONE) fail("cannot read the schema");
            if (!others.empty())
                throw InputError(file.string() + ": not a serialq oracle cache (it holds tables " +
                                 others + "), expected a file made by serialq");
        }
        check_columns();
        exec("BEGIN IMMEDIATE", "cannot lock to create the tables");
        if (sqlite3_exec(db_, kSchema, nullptr, nullptr, nullptr) != SQLITE_OK) {
            const std::string detail = sqlite3_errmsg(db_);
            sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
            throw InputError(file.string() + ": oracle cache: cannot create the tables: " + detail);
        }
        exec("COMMIT", "cannot commit the tables");
        {
            std::string version;
            {
                const detail::Statement s = prepare("SELECT value FROM meta WHERE key='schema'");
                if (sqlite3_step(s) == SQLITE_ROW) version = column_text(s, 0);
            }
            if (version != kSchemaVersion)
                throw InputError(file.string() + ": oracle cache schema version '" + version +
                                 "', expected " + kSchemaVersion +
                                 " (the file is left as it is; move it away to start a new "
                                 "cache)");
        }
        auto prepared = std::make_unique<Prepared>();
        prepared->lookup = prepare(
            "SELECT accuracy_percent, samples, is_upper_bound FROM entries "
            "WHERE identity = ?1 AND bits = ?2");
        prepared->store = prepare(
            (std::string("INSERT INTO entries(identity, bits, accuracy_percent, samples, seconds, "
                         "is_upper_bound, created_utc) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ") +
             kNow +
             ") "
             "ON CONFLICT(identity, bits) DO UPDATE SET accuracy_percent = "
             "excluded.accuracy_percent,"
             " samples = excluded.samples, seconds = excluded.seconds,"
             " is_upper_bound = excluded.is_upper_bound, created_utc = excluded.created_utc "
             "WHERE entries.is_upper_bound = 1")
                .c_str());
        prepared->describe = prepare(
            (std::string("INSERT INTO oracles(identity, description, layers, last_used_utc) "
                         "VALUES(?1, ?2, ?3, ") +
             kNow +
             ") ON CONFLICT(identity) DO UPDATE SET "
             "description = excluded.description, layers = excluded.layers, "
             "last_used_utc = excluded.last_used_utc")
                .c_str());
        prepared_ = std::move(prepared);
    } catch (...) {
        sqlite3_close_v2(db_);  // statements prepared so far went with the try block's scope
        throw;
    }
}

// CREATE TABLE IF NOT EXISTS keeps a table of that name whatever its columns: a file whose
// tables are ours by name but not by columns (another version, another program) is refused
// before anything is added to it or a statement reads the wrong column.
void OracleCache::check_columns() {
    for (const auto& [table, expected] : kTables) {
        std::vector<std::string> found;
        const int rc = each_row(prepare(("PRAGMA table_info(" + std::string(table) + ")").c_str()),
                                [&](sqlite3_stmt* s) { found.push_back(column_text(s, 1)); });
        if (rc != SQLITE_DONE) fail("cannot read the schema");
        if (!found.empty() && found != expected)  // a missing table is created next
            throw InputError(file_.string() + ": oracle cache: table " + table +
                             ": found the columns " + joined(found) + ", expected " +
                             joined(expected) +
                             " (the file is left as it is; move it away to start a new cache)");
    }
}

OracleCache::~OracleCache() {
    prepared_.reset();  // the statements before their connection
    sqlite3_close_v2(db_);
}

std::optional<AccuracyResult> OracleCache::lookup(const std::string& identity,
                                                  const std::string& bits) {
    sqlite3_stmt* const s = prepared_->lookup;
    Reset r{s};
    sqlite3_bind_text(s, 1, identity.data(), static_cast<int>(identity.size()), SQLITE_STATIC);
    sqlite3_bind_text(s, 2, bits.data(), static_cast<int>(bits.size()), SQLITE_STATIC);
    const int rc = sqlite3_step(s);
    if (rc == SQLITE_DONE) return std::nullopt;
    if (rc != SQLITE_ROW) fail("cannot look up " + bits);
    const RowReader row(s, file_.string(), identity, bits);
    AccuracyResult result;
    result.accuracy_percent = row.real(0, detail::kAccuracyField, detail::valid_accuracy);
    result.samples_evaluated = row.integer(1, detail::kSamplesField, detail::valid_samples);
    result.is_upper_bound =
        row.integer(2, detail::kUpperBoundField, detail::valid_upper_bound) != 0;
    result.seconds = 0;
    result.from_cache = true;
    return result;
}

void OracleCache::store(const std::string& identity, const std::string& bits,
                        const AccuracyResult& result, const std::string& assignment) {
    // An answer no oracle can give would be a damaged row every later run refuses.
    const auto refuse = [&](const detail::EntryField& f, const std::string& found) {
        throw InputError(file_.string() + ": oracle cache: cannot store " + bits + ": " + f.name +
                         ": found " + found + ", expected " + f.expected +
                         " (the oracle's answer; nothing was stored)");
    };
    if (!detail::valid_accuracy(result.accuracy_percent))
        refuse(detail::kAccuracyField, shortest_number(result.accuracy_percent));
    if (!detail::valid_samples(result.samples_evaluated))
        refuse(detail::kSamplesField, std::to_string(result.samples_evaluated));
    if (!detail::valid_seconds(result.seconds))
        refuse(detail::kSecondsField, shortest_number(result.seconds));
    if (assignment.empty()) {
        store_entry(identity, bits, result);
        return;
    }
    // The answer and the text behind its key commit together: neither is ever seen alone.
    exec("BEGIN IMMEDIATE", "cannot lock to store an answer");
    try {
        exec(kAssignmentsSchema, "cannot create the assignments table");
        const detail::Statement put = prepare(
            "INSERT OR IGNORE INTO assignments(identity, bits, assignment) VALUES(?1, ?2, ?3)");
        sqlite3_bind_text(put, 1, identity.data(), static_cast<int>(identity.size()),
                          SQLITE_STATIC);
        sqlite3_bind_text(put, 2, bits.data(), static_cast<int>(bits.size()), SQLITE_STATIC);
        sqlite3_bind_text(put, 3, assignment.data(), static_cast<int>(assignment.size()),
                          SQLITE_STATIC);
        if (sqlite3_step(put) != SQLITE_DONE) fail("cannot store the assignment of " + bits);
        store_entry(identity, bits, result);
        exec("COMMIT", "cannot commit an answer");
    } catch (...) {
        sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
        throw;
    }
}

void OracleCache::store_entry(const std::string& identity, const std::string& bits,
                              const AccuracyResult& result) {
    sqlite3_stmt* const s = prepared_->store;
    Reset r{s};
    sqlite3_bind_text(s, 1, identity.data(), static_cast<int>(identity.size()), SQLITE_STATIC);
    sqlite3_bind_text(s, 2, bits.data(), static_cast<int>(bits.size()), SQLITE_STATIC);
    sqlite3_bind_double(s, 3, result.accuracy_percent);
    sqlite3_bind_int64(s, 4, result.samples_evaluated);
    sqlite3_bind_double(s, 5, result.seconds);
    sqlite3_bind_int(s, 6, result.is_upper_bound ? 1 : 0);
    if (sqlite3_step(s) != SQLITE_DONE) fail("cannot store " + bits);
}

std::optional<std::string> OracleCache::assignment(const std::string& identity,
                                                   const std::string& bits) {
    bool exists = false;
    const int rc =
        each_row(prepare("SELECT 1 FROM sqlite_master WHERE type='table' AND name='assignments'"),
                 [&](sqlite3_stmt*) { exists = true; });
    if (rc != SQLITE_DONE) fail("cannot read the schema");
    if (!exists) return std::nullopt;
    const detail::Statement s =
        prepare("SELECT assignment FROM assignments WHERE identity = ?1 AND bits = ?2");
    sqlite3_bind_text(s, 1, identity.data(), static_cast<int>(identity.size()), SQLITE_STATIC);
    sqlite3_bind_text(s, 2, bits.data(), static_cast<int>(bits.size()), SQLITE_STATIC);
    const int step = sqlite3_step(s);
    if (step == SQLITE_DONE) return std::nullopt;
    if (step != SQLITE_ROW) fail("cannot look up the assignment of " + bits);
    return column_text(s, 0);
}

void OracleCache::describe(const std::string& identity, const std::string& description,
                           int layers) {
    sqlite3_stmt* const s = prepared_->describe;
    Reset r{s};
    sqlite3_bind_text(s, 1, identity.data(), static_cast<int>(identity.size()), SQLITE_STATIC);
    sqlite3_bind_text(s, 2, description.data(), static_cast<int>(description.size()),
                      SQLITE_STATIC);
    sqlite3_bind_int(s, 3, layers);
    if (sqlite3_step(s) != SQLITE_DONE) fail("cannot record the oracle " + identity);
}

std::vector<CacheIdentityStats> OracleCache::stats() {
    std::vector<CacheIdentityStats> out;
    const int rc = each_row(
        prepare("SELECT e.identity, COALESCE(o.description, ''), COUNT(*), SUM(e.is_upper_bound), "
                "SUM(e.seconds), MIN(e.created_utc), MAX(e.created_utc) "
                "FROM entries e LEFT JOIN oracles o ON o.identity = e.identity "
                "GROUP BY e.identity ORDER BY e.identity"),
        [&](sqlite3_stmt* s) {
            CacheIdentityStats st;
            st.identity = column_text(s, 0);
            st.description = column_text(s, 1);
            st.entries = sqlite3_column_int64(s, 2);
            st.upper_bounds = sqlite3_column_int64(s, 3);
            st.seconds = sqlite3_column_double(s, 4);
            st.first_utc = column_text(s, 5);
            st.last_utc = column_text(s, 6);
            out.push_back(std::move(st));
        });
    if (rc != SQLITE_DONE) fail("cannot read the statistics");
    return out;
}

std::vector<CacheEntry> OracleCache::entries(const std::string& identity) {
    detail::Statement query = prepare(
        "SELECT e.identity, COALESCE(o.description, ''), e.bits, e.accuracy_percent, e.samples, "
        "e.seconds, e.is_upper_bound, e.created_utc "
        "FROM entries e LEFT JOIN oracles o ON o.identity = e.identity "
        "WHERE ?1 = '' OR e.identity = ?1 ORDER BY e.identity, e.created_utc, e.bits");
    sqlite3_bind_text(query, 1, identity.data(), static_cast<int>(identity.size()), SQLITE_STATIC);
    std::vector<CacheEntry> out;
    const int rc = each_row(std::move(query), [&](sqlite3_stmt* s) {
        const RowReader row(s, file_.string(), column_text(s, 0), column_text(s, 2));
        CacheEntry e;
        e.identity = row.text(0, detail::kIdentityField, detail::valid_identity);
        e.description = column_text(s, 1);
        e.bits = row.text(2, detail::kBitsField, detail::valid_bits_key);
        e.accuracy_percent = row.real(3, detail::kAccuracyField, detail::valid_accuracy);
        e.samples = row.integer(4, detail::kSamplesField, detail::valid_samples);
        e.seconds = row.real(5, detail::kSecondsField, detail::valid_seconds);
        e.is_upper_bound = row.integer(6, detail::kUpperBoundField, detail::valid_upper_bound) != 0;
        e.created_utc = row.text(7, detail::kCreatedField, detail::valid_created);
        out.push_back(std::move(e));
    });
    if (rc != SQLITE_DONE) fail("cannot read the entries");
    return out;
}

CacheImportReport OracleCache::import(const std::vector<CacheEntry>& entries) {
    CacheImportReport report;
    exec("BEGIN IMMEDIATE", "cannot lock for the import");
    try {
        const detail::Statement find = prepare(
            "SELECT accuracy_percent, is_upper_bound FROM entries WHERE identity=?1 AND bits=?2");
        const detail::Statement put = prepare(
            "INSERT OR REPLACE INTO entries(identity, bits, accuracy_percent, samples, seconds, "
            "is_upper_bound, created_utc) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7)");
        const detail::Statement name = prepare(
            "INSERT OR IGNORE INTO oracles(identity, description, layers, last_used_utc) "
            "VALUES(?1, ?2, ?3, ?4)");
        for (const auto& e : entries) {
            bool exists = false, old_bound = false;
            double old_value = 0;
            {
                Reset r{find};
                sqlite3_bind_text(find, 1, e.identity.c_str(), -1, SQLITE_STATIC);
                sqlite3_bind_text(find, 2, e.bits.c_str(), -1, SQLITE_STATIC);
                const int rc = sqlite3_step(find);
                if (rc == SQLITE_ROW) {
                    exists = true;
                    old_value = sqlite3_column_double(find, 0);
                    old_bound = sqlite3_column_int(find, 1) != 0;
                } else if (rc != SQLITE_DONE) {
                    fail("cannot look up " + e.bits);
                }
            }
            // The same rule as store(): only a bound gives way.
            if (exists && !old_bound) {
                ++report.kept;
                if (!e.is_upper_bound && std::abs(old_value - e.accuracy_percent) > 1e-9)
                    ++report.differing;
                continue;
            }
            {
                Reset r{put};
                sqlite3_bind_text(put, 1, e.identity.c_str(), -1, SQLITE_STATIC);
                sqlite3_bind_text(put, 2, e.bits.c_str(), -1, SQLITE_STATIC);
                sqlite3_bind_double(put, 3, e.accuracy_percent);
                sqlite3_bind_int64(put, 4, e.samples);
                sqlite3_bind_double(put, 5, e.seconds);
                sqlite3_bind_int(put, 6, e.is_upper_bound ? 1 : 0);
                sqlite3_bind_text(put, 7, e.created_utc.c_str(), -1, SQLITE_STATIC);
                if (sqlite3_step(put) != SQLITE_DONE) fail("cannot import " + e.bits);
            }
            exists ? ++report.replaced : ++report.added;
            if (!e.description.empty()) {
                Reset r{name};
                sqlite3_bind_text(name, 1, e.identity.c_str(), -1, SQLITE_STATIC);
                sqlite3_bind_text(name, 2, e.description.c_str(), -1, SQLITE_STATIC);
                sqlite3_bind_int(name, 3, 0);
                sqlite3_bind_text(name, 4, e.created_utc.c_str(), -1, SQLITE_STATIC);
                if (sqlite3_step(name) != SQLITE_DONE) fail("cannot import " + e.identity);
            }
        }
        exec("COMMIT", "cannot commit the import");
    } catch (...) {
        sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
        throw;
    }
    return report;
}

std::string OracleCache::integrity_check() {
    std::string out;
    const int rc = each_row(prepare("PRAGMA integrity_check"), [&](sqlite3_stmt* s) {
        out += (out.empty() ? "" : "; ") + column_text(s, 0);
    });
    if (rc != SQLITE_DONE) fail("integrity check failed");
    return out;
}

}  // namespace serialq::quant
