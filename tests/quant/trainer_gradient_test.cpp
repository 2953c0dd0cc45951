// The trainer's backward pass against finite differences of the loss, on a small network that
// uses every layer kind the built-in model has (padded conv, max-pool, conv, fc; ReLUs).
#include "../common/temp_file.hpp"
#include "reference_network.hpp"

#include "serialq/common/network_loader.hpp"
#include "serialq/quant/trainer.hpp"

#include <catch2/catch.hpp>

#include <array>
#include <cmath>
#include <random>

using namespace serialq::quant;
using serialq::test::random_images;
using serialq::test::TempDir;

namespace {

Model tiny_model(const TempDir& dir) {
    const auto trace = dir.write("tiny.yaml", R"(name: tiny
input: {channels: 1, height: 8, width: 8}
layers:
  - {name: conv1, type: conv, in_channels: 1, out_channels: 3, kernel: 3, padding: 1}
  - {name: pool1, type: maxpool, kernel: 2, stride: 2}
  - {name: conv2, type: conv, in_channels: 3, out_channels: 4, kernel: 3}
  - {name: fc1, type: fc, in_features: 16, out_features: 10}
)");
    Model m = build_model(serialq::load_network(trace));
    std::mt19937_64 rng(5);
    initialize_parameters(m, rng);
    // Non-zero biases, so that their gradients are exercised away from the initial point.
    std::normal_distribution<float> n(0.0f, 0.1f);
    for (auto& p : m.params)
        for (Eigen::Index i = 0; i < p.bias.size(); ++i) p.bias[i] = n(rng);
    return m;
}

// Loss with one parameter tensor moved by h * direction.
double loss_at(Model m, std::size_t layer, bool bias, const Eigen::VectorXf& direction, float h,
               const Dataset& data) {
    float* p = bias ? m.params[layer].bias.data() : m.params[layer].weight.data();
    for (Eigen::Index i = 0; i < direction.size(); ++i) p[i] += h * direction[i];
    return mean_loss(m, data, data.size());
}

}  // namespace

TEST_CASE("trainer: gradients match finite differences", "[quant][trainer]") {
    TempDir dir;
    const Model m = tiny_model(dir);
    const Dataset data = random_images(6, 8, 7);
    Gradients g;
    const double loss = loss_and_gradients(m, data, 0, static_cast<int>(data.size()), g);
    CHECK(loss == Approx(mean_loss(m, data, data.size())).epsilon(1e-6));
    REQUIRE(g.weight.size() == 3);
    REQUIRE(g.bias.size() == 3);
    std::mt19937_64 rng(11);
    std::normal_distribution<float> normal(0.0f, 1.0f);
    for (std::size_t l = 0; l < m.params.size(); ++l) {
        for (bool bias : {false, true}) {
            INFO(m.params[l].name << (bias ? ".bias" : ".weight"));
            const Eigen::Index n = bias ? g.bias[l].size() : g.weight[l].size();
            const Eigen::VectorXf grad =
                bias ? g.bias[l] : Eigen::Map<const Eigen::VectorXf>(g.weight[l].data(), n);
            REQUIRE(grad.norm() > 0.0f);
            // Along the gradient: the slope is |g|.
            const Eigen::VectorXf along = grad / grad.norm();
            const float h = 1e-3f;
            const double slope =
                (loss_at(m, l, bias, along, h, data) - loss_at(m, l, bias, along, -h, data)) /
                (2 * h);
            CHECK(slope == Approx(grad.norm()).epsilon(0.02));
            // Along random directions: the slope is g . d.
            for (int k = 0; k < 3; ++k) {
                Eigen::VectorXf d(n);
                for (Eigen::Index i = 0; i < n; ++i) d[i] = normal(rng);
                d /= d.norm();
                const double fd =
                    (loss_at(m, l, bias, d, h, data) - loss_at(m, l, bias, d, -h, data)) / (2 * h);
                CHECK(fd == Approx(grad.dot(d)).margin(0.02 * grad.norm()));
            }
        }
    }
}

TEST_CASE("trainer: a few hundred steps on random labels drive the training loss down",
          "[quant][trainer]") {
    // Memorising 64 random images is possible only if the updates follow the gradient.
    TempDir dir;
    Model m = tiny_model(dir);
    const Dataset data = random_images(64, 8, 9);
    TrainOptions o;
    o.epochs = 150;
    o.batch = 16;
    o.learning_rate = 1e-2;
    o.seed = 2;
    const auto reports = train_model(m, data, nullptr, o, nullptr);
    REQUIRE(reports.size() == 150);
    INFO("first epoch " << reports.front().mean_loss << ", last " << reports.back().mean_loss);
    // Without memorising, the best a classifier can do is predict the label frequencies: a loss
    // equal to their entropy.
    std::array<int, 10> count{};
    for (auto l : data.labels) ++count[l];
    double entropy = 0;
    for (int c : count)
        if (c > 0) entropy -= c / 64.0 * std::log(c / 64.0);
    INFO("label entropy " << entropy);
    CHECK(reports.front().mean_loss > 2.0);
    CHECK(reports.back().mean_loss < entropy - 0.5);
}

TEST_CASE("trainer: options are checked, naming the field", "[quant][trainer]") {
    TrainOptions o;
    o.epochs = 0;
    CHECK_THROWS_WITH(o.check(), "train.epochs: found 0, expected 1..1000");
    o = TrainOptions{};
    o.batch = 0;
    CHECK_THROWS_WITH(o.check(), "train.batch: found 0, expected 1..4096");
    o = TrainOptions{};
    o.learning_rate = 0;
    CHECK_THROWS_WITH(o.check(), Catch::Matchers::StartsWith("train.learning_rate: found 0"));
    o = TrainOptions{};
    o.weight_decay = -1;
    CHECK_THROWS_WITH(o.check(), Catch::Matchers::StartsWith("train.weight_decay: found -1"));
    FineTuneOptions f;
    f.batch = 5000;
    CHECK_THROWS_WITH(f.check(), "finetune.batch: found 5000, expected 1..4096");
}

TEST_CASE("trainer: one seed gives the same weights bit for bit, another seed others",
          "[quant][trainer]") {
    TempDir dir;
    const Dataset data = random_images(100, 8, 13);
    TrainOptions o;
    o.epochs = 3;
    o.batch = 10;
    o.seed = 21;
    Model a = tiny_model(dir), b = tiny_model(dir), c = tiny_model(dir);
    const auto ra = train_model(a, data, &data, o, nullptr);
    const auto rb = train_model(b, data, &data, o, nullptr);
    o.seed = 22;
    train_model(c, data, nullptr, o, nullptr);
    for (std::size_t l = 0; l < a.params.size(); ++l) {
        CHECK(a.params[l].weight == b.params[l].weight);
        CHECK(a.params[l].bias == b.params[l].bias);
        CHECK(a.params[l].weight != c.params[l].weight);
    }
    REQUIRE(ra.size() == 3);
    for (std::size_t e = 0; e < 3; ++e) {
        CHECK(ra[e].epoch == static_cast<int>(e) + 1);
        CHECK(ra[e].mean_loss == rb[e].mean_loss);
        CHECK(ra[e].validation_accuracy_percent == rb[e].validation_accuracy_percent);
        CHECK(ra[e].validation_accuracy_percent >= 0.0);
    }
    // Progress reaches every step of every epoch, in order.
    Model d = tiny_model(dir);
    std::vector<std::pair<int, std::int64_t>> seen;
    int epochs_seen = 0;
    train_model(
        d, data, nullptr, o, [&](const TrainProgress& p) { seen.emplace_back(p.epoch, p.step); },
        [&](const EpochReport&) { ++epochs_seen; });
    CHECK(seen.size() == 30);
    CHECK(seen.front() == std::make_pair(1, std::int64_t{1}));
    CHECK(seen.back() == std::make_pair(3, std::int64_t{10}));
    CHECK(epochs_seen == 3);
}
