#pragma once
// Everything a search is configured with, as one plain struct: the bit choices, the reward
// constants, the networks, PPO, checkpoints. Every default lives in the structs' initializers;
// every key, range and help text in search_config_fields(), assembled from each part's own
// declaration (ppo_fields(), reward_fields(), ...). configs/search/default.yaml spells the
// defaults out and docs/agent.md has the table; tests keep both equal to the declaration.
#include "serialq/agent/actor_critic.hpp"
#include "serialq/agent/ddpg.hpp"
#include "serialq/agent/environment.hpp"
#include "serialq/agent/ppo.hpp"
#include "serialq/agent/reward.hpp"
#include "serialq/common/config_fields.hpp"

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
const ConfigFields<AdrlParams>& adrl_fields();

// AutoQ's hierarchical agent (strategy autoq; autoq.hpp, docs/agent.md). Its two DDPG agents
// take their learning rates, replay, warm-up and noise from the haq block; these are its own.
struct AutoqParams {
    std::vector<int> act_bits{4, 5, 6, 7, 8};  // the HLC's activation-bit choices, ascending
    double intrinsic_weight = 0.5;  // weight of the LLC's goal term beside the extrinsic reward
    std::vector<int> llc_hidden{64, 64};  // ReLU layers of the LLC's actor and critic
    int llc_updates_per_episode = 64;  // LLC DDPG updates after each episode (past warm-up)
    void check() const;  // throws ConfigError naming the field
};
const ConfigFields<AutoqParams>& autoq_fields();

struct ExhaustiveParams {
    long long max_configurations = 1000000;  // exhaustive refuses larger spaces
};

struct SearchConfig {
    std::string file;  // the YAML it was loaded from ("" for the built-in defaults)
    EnvironmentParams environment;
    RewardParams reward;
    NetworkParams network;
    PpoParams ppo;
    AdrlParams adrl;
    DdpgParams haq;  // strategy haq (HAQ's DDPG), and autoq's two agents
    AutoqParams autoq;  // strategy autoq
    // search: {strategy, objective, max_loss, budget, reward}: what `serialq search` takes
    // when its command line does not say (the command line wins), as (option, value) pairs
    // with the CLI's option names, each value checked when loaded.
    std::vector<std::pair<std::string, std::string>> search_options;
    int checkpoint_every = 50;  // episodes between checkpoints (and output rewrites)
    ExhaustiveParams exhaustive;
    void check() const;  // throws ConfigError naming the field
};

// Reads every key search_config_fields() declares (all optional). Unknown keys and
// out-of-range values are ConfigErrors naming the file, line and key.
SearchConfig load_search_config(const std::filesystem::path& yaml);

// Every key of a search config, in file order; `file` is not one.
const ConfigFields<SearchConfig>& search_config_fields();

}  // namespace serialq::agent
