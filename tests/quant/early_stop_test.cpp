// Early termination's statistics, on synthetic prediction sequences whose truth is known.
#include "serialq/common/error.hpp"
#include "serialq/quant/oracle_confidence.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <numeric>
#include <random>

using namespace serialq;
using namespace serialq::quant;

namespace {

// A split of `total` images of which exactly `correct` are predicted right, in a seeded random
// order; count_correct reads ranges of it and records how many images were looked at.
struct Population {
    std::vector<char> right;
    std::vector<std::int64_t> prefix;  // prefix[i] = correct among the first i
    std::int64_t looked_at = 0;

    Population(std::int64_t total, std::int64_t correct, std::uint64_t seed) {
        right.assign(static_cast<std::size_t>(total), 0);
        std::fill(right.begin(), right.begin() + correct, 1);
        std::mt19937_64 rng(seed);
        std::shuffle(right.begin(), right.end(), rng);
        prefix.assign(right.size() + 1, 0);
        for (std::size_t i = 0; i < right.size(); ++i) prefix[i + 1] = prefix[i] + right[i];
    }
    CountCorrect counter() {
        return [this](std::int64_t b, std::int64_t e) {
            REQUIRE(b == looked_at);  // consecutive ranges
            looked_at = e;
            return prefix[static_cast<std::size_t>(e)] - prefix[static_cast<std::size_t>(b)];
        };
    }
};

}  // namespace

TEST_CASE("early stop: normal quantiles and Wilson bounds", "[oracle][early]") {
    CHECK(normal_quantile(0.5) == Approx(0).margin(1e-12));
    CHECK(normal_quantile(0.975) == Approx(1.959963984540054));
    CHECK(normal_quantile(0.99) == Approx(2.326347874040841));
    CHECK(normal_quantile(0.01) == Approx(-2.326347874040841));
    // Wilson 95 % two-sided upper limit for 8/10: 0.9433 (z = 1.96), a textbook value.
    CHECK(wilson_upper_bound(8, 10, 1.959963984540054) == Approx(0.94331).epsilon(1e-4));
    CHECK(wilson_upper_bound(0, 100, 2.3263) > 0);
    CHECK(wilson_upper_bound(100, 100, 2.3263) == Approx(1.0));
    CHECK(wilson_upper_bound(50, 100, 2.3263) > 0.5);
}

TEST_CASE("early stop: the schedule doubles up to the whole split", "[oracle][early]") {
    CHECK(subset_schedule(10000, 500) ==
          std::vector<std::int64_t>{500, 1000, 2000, 4000, 8000, 10000});
    CHECK(subset_schedule(5000, 500) == std::vector<std::int64_t>{500, 1000, 2000, 4000, 5000});
    CHECK(subset_schedule(300, 500) == std::vector<std::int64_t>{300});
}

TEST_CASE("early stop: a configuration clearly below the threshold stops at the first subset",
          "[oracle][early]") {
    Population poor(10000, 3000, 1);  // 30 % accurate
    const auto r = evaluate_with_early_stop(10000, poor.counter(), {80, 0.99, 500});
    CHECK(r.is_upper_bound);
    CHECK(r.samples == 500);
    CHECK(poor.looked_at == 500);
    CHECK(r.accuracy_percent < 80);
    CHECK(r.accuracy_percent > 30);  // a bound above the truth, as it should be
}

TEST_CASE("early stop: a configuration above the threshold is evaluated on everything",
          "[oracle][early]") {
    Population good(10000, 9000, 2);  // 90 %
    const auto r = evaluate_with_early_stop(10000, good.counter(), {80, 0.99, 500});
    CHECK_FALSE(r.is_upper_bound);
    CHECK(r.samples == 10000);
    CHECK(good.looked_at == 10000);
    CHECK(r.accuracy_percent == 90.0);  // exact
}

TEST_CASE("early stop: close below the threshold needs more images", "[oracle][early]") {
    // 76 % against 80 %: the first 500 images rarely suffice, so on average more are read than
    // for a 30 % configuration (always 500), and every bound given is below the threshold.
    double mean_samples = 0;
    constexpr int kTrials = 50;
    for (int t = 0; t < kTrials; ++t) {
        Population close(10000, 7600, 300 + static_cast<std::uint64_t>(t));
        const auto r = evaluate_with_early_stop(10000, close.counter(), {80, 0.99, 500});
        if (r.is_upper_bound)
            CHECK(r.accuracy_percent < 80);
        else
            CHECK(r.accuracy_percent == 76.0);
        mean_samples += static_cast<double>(r.samples) / kTrials;
    }
    CHECK(mean_samples > 1000);
}

TEST_CASE("early stop: off evaluates everything in one call", "[oracle][early]") {
    Population p(1234, 617, 4);
    int calls = 0;
    auto count = p.counter();
    const auto r = evaluate_with_early_stop(1234,
                                            [&](std::int64_t b, std::int64_t e) {
                                                ++calls;
                                                return count(b, e);
                                            },
                                            {0, 0.99, 500});
    CHECK(calls == 1);
    CHECK(r.accuracy_percent == Approx(50.0));
    CHECK_FALSE(r.is_upper_bound);
}

TEST_CASE("early stop: at the threshold it stops wrongly at most 1 % of the time",
          "[oracle][early]") {
    // The stated confidence, checked: 2,000 random orders of a split exactly at the threshold.
    int wrong = 0;
    constexpr int kTrials = 2000;
    for (int t = 0; t < kTrials; ++t) {
        Population at(10000, 8000, 100 + static_cast<std::uint64_t>(t));
        if (evaluate_with_early_stop(10000, at.counter(), {80, 0.99, 500}).is_upper_bound) ++wrong;
    }
    INFO(wrong << " of " << kTrials << " stopped");
    CHECK(wrong <= kTrials / 100);
}

TEST_CASE("early stop: settings are checked", "[oracle][early]") {
    CHECK_THROWS_AS((EarlyStopOptions{120, 0.99, 500}.check()), ConfigError);
    CHECK_THROWS_AS((EarlyStopOptions{80, 1.0, 500}.check()), ConfigError);
    CHECK_THROWS_AS((EarlyStopOptions{80, 0.99, 0}.check()), ConfigError);
}
