#pragma once
// The rewards the search can steer by. Each is a function of two numbers in (0, ~1]:
//   y = State of Relative Accuracy = accuracy / full-precision accuracy
//   x = the cost of the bit assignment relative to its maximum:
//       releq, ratio, difference: ReLeQ's State of Quantization (quantization_state below);
//       latency, energy: the simulator's cycles or energy relative to the same network at the
//       baseline bits (8) on the chosen accelerator (the hardware-in-the-loop co-design).
// and a shape:
//   releq      (ReLeQ, Elthakeb et al., IEEE Micro 2020, §3.3):  R = 1 - x^a; then
//              R = -1 if y < th, else R = R * y^(b / y)
//   ratio      R = y / x
//   difference R = y - x
#include "serialq/common/config_fields.hpp"
#include "serialq/common/network.hpp"

#include <string>
#include <vector>

namespace serialq::agent {

enum class RewardKind { Releq, Ratio, Difference, Latency, Energy };
enum class RewardShape { Releq, Ratio, Difference };

inline constexpr EnumNames<RewardKind, 5> kRewardKindNames{{{{RewardKind::Releq, "releq"},
                                                             {RewardKind::Ratio, "ratio"},
                                                             {RewardKind::Difference, "difference"},
                                                             {RewardKind::Latency, "latency"},
                                                             {RewardKind::Energy, "energy"}}}};
inline constexpr EnumNames<RewardShape, 3> kRewardShapeNames{
    {{{RewardShape::Releq, "releq"},
      {RewardShape::Ratio, "ratio"},
      {RewardShape::Difference, "difference"}}}};

// An unknown name is a ConfigError naming the valid ones.
inline RewardKind reward_kind_from_name(const std::string& name) {
    return kRewardKindNames.parse(name, "reward");
}
inline const char* to_string(RewardKind kind) { return kRewardKindNames.name(kind); }
inline RewardShape reward_shape_from_name(const std::string& name) {
    return kRewardShapeNames.parse(name, "reward.hardware_shape");
}
inline const char* to_string(RewardShape shape) { return kRewardShapeNames.name(shape); }
bool uses_hardware_cost(RewardKind kind);  // latency, energy

struct RewardParams {
    double a = 0.2;  // exponent of x in 1 - x^a (ReLeQ paper)
    double b = 0.4;  // accuracy exponent y^(b/y) (ReLeQ paper)
    double threshold = 0.4;  // th: below this relative accuracy the reward is -1 (ReLeQ paper)
    double mem_to_mac_energy = 120;  // E_mem / E_MAC in the State of Quantization (ReLeQ)
    RewardShape hardware_shape = RewardShape::Releq;  // shape used by latency and energy
    void check() const;  // throws ConfigError naming the field ("reward.a")
};
// Each field's key (in a search config's reward block), range and help.
const ConfigFields<RewardParams>& reward_fields();

// The shape applied to (x, y); x > 0.
double shaped_reward(RewardShape shape, double x, double y, const RewardParams& params);
// The shape a reward kind uses (releq/ratio/difference: their own; latency/energy: the
// configured hardware_shape).
RewardShape shape_of(RewardKind kind, const RewardParams& params);

// ReLeQ's State of Quantization of `bits` (one per weight layer):
//   x = sum_l (n_w,l * E_mem/E_MAC + n_MAC,l) * bits_l / sum_l (...) * max_bits
double quantization_state(const Network& net, const std::vector<int>& bits, int max_bits,
                          double mem_to_mac_energy);

}  // namespace serialq::agent
