// The model factory and the plain-data operations of the shared report structs.
#include "serialq/sim/hardware_model.hpp"

#include "serialq/common/error.hpp"
#include "serialq/sim/analytic_model.hpp"
#include "serialq/sim/report.hpp"

namespace serialq::sim {

// Written by the cycle-level model (cycle_model.hpp).
std::unique_ptr<HardwareModel> make_cycle_model(const AcceleratorConfig& config);

std::unique_ptr<HardwareModel> make_hardware_model(const std::string& kind,
                                                   const AcceleratorConfig& config) {
    if (kind == "analytic") return std::make_unique<AnalyticModel>(config);
    if (kind == "cycle") return make_cycle_model(config);
    throw ConfigError("model: found '" + kind + "', expected one of cycle, analytic");
}

NetworkReport HardwareModel::simulate(const Network& net, const LayerBits& bits,
                                      const LayerBits& act_bits) {
    return simulate_by_layers(*this, net, bits, act_bits);
}

NetworkReport HardwareModel::simulate(const Network& net, const KernelBits& bits) {
    return simulate_by_layers(*this, net, bits);
}

LayerReport HardwareModel::run_weight_layer(const Network& net, std::size_t weight_layer,
                                            const LayerSpec& spec) {
    const std::vector<int> index = net.weight_layer_indices();
    if (weight_layer >= index.size())
        throw ConfigError(net.name + ": weight layer " + std::to_string(weight_layer) +
                          ": expected an index below " + std::to_string(index.size()));
    return run_layer(net, index[weight_layer], spec);
}

LayerReport HardwareModel::simulate_layer(const Network& net, int layer_index, int bits) {
    return run_layer(net, layer_index, single_layer_spec(config(), net, layer_index, bits));
}

double EnergyBreakdown::total_pj() const {
    return sip_lanes_pj + adder_trees_pj + accumulators_pj + weight_buffer_pj +
           activation_memory_pj + off_chip_pj + static_pj;
}

EnergyBreakdown& EnergyBreakdown::operator+=(const EnergyBreakdown& o) {
    sip_lanes_pj += o.sip_lanes_pj;
    adder_trees_pj += o.adder_trees_pj;
    accumulators_pj += o.accumulators_pj;
    weight_buffer_pj += o.weight_buffer_pj;
    activation_memory_pj += o.activation_memory_pj;
    off_chip_pj += o.off_chip_pj;
    static_pj += o.static_pj;
    return *this;
}

Traffic& Traffic::operator+=(const Traffic& o) {
    weight_buffer_read_bits += o.weight_buffer_read_bits;
    weight_buffer_write_bits += o.weight_buffer_write_bits;
    activation_memory_read_bits += o.activation_memory_read_bits;
    activation_memory_write_bits += o.activation_memory_write_bits;
    off_chip_read_bits += o.off_chip_read_bits;
    off_chip_write_bits += o.off_chip_write_bits;
    return *this;
}

}  // namespace serialq::sim
