// Laws a Stripes-style model must obey (issue 3, item 5), checked on the analytic model; the
// cycle-level model runs the same laws. Hand-computed expectations state their arithmetic.
#include "mapping_fixtures.hpp"

#include "serialq/common/network_loader.hpp"
#include "serialq/sim/analytic_model.hpp"

#include <catch2/catch.hpp>

using namespace serialq;
using namespace serialq::sim;
using namespace serialq::sim::test;

namespace {

std::vector<int> weight_layer_indices(const Network& net) {
    std::vector<int> out;
    for (const Layer* l : net.weight_layers())
        out.push_back(static_cast<int>(l - net.layers.data()));
    return out;
}

long long ceil_div(long long a, long long b) { return (a + b - 1) / b; }
}  // namespace

TEST_CASE("laws: compute cycles scale exactly with the serial precision", "[sim][laws]") {
    std::mt19937_64 rng(3);
    for (int i = 0; i < 500; ++i) {
        RandomCase rc = random_case(rng);
        rc.config.bits_per_cycle = 1;
        AnalyticModel model(rc.config);
        const long long one = model
                                  .run_layer(rc.net, rc.layer_index,
                                             serial_spec(model.config(), rc.net, rc.layer_index, 1))
                                  .compute_cycles;
        INFO(rc.describe());
        for (int b = 1; b <= rc.config.max_bits; ++b) {
            const long long cycles =
                model
                    .run_layer(rc.net, rc.layer_index,
                               serial_spec(model.config(), rc.net, rc.layer_index, b))
                    .compute_cycles;
            if (rc.config.serial == SerialOperand::None)
                CHECK(cycles == one);  // bits: storage only
            else
                CHECK(cycles == b * one);
        }
    }
    // The shipped serial designs on every weight layer of AlexNet and MobileNet.
    for (const char* name : {"stripes", "stripes-act", "loom"}) {
        AnalyticModel model(shipped_accel(name));
        for (const char* t : {"alexnet", "mobilenet-v1"}) {
            const Network net = shipped_trace(t);
            for (int index : weight_layer_indices(net)) {
                const long long one =
                    model.run_layer(net, index, serial_spec(model.config(), net, index, 1))
                        .compute_cycles;
                for (int b : {2, 5, 8, 13, 16})
                    CHECK(model.run_layer(net, index, serial_spec(model.config(), net, index, b))
                              .compute_cycles == b * one);
            }
        }
    }
}

// Stripes (Judd et al., MICRO 2016) against DaDianNao. A DaDianNao tile multiplies 16 filters x
// 16 terms of one window per cycle. A Stripes tile holds 16 filters x 16 windows SIPs of 16 lanes
// and takes p cycles for the same 16 terms, so per p cycles it covers 16 windows where DaDianNao
// covers p: on a conv layer with P output positions (one input sample)
//   DaDianNao: filter_blocks x P x chunks cycles
//   Stripes:   filter_blocks x ceil(P / 16) x chunks x p cycles
// Equal at p = 16 when P is a multiple of 16; 16/p times faster below; a partial last window
// block costs the factor 16 x ceil(P/16) / P. FC layers have one window: Stripes gives each SIP
// its own filter and must load 16 weights x 16 bits per SIP from the weight buffer for each
// chunk, 65536 bits per tile at 4096 bits per cycle, so 16 cycles a chunk at any p: the same
// time as DaDianNao, which the paper reports for FC layers.
TEST_CASE("laws: Stripes at full precision matches DaDianNao and speeds up 16/p", "[sim][laws]") {
    AnalyticModel stripes(shipped_accel("stripes-act"));
    AnalyticModel dadn(shipped_accel("dadiannao"));
    int convs = 0, fcs = 0, exact = 0;
    for (const char* t : {"alexnet", "resnet18", "vgg11", "resnet20"}) {
        const Network net = shipped_trace(t);
        for (int index : weight_layer_indices(net)) {
            const LayerMapping m(stripes.config(), net, index,
                                 serial_spec(stripes.config(), net, index, 16));
            const long long p_positions = m.positions();
            const LayerReport base =
                dadn.run_layer(net, index, serial_spec(dadn.config(), net, index, 16));
            INFO(t << " " << m.layer().name);
            if (m.arrangement() == Arrangement::Windows) {
                ++convs;
                for (int p : {16, 8, 4, 1}) {
                    const LayerReport s =
                        stripes.run_layer(net, index, serial_spec(stripes.config(), net, index, p));
                    CHECK(s.compute_cycles * p_positions ==
                          base.compute_cycles * p * ceil_div(p_positions, 16));
                }
                if (p_positions % 16 == 0) {
                    ++exact;
                    CHECK(
                        stripes.run_layer(net, index, serial_spec(stripes.config(), net, index, 16))
                            .compute_cycles == base.compute_cycles);
                    CHECK(
                        base.compute_cycles ==
                        2 * stripes
                                .run_layer(net, index, serial_spec(stripes.config(), net, index, 8))
                                .compute_cycles);
                }
            } else if (m.layer().out_channels() % 4096 == 0) {
                ++fcs;
                const LayerMapping dm(dadn.config(), net, index,
                                      serial_spec(dadn.config(), net, index, 16));
                for (int p : {16, 8, 2}) {
                    const LayerMapping sm(stripes.config(), net, index,
                                          serial_spec(stripes.config(), net, index, p));
                    CHECK(sm.totals().busy_cycles == dm.totals().busy_cycles);
                }
            }
        }
    }
    CHECK(convs > 40);
    CHECK(exact > 10);
    CHECK(fcs == 2);  // AlexNet fc6 and fc7
}

TEST_CASE("laws: energy grows monotonically with bits", "[sim][laws]") {
    for (const char* name : {"stripes", "stripes-act", "loom", "dadiannao"}) {
        AnalyticModel model(shipped_accel(name));
        const bool serial = model.config().serial != SerialOperand::None;
        for (const char* t : {"lenet", "resnet20", "alexnet", "mobilenet-v1"}) {
            const Network net = shipped_trace(t);
            for (int index : weight_layer_indices(net)) {
                double previous = 0;
                for (int b = 1; b <= model.config().max_bits; ++b) {
                    const double e =
                        model.run_layer(net, index, serial_spec(model.config(), net, index, b))
                            .energy_pj();
                    INFO(name << " " << t << " layer " << index << " bits " << b);
                    if (serial)
                        CHECK(e > previous);
                    else
                        CHECK(e >= previous);
                    previous = e;
                }
            }
        }
    }
    std::mt19937_64 rng(11);
    for (int i = 0; i < 500; ++i) {
        RandomCase rc = random_case(rng);
        rc.config.energy.static_power = {3, 2, 1, 4};
        AnalyticModel model(rc.config);
        double previous = 0;
        for (int b = 1; b <= rc.config.max_bits; ++b) {
            const double e = model
                                 .run_layer(rc.net, rc.layer_index,
                                            serial_spec(model.config(), rc.net, rc.layer_index, b))
                                 .energy_pj();
            INFO(rc.describe() << " bits " << b);
            CHECK(e >= previous);
            previous = e;
        }
    }
}

// small_config(): 2 tiles x 4 filters x 4 windows SIPs of 4 lanes, weights serial, 8-bit
// activations, 512-bit buffer ports, 1 GHz, 1000 GB/s = 8000 bits per cycle, 10 cycles latency,
// pipeline 3. Every step below reads at most 4 x 4 x 8 = 128 bits from each buffer (1 cycle), so
// a step takes p cycles, and every layer's weights arrive in one cycle after the latency:
// F_0 = 10 + 1 = 11 cycles, exposed before the first pass.
TEST_CASE("laws: edge shapes map as computed by hand", "[sim][laws]") {
    AnalyticModel model(small_config());
    const auto run = [&](const Network& net, int bits) {
        return model.simulate_layer(net, weight_layer_index(net), bits);
    };

    SECTION("1x1 conv") {
        // 8 -> 8 channels on 4x4: 16 positions = 4 window blocks, reduction 8 = 2 chunks, one
        // pass of 8 filters; p = 4: 4 x 2 x 4 = 32 cycles.
        const LayerReport r = run(conv_network({8, 4, 4, 8, 1, 1, 1, 0, 1}), 4);
        CHECK(r.compute_cycles == 32);
        CHECK(r.total_cycles == 11 + 32 + 3);
        CHECK(r.stall_cycles == 11);
        CHECK(r.traffic.off_chip_read_bits == 8 * 8 * 4);
    }
    SECTION("stride 2 with padding") {
        // 4 -> 4 channels, 3x3, stride 2, padding 1 on 8x8: (8 + 2 - 3) / 2 + 1 = 4, so 16
        // positions = 4 window blocks; reduction 36 = 9 chunks; p = 8: 4 x 9 x 8 = 288.
        const LayerReport r = run(conv_network({4, 8, 8, 4, 3, 3, 2, 1, 1}), 8);
        CHECK(r.compute_cycles == 288);
        CHECK(r.total_cycles == 11 + 288 + 3);
        CHECK(r.macs == 4 * 16 * 36);
    }
    SECTION("padding, two filter blocks") {
        // 5 -> 11 channels, 3x3, padding 1 on 6x6: 36 positions = 9 window blocks; reduction 45
        // = 12 chunks (the last with 1 lane); 11 filters = a pass of 8 and a pass of 3;
        // p = 4: each pass 9 x 12 x 4 = 432 cycles; the second pass's weights (3 x 45 x 4 bits)
        // arrive during the first: 11 + 432 + 432 + 3.
        const LayerReport r = run(conv_network({5, 6, 6, 11, 3, 3, 1, 1, 1}), 4);
        CHECK(r.compute_cycles == 864);
        CHECK(r.total_cycles == 878);
    }
    SECTION("depthwise") {
        // 8 channels, groups 8, 3x3, padding 1 on 6x6: 8 passes of one filter, each 36
        // positions = 9 window blocks x 3 chunks (reduction 9) x p = 3: 81 cycles.
        const LayerReport r = run(conv_network({8, 6, 6, 8, 3, 3, 1, 1, 8}), 3);
        CHECK(r.compute_cycles == 8 * 81);
        CHECK(r.total_cycles == 11 + 8 * 81 + 3);
        CHECK(r.utilization == Approx(8.0 * 36 * 9 * 3 / (662.0 * 128)));
    }
    SECTION("FC with 10 outputs") {
        // 64 inputs -> 10 outputs: one position, so each of a tile's 16 SIPs takes a filter; all
        // 10 on tile 0; reduction 64 = 16 chunks x p = 4: 64 cycles.
        const LayerReport r = run(fc_network(4, 4, 4, 10), 4);
        CHECK(r.compute_cycles == 64);
        CHECK(r.total_cycles == 11 + 64 + 3);
        CHECK(r.traffic.weight_buffer_read_bits == 10 * 64 * 4);
    }
    SECTION("a layer smaller than the array") {
        // 2 -> 3 channels, 2x2 kernel on 3x3: 4 positions (one window block), reduction 8 = 2
        // chunks, p = 2: 4 cycles; 3 of 32 SIP rows and all 4 columns busy.
        const LayerReport r = run(conv_network({2, 3, 3, 3, 2, 2, 1, 0, 1}), 2);
        CHECK(r.compute_cycles == 4);
        CHECK(r.total_cycles == 18);
        CHECK(r.utilization == Approx(3.0 * 4 * 8 * 2 / (18.0 * 128)));
    }
    SECTION("a stall only when the data is late") {
        // The two-block conv above at 0.1 GB/s (0.8 bits per cycle): pass 0's 1440 weight bits
        // take 10 + 1800 cycles, pass 1's 540 bits 10 + 675 > its predecessor's 432 cycles.
        AcceleratorConfig slow = small_config();
        slow.off_chip.bandwidth_gb_per_s = 0.1;
        AnalyticModel m(slow);
        const Network net = conv_network({5, 6, 6, 11, 3, 3, 1, 1, 1});
        const LayerReport r = m.run_layer(net, 1, serial_spec(m.config(), net, 1, 4));
        CHECK(r.compute_cycles == 864);
        CHECK(r.total_cycles == 1810 + 685 + 432 + 3);
        CHECK(r.stall_cycles == r.total_cycles - 864 - 3);
    }
}

TEST_CASE("laws: AlexNet conv1 on the shipped Stripes, by hand", "[sim][laws]") {
    // conv1: 3 -> 96 channels, 11x11, stride 4 on 227x227: 55 x 55 = 3025 positions = 190 window
    // blocks of 16 (the last holds 1); reduction 363 = 23 chunks of 16 lanes (the last 11); 96
    // filters fit one pass. Weights serial at 8 bits: a step reads 16 x 16 x 8 weight bits and
    // 16 x 16 x 16 activation bits through 4096-bit ports (1 cycle each), so takes 8 cycles:
    // 190 x 23 x 8 = 34960. The channel moves 256 GB/s / 0.98 GHz = 2089.8 bits per cycle after
    // ceil(100 ns x 0.98) = 98 cycles of latency.
    const Network net = shipped_trace("alexnet");
    AcceleratorConfig config = shipped_accel("stripes");
    SECTION("resident weights (the shipped design): only the network input comes from off-chip") {
        // 3 x 227 x 227 x 16 = 2473392 bits: ceil(1183.56) = 1184 cycles.
        AnalyticModel model(config);
        const LayerReport r = model.simulate_layer(net, 0, 8);
        CHECK(r.weights_resident);
        CHECK(r.compute_cycles == 34960);
        CHECK(r.stall_cycles == 98 + 1184);
        CHECK(r.total_cycles == 98 + 1184 + 34960 + 3);
        CHECK(r.traffic.off_chip_read_bits == 2473392);
        CHECK(r.traffic.weight_buffer_write_bits == 0);
    }
    SECTION("streamed weights: pass 0 also fetches them") {
        // 96 x 363 x 8 = 278784 weight bits more: ceil(1316.96) = 1317 cycles.
        config.weights = WeightResidency::Streamed;
        AnalyticModel model(config);
        const LayerReport r = model.simulate_layer(net, 0, 8);
        CHECK(!r.weights_resident);
        CHECK(r.compute_cycles == 34960);
        CHECK(r.stall_cycles == 98 + 1317);
        CHECK(r.total_cycles == 98 + 1317 + 34960 + 3);
        CHECK(r.traffic.off_chip_read_bits == 278784 + 2473392);
    }
}

// Loom (Sharify et al., DAC 2018) against a bit-parallel design of the same peak: loom.yaml has
// DaDianNao's 4096 16b x 16b MACs per cycle (16 tiles x 16 filters x 256 windows SIPs of 16
// 1b x 1b lanes, 256 cycles per chunk at 16 x 16 bits). [LM]'s abstract: on conv layers the
// time scales inversely with both precisions; on FC layers with the weights' precision only.
TEST_CASE("laws: Loom against DaDianNao, a bit-parallel design of equal peak", "[sim][laws]") {
    AcceleratorConfig loom_config = shipped_accel("loom");
    loom_config.weights = WeightResidency::Resident;  // compare the arrays, not the channels
    AnalyticModel loom(loom_config);
    AnalyticModel dadn(shipped_accel("dadiannao"));
    const auto loom_layer = [&](const Network& net, int index, int w, int a) {
        LayerSpec s = single_layer_spec(loom.config(), net, index, w);
        s.activation_bits = a;
        return LayerMapping(loom.config(), net, index, s);
    };
    int convs = 0, fcs = 0;
    for (const char* t : {"alexnet", "vgg11", "resnet18"}) {
        const Network net = shipped_trace(t);
        for (int index : weight_layer_indices(net)) {
            const LayerMapping d(dadn.config(), net, index,
                                 single_layer_spec(dadn.config(), net, index, 16));
            const LayerMapping m16 = loom_layer(net, index, 16, 16);
            INFO(t << " " << m16.layer().name);
            if (m16.arrangement() == Arrangement::Windows) {
                // Loom: NFB x ceil(P / 256) x chunks x pw x pa; DaDianNao: NFB x P x chunks.
                ++convs;
                const long long p = m16.positions();
                for (auto [w, a] : {std::pair{16, 16}, {8, 8}, {4, 6}, {2, 1}})
                    CHECK(loom_layer(net, index, w, a).totals().compute_cycles * p ==
                          d.totals().compute_cycles * w * a * ceil_div(p, 256));
            } else {
                // FC: each activation digit on its own SIP column, 16 filters x 16 rows' worth
                // per tile: the same time as DaDianNao at 16 bits, 16/pw times less below,
                // whatever the activations' precision. (Before, a filter took one SIP for
                // pw x pa cycles: 0.03-0.13x DaDianNao.)
                if (m16.layer().out_channels() % 4096 != 0) continue;
                ++fcs;
                const long long base = d.totals().busy_cycles;
                CHECK(m16.totals().busy_cycles == base);
                CHECK(loom_layer(net, index, 16, 4).totals().busy_cycles == base);
                CHECK(loom_layer(net, index, 8, 16).totals().busy_cycles * 2 == base);
                CHECK(loom_layer(net, index, 4, 9).totals().busy_cycles * 4 == base);
            }
        }
    }
    CHECK(convs > 20);
    CHECK(fcs == 2);  // AlexNet fc6 and fc7
}
