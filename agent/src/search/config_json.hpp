#pragma once
// The search configuration as JSON, as recorded in best.json and in checkpoints (private to
// agent/src). Same keys as the YAML (configs/search/default.yaml).
#include "serialq/agent/search_config.hpp"

#include <nlohmann/json.hpp>

namespace serialq::agent::detail {

inline nlohmann::ordered_json config_json(const SearchConfig& c) {
    const auto& r = c.reward;
    const auto& n = c.network;
    const auto& p = c.ppo;
    return {
        {"file", c.file},
        {"bits", c.environment.bits},
        {"layers", c.environment.layer_bits},
        {"baseline_bits", c.environment.baseline_bits},
        {"accuracy_feedback", c.environment.step_accuracy ? "step" : "episode"},
        {"episode_start", c.environment.carry_assignment ? "carry" : "reset"},
        {"checkpoint_every", c.checkpoint_every},
        {"reward",
         {{"a", r.a},
          {"b", r.b},
          {"threshold", r.threshold},
          {"mem_to_mac_energy", r.mem_to_mac_energy},
          {"hardware_shape", to_string(r.hardware_shape)}}},
        {"network",
         {{"kind", n.kind},
          {"trunk_size", n.trunk_size},
          {"policy_hidden", n.policy_hidden},
          {"value_hidden", n.value_hidden},
          {"activation", to_string(n.activation)},
          {"policy_output_gain", n.policy_output_gain}}},
        {"ppo",
         {{"learning_rate", p.adam.learning_rate},
          {"adam_beta1", p.adam.beta1},
          {"adam_beta2", p.adam.beta2},
          {"adam_epsilon", p.adam.epsilon},
          {"gae_lambda", p.gae_lambda},
          {"epochs", p.epochs},
          {"clip", p.clip},
          {"gamma", p.gamma},
          {"value_coef", p.value_coef},
          {"entropy_coef", p.entropy_coef},
          {"episodes_per_update", p.episodes_per_update},
          {"max_grad_norm", p.max_grad_norm},
          {"normalize_advantages", p.normalize_advantages},
          {"exploration_floor", p.exploration_floor}}},
        {"adrl", {{"candidates", c.adrl.candidates}}},
        {"exhaustive", {{"max_configurations", c.max_exhaustive_configurations}}},
    };
}

}  // namespace serialq::agent::detail
