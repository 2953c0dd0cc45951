#pragma once
// The one field-by-field comparison of two layer reports, for the tests that hold the cycle model
// and the analytic model (or two ways of asking for one layer) to the same figures: every
// figure a LayerReport carries, so a field added to it is compared everywhere at once.
#include "serialq/sim/hardware_model.hpp"

#include <catch2/catch.hpp>

namespace serialq::sim::test {

inline void check_same_layer_report(const LayerReport& c, const LayerReport& a) {
    INFO("layer " << c.name);
    CHECK(c.name == a.name);
    CHECK(c.layer_index == a.layer_index);
    CHECK(c.bits == a.bits);
    CHECK(c.act_bits == a.act_bits);
    CHECK(c.mean_weight_bits == a.mean_weight_bits);
    CHECK(c.filter_order == a.filter_order);
    CHECK(c.network_order_cycles == a.network_order_cycles);
    CHECK(c.weights_resident == a.weights_resident);
    CHECK(c.total_cycles == a.total_cycles);
    CHECK(c.compute_cycles == a.compute_cycles);
    CHECK(c.stall_cycles == a.stall_cycles);
    CHECK(c.macs == a.macs);
    CHECK(c.utilization == a.utilization);
    CHECK(c.traffic.weight_buffer_read_bits == a.traffic.weight_buffer_read_bits);
    CHECK(c.traffic.weight_buffer_write_bits == a.traffic.weight_buffer_write_bits);
    CHECK(c.traffic.activation_memory_read_bits == a.traffic.activation_memory_read_bits);
    CHECK(c.traffic.activation_memory_write_bits == a.traffic.activation_memory_write_bits);
    CHECK(c.traffic.off_chip_read_bits == a.traffic.off_chip_read_bits);
    CHECK(c.traffic.off_chip_write_bits == a.traffic.off_chip_write_bits);
    CHECK(c.energy.sip_lanes_pj == a.energy.sip_lanes_pj);
    CHECK(c.energy.adder_trees_pj == a.energy.adder_trees_pj);
    CHECK(c.energy.accumulators_pj == a.energy.accumulators_pj);
    CHECK(c.energy.weight_buffer_pj == a.energy.weight_buffer_pj);
    CHECK(c.energy.activation_memory_pj == a.energy.activation_memory_pj);
    CHECK(c.energy.off_chip_pj == a.energy.off_chip_pj);
    CHECK(c.energy.static_pj == a.energy.static_pj);
    CHECK(c.energy_pj() == a.energy_pj());
}

}  // namespace serialq::sim::test
