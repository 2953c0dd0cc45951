#include "serialq/agent/reward.hpp"

#include "serialq/common/error.hpp"
#include "text.hpp"

#include <cmath>

namespace serialq::agent {

bool uses_hardware_cost(RewardKind kind) {
    return kind == RewardKind::Latency || kind == RewardKind::Energy;
}

const ConfigFields<RewardParams>& reward_fields() {
    using R = RewardParams;
    static const ConfigFields<RewardParams> f{
        number({"a", "R = 1 − x^a"}, &R::a, open_closed(0, 10)),
        number({"b", "R · y^(b/y)"}, &R::b, closed(0, 10)),
        number({"threshold", "th: R = −1 below it"}, &R::threshold, closed(0, 1)),
        number({"mem_to_mac_energy", "E_mem/E_MAC in the State of Quantization"},
               &R::mem_to_mac_energy, closed(0, 1e6)),
        choice({"hardware_shape", "the shape of the latency and energy rewards"},
               &R::hardware_shape, kRewardShapeNames),
    };
    return f;
}

void RewardParams::check() const { check_fields(reward_fields(), *this, "reward."); }

double shaped_reward(RewardShape shape, double x, double y, const RewardParams& p) {
    switch (shape) {
        case RewardShape::Releq: {
            if (y < p.threshold) return -1.0;
            const double r = 1.0 - std::pow(x, p.a);
            // y^(b/y) -> 0 as y -> 0; y = 0 only happens below any positive threshold.
            return y > 0 ? r * std::pow(y, p.b / y) : 0.0;
        }
        case RewardShape::Ratio:
            return y / x;
        case RewardShape::Difference:
            return y - x;
    }
    return 0;
}

RewardShape shape_of(RewardKind kind, const RewardParams& params) {
    switch (kind) {
        case RewardKind::Releq:
            return RewardShape::Releq;
        case RewardKind::Ratio:
            return RewardShape::Ratio;
        case RewardKind::Difference:
            return RewardShape::Difference;
        case RewardKind::Latency:
        case RewardKind::Energy:
            return params.hardware_shape;
    }
    return RewardShape::Releq;
}

double quantization_state(const Network& net, const std::vector<int>& bits, int max_bits,
                          double mem_to_mac_energy) {
    const auto layers = net.weight_layers();
    double used = 0, full = 0;
    for (std::size_t l = 0; l < layers.size(); ++l) {
        const double cost = static_cast<double>(layers[l]->weights()) * mem_to_mac_energy +
                            static_cast<double>(layers[l]->macs());
        used += cost * bits[l];
        full += cost * max_bits;
    }
    return used / full;
}

}  // namespace serialq::agent
