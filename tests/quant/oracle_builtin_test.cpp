// builtin:<trace>: the oracle over the project's own model, with early termination and the
// cache. The model here is LeNet with seeded initial weights (untrained: about one image in ten
// right), written beside a copy of the shipped trace; that is enough to check the oracle's
// mechanics on real inference without spending test time on training. Accuracy that falls
// with bits is checked on trained weights in model_evaluation_test.cpp.
#include "../common/temp_file.hpp"

#include "serialq/common/atomic_file.hpp"
#include "serialq/common/error.hpp"
#include "serialq/common/network_loader.hpp"
#include "serialq/quant/oracle.hpp"
#include "serialq/quant/oracle_builtin.hpp"
#include "serialq/quant/oracle_cache.hpp"

#include <catch2/catch.hpp>

#include <regex>

using namespace serialq;
using namespace serialq::quant;
using Catch::Matchers::Contains;
using Catch::Matchers::StartsWith;

namespace {

std::filesystem::path untrained_lenet(const test::TempDir& dir) {
    const std::string source =
        read_file(std::filesystem::path(SERIALQ_SOURCE_DIR) / "traces" / "lenet.yaml");
    const auto trace =
        dir.write("lenet.yaml", std::regex_replace(source, std::regex("\nweights:[^\n]*"), "") +
                                    "weights: lenet.sqw\n");
    Model m = build_model(load_network(trace));
    std::mt19937_64 rng(7);
    initialize_parameters(m, rng);
    WeightsFile f = to_weights_file(m, "{\"test\": \"untrained\"}");
    write_weights_file(dir.path() / "lenet.sqw", f);
    return trace;
}

}  // namespace

TEST_CASE("builtin oracle: real inference on the validation split, reference at full precision",
          "[oracle][builtin]") {
    test::TempDir dir;
    OracleOptions o;
    BuiltinOracle oracle(untrained_lenet(dir), o);
    CHECK(oracle.layer_count() == 4);
    CHECK_THAT(oracle.identity(), StartsWith("builtin:serialq-builtin-eval/"));
    CHECK_THAT(oracle.identity(), Contains("fashion-mnist/validation,n=5000"));
    CHECK_THAT(oracle.identity(), Contains("quantizer=wrpn"));
    CHECK_THAT(oracle.identity(), Contains("finetune=none"));
    const AccuracyResult r = oracle.evaluate({8, 8, 8, 8});
    CHECK(r.samples_evaluated == 5000);
    CHECK_FALSE(r.is_upper_bound);
    CHECK_FALSE(r.from_cache);
    CHECK(r.seconds > 0);
    CHECK(r.accuracy_percent > 2);  // an untrained net still gets some right ...
    CHECK(r.accuracy_percent < 40);  // ... but not many
    // Exactly the evaluation API's count, as a percentage.
    const ModelEvaluator& ev = oracle.evaluator();
    CHECK(r.accuracy_percent ==
          100.0 * static_cast<double>(ev.prepare({8, 8, 8, 8}).count_correct(0, 5000)) / 5000);
    CHECK(oracle.reference_accuracy_percent() ==
          100.0 * static_cast<double>(ev.count_correct_full_precision(0, 5000)) / 5000);
    CHECK_THROWS_WITH(oracle.evaluate({8, 8, 8}), Contains("found 3 bitwidths, expected 4"));
    CHECK_THROWS_AS(oracle.evaluate({8, 8, 8, 0}), ConfigError);
}

TEST_CASE("builtin oracle: early termination stops below the threshold, not above",
          "[oracle][builtin][early]") {
    test::TempDir dir;
    const auto trace = untrained_lenet(dir);
    OracleOptions o;
    auto evaluator = std::make_shared<const ModelEvaluator>(trace, builtin_settings(o));
    const std::int64_t n = evaluator->sample_count();

    // Above 1 %: every image, and the exact value.
    BuiltinOracle above(evaluator, trace.string(), {1, 0.99, 500});
    const AccuracyResult a = above.evaluate({8, 8, 8, 8});
    CHECK_FALSE(a.is_upper_bound);
    CHECK(a.samples_evaluated == n);
    const double exact = a.accuracy_percent;

    // Clearly below 60 %: the first 500 images suffice.
    BuiltinOracle below(evaluator, trace.string(), {60, 0.99, 500});
    const AccuracyResult r = below.evaluate({8, 8, 8, 8});
    CHECK(r.is_upper_bound);
    CHECK(r.samples_evaluated == 500);
    CHECK(r.accuracy_percent < 60);
    CHECK(r.accuracy_percent >= exact - 5);  // a bound, not a guess
    CHECK(below.identity() == above.identity());  // early termination is not in the key

    // Behind the cache: the bound is stored as one and answers only lower-threshold
    // questions; the exact value replaces it.
    auto cache = std::make_shared<OracleCache>(dir.path() / "cache.sqlite");
    CachedOracle searching(
        std::make_unique<BuiltinOracle>(evaluator, trace.string(), EarlyStopOptions{60, 0.99, 500}),
        cache, "builtin:" + trace.string(), 60);
    CHECK(searching.evaluate({8, 8, 8, 8}).is_upper_bound);
    const AccuracyResult hit = searching.evaluate({8, 8, 8, 8});
    CHECK(hit.from_cache);
    CHECK(hit.is_upper_bound);
    CHECK(hit.samples_evaluated == 500);
    CachedOracle reporting(
        std::make_unique<BuiltinOracle>(evaluator, trace.string(), EarlyStopOptions{}), cache,
        "builtin:" + trace.string(), 0);
    const AccuracyResult final_value = reporting.evaluate({8, 8, 8, 8});
    CHECK_FALSE(final_value.from_cache);
    CHECK_FALSE(final_value.is_upper_bound);
    CHECK(final_value.accuracy_percent == exact);
    CHECK(reporting.evaluate({8, 8, 8, 8}).from_cache);
    CHECK_FALSE(cache->lookup(below.identity(), "8,8,8,8")->is_upper_bound);
}

TEST_CASE("builtin oracle through make_oracle: the test split and the cache", "[oracle][builtin]") {
    test::TempDir dir;
    OracleOptions o;
    o.evaluation.split = Split::Test;
    o.cache_file = dir.path() / "cache.sqlite";
    auto oracle = make_oracle("builtin:" + untrained_lenet(dir).string(), o);
    CHECK_THAT(oracle->identity(), Contains("fashion-mnist/test,n=10000"));
    const AccuracyResult r = oracle->evaluate({2, 2, 2, 2});
    CHECK(r.samples_evaluated == 10000);
    CHECK_FALSE(r.from_cache);
    const AccuracyResult again = oracle->evaluate({2, 2, 2, 2});
    CHECK(again.from_cache);
    CHECK(again.accuracy_percent == r.accuracy_percent);
    CHECK(again.seconds == 0);
}

TEST_CASE("builtin oracle: options become evaluation settings", "[oracle][builtin]") {
    OracleOptions o;
    o.evaluation.split = Split::Test;
    o.evaluation.quantizer = "linear-channel-mse";
    o.evaluation.finetune.steps = 30;
    o.evaluation.finetune.seed = 11;
    o.evaluation.threads = 1;
    const EvaluationSettings s = builtin_settings(o);
    CHECK(s.split == Split::Test);
    CHECK(s.quantizer == "linear-channel-mse");
    CHECK(s.finetune.steps == 30);
    CHECK(s.finetune.seed == 11);
    CHECK(s.threads == 1);
    CHECK(builtin_settings(OracleOptions{}).split == Split::Validation);

    OracleOptions bad;
    bad.evaluation.split = Split::Train;
    CHECK_THROWS_WITH(builtin_settings(bad), Contains("split: found 'train', expected validation"));
    bad = OracleOptions{};
    bad.evaluation.quantizer = "magic";
    CHECK_THROWS_AS(builtin_settings(bad), ConfigError);
    bad = OracleOptions{};
    bad.evaluation.finetune.steps = -1;
    CHECK_THROWS_AS(builtin_settings(bad), ConfigError);
}

TEST_CASE("builtin oracle: a missing trace is an error naming it", "[oracle][builtin]") {
    OracleOptions o;
    CHECK_THROWS_WITH(make_oracle("builtin:traces/no-such-trace.yaml", o),
                      Contains("traces/no-such-trace.yaml"));
    o.early_stop.threshold_percent = 150;
    CHECK_THROWS_AS(make_oracle("builtin:traces/lenet.yaml", o), ConfigError);
}
