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
    const sim::HardwareModel& model() const { return *model_; }

private:
    const Network* net_;
    sim::HardwareModel* model_;
    int max_bits_;
    std::vector<int> layer_index_;              // weight layer -> index in Network::layers
    std::vector<HardwareCost> costs_;           // [l * max_bits + bits - 1]
    std::vector<char> known_;
    long long simulations_ = 0;
};

}  // namespace serialq::agent
