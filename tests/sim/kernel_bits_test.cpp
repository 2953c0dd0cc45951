// Per-filter (kernel-wise) weight precision: a step lasts as long as its pass's widest filter,
// weights are stored and moved at each filter's own bits, the mapper's filter order never slows
// a layer, both models agree exactly, and a uniform assignment is the layer-wise one.
#include "functional_fixtures.hpp"
#include "mapping_fixtures.hpp"
#include "same_report.hpp"

#include "serialq/common/error.hpp"
#include "serialq/common/kernel_bits.hpp"
#include "serialq/sim/cycle_model.hpp"
#include "serialq/sim/functional.hpp"
#include "serialq/sim/hardware_model.hpp"
#include "serialq/sim/network_plan.hpp"

#include <catch2/catch.hpp>

#include <numeric>
#include <random>

using namespace serialq;
using namespace serialq::sim;
using namespace serialq::sim::test;

namespace {

// A 1x1 conv over 4 channels at 2x2: 4 positions (one window block), one lane chunk of 4 terms.
Network one_chunk_conv(int out_channels) { return conv_network({4, 2, 2, out_channels, 1, 1}); }

LayerSpec kernel_spec(std::vector<int> filter_bits, bool resident) {
    LayerSpec s;
    s.weight_bits = *std::max_element(filter_bits.begin(), filter_bits.end());
    s.activation_bits = 8;
    s.weights_resident = resident;
    s.filter_bits = std::move(filter_bits);
    return s;
}

long long sum(const std::vector<int>& v) { return std::accumulate(v.begin(), v.end(), 0LL); }

// Random kernel bits for a layer of `channels` filters up to `widest` (one filter at it).
std::vector<int> random_filters(std::mt19937_64& rng, int channels, int lo, int widest) {
    std::uniform_int_distribution<int> bits(lo, widest);
    std::vector<int> v(static_cast<std::size_t>(channels));
    for (int& b : v) b = bits(rng);
    v[std::uniform_int_distribution<std::size_t>(0, v.size() - 1)(rng)] = widest;
    return v;
}

KernelBits random_kernel_bits(std::mt19937_64& rng, const Network& net, BitsRange range) {
    std::vector<std::vector<int>> w;
    for (const Layer* l : net.weight_layers()) {
        const int widest = std::uniform_int_distribution<int>(range.min, range.max)(rng);
        w.push_back(random_filters(rng, l->out_channels(), range.min, widest));
    }
    return KernelBits(std::move(w));
}

void check_same(const LayerReport& c, const LayerReport& a) { check_same_layer_report(c, a); }

void check_same(const NetworkReport& c, const NetworkReport& a) {
    CHECK(c.bits == a.bits);
    CHECK(c.act_bits == a.act_bits);
    REQUIRE(c.layers.size() == a.layers.size());
    for (std::size_t i = 0; i < c.layers.size(); ++i)
        check_same_layer_report(c.layers[i], a.layers[i]);
    check_same(c.total, a.total);
    CHECK(c.weight_load.bits == a.weight_load.bits);
    CHECK(c.weight_load.cycles == a.weight_load.cycles);
}

bool same_totals(const LayerTotals& a, const LayerTotals& b) {
    return a.passes == b.passes && a.compute_cycles == b.compute_cycles &&
           a.busy_cycles == b.busy_cycles && a.total_cycles == b.total_cycles &&
           a.offchip_read_bits == b.offchip_read_bits &&
           a.offchip_write_bits == b.offchip_write_bits &&
           a.weight_buffer_read_bits == b.weight_buffer_read_bits &&
           a.weight_buffer_write_bits == b.weight_buffer_write_bits &&
           a.activation_memory_read_bits == b.activation_memory_read_bits &&
           a.activation_memory_write_bits == b.activation_memory_write_bits &&
           a.active_lane_cycles == b.active_lane_cycles &&
           a.active_sip_cycles == b.active_sip_cycles && a.macs == b.macs;
}

}  // namespace

TEST_CASE("kernel bits: a step lasts as long as its pass's widest filter", "[sim][kernel]") {
    // small_config: 2 tiles x 4 filters: all 8 filters in one pass, filter j on tile j % 2.
    const AcceleratorConfig c = small_config();
    const Network net = one_chunk_conv(8);
    const std::vector<int> bits{2, 2, 2, 2, 2, 2, 2, 7};
    const LayerMapping m(c, net, weight_layer_index(net), kernel_spec(bits, false));
    REQUIRE(m.passes() == 1);
    const Pass p = m.pass(0);
    CHECK(p.weight_bits == 7);
    CHECK(p.serial_cycles == 7);  // serial weights, 1 bit per cycle: the 7-bit filter's
    // Tile 1 holds filters 1, 3, 5, 7: 2 + 2 + 2 + 7 bits per lane.
    CHECK(p.busiest_tile_bits == 13);
    CHECK(m.tile_filter_bits(0, 0) == 8);
    const Step s = m.step(p, 0, 0);
    CHECK(s.serial_cycles == 7);
    CHECK(s.cycles() == 7);  // reads: 13 x 4 bits and 4 x 4 x 8 bits, one 512-bit row each
    const LayerTotals t = m.totals();
    CHECK(t.compute_cycles == 7);
    // Each SIP works its own filter's cycles: 4 windows x 4 lanes x (7 x 2 + 7).
    CHECK(t.active_lane_cycles == 4 * 4 * 21);
    CHECK(t.active_sip_cycles == 4 * 21);
    // The same layer at 2 bits throughout: 2-cycle steps.
    const LayerMapping narrow(c, net, weight_layer_index(net), kernel_spec({2}, false).weight_bits);
    CHECK(narrow.totals().compute_cycles == 2);
}

TEST_CASE("kernel bits: weights are stored and moved at each filter's own bits", "[sim][kernel]") {
    const AcceleratorConfig c = small_config();  // streamed weights
    const Network net = one_chunk_conv(8);
    const std::vector<int> bits{3, 5, 1, 8, 2, 2, 6, 4};
    const LayerMapping m(c, net, weight_layer_index(net), kernel_spec(bits, false));
    const LayerTotals t = m.totals();
    const long long weight_bits = sum(bits) * 4;  // reduction 4 per filter
    CHECK(t.weight_buffer_write_bits == weight_bits);
    CHECK(t.offchip_read_bits == weight_bits);  // the input is on chip (layer 1)
    CHECK(t.weight_buffer_read_bits == weight_bits);  // one window block reads them once
    // Busiest tile: filters 1, 3, 5, 7 (5 + 8 + 2 + 4) x 4 terms.
    CHECK(m.resident_bits_per_tile() == 19 * 4);
    CHECK(m.chunk_bits_per_tile() == 19 * 4);

    // The network plan's one-time load on a resident accelerator: every filter at its bits.
    const Network lenet = shipped_trace("lenet");
    const AcceleratorConfig stripes = shipped_accel("stripes");
    std::mt19937_64 rng(17);
    const KernelBits kb = random_kernel_bits(rng, lenet, {2, 8});
    const auto plan = plan_layers(stripes, lenet, kb);
    long long expected = 0;
    const auto layers = lenet.weight_layers();
    for (std::size_t w = 0; w < layers.size(); ++w)
        if (plan[w].weights_resident)
            expected += sum(kb.weights(w)) * layers[w]->reduction_length();
    CHECK(expected > 0);
    CHECK(resident_weight_load(stripes, lenet, plan).bits == expected);
}

TEST_CASE("kernel bits: precision order is strictly faster where passes mix precisions",
          "[sim][kernel]") {
    // 16 filters, 8 per pass: alternating 6 and 2 bits puts a 6-bit filter in both passes.
    AcceleratorConfig c = small_config();
    const Network net = one_chunk_conv(16);
    std::vector<int> bits;
    for (int i = 0; i < 8; ++i) bits.insert(bits.end(), {6, 2});
    const LayerSpec spec = kernel_spec(bits, true);  // resident: no fetch hides the steps
    c.filter_order = FilterOrder::Network;
    const LayerMapping network(c, net, weight_layer_index(net), spec);
    CHECK(network.filter_order() == FilterOrder::Network);
    CHECK(network.totals().total_cycles == 6 + 6 + c.pipeline_cycles);
    c.filter_order = FilterOrder::Precision;
    const LayerMapping sorted(c, net, weight_layer_index(net), spec);
    CHECK(sorted.filter_order() == FilterOrder::Precision);
    CHECK(sorted.totals().total_cycles == 6 + 2 + c.pipeline_cycles);
    CHECK(sorted.network_order_cycles() == network.totals().total_cycles);
    // The widest filters come first, in network order among equals.
    CHECK(sorted.filter_channel(sorted.pass(0), 0) == 0);
    CHECK(sorted.filter_channel(sorted.pass(0), 1) == 2);
    CHECK(sorted.filter_channel(sorted.pass(1), 0) == 1);
    // Energy and traffic do not depend on the order here: same filters, same bits.
    CHECK(sorted.totals().active_lane_cycles == network.totals().active_lane_cycles);
    CHECK(sorted.totals().weight_buffer_read_bits == network.totals().weight_buffer_read_bits);
}

TEST_CASE("kernel bits: the chosen order is never slower than the network's",
          "[sim][kernel][property]") {
    std::mt19937_64 rng(1717);
    int sorted = 0;  // cases where sorting won: the property is not vacuous
    for (int i = 0; i < 400; ++i) {
        RandomCase rc = random_case(rng);
        const Layer& l = rc.net.layers[static_cast<std::size_t>(rc.layer_index)];
        const BitsRange r = weight_bits_range(rc.config);
        rc.spec.filter_bits = random_filters(rng, l.out_channels(), r.min, rc.spec.weight_bits);
        INFO(rc.describe());
        rc.config.filter_order = FilterOrder::Network;
        const LayerMapping network(rc.config, rc.net, rc.layer_index, rc.spec);
        rc.config.filter_order = FilterOrder::Precision;
        const LayerMapping chosen(rc.config, rc.net, rc.layer_index, rc.spec);
        const LayerTotals t = chosen.totals();
        CHECK(t.total_cycles <= network.totals().total_cycles);
        CHECK(chosen.network_order_cycles() == network.totals().total_cycles);
        if (chosen.filter_order() == FilterOrder::Network)
            CHECK(t.total_cycles == network.totals().total_cycles);
        else
            CHECK(t.total_cycles < network.totals().total_cycles);
        sorted += chosen.filter_order() == FilterOrder::Precision ? 1 : 0;
        // The sums over passes and steps, the long way, agree with the mapping's.
        CHECK(same_totals(reference_totals(chosen), t));
    }
    CHECK(sorted > 0);
}

TEST_CASE("kernel bits: uniform filter_bits give the layer-wise figures", "[sim][kernel]") {
    std::mt19937_64 rng(99);
    for (int i = 0; i < 300; ++i) {
        const RandomCase rc = random_case(rng);
        const Layer& l = rc.net.layers[static_cast<std::size_t>(rc.layer_index)];
        LayerSpec uniform = rc.spec;
        uniform.filter_bits.assign(static_cast<std::size_t>(l.out_channels()), rc.spec.weight_bits);
        INFO(rc.describe());
        // The per-pass path (kernel-wise) against the closed form (layer-wise).
        const LayerMapping a(rc.config, rc.net, rc.layer_index, rc.spec);
        const LayerMapping b(rc.config, rc.net, rc.layer_index, uniform);
        CHECK(same_totals(a.totals(), b.totals()));
        CHECK(a.resident_bits_per_tile() == b.resident_bits_per_tile());
        CHECK(a.chunk_bits_per_tile() == b.chunk_bits_per_tile());
    }
}

TEST_CASE("kernel bits: a uniform KernelBits simulates as its LayerBits", "[sim][kernel]") {
    const Network net = shipped_trace("lenet");
    std::vector<int> channels;
    for (const Layer* l : net.weight_layers()) channels.push_back(l->out_channels());
    for (const std::string name : {"stripes", "stripes-act", "loom", "dadiannao"}) {
        const AcceleratorConfig c = shipped_accel(name);
        auto model = make_hardware_model("analytic", c);
        const BitsRange r = weight_bits_range(c);
        std::vector<int> bits(net.weight_layer_count(), std::min(4, r.max));
        bits.front() = bits.back() = std::min(8, r.max);
        const LayerBits lb(bits);
        INFO(name);
        check_same(model->simulate(net, KernelBits::from_layer_bits(lb, channels)),
                   model->simulate(net, lb));
        // Activation bits set in the KernelBits, 0 meaning the accelerator's.
        const BitsRange ar = activation_bits_range(c);
        std::vector<int> acts(net.weight_layer_count(), 0);
        acts.back() = ar.max;
        std::vector<std::vector<int>> kernels;
        for (std::size_t w = 0; w < bits.size(); ++w)
            kernels.emplace_back(static_cast<std::size_t>(channels[w]), bits[w]);
        const KernelBits kb(kernels, acts);
        check_same(model->simulate(net, kb),
                   model->simulate(net, lb, kb.activations_or(c.activation_bits)));
    }
}

TEST_CASE("kernel bits: the cycle model equals the analytic model on kernel-wise layers",
          "[sim][kernel][systemc]") {
    std::mt19937_64 rng(2020);
    ConvSpec grouped;
    grouped.in_channels = 16;
    grouped.out_channels = 48;
    grouped.groups = 4;
    grouped.height = grouped.width = 10;
    const Network conv = conv_network(grouped);
    for (const std::string name : {"stripes", "stripes-act", "loom", "dadiannao"}) {
        const AcceleratorConfig c = shipped_accel(name);
        auto cycle = make_hardware_model("cycle", c);
        auto analytic = make_hardware_model("analytic", c);
        for (const std::string trace : {"lenet", "mobilenet-v1"}) {
            const Network net = shipped_trace(trace);
            for (int k = 0; k < 2; ++k) {
                const KernelBits kb = random_kernel_bits(rng, net, weight_bits_range(c));
                INFO(trace << " on " << name << ": " << kb.str());
                const NetworkReport a = analytic->simulate(net, kb);
                check_same(cycle->simulate(net, kb), a);
                CHECK(a.bits == kb.widest().values());
                CHECK(a.total.macs == net.total_macs());
            }
        }
        const KernelBits kb = random_kernel_bits(rng, conv, weight_bits_range(c));
        INFO("grouped conv on " << name << ": " << kb.str());
        check_same(cycle->simulate(conv, kb), analytic->simulate(conv, kb));
    }
    // Random small accelerators and layers: every arrangement, serial operand and spill.
    for (int i = 0; i < 60; ++i) {
        RandomCase rc = random_case(rng);
        const Layer& l = rc.net.layers[static_cast<std::size_t>(rc.layer_index)];
        rc.spec.filter_bits = random_filters(rng, l.out_channels(),
                                             weight_bits_range(rc.config).min, rc.spec.weight_bits);
        INFO(rc.describe());
        auto cycle = make_hardware_model("cycle", rc.config);
        auto analytic = make_hardware_model("analytic", rc.config);
        check_same(cycle->run_layer(rc.net, rc.layer_index, rc.spec),
                   analytic->run_layer(rc.net, rc.layer_index, rc.spec));
    }
}

TEST_CASE("kernel bits: refusals name the layer and the filter", "[sim][kernel]") {
    const AcceleratorConfig c = small_config();
    const Network net = one_chunk_conv(8);
    const int index = weight_layer_index(net);
    LayerSpec spec = kernel_spec({2, 2, 2, 2, 2, 2, 2, 7}, false);
    spec.weight_bits = 8;  // not the widest filter's
    CHECK_THROWS_WITH(LayerMapping(c, net, index, spec),
                      Catch::Contains("expected the widest filter's 7"));
    spec = kernel_spec({2, 2, 2}, false);
    CHECK_THROWS_WITH(LayerMapping(c, net, index, spec),
                      Catch::Contains("found 3 filter bitwidths, expected 8"));
    AcceleratorConfig c2 = c;
    c2.min_bits = 2;  // a filter below the accelerator's least precision
    spec = kernel_spec({2, 2, 2, 2, 2, 2, 1, 2}, false);
    CHECK_THROWS_WITH(LayerMapping(c2, net, index, spec),
                      Catch::Contains("layer 1 (conv): filter 6: found 1 weight bits"));
    // The whole-network entry checks the KernelBits against the accelerator.
    const Network lenet = shipped_trace("lenet");
    CHECK_THROWS_AS(plan_layers(shipped_accel("stripes"), lenet,
                                KernelBits(std::vector<std::vector<int>>{{8}})),
                    ConfigError);
}

TEST_CASE("kernel bits: reordered filters still compute every output channel exactly",
          "[sim][kernel][systemc][functional]") {
    // The functional SIPs follow the mapper's order (filter_channel): outputs land in their
    // own channels whatever order the passes hold them in. Weights are drawn at the widest
    // filter's format, which every narrower filter's values fit.
    std::mt19937_64 rng(4242);
    int reordered = 0;
    for (int i = 0; i < 120; ++i) {
        RandomCase rc = random_case(rng);
        rc.config.batch = 1;  // functional operands are one input's
        const Layer& l = rc.net.layers[static_cast<std::size_t>(rc.layer_index)];
        rc.spec.filter_bits = random_filters(rng, l.out_channels(),
                                             weight_bits_range(rc.config).min, rc.spec.weight_bits);
        const FunctionalOptions opts{false};
        const LayerOperands ops = random_operands(rng, l, weight_format(rc.spec.weight_bits),
                                                  activation_format(rc.spec.activation_bits, opts));
        const CycleFunctionalRun run =
            simulate_layer_functional(rc.config, rc.net, rc.layer_index, rc.spec, ops, opts);
        INFO("case " << i << ": " << rc.describe());
        REQUIRE(run.functional.outputs == reference_layer(l, ops));
        const LayerMapping m(rc.config, rc.net, rc.layer_index, rc.spec);
        CHECK(run.report.total_cycles == m.totals().total_cycles);
        reordered += m.filter_order() == FilterOrder::Precision ? 1 : 0;
    }
    CHECK(reordered > 0);
}
