#pragma once
// The co-design episode: one pass over a network's weight layers, the agent choosing each
// layer's bits from a fixed set; at the end the oracle says what accuracy survives, the
// simulator what the accelerator spends, and the reward combines the two.
//
// With episode_start = carry (ReLeQ), the network being quantized keeps its assignment between
// episodes: an episode starts from the previous episode's assignment (all layers at the largest
// choice before the first) and overwrites it layer by layer, and the relative accuracy is the
// latest evaluated. With episode_start = reset, every episode starts from all layers at the
// largest choice and a relative accuracy of 1, so a step's state depends only on the choices
// made earlier in the same episode (the final reward depends on nothing else either). The state of step t (ReLeQ table 1), every feature in [0, 1]
// (relative accuracy may exceed 1 slightly when quantization helps):
//   0  layer index                t / (T - 1)                                      static
//   1  input channels             log(1 + c_in) / log(1 + max over layers)          static
//   2  output channels            same normalisation                                static
//   3  kernel area (kh * kw)      same normalisation                                static
//   4  weights                    same normalisation                                static
//   5  MACs                       same normalisation                                static
//   6  weight standard deviation  std / max over layers (weight_statistics.hpp)     static
//   7  the layer's current bits   (bits - min choice) / (max - min choice)          dynamic
//   8  bits just chosen for the previous layer (1 at t = 0), same normalisation      dynamic
//   9  State of Quantization      x of the current assignment (the reward's cost)   dynamic
//   10 State of Relative Accuracy y = accuracy / full-precision accuracy of the
//                                 latest assignment evaluated                       dynamic
// Feature 8 feeds the agent's own previous action back, so the policy's choice for a layer
// can depend on what it chose before (the LSTM sees states only, not actions).
#include "serialq/agent/accuracy_memo.hpp"
#include "serialq/agent/hardware_costs.hpp"
#include "serialq/agent/nn/tensor.hpp"
#include "serialq/agent/objective.hpp"
#include "serialq/agent/reward.hpp"
#include "serialq/common/config_fields.hpp"

#include <map>
#include <string>
#include <optional>
#include <vector>

namespace serialq::agent {

// When the oracle is asked: `episode` once, at the episode's end; `step` after every layer, as
// ReLeQ does (feature 10 then follows the episode; more oracle calls).
enum class AccuracyFeedback { Episode, Step };
inline constexpr EnumNames<AccuracyFeedback, 2> kAccuracyFeedbackNames{
    {{{AccuracyFeedback::Episode, "episode"}, {AccuracyFeedback::Step, "step"}}}};

// Where an episode starts: `carry` (ReLeQ) from the previous episode's assignment and accuracy;
// `reset` from every layer at the largest choice and relative accuracy 1.
enum class EpisodeStart { Carry, Reset };
inline constexpr EnumNames<EpisodeStart, 2> kEpisodeStartNames{
    {{{EpisodeStart::Carry, "carry"}, {EpisodeStart::Reset, "reset"}}}};

struct EnvironmentParams {
    std::vector<int> bits{2, 3, 4, 5, 6, 7, 8};  // the choices for every layer, ascending
    // Per-layer choices by layer name, replacing `bits` for that layer (ascending); one value
    // pins the layer (HAQ and ReLeQ keep the first and last layers at 8 bits).
    std::map<std::string, std::vector<int>> layer_bits;
    int baseline_bits = 8;  // reference of the hardware cost x, speedup, energy reduction
    AccuracyFeedback accuracy_feedback = AccuracyFeedback::Episode;
    EpisodeStart episode_start = EpisodeStart::Carry;
    void check() const;  // throws ConfigError naming the field
};
// Each field's key (at the top level of a search config), range and help.
const ConfigFields<EnvironmentParams>& environment_fields();

struct EpisodeResult {
    std::vector<int> bits;  // per weight layer
    double accuracy_percent = 0;
    double relative_accuracy = 0;  // y
    double cost = 0;  // x: the objective's cost relative to the baseline's
    long long cycles = 0;
    double energy_pj = 0;
    long long weight_bits = 0;
    bool feasible = true;  // meets the objective's constraint
    double reward = 0;  // derived from the objective (objective.hpp)
};

// How objective.hpp's better() sees a result.
inline Judged judged(const EpisodeResult& r) {
    return {r.feasible, r.reward, r.accuracy_percent, r.cost};
}

// `cost` relative to `baseline` in `metric`: cycles, energy or weight storage over the baseline's
// (the cost x of objective.hpp), for layer-wise and kernel-wise assignments alike.
double cost_ratio(CostMetric metric, const HardwareCost& cost, const HardwareCost& baseline);

class Environment {
public:
    static constexpr Index kStateSize = 11;

    // `weight_std`: one per weight layer (weight_statistics.hpp).
    // Per-layer choices naming a layer the network lacks are a ConfigError.
    Environment(const Network& net, AccuracyMemo& accuracy, HardwareCosts& hardware,
                const Objective& objective, const RewardParams& reward_params,
                const EnvironmentParams& params, const std::vector<double>& weight_std);

    Index steps() const { return steps_; }
    // The action space: every bitwidth any layer may take, ascending. A layer given an action
    // outside its own choices takes its nearest choice (the higher on a tie).
    Index actions() const { return static_cast<Index>(choices_.size()); }
    const std::vector<int>& choices() const { return choices_; }
    const std::vector<int>& layer_choices(Index t) const {
        return layer_choices_[static_cast<std::size_t>(t)];
    }
    // Every layer at its largest choice.
    std::vector<int> top_bits() const;
    const Objective& objective() const { return objective_; }
    double reference_accuracy_percent() { return accuracy_->reference_accuracy_percent(); }
    AccuracyMemo& accuracy() { return *accuracy_; }
    HardwareCosts& hardware() { return *hardware_; }
    const Network& network() const { return *net_; }

    void begin_episode();
    // The state of step t (kStateSize values) into `state`.
    template <typename S>
    void observe(Index t, S* state);
    // Gives weight layer t the bits of choice `action` (nearest of its own choices).
    void act(Index t, Index action);
    // The bits act(t, action) gives layer t.
    int bits_for_action(Index t, Index action) const;
    // Gives weight layer t `bits`, one of its own choices (else ConfigError).
    void act_bits(Index t, int bits);
    // Evaluates the assignment the episode built.
    EpisodeResult finish_episode();
    // A whole episode with the given assignment (the baselines play this way).
    EpisodeResult play(const std::vector<int>& bits);

    // Evaluates an assignment without changing the episode state.
    EpisodeResult evaluate(const std::vector<int>& bits);
    // The result `bits` would have at `accuracy_percent` (costs simulated, no oracle call):
    // how a predicted accuracy is judged.
    EpisodeResult with_accuracy(const std::vector<int>& bits, double accuracy_percent);
    // x of the objective for `bits`: its cost relative to the baseline's (objective reward:
    // the reward kind's x).
    double cost(const std::vector<int>& bits);
    // The objective's cost metric relative to the baseline's.
    double cost_ratio(CostMetric metric, const std::vector<int>& bits);
    // Every layer at baseline_bits, costed once (each network cost plans the network).
    HardwareCost baseline_cost() {
        if (!baseline_) baseline_ = hardware_->uniform(params_.baseline_bits);
        return *baseline_;
    }

    // The state carried between episodes, for checkpoints.
    const std::vector<int>& current_bits() const { return current_; }
    double relative_accuracy_state() const { return y_; }
    void restore(const std::vector<int>& current_bits, double relative_accuracy);

private:
    double normalized_bits(int bits) const;
    void resolve_layer_choices();
    void set_bits(Index t, int bits);

    const Network* net_;
    AccuracyMemo* accuracy_;
    HardwareCosts* hardware_;
    std::optional<HardwareCost> baseline_;
    Objective objective_;
    RewardParams reward_params_;
    EnvironmentParams params_;
    std::vector<int> choices_;  // the action space (union of the layers')
    std::vector<std::vector<int>> layer_choices_;  // per weight layer
    Index steps_;
    int max_bits_;
    std::vector<double> quant_cost_;  // n_w * E_mem/E_MAC + n_MAC per layer (State of Quantization)
    Eigen::Matrix<double, 7, Eigen::Dynamic> static_;  // features 0..6 per layer
    std::vector<int> current_;  // the network's current assignment
    int previous_bits_ = 0;  // bits chosen at the previous step of this episode
    double y_ = 1.0;  // State of Relative Accuracy
};

}  // namespace serialq::agent
