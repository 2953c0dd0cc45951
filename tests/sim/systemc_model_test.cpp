// The cycle-level SystemC model as its users drive it: whole networks, many models and
// configurations in one process (one elaborated design), errors before any simulation.
#include "mapping_fixtures.hpp"
#include "same_report.hpp"

#include "serialq/common/error.hpp"
#include "serialq/common/network_loader.hpp"
#include "serialq/sim/hardware_model.hpp"

#include <catch2/catch.hpp>

using namespace serialq;
using namespace serialq::sim;
using namespace serialq::sim::test;

TEST_CASE("systemc: every shipped trace on every shipped accelerator equals the analytic model",
          "[sim][systemc]") {
    for (const std::string trace :
         {"lenet", "simplenet", "svhn", "svhn-dorefa", "vgg11", "resnet20", "alexnet",
          "alexnet-dorefa", "mobilenet-v1", "resnet18", "resnet50"}) {
        const Network net = shipped_trace(trace);
        for (const std::string name : {"stripes", "stripes-act", "loom", "dadiannao"}) {
            const AcceleratorConfig c = shipped_accel(name);
            auto cycle = make_hardware_model("cycle", c);
            auto analytic = make_hardware_model("analytic", c);
            // Mixed precisions: 8 at the ends, 4 inside (as ReLeQ's solutions look).
            std::vector<int> bits(net.weight_layer_count(), 4);
            bits.front() = bits.back() = 8;
            const NetworkReport r = cycle->simulate(net, LayerBits(bits));
            const NetworkReport a = analytic->simulate(net, LayerBits(bits));
            INFO(trace << " on " << name);
            CHECK(r.model == "cycle");
            CHECK(r.network == net.name);
            CHECK(r.accelerator == name);
            REQUIRE(r.layers.size() == a.layers.size());
            for (std::size_t i = 0; i < r.layers.size(); ++i)
                check_same_layer_report(r.layers[i], a.layers[i]);
            check_same_layer_report(r.total, a.total);
            CHECK(r.total.macs == net.total_macs());
        }
    }
}

TEST_CASE("systemc: many models and configurations share one elaborated design", "[sim][systemc]") {
    // Models made one after another and used interleaved (as the RL loop and sweeps do) give
    // the same reports as each alone: nothing of one layer leaks into the next.
    const Network net = shipped_trace("lenet");
    std::vector<std::unique_ptr<HardwareModel>> cycle, analytic;
    for (const std::string name : {"stripes", "loom", "dadiannao", "stripes-act"}) {
        cycle.push_back(make_hardware_model("cycle", shipped_accel(name)));
        analytic.push_back(make_hardware_model("analytic", shipped_accel(name)));
    }
    for (int round = 0; round < 3; ++round)
        for (std::size_t m = 0; m < cycle.size(); ++m)
            for (int layer : {0, 2, 4, 5})
                for (int bits : {2, 8}) {
                    INFO("model " << m << " layer " << layer << " bits " << bits);
                    check_same_layer_report(cycle[m]->simulate_layer(net, layer, bits),
                                            analytic[m]->simulate_layer(net, layer, bits));
                }
    // A model created after the design has run many layers still works.
    auto late = make_hardware_model("cycle", small_config());
    const Network conv = conv_network({5, 6, 6, 11, 3, 3, 1, 1, 1});
    check_same_layer_report(
        late->simulate_layer(conv, 1, 3),
        make_hardware_model("analytic", small_config())->simulate_layer(conv, 1, 3));
}

TEST_CASE("systemc: bad requests fail before simulating and leave the model usable",
          "[sim][systemc]") {
    const Network net = shipped_trace("lenet");
    auto model = make_hardware_model("cycle", shipped_accel("stripes"));
    CHECK(model->name() == "cycle");
    CHECK(model->config().name == "stripes");
    REQUIRE_THROWS_WITH(model->simulate(net, {8, 8}),
                        "lenet: bits 8,8: found 2 bitwidths, expected 4 (one per conv/fc layer)");
    // Beyond the accelerator's range (here max_bits 8), named by the mapping with its layer.
    AcceleratorConfig narrow = shipped_accel("stripes");
    narrow.max_bits = 8;
    REQUIRE_THROWS_WITH(make_hardware_model("cycle", narrow)->simulate(net, {8, 12, 8, 8}),
                        "layer 2 (conv2): bits: found 12 weight bits, expected 1..8 on stripes");
    REQUIRE_THROWS_WITH(model->simulate_layer(net, 1, 8),
                        "layer 1 (pool1): a maxpool layer has no weights to map onto the array");
    AcceleratorConfig bad = shipped_accel("stripes");
    bad.min_bits = 9;
    bad.max_bits = 8;
    REQUIRE_THROWS_AS(make_hardware_model("cycle", bad), ConfigError);
    const LayerReport r = model->simulate_layer(net, 0, 8);
    CHECK(r.total_cycles > 0);
    CHECK(r.macs == net.layers[0].macs());
}
