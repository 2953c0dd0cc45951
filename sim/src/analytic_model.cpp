#include "serialq/sim/analytic_model.hpp"

#include "serialq/sim/energy.hpp"
#include "serialq/sim/report.hpp"

namespace serialq::sim {

LayerReport analytic_layer_report(const LayerMapping& m) {
    const LayerTotals t = m.totals();
    const AcceleratorConfig& c = m.config();
    LayerReport r;
    r.name = m.layer().name;
    r.layer_index = m.layer_index();
    r.bits = m.precision().bits;
    r.compute_cycles = t.compute_cycles;
    r.total_cycles = t.total_cycles;
    r.stall_cycles = t.total_cycles - t.compute_cycles - c.pipeline_cycles;
    r.macs = t.macs;
    r.utilization = static_cast<double>(t.active_lane_cycles) /
                    (static_cast<double>(t.total_cycles) * static_cast<double>(c.total_lanes()));
    r.traffic.weight_buffer_read_bits = t.weight_buffer_read_bits;
    r.traffic.weight_buffer_write_bits = t.weight_buffer_write_bits;
    r.traffic.activation_memory_read_bits = t.activation_memory_read_bits;
    r.traffic.activation_memory_write_bits = t.activation_memory_write_bits;
    r.traffic.off_chip_read_bits = t.offchip_read_bits;
    r.traffic.off_chip_write_bits = t.offchip_write_bits;
    SipEvents sips;
    sips.lane_cycles = t.active_lane_cycles;
    sips.adder_tree_cycles = t.active_sip_cycles;
    sips.accumulator_cycles = t.active_sip_cycles;
    r.energy = layer_energy(c, sips, r.traffic, t.total_cycles);
    return r;
}

AnalyticModel::AnalyticModel(AcceleratorConfig config) : config_(std::move(config)) {
    config_.check();
}

LayerReport AnalyticModel::simulate_layer(const Network& net, int layer_index, int bits) {
    return analytic_layer_report(LayerMapping(config_, net, layer_index, bits));
}

NetworkReport AnalyticModel::simulate(const Network& net, const std::vector<int>& bits) {
    return simulate_by_layers(*this, net, bits);
}

}  // namespace serialq::sim
