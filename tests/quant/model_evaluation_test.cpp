// The evaluation API under the builtin: oracle: a LeNet trained here for a few seconds (on a
// slice of the training split), written beside a copy of the shipped trace, then evaluated.
#include "../common/temp_file.hpp"

#include "serialq/common/atomic_file.hpp"
#include "serialq/common/error.hpp"
#include "serialq/common/network_loader.hpp"
#include "serialq/quant/evaluation.hpp"

#include <catch2/catch.hpp>

#include <regex>

using namespace serialq::quant;
using serialq::test::TempDir;

namespace {

// traces/lenet.yaml with `weights: lenet-small.sqw`, and those weights: LeNet trained for one
// epoch on the first `images` training images (4,000 give about 75 % accuracy, enough to tell
// bits apart), or only initialised (images = 0) where accuracy does not matter.
std::filesystem::path small_lenet(const TempDir& dir, std::int64_t images) {
    const std::string source =
        serialq::read_file(std::filesystem::path(SERIALQ_SOURCE_DIR) / "traces" / "lenet.yaml");
    const std::string text = std::regex_replace(source, std::regex("\nweights:[^\n]*"), "") +
                             "weights: lenet-small.sqw\n";
    const auto trace = dir.write("lenet.yaml", text);
    Model m = build_model(serialq::load_network(trace));
    std::mt19937_64 rng(3);
    initialize_parameters(m, rng);
    if (images > 0) {
        const Dataset train =
            head(load_fashion_mnist(kDefaultFashionMnistDir, Split::Train), images);
        TrainOptions o;
        o.epochs = 1;
        o.seed = 3;
        train_model(m, train, nullptr, o, nullptr);
    }
    WeightsFile f = to_weights_file(m, "{\"test\": true}");
    write_weights_file(dir.path() / "lenet-small.sqw", f);
    return trace;
}

double accuracy(const ModelEvaluator& e, const std::vector<int>& bits) {
    return 100.0 *
           static_cast<double>(
               e.prepare(serialq::LayerBits(bits)).count_correct(0, e.sample_count())) /
           static_cast<double>(e.sample_count());
}

}  // namespace

TEST_CASE("evaluation: accuracy falls with bits, prefixes add up, threads do not matter",
          "[quant][evaluation]") {
    TempDir dir;
    const auto trace = small_lenet(dir, 4000);
    EvaluationSettings s;
    s.quantizer = "linear-channel-max";
    const ModelEvaluator e(trace, s);
    CHECK(e.layer_count() == 4);
    CHECK(e.sample_count() == 5000);
    const std::int64_t n = e.sample_count();
    const double full = 100.0 * static_cast<double>(e.count_correct_full_precision(0, n)) / n;
    INFO("full precision " << full << " %");
    CHECK(full > 60.0);
    const double a16 = accuracy(e, {16, 16, 16, 16});
    const double a8 = accuracy(e, {8, 8, 8, 8});
    const double a2 = accuracy(e, {2, 2, 2, 2});
    const double a1 = accuracy(e, {1, 1, 1, 1});
    INFO("16 bits " << a16 << " %, 8 bits " << a8 << " %, 2 bits " << a2 << " %, 1 bit " << a1);
    CHECK(std::abs(a16 - full) < 1.0);  // 8-bit activations cost little
    CHECK(std::abs(a8 - full) < 2.0);
    CHECK(a2 < a8);
    CHECK(a1 < a8);

    // Growing prefixes, as early termination evaluates them, add up to the whole.
    const PreparedConfiguration c = e.prepare({4, 3, 3, 4});
    const std::int64_t whole = c.count_correct(0, n);
    CHECK(c.count_correct(0, 700) + c.count_correct(700, 2000) + c.count_correct(2000, n) == whole);
    CHECK(c.count_correct(100, 100) == 0);
    CHECK(c.bits() == std::vector<int>{4, 3, 3, 4});
    const std::vector<int> p = c.predict(0, 300);
    CHECK(p.size() == 300);

    // Another thread count, the same answers.
    EvaluationSettings s2 = s;
    s2.threads = 1;
    const ModelEvaluator e2(trace, s2);
    CHECK(e2.identity() == e.identity());
    CHECK(e2.identity_digest() == e.identity_digest());
    const PreparedConfiguration c2 = e2.prepare({4, 3, 3, 4});
    CHECK(c2.count_correct(0, n) == whole);
    CHECK(c2.predict(0, 300) == p);

    CHECK_THROWS_MATCHES(
        c.count_correct(10, 5001), serialq::ConfigError,
        Catch::Matchers::Message("evaluation range [10, 5001): expected 0 <= begin "
                                 "<= end <= 5000 (the images of the split)"));
    CHECK_THROWS_AS(c.count_correct(-1, 5), serialq::ConfigError);
    CHECK_THROWS_AS(e.count_correct_full_precision(3, 2), serialq::ConfigError);
}

TEST_CASE("evaluation: bad bit vectors name the layer", "[quant][evaluation]") {
    TempDir dir;
    const auto trace = small_lenet(dir, 0);
    const ModelEvaluator e(trace, EvaluationSettings{});
    CHECK_THROWS_MATCHES(e.prepare({8, 8, 8}), serialq::ConfigError,
                         Catch::Matchers::Message("lenet: bits 8,8,8: found 3 bitwidths, expected "
                                                  "4 (one per conv/fc layer)"));
    // Out of range cannot reach prepare(): a LayerBits refuses it where it is made.
    CHECK_THROWS_MATCHES(
        e.prepare({8, 0, 8, 8}), serialq::ConfigError,
        Catch::Matchers::Message("bits 8,0,8,8: weight layer 1: found 0 bits, expected 1..16"));
}

TEST_CASE("evaluation: the identity names everything an answer depends on", "[quant][evaluation]") {
    TempDir dir;
    const auto trace = small_lenet(dir, 0);
    const EvaluationSettings base;
    const ModelEvaluator e(trace, base);
    const std::string id = e.identity();
    INFO(id);
    CHECK(id.rfind(std::string(kEvaluationVersion) + " ", 0) == 0);
    CHECK(id.find('\n') == std::string::npos);
    CHECK_THAT(id, Catch::Matchers::Contains(
                       "model=lenet[1x28x28;conv1:conv,20x24x24,k5x5,s1x1,p0x0,relu;"));
    char crc[16];
    std::snprintf(crc, sizeof crc, "%08x", e.model().weights_crc32);
    CHECK_THAT(id, Catch::Matchers::Contains(std::string(" weights_crc32=") + crc));
    CHECK_THAT(id, Catch::Matchers::Contains(" data=fashion-mnist/validation,n=5000,crc32="));
    CHECK_THAT(id, Catch::Matchers::Contains(" quantizer=wrpn "));
    CHECK_THAT(id, Catch::Matchers::Contains(" activations=8bit,calibration=train[0,512)"));
    CHECK_THAT(id, Catch::Matchers::EndsWith(" finetune=none"));
    CHECK(std::regex_match(e.identity_digest(), std::regex("[0-9a-f]{64}")));

    // Every setting that changes answers changes the identity; the thread count does not.
    const Dataset test = load_fashion_mnist(kDefaultFashionMnistDir, Split::Test);
    std::vector<std::string> ids = {id};
    const auto add = [&](const EvaluationSettings& s) {
        ids.push_back(evaluation_identity(e.model(), s.split == Split::Test ? test : e.data(),
                                          e.data() /* unused as such: only its CRC */, s));
        return ids.back();
    };
    CHECK(evaluation_identity(e.model(), e.data(), e.data(), base) != id);  // the training CRC
    EvaluationSettings s = base;
    s.split = Split::Test;
    CHECK_THAT(add(s), Catch::Matchers::Contains(" data=fashion-mnist/test,n=10000,"));
    s = base;
    s.quantizer = "dorefa";
    add(s);
    s = base;
    s.activation_bits = 0;
    CHECK_THAT(add(s), Catch::Matchers::Contains(" activations=float "));
    s = base;
    s.activation_bits = 6;
    add(s);
    s = base;
    s.finetune.steps = 10;
    CHECK_THAT(add(s), Catch::Matchers::Contains("finetune=ste,steps=10,batch=64,lr=0.0001,seed=1,"
                                                 "train_crc32="));
    s.finetune.seed = 2;
    add(s);
    s.finetune.learning_rate = 2e-4;
    add(s);
    s.finetune.batch = 32;
    add(s);
    std::sort(ids.begin(), ids.end());
    CHECK(std::unique(ids.begin(), ids.end()) == ids.end());
    // A real evaluator on the test split agrees with the function.
    s = base;
    s.split = Split::Test;
    s.threads = 1;  // never part of the identity
    s.finetune.seed = 99;  // without fine-tuning its seed changes nothing
    const ModelEvaluator on_test(trace, s);
    CHECK_THAT(on_test.identity(), Catch::Matchers::Contains(" data=fashion-mnist/test,n=10000,"));
    s.split = Split::Validation;
    CHECK(ModelEvaluator(trace, s).identity() == id);

    // New weights, new identity.
    Model m = e.model();
    m.params[0].bias[0] += 1e-3f;
    WeightsFile f = to_weights_file(m, "{}");
    write_weights_file(dir.path() / "lenet-small.sqw", f);
    CHECK(ModelEvaluator(trace, base).identity() != id);
}

TEST_CASE("evaluation: settings are checked", "[quant][evaluation]") {
    TempDir dir;
    const auto trace = dir.write("t.yaml",
                                 "name: t\ninput: {channels: 1, height: 28, width: 28}\n"
                                 "layers:\n  - {name: fc, type: fc, in_features: 784, "
                                 "out_features: 10}\n");
    EvaluationSettings s;
    s.quantizer = "nope";
    CHECK_THROWS_WITH(ModelEvaluator(trace, s),
                      Catch::Matchers::StartsWith("quantizer: found 'nope'"));
    s = EvaluationSettings{};
    s.activation_bits = 1;
    CHECK_THROWS_WITH(ModelEvaluator(trace, s),
                      "activation_bits: found 1, expected 0 (float activations) or 2..16");
    s = EvaluationSettings{};
    s.split = Split::Train;
    CHECK_THROWS_WITH(ModelEvaluator(trace, s),
                      Catch::Matchers::StartsWith("split: found 'train'"));
    s = EvaluationSettings{};
    s.finetune.steps = -1;
    CHECK_THROWS_WITH(ModelEvaluator(trace, s), "finetune.steps: found -1, expected 0..1000000");
    // A trace without weights.
    CHECK_THROWS_WITH(ModelEvaluator(trace, EvaluationSettings{}),
                      Catch::Matchers::StartsWith(trace.string() + ": weights: nothing"));
}
