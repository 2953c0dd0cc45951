// Kernel-wise assignments (per output channel weight bits, per layer activation bits) through
// quantize_network, both engines, ModelEvaluator and the builtin oracle, on the shipped trained
// LeNet (traces/lenet.yaml: conv1 20, conv2 50, fc1 500, fc2 10 channels) and a few hundred
// Fashion-MNIST images.
#include "serialq/common/error.hpp"
#include "serialq/common/kernel_bits.hpp"
#include "serialq/quant/evaluation.hpp"
#include "serialq/quant/inference.hpp"
#include "serialq/quant/oracle_builtin.hpp"
#include "serialq/quant/quantized_network.hpp"
#include "serialq/quant/trainer.hpp"

#include <catch2/catch.hpp>

#include <memory>

using namespace serialq::quant;
using serialq::KernelBits;
using serialq::LayerBits;

namespace {

const std::filesystem::path kLenet =
    std::filesystem::path(SERIALQ_SOURCE_DIR) / "traces" / "lenet.yaml";
const std::vector<int> kChannels = {20, 50, 500, 10};

// Layer w's channels cycling through `widths`.
std::vector<int> cycling(int channels, const std::vector<int>& widths) {
    std::vector<int> out;
    for (int c = 0; c < channels; ++c)
        out.push_back(widths[static_cast<std::size_t>(c) % widths.size()]);
    return out;
}

// Every kernel at `bits`, activation bits per layer (0: the default).
KernelBits uniform(int bits, const std::vector<int>& activations) {
    std::vector<std::vector<int>> w;
    for (int c : kChannels) w.emplace_back(static_cast<std::size_t>(c), bits);
    return KernelBits(w, activations);
}

// Mixed widths in every layer and mixed activation bits (conv2 reads 4-bit, fc2 6-bit codes).
KernelBits mixed() {
    return KernelBits(
        {cycling(20, {4, 6, 3}), cycling(50, {2, 5}), cycling(500, {3, 4, 6}), cycling(10, {6, 4})},
        {0, 4, 0, 6});
}

const Dataset& calibration() {
    static const Dataset d = head(load_fashion_mnist(kDefaultFashionMnistDir, Split::Train), 256);
    return d;
}
const Dataset& images() {
    static const Dataset d = head(load_fashion_mnist(kDefaultFashionMnistDir, Split::Test), 300);
    return d;
}

void check_same_network(const QuantizedNetwork& a, const QuantizedNetwork& b) {
    REQUIRE(a.layers.size() == b.layers.size());
    for (std::size_t i = 0; i < a.layers.size(); ++i) {
        INFO("weight layer " << i);
        CHECK(a.layers[i].weight.codes == b.layers[i].weight.codes);
        CHECK(a.layers[i].weight.scales == b.layers[i].weight.scales);
        CHECK(a.layers[i].bias == b.layers[i].bias);
        CHECK(a.layers[i].input_scale == b.layers[i].input_scale);
        CHECK(a.layers[i].output_scale == b.layers[i].output_scale);
    }
    REQUIRE(a.outputs.size() == b.outputs.size());
    for (std::size_t li = 0; li < a.outputs.size(); ++li) {
        INFO("model layer " << li);
        CHECK(a.outputs[li].scale == b.outputs[li].scale);
        CHECK(a.outputs[li].lo == b.outputs[li].lo);
        CHECK(a.outputs[li].hi == b.outputs[li].hi);
    }
}

}  // namespace

TEST_CASE("kernel bits: a uniform assignment is the layer-wise network exactly",
          "[quant][kernel]") {
    const Model m = load_model(kLenet);
    CHECK(weight_layer_channels(m) == kChannels);
    for (const std::string name : {"linear-channel-mse", "dorefa"}) {
        INFO(name);
        const auto quantizer = make_quantizer(name);
        const LayerBits bits({6, 3, 4, 8});
        check_same_network(quantize_network(m, bits, *quantizer, 8, calibration()),
                           quantize_network(m, KernelBits::from_layer_bits(bits, kChannels),
                                            *quantizer, 8, calibration()));
    }
}

TEST_CASE("kernel bits: a layer's activation bits set the codes of the tensor it reads",
          "[quant][kernel]") {
    const Model m = load_model(kLenet);
    const auto quantizer = make_quantizer("wrpn");
    // conv2 (weight layer 1) reads pool1's output, which keeps conv1's codes; fc1 reads pool2.
    const KernelBits bits = uniform(8, {3, 4, 0, 6});
    CHECK(output_activation_bits(m, bits, 8) == std::vector<int>{4, 4, 8, 8, 6, 8});
    const QuantizedNetwork q = quantize_network(m, bits, *quantizer, 8, calibration());
    CHECK(q.outputs[0].hi == 15);  // conv1, read by conv2 through pool1
    CHECK(q.outputs[1].hi == 15);
    CHECK(q.outputs[2].hi == 255);  // conv2 -> pool2 -> fc1 at the default
    CHECK(q.outputs[4].hi == 63);  // fc1, read by fc2
    // The image stays exact whatever conv1's activation bits (3 here).
    CHECK(q.image.hi == 255);
    CHECK(q.image.scale == 1.0f / 255.0f);
    CHECK_THROWS_WITH(quantize_network(m, uniform(8, {0, 1, 0, 0}), *quantizer, 8, calibration()),
                      "lenet: weight layer 1 (conv2): activation bits: found 1, expected 2..16");
}

TEST_CASE("kernel bits: lowering one channel's bits changes that layer's codes in that row only",
          "[quant][kernel]") {
    const Model m = load_model(kLenet);
    for (const std::string name : {"linear-tensor-mse", "linear-channel-max"}) {
        INFO(name);
        const auto quantizer = make_quantizer(name);
        const KernelBits base = KernelBits::from_layer_bits(LayerBits({6, 6, 6, 6}), kChannels);
        std::vector<std::vector<int>> w = {std::vector<int>(20, 6), std::vector<int>(50, 6),
                                           std::vector<int>(500, 6), std::vector<int>(10, 6)};
        w[1][17] = 2;
        const QuantizedNetwork a = quantize_network(m, base, *quantizer, 8, calibration());
        const QuantizedNetwork b = quantize_network(m, KernelBits(w), *quantizer, 8, calibration());
        for (std::size_t l = 0; l < 4; ++l)
            for (Eigen::Index r = 0; r < a.layers[l].weight.codes.rows(); ++r) {
                INFO("layer " << l << ", row " << r);
                const bool changed = l == 1 && r == 17;
                CHECK((a.layers[l].weight.codes.row(r) != b.layers[l].weight.codes.row(r)) ==
                      changed);
            }
        CHECK(b.layers[1].weight.bits_of(17) == 2);
        CHECK(b.layers[1].weight.codes.row(17).cwiseAbs().maxCoeff() <= quantizer->max_code(2));
    }
}

TEST_CASE("kernel bits: both engines compute the same function on mixed assignments",
          "[quant][kernel][inference]") {
    const Model m = load_model(kLenet);
    for (const std::string name : {"linear-channel-max", "linear-tensor-mse", "wrpn", "dorefa"}) {
        const auto quantizer = make_quantizer(name);
        for (const KernelBits& bits : {mixed(), uniform(4, {0, 3, 5, 2})}) {
            INFO(name << " " << bits.str());
            const QuantizedNetwork q = quantize_network(m, bits, *quantizer, 8, calibration());
            const FloatEngine fake(m, q);
            const IntegerEngine integer(m, q);
            // At most 6 weight bits and 8 activation bits: LeNet's accumulators stay below 2^24.
            CHECK(fake.exact());
            const std::vector<int> a = predict_all(fake, images(), 0, images().size(), 2);
            const std::vector<int> b = predict_all(integer, images(), 0, images().size(), 2);
            CHECK(a == b);
        }
    }
}

TEST_CASE("kernel bits: the evaluator answers uniform assignments as the layer-wise ones",
          "[quant][kernel][evaluation]") {
    EvaluationSettings s;
    s.quantizer = "linear-channel-max";
    const ModelEvaluator ev(kLenet, s);
    for (const LayerBits& bits : {LayerBits({8, 8, 8, 8}), LayerBits({2, 3, 2, 4})}) {
        INFO(bits.str());
        const PreparedConfiguration layer = ev.prepare(bits);
        const KernelBits kernels = KernelBits::from_layer_bits(bits, kChannels);
        const PreparedConfiguration kernel = ev.prepare(kernels);
        CHECK(kernel.count_correct(0, 400) == layer.count_correct(0, 400));
        CHECK(kernel.predict(0, 400) == layer.predict(0, 400));
        CHECK(kernel.kernel_bits() == kernels);
        CHECK(layer.kernel_bits() == kernels);
        CHECK(kernel.bits() == bits.values());
    }
    // A mixed assignment is really evaluated: below 8 bits everywhere, above 2 bits everywhere.
    const PreparedConfiguration c = ev.prepare(mixed());
    CHECK(c.kernel_bits() == mixed());
    CHECK(c.bits() == std::vector<int>{6, 5, 6, 6});
    const std::int64_t n = c.count_correct(0, 400);
    CHECK(n > ev.prepare(LayerBits({1, 1, 1, 1})).count_correct(0, 400));
    CHECK(n <= 400);
    // The assignment is checked against the trace: channels per layer and activation bits.
    std::vector<std::vector<int>> short_conv2 = {std::vector<int>(20, 8), std::vector<int>(49, 8),
                                                 std::vector<int>(500, 8), std::vector<int>(10, 8)};
    CHECK_THROWS_WITH(ev.prepare(KernelBits(short_conv2)),
                      "lenet: weight layer 1 (conv2): found 49 kernel bitwidths, expected 50 (one "
                      "per output channel)");
}

TEST_CASE("kernel bits: float activations refuse activation bits, weights alone are per row",
          "[quant][kernel][evaluation]") {
    EvaluationSettings s;
    s.activation_bits = 0;
    const ModelEvaluator ev(kLenet, s);
    CHECK_THROWS_WITH(ev.prepare(mixed()),
                      Catch::Matchers::StartsWith("activation_bits: found 0 (float activations), "
                                                  "expected 2..16 for the assignment "));
    const KernelBits weights_only(
        {cycling(20, {4, 6}), cycling(50, {2, 5}), cycling(500, {3, 4}), cycling(10, {6, 4})});
    const PreparedConfiguration c = ev.prepare(weights_only);
    CHECK(c.count_correct(0, 300) > 30);
    // Uniform: the layer-wise answer.
    const LayerBits bits({3, 3, 3, 3});
    CHECK(ev.prepare(KernelBits::from_layer_bits(bits, kChannels)).predict(0, 300) ==
          ev.prepare(bits).predict(0, 300));
}

TEST_CASE("kernel bits: the builtin oracle answers kernel-wise assignments with early stop",
          "[quant][kernel][oracle]") {
    EvaluationSettings s;
    auto ev = std::make_shared<const ModelEvaluator>(kLenet, s);
    EarlyStopOptions none;
    BuiltinOracle oracle(ev, kLenet.string(), none);
    const AccuracyResult r = oracle.evaluate(mixed());
    const PreparedConfiguration c = ev->prepare(mixed());
    CHECK(r.samples_evaluated == ev->sample_count());
    CHECK(r.accuracy_percent ==
          Approx(100.0 * static_cast<double>(c.count_correct(0, ev->sample_count())) /
                 static_cast<double>(ev->sample_count())));
    // A threshold above what the assignment reaches stops early with a bound.
    EarlyStopOptions stop;
    stop.threshold_percent = 99.5;
    BuiltinOracle early(ev, kLenet.string(), stop);
    const AccuracyResult b = early.evaluate(mixed());
    CHECK(b.is_upper_bound);
    CHECK(b.samples_evaluated < ev->sample_count());
}

TEST_CASE("kernel bits: fine-tuning sees each channel at its own bits",
          "[quant][kernel][finetune]") {
    const Model m = load_model(kLenet);
    const auto quantizer = make_quantizer("linear-channel-max");
    FineTuneOptions o;
    o.steps = 3;
    const auto tuned = [&](const auto& bits) {
        Model copy = m;
        finetune_quantized(copy, bits, *quantizer, calibration(), o);
        return copy;
    };
    const LayerBits bits({6, 5, 6, 6});
    const Model layer = tuned(bits);
    const Model uniform_kernels = tuned(KernelBits::from_layer_bits(bits, kChannels));
    const Model kernels = tuned(mixed());  // widest() is 6, 5, 6, 6
    for (std::size_t i = 0; i < m.params.size(); ++i) {
        INFO("weight layer " << i);
        CHECK(uniform_kernels.params[i].weight == layer.params[i].weight);
        CHECK(kernels.params[i].weight != layer.params[i].weight);
    }
}

TEST_CASE("kernel bits: kernel-wise evaluations between layer-wise ones leave prefix reuse exact",
          "[quant][kernel][evaluation]") {
    EvaluationSettings with;
    EvaluationSettings without;
    without.prefix_memory_bytes = 0;
    const ModelEvaluator reuse(kLenet, with);
    const ModelEvaluator plain(kLenet, without);
    REQUIRE(reuse.prefix_store() != nullptr);
    // Layer-wise, kernel-wise (same layer-wise prefix, other channels and activations), then
    // layer-wise again sharing the first prefix: every answer as without reuse.
    const std::vector<KernelBits> sequence = {
        uniform(6, {0, 0, 0, 0}), mixed(), uniform(6, {0, 0, 0, 6}),
        KernelBits::from_layer_bits(LayerBits({6, 6, 6, 3}), kChannels)};
    for (const KernelBits& bits : sequence) {
        INFO(bits.str());
        CHECK(reuse.prepare(bits).predict(0, 500) == plain.prepare(bits).predict(0, 500));
    }
}

TEST_CASE("kernel bits: the integer engine's overflow names the channel's own bits",
          "[quant][kernel][inference]") {
    const Model m = load_model(kLenet);
    // conv2's channel 7 at 16 bits over 16-bit activations overflows; its 2-bit channels do not.
    std::vector<int> conv2(50, 2);
    conv2[7] = 16;
    const KernelBits bits(
        {std::vector<int>(20, 2), conv2, std::vector<int>(500, 2), std::vector<int>(10, 2)});
    const QuantizedNetwork q =
        quantize_network(m, bits, *make_quantizer("linear-channel-max"), 16, calibration());
    CHECK_THROWS_WITH(IntegerEngine(m, q),
                      Catch::Matchers::StartsWith("integer engine: layer conv2 at 16 bits "
                                                  "(channel 7) could overflow a 32-bit "
                                                  "accumulator (worst case "));
}
