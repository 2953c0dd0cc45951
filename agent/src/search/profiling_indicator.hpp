#pragma once
// ADRL's profiling-based indicator (private to agent/src), as serialq builds it: the evidence
// that picks one of the actor's k candidate actions for a layer.
//
// Profile: the accuracy of the network with layer l alone at b bits and every other layer at
// its largest choice, asked of the oracle once per (l, b) and memoized with every other
// answer (these are real, counted oracle calls). The drop d_l(b) = acc(top) - acc(l at b).
// The indicator predicts an assignment's accuracy as acc(top) - sum_l d_l(b_l), or takes the
// oracle's answer if the assignment was already evaluated, simulates its cost (cheap), and
// scores it with the objective's reward (objective.hpp): feasible and cheap scores high.
#include "serialq/agent/environment.hpp"

#include <vector>

namespace serialq::agent::detail {

class ProfilingIndicator {
public:
    // The objective's reward of `bits` with its predicted accuracy.
    double score(Environment& env, const std::vector<int>& bits);
    // The predicted accuracy of `bits` (profiles asked as needed).
    double predicted_accuracy(Environment& env, const std::vector<int>& bits);

private:
    double drop(Environment& env, std::size_t layer, int bits);
};

}  // namespace serialq::agent::detail
