#pragma once
// The accuracy-versus-cost Pareto frontier of a set of points, and its knee: the one
// implementation every part uses (the search's pareto.json and summary, the reports' plots).
#include <cstddef>
#include <optional>
#include <vector>

namespace serialq {

// on_front[i] is true when no point j has accuracy_j >= accuracy_i and cost_j <= cost_i with
// one of the two strict (points with identical accuracy and cost are all on the front). A point
// with a non-finite accuracy or cost is never on the front and dominates nothing.
std::vector<bool> pareto_front(const std::vector<double>& accuracy,
                               const std::vector<double>& cost);

// The knee: the front point farthest from the straight line through the front's two ends
// (cheapest and most accurate), with accuracy and cost each scaled to [0, 1] over the front.
// Ties, and fronts of one or two distinct points, go to the cheaper point. nullopt if the
// front is empty.
std::optional<std::size_t> pareto_knee(const std::vector<double>& accuracy,
                                       const std::vector<double>& cost,
                                       const std::vector<bool>& on_front);

}  // namespace serialq
