// The built-in model on a residual network (batch norm, adds, projection shortcuts, global
// average pooling): the float engine on the folded model against a naive reference that
// applies batch norm as written; the trainer's gradients against finite differences; integer
// and float engines agreeing; ghost-batch training independent of the thread count.
#include "../common/temp_file.hpp"
#include "reference_network.hpp"

#include "serialq/common/network_loader.hpp"
#include "serialq/quant/inference.hpp"
#include "serialq/quant/model.hpp"
#include "serialq/quant/prefix_store.hpp"
#include "serialq/quant/quantized_network.hpp"
#include "serialq/quant/trainer.hpp"

#include <catch2/catch.hpp>

#include <cmath>
#include <random>

using namespace serialq::quant;
using serialq::test::random_images;
using serialq::test::reference_probabilities;
using serialq::test::TempDir;

namespace {

// One plain block and one projection block, as in ResNet-20, then a max-pool, a global average
// pool and the classifier.
const char* kResidualTrace = R"(name: residual
input: {channels: 1, height: 8, width: 8}
layers:
  - {name: conv1, type: conv, in_channels: 1, out_channels: 4, kernel: 3, padding: 1, batch_norm: true}
  - {name: b.conv1, type: conv, in_channels: 4, out_channels: 4, kernel: 3, padding: 1, batch_norm: true}
  - {name: b.conv2, type: conv, in_channels: 4, out_channels: 4, kernel: 3, padding: 1, batch_norm: true, relu: false}
  - {name: b.add, type: add, inputs: [b.conv2, conv1], relu: true}
  - {name: c.conv1, type: conv, in_channels: 4, out_channels: 6, kernel: 3, stride: 2, padding: 1, batch_norm: true}
  - {name: c.conv2, type: conv, in_channels: 6, out_channels: 6, kernel: 3, padding: 1, batch_norm: true, relu: false}
  - {name: c.down, type: conv, input: b.add, in_channels: 4, out_channels: 6, kernel: 1, stride: 2, batch_norm: true, relu: false}
  - {name: c.add, type: add, inputs: [c.conv2, c.down], relu: true}
  - {name: pool, type: maxpool, kernel: 2, stride: 2}
  - {name: gap, type: avgpool, global: true}
  - {name: fc, type: fc, in_features: 6, out_features: 10}
)";

// The residual model with random weights, biases and batch norms (running statistics too).
Model residual_model(const TempDir& dir, std::uint64_t seed) {
    Model m = build_model(serialq::load_network(dir.write("residual.yaml", kResidualTrace)));
    std::mt19937_64 rng(seed);
    initialize_parameters(m, rng);
    std::normal_distribution<float> n(0.0f, 0.2f);
    std::uniform_real_distribution<float> u(0.5f, 1.5f);
    for (auto& p : m.params) {
        for (Eigen::Index i = 0; i < p.bias.size(); ++i) p.bias[i] = n(rng);
        if (p.bn.empty()) continue;
        for (Eigen::Index i = 0; i < p.bn.gamma.size(); ++i) {
            p.bn.gamma[i] = u(rng);
            p.bn.beta[i] = n(rng);
            p.bn.mean[i] = n(rng);
            p.bn.var[i] = u(rng);
        }
    }
    return m;
}

}  // namespace

TEST_CASE("residual model: the trace's graph, ReLUs and batch norms reach the model",
          "[quant][residual]") {
    TempDir dir;
    const Model m = residual_model(dir, 1);
    REQUIRE(m.layers.size() == 11);
    REQUIRE(m.params.size() == 7);
    CHECK(m.layers[0].relu);
    CHECK_FALSE(m.layers[2].relu);
    CHECK(m.layers[3].kind == OpKind::Add);
    CHECK(m.layers[3].inputs == std::vector<int>{2, 0});
    CHECK(m.layers[6].inputs == std::vector<int>{3});
    CHECK(m.layers[9].kind == OpKind::GlobalAvgPool);
    CHECK_FALSE(m.layers.back().relu);
    CHECK(m.has_batch_norm());
    const Model folded = fold_batch_norm(m);
    CHECK_FALSE(folded.has_batch_norm());
    for (const auto& l : folded.layers) CHECK_FALSE(l.batch_norm);
}

TEST_CASE("residual model: the float engine on the folded model computes the definition",
          "[quant][residual]") {
    TempDir dir;
    const Model m = residual_model(dir, 2);
    const WeightsFile f = to_weights_file(m, "{}");
    // Batch norm's four tensors per layer reach the file and come back.
    CHECK(f.tensors.size() == 7 * 2 + 6 * 4);
    Model back = build_model(serialq::load_network(dir.path() / "residual.yaml"));
    set_parameters(back, f, "residual.sqw");
    for (std::size_t i = 0; i < m.params.size(); ++i) {
        CHECK(back.params[i].weight == m.params[i].weight);
        CHECK(back.params[i].bn.var == m.params[i].bn.var);
    }
    const Dataset data = random_images(23, 8, 3);
    for (int batch : {1, 5, 128}) {
        const FloatEngine engine(m, batch);
        const Eigen::MatrixXf p = engine.probabilities(data, 0, data.size());
        for (std::int64_t i = 0; i < data.size(); ++i) {
            INFO("batch " << batch << ", image " << i);
            const std::vector<double> ref = reference_probabilities(m, f, data, i);
            for (int c = 0; c < 10; ++c)
                CHECK(p(c, i) == Approx(ref[static_cast<std::size_t>(c)]).margin(1e-5));
        }
    }
}

TEST_CASE("residual model: gradients through batch norm, adds and pooling match finite differences",
          "[quant][residual][trainer]") {
    TempDir dir;
    const Model m = residual_model(dir, 4);
    const Dataset data = random_images(5, 8, 7);
    Gradients g;
    const double loss = loss_and_gradients(m, data, 0, static_cast<int>(data.size()), g);
    CHECK(loss == Approx(mean_loss(m, data, data.size())).epsilon(1e-6));
    // d loss / d parameter along the gradient's direction: its norm. Batch norm (training
    // mode) makes a conv's bias irrelevant: its gradient is zero.
    const auto slope = [&](std::size_t l, int which, const Eigen::VectorXf& dir_) {
        const auto moved = [&](float h) {
            Model c = m;
            LayerParams& p = c.params[l];
            float* v = which == 0   ? p.weight.data()
                       : which == 1 ? p.bn.gamma.data()
                                    : p.bn.beta.data();
            for (Eigen::Index i = 0; i < dir_.size(); ++i) v[i] += h * dir_[i];
            return mean_loss(c, data, data.size());
        };
        // Small steps: the first layer's beta moves every ReLU's input at once, so larger
        // steps cross kinks (at 1e-3 its slope is 5 % off, at 1e-4 1 %).
        const float h = 1e-4f;
        return (moved(h) - moved(-h)) / (2 * h);
    };
    for (std::size_t l = 0; l < m.params.size(); ++l) {
        const bool bn = !m.params[l].bn.empty();
        for (int which = 0; which < (bn ? 3 : 1); ++which) {
            INFO(m.params[l].name << " "
                                  << (which == 0   ? "weight"
                                      : which == 1 ? "gamma"
                                                   : "beta"));
            const Eigen::VectorXf grad = which == 0 ? Eigen::Map<const Eigen::VectorXf>(
                                                          g.weight[l].data(), g.weight[l].size())
                                                          .eval()
                                         : which == 1 ? g.gamma[l]
                                                      : g.beta[l];
            REQUIRE(grad.norm() > 0.0f);
            CHECK(slope(l, which, grad / grad.norm()) == Approx(grad.norm()).epsilon(0.03));
        }
        if (bn) CHECK(g.bias[l].norm() < 1e-5f * (1 + g.weight[l].norm()));
    }
}

TEST_CASE("residual model: integer and float engines agree on every prediction",
          "[quant][residual][inference]") {
    TempDir dir;
    const Model m = fold_batch_norm(residual_model(dir, 5));
    const Dataset data = random_images(300, 8, 9);
    for (const std::string name : {"linear-channel-max", "wrpn", "dorefa"}) {
        const auto quantizer = make_quantizer(name);
        for (const std::vector<int>& bits : {std::vector<int>{8, 8, 8, 8, 8, 8, 8},
                                             {2, 3, 4, 2, 5, 3, 8},
                                             {4, 4, 4, 4, 4, 4, 4}}) {
            for (int activation_bits : {8, 4}) {
                INFO(name << ", bits " << bits[1] << ", activations " << activation_bits);
                const QuantizedNetwork q = quantize_network(m, serialq::LayerBits(bits), *quantizer,
                                                            activation_bits, data);
                // Signed codes for the branches without a ReLU, unsigned after one.
                CHECK(q.outputs[2].lo < 0);
                CHECK(q.outputs[3].lo == 0);
                const FloatEngine fake(m, q);
                REQUIRE(fake.exact());
                const IntegerEngine integer(m, q, 7);
                CHECK(predict_all(fake, data, 0, data.size(), 2) ==
                      predict_all(integer, data, 0, data.size(), 1));
            }
        }
    }
    // Fine quantization follows the float model (16 bits: bias codes beyond 2^31).
    const QuantizedNetwork q = quantize_network(m, serialq::LayerBits::uniform(16, 7),
                                                *make_quantizer("linear-channel-max"), 16, data);
    const FloatEngine fine(m, q), full(m);
    CHECK(
        (fine.probabilities(data, 0, 50) - full.probabilities(data, 0, 50)).cwiseAbs().maxCoeff() <
        2e-3f);
    // The quantizer needs the folded model.
    CHECK_THROWS_AS(quantize_network(residual_model(dir, 5), serialq::LayerBits::uniform(8, 7),
                                     *make_quantizer("wrpn"), 8, data),
                    std::logic_error);
}

TEST_CASE("residual model: kernel-wise bits pass activation bits through adds and pools",
          "[quant][residual][inference][kernel]") {
    TempDir dir;
    const Model m = fold_batch_norm(residual_model(dir, 5));
    const Dataset data = random_images(300, 8, 9);
    // Weight layers conv1, b.conv1, b.conv2, c.conv1, c.conv2, c.down, fc; channels 4, 4, 4, 6,
    // 6, 6, 10.
    const serialq::KernelBits bits({{2, 4, 3, 8},
                                    {5, 5, 2, 3},
                                    {4, 3, 4, 3},
                                    {2, 6, 3, 4, 5, 2},
                                    {3, 3, 3, 4, 4, 4},
                                    {6, 2, 6, 2, 6, 2},
                                    std::vector<int>(10, 4)},
                                   {0, 5, 3, 4, 6, 7, 3});
    // fc reads 3-bit codes through gap, pool and c.add, so both of c.add's operands are 3-bit;
    // b.add feeds c.conv1 (4) and c.down (7): the widest, and b.add's operands with it.
    CHECK(output_activation_bits(m, bits, 8) == std::vector<int>{7, 3, 7, 7, 6, 3, 3, 3, 3, 3, 8});
    for (const std::string name : {"linear-channel-max", "wrpn", "dorefa"}) {
        INFO(name);
        const QuantizedNetwork q = quantize_network(m, bits, *make_quantizer(name), 8, data);
        CHECK(q.outputs[2].lo == -64);  // b.conv2: signed 7-bit, no ReLU before the add
        CHECK(q.outputs[7].hi == 7);  // c.add: unsigned 3-bit
        const FloatEngine fake(m, q);
        REQUIRE(fake.exact());
        const IntegerEngine integer(m, q, 7);
        CHECK(predict_all(fake, data, 0, data.size(), 2) ==
              predict_all(integer, data, 0, data.size(), 1));
    }
}

TEST_CASE("residual model: ghost-batch training is the same on one thread or several",
          "[quant][residual][trainer]") {
    TempDir dir;
    const Dataset data = random_images(96, 8, 11);
    TrainOptions o;
    o.epochs = 2;
    o.batch = 32;
    o.ghost_batch = 8;
    o.optimizer = Optimizer::Sgd;
    o.learning_rate = 0.05;
    o.weight_decay = 5e-4;
    o.augment = true;
    o.seed = 3;
    Model a = residual_model(dir, 6), b = residual_model(dir, 6), c = residual_model(dir, 6);
    o.threads = 1;
    const auto ra = train_model(a, data, nullptr, o, nullptr);
    o.threads = 3;
    const auto rb = train_model(b, data, nullptr, o, nullptr);
    o.ghost_batch = 16;  // other batch-norm batches: other weights
    train_model(c, data, nullptr, o, nullptr);
    for (std::size_t l = 0; l < a.params.size(); ++l) {
        INFO(a.params[l].name);
        CHECK(a.params[l].weight == b.params[l].weight);
        CHECK(a.params[l].bn.mean == b.params[l].bn.mean);
        CHECK(a.params[l].bn.var == b.params[l].bn.var);
        CHECK(a.params[l].weight != c.params[l].weight);
        // Training moved the running statistics off their start.
        if (!a.params[l].bn.empty())
            CHECK(a.params[l].bn.var != Eigen::VectorXf::Ones(a.params[l].bn.var.size()));
    }
    CHECK(ra.back().mean_loss == rb.back().mean_loss);
}

TEST_CASE("residual model: unsupported graphs are refused naming the layer", "[quant][residual]") {
    TempDir dir;
    const auto windowed = dir.write("w.yaml", R"(name: w
input: {channels: 1, height: 8, width: 8}
layers:
  - {name: conv1, type: conv, in_channels: 1, out_channels: 2, kernel: 3}
  - {name: pool, type: avgpool, kernel: 2}
  - {name: fc, type: fc, in_features: 18, out_features: 10}
)");
    CHECK_THROWS_WITH(
        build_model(serialq::load_network(windowed)),
        Catch::Matchers::Contains("layers.pool: found a windowed avgpool, expected global: true"));
    const auto relu_last = dir.write("r.yaml", R"(name: r
input: {channels: 1, height: 4, width: 4}
layers:
  - {name: fc, type: fc, in_features: 16, out_features: 10, relu: true}
)");
    CHECK_THROWS_WITH(
        build_model(serialq::load_network(relu_last)),
        Catch::Matchers::Contains("layers.fc: found a ReLU or batch norm after the last layer"));
}

TEST_CASE("prefix store: cuts where one tensor is live, deepest first within the budget",
          "[quant][residual][prefix]") {
    TempDir dir;
    const Model m = fold_batch_norm(residual_model(dir, 7));
    const PrefixStore all(m, 10, 1 << 20);
    REQUIRE(all.cuts().size() == 3);
    // Before b.conv1 (conv1's output), before c.conv1 (b.add's: c.down reads it too), before fc.
    CHECK(all.cuts()[0].layer == 1);
    CHECK(all.cuts()[0].tensor == 0);
    CHECK(all.cuts()[1].layer == 4);
    CHECK(all.cuts()[1].tensor == 3);
    CHECK(all.cuts()[1].params == 3);
    CHECK(all.cuts()[2].layer == 10);
    CHECK(all.cuts()[2].tensor == 9);
    CHECK(all.bytes() == 10 * 2 * (4 * 64 + 4 * 64 + 6));
    // A budget for the two deepest only.
    const PrefixStore some(m, 10, 10 * 2 * (4 * 64 + 6));
    REQUIRE(some.cuts().size() == 2);
    CHECK(some.cuts()[0].layer == 4);
    CHECK_FALSE(PrefixStore(m, 10, 0).enabled());
}

TEST_CASE("prefix store: resuming from stored prefixes never changes a prediction",
          "[quant][residual][prefix]") {
    TempDir dir;
    const Model m = fold_batch_norm(residual_model(dir, 8));
    const Dataset data = random_images(200, 8, 10);
    const auto quantizer = make_quantizer("linear-channel-max");
    auto store = std::make_shared<PrefixStore>(m, data.size(), 1 << 20);
    // Vectors sharing prefixes of every length, then one sharing none, in an order that
    // resumes from each cut and re-keys them.
    const std::vector<std::vector<int>> sequence = {
        {8, 8, 8, 8, 8, 8, 8}, {8, 8, 8, 8, 8, 8, 2}, {8, 8, 8, 3, 3, 3, 3}, {8, 5, 5, 5, 5, 5, 5},
        {8, 5, 5, 5, 5, 5, 4}, {2, 5, 5, 5, 5, 5, 4}, {8, 8, 8, 8, 8, 8, 8}, {8, 8, 8, 8, 8, 8, 3}};
    int resumed = 0;
    for (const auto& bits : sequence) {
        const QuantizedNetwork q =
            quantize_network(m, serialq::LayerBits(bits), *quantizer, 6, data);
        const FloatEngine plain(m, q, 16);
        FloatEngine reusing(m, q, 16);
        reusing.reuse_prefixes(store, store->begin(bits));
        resumed += store->deepest_stored(0, 16) >= 0;
        // Two passes over ranges that do not start at 0: the second resumes from its own.
        CHECK(predict_all(reusing, data, 16, 144, 2) == predict_all(plain, data, 16, 144, 1));
        CHECK(predict_all(reusing, data, 0, data.size(), 2) ==
              predict_all(plain, data, 0, data.size(), 1));
        CHECK(store->deepest_stored(0, 16) == 2);  // every cut is filled for the whole split
    }
    CHECK(resumed ==
          5);  // all but the first, the 6th (new first layer) and the 7th (re-keyed by it)
    // An engine of an older generation computes on its own: still the same answers.
    const QuantizedNetwork q =
        quantize_network(m, serialq::LayerBits(sequence[0]), *quantizer, 6, data);
    FloatEngine stale(m, q, 16);
    stale.reuse_prefixes(store, store->begin(sequence[0]));
    store->begin(sequence[2]);
    CHECK(predict_all(stale, data, 0, data.size(), 2) ==
          predict_all(FloatEngine(m, q, 16), data, 0, data.size(), 1));
}

TEST_CASE("prefix store: the shipped ResNet-20's cuts (docs/quant.md, Prefix reuse)",
          "[quant][residual][prefix]") {
    const Model m = build_model(serialq::load_network(std::filesystem::path(SERIALQ_SOURCE_DIR) /
                                                      "traces" / "resnet20-fashion.yaml"));
    const PrefixStore unbounded(m, 5000, std::int64_t{1} << 40);
    CHECK(unbounded.cuts().size() == 10);  // before each block's first conv, and before fc
    const PrefixStore store(m, 5000, std::int64_t{512} << 20);
    REQUIRE(store.cuts().size() == 8);
    CHECK(m.layers[store.cuts().front().layer].name == "layer1.2.conv1");
    CHECK(store.bytes() == 502'400'000);
}

namespace {

// The shipped ResNet-20 quantized with `bits`, calibrated on the first `calibration` training
// images: the float and integer engines predict the same on the first `images` test images, of
// which at least `min_correct` right.
void check_resnet20_engines_agree(const std::vector<std::vector<int>>& assignments,
                                  std::size_t calibration, std::size_t images,
                                  std::int64_t min_correct) {
    // The float engine's convolutions run in oneDNN, whose kernel depends on the layer's shape
    // (1x1, strided, 16 to 64 channels) and the CPU; the small model above does not reach the
    // shapes that matter.
    const Model m =
        load_model(std::filesystem::path(SERIALQ_SOURCE_DIR) / "traces" / "resnet20-fashion.yaml");
    const Dataset train =
        head(load_fashion_mnist(kDefaultFashionMnistDir, Split::Train), calibration);
    const Dataset test = head(load_fashion_mnist(kDefaultFashionMnistDir, Split::Test), images);
    const auto quantizer = make_quantizer("linear-channel-max");
    for (const std::vector<int>& bits : assignments) {
        INFO("bits " << bits[0] << "," << bits[1] << "," << bits[2] << ",...");
        const QuantizedNetwork q =
            quantize_network(m, serialq::LayerBits(bits), *quantizer, 8, train);
        const FloatEngine fake(m, q);
        REQUIRE(fake.exact());
        const std::vector<int> a = predict_all(fake, test, 0, test.size(), 2);
        CHECK(a == predict_all(IntegerEngine(m, q), test, 0, test.size(), 2));
        std::int64_t correct = 0;
        for (std::size_t i = 0; i < a.size(); ++i) correct += a[i] == test.labels[i];
        CHECK(correct >= min_correct);  // a working network, not one that agrees on garbage
    }
}

std::vector<int> mixed_resnet20_bits() {
    std::vector<int> mixed;
    for (int i = 0; i < 22; ++i) mixed.push_back(3 + (i * 5) % 6);  // 3 to 8 bits
    return mixed;
}

}  // namespace

TEST_CASE("residual model: the shipped ResNet-20's engines agree on its real layer shapes",
          "[quant][residual][inference]") {
    check_resnet20_engines_agree({std::vector<int>(22, 4), mixed_resnet20_bits()}, 256, 150, 120);
}

// The same at the sanitizers' size (scripts/test-sanitize, docs/reliability.md): every layer
// shape, one assignment, few images. Hidden from the normal suite, which runs the case above.
TEST_CASE("residual model: the shipped ResNet-20's engines agree at the sanitizers' size",
          "[.sanitize][quant][residual][inference]") {
    check_resnet20_engines_agree({mixed_resnet20_bits()}, 64, 12, 9);
}
