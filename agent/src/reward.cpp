#include "serialq/agent/reward.hpp"

#include "serialq/common/error.hpp"
#include "text.hpp"

#include <cmath>

namespace serialq::agent {

RewardKind reward_kind_from_name(const std::string& name) {
    if (name == "releq") return RewardKind::Releq;
    if (name == "ratio") return RewardKind::Ratio;
    if (name == "difference") return RewardKind::Difference;
    if (name == "latency") return RewardKind::Latency;
    if (name == "energy") return RewardKind::Energy;
    throw ConfigError("reward: found '" + name +
                      "', expected one of releq, ratio, difference, latency, energy");
}

const char* to_string(RewardKind kind) {
    switch (kind) {
        case RewardKind::Releq: return "releq";
        case RewardKind::Ratio: return "ratio";
        case RewardKind::Difference: return "difference";
        case RewardKind::Latency: return "latency";
        case RewardKind::Energy: return "energy";
    }
    return "?";
}

RewardShape reward_shape_from_name(const std::string& name) {
    if (name == "releq") return RewardShape::Releq;
    if (name == "ratio") return RewardShape::Ratio;
    if (name == "difference") return RewardShape::Difference;
    throw ConfigError("reward.hardware_shape: found '" + name +
                      "', expected one of releq, ratio, difference");
}

const char* to_string(RewardShape shape) {
    switch (shape) {
        case RewardShape::Releq: return "releq";
        case RewardShape::Ratio: return "ratio";
        case RewardShape::Difference: return "difference";
    }
    return "?";
}

bool uses_hardware_cost(RewardKind kind) {
    return kind == RewardKind::Latency || kind == RewardKind::Energy;
}

void RewardParams::check() const {
    auto fail = [](const char* field, double v, const char* expected) {
        throw ConfigError(std::string("reward.") + field + ": found " + detail::number_text(v) +
                          ", expected " + expected);
    };
    if (!(a > 0 && a <= 10)) fail("a", a, "a number in (0, 10]");
    if (!(b >= 0 && b <= 10)) fail("b", b, "a number in [0, 10]");
    if (!(threshold >= 0 && threshold <= 1)) fail("threshold", threshold, "a number in [0, 1]");
    if (!(mem_to_mac_energy >= 0 && mem_to_mac_energy <= 1e6))
        fail("mem_to_mac_energy", mem_to_mac_energy, "a number in [0, 1e6]");
}

double shaped_reward(RewardShape shape, double x, double y, const RewardParams& p) {
    switch (shape) {
        case RewardShape::Releq: {
            if (y < p.threshold) return -1.0;
            const double r = 1.0 - std::pow(x, p.a);
            // y^(b/y) -> 0 as y -> 0; y = 0 only happens below any positive threshold.
            return y > 0 ? r * std::pow(y, p.b / y) : 0.0;
        }
        case RewardShape::Ratio: return y / x;
        case RewardShape::Difference: return y - x;
    }
    return 0;
}

RewardShape shape_of(RewardKind kind, const RewardParams& params) {
    switch (kind) {
        case RewardKind::Releq: return RewardShape::Releq;
        case RewardKind::Ratio: return RewardShape::Ratio;
        case RewardKind::Difference: return RewardShape::Difference;
        case RewardKind::Latency:
        case RewardKind::Energy: return params.hardware_shape;
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
