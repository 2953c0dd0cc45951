// The search configuration: the shipped default file equals the struct's defaults; bad files
// give one-line errors naming the file, the key and what was expected.
#include "serialq/agent/search_config.hpp"
#include "serialq/common/error.hpp"

#include <catch2/catch.hpp>

using namespace serialq;
using namespace serialq::agent;

namespace {
const std::string data = std::string(SERIALQ_TEST_DATA_DIR) + "/agent/";
}

TEST_CASE("search config: configs/search/default.yaml spells out the defaults",
          "[agent][config]") {
    const SearchConfig d;
    const SearchConfig f =
        load_search_config(std::string(SERIALQ_SOURCE_DIR) + "/configs/search/default.yaml");
    CHECK(f.environment.bits == d.environment.bits);
    CHECK(f.environment.baseline_bits == d.environment.baseline_bits);
    CHECK(f.environment.step_accuracy == d.environment.step_accuracy);
    CHECK(f.environment.carry_assignment == d.environment.carry_assignment);
    CHECK(f.checkpoint_every == d.checkpoint_every);
    CHECK(f.reward.a == d.reward.a);
    CHECK(f.reward.b == d.reward.b);
    CHECK(f.reward.threshold == d.reward.threshold);
    CHECK(f.reward.mem_to_mac_energy == d.reward.mem_to_mac_energy);
    CHECK(f.reward.hardware_shape == d.reward.hardware_shape);
    CHECK(f.network.kind == d.network.kind);
    CHECK(f.network.trunk_size == d.network.trunk_size);
    CHECK(f.network.policy_hidden == d.network.policy_hidden);
    CHECK(f.network.value_hidden == d.network.value_hidden);
    CHECK(f.network.activation == d.network.activation);
    CHECK(f.network.policy_output_gain == d.network.policy_output_gain);
    CHECK(f.ppo.adam.learning_rate == d.ppo.adam.learning_rate);
    CHECK(f.ppo.adam.beta1 == d.ppo.adam.beta1);
    CHECK(f.ppo.adam.beta2 == d.ppo.adam.beta2);
    CHECK(f.ppo.adam.epsilon == d.ppo.adam.epsilon);
    CHECK(f.ppo.gae_lambda == d.ppo.gae_lambda);
    CHECK(f.ppo.epochs == d.ppo.epochs);
    CHECK(f.ppo.clip == d.ppo.clip);
    CHECK(f.ppo.gamma == d.ppo.gamma);
    CHECK(f.ppo.value_coef == d.ppo.value_coef);
    CHECK(f.ppo.entropy_coef == d.ppo.entropy_coef);
    CHECK(f.ppo.episodes_per_update == d.ppo.episodes_per_update);
    CHECK(f.ppo.max_grad_norm == d.ppo.max_grad_norm);
    CHECK(f.ppo.normalize_advantages == d.ppo.normalize_advantages);
    CHECK(f.max_exhaustive_configurations == d.max_exhaustive_configurations);
}

TEST_CASE("search config: every shipped file loads", "[agent][config]") {
    for (const auto& e : std::filesystem::directory_iterator(std::string(SERIALQ_SOURCE_DIR) +
                                                             "/configs/search")) {
        INFO(e.path());
        CHECK_NOTHROW(load_search_config(e.path()));
    }
}

TEST_CASE("search config: bad files name the file, line, key and expectation",
          "[agent][config]") {
    CHECK_THROWS_WITH(load_search_config(data + "unknown-key.yaml"),
                      Catch::Contains("unknown-key.yaml:4: ppo.cliprange: unknown key"));
    CHECK_THROWS_WITH(load_search_config(data + "bad-bits.yaml"),
                      Catch::Contains("bad-bits.yaml:1: bits: found '17' at position 2, expected "
                                      "a list of integers in 1..16"));
    CHECK_THROWS_WITH(load_search_config(data + "unsorted-bits.yaml"),
                      Catch::Contains("unsorted-bits.yaml: bits: found 2 after 4"));
    CHECK_THROWS_WITH(load_search_config(data + "bad-shape.yaml"),
                      Catch::Contains("bad-shape.yaml:2: reward.hardware_shape: found 'product'"));
    CHECK_THROWS_AS(load_search_config(data + "missing.yaml"), InputError);
}
