#include "serialq/workflow/pareto.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <stdexcept>

namespace serialq::workflow {

std::vector<std::size_t> pareto_frontier(const std::vector<double>& cost,
                                         const std::vector<double>& benefit) {
    if (cost.size() != benefit.size())
        throw std::invalid_argument("pareto_frontier: cost and benefit differ in length");
    std::vector<std::size_t> order;
    for (std::size_t i = 0; i < cost.size(); ++i)
        if (std::isfinite(cost[i]) && std::isfinite(benefit[i])) order.push_back(i);
    // Cheapest first; at equal cost the best benefit first, then the earliest point.
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
        if (cost[a] != cost[b]) return cost[a] < cost[b];
        return benefit[a] > benefit[b];
    });
    std::vector<std::size_t> front;
    for (std::size_t i : order)
        if (front.empty() || benefit[i] > benefit[front.back()]) front.push_back(i);
    return front;
}

}  // namespace serialq::workflow
