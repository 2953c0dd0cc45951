#include "serialq/agent/objective.hpp"

#include "serialq/common/error.hpp"
#include "text.hpp"

#include <cmath>

namespace serialq::agent {

CostMetric Objective::metric() const {
    switch (kind) {
        case ObjectiveKind::Latency:
            return CostMetric::Latency;
        case ObjectiveKind::Energy:
            return CostMetric::Energy;
        case ObjectiveKind::Size:
            return CostMetric::Size;
        case ObjectiveKind::Accuracy:
            return budget_metric;
        case ObjectiveKind::Reward:
            return reward == RewardKind::Energy ? CostMetric::Energy : CostMetric::Latency;
    }
    return CostMetric::Latency;
}

void Objective::check() const {
    if (!(max_loss_points >= 0 && max_loss_points <= 100))
        throw ConfigError("max_loss: found " + detail::number_text(max_loss_points) +
                          ", expected accuracy points in [0, 100]");
    if (!(budget_fraction > 0 && budget_fraction <= 100))
        throw ConfigError("budget: found the fraction " + detail::number_text(budget_fraction) +
                          ", expected a number in (0, 100] (of the baseline's cost)");
}

std::string Objective::describe(double reference) const {
    switch (kind) {
        case ObjectiveKind::Latency:
        case ObjectiveKind::Energy:
        case ObjectiveKind::Size:
            return std::string("lowest ") + to_string(kind) + " with accuracy >= " +
                   detail::number_text(accuracy_floor_percent(*this, reference)) +
                   " % (reference " + detail::number_text(reference) + " % - " +
                   detail::number_text(max_loss_points) +
                   (max_loss_points == 1 ? " point)" : " points)");
        case ObjectiveKind::Accuracy:
            return std::string("highest accuracy with ") + to_string(budget_metric) +
                   " <= " + detail::number_text(budget_fraction) + "x the baseline's";
        case ObjectiveKind::Reward:
            return std::string("highest reward (") + to_string(reward) + ")";
    }
    return "?";
}

void parse_budget(const std::string& text, Objective& objective) {
    const auto colon = text.find(':');
    if (colon == std::string::npos)
        throw ConfigError("budget: found '" + text +
                          "', expected METRIC:FRACTION such as latency:0.5");
    const std::string metric = text.substr(0, colon);
    if (!kCostMetricNames.has(metric))  // "the cost": the fraction has its own message below
        throw ConfigError("budget: found the cost '" + metric + "', expected " +
                          kCostMetricNames.expected());
    objective.budget_metric = kCostMetricNames.parse(metric, "budget");
    const std::string value = text.substr(colon + 1);
    std::size_t used = 0;
    double f = 0;
    try {
        f = std::stod(value, &used);
    } catch (const std::exception&) {
        used = 0;
    }
    if (used == 0 || used != value.size() || !std::isfinite(f))
        throw ConfigError("budget: found the fraction '" + value +
                          "', expected a number such as 0.5 (of the baseline's cost)");
    objective.budget_fraction = f;
    objective.check();
}

std::string budget_text(const Objective& objective) {
    return std::string(to_string(objective.budget_metric)) + ":" +
           detail::number_text(objective.budget_fraction);
}

double accuracy_floor_percent(const Objective& objective, double reference) {
    switch (objective.kind) {
        case ObjectiveKind::Latency:
        case ObjectiveKind::Energy:
        case ObjectiveKind::Size:
            return reference - objective.max_loss_points;
        default:
            return 0;
    }
}

Verdict judge(const Objective& objective, double accuracy, double reference, double x,
              double releq_reward) {
    switch (objective.kind) {
        case ObjectiveKind::Latency:
        case ObjectiveKind::Energy:
        case ObjectiveKind::Size: {
            const double s = accuracy_floor_percent(objective, reference) - accuracy;
            if (s <= 0) return {true, 1.0 / (1.0 + x)};
            return {false, -s / (s + kShortfallScale)};
        }
        case ObjectiveKind::Accuracy: {
            const double o = x / objective.budget_fraction - 1.0;
            if (o <= 0) return {true, accuracy / reference};
            return {false, -o / (o + kOvershootScale)};
        }
        case ObjectiveKind::Reward:
            return {true, releq_reward};
    }
    return {};
}

bool better(const Objective& objective, const Judged& a, const Judged& b) {
    if (a.feasible != b.feasible) return a.feasible;
    if (!a.feasible || objective.kind == ObjectiveKind::Reward) return a.reward > b.reward;
    if (objective.kind == ObjectiveKind::Accuracy) {
        if (a.accuracy_percent != b.accuracy_percent)
            return a.accuracy_percent > b.accuracy_percent;
        return a.x < b.x;
    }
    if (a.x != b.x) return a.x < b.x;
    return a.accuracy_percent > b.accuracy_percent;
}

}  // namespace serialq::agent
