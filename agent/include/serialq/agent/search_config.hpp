#pragma once
// Everything a search is configured with, as one plain struct: the bit choices, the reward
// constants, the networks, PPO, checkpoints. Every default lives here (configs/search/
// default.yaml spells the same values out, and a test keeps the two equal);
// load_search_config() is the only place that reads the YAML.
#include "serialq/agent/actor_critic.hpp"
#include "serialq/agent/ddpg.hpp"
#include "serialq/agent/environment.hpp"
#include "serialq/agent/ppo.hpp"
#include "serialq/agent/reward.hpp"

#include <filesystem>
#include <string>
#include <utility>
#include <vector>

namespace serialq::agent {

// ADRL's augmentation of the policy (Ning et al., ICLR 2021; docs/agent.md): at each layer the
// actor proposes `candidates` distinct actions and the profiling indicator picks one.
struct AdrlParams {
    int candidates = 3;  // k (ours: the paper's k could not be confirmed, docs/agent.md)
    void check() const;  // throws ConfigError naming the field
};

struct SearchConfig {
    std::string file;  // the YAML it was loaded from ("" for the built-in defaults)
    EnvironmentParams environment;
    RewardParams reward;
    NetworkParams network;
    PpoParams ppo;
    AdrlParams adrl;
    DdpgParams haq;  // strategy haq (HAQ's DDPG)
    // search: {strategy, objective, max_loss, budget, reward}: what `serialq search` takes
    // when its command line does not say (the command line wins), as (option, value) pairs
    // with the CLI's option names, each value checked when loaded.
    std::vector<std::pair<std::string, std::string>> search_options;
    int checkpoint_every = 50;  // episodes between checkpoints (and output rewrites)
    long long max_exhaustive_configurations = 1000000;  // exhaustive refuses larger spaces
    void check() const;  // throws ConfigError naming the field
};

// Keys (all optional; see configs/search/default.yaml):
//   bits, layers: {NAME: B | [B, ...]} (a pinned layer, or its own choices), baseline_bits,
//   accuracy_feedback (episode | step), episode_start (carry | reset),
//   checkpoint_every,
//   reward: {a, b, threshold, mem_to_mac_energy, hardware_shape},
//   network: {kind, trunk_size, policy_hidden, value_hidden, activation, policy_output_gain},
//   ppo: {learning_rate, adam_beta1, adam_beta2, adam_epsilon, gae_lambda, epochs, clip, gamma,
//         value_coef, entropy_coef, episodes_per_update, max_grad_norm, normalize_advantages,
//         exploration_floor},
//   search: {strategy, objective, max_loss, budget, reward} (the CLI's defaults for this file),
//   adrl: {candidates},
//   haq: {actor_hidden, critic_hidden, actor_learning_rate, critic_learning_rate, tau,
//         discount, replay_per_layer, batch_size, warmup_episodes, noise_sigma, noise_decay,
//         baseline_step, updates_per_step},
//   exhaustive: {max_configurations}
// Unknown keys and out-of-range values are ConfigErrors naming the file, line and key.
SearchConfig load_search_config(const std::filesystem::path& yaml);

}  // namespace serialq::agent
