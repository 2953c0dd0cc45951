#include "serialq/agent/hardware_costs.hpp"

#include "serialq/common/error.hpp"
#include "serialq/sim/network_plan.hpp"

namespace serialq::agent {

HardwareCosts::HardwareCosts(const Network& net, sim::HardwareModel& model, int max_bits,
                             std::vector<int> act_bits)
    : net_(&net), model_(&model), max_bits_(max_bits), act_bits_(std::move(act_bits)) {
    for (std::size_t i = 0; i < net.layers.size(); ++i)
        if (net.layers[i].has_weights()) layer_index_.push_back(static_cast<int>(i));
}

const HardwareCost& HardwareCosts::layer(std::size_t l, const sim::LayerSpec& spec) {
    if (l >= layer_index_.size() || spec.weight_bits < 1 || spec.weight_bits > max_bits_)
        throw ConfigError("hardware cost of weight layer " + std::to_string(l) + " at " +
                          std::to_string(spec.weight_bits) + " bits: expected a layer below " +
                          std::to_string(layer_index_.size()) + " and bits in 1.." +
                          std::to_string(max_bits_));
    const auto key = std::make_pair(l, spec);
    auto it = costs_.find(key);
    if (it == costs_.end()) {
        const sim::LayerReport r = model_->run_layer(*net_, layer_index_[l], spec);
        const Layer& L = net_->layers[static_cast<std::size_t>(layer_index_[l])];
        it = costs_
                 .emplace(key, HardwareCost{r.total_cycles, r.energy_pj(),
                                            L.weights() * spec.weight_bits})
                 .first;
        order_.insert(order_.end(), {static_cast<long long>(l), spec.weight_bits,
                                     spec.activation_bits, spec.weights_resident ? 1 : 0,
                                     (spec.input_off_chip ? 1 : 0) | (spec.output_off_chip ? 2 : 0),
                                     spec.stream_buffer_bits});
    }
    return it->second;
}

void HardwareCosts::replay(const std::vector<long long>& v) {
    for (std::size_t i = 0; i + kSimulatedStride <= v.size(); i += kSimulatedStride) {
        sim::LayerSpec s;
        s.weight_bits = static_cast<int>(v[i + 1]);
        s.activation_bits = static_cast<int>(v[i + 2]);
        s.weights_resident = v[i + 3] != 0;
        s.input_off_chip = (v[i + 4] & 1) != 0;
        s.output_off_chip = (v[i + 4] & 2) != 0;
        s.stream_buffer_bits = v[i + 5];
        layer(static_cast<std::size_t>(v[i]), s);
    }
}

HardwareCost HardwareCosts::network(const std::vector<int>& bits) {
    for (int b : bits)
        if (b < 1 || b > max_bits_)
            throw ConfigError("hardware cost at " + std::to_string(b) +
                              " bits: expected bits in 1.." + std::to_string(max_bits_));
    const auto plan = sim::plan_layers(model_->config(), *net_, bits, act_bits_);
    HardwareCost total;
    for (std::size_t l = 0; l < bits.size(); ++l) {
        const HardwareCost& c = layer(l, plan[l]);
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
