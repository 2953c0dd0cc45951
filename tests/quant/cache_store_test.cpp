// The SQLite accuracy cache: answers persist, bounds give way to exact values, CSV export and
// import round-trip, and a damaged file is an error that leaves the file alone.
#include "serialq/common/atomic_file.hpp"
#include "serialq/common/error.hpp"
#include "serialq/quant/oracle.hpp"
#include "serialq/quant/oracle_cache.hpp"

#include "../common/temp_file.hpp"

#include <catch2/catch.hpp>
#include <sqlite3.h>

#include <cmath>
#include <filesystem>
#include <functional>

using namespace serialq;
using namespace serialq::quant;
using Catch::Matchers::Contains;

namespace {

// An oracle whose answers are a formula, counting how often it is really asked.
class CountingOracle final : public AccuracyOracle {
public:
    int calls = 0;
    bool answer_bounds = false;
    std::string identity() const override { return "test:counting"; }
    int layer_count() const override { return 3; }
    std::string name() const override { return identity(); }

protected:
    AccuracyResult evaluate_checked(const LayerBits& bits) override {
        ++calls;
        AccuracyResult r;
        r.accuracy_percent = 10.0 * bits[0] + bits[1] + 0.1 * bits[2];
        r.samples_evaluated = answer_bounds ? 500 : 10000;
        r.seconds = 0.25;
        r.is_upper_bound = answer_bounds;
        return r;
    }

public:
    double reference_accuracy_percent() override {
        ++calls;
        return 99.0;
    }
};

AccuracyResult result(double acc, bool bound = false) {
    AccuracyResult r;
    r.accuracy_percent = acc;
    r.samples_evaluated = bound ? 500 : 10000;
    r.seconds = 0.5;
    r.is_upper_bound = bound;
    return r;
}

}  // namespace

TEST_CASE("cache: answers persist across connections", "[oracle][cache]") {
    test::TempDir dir;
    const auto file = dir.path() / "sub" / "cache.sqlite";  // the folder is created
    {
        OracleCache cache(file);
        CHECK_FALSE(cache.lookup("id", "8,8").has_value());
        cache.store("id", "8,8", result(91.25));
    }
    OracleCache cache(file);
    const auto hit = cache.lookup("id", "8,8");
    REQUIRE(hit.has_value());
    CHECK(hit->accuracy_percent == 91.25);
    CHECK(hit->samples_evaluated == 10000);
    CHECK(hit->seconds == 0);
    CHECK(hit->from_cache);
    CHECK_FALSE(hit->is_upper_bound);
    CHECK_FALSE(cache.lookup("other-id", "8,8").has_value());
    CHECK_FALSE(cache.lookup("id", "8,4").has_value());
    const auto entries = cache.entries();
    REQUIRE(entries.size() == 1);
    CHECK(entries[0].seconds == 0.5);
    CHECK(entries[0].created_utc.size() == 24);  // 2025-01-31T12:00:00.000Z
    CHECK(cache.integrity_check() == "ok");
}

TEST_CASE("cache: a bound gives way to an exact value, never the reverse", "[oracle][cache]") {
    test::TempDir dir;
    OracleCache cache(dir.path() / "c.sqlite");
    cache.store("id", "2,2", result(40, true));
    CHECK(cache.lookup("id", "2,2")->is_upper_bound);
    cache.store("id", "2,2", result(35, true));  // a newer bound replaces a bound
    CHECK(cache.lookup("id", "2,2")->accuracy_percent == 35);
    cache.store("id", "2,2", result(31.5));
    CHECK_FALSE(cache.lookup("id", "2,2")->is_upper_bound);
    cache.store("id", "2,2", result(60, true));  // ignored
    const auto hit = cache.lookup("id", "2,2");
    CHECK(hit->accuracy_percent == 31.5);
    CHECK_FALSE(hit->is_upper_bound);
}

TEST_CASE("cached oracle: the second question is answered from the cache", "[oracle][cache]") {
    test::TempDir dir;
    auto cache = std::make_shared<OracleCache>(dir.path() / "c.sqlite");
    auto inner = std::make_unique<CountingOracle>();
    CountingOracle* counter = inner.get();
    CachedOracle oracle(std::move(inner), cache, "test spec", 0);
    CHECK(oracle.identity() == "test:counting");
    const auto first = oracle.evaluate({8, 4, 2});
    CHECK_FALSE(first.from_cache);
    CHECK(first.seconds == 0.25);
    const auto second = oracle.evaluate({8, 4, 2});
    CHECK(second.from_cache);
    CHECK(second.accuracy_percent == first.accuracy_percent);
    CHECK(counter->calls == 1);
    CHECK(oracle.reference_accuracy_percent() == 99.0);
    CHECK(oracle.reference_accuracy_percent() == 99.0);
    CHECK(counter->calls == 2);
    // Bad bit vectors never reach the cache or the oracle.
    CHECK_THROWS_WITH(oracle.evaluate({8, 4}), Contains("test spec: bits 8,4: found 2 bitwidths"));
    CHECK_THROWS_AS(oracle.evaluate({8, 4, 0}), ConfigError);
    CHECK(counter->calls == 2);
    const auto stats = cache->stats();
    REQUIRE(stats.size() == 1);
    CHECK(stats[0].identity == "test:counting");
    CHECK(stats[0].description == "test spec");
    CHECK(stats[0].entries == 2);  // 8,4,2 and the reference
}

TEST_CASE("cached oracle: a cached bound answers only a lower-threshold question",
          "[oracle][cache]") {
    test::TempDir dir;
    auto cache = std::make_shared<OracleCache>(dir.path() / "c.sqlite");
    cache->store("test:counting", "2,2,2", result(30, true));  // surely below 30 %
    {
        auto inner = std::make_unique<CountingOracle>();
        CountingOracle* counter = inner.get();
        CachedOracle searching(std::move(inner), cache, "search", 50);
        const auto r = searching.evaluate({2, 2, 2});  // below 30 -> below 50: usable
        CHECK(r.from_cache);
        CHECK(r.is_upper_bound);
        CHECK(counter->calls == 0);
    }
    {
        auto inner = std::make_unique<CountingOracle>();
        CountingOracle* counter = inner.get();
        CachedOracle stricter(std::move(inner), cache, "search", 20);  // 30 says nothing of 20
        CHECK_FALSE(stricter.evaluate({2, 2, 2}).from_cache);
        CHECK(counter->calls == 1);
    }
    // The exact value (22.2) replaced the bound: now everyone uses it.
    auto inner = std::make_unique<CountingOracle>();
    CountingOracle* counter = inner.get();
    CachedOracle exact(std::move(inner), cache, "final", 0);
    const auto r = exact.evaluate({2, 2, 2});
    CHECK(r.from_cache);
    CHECK_FALSE(r.is_upper_bound);
    CHECK(r.accuracy_percent == Approx(22.2));
    CHECK(counter->calls == 0);
}

TEST_CASE("cache: export and import round-trip through CSV", "[oracle][cache]") {
    test::TempDir dir;
    OracleCache a(dir.path() / "a.sqlite");
    a.describe("exec:python3 eval.py --name \"x, y\"", "exec:python3 eval.py", 4);
    a.store("exec:python3 eval.py --name \"x, y\"", "8,8,8,8", result(99.53333333333333));
    a.store("exec:python3 eval.py --name \"x, y\"", "2,2,2,2", result(12.5, true));
    a.store("table:sha256=00", kReferenceKey, result(99.8));
    const std::string csv = entries_to_csv(a.entries());
    CHECK_THAT(csv, Contains("identity,description,bits,accuracy_percent,samples,seconds,"
                             "is_upper_bound,created_utc\n"));
    CHECK_THAT(csv, Contains("\"exec:python3 eval.py --name \"\"x, y\"\"\",exec:python3 eval.py,"
                             "\"8,8,8,8\",99.53333333333333,10000,0.5,0,"));

    const auto parsed = entries_from_csv(csv, "x.csv");
    REQUIRE(parsed.size() == 3);
    OracleCache b(dir.path() / "b.sqlite");
    const auto report = b.import(parsed);
    CHECK(report.added == 3);
    const auto back = b.entries();
    REQUIRE(back.size() == 3);
    const auto orig = a.entries();
    for (std::size_t i = 0; i < back.size(); ++i) {
        CHECK(back[i].identity == orig[i].identity);
        CHECK(back[i].bits == orig[i].bits);
        CHECK(back[i].accuracy_percent == orig[i].accuracy_percent);  // bit for bit
        CHECK(back[i].is_upper_bound == orig[i].is_upper_bound);
        CHECK(back[i].created_utc == orig[i].created_utc);
    }
    CHECK(b.stats()[0].description == "exec:python3 eval.py");

    // Again: everything is already there; an exact value that differs is counted, not taken.
    auto changed = parsed;
    for (auto& e : changed)
        if (e.bits == "8,8,8,8") e.accuracy_percent = 50;
    const auto again = b.import(changed);
    CHECK(again.added == 0);
    CHECK(again.replaced == 1);  // the bound 2,2,2,2 takes the newer copy
    CHECK(again.kept == 2);
    CHECK(again.differing == 1);
    CHECK(b.lookup("exec:python3 eval.py --name \"x, y\"", "8,8,8,8")->accuracy_percent ==
          99.53333333333333);
}

TEST_CASE("cache import: a bad CSV is a file:line error and imports nothing", "[oracle][cache]") {
    const std::string header =
        "identity,description,bits,accuracy_percent,samples,seconds,is_upper_bound,created_utc\n";
    const std::string good = "id,d,\"8,8\",90,100,0.1,0,2025-01-01T00:00:00.000Z\n";
    CHECK_THROWS_WITH(entries_from_csv("identity,bits\n", "f.csv"),
                      "f.csv:1: header: expected identity,description,bits,accuracy_percent,"
                      "samples,seconds,is_upper_bound,created_utc");
    CHECK_THROWS_WITH(entries_from_csv(header + good + "id,d,\"8,0\",90,100,0.1,0,t\n", "f.csv"),
                      "f.csv:3: bits: found '8,0', expected bitwidths 1..16 like 8,4,4,8, a "
                      "kernel-wise assignment like 4x10,8x6/a8;8x16, sha256:<64 hex digits>, or "
                      "reference");
    // Kernel-wise keys: widths 1..16, run counts of at least one, a full 64-digit hash.
    for (const char* bad : {"8x0;4x2", "17x2", "8x2;", "8x2/a", "8x2/b8", "sha256:abc", "8x2,"}) {
        INFO(bad);
        CHECK_THROWS_AS(entries_from_csv(
                            header + "id,d,\"" + std::string(bad) + "\",90,100,0.1,0,t\n", "f.csv"),
                        InputError);
    }
    CHECK(entries_from_csv(header + "id,d,\"4x10,8x6/a8;8x16\",90,100,0.1,0,t\n", "f.csv").size() ==
          1);
    CHECK_THROWS_WITH(entries_from_csv(header + "id,d,8,190,100,0.1,0,t\n", "f.csv"),
                      "f.csv:2: accuracy_percent: found '190', expected a percentage 0..100");
    CHECK_THROWS_WITH(entries_from_csv(header + "id,d,8,90,-1,0.1,0,t\n", "f.csv"),
                      "f.csv:2: samples: found '-1', expected a sample count >= 0");
    CHECK_THROWS_WITH(entries_from_csv(header + "id,d,8,90,1,0.1,yes,t\n", "f.csv"),
                      "f.csv:2: is_upper_bound: found 'yes', expected 0 or 1");
    CHECK_THROWS_WITH(entries_from_csv(header + "id,d,8,90,1,0.1,0\n", "f.csv"),
                      "f.csv:2: found 7 fields, expected 8");
}

TEST_CASE("cache: a file that is not a cache is an error and is left alone", "[oracle][cache]") {
    test::TempDir dir;
    const std::string garbage(5000, 'x');
    const auto file = dir.write("garbage.sqlite", garbage);
    try {
        OracleCache cache(file);
        FAIL("no error");
    } catch (const InputError& e) {
        const std::string msg = e.what();
        CHECK_THAT(msg, Contains(file.string() + ": oracle cache: not a readable SQLite database"));
        CHECK(msg.find('\n') == std::string::npos);
    }
    CHECK(read_file(file) == garbage);  // never wiped

    // Someone else's SQLite database.
    const auto other = dir.path() / "other.sqlite";
    sqlite3* db = nullptr;
    REQUIRE(sqlite3_open(other.c_str(), &db) == SQLITE_OK);
    REQUIRE(sqlite3_exec(db, "CREATE TABLE customers(name TEXT)", nullptr, nullptr, nullptr) ==
            SQLITE_OK);
    sqlite3_close(db);
    CHECK_THROWS_WITH(OracleCache(other), Contains("other.sqlite: not a serialq oracle cache "
                                                   "(it holds tables customers)"));
}

TEST_CASE("cache: a truncated cache file is an error naming it, never garbage", "[oracle][cache]") {
    test::TempDir dir;
    const auto file = dir.path() / "c.sqlite";
    {
        OracleCache cache(file);
        for (int i = 0; i < 3000; ++i)
            cache.store("identity-with-some-length-to-fill-pages",
                        "8,8," + std::to_string(i % 16 + 1) + "," + std::to_string(i),
                        result(i % 100));
        // Fold the WAL into the main file, so that cutting the file cuts entries.
        sqlite3* db = nullptr;
        REQUIRE(sqlite3_open(file.c_str(), &db) == SQLITE_OK);
        REQUIRE(sqlite3_exec(db, "PRAGMA wal_checkpoint(TRUNCATE)", nullptr, nullptr, nullptr) ==
                SQLITE_OK);
        sqlite3_close(db);
    }
    const auto size = std::filesystem::file_size(file);
    REQUIRE(size > 100'000);
    std::filesystem::resize_file(file, size / 2);
    const auto damaged = read_file(file);
    std::string message;
    try {
        OracleCache cache(file);
        for (int i = 0; i < 3000; ++i)
            cache.lookup("identity-with-some-length-to-fill-pages",
                         "8,8," + std::to_string(i % 16 + 1) + "," + std::to_string(i));
        message = cache.integrity_check();
    } catch (const InputError& e) {
        message = e.what();
    }
    CHECK_THAT(message, Contains(file.string()));
    CHECK_THAT(message, Contains("malformed"));
    CHECK(read_file(file) == damaged);
}

namespace {

// Runs `sql` on the cache file behind serialq's back, as another program or a hand edit would.
void tamper(const std::filesystem::path& file, const std::string& sql) {
    sqlite3* db = nullptr;
    REQUIRE(sqlite3_open(file.c_str(), &db) == SQLITE_OK);
    char* error = nullptr;
    const int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &error);
    const std::string message = error ? error : "";
    sqlite3_free(error);
    sqlite3_close(db);
    REQUIRE(message == "");
    REQUIRE(rc == SQLITE_OK);
}

std::string refusal(const std::function<void()>& f) {
    try {
        f();
    } catch (const InputError& e) {
        return e.what();
    }
    return "accepted";
}

}  // namespace

TEST_CASE("cache: a damaged row is refused naming the cache, the row and the field",
          "[oracle][cache]") {
    // Issue 16: a row's values were taken as SQLite returned them: an infinite accuracy, text in
    // a REAL column (read as 0), a negative sample count became answers or exports.
    test::TempDir dir;
    const auto file = dir.path() / "c.sqlite";
    OracleCache cache(file);
    for (const char* bits : {"8,8,8", "4,4,4", "2,2,2"}) cache.store("id", bits, result(80));
    const auto row = [&](const std::string& bits) {
        return file.string() + ": oracle cache: entry (identity 'id', bits " + bits + "): ";
    };
    const auto hint = [&](const std::string& bits) {
        return "; the row is damaged: delete it, keeping the other entries, with sqlite3 " +
               file.string() + " \"DELETE FROM entries WHERE identity = 'id' AND bits = '" + bits +
               "'\"";
    };
    const auto lookup = [&](const std::string& bits) {
        return refusal([&] { cache.lookup("id", bits); });
    };
    const auto entries = [&] { return refusal([&] { cache.entries(); }); };

    tamper(file, "UPDATE entries SET accuracy_percent = 1e999 WHERE bits = '8,8,8'");
    CHECK(lookup("8,8,8") == row("8,8,8") +
                                 "accuracy_percent: found 'Inf', expected a percentage 0..100" +
                                 hint("8,8,8"));
    CHECK(entries() == lookup("8,8,8"));  // an export too
    CHECK(cache.lookup("id", "4,4,4")->accuracy_percent == 80);  // the others answer
    tamper(file, "UPDATE entries SET accuracy_percent = 'high' WHERE bits = '8,8,8'");
    CHECK(lookup("8,8,8") == row("8,8,8") +
                                 "accuracy_percent: found 'high', expected a percentage 0..100" +
                                 hint("8,8,8"));
    tamper(file, "UPDATE entries SET accuracy_percent = 80, samples = -1 WHERE bits = '8,8,8'");
    CHECK(lookup("8,8,8") ==
          row("8,8,8") + "samples: found '-1', expected a sample count >= 0" + hint("8,8,8"));
    tamper(file, "UPDATE entries SET samples = 1, is_upper_bound = 2 WHERE bits = '8,8,8'");
    CHECK(lookup("8,8,8") ==
          row("8,8,8") + "is_upper_bound: found '2', expected 0 or 1" + hint("8,8,8"));
    tamper(file, "UPDATE entries SET is_upper_bound = 0, seconds = -1e999 WHERE bits = '8,8,8'");
    CHECK(entries() ==
          row("8,8,8") + "seconds: found '-Inf', expected seconds >= 0" + hint("8,8,8"));
    tamper(file, "UPDATE entries SET seconds = 1, bits = '8,99' WHERE bits = '8,8,8'");
    CHECK(entries() == row("8,99") +
                           "bits: found '8,99', expected bitwidths 1..16 like 8,4,4,8, a "
                           "kernel-wise assignment like 4x10,8x6/a8;8x16, sha256:<64 hex "
                           "digits>, or reference" +
                           hint("8,99"));
    // The hint's command removes that row alone; the others are all there.
    tamper(file, "DELETE FROM entries WHERE identity = 'id' AND bits = '8,99'");
    CHECK(cache.entries().size() == 2);
}

TEST_CASE("cache: an answer no oracle gives is refused, nothing stored", "[oracle][cache]") {
    // Issue 16: NaN was refused only by SQLite's NOT NULL (bound as NULL), infinities stored.
    test::TempDir dir;
    const auto file = dir.path() / "c.sqlite";
    OracleCache cache(file);
    const auto store = [&](const AccuracyResult& r) {
        return refusal([&] { cache.store("id", "4,4", r); });
    };
    const std::string cannot = file.string() + ": oracle cache: cannot store 4,4: ";
    const std::string nothing = " (the oracle's answer; nothing was stored)";
    CHECK(store(result(std::nan(""))) ==
          cannot + "accuracy_percent: found nan, expected a percentage 0..100" + nothing);
    CHECK(store(result(HUGE_VAL)) ==
          cannot + "accuracy_percent: found inf, expected a percentage 0..100" + nothing);
    AccuracyResult r = result(50);
    r.seconds = -HUGE_VAL;
    CHECK(store(r) == cannot + "seconds: found -inf, expected seconds >= 0" + nothing);
    CHECK_FALSE(cache.lookup("id", "4,4").has_value());
}

TEST_CASE("cache: a file whose tables have other columns is refused and left alone",
          "[oracle][cache]") {
    // Issue 16: CREATE TABLE IF NOT EXISTS kept a table of our name whatever its columns.
    test::TempDir dir;
    const auto file = dir.path() / "c.sqlite";
    tamper(file,
           "CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);"
           "INSERT INTO meta VALUES('schema', '1');"
           "CREATE TABLE entries(identity TEXT, bits TEXT, accuracy REAL)");
    CHECK(refusal([&] { OracleCache cache(file); }) ==
          file.string() +
              ": oracle cache: table entries: found the columns identity, bits, accuracy, "
              "expected identity, bits, accuracy_percent, samples, seconds, is_upper_bound, "
              "created_utc (the file is left as it is; move it away to start a new cache)");
    // Refused before our missing table was added to it.
    sqlite3* db = nullptr;
    REQUIRE(sqlite3_open(file.c_str(), &db) == SQLITE_OK);
    sqlite3_stmt* s = nullptr;
    REQUIRE(sqlite3_prepare_v2(db, "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table'", -1,
                               &s, nullptr) == SQLITE_OK);
    REQUIRE(sqlite3_step(s) == SQLITE_ROW);
    CHECK(sqlite3_column_int(s, 0) == 2);
    sqlite3_finalize(s);
    sqlite3_close(db);
}

TEST_CASE("cache import: NaN, infinities and numbers in other forms are refused",
          "[oracle][cache]") {
    // Issue 16: std::stod took " 5" and "0x10" (hex, 16) as accuracies.
    const std::string header =
        "identity,description,bits,accuracy_percent,samples,seconds,is_upper_bound,created_utc\n";
    const auto row = [&](const std::string& accuracy, const std::string& seconds) {
        return header + "id,d,8," + accuracy + ",100," + seconds + ",0,t\n";
    };
    for (const char* bad : {"nan", "inf", "-inf", "1e999", " 5", "0x10", "+5", "5 "}) {
        INFO(bad);
        CHECK_THROWS_WITH(entries_from_csv(row(bad, "0.1"), "f.csv"),
                          "f.csv:2: accuracy_percent: found '" + std::string(bad) +
                              "', expected a percentage 0..100");
    }
    CHECK_THROWS_WITH(entries_from_csv(row("50", "inf"), "f.csv"),
                      "f.csv:2: seconds: found 'inf', expected seconds >= 0");
    CHECK(entries_from_csv(row("50", "0.1"), "f.csv").size() == 1);
}
