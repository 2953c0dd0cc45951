// The co-design episode on LeNet with the fake oracle and simulator: the state features, the
// costs and rewards of an episode, the memoised oracle and simulator calls.
#include "fakes.hpp"

#include "serialq/agent/environment.hpp"
#include "serialq/agent/weight_statistics.hpp"
#include "serialq/common/error.hpp"
#include "serialq/common/network_loader.hpp"

#include <catch2/catch.hpp>

#include "serialq/quant/weights_file.hpp"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>

using namespace serialq;
using namespace serialq::agent;
using serialq::test::FakeHardware;
using serialq::test::FakeOracle;

namespace {

struct Setup {
    Network net = load_network(std::string(SERIALQ_SOURCE_DIR) + "/traces/lenet.yaml");
    FakeOracle oracle{4};
    FakeHardware hw;
    AccuracyMemo memo{oracle};
    HardwareCosts costs{net, hw};
    std::vector<double> stds = weight_statistics(net).std_dev;

    // A reward-driven environment (objective reward with `kind`).
    Environment make(RewardKind kind, EnvironmentParams ep = {}, RewardParams rp = {}) {
        Objective o;
        o.kind = ObjectiveKind::Reward;
        o.reward = kind;
        return Environment(net, memo, costs, o, rp, ep, stds);
    }
    Environment make(const Objective& o, EnvironmentParams ep = {}) {
        return Environment(net, memo, costs, o, RewardParams{}, ep, stds);
    }
};

double fake_cycles(const Network& net, const std::vector<int>& bits) {
    double c = 0;
    const auto layers = net.weight_layers();
    for (std::size_t l = 0; l < bits.size(); ++l)
        c += double(FakeHardware::cycles(*layers[l], bits[l]));
    return c;
}

}  // namespace

TEST_CASE("environment: state features follow ReLeQ table 1, normalised", "[agent][env]") {
    Setup s;
    Environment env = s.make(RewardKind::Releq);
    CHECK(env.steps() == 4);
    CHECK(env.actions() == 7);  // {2..8}
    Eigen::Matrix<double, Environment::kStateSize, 4> st;
    env.begin_episode();
    for (Index t = 0; t < 4; ++t) env.observe(t, st.col(t).data());
    // Layer index.
    CHECK(st(0, 0) == 0.0);
    CHECK(st(0, 3) == 1.0);
    CHECK(st(0, 1) == Approx(1.0 / 3));
    // Input channels: conv1 1, conv2 20, fc1 800, fc2 500 -> log1p(c) / log1p(800).
    CHECK(st(1, 0) == Approx(std::log1p(1.0) / std::log1p(800.0)));
    CHECK(st(1, 2) == Approx(1.0));
    // Weights: fc1 has the most.
    CHECK(st(4, 2) == Approx(1.0));
    // MACs: conv2 has the most (1.6 M).
    CHECK(st(5, 1) == Approx(1.0));
    // Weight std, relative to the largest (lenet.yaml names trained weights: measured).
    const double max_std = *std::max_element(s.stds.begin(), s.stds.end());
    for (Index t = 0; t < 4; ++t)
        CHECK(st(6, t) == Approx(s.stds[static_cast<std::size_t>(t)] / max_std));
    CHECK(st.row(6).maxCoeff() == Approx(1.0));
    // Dynamic before the first episode: every layer at the largest choice, full accuracy.
    for (Index t = 0; t < 4; ++t) {
        CHECK(st(7, t) == 1.0);
        CHECK(st(9, t) == Approx(1.0));
        CHECK(st(10, t) == 1.0);
    }
    CHECK(st.minCoeff() >= 0.0);
    CHECK(st.maxCoeff() <= 1.0 + 1e-12);

    // During an episode: the previous choice and the State of Quantization follow the actions.
    env.begin_episode();
    env.act(0, 0);  // conv1 -> 2 bits
    double f[Environment::kStateSize];
    env.observe(1, f);
    CHECK(f[8] == 0.0);  // previous layer got the smallest choice
    CHECK(f[7] == 1.0);  // this layer still has 8 bits
    CHECK(f[9] == Approx(quantization_state(s.net, {2, 8, 8, 8}, 8, 120)));
    env.act(1, 2);  // conv2 -> 4 bits
    env.act(2, 6);
    env.act(3, 6);
    const EpisodeResult r = env.finish_episode();
    CHECK(r.bits == std::vector<int>{2, 4, 8, 8});
    // The next episode starts from this assignment and this accuracy.
    env.begin_episode();
    env.observe(1, f);
    CHECK(f[7] == Approx(2.0 / 6));  // conv2 at 4 bits: (4 - 2) / (8 - 2)
    CHECK(f[10] == Approx(FakeOracle::accuracy({2, 4, 8, 8}) / 99.0));
}

TEST_CASE("environment: episode_start reset starts every episode from the largest choice",
          "[agent][env]") {
    Setup s;
    EnvironmentParams ep;
    ep.episode_start = EpisodeStart::Reset;
    Environment env = s.make(RewardKind::Releq, ep);
    env.play({2, 4, 3, 5});
    env.begin_episode();
    double f[Environment::kStateSize];
    for (Index t = 0; t < 4; ++t) {
        env.observe(t, f);
        CHECK(f[7] == 1.0);  // every layer back at 8 bits
        CHECK(f[9] == Approx(1.0));  // State of Quantization of all-8
        CHECK(f[10] == 1.0);  // relative accuracy reset
    }
    // Within the episode the state still follows the actions.
    env.act(0, 0);
    env.observe(1, f);
    CHECK(f[8] == 0.0);
    CHECK(f[9] == Approx(quantization_state(s.net, {2, 8, 8, 8}, 8, 120)));
}

TEST_CASE("environment: an episode's accuracy, costs and reward", "[agent][env]") {
    Setup s;
    Environment env = s.make(RewardKind::Releq);
    const std::vector<int> bits{2, 4, 8, 8};
    const EpisodeResult r = env.play(bits);
    const double acc = 99 - (1 * 4 + 2 * 1 + 3 * 0.0625 + 4 * 0.0625);  // 92.5625
    CHECK(r.accuracy_percent == Approx(acc));
    CHECK(r.relative_accuracy == Approx(acc / 99));
    CHECK(r.cost == Approx(411136000.0 / 431624000.0));
    CHECK(r.reward == Approx(shaped_reward(RewardShape::Releq, r.cost, acc / 99, RewardParams{})));
    CHECK(r.cycles == static_cast<long long>(fake_cycles(s.net, bits)));

    // Latency: x = cycles / cycles at 8 bits everywhere.
    Environment lat = s.make(RewardKind::Latency);
    const EpisodeResult l = lat.play(bits);
    CHECK(l.cost == Approx(fake_cycles(s.net, bits) / fake_cycles(s.net, {8, 8, 8, 8})));
    CHECK(l.reward == Approx(shaped_reward(RewardShape::Releq, l.cost, acc / 99, RewardParams{})));
    // Energy with the ratio shape.
    RewardParams rp;
    rp.hardware_shape = RewardShape::Ratio;
    Environment en = s.make(RewardKind::Energy, {}, rp);
    const EpisodeResult e = en.play(bits);
    const auto L = s.net.weight_layers();
    double e_bits = 0, e_8 = 0;
    for (std::size_t k = 0; k < 4; ++k) {
        e_bits += FakeHardware::energy_pj(*L[k], bits[k]);
        e_8 += FakeHardware::energy_pj(*L[k], 8);
    }
    CHECK(e.cost == Approx(e_bits / e_8));
    CHECK(e.reward == Approx((acc / 99) / (e_bits / e_8)));
    // Difference.
    const EpisodeResult d = s.make(RewardKind::Difference).play(bits);
    CHECK(d.reward == Approx(acc / 99 - r.cost));

    // Each assignment reached the oracle once, each (layer, bits) the simulator once: layers at
    // {2, 4, 8, 8} plus the 8-bit baseline of conv1 and conv2.
    CHECK(s.oracle.calls == 1);
    CHECK(s.memo.distinct_calls() == 1);
    CHECK(s.hw.calls == 6);
    CHECK(s.costs.simulations() == 6);

    CHECK_THROWS_WITH(env.play({2, 4, 6, 9}), Catch::Contains("9 for weight layer 3 is not one"));
    CHECK_THROWS_WITH(env.play({2, 4}),
                      Catch::Contains("search: bits 2,4: found 2 bitwidths, expected 4"));
}

TEST_CASE("environment: step feedback asks the oracle after every layer", "[agent][env]") {
    Setup s;
    EnvironmentParams ep;
    ep.accuracy_feedback = AccuracyFeedback::Step;
    ep.bits = {2, 3, 4, 5, 8};
    Environment env = s.make(RewardKind::Releq, ep);
    env.play({2, 8, 8, 8});
    // Partial assignments 2888 (after conv1), then 2888 again three times: one distinct call.
    CHECK(s.memo.distinct_calls() == 1);
    env.play({8, 3, 8, 8});
    // 8888 (conv1 back to 8), 8388, then the same twice.
    CHECK(s.memo.distinct_calls() == 3);
    CHECK(s.oracle.calls == 3);
    double f[Environment::kStateSize];
    env.begin_episode();
    env.act(0, 0);
    env.observe(1, f);
    CHECK(f[10] == Approx(FakeOracle::accuracy({2, 3, 8, 8}) / 99.0));
    // Bit sets are checked.
    EnvironmentParams bad;
    bad.bits = {2, 8, 4};
    CHECK_THROWS_WITH(
        s.make(RewardKind::Releq, bad),
        Catch::Contains("bits: found 4 after 8, expected distinct bitwidths in ascending order"));
    bad.bits = {0, 4};
    CHECK_THROWS_WITH(s.make(RewardKind::Releq, bad),
                      Catch::Contains("bits: found '0' at position 0"));
}

TEST_CASE("weight statistics: He fallback without weights", "[agent][env]") {
    const Network net = load_network(std::string(SERIALQ_SOURCE_DIR) + "/traces/vgg11.yaml");
    REQUIRE(net.weights_file.empty());
    const WeightStatistics w = weight_statistics(net);
    const auto layers = net.weight_layers();
    REQUIRE(w.std_dev.size() == layers.size());
    // conv1: 3 x 3 x 3 inputs per output.
    CHECK(w.std_dev[0] == Approx(std::sqrt(2.0 / 27)));
    for (std::size_t l = 0; l < layers.size(); ++l) {
        CHECK(w.std_dev[l] == Approx(std::sqrt(2.0 / double(layers[l]->reduction_length()))));
        CHECK_FALSE(w.from_weights[l]);
    }
}

TEST_CASE("weight statistics: LeNet's trained weights", "[agent][env]") {
    const Network net = load_network(std::string(SERIALQ_SOURCE_DIR) + "/traces/lenet.yaml");
    const WeightStatistics w = weight_statistics(net);
    CHECK(w.from_weights == std::vector<bool>(4, true));
    for (double s : w.std_dev) {
        CHECK(s > 0.001);
        CHECK(s < 1.0);
    }
}

TEST_CASE("weight statistics: measured from the weights file the trace names", "[agent][env]") {
    const auto dir = std::filesystem::temp_directory_path() / "serialq-agent-weight-stats";
    std::filesystem::create_directories(dir);
    {
        std::ofstream t(dir / "net.yaml");
        t << "name: tiny\nweights: tiny.sqw\ninput: {channels: 1, height: 4, width: 4}\n"
             "layers:\n"
             "  - {name: c1, type: conv, in_channels: 1, out_channels: 2, kernel: 3}\n"
             "  - {name: f1, type: fc, in_features: 8, out_features: 2}\n";
    }
    quant::WeightsFile wf;
    wf.metadata_json = "{}";
    // c1: 18 weights alternating +-0.5 (std 0.5); f1 missing: fallback sqrt(2 / 8).
    quant::NamedTensor c1{"c1.weight", {2, 1, 3, 3}, {}};
    for (int i = 0; i < 18; ++i) c1.values.push_back(i % 2 ? 0.5f : -0.5f);
    wf.tensors.push_back(c1);
    quant::write_weights_file(dir / "tiny.sqw", wf);
    const Network net = load_network(dir / "net.yaml");
    const WeightStatistics w = weight_statistics(net);
    CHECK(w.std_dev[0] == Approx(0.5));
    CHECK(w.std_dev[1] == Approx(0.5));
    CHECK(w.from_weights == std::vector<bool>{true, false});
    std::filesystem::remove_all(dir);
}
