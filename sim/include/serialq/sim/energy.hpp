#pragma once
// Energy of one layer from the events a model counted and the accelerator's energy table:
// dynamic energy is events x pJ per event, static energy is power x time. Both models call
// this one function, so a difference between them can only come from different counts.
#include "serialq/sim/accelerator_config.hpp"
#include "serialq/sim/hardware_model.hpp"
#include "serialq/sim/sip.hpp"

namespace serialq::sim {

//   sip_lanes_pj         = lane_cycles x lane_pj
//   adder_trees_pj       = adder_tree_cycles x adder_tree_pj
//   accumulators_pj      = accumulator_cycles x accumulator_pj
//   weight_buffer_pj     = (read + written bits) x weight_buffer_bit_pj
//   activation_memory_pj = (read + written bits) x activation_memory_bit_pj
//   off_chip_pj          = (read + written bits) x off_chip_bit_pj
//   static_pj            = sum of static_power (mW) x total_cycles / clock_ghz (ns)
EnergyBreakdown layer_energy(const AcceleratorConfig& config, const SipEvents& sips,
                             const Traffic& traffic, long long total_cycles);

}  // namespace serialq::sim
