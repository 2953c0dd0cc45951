// Each reward formula against values worked out by hand.
#include "serialq/agent/reward.hpp"
#include "serialq/common/error.hpp"
#include "serialq/common/network_loader.hpp"

#include <catch2/catch.hpp>

using namespace serialq;
using namespace serialq::agent;

TEST_CASE("releq reward: R = 1 - x^a, then -1 below the threshold, else R * y^(b/y)",
          "[agent][reward]") {
    const RewardParams p;  // paper constants a = 0.2, b = 0.4, th = 0.4
    CHECK(p.a == 0.2);
    CHECK(p.b == 0.4);
    CHECK(p.threshold == 0.4);
    CHECK(p.mem_to_mac_energy == 120);
    // x = 0.5, y = 0.9: 1 - 0.5^0.2 = 1 - 0.870550563 = 0.129449437;
    // 0.9^(0.4 / 0.9) = exp(0.444444 * ln 0.9) = exp(-0.046827) = 0.954253; product 0.123527.
    CHECK(shaped_reward(RewardShape::Releq, 0.5, 0.9, p) == Approx(0.1235274574).epsilon(1e-9));
    // x = 0.25, y = 0.98: (1 - 0.757858) * 0.98^(0.408163) = 0.242142 * 0.991788 = 0.240153.
    CHECK(shaped_reward(RewardShape::Releq, 0.25, 0.98, p) == Approx(0.2401532252).epsilon(1e-9));
    // Below the threshold the reward is -1 whatever x is; at the threshold it is not.
    CHECK(shaped_reward(RewardShape::Releq, 0.1, 0.39, p) == -1.0);
    CHECK(shaped_reward(RewardShape::Releq, 0.1, 0.4, p) > 0);
    // Full precision (x = 1) earns nothing, however accurate.
    CHECK(shaped_reward(RewardShape::Releq, 1.0, 1.0, p) == 0.0);

    // Other constants: a = 0.5, b = 1, th = 0.5; x = 0.36, y = 0.8:
    // (1 - 0.6) * 0.8^1.25 = 0.4 * 0.756593 = 0.302637.
    RewardParams q;
    q.a = 0.5;
    q.b = 1.0;
    q.threshold = 0.5;
    CHECK(shaped_reward(RewardShape::Releq, 0.36, 0.8, q) == Approx(0.3026373149).epsilon(1e-9));
    CHECK(shaped_reward(RewardShape::Releq, 0.36, 0.49, q) == -1.0);
}

TEST_CASE("ratio and difference rewards: y / x and y - x", "[agent][reward]") {
    const RewardParams p;
    CHECK(shaped_reward(RewardShape::Ratio, 0.5, 0.9, p) == Approx(1.8));
    CHECK(shaped_reward(RewardShape::Difference, 0.5, 0.9, p) == Approx(0.4));
    CHECK(shaped_reward(RewardShape::Difference, 0.75, 0.25, p) == Approx(-0.5));
    // No threshold for these two.
    CHECK(shaped_reward(RewardShape::Ratio, 0.25, 0.1, p) == Approx(0.4));
}

TEST_CASE("reward kinds: names, shapes, and which use the simulator", "[agent][reward]") {
    RewardParams p;
    for (const char* n : {"releq", "ratio", "difference", "latency", "energy"})
        CHECK(std::string(to_string(reward_kind_from_name(n))) == n);
    CHECK_THROWS_WITH(reward_kind_from_name("speed"),
                      Catch::Contains("found 'speed', expected one of releq, ratio"));
    CHECK(shape_of(RewardKind::Ratio, p) == RewardShape::Ratio);
    CHECK(shape_of(RewardKind::Latency, p) == RewardShape::Releq);
    p.hardware_shape = RewardShape::Difference;
    CHECK(shape_of(RewardKind::Energy, p) == RewardShape::Difference);
    CHECK(shape_of(RewardKind::Releq, p) == RewardShape::Releq);
    CHECK(uses_hardware_cost(RewardKind::Latency));
    CHECK(uses_hardware_cost(RewardKind::Energy));
    CHECK_FALSE(uses_hardware_cost(RewardKind::Releq));

    RewardParams bad;
    bad.threshold = 1.5;
    CHECK_THROWS_WITH(bad.check(), Catch::Contains("reward.threshold: found 1.5"));
}

TEST_CASE("State of Quantization on LeNet, by hand", "[agent][reward]") {
    const Network net = load_network(std::string(SERIALQ_SOURCE_DIR) + "/traces/lenet.yaml");
    // Per layer n_w * 120 + n_MAC:
    //   conv1  500 * 120 +   288,000 =    348,000
    //   conv2  25,000 * 120 + 1,600,000 = 4,600,000
    //   fc1    400,000 * 120 + 400,000 = 48,400,000
    //   fc2    5,000 * 120 + 5,000     =    605,000      (sum 53,953,000)
    // bits 2,4,8,8: (696,000 + 18,400,000 + 387,200,000 + 4,840,000) / (53,953,000 * 8)
    //             = 411,136,000 / 431,624,000 = 0.95253276
    CHECK(quantization_state(net, {2, 4, 8, 8}, 8, 120) == Approx(411136000.0 / 431624000.0));
    CHECK(quantization_state(net, {8, 8, 8, 8}, 8, 120) == Approx(1.0));
    CHECK(quantization_state(net, {4, 4, 4, 4}, 8, 120) == Approx(0.5));
    // E_mem/E_MAC = 0: MACs only: (288,000 * 2 + 1,600,000 * 8 + 405,000 * 8) / (2,293,000 * 8)
    CHECK(quantization_state(net, {2, 8, 8, 8}, 8, 0) ==
          Approx((288000.0 * 2 + 2005000.0 * 8) / (2293000.0 * 8)));
}
