// The inference engines: the float engine against a naive reference (reference_network.hpp: NCHW layout,
// PyTorch weight order, double precision), and the integer engine against the float engine on
// the same quantized network.
#include "../common/temp_file.hpp"
#include "reference_network.hpp"

#include "serialq/common/error.hpp"
#include "serialq/common/network_loader.hpp"
#include "serialq/quant/inference.hpp"
#include "serialq/quant/quantized_network.hpp"
#include "serialq/quant/model.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <random>

using namespace serialq::quant;
using serialq::test::random_images;
using serialq::test::reference_probabilities;
using serialq::test::TempDir;

namespace {

// Strides, padding, a non-square kernel, a padded max-pool and two fc layers.
const char* kOddTrace = R"(name: odd
input: {channels: 1, height: 9, width: 9}
layers:
  - {name: conv1, type: conv, in_channels: 1, out_channels: 3, kernel: [3, 2], stride: 2, padding: 1}
  - {name: pool1, type: maxpool, kernel: 2, stride: 1}
  - {name: conv2, type: conv, in_channels: 3, out_channels: 4, kernel: 3, padding: 1}
  - {name: pool2, type: maxpool, kernel: 3, stride: 2, padding: 1}
  - {name: fc1, type: fc, in_features: 16, out_features: 5}
  - {name: fc2, type: fc, in_features: 5, out_features: 10}
)";

// The shipped LeNet and its trained weights (traces/lenet.yaml): realistic weight and
// activation ranges.
Model trained_lenet() {
    return load_model(std::filesystem::path(SERIALQ_SOURCE_DIR) / "traces" / "lenet.yaml");
}

}  // namespace

TEST_CASE("inference: the float engine computes the network's definition", "[quant][inference]") {
    TempDir dir;
    Model m = build_model(serialq::load_network(dir.write("odd.yaml", kOddTrace)));
    std::mt19937_64 rng(3);
    initialize_parameters(m, rng);
    std::normal_distribution<float> n(0.0f, 0.3f);
    for (auto& p : m.params)
        for (Eigen::Index i = 0; i < p.bias.size(); ++i) p.bias[i] = n(rng);
    const WeightsFile f = to_weights_file(m, "{}");
    const Dataset data = random_images(37, 9, 5);
    for (int batch : {1, 8, 128}) {
        const FloatEngine engine(m, batch);
        const Eigen::MatrixXf p = engine.probabilities(data, 0, data.size());
        std::vector<int> predictions(static_cast<std::size_t>(data.size()));
        engine.predict(data, 0, data.size(), predictions.data());
        for (std::int64_t i = 0; i < data.size(); ++i) {
            INFO("batch " << batch << ", image " << i);
            const std::vector<double> ref = reference_probabilities(m, f, data, i);
            for (int c = 0; c < 10; ++c)
                CHECK(p(c, i) == Approx(ref[static_cast<std::size_t>(c)]).margin(1e-5));
            Eigen::Index best = 0;
            p.col(i).maxCoeff(&best);
            CHECK(predictions[static_cast<std::size_t>(i)] == best);
            CHECK(p.col(i).sum() == Approx(1.0f).epsilon(1e-5));
        }
    }
    // A range in the middle gives the same columns.
    const FloatEngine engine(m, 4);
    CHECK(engine.probabilities(data, 5, 17)
              .isApprox(engine.probabilities(data, 0, 37).middleCols(5, 12)));
}

namespace {

// Every quantizer and assignment below on the trained LeNet: the integer and fake-quantized
// float engines predict the same on the first `images` test images, quantized with ranges
// calibrated on the first `calibration` training images.
void check_lenet_engines_agree(std::size_t calibration, std::size_t images) {
    const Model m = trained_lenet();
    const Dataset train =
        head(load_fashion_mnist(kDefaultFashionMnistDir, Split::Train), calibration);
    const Dataset test = head(load_fashion_mnist(kDefaultFashionMnistDir, Split::Test), images);
    const std::vector<std::vector<int>> assignments = {
        {8, 8, 8, 8}, {2, 2, 2, 2}, {4, 2, 3, 8}, {1, 2, 1, 2}, {6, 5, 4, 3}};
    for (const std::string name : {"linear-channel-max", "linear-tensor-mse", "wrpn", "dorefa"}) {
        const auto quantizer = make_quantizer(name);
        for (const auto& bits : assignments) {
            // 4-bit activations round coarsely: the most ties to break the same way.
            for (int activation_bits : {8, 4}) {
                if (activation_bits == 4 && name != "linear-tensor-mse" && name != "dorefa")
                    continue;
                const QuantizedNetwork q = quantize_network(m, serialq::LayerBits(bits), *quantizer,
                                                            activation_bits, train);
                INFO(name << " bits " << bits[0] << "," << bits[1] << "," << bits[2] << ","
                          << bits[3] << ", activations " << activation_bits << " bits");
                const FloatEngine fake(m, q);
                const IntegerEngine integer(m, q);
                // Exact float arithmetic on the codes needs every accumulator below 2^24. With
                // at most 6 weight bits it is guaranteed for LeNet: the widest reduction (800)
                // times the largest codes, 800 * 31 * 255, stays below 2^24.
                if (*std::max_element(bits.begin(), bits.end()) <= 6) CHECK(fake.exact());
                const std::vector<int> a = predict_all(fake, test, 0, test.size(), 2);
                const std::vector<int> b = predict_all(integer, test, 0, test.size(), 2);
                std::int64_t differ = 0, correct = 0;
                for (std::size_t i = 0; i < a.size(); ++i) {
                    differ += a[i] != b[i];
                    correct += b[i] == test.labels[i];
                }
                INFO("accuracy " << 100.0 * static_cast<double>(correct) /
                                        static_cast<double>(images)
                                 << " %");
                if (fake.exact())
                    CHECK(differ == 0);
                else
                    CHECK(differ <= 2);  // rounded sums: ties may break differently
            }
        }
    }
}

}  // namespace

TEST_CASE("inference: integer and fake-quantized float engines agree on every prediction",
          "[quant][inference]") {
    check_lenet_engines_agree(512, 1000);
}

// The same at the sanitizers' size (scripts/test-sanitize, docs/reliability.md), where the case
// above exceeds 600 s: every quantizer and assignment, 60 images (128 to calibrate). Hidden from the normal suite.
TEST_CASE("inference: the engines agree at the sanitizers' size", "[.sanitize][quant][inference]") {
    check_lenet_engines_agree(128, 60);
}

TEST_CASE("inference: fine quantization matches full precision", "[quant][inference]") {
    const Model m = trained_lenet();
    const Dataset train = head(load_fashion_mnist(kDefaultFashionMnistDir, Split::Train), 512);
    const Dataset test = head(load_fashion_mnist(kDefaultFashionMnistDir, Split::Test), 2000);
    const FloatEngine reference(m);
    CHECK(reference.exact());
    const std::vector<int> full = predict_all(reference, test, 0, test.size(), 2);
    // 16-bit weights and activations: beyond the float engine's exact range (2^24) and the
    // integer engine's (2^31), but within float rounding of the original network.
    const QuantizedNetwork q =
        quantize_network(m, {16, 16, 16, 16}, *make_quantizer("linear-channel-max"), 16, train);
    const FloatEngine fine(m, q);
    CHECK_FALSE(fine.exact());
    const std::vector<int> p = predict_all(fine, test, 0, test.size(), 2);
    std::int64_t same = 0;
    for (std::size_t i = 0; i < full.size(); ++i) same += full[i] == p[i];
    CHECK(same >= 1996);
    // Probabilities too.
    CHECK((fine.probabilities(test, 0, 50) - reference.probabilities(test, 0, 50))
              .cwiseAbs()
              .maxCoeff() < 1e-3f);
}

TEST_CASE("inference: batches and threads do not change predictions", "[quant][inference]") {
    const Model m = trained_lenet();
    const Dataset train = head(load_fashion_mnist(kDefaultFashionMnistDir, Split::Train), 512);
    const Dataset test = head(load_fashion_mnist(kDefaultFashionMnistDir, Split::Test), 700);
    const QuantizedNetwork q = quantize_network(m, {4, 3, 3, 4}, *make_quantizer("wrpn"), 8, train);
    const std::vector<int> ref = predict_all(IntegerEngine(m, q, 128), test, 0, test.size(), 1);
    for (int batch : {1, 7, 64, 700}) {
        INFO("batch " << batch);
        CHECK(predict_all(IntegerEngine(m, q, batch), test, 0, test.size(), 2) == ref);
        CHECK(predict_all(FloatEngine(m, q, batch), test, 0, test.size(), 3) == ref);
    }
    // A range evaluates the same images as the whole.
    const std::vector<int> part = predict_all(IntegerEngine(m, q), test, 100, 350, 2);
    CHECK(part == std::vector<int>(ref.begin() + 100, ref.begin() + 350));
    std::int64_t correct = 0;
    for (std::size_t i = 0; i < ref.size(); ++i) correct += ref[i] == test.labels[i];
    CHECK(count_correct(IntegerEngine(m, q), test, 0, test.size(), 2) == correct);
}

TEST_CASE("inference: the integer engine refuses what could overflow 32 bits",
          "[quant][inference]") {
    const Model m = trained_lenet();
    const Dataset train = head(load_fashion_mnist(kDefaultFashionMnistDir, Split::Train), 128);
    const QuantizedNetwork q =
        quantize_network(m, {16, 16, 16, 16}, *make_quantizer("linear-tensor-max"), 16, train);
    CHECK_THROWS_WITH(IntegerEngine(m, q),
                      Catch::Matchers::StartsWith("integer engine: layer conv1 at 16 bits could "
                                                  "overflow a 32-bit accumulator") ||
                          Catch::Matchers::Contains("could overflow a 32-bit accumulator"));
    // The float engine has no such limit.
    CHECK_NOTHROW(FloatEngine(m, q));
    // Wrong bit vectors.
    CHECK_THROWS_AS(quantize_network(m, {8, 8, 8}, *make_quantizer("wrpn"), 8, train),
                    serialq::ConfigError);
    CHECK_THROWS_WITH(quantize_network(m, {8, 8, 8, 8}, *make_quantizer("wrpn"), 1, train),
                      "activation_bits: found 1, expected 2..16");
}
