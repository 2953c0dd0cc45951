#pragma once
// The accelerator's cost of a bit assignment, from the simulator's per-layer results. A
// network's cost is the sum of its layers' (the HardwareModel contract: NetworkReport::total
// sums the layers), each layer run as the network plan says (sim/network_plan.hpp: whether its
// weights are resident and its input off-chip depend on the other layers' bits). Each distinct
// (weight layer, LayerSpec) is simulated once per search and remembered.
#include "serialq/common/network.hpp"
#include "serialq/sim/hardware_model.hpp"

#include <map>
#include <utility>
#include <vector>

namespace serialq::agent {

struct HardwareCost {
    long long cycles = 0;
    double energy_pj = 0;
    long long weight_bits = 0;  // the weights' storage: weights x bits (the "size" cost)
};

class HardwareCosts {
public:
    // act_bits: the activations' precision per weight layer, the same for every assignment
    // (empty: the accelerator's activation_bits).
    HardwareCosts(const Network& net, sim::HardwareModel& model, LayerBits act_bits = {});

    // Weight layer `l` (0-based, Network::weight_layers() order) run as `spec`.
    const HardwareCost& layer(std::size_t l, const sim::LayerSpec& spec);
    // Bits the accelerator cannot run are a ConfigError (sim::plan_layers).
    HardwareCost network(const LayerBits& bits);
    HardwareCost uniform(int bits);

    long long simulations() const { return static_cast<long long>(costs_.size()); }
    // The (layer, spec) runs simulated, in order, flattened kSimulatedStride values each:
    // checkpoints keep them, and a resumed search simulates them again, so its figures equal an
    // uninterrupted run's.
    static constexpr std::size_t kSimulatedStride = 6;
    const std::vector<long long>& simulated_layers() const { return order_; }
    void replay(const std::vector<long long>& simulated_layers);
    const sim::HardwareModel& model() const { return *model_; }

private:
    const Network* net_;
    sim::HardwareModel* model_;
    LayerBits act_bits_;
    std::map<std::pair<std::size_t, sim::LayerSpec>, HardwareCost> costs_;
    std::vector<long long> order_;  // l, weight bits, act bits, resident,
        // off-chip input (1) | output (2), stream buffer
};

}  // namespace serialq::agent
