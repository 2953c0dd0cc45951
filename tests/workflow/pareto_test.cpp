#include "serialq/workflow/pareto.hpp"

#include <catch2/catch.hpp>

#include <cmath>

using serialq::workflow::pareto_frontier;

TEST_CASE("pareto frontier: cheapest first, dominated and duplicate points left out") {
    //                              0    1    2    3    4    5    6
    const std::vector<double> cost{5, 1, 3, 3, 2, 5, std::nan("")};
    const std::vector<double> acc{90, 50, 80, 85, 50, 90, 99};
    // 4 is dominated by 1 (same accuracy, dearer); 2 by 3; 5 duplicates 0; 6 is not finite.
    CHECK(pareto_frontier(cost, acc) == std::vector<std::size_t>{1, 3, 0});
}

TEST_CASE("pareto frontier of a brute-force check on a grid") {
    std::vector<double> cost, acc;
    for (int i = 0; i < 40; ++i) {
        cost.push_back((i * 7) % 13);
        acc.push_back((i * 11) % 17);
    }
    const auto front = pareto_frontier(cost, acc);
    for (std::size_t i = 0; i < cost.size(); ++i) {
        bool dominated = false;
        for (std::size_t j = 0; j < cost.size(); ++j)
            if (cost[j] <= cost[i] && acc[j] >= acc[i] && (cost[j] < cost[i] || acc[j] > acc[i]))
                dominated = true;
        bool on_front = false;
        for (auto k : front) on_front |= cost[k] == cost[i] && acc[k] == acc[i];
        CHECK(on_front == !dominated);
    }
}
