#include "profiling_indicator.hpp"

#include <algorithm>

namespace serialq::agent::detail {

double ProfilingIndicator::drop(Environment& env, std::size_t layer, int bits) {
    std::vector<int> probe = env.top_bits();
    if (probe[layer] == bits) return 0.0;
    const double top = env.accuracy().accuracy_percent(probe);
    probe[layer] = bits;
    return top - env.accuracy().accuracy_percent(probe);
}

double ProfilingIndicator::predicted_accuracy(Environment& env, const std::vector<int>& bits) {
    if (const auto known = env.accuracy().find(bits)) return *known;
    double acc = env.accuracy().accuracy_percent(env.top_bits());
    for (std::size_t l = 0; l < bits.size(); ++l) acc -= drop(env, l, bits[l]);
    return std::clamp(acc, 0.0, 100.0);
}

double ProfilingIndicator::score(Environment& env, const std::vector<int>& bits) {
    return env.with_accuracy(bits, predicted_accuracy(env, bits)).reward;
}

}  // namespace serialq::agent::detail
