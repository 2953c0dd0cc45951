#include "serialq/agent/hardware_costs.hpp"

#include "serialq/common/error.hpp"

namespace serialq::agent {

HardwareCosts::HardwareCosts(const Network& net, sim::HardwareModel& model, int max_bits)
    : net_(&net), model_(&model), max_bits_(max_bits) {
    for (std::size_t i = 0; i < net.layers.size(); ++i)
        if (net.layers[i].has_weights()) layer_index_.push_back(static_cast<int>(i));
    costs_.resize(layer_index_.size() * static_cast<std::size_t>(max_bits_));
    known_.assign(costs_.size(), 0);
}

const HardwareCost& HardwareCosts::layer(std::size_t l, int bits) {
    if (l >= layer_index_.size() || bits < 1 || bits > max_bits_)
        throw ConfigError("hardware cost of weight layer " + std::to_string(l) + " at " +
                          std::to_string(bits) + " bits: expected a layer below " +
                          std::to_string(layer_index_.size()) + " and bits in 1.." +
                          std::to_string(max_bits_));
    const std::size_t k = l * static_cast<std::size_t>(max_bits_) + static_cast<std::size_t>(bits - 1);
    if (!known_[k]) {
        const sim::LayerReport r = model_->simulate_layer(*net_, layer_index_[l], bits);
        const Layer& L = net_->layers[static_cast<std::size_t>(layer_index_[l])];
        costs_[k] = {r.total_cycles, r.energy_pj(), L.weights() * bits};
        known_[k] = 1;
        ++simulations_;
        order_.push_back(static_cast<int>(l));
        order_.push_back(bits);
    }
    return costs_[k];
}

HardwareCost HardwareCosts::network(const std::vector<int>& bits) {
    HardwareCost total;
    for (std::size_t l = 0; l < bits.size(); ++l) {
        const HardwareCost& c = layer(l, bits[l]);
        total.cycles += c.cycles;
        total.energy_pj += c.energy_pj;
        total.weight_bits += c.weight_bits;
    }
    return total;
}

HardwareCost HardwareCosts::uniform(int bits) {
    return network(std::vector<int>(layer_index_.size(), bits));
}

}  // namespace serialq::agent
