// The accuracy-versus-cost Pareto front and its knee on small hand-made sets.
#include "serialq/common/pareto.hpp"

#include <catch2/catch.hpp>

#include <cmath>

using namespace serialq;

TEST_CASE("Pareto front: non-dominated points, ties kept, dominated ones dropped",
          "[common][pareto]") {
    //            0     1     2     3     4     5     6     7
    const std::vector<double> acc{50, 80, 70, 90, 90, 95, 95, 60};
    const std::vector<double> cost{1, 2, 2, 3, 4, 5, 5, 1};
    // 7 (60 @ 1) dominates 0 (50 @ 1); 1 dominates 2 (same cost, more accurate); 3 dominates 4
    // (same accuracy, cheaper); 5 and 6 are identical: both stay.
    const auto on = pareto_front(acc, cost);
    const std::vector<bool> expected{false, true, false, true, false, true, true, true};
    CHECK(on == expected);
    CHECK(pareto_front({}, {}).empty());
}

TEST_CASE("Pareto knee: the front point farthest above the line through its ends",
          "[common][pareto]") {
    // Front: (cost 0, acc 0), (1, 80), (2, 90), (4, 100). Scaled by 4 and 100: (0,0), (.25,.8),
    // (.5,.9), (1,1); v - u = 0, .55, .4, 0: the knee is the second point.
    const std::vector<double> acc{0, 80, 90, 100, 50};
    const std::vector<double> cost{0, 1, 2, 4, 3};
    const auto on = pareto_front(acc, cost);
    CHECK(on == std::vector<bool>{true, true, true, true, false});
    CHECK(pareto_knee(acc, cost, on) == std::optional<std::size_t>(1));
    // One point: itself; two: the cheaper; none: nothing.
    CHECK(pareto_knee({7}, {1}, {true}) == std::optional<std::size_t>(0));
    CHECK(pareto_knee({5, 9}, {1, 2}, {true, true}) == std::optional<std::size_t>(0));
    CHECK_FALSE(pareto_knee({5}, {1}, {false}).has_value());
}

TEST_CASE("Pareto front: non-finite points are never on it and dominate nothing",
          "[common][pareto]") {
    const std::vector<double> acc{90, std::nan(""), 99, 80};
    const std::vector<double> cost{5, 1, INFINITY, 3};
    CHECK(pareto_front(acc, cost) == std::vector<bool>{true, false, false, true});
    CHECK_THROWS(pareto_front({1.0}, {}));
}

TEST_CASE("Pareto front: a brute-force check on a grid with many ties", "[common][pareto]") {
    std::vector<double> cost, acc;
    for (int i = 0; i < 60; ++i) {
        cost.push_back((i * 7) % 13);
        acc.push_back((i * 11) % 17);
    }
    const auto on = pareto_front(acc, cost);
    for (std::size_t i = 0; i < cost.size(); ++i) {
        bool dominated = false;
        for (std::size_t j = 0; j < cost.size(); ++j)
            if (cost[j] <= cost[i] && acc[j] >= acc[i] && (cost[j] < cost[i] || acc[j] > acc[i]))
                dominated = true;
        CHECK(on[i] == !dominated);
    }
}
