#include "serialq/sim/energy.hpp"

namespace serialq::sim {

EnergyBreakdown layer_energy(const AcceleratorConfig& config, const SipEvents& sips,
                             const Traffic& t, long long total_cycles) {
    const EnergyConfig& e = config.energy;
    const auto bits = [](long long read, long long written) {
        return static_cast<double>(read) + static_cast<double>(written);
    };
    EnergyBreakdown b;
    b.sip_lanes_pj = static_cast<double>(sips.lane_cycles) * e.lane_pj;
    b.adder_trees_pj = static_cast<double>(sips.adder_tree_cycles) * e.adder_tree_pj;
    b.accumulators_pj = static_cast<double>(sips.accumulator_cycles) * e.accumulator_pj;
    b.weight_buffer_pj =
        bits(t.weight_buffer_read_bits, t.weight_buffer_write_bits) * e.weight_buffer_bit_pj;
    b.activation_memory_pj = bits(t.activation_memory_read_bits, t.activation_memory_write_bits) *
                             e.activation_memory_bit_pj;
    b.off_chip_pj = bits(t.off_chip_read_bits, t.off_chip_write_bits) * e.off_chip_bit_pj;
    const auto& p = e.static_power;
    const double static_mw =
        p.sip_array_mw + p.weight_buffer_mw + p.activation_memory_mw + p.off_chip_mw;
    b.static_pj = static_mw * static_cast<double>(total_cycles) / config.clock_ghz;  // mW x ns
    return b;
}

}  // namespace serialq::sim
