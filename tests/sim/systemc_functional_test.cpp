// Functional mode wired into the cycle-level model: while the SystemC design simulates a layer,
// its tile array computes every step with the SIP cores. The outputs equal the reference
// integer convolution bit-exactly, and the report is the timing-only model's.
#include "functional_fixtures.hpp"
#include "mapping_fixtures.hpp"

#include "serialq/common/error.hpp"
#include "serialq/sim/cycle_model.hpp"
#include "serialq/sim/functional.hpp"
#include "serialq/sim/hardware_model.hpp"

#include <catch2/catch.hpp>

#include <random>

using namespace serialq;
using namespace serialq::sim;
using namespace serialq::sim::test;

TEST_CASE("systemc functional: the simulated SIPs compute every layer exactly",
          "[sim][systemc][functional]") {
    std::mt19937_64 rng(31);
    int per_serial[4] = {0, 0, 0, 0};
    for (int i = 0; i < 300; ++i) {
        RandomCase rc = random_case(rng);
        rc.config.batch = 1;  // functional operands are one input's
        const Layer& l = rc.net.layers[static_cast<std::size_t>(rc.layer_index)];
        const FunctionalOptions opts{i % 2 == 0};
        const LayerOperands ops = random_operands(rng, l, weight_format(rc.spec.weight_bits),
                                                  activation_format(rc.spec.activation_bits, opts));
        const CycleFunctionalRun run =
            simulate_layer_functional(rc.config, rc.net, rc.layer_index, rc.spec, ops, opts);
        const LayerReport timing =
            make_hardware_model("cycle", rc.config)->run_layer(rc.net, rc.layer_index, rc.spec);
        INFO("case " << i << ": " << rc.describe());
        REQUIRE(run.functional.outputs == reference_layer(l, ops));
        CHECK(run.report.total_cycles == timing.total_cycles);
        CHECK(run.report.compute_cycles == timing.compute_cycles);
        CHECK(run.report.energy_pj() == timing.energy_pj());
        // The SIP cores counted the events the tile array counted for energy.
        CHECK(run.functional.compute_cycles == run.report.compute_cycles);
        CHECK(static_cast<double>(run.functional.events.lane_cycles) * rc.config.energy.lane_pj ==
              run.report.energy.sip_lanes_pj);
        CHECK(static_cast<double>(run.functional.events.adder_tree_cycles) *
                  rc.config.energy.adder_tree_pj ==
              run.report.energy.adder_trees_pj);
        ++per_serial[static_cast<int>(rc.config.serial)];
    }
    for (int count : per_serial) CHECK(count > 40);  // every serial operand was exercised
}

TEST_CASE("systemc functional: operands are checked before the simulation",
          "[sim][systemc][functional]") {
    const AcceleratorConfig c = small_config();
    const Network net = conv_network({2, 4, 4, 3, 3, 3, 1, 1, 1});
    LayerOperands ops;
    ops.weights.assign(static_cast<std::size_t>(net.layers[1].weights()), 1);
    ops.activations.assign(static_cast<std::size_t>(net.layers[1].input.elements()), 1);
    ops.activations[5] = -1;  // unsigned activations by default
    CHECK_THROWS_WITH(
        simulate_layer_functional(c, net, 1, single_layer_spec(c, net, 1, 4), ops),
        Catch::Contains("activations[5]: found -1, expected an unsigned 8-bit value"));
    ops.activations[5] = 1;
    const CycleFunctionalRun run =
        simulate_layer_functional(c, net, 1, single_layer_spec(c, net, 1, 4), ops);
    CHECK(run.functional.outputs == reference_layer(net.layers[1], ops));
}
