// The analytic model: its reports are the mapping's schedule, priced by the energy table, and
// it runs every shipped trace on every shipped accelerator.
#include "mapping_fixtures.hpp"

#include "serialq/common/error.hpp"
#include "serialq/common/network_loader.hpp"
#include "serialq/sim/analytic_model.hpp"
#include "serialq/sim/energy.hpp"
#include "serialq/sim/hardware_model.hpp"

#include <catch2/catch.hpp>

using namespace serialq;
using namespace serialq::sim;
using namespace serialq::sim::test;

namespace {
const std::vector<std::string> kAccels{"stripes", "stripes-act", "loom", "dadiannao"};
const std::vector<std::string> kTraces{"lenet",        "simplenet", "svhn",    "svhn-dorefa",
                                       "vgg11",        "resnet20",  "alexnet", "alexnet-dorefa",
                                       "mobilenet-v1", "resnet18",  "resnet50"};
}  // namespace

TEST_CASE("analytic: a layer's report is its schedule priced by the energy table",
          "[sim][analytic]") {
    std::mt19937_64 rng(7);
    for (int i = 0; i < 1000; ++i) {
        RandomCase rc = random_case(rng);
        rc.config.energy.static_power.sip_array_mw = 5;
        const LayerMapping m(rc.config, rc.net, rc.layer_index, rc.spec);
        const LayerTotals t = reference_totals(m, false);
        AnalyticModel model(rc.config);
        const LayerReport r = model.run_layer(rc.net, rc.layer_index, rc.spec);
        INFO(rc.describe());
        CHECK(r.name == m.layer().name);
        CHECK(r.layer_index == rc.layer_index);
        CHECK(r.bits == rc.spec.weight_bits);
        CHECK(r.act_bits == rc.spec.activation_bits);
        CHECK(r.total_cycles == t.total_cycles);
        CHECK(r.compute_cycles == t.compute_cycles);
        CHECK(r.stall_cycles == t.total_cycles - t.compute_cycles - rc.config.pipeline_cycles);
        CHECK(r.stall_cycles >= 0);
        CHECK(r.macs == m.layer().macs() * rc.config.batch);  // the batch's MACs
        CHECK(r.traffic.off_chip_read_bits == t.offchip_read_bits);
        CHECK(r.traffic.activation_memory_write_bits == t.activation_memory_write_bits);
        CHECK(r.utilization > 0);
        CHECK(r.utilization <= 1);
        const EnergyBreakdown e = layer_energy(
            rc.config, SipEvents{t.active_lane_cycles, t.active_sip_cycles, t.active_sip_cycles},
            r.traffic, t.total_cycles);
        CHECK(r.energy_pj() == Approx(e.total_pj()).epsilon(1e-12));
        CHECK(r.energy.static_pj ==
              Approx(5.0 * static_cast<double>(t.total_cycles) / rc.config.clock_ghz));
    }
}

TEST_CASE("analytic: every shipped trace runs on every shipped accelerator", "[sim][analytic]") {
    for (const auto& trace : kTraces) {
        const Network net = shipped_trace(trace);
        for (const auto& name : kAccels) {
            auto model = make_hardware_model("analytic", shipped_accel(name));
            const std::vector<int> bits(net.weight_layer_count(), 8);
            const NetworkReport r = model->simulate(net, LayerBits(bits));
            INFO(trace << " on " << name);
            CHECK(r.network == net.name);
            CHECK(r.accelerator == name);
            CHECK(r.model == "analytic");
            REQUIRE(r.layers.size() == net.weight_layer_count());
            long long cycles = 0, macs = 0;
            double energy = 0;
            for (const auto& l : r.layers) {
                cycles += l.total_cycles;
                macs += l.macs;
                energy += l.energy_pj();
                CHECK(l.utilization > 0);
                CHECK(l.utilization <= 1);
            }
            CHECK(r.total.total_cycles == cycles);
            CHECK(r.total.macs == net.total_macs());
            CHECK(macs == net.total_macs());
            CHECK(r.total.energy_pj() == Approx(energy));
            CHECK(r.total.bits == 8);
        }
    }
}

TEST_CASE("analytic: bits must match the weight layers and the accelerator", "[sim][analytic]") {
    const Network net = shipped_trace("lenet");
    auto model = make_hardware_model("analytic", shipped_accel("stripes"));
    REQUIRE_THROWS_WITH(model->simulate(net, {8, 8}),
                        "lenet: bits 8,8: found 2 bitwidths, expected 4 (one per conv/fc layer)");
    // Beyond the accelerator's range (here max_bits 8), named by the mapping with its layer.
    AcceleratorConfig narrow = shipped_accel("stripes");
    narrow.max_bits = 8;
    REQUIRE_THROWS_WITH(make_hardware_model("analytic", narrow)->simulate(net, {8, 12, 8, 8}),
                        "layer 2 (conv2): bits: found 12 weight bits, expected 1..8 on stripes");
    REQUIRE_THROWS_WITH(model->simulate_layer(net, 1, 8),
                        "layer 1 (pool1): a maxpool layer has no weights to map onto the array");
}

TEST_CASE("analytic: a figure past a 64-bit count is refused, not wrapped", "[sim][analytic]") {
    // Issue 16: off_chip_read_bits -562932774076416 and a negative energy, exit 0.
    const Network net =
        load_network(std::string(SERIALQ_TEST_DATA_DIR) + "/sim/spill-overflow.yaml");
    AcceleratorConfig c = shipped_accel("stripes");
    c.tiles = c.filters_per_tile = c.windows_per_tile = 1;
    c.weight_buffer.capacity_bytes = 32768;
    c.batch = 4096;
    REQUIRE_THROWS_WITH(make_hardware_model("analytic", c)->simulate(net, {8}),
                        "layer 0 (conv1) on stripes: off_chip_read_bits: found more than a 64-bit "
                        "count holds (131072 passes), expected a count that fits");
}

TEST_CASE("analytic: the model factory", "[sim][analytic]") {
    const AcceleratorConfig c = shipped_accel("stripes");
    CHECK(make_hardware_model("analytic", c)->name() == "analytic");
    CHECK(make_hardware_model("analytic", c)->config().name == "stripes");
    REQUIRE_THROWS_WITH(make_hardware_model("rtl", c),
                        "model: found 'rtl', expected one of cycle, analytic");
    CHECK(make_hardware_model("cycle", c)->name() == "cycle");
    AcceleratorConfig bad = c;
    bad.min_bits = 9;
    bad.max_bits = 8;
    REQUIRE_THROWS_AS(make_hardware_model("analytic", bad), ConfigError);
}
