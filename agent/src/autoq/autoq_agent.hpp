#pragma once
// AutoQ's two controllers (private to agent/src; autoq.hpp has the method). Per weight layer t:
//
//   HLC (DDPG, kHlcFeatures): two decisions in turn, told apart by a phase feature: the
//       layer's activation bits (from autoq.act_bits), then its goal g_t, a mean weight width
//       in [lo_t, hi_t] (the layer's smallest and largest weight choice), g = lo + a (hi - lo).
//       State: HAQ's layer embedding (9 rows), the phase, the HLC's previous action, and the
//       mean weight bits the LLC reached on the previous layer (normalised; 1 before any).
//   LLC (DDPG, kLlcFeatures, its own hidden sizes): one decision per kernel c, bits from the
//       layer's weight choices as HAQ maps an action (round(a n - 0.5) of n). State: layer
//       position, kernel position, the kernel's weight RMS over the layer's largest, the goal,
//       the running mean of the kernel bits chosen so far (the goal before any), the layer's
//       activation bits, the LLC's previous action, and the layer's weight count (HAQ's row).
//
// Exploration (both): uniform actions for haq.warmup_episodes, then a truncated normal around
// mu(s) with haq's decaying sigma. Learning after each episode: the HLC's 2T transitions with
// the extrinsic reward, chained as HAQ chains its layers, with haq.updates_per_step updates
// per transition; every LLC transition with reward R + intrinsic_weight r_t, each a one-step
// episode (done): all kernels of a layer share one reward, so a return summed over hundreds of
// kernels would only scale Q. Then autoq.llc_updates_per_episode LLC updates.
#include "serialq/agent/ddpg.hpp"
#include "serialq/agent/search_config.hpp"
#include "serialq/common/kernel_bits.hpp"
#include "serialq/common/network.hpp"

#include <random>
#include <vector>

namespace serialq::agent::detail {

struct AutoqProposal {
    KernelBits bits;
    std::vector<double> goals_bits;  // per layer
};

class AutoqAgent {
public:
    static constexpr Index kHlcFeatures = 12;
    static constexpr Index kLlcFeatures = 8;

    // weight_choices[t]: layer t's weight choices (ascending); act_choices: the HLC's
    // activation choices (ascending). magnitudes: kernel_magnitudes(net).
    AutoqAgent(const Network& net, const SearchConfig& config,
               std::vector<std::vector<int>> weight_choices, std::vector<int> act_choices,
               const std::vector<std::vector<double>>& magnitudes, std::mt19937_64& rng);

    // An episode's assignment, drawing every random number from `rng`.
    AutoqProposal propose(std::mt19937_64& rng);
    // Learns from the last proposal's extrinsic reward.
    void learn(double reward, std::mt19937_64& rng);
    long long episodes() const { return episodes_; }

private:
    double explore(double mu, std::mt19937_64& rng) const;
    void hlc_state(Index t, int phase, double previous_action, double previous_mean);
    void decide_layer(Index t, std::mt19937_64& rng, AutoqProposal& out);

    SearchConfig config_;
    std::vector<std::vector<int>> weight_choices_;
    std::vector<int> act_choices_;
    Mat<float> layer_features_;  // haq_layer_embedding: (kHaqLayerFeatures + 1) x T
    std::vector<std::vector<float>> magnitude_;  // per layer, per kernel, in [0, 1]
    Ddpg<float> hlc_, llc_;
    // The last proposal's transitions: states (one column each), actions, and per LLC
    // transition the layer it belongs to.
    Mat<float> hlc_states_, llc_states_;
    std::vector<float> hlc_actions_, llc_actions_;
    std::vector<Index> llc_layer_;
    std::vector<double> goal_error_;  // r_t of the last proposal, per layer
    Mat<float> state_;  // the state being built (column)
    long long episodes_ = 0;
};

}  // namespace serialq::agent::detail
