#pragma once
// The search configuration as JSON, as recorded in best.json and in checkpoints (private to
// agent/src). Same keys as the YAML (configs/search/default.yaml).
#include "serialq/agent/search_config.hpp"

#include <nlohmann/json.hpp>

namespace serialq::agent::detail {

inline nlohmann::ordered_json search_options_json(const SearchConfig& c) {
    nlohmann::ordered_json j = nlohmann::ordered_json::object();
    for (const auto& [option, value] : c.search_options) j[option] = value;
    return j;
}

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
        {"search", search_options_json(c)},
        {"adrl", {{"candidates", c.adrl.candidates}}},
        {"haq",
         {{"actor_hidden", c.haq.actor_hidden},
          {"critic_hidden", c.haq.critic_hidden},
          {"actor_learning_rate", c.haq.actor_adam.learning_rate},
          {"critic_learning_rate", c.haq.critic_adam.learning_rate},
          {"tau", c.haq.tau},
          {"discount", c.haq.discount},
          {"replay_per_layer", c.haq.replay_per_layer},
          {"batch_size", c.haq.batch_size},
          {"warmup_episodes", c.haq.warmup_episodes},
          {"noise_sigma", c.haq.noise_sigma},
          {"noise_decay", c.haq.noise_decay},
          {"baseline_step", c.haq.baseline_step},
          {"updates_per_step", c.haq.updates_per_step}}},
        {"exhaustive", {{"max_configurations", c.max_exhaustive_configurations}}},
    };
}

}  // namespace serialq::agent::detail
