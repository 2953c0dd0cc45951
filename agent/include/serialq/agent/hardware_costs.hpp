#pragma once
// The accelerator's cost of a bit assignment, from the simulator's per-layer results. Each
// (weight layer, bits) pair is simulated once per search and remembered: a network's cost is
// the sum of its layers' (the HardwareModel contract: NetworkReport::total sums the layers).
#include "serialq/common/network.hpp"
#include "serialq/sim/hardware_model.hpp"

#include <vector>

namespace serialq::agent {

struct HardwareCost {
    long long cycles = 0;
    double energy_pj = 0;
    long long weight_bits = 0;  // the weights' storage: weights x bits (the "size" cost)
};

class HardwareCosts {
public:
    // Layer results are cached for bits 1..max_bits.
    HardwareCosts(const Network& net, sim::HardwareModel& model, int max_bits = 16);

    // Weight layer `l` (0-based, Network::weight_layers() order) at `bits`.
    const HardwareCost& layer(std::size_t l, int bits);
    HardwareCost network(const std::vector<int>& bits);
    HardwareCost uniform(int bits);

    long long simulations() const { return simulations_; }  // distinct (layer, bits) simulated
    // The (layer, bits) pairs simulated, in order, flattened: checkpoints keep them, and a
    // resumed search simulates them again, so its figures equal an uninterrupted run's.
    const std::vector<int>& simulated_pairs() const { return order_; }
    const sim::HardwareModel& model() const { return *model_; }

private:
    const Network* net_;
    sim::HardwareModel* model_;
    int max_bits_;
    std::vector<int> layer_index_;              // weight layer -> index in Network::layers
    std::vector<HardwareCost> costs_;           // [l * max_bits + bits - 1]
    std::vector<char> known_;
    std::vector<int> order_;                    // l0, b0, l1, b1, ...
    long long simulations_ = 0;
};

}  // namespace serialq::agent
