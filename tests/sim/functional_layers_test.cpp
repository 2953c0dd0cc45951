// Functional mode: the SIP array's integer outputs equal a plain integer convolution
// bit-exactly, for every precision 1..8, each serial operand, and the edge shapes.
#include "functional_fixtures.hpp"

#include "serialq/common/error.hpp"
#include "serialq/sim/functional.hpp"
#include "serialq/sim/mapping.hpp"

#include <catch2/catch.hpp>

#include <random>
#include <string>

using namespace serialq;
using namespace serialq::sim;
using serialq::sim::test::random_operands;

namespace {

Layer conv(int c, int h, int w, int f, int k, int stride = 1, int pad = 0, int groups = 1) {
    Layer l;
    l.name = "conv";
    l.kind = LayerKind::Conv;
    l.kernel_h = l.kernel_w = k;
    l.stride_h = l.stride_w = stride;
    l.pad_h = l.pad_w = pad;
    l.groups = groups;
    l.input = {c, h, w};
    l.output = {f, (h + 2 * pad - k) / stride + 1, (w + 2 * pad - k) / stride + 1};
    return l;
}

Layer fc(Shape input, int out) {
    Layer l;
    l.name = "fc";
    l.kind = LayerKind::FullyConnected;
    l.input = input;
    l.output = {out, 1, 1};
    return l;
}

// A small array so that layers need several filter, window and lane passes.
AcceleratorConfig small_array(SerialOperand serial) {
    AcceleratorConfig c;
    c.name = "small";
    c.tiles = 2;
    c.filters_per_tile = 2;
    c.windows_per_tile = serial == SerialOperand::None ? 1 : 3;
    c.lanes = 4;
    c.serial = serial;
    c.weight_bits = 8;
    c.activation_bits = 5;
    return c;
}

std::vector<Layer> shapes() {
    return {
        conv(3, 6, 6, 5, 3, 1, 1),  // padded 3x3
        conv(4, 7, 5, 6, 3, 2, 1, 2),  // grouped, stride 2, non-square
        conv(4, 6, 6, 4, 3, 2, 1, 4),  // depthwise, stride 2
        conv(5, 4, 4, 7, 1),  // 1x1
        conv(2, 5, 5, 3, 5),  // kernel covers the input: one output position
        conv(1, 2, 2, 1, 1),  // smaller than the array in every dimension
        fc({3, 2, 2}, 10),  // FC with 10 outputs on a flattened plane
        fc({1, 1, 1}, 1),  // a single product
    };
}

// `l` alone, its weights streamed, as run_functional() maps it.
LayerMapping alone(const AcceleratorConfig& cfg, const Network& net, int w, int a) {
    LayerSpec spec;
    spec.weight_bits = w;
    spec.activation_bits = a;
    spec.input_off_chip = true;
    return LayerMapping(cfg, net, 0, spec);
}

Network network_of(const Layer& l) {
    Network net;
    net.input = l.input;
    net.layers = {l};
    net.layers[0].inputs = {-1};
    return net;
}

// The activations' precision paired with weight precision `bits` in these tests: the serial
// operand's when the activations are serial, and a varying one otherwise (both operands always
// run at their own precision).
int act_bits_for(const AcceleratorConfig& cfg, int bits) {
    if (cfg.serial == SerialOperand::Activations) return bits;
    return 1 + (bits * 3) % cfg.activation_bits;
}

void check_layers(SerialOperand serial, bool signed_activations, int bits_per_cycle = 1,
                  long long weight_buffer_bytes = 0) {
    std::mt19937_64 rng(static_cast<unsigned>(serial) * 101 + signed_activations);
    AcceleratorConfig cfg = small_array(serial);
    cfg.bits_per_cycle = bits_per_cycle;
    if (weight_buffer_bytes > 0) cfg.weight_buffer.capacity_bytes = weight_buffer_bytes;
    const FunctionalOptions opts{signed_activations};
    int segmented = 0;  // layers whose reduction was split (partial sums went through memory)
    for (int bits = 1; bits <= 8; ++bits) {
        for (const Layer& l : shapes()) {
            // With the activations serial, `bits` is their precision and the weights vary.
            const int a = act_bits_for(cfg, bits);
            const int w = cfg.serial == SerialOperand::Activations ? 1 + (bits * 5) % 8 : bits;
            const auto wf = weight_format(w);
            const auto af = activation_format(a, opts);
            const auto ops = random_operands(rng, l, wf, af);
            const auto got = run_functional(cfg, l, ops, w, a, opts);
            INFO(to_string(serial)
                 << " bits " << bits << " layer " << to_string(l.kind) << " " << l.input.channels
                 << "x" << l.input.height << "x" << l.input.width << " -> " << l.output.channels
                 << "x" << l.output.height << "x" << l.output.width << " groups " << l.groups);
            REQUIRE(got.outputs == reference_layer(l, ops));
            // Every MAC went through a lane once per cycle of its chunk.
            const auto cyc = [&](int b) { return (b + bits_per_cycle - 1) / bits_per_cycle; };
            long long per_mac = 1;
            if (serial == SerialOperand::Weights) per_mac = cyc(wf.bits);
            if (serial == SerialOperand::Activations) per_mac = cyc(af.bits);
            if (serial == SerialOperand::Both)
                per_mac = static_cast<long long>(cyc(wf.bits)) * cyc(af.bits);
            CHECK(got.events.lane_cycles == l.macs() * per_mac);
            // The SIPs did exactly the work the mapping's closed form counts.
            const Network net = network_of(l);
            const LayerMapping m = alone(cfg, net, w, a);
            const LayerTotals t = m.totals();
            CHECK(got.compute_cycles == t.compute_cycles);
            CHECK(got.busy_cycles == t.busy_cycles);
            CHECK(got.events.lane_cycles == t.active_lane_cycles);
            CHECK(got.events.adder_tree_cycles == t.active_sip_cycles);
            CHECK(got.events.accumulator_cycles == t.active_sip_cycles);
            if (m.segments() > 1) ++segmented;
        }
    }
    if (weight_buffer_bytes > 0) CHECK(segmented > 10);
}

}  // namespace

TEST_CASE("functional: weights serial equals the reference for bits 1..8", "[sim][functional]") {
    check_layers(SerialOperand::Weights, false);
    check_layers(SerialOperand::Weights, true);
}

TEST_CASE("functional: activations serial equals the reference for bits 1..8",
          "[sim][functional]") {
    check_layers(SerialOperand::Activations, false);
    check_layers(SerialOperand::Activations, true);
}

TEST_CASE("functional: both serial (Loom) equals the reference for bits 1..8",
          "[sim][functional]") {
    check_layers(SerialOperand::Both, false);
    check_layers(SerialOperand::Both, true);
}

TEST_CASE("functional: bit-parallel design equals the reference", "[sim][functional]") {
    check_layers(SerialOperand::None, true);
}

TEST_CASE("functional: 2 and 4 serial bits per cycle stay exact", "[sim][functional]") {
    for (int k : {2, 4}) {
        check_layers(SerialOperand::Weights, false, k);
        check_layers(SerialOperand::Activations, true, k);
        check_layers(SerialOperand::Both, true, k);
    }
}

TEST_CASE("functional: partial sums across reduction segments stay exact", "[sim][functional]") {
    // 48-byte weight buffers: a pass holds a few lane chunks at most, so long reductions are
    // split into segments whose partial sums go through memory.
    check_layers(SerialOperand::Weights, true, 1, 48);
    check_layers(SerialOperand::Activations, false, 1, 64);
    check_layers(SerialOperand::Both, true, 2, 48);
}

TEST_CASE("functional: the default Stripes array computes a layer exactly", "[sim][functional]") {
    std::mt19937_64 rng(5);
    const AcceleratorConfig cfg;  // 16 tiles x 16 x 16 SIPs x 16 lanes
    const Layer l = conv(20, 6, 6, 40, 3, 1, 1);
    for (int bits : {1, 4, 8, 16}) {
        const auto ops = random_operands(rng, l, weight_format(bits), activation_format(16, {}));
        const auto got = run_functional(cfg, l, ops, bits, 16);
        CHECK(got.outputs == reference_layer(l, ops));
        // 40 filters fit one pass of 256 rows; 36 windows take 3 column passes of 16;
        // 180 terms take 12 chunks of 16 lanes; each chunk takes `bits` cycles.
        CHECK(got.compute_cycles == 3LL * 12 * bits);
    }
}

TEST_CASE("functional: compute cycles scale exactly with the serial precision",
          "[sim][functional]") {
    std::mt19937_64 rng(6);
    const AcceleratorConfig cfg = small_array(SerialOperand::Weights);
    const Layer l = conv(4, 7, 5, 6, 3, 2, 1, 2);
    const auto base = run_functional(cfg, l, random_operands(rng, l, {1, true}, {5, false}), 1, 5);
    for (int bits = 2; bits <= 8; ++bits) {
        const auto r =
            run_functional(cfg, l, random_operands(rng, l, {bits, true}, {5, false}), bits, 5);
        CHECK(r.compute_cycles == bits * base.compute_cycles);
        CHECK(r.events.adder_tree_cycles == bits * base.events.adder_tree_cycles);
    }
}

TEST_CASE("functional: bad operands are one-line errors", "[sim][functional]") {
    const AcceleratorConfig cfg = small_array(SerialOperand::Weights);
    const Layer l = conv(1, 3, 3, 1, 3);
    LayerOperands ops;
    ops.weights.assign(9, 1);
    ops.activations.assign(9, 1);
    ops.weights[4] = 8;  // does not fit 4 signed bits
    CHECK_THROWS_WITH(
        run_functional(cfg, l, ops, 4, 5),
        Catch::Contains("weights[4]: found 8, expected a signed 4-bit value in [-8, 7]"));
    ops.weights[4] = 7;
    ops.activations.pop_back();
    CHECK_THROWS_AS(run_functional(cfg, l, ops, 4, 5), InputError);
    ops.activations.push_back(1);
    CHECK_THROWS_AS(run_functional(cfg, l, ops, 17, 5), ConfigError);
    CHECK_THROWS_AS(run_functional(cfg, l, ops, 4, 6), ConfigError);  // above activation_bits
    AcceleratorConfig batched = cfg;
    batched.batch = 2;
    CHECK_THROWS_WITH(run_functional(batched, l, ops, 4, 5), Catch::Contains("batch: found 2"));
    Layer pool = l;
    pool.kind = LayerKind::MaxPool;
    CHECK_THROWS_AS(run_functional(cfg, pool, ops, 4, 5), ConfigError);
}
