#pragma once
// What the user asks the search for, separate from the strategy that searches it:
//   latency | energy | size, --max-loss P: the cheapest assignment whose accuracy is at least
//       the reference (full-precision) accuracy minus P points;
//   accuracy, --budget M:F: the most accurate assignment whose cost M (latency, energy, size)
//       is at most F x the baseline's (HAQ's resource-constrained setting);
//   reward, --reward K: ReLeQ's reward-driven search (every assignment is feasible; the best
//       is the highest reward).
// The cost x of an assignment is its cycles, energy or weight bits divided by the baseline's
// (every layer at baseline_bits). Every strategy learns from the reward judge() derives from
// the objective; best.json is the best feasible assignment evaluated (better() orders them).
#include "serialq/agent/reward.hpp"

#include <string>

namespace serialq::agent {

enum class ObjectiveKind { Latency, Energy, Size, Accuracy, Reward };
enum class CostMetric { Latency, Energy, Size };

inline constexpr EnumNames<ObjectiveKind, 5> kObjectiveKindNames{
    {{{ObjectiveKind::Latency, "latency"},
      {ObjectiveKind::Energy, "energy"},
      {ObjectiveKind::Size, "size"},
      {ObjectiveKind::Accuracy, "accuracy"},
      {ObjectiveKind::Reward, "reward"}}}};
inline constexpr EnumNames<CostMetric, 3> kCostMetricNames{{{{CostMetric::Latency, "latency"},
                                                             {CostMetric::Energy, "energy"},
                                                             {CostMetric::Size, "size"}}}};

inline const char* to_string(ObjectiveKind kind) { return kObjectiveKindNames.name(kind); }
inline const char* to_string(CostMetric metric) { return kCostMetricNames.name(metric); }
// An unknown name is a ConfigError naming the valid ones.
inline ObjectiveKind objective_kind_from_name(const std::string& name) {
    return kObjectiveKindNames.parse(name, "objective");
}

struct Objective {
    ObjectiveKind kind = ObjectiveKind::Latency;
    double max_loss_points = 1.0;  // latency | energy | size: accuracy >= reference - this
    CostMetric budget_metric = CostMetric::Latency;  // accuracy: the budgeted cost
    double budget_fraction = 0.5;  // accuracy: cost <= this x the baseline's
    RewardKind reward = RewardKind::Latency;  // reward: the ReLeQ-style reward steered by

    // The cost the objective is about: its own kind, or the budget's (Reward: the reward's x).
    CostMetric metric() const;
    bool uses_reward() const { return kind == ObjectiveKind::Reward; }
    void check() const;  // throws ConfigError naming the option
    // "latency, accuracy >= 90.42 % (reference 91.42 % - 1 point)" and the like.
    std::string describe(double reference_accuracy_percent) const;
};

// "latency:0.5" -> (Latency, 0.5); ConfigError naming --budget otherwise.
void parse_budget(const std::string& text, Objective& objective);
std::string budget_text(const Objective& objective);  // "latency:0.5"

// The verdict on one evaluated assignment. The infeasible get a negative reward that still
// ranks them (closer to feasible is higher), so learning has a gradient everywhere:
//   cost objectives, feasible:   R = 1 / (1 + x)                      in (0, 1), cheaper higher
//                    infeasible: R = -s / (s + kShortfallScale)        s = missing points
//   accuracy,        feasible:   R = accuracy / reference              >= 0
//                    infeasible: R = -o / (o + kOvershootScale)        o = x / F - 1
//   reward:          R = ReLeQ's reward (`releq_reward`), always feasible.
struct Verdict {
    bool feasible = true;
    double reward = 0;
};

constexpr double kShortfallScale = 5.0;  // points of accuracy at which R = -1/2 (ours)
constexpr double kOvershootScale = 0.1;  // relative budget overshoot at which R = -1/2 (ours)

Verdict judge(const Objective& objective, double accuracy_percent,
              double reference_accuracy_percent, double x, double releq_reward);

// The accuracy an assignment needs to be feasible under a cost objective (else 0).
double accuracy_floor_percent(const Objective& objective, double reference_accuracy_percent);

// Is evaluation a strictly better than b (both evaluated)? Feasible beats infeasible; among
// the feasible: cost objectives lower x, then higher accuracy; accuracy: higher accuracy, then
// lower x; reward: higher reward. Among the infeasible: the higher reward (the closer).
struct Judged {
    bool feasible;
    double reward;
    double accuracy_percent;
    double x;
};
bool better(const Objective& objective, const Judged& a, const Judged& b);

}  // namespace serialq::agent
