// Kernel-wise assignments in the cache: keyed by KernelBits::str(), hashed past 256 characters
// with the full text kept beside the answer; layer-wise keys as before; a cache file of the
// earlier schema still opens; table: refuses kernel-wise bits with the base-class message.
#include "serialq/common/atomic_file.hpp"
#include "serialq/common/error.hpp"
#include "serialq/quant/oracle.hpp"
#include "serialq/quant/oracle_cache.hpp"
#include "serialq/quant/oracle_hash.hpp"
#include "serialq/quant/oracle_table.hpp"

#include "../common/temp_file.hpp"

#include <catch2/catch.hpp>
#include <sqlite3.h>

#include <algorithm>

using namespace serialq;
using namespace serialq::quant;

namespace {

// Two weight layers; answers a formula of the mean kernel bits, counting real evaluations.
class KernelOracle final : public AccuracyOracle {
public:
    int calls = 0;
    std::string identity() const override { return "test:kernels"; }
    int layer_count() const override { return 2; }
    std::string name() const override { return identity(); }
    double reference_accuracy_percent() override { return 99.0; }

protected:
    AccuracyResult evaluate_checked(const LayerBits& bits) override {
        ++calls;
        return answer(bits[0], bits[1]);
    }
    AccuracyResult evaluate_kernels_checked(const KernelBits& bits) override {
        ++calls;
        const std::vector<double> mean = bits.mean_weight_bits();
        return answer(mean[0], mean[1] + 0.01 * bits.activation(1));
    }

private:
    static AccuracyResult answer(double a, double b) {
        AccuracyResult r;
        r.accuracy_percent = 4 * a + b;
        r.samples_evaluated = 100;
        r.seconds = 0.5;
        return r;
    }
};

// Layer 0 alternating 4 and 8 bits over `channels` channels: a long str().
KernelBits alternating(int channels) {
    std::vector<int> first;
    for (int c = 0; c < channels; ++c) first.push_back(c % 2 ? 8 : 4);
    return KernelBits({first, {8, 8, 2}}, {0, 6});
}

CachedOracle cached(std::unique_ptr<AccuracyOracle> inner, const std::filesystem::path& file) {
    return CachedOracle(std::move(inner), std::make_shared<OracleCache>(file), "test", 0);
}

}  // namespace

TEST_CASE("kernel cache: short assignments are their own key, long ones hashed",
          "[oracle][cache][kernel]") {
    const KernelBits small = alternating(6);
    CHECK(kernel_bits_key(small.str()) == small.str());
    CHECK(small.str() == "4x1,8x1,4x1,8x1,4x1,8x1;8x2,2x1/a6");
    const std::string text = alternating(200).str();
    REQUIRE(text.size() > kMaxPlainKeyLength);
    CHECK(kernel_bits_key(text) == "sha256:" + sha256_hex(text));
}

TEST_CASE("kernel cache: a hashed key hits and keeps its assignment, layer keys unchanged",
          "[oracle][cache][kernel]") {
    test::TempDir dir;
    const auto file = dir.path() / "cache.sqlite";
    const KernelBits long_bits = alternating(200);
    const std::string key = kernel_bits_key(long_bits.str());
    {
        auto inner = std::make_unique<KernelOracle>();
        KernelOracle* counter = inner.get();
        CachedOracle oracle = cached(std::move(inner), file);
        const AccuracyResult first = oracle.evaluate(long_bits);
        CHECK_FALSE(first.from_cache);
        CHECK(first.accuracy_percent == Approx(4 * 6.0 + 6.0 + 0.06));
        const AccuracyResult second = oracle.evaluate(long_bits);
        CHECK(second.from_cache);
        CHECK(second.accuracy_percent == first.accuracy_percent);
        // A short kernel-wise key and a layer-wise key, stored as their text.
        oracle.evaluate(alternating(6));
        oracle.evaluate(LayerBits({4, 8}));
        CHECK(counter->calls == 3);
    }
    OracleCache cache(file);
    CHECK(cache.lookup("test:kernels", key).has_value());
    CHECK(cache.assignment("test:kernels", key) == long_bits.str());
    CHECK_FALSE(cache.assignment("test:kernels", alternating(6).str()).has_value());
    CHECK(cache.lookup("test:kernels", "4,8").has_value());
    // Listing (oracle export, stats) reads every kind of key.
    std::vector<std::string> keys;
    for (const auto& e : cache.entries()) keys.push_back(e.bits);
    std::sort(keys.begin(), keys.end());
    CHECK(keys == std::vector<std::string>{"4,8", alternating(6).str(), key});
    REQUIRE(cache.stats().size() == 1);
    CHECK(cache.stats()[0].entries == 3);
    const auto back = entries_from_csv(entries_to_csv(cache.entries()), "export.csv");
    CHECK(back.size() == 3);
}

TEST_CASE("kernel cache: a file of the earlier schema opens and takes hashed keys",
          "[oracle][cache][kernel]") {
    test::TempDir dir;
    const auto file = dir.path() / "old.sqlite";
    {
        // The three tables every earlier serialq wrote, with one answer.
        sqlite3* db = nullptr;
        REQUIRE(sqlite3_open(file.c_str(), &db) == SQLITE_OK);
        const char* sql = R"sql(
CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE entries(identity TEXT NOT NULL, bits TEXT NOT NULL, accuracy_percent REAL NOT NULL,
  samples INTEGER NOT NULL, seconds REAL NOT NULL, is_upper_bound INTEGER NOT NULL,
  created_utc TEXT NOT NULL, PRIMARY KEY(identity, bits));
CREATE TABLE oracles(identity TEXT PRIMARY KEY, description TEXT NOT NULL,
  layers INTEGER NOT NULL, last_used_utc TEXT NOT NULL);
INSERT INTO meta VALUES('schema', '1');
INSERT INTO entries VALUES('test:kernels', '4,8', 24.0, 100, 0.5, 0, '2025-01-01T00:00:00.000Z');
)sql";
        REQUIRE(sqlite3_exec(db, sql, nullptr, nullptr, nullptr) == SQLITE_OK);
        sqlite3_close(db);
    }
    auto inner = std::make_unique<KernelOracle>();
    KernelOracle* counter = inner.get();
    CachedOracle oracle = cached(std::move(inner), file);
    CHECK(oracle.evaluate(LayerBits({4, 8})).from_cache);
    CHECK(counter->calls == 0);
    const KernelBits long_bits = alternating(300);
    oracle.evaluate(long_bits);
    CHECK(oracle.evaluate(long_bits).from_cache);
    CHECK(oracle.cache().assignment("test:kernels", kernel_bits_key(long_bits.str())) ==
          long_bits.str());
    CHECK(counter->calls == 1);
}

TEST_CASE("kernel cache: a table oracle refuses kernel-wise bits and nothing is stored",
          "[oracle][cache][kernel]") {
    test::TempDir dir;
    const auto table = dir.write("t.csv", "b0,b1,accuracy\n2,2,50\n4,4,90.5\n");
    const KernelBits bits({{2, 4}, {4}});
    const std::string message = "table:" + table.string() +
                                ": answers one weight bitwidth per layer at its own activation "
                                "bits, found the kernel-wise assignment 2x1,4x1;4x1 (use "
                                "builtin:<trace> for kernel-wise bits)";
    TableOracle plain(table);
    CHECK_THROWS_MATCHES(plain.evaluate(bits), ConfigError, Catch::Matchers::Message(message));
    CachedOracle oracle = cached(std::make_unique<TableOracle>(table), dir.path() / "c.sqlite");
    CHECK_THROWS_MATCHES(oracle.evaluate(bits), ConfigError, Catch::Matchers::Message(message));
    CHECK(oracle.cache().entries().empty());
    // Uniform kernels at default activations are the layer-wise question.
    CHECK(oracle.evaluate(KernelBits({{4, 4}, {4}})).accuracy_percent == 90.5);
}
