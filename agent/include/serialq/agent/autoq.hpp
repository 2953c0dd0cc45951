#pragma once
// AutoQ (Lou et al., "AutoQ: Automated Kernel-Wise Neural Network Quantization", ICLR 2020):
// a hierarchical agent searching kernel-wise bit assignments (common/kernel_bits.hpp). Per
// weight layer, a high-level controller (HLC) chooses the layer's activation bits and a goal,
// the mean weight bits its kernels should reach; a low-level controller (LLC) then chooses
// each kernel's (output channel's) weight bits. Both are DDPG agents (ddpg.hpp) with HAQ's
// exploration schedule (the haq block's warm-up and noise). docs/agent.md, "AutoQ", says what
// follows the paper and what is ours (the paper's formulas could not be read).
//
// Rewards: the extrinsic reward R is the objective's (objective.hpp's judge() on the episode's
// kernel-wise accuracy and cost), given to every HLC transition of the episode; each LLC
// transition of layer t gets R + intrinsic_weight * r_t, r_t = -|mean(kernel bits of t) - g_t|
// / (largest - smallest weight choice of t): how far the layer ended from its goal.
//
// Costs are the accelerator's for the kernel-wise assignment (HardwareModel::simulate with a
// KernelBits), accuracies the oracle's evaluate(KernelBits); both remembered per assignment.
// The first weight layer's activation bits are the largest activation choice: its input is
// the image, which the builtin oracle keeps exact, so a lower precision would be priced by the
// accelerator but never seen by the oracle.
#include "serialq/agent/hardware_costs.hpp"
#include "serialq/agent/search_config.hpp"
#include "serialq/agent/search_run.hpp"
#include "serialq/common/kernel_bits.hpp"

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace serialq::agent {

// One kernel-wise assignment as the search judged it.
struct KernelEvaluation {
    KernelBits bits;
    std::vector<double> goals_bits;  // the HLC's goal per layer (empty: not from an episode)
    double accuracy_percent = 0;
    double relative_accuracy = 0;  // accuracy / reference
    double cost_x = 0;  // the objective's cost relative to the baseline's
    long long cycles = 0;
    double energy_pj = 0;
    long long weight_bits = 0;  // storage: sum over kernels of weights x bits
    bool feasible = false;
    double reward = 0;  // the extrinsic reward R
};

// Accuracy and cost of kernel-wise assignments, each evaluated once per run.
// The baseline is every kernel at baseline_bits and the activations at baseline_act_bits
// (empty: the accelerator's), as run_search's; the reference accuracy the given one, else the
// oracle's full-precision accuracy. The reward objective is a ConfigError.
class KernelJudge {
public:
    KernelJudge(const Network& net, quant::AccuracyOracle& oracle, sim::HardwareModel& hardware,
                const Objective& objective, int baseline_bits, const LayerBits& baseline_act_bits,
                std::optional<double> reference_accuracy_percent);
    KernelEvaluation evaluate(const KernelBits& bits);
    double reference_accuracy_percent() const { return reference_; }
    const HardwareCost& baseline() const { return baseline_; }
    long long distinct_oracle_calls() const { return static_cast<long long>(accuracy_.size()); }

private:
    const Network* net_;
    quant::AccuracyOracle* oracle_;
    sim::HardwareModel* hardware_;
    Objective objective_;
    double reference_ = 0;
    HardwareCost baseline_;
    std::map<std::string, double> accuracy_;  // by KernelBits::str()
};

// Output channels per weight layer: the kernel counts of a KernelBits for `net`.
std::vector<int> channel_counts(const Network& net);

struct AutoqSummary {
    KernelEvaluation best;  // the best by the objective (better()), the earliest on ties
    bool best_feasible = false;
    long long best_episode = 0;  // 1-based
    long long episodes = 0;
    long long distinct_oracle_calls = 0;
    std::string objective;  // Objective::describe()
    double reference_accuracy_percent = 0;
    HardwareCost baseline;  // every layer at baseline_bits, the accelerator's activation bits
    double speedup = 0;  // baseline cycles / best cycles
    double energy_reduction = 0;  // baseline energy / best energy
    std::optional<double> test_accuracy_percent;  // the best on settings.test_oracle
};

// After each episode: (episodes done, total, the episode's result, the best so far); false
// stops the run.
using AutoqProgress =
    std::function<bool(long long, long long, const KernelEvaluation&, const KernelEvaluation&)>;

// The whole AutoQ search. Writes best.json (the settings, the best with its kernel-wise
// "assignment", readable by `--bits best.json`) and episodes.csv into settings.out_dir. No
// checkpoint: --resume is refused, as are settings.act_bits (the HLC chooses them) and the
// reward objective (ReLeQ's reward is defined on layer-wise states).
AutoqSummary run_autoq(const Network& net, quant::AccuracyOracle& oracle,
                       sim::HardwareModel& hardware, const SearchConfig& config,
                       const SearchSettings& settings, const AutoqProgress& progress = {});

}  // namespace serialq::agent
