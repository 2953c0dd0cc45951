#include "serialq/sim/analytic_model.hpp"

#include "serialq/sim/report.hpp"

namespace serialq::sim {

LayerReport analytic_layer_report(const LayerMapping& m) {
    const LayerTotals t = m.totals();
    LayerCounts counts;
    counts.compute_cycles = t.compute_cycles;
    counts.total_cycles = t.total_cycles;
    counts.macs = t.macs;
    counts.events.lane_cycles = t.active_lane_cycles;
    counts.events.adder_tree_cycles = t.active_sip_cycles;
    counts.events.accumulator_cycles = t.active_sip_cycles;
    counts.traffic.weight_buffer_read_bits = t.weight_buffer_read_bits;
    counts.traffic.weight_buffer_write_bits = t.weight_buffer_write_bits;
    counts.traffic.activation_memory_read_bits = t.activation_memory_read_bits;
    counts.traffic.activation_memory_write_bits = t.activation_memory_write_bits;
    counts.traffic.off_chip_read_bits = t.offchip_read_bits;
    counts.traffic.off_chip_write_bits = t.offchip_write_bits;
    return layer_report(m, counts);
}

AnalyticModel::AnalyticModel(AcceleratorConfig config) : config_(std::move(config)) {
    config_.check();
}

LayerReport AnalyticModel::run_layer(const Network& net, int layer_index, const LayerSpec& spec) {
    return analytic_layer_report(LayerMapping(config_, net, layer_index, spec));
}

}  // namespace serialq::sim
