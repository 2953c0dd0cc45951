#include "serialq/agent/hardware_costs.hpp"

#include "serialq/common/error.hpp"
#include "serialq/sim/network_plan.hpp"

namespace serialq::agent {

HardwareCosts::HardwareCosts(const Network& net, sim::HardwareModel& model, LayerBits act_bits)
    : net_(&net), model_(&model), act_bits_(std::move(act_bits)) {}

const HardwareCost& HardwareCosts::layer(std::size_t l, const sim::LayerSpec& spec) {
    const auto key = std::make_pair(l, spec);
    auto it = costs_.find(key);
    if (it == costs_.end()) {
        // run_weight_layer refuses a layer outside the network; the mapping, bits the
        // accelerator cannot run.
        const sim::LayerReport r = model_->run_weight_layer(*net_, l, spec);
        const long long weight_bits = net_->weight_layers()[l]->weights() * spec.weight_bits;
        it = costs_.emplace(key, HardwareCost{r.total_cycles, r.energy_pj(), weight_bits}).first;
        order_.insert(order_.end(), {static_cast<long long>(l), spec.weight_bits,
                                     spec.activation_bits, spec.weights_resident ? 1 : 0,
                                     (spec.input_off_chip ? 1 : 0) | (spec.output_off_chip ? 2 : 0),
                                     spec.stream_buffer_bits});
    }
    return it->second;
}

void HardwareCosts::replay(const std::vector<long long>& v) {
    const auto layers = static_cast<long long>(net_->weight_layer_count());
    for (std::size_t i = 0; i + kSimulatedStride <= v.size(); i += kSimulatedStride) {
        // A checkpoint's record: refused structurally, not only by its checksum.
        const auto bits_ok = [](long long b) { return b >= kBitwidths.min && b <= kBitwidths.max; };
        if (v[i] < 0 || v[i] >= layers || !bits_ok(v[i + 1]) || !bits_ok(v[i + 2]) ||
            v[i + 3] < 0 || v[i + 3] > 1 || v[i + 4] < 0 || v[i + 4] > 3 || v[i + 5] < 0)
            throw InputError("simulated layer record " + std::to_string(i / kSimulatedStride) +
                             ": expected a weight layer below " + std::to_string(layers) +
                             ", bits in " + kBitwidths.str() + " and flags 0/1, 0..3");
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

HardwareCost HardwareCosts::network(const LayerBits& bits) {
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
    return network(LayerBits::uniform(bits, net_->weight_layer_count()));
}

}  // namespace serialq::agent
