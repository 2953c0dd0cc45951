// The objectives' feasibility rules and rewards (objective.hpp), worked by hand, and the
// order best.json is chosen by.
#include "serialq/agent/objective.hpp"
#include "serialq/common/error.hpp"

#include <catch2/catch.hpp>

using namespace serialq;
using namespace serialq::agent;

namespace {

Objective cost_objective(ObjectiveKind kind, double max_loss) {
    Objective o;
    o.kind = kind;
    o.max_loss_points = max_loss;
    return o;
}

}  // namespace

TEST_CASE("objective latency|energy|size: feasible within max_loss of the reference",
          "[agent][objective]") {
    for (ObjectiveKind kind :
         {ObjectiveKind::Latency, ObjectiveKind::Energy, ObjectiveKind::Size}) {
        const Objective o = cost_objective(kind, 1.0);
        CHECK(o.metric() == (kind == ObjectiveKind::Latency  ? CostMetric::Latency
                             : kind == ObjectiveKind::Energy ? CostMetric::Energy
                                                             : CostMetric::Size));
        CHECK(accuracy_floor_percent(o, 91.5) == 90.5);
        // Exactly at the floor is feasible; R = 1 / (1 + x).
        const Verdict at = judge(o, 90.5, 91.5, 0.25, 0);
        CHECK(at.feasible);
        CHECK(at.reward == Approx(0.8));
        // Cheaper feasible is better.
        CHECK(judge(o, 91.0, 91.5, 0.5, 0).reward < at.reward);
        // Below the floor: s = 0.5 points, R = -0.5 / 5.5.
        const Verdict below = judge(o, 90.0, 91.5, 0.1, 0);
        CHECK_FALSE(below.feasible);
        CHECK(below.reward == Approx(-0.5 / 5.5));
        // Infeasible points still rank: closer to the floor is higher, all below any feasible.
        CHECK(judge(o, 80.0, 91.5, 0.1, 0).reward < below.reward);
        CHECK(judge(o, 10.0, 91.5, 0.1, 0).reward > -1.0);
        CHECK(judge(o, 90.5, 91.5, 10.0, 0).reward > 0);
    }
    // max_loss 0: only the reference accuracy or better.
    CHECK(judge(cost_objective(ObjectiveKind::Latency, 0), 91.5, 91.5, 0.9, 0).feasible);
    CHECK_FALSE(judge(cost_objective(ObjectiveKind::Latency, 0), 91.49, 91.5, 0.9, 0).feasible);
}

TEST_CASE("objective accuracy: feasible within the budget, most accurate best",
          "[agent][objective]") {
    Objective o;
    o.kind = ObjectiveKind::Accuracy;
    parse_budget("energy:0.4", o);
    CHECK(o.budget_metric == CostMetric::Energy);
    CHECK(o.budget_fraction == 0.4);
    CHECK(o.metric() == CostMetric::Energy);
    CHECK(budget_text(o) == "energy:0.4");
    const Verdict in = judge(o, 90.0, 100.0, 0.4, 0);
    CHECK(in.feasible);
    CHECK(in.reward == Approx(0.9));
    // 10 % over the budget: o = 0.1, R = -0.1 / 0.2.
    const Verdict over = judge(o, 99.0, 100.0, 0.44, 0);
    CHECK_FALSE(over.feasible);
    CHECK(over.reward == Approx(-0.5));
    CHECK(judge(o, 99.0, 100.0, 0.8, 0).reward < over.reward);
    // A feasible point with poor accuracy still beats an infeasible accurate one.
    CHECK(judge(o, 5.0, 100.0, 0.1, 0).reward > over.reward);
}

TEST_CASE("objective reward: ReLeQ's reward, always feasible", "[agent][objective]") {
    Objective o;
    o.kind = ObjectiveKind::Reward;
    o.reward = RewardKind::Releq;
    const Verdict v = judge(o, 10.0, 100.0, 0.3, -1.0);
    CHECK(v.feasible);
    CHECK(v.reward == -1.0);
}

TEST_CASE("objective: better() ranks feasible first, then by the objective", "[agent][objective]") {
    const Objective lat = cost_objective(ObjectiveKind::Latency, 1.0);
    const Judged cheap{true, 0.7, 90.0, 0.4}, cheaper{true, 0.75, 89.0, 0.3},
        cheaper_tie{true, 0.75, 89.5, 0.3}, infeasible{false, -0.1, 50.0, 0.1},
        closer{false, -0.05, 80.0, 0.2};
    CHECK(better(lat, cheaper, cheap));
    CHECK_FALSE(better(lat, cheap, cheaper));
    CHECK(better(lat, cheaper_tie, cheaper));  // same cost: more accurate
    CHECK(better(lat, cheap, infeasible));
    CHECK_FALSE(better(lat, infeasible, cheap));
    CHECK(better(lat, closer, infeasible));
    CHECK_FALSE(better(lat, cheaper, cheaper));  // ties keep the earlier

    Objective acc;
    acc.kind = ObjectiveKind::Accuracy;
    CHECK(better(acc, cheap, cheaper));  // more accurate
    const Judged same_acc_cheaper{true, 0.9, 90.0, 0.2};
    CHECK(better(acc, same_acc_cheaper, cheap));
}

TEST_CASE("objective: bad budgets and losses are one-line errors naming the option",
          "[agent][objective]") {
    Objective o;
    CHECK_THROWS_WITH(parse_budget("latency", o), Catch::Contains("METRIC:FRACTION"));
    CHECK_THROWS_WITH(parse_budget("area:0.5", o), Catch::Contains("the cost 'area'"));
    CHECK_THROWS_WITH(parse_budget("latency:half", o), Catch::Contains("fraction 'half'"));
    CHECK_THROWS_WITH(parse_budget("latency:0.5x", o), Catch::Contains("fraction '0.5x'"));
    CHECK_THROWS_WITH(parse_budget("latency:0", o),
                      Catch::Contains("expected a number in (0, 100]"));
    CHECK_THROWS_WITH(parse_budget("latency:nan", o), Catch::Contains("fraction 'nan'"));
    o.max_loss_points = -1;
    CHECK_THROWS_WITH(o.check(), Catch::Contains("max_loss: found -1"));
    CHECK_THROWS_WITH(objective_kind_from_name("speed"),
                      Catch::Contains("expected one of latency, energy, size, accuracy, reward"));
}
