#pragma once
// The Pareto frontier of points with a cost to minimise (cycles, energy) and a benefit to
// maximise (accuracy).
#include <cstddef>
#include <vector>

namespace serialq::workflow {

// Indices of the points no other point dominates (cost <= and benefit >=, one of them strictly),
// ordered by ascending cost. Of several identical points only the first is kept; points with a
// non-finite coordinate are never on the frontier.
std::vector<std::size_t> pareto_frontier(const std::vector<double>& cost,
                                         const std::vector<double>& benefit);

}  // namespace serialq::workflow
