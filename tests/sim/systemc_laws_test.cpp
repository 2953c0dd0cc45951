// The laws of issue 3 (item 5) on the cycle-level model: what the Stripes, Loom and DaDianNao
// papers derive must come out of the simulation, not only out of the closed form.
#include "mapping_fixtures.hpp"

#include "serialq/common/network_loader.hpp"
#include "serialq/sim/hardware_model.hpp"

#include <catch2/catch.hpp>

using namespace serialq;
using namespace serialq::sim;
using namespace serialq::sim::test;

namespace {

long long ceil_div(long long a, long long b) { return (a + b - 1) / b; }

}  // namespace

TEST_CASE("systemc laws: compute cycles scale exactly with the serial precision",
          "[sim][systemc][laws]") {
    for (const std::string trace : {"lenet", "resnet20"}) {
        const Network net = shipped_trace(trace);
        for (const std::string name : {"stripes", "stripes-act", "loom"}) {
            auto model = make_hardware_model("cycle", shipped_accel(name));
            for (const Layer* l : net.weight_layers()) {
                const int index = static_cast<int>(l - net.layers.data());
                const LayerReport one =
                    model->run_layer(net, index, serial_spec(model->config(), net, index, 1));
                for (int bits = 2; bits <= 16; ++bits) {
                    const LayerReport r = model->run_layer(
                        net, index, serial_spec(model->config(), net, index, bits));
                    INFO(trace << " on " << name << ", " << l->name << " at " << bits << " bits");
                    CHECK(r.compute_cycles == bits * one.compute_cycles);
                    CHECK(r.macs == one.macs);
                }
            }
        }
    }
}

TEST_CASE("systemc laws: bit-parallel compute does not depend on the bits",
          "[sim][systemc][laws]") {
    const Network net = shipped_trace("lenet");
    auto model = make_hardware_model("cycle", shipped_accel("dadiannao"));
    const LayerReport base = model->run_layer(net, 2, serial_spec(model->config(), net, 2, 16));
    for (int bits = 1; bits < 16; ++bits) {
        const LayerReport r = model->run_layer(net, 2, serial_spec(model->config(), net, 2, bits));
        CHECK(r.compute_cycles == base.compute_cycles);
        CHECK(r.traffic.weight_buffer_read_bits <
              base.traffic.weight_buffer_read_bits);  // narrower weights
    }
}

TEST_CASE("systemc laws: Stripes at p bits vs DaDianNao, as the Stripes paper derives",
          "[sim][systemc][laws]") {
    // Stripes (Judd et al., MICRO 2016, section 3): each tile has 16 x 16 SIPs where DaDianNao
    // has 16 filters x 16-lane multipliers; a SIP column per window makes up for the 16 cycles a
    // 16-bit serial operand takes, so at 16 bits Stripes matches DaDianNao and at p bits it is
    // 16 / p times faster, up to the rounding of the windows to 16 (conv) or of the filters to
    // 4096 vs 256 (FC, where the 16 columns hold 16 filters).
    const AcceleratorConfig str = shipped_accel("stripes-act"), dadn = shipped_accel("dadiannao");
    auto s = make_hardware_model("cycle", str);
    auto d = make_hardware_model("cycle", dadn);
    for (const std::string trace : {"lenet", "alexnet", "resnet20"}) {
        const Network net = shipped_trace(trace);
        for (const Layer* l : net.weight_layers()) {
            const int index = static_cast<int>(l - net.layers.data());
            const LayerReport base =
                d->run_layer(net, index, serial_spec(d->config(), net, index, 16));
            const long long positions = static_cast<long long>(l->output.height) * l->output.width;
            for (int bits : {16, 8, 5, 1}) {
                const LayerReport r =
                    s->run_layer(net, index, serial_spec(s->config(), net, index, bits));
                INFO(trace << " " << l->name << " at " << bits << " bits");
                if (positions > 1) {
                    // conv: DaDN takes positions steps per chunk, Stripes ceil(positions/16) x p.
                    CHECK(r.compute_cycles * positions ==
                          base.compute_cycles * bits * ceil_div(positions, 16));
                    if (bits == 16 && positions % 16 == 0)
                        CHECK(r.compute_cycles == base.compute_cycles);
                } else {
                    // FC: filter blocks of 4096 (Stripes) vs 256 (DaDN) per pass.
                    const long long f = l->out_channels();
                    CHECK(r.compute_cycles * ceil_div(f, 256) ==
                          base.compute_cycles * bits * ceil_div(f, 4096));
                }
            }
        }
    }
}

TEST_CASE("systemc laws: energy grows with the bits", "[sim][systemc][laws]") {
    const Network net = shipped_trace("lenet");
    for (const std::string name : {"stripes", "stripes-act", "loom", "dadiannao"}) {
        auto model = make_hardware_model("cycle", shipped_accel(name));
        for (const Layer* l : net.weight_layers()) {
            const int index = static_cast<int>(l - net.layers.data());
            double previous = 0;
            for (int bits = 1; bits <= 16; ++bits) {
                const double e =
                    model->run_layer(net, index, serial_spec(model->config(), net, index, bits))
                        .energy_pj();
                INFO(name << " " << l->name << " at " << bits << " bits");
                CHECK(e > previous);
                previous = e;
            }
        }
    }
}

TEST_CASE("systemc laws: edge shapes map onto the array correctly", "[sim][systemc][laws]") {
    // small_config: 2 tiles x 4 filters x 4 windows, 4 lanes, weights serial.
    const AcceleratorConfig c = small_config();
    auto cycle = make_hardware_model("cycle", c);
    auto analytic = make_hardware_model("analytic", c);
    const int bits = 3;
    struct Case {
        const char* what;
        Network net;
        long long compute_cycles;  // derived by hand from the geometry
    };
    const Case cases[] = {
        // 1x1, 6 -> 8 channels on 5x5: 25 positions -> 7 window blocks, 6 terms -> 2 chunks.
        {"1x1", conv_network({6, 5, 5, 8, 1, 1, 1, 0, 1}), 7 * 2 * bits},
        // 3x3 stride 2 on 9x9, no padding: 4x4 = 16 positions -> 4 blocks; 27 terms -> 7 chunks.
        {"stride 2", conv_network({3, 9, 9, 8, 3, 3, 2, 0, 1}), 4 * 7 * bits},
        // 3x3 padding 1 on 4x4 keeps 4x4: 4 blocks; 2 filter blocks (12 filters, 8 per pass).
        {"padding", conv_network({2, 4, 4, 12, 3, 3, 1, 1, 1}), 2 * 4 * 5 * bits},
        // depthwise 3x3 on 6 channels of 6x6, padding 1: 6 groups x 9 blocks x 3 chunks.
        {"depthwise", conv_network({6, 6, 6, 6, 3, 3, 1, 1, 6}), 6 * 9 * 3 * bits},
        // FC with 10 outputs over 40 features: the 10 filters fit one pass (32 SIPs), 10 chunks.
        {"fc 10", fc_network(10, 2, 2, 10), 10 * bits},
        // smaller than the array in every dimension: 1 filter, 1 position, 2 terms.
        {"tiny", conv_network({2, 1, 1, 1, 1, 1, 1, 0, 1}), 1 * bits},
    };
    for (const Case& k : cases) {
        const int index = weight_layer_index(k.net);
        const LayerReport r =
            cycle->run_layer(k.net, index, serial_spec(cycle->config(), k.net, index, bits));
        const LayerReport a =
            analytic->run_layer(k.net, index, serial_spec(analytic->config(), k.net, index, bits));
        INFO(k.what);
        CHECK(r.compute_cycles == k.compute_cycles);
        CHECK(r.macs == k.net.layers[static_cast<std::size_t>(index)].macs());
        CHECK(r.total_cycles == a.total_cycles);
        CHECK(r.utilization > 0);
        CHECK(r.utilization <= 1);
    }
}
