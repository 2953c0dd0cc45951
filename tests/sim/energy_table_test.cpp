// The energy table: every component is its events times its price, static energy is power x time.
#include "serialq/sim/energy.hpp"

#include <catch2/catch.hpp>

using namespace serialq::sim;

TEST_CASE("energy: each component prices its own events", "[sim][energy]") {
    AcceleratorConfig c;
    c.clock_ghz = 0.5;
    c.energy.lane_pj = 0.25;
    c.energy.adder_tree_pj = 2;
    c.energy.accumulator_pj = 3;
    c.energy.weight_buffer_bit_pj = 0.5;
    c.energy.activation_memory_bit_pj = 0.125;
    c.energy.off_chip_bit_pj = 10;
    c.energy.static_power = {1, 2, 3, 4};  // 10 mW in all
    SipEvents sips;
    sips.lane_cycles = 1000;
    sips.adder_tree_cycles = 100;
    sips.accumulator_cycles = 50;
    Traffic t;
    t.weight_buffer_read_bits = 60;
    t.weight_buffer_write_bits = 40;
    t.activation_memory_read_bits = 800;
    t.activation_memory_write_bits = 8;
    t.off_chip_read_bits = 7;
    t.off_chip_write_bits = 3;
    const EnergyBreakdown e = layer_energy(c, sips, t, 200);
    CHECK(e.sip_lanes_pj == 250);
    CHECK(e.adder_trees_pj == 200);
    CHECK(e.accumulators_pj == 150);
    CHECK(e.weight_buffer_pj == 50);
    CHECK(e.activation_memory_pj == 101);
    CHECK(e.off_chip_pj == 100);
    CHECK(e.static_pj == 4000);  // 10 mW x 200 cycles / 0.5 GHz = 10 mW x 400 ns
    CHECK(e.total_pj() == 4851);

    EnergyBreakdown sum = e;
    sum += e;
    CHECK(sum.total_pj() == 2 * 4851);
    CHECK(sum.off_chip_pj == 200);
}

TEST_CASE("energy: no events, no dynamic energy", "[sim][energy]") {
    const EnergyBreakdown e = layer_energy(AcceleratorConfig{}, SipEvents{}, Traffic{}, 1000);
    CHECK(e.total_pj() == 0);  // the shipped designs model no static power
}
