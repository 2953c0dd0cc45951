#pragma once
// Random integer operands for the functional-mode tests (the SIP array alone, and inside the
// cycle-level model): every value each operand format can hold is equally likely.
#include "serialq/common/network.hpp"
#include "serialq/sim/functional.hpp"

#include <cstdint>
#include <random>

namespace serialq::sim::test {

inline LayerOperands random_operands(std::mt19937_64& rng, const Layer& l, OperandFormat wf,
                                     OperandFormat af) {
    LayerOperands ops;
    std::uniform_int_distribution<std::int64_t> wd(wf.min_value(), wf.max_value());
    std::uniform_int_distribution<std::int64_t> ad(af.min_value(), af.max_value());
    ops.weights.resize(static_cast<std::size_t>(l.weights()));
    ops.activations.resize(static_cast<std::size_t>(l.input.elements()));
    for (auto& x : ops.weights) x = static_cast<std::int32_t>(wd(rng));
    for (auto& x : ops.activations) x = static_cast<std::int32_t>(ad(rng));
    return ops;
}

}  // namespace serialq::sim::test
