#pragma once
// Layers and small accelerators built in code for the mapping, analytic and law tests (and the
// cycle-level equivalence test), plus a reference evaluation of the schedule that follows
// mapping.hpp's rules pass by pass and step by step.
#include "serialq/common/network.hpp"
#include "serialq/common/network_loader.hpp"
#include "serialq/sim/accelerator_config.hpp"
#include "serialq/sim/mapping.hpp"

#include <algorithm>
#include <random>
#include <string>

namespace serialq::sim::test {

// The shipped accelerators (configs/accel/<name>.yaml) and traces (traces/<name>.yaml).
inline AcceleratorConfig shipped_accel(const std::string& name) {
    return load_accelerator_config(std::string(SERIALQ_SOURCE_DIR) + "/configs/accel/" + name +
                                   ".yaml");
}
inline Network shipped_trace(const std::string& name) {
    return load_network(std::string(SERIALQ_SOURCE_DIR) + "/traces/" + name + ".yaml");
}

struct ConvSpec {
    int in_channels = 16, height = 8, width = 8;
    int out_channels = 16;
    int kernel_h = 3, kernel_w = 3;
    int stride = 1, padding = 0, groups = 1;
};

// A network whose layer 1 is the conv (or FC) under test. Layer 0 is a 1x1/1 max pool that
// passes the input through, so layer 1 does not read the network input; with
// `first_layer` the conv is layer 0 and reads the network input from off-chip.
inline Network conv_network(const ConvSpec& s, bool first_layer = false) {
    Network net;
    net.name = "fixture";
    net.input = {s.in_channels, s.height, s.width};
    if (!first_layer) {
        Layer pool;
        pool.name = "pass";
        pool.kind = LayerKind::MaxPool;
        pool.inputs = {-1};
        pool.input = net.input;
        pool.output = net.input;
        net.layers.push_back(pool);
    }
    Layer l;
    l.name = "conv";
    l.kind = LayerKind::Conv;
    l.inputs = {first_layer ? -1 : 0};
    l.kernel_h = s.kernel_h;
    l.kernel_w = s.kernel_w;
    l.stride_h = l.stride_w = s.stride;
    l.pad_h = l.pad_w = s.padding;
    l.groups = s.groups;
    l.input = net.input;
    l.output = {s.out_channels, (s.height + 2 * s.padding - s.kernel_h) / s.stride + 1,
                (s.width + 2 * s.padding - s.kernel_w) / s.stride + 1};
    net.layers.push_back(l);
    return net;
}

// A fully connected layer over a channels x height x width input, as layer 1.
inline Network fc_network(int channels, int height, int width, int out_features,
                          bool first_layer = false) {
    Network net = conv_network({channels, height, width, 1, 1, 1, 1, 0, 1}, first_layer);
    Layer& l = net.layers.back();
    l.name = "fc";
    l.kind = LayerKind::FullyConnected;
    l.kernel_h = l.kernel_w = 1;
    l.output = {out_features, 1, 1};
    return net;
}

inline int weight_layer_index(const Network& net) {
    return static_cast<int>(net.layers.size()) - 1;
}

// A small accelerator, so that blocks, segments and spills happen on small layers.
inline AcceleratorConfig small_config(SerialOperand serial = SerialOperand::Weights) {
    AcceleratorConfig c;
    c.name = "small";
    c.tiles = 2;
    c.filters_per_tile = 4;
    c.windows_per_tile = serial == SerialOperand::None ? 1 : 4;
    c.lanes = 4;
    c.serial = serial;
    c.weights = WeightResidency::Streamed;  // the schedule tests count streamed weights
    c.weight_bits = 8;
    c.activation_bits = 8;
    c.max_bits = 8;
    c.clock_ghz = 1.0;
    c.weight_buffer = {65536, 512};
    c.activation_memory = {1 << 20, 512};
    c.off_chip = {1000.0, 10.0};  // 8000 bits per cycle, 10 cycles latency
    c.pipeline_cycles = 3;
    return c;
}

// The layer alone with its serial operand at precision p (the weights' on `both` and on a
// bit-parallel design) and the other operand at its stored width: how the laws are stated.
inline LayerSpec serial_spec(const AcceleratorConfig& c, const Network& net, int index, int p) {
    const bool acts = c.serial == SerialOperand::Activations;
    LayerSpec s = single_layer_spec(c, net, index, acts ? c.weight_bits : p);
    if (acts) s.activation_bits = p;
    return s;
}

// A random layer, accelerator and precision, over ranges that reach every case of the mapping:
// partial blocks, several segments, spills, fetch-bound and read-bound steps.
struct RandomCase {
    AcceleratorConfig config;
    Network net;
    int layer_index = 0;
    LayerSpec spec;  // both precisions, residency, an off-chip input, a streaming buffer
    std::string describe() const;
};

inline RandomCase random_case(std::mt19937_64& rng) {
    auto pick = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
    RandomCase rc;
    const SerialOperand serials[] = {SerialOperand::Weights, SerialOperand::Activations,
                                     SerialOperand::Both, SerialOperand::None};
    auto& c = rc.config;
    c = small_config(serials[pick(0, 3)]);
    c.tiles = pick(1, 4);
    c.filters_per_tile = pick(1, 8);
    c.windows_per_tile = pick(1, 8);
    c.lanes = 1 << pick(0, 4);
    c.bits_per_cycle = pick(0, 3) == 0 ? 2 : 1;
    c.weight_bits = pick(4, 16);
    c.activation_bits = pick(4, 16);
    c.max_bits = c.serial == SerialOperand::Activations ? c.activation_bits : c.weight_bits;
    c.min_bits = 1;
    c.weight_buffer = {static_cast<long long>(pick(64, 8192)), pick(16, 1024)};
    c.activation_memory = {static_cast<long long>(pick(64, 4096)), pick(16, 1024)};
    c.off_chip = {static_cast<double>(pick(1, 400)), static_cast<double>(pick(0, 200))};
    c.clock_ghz = pick(0, 1) ? 1.0 : 0.98;
    c.pipeline_cycles = pick(0, 5);
    c.batch = pick(0, 3) == 0 ? pick(2, 3) : 1;
    const BitsRange wr = weight_bits_range(c), ar = activation_bits_range(c);
    rc.spec.weight_bits = pick(wr.min, wr.max);
    rc.spec.activation_bits = pick(ar.min, ar.max);
    const bool first = pick(0, 3) == 0;
    rc.spec.input_off_chip = first || pick(0, 5) == 0;  // the network's or a spilled layer's
    rc.spec.output_off_chip = pick(0, 5) == 0;  // a spilled consumer's input
    if (pick(0, 4) == 0) {
        rc.net = fc_network(pick(1, 16), pick(1, 4), pick(1, 4), pick(1, 100), first);
    } else {
        ConvSpec s;
        s.groups = pick(0, 3) == 0 ? pick(1, 4) : 1;
        const bool depthwise = pick(0, 5) == 0;
        s.in_channels = s.groups * pick(1, 8);
        s.out_channels = depthwise ? s.in_channels : s.groups * pick(1, 12);
        if (depthwise) s.groups = s.in_channels;
        s.kernel_h = pick(1, 4);
        s.kernel_w = pick(1, 4);
        s.padding = pick(0, 2);
        s.stride = pick(1, 3);
        s.height = std::max(s.kernel_h, pick(1, 14));
        s.width = std::max(s.kernel_w, pick(1, 14));
        rc.net = conv_network(s, first);
    }
    // A buffer too small for one chunk is a configuration error; keep the cases valid.
    const long long rows =
        static_cast<long long>(c.filters_per_tile) * std::max(1, c.windows_per_tile);
    const long long max_weight_bits = std::max(c.weight_bits, rc.spec.weight_bits);
    c.weight_buffer.capacity_bytes =
        std::max(c.weight_buffer.capacity_bytes, rows * c.lanes * max_weight_bits / 4 + 1);
    rc.layer_index = weight_layer_index(rc.net);
    // Resident when the weights fit (a third of the cases that can); else sometimes streamed
    // in part of the buffer, as the network plan streams layers beside resident ones.
    const long long capacity = c.weight_buffer.capacity_bytes * 8;
    const long long resident =
        LayerMapping(c, rc.net, rc.layer_index, rc.spec).resident_bits_per_tile();
    if (resident <= capacity && pick(0, 2) == 0)
        rc.spec.weights_resident = true;
    else if (pick(0, 3) == 0)
        rc.spec.stream_buffer_bits = capacity - pick(0, 1) * (capacity / 4);
    return rc;
}

inline std::string RandomCase::describe() const {
    const Layer& l = net.layers[static_cast<std::size_t>(layer_index)];
    return std::string(to_string(config.serial)) + " tiles=" + std::to_string(config.tiles) +
           " F=" + std::to_string(config.filters_per_tile) +
           " W=" + std::to_string(config.windows_per_tile) + " L=" + std::to_string(config.lanes) +
           " bits=" + std::to_string(spec.weight_bits) + "/" +
           std::to_string(spec.activation_bits) + (spec.weights_resident ? " resident" : "") +
           (spec.input_off_chip ? " input-off-chip" : "") +
           (spec.output_off_chip ? " output-off-chip" : "") +
           " batch=" + std::to_string(config.batch) + " layer " + serialq::to_string(l.kind) +
           " in=" + std::to_string(l.input.channels) + "x" + std::to_string(l.input.height) + "x" +
           std::to_string(l.input.width) + " out=" + std::to_string(l.output.channels) + "x" +
           std::to_string(l.output.height) + "x" + std::to_string(l.output.width) +
           " k=" + std::to_string(l.kernel_h) + "x" + std::to_string(l.kernel_w) +
           " g=" + std::to_string(l.groups) + " first=" + std::to_string(l.inputs[0] == -1);
}

// The schedule evaluated the long way: every pass, every step, and the time recurrence of
// mapping.hpp written out as it reads.
inline LayerTotals reference_totals(const LayerMapping& m, bool with_steps = true) {
    LayerTotals t;
    const Channel ch(m.config());
    const long long n = m.passes();
    std::vector<Pass> passes;
    for (long long i = 0; i < n; ++i) passes.push_back(m.pass(i));
    for (const Pass& p : passes) {
        if (with_steps) {
            long long busy = 0, compute = 0;
            for (long long wb = 0; wb < m.window_blocks(); ++wb)
                for (long long c = p.first_chunk; c < p.first_chunk + p.chunks; ++c) {
                    const Step s = m.step(p, wb, c);
                    busy += s.cycles();
                    compute += s.serial_cycles;
                }
            if (busy != p.busy_cycles || compute != p.compute_cycles)
                return {};  // flags a mismatch
        }
        t.compute_cycles += p.compute_cycles;
        t.busy_cycles += p.busy_cycles;
        t.offchip_read_bits += p.offchip_read_bits;
        t.offchip_write_bits += p.offchip_write_bits;
        t.weight_buffer_read_bits += p.weight_buffer_read_bits;
        t.weight_buffer_write_bits += p.weight_buffer_write_bits;
        t.activation_memory_read_bits += p.activation_memory_read_bits;
        t.activation_memory_write_bits += p.activation_memory_write_bits;
        t.active_lane_cycles += p.active_lane_cycles;
        t.active_sip_cycles += p.active_sip_cycles;
        t.macs += p.macs;
    }
    t.passes = n;
    const auto write = [&](long long k) {
        return k >= 0 ? passes[static_cast<std::size_t>(k)].offchip_write_bits : 0;
    };
    const auto fetch = [&](long long i) {
        return ch.fetch_cycles(passes[static_cast<std::size_t>(i)].offchip_read_bits, write(i - 2));
    };
    long long start = fetch(0);
    for (long long i = 0; i + 1 < n; ++i)
        start += std::max(passes[static_cast<std::size_t>(i)].busy_cycles, fetch(i + 1));
    const long long end = start +
                          std::max(passes.back().busy_cycles, ch.transfer_cycles(write(n - 2))) +
                          ch.transfer_cycles(write(n - 1));
    t.total_cycles = end + m.config().pipeline_cycles;
    return t;
}

}  // namespace serialq::sim::test
