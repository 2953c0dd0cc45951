#include "serialq/common/pareto.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <stdexcept>

namespace serialq {

std::vector<bool> pareto_front(const std::vector<double>& accuracy,
                               const std::vector<double>& cost) {
    if (accuracy.size() != cost.size())
        throw std::invalid_argument("pareto_front: accuracy and cost differ in length");
    std::vector<std::size_t> order;
    for (std::size_t i = 0; i < accuracy.size(); ++i)
        if (std::isfinite(accuracy[i]) && std::isfinite(cost[i])) order.push_back(i);
    const std::size_t n = order.size();
    // Cheapest first; among equal costs the most accurate first.
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
        return cost[a] != cost[b] ? cost[a] < cost[b] : accuracy[a] > accuracy[b];
    });
    std::vector<bool> on(accuracy.size(), false);
    double best_cheaper = -INFINITY;  // best accuracy among strictly cheaper points
    for (std::size_t i = 0; i < n;) {
        std::size_t j = i;
        while (j < n && cost[order[j]] == cost[order[i]]) ++j;
        const double top = accuracy[order[i]];  // the group's best
        if (top > best_cheaper)
            for (std::size_t k = i; k < j && accuracy[order[k]] == top; ++k) on[order[k]] = true;
        best_cheaper = std::max(best_cheaper, top);
        i = j;
    }
    return on;
}

std::optional<std::size_t> pareto_knee(const std::vector<double>& accuracy,
                                       const std::vector<double>& cost,
                                       const std::vector<bool>& on_front) {
    std::vector<std::size_t> f;
    for (std::size_t i = 0; i < on_front.size(); ++i)
        if (on_front[i]) f.push_back(i);
    if (f.empty()) return std::nullopt;
    std::stable_sort(f.begin(), f.end(),
                     [&](std::size_t a, std::size_t b) { return cost[a] < cost[b]; });
    const double c0 = cost[f.front()], c1 = cost[f.back()];
    const double a0 = accuracy[f.front()], a1 = accuracy[f.back()];
    const double dc = c1 - c0, da = a1 - a0;
    std::size_t best = f.front();
    if (dc <= 0 || da <= 0) return best;
    double best_d = 0;
    for (std::size_t i : f) {
        // Scaled point (u, v) in [0,1]^2; the ends are (0, 0) and (1, 1): distance to the
        // diagonal is (v - u) / sqrt(2), positive above it (more accuracy for the cost).
        const double u = (cost[i] - c0) / dc, v = (accuracy[i] - a0) / da;
        const double d = (v - u) / std::sqrt(2.0);
        if (d > best_d) {
            best_d = d;
            best = i;
        }
    }
    return best;
}

}  // namespace serialq
