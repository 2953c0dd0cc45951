// The layer-to-array mapping: the loop nest of mapping.hpp, pass by pass, and its closed-form
// sums. Everything here is integer arithmetic on the layer's shape; the only floating point is
// the channel's bits per cycle, rounded in one place (Channel) that both models share.
#include "serialq/sim/mapping.hpp"

#include "serialq/common/checked_count.hpp"
#include "serialq/common/error.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace serialq::sim {

namespace {

long long ceil_div(long long a, long long b) { return (a + b - 1) / b; }

// ceil(x) that ignores floating-point dust (98.00000000000001 -> 98).
long long ceil_cycles(double x) {
    return static_cast<long long>(std::ceil(x - std::abs(x) * 1e-12));
}

std::string layer_label(const Layer& layer, int index) {
    return "layer " + std::to_string(index) + " (" + layer.name + ")";
}

// Kernel-wise bits: one per output channel, in the weights' range, their max weight_bits.
void check_filter_bits(const AcceleratorConfig& c, const Layer& l, const LayerSpec& spec,
                       const std::string& label) {
    const auto& bits = spec.filter_bits;
    if (bits.size() != static_cast<std::size_t>(l.out_channels()))
        throw ConfigError(label + ": found " + std::to_string(bits.size()) +
                          " filter bitwidths, expected " + std::to_string(l.out_channels()) +
                          " (one per output channel)");
    const BitsRange r = weight_bits_range(c);
    for (std::size_t f = 0; f < bits.size(); ++f)
        if (!r.contains(bits[f]))
            throw ConfigError(label + ": filter " + std::to_string(f) + ": found " +
                              std::to_string(bits[f]) + " weight bits, expected " + r.str() +
                              " on " + c.name);
    const int widest = *std::max_element(bits.begin(), bits.end());
    if (widest != spec.weight_bits)
        throw ConfigError(label + ": weight_bits " + std::to_string(spec.weight_bits) +
                          ", expected the widest filter's " + std::to_string(widest));
}

}  // namespace

BitsRange weight_bits_range(const AcceleratorConfig& c) {
    const bool serial = c.serial == SerialOperand::Weights || c.serial == SerialOperand::Both ||
                        c.serial == SerialOperand::None;  // bit-parallel: the multipliers' range
    return {c.min_bits, serial ? c.max_bits : c.weight_bits};
}

BitsRange activation_bits_range(const AcceleratorConfig& c) {
    const bool serial = c.serial == SerialOperand::Activations;
    return {c.min_bits, serial ? c.max_bits : c.activation_bits};
}

LayerPrecision layer_precision(const AcceleratorConfig& c, int weight_bits, int activation_bits,
                               const std::string& what) {
    const auto check = [&](int bits, BitsRange r, const char* operand) {
        if (bits < r.min || bits > r.max)
            throw ConfigError(what + ": found " + std::to_string(bits) + " " + operand +
                              " bits, expected " + std::to_string(r.min) + ".." +
                              std::to_string(r.max) + " on " + c.name);
    };
    check(weight_bits, weight_bits_range(c), "weight");
    check(activation_bits, activation_bits_range(c), "activation");
    const auto serial = [&](int b) { return static_cast<int>(ceil_div(b, c.bits_per_cycle)); };
    int cycles = 1;
    switch (c.serial) {
        case SerialOperand::Weights:
            cycles = serial(weight_bits);
            break;
        case SerialOperand::Activations:
            cycles = serial(activation_bits);
            break;
        case SerialOperand::Both:
            cycles = serial(weight_bits) * serial(activation_bits);
            break;
        case SerialOperand::None:
            cycles = 1;
            break;
    }
    return {weight_bits, activation_bits, c.activation_bits, cycles, cycles};
}

bool layer_spills(const AcceleratorConfig& c, const Layer& l, int activation_bits) {
    const long long input_bits = l.input.elements() * c.batch * activation_bits;
    const long long output_bits = l.output.elements() * c.batch * c.activation_bits;
    return input_bits + output_bits > c.activation_memory.capacity_bytes * 8;
}

LayerSpec single_layer_spec(const AcceleratorConfig& c, const Network& net, int layer_index,
                            int bits) {
    LayerSpec spec;
    spec.weight_bits = bits;
    spec.activation_bits = c.activation_bits;
    if (layer_index >= 0 && static_cast<std::size_t>(layer_index) < net.layers.size()) {
        const Layer& l = net.layers[static_cast<std::size_t>(layer_index)];
        spec.input_off_chip = std::find(l.inputs.begin(), l.inputs.end(), -1) != l.inputs.end();
        if (c.weights == WeightResidency::Resident && l.has_weights() && bits >= 1) {
            LayerSpec probe = spec;
            probe.stream_buffer_bits = kProbeStreamBits;
            spec.weights_resident =
                LayerMapping(c, net, layer_index, probe).resident_bits_per_tile() <=
                c.weight_buffer.capacity_bytes * 8;
        }
    }
    return spec;
}

Channel::Channel(const AcceleratorConfig& c)
    : bits_per_cycle(c.off_chip.bandwidth_gb_per_s * 8.0 / c.clock_ghz),
      latency_cycles(ceil_cycles(c.off_chip.latency_ns * c.clock_ghz)) {}

long long Channel::transfer_cycles(long long bits) const {
    if (bits <= 0) return 0;
    return ceil_cycles(static_cast<double>(bits) / bits_per_cycle);
}

long long Channel::fetch_cycles(long long read_bits, long long write_bits) const {
    return (read_bits > 0 ? latency_cycles : 0) + transfer_cycles(read_bits + write_bits);
}

long long Step::cycles() const {
    return std::max({serial_cycles, weight_read_cycles, activation_read_cycles});
}

LayerMapping::LayerMapping(const AcceleratorConfig& config, const Network& net, int layer_index,
                           int bits)
    : LayerMapping(config, net, layer_index, single_layer_spec(config, net, layer_index, bits)) {}

LayerMapping::LayerMapping(const AcceleratorConfig& config, const Network& net, int layer_index,
                           const LayerSpec& spec)
    : config_(&config), layer_index_(layer_index), spec_(spec), channel_(config) {
    if (layer_index < 0 || static_cast<std::size_t>(layer_index) >= net.layers.size())
        throw ConfigError("layer index " + std::to_string(layer_index) + " is outside " + net.name +
                          " (" + std::to_string(net.layers.size()) + " layers)");
    layer_ = &net.layers[static_cast<std::size_t>(layer_index)];
    const Layer& l = *layer_;
    // Labels are built only for an error: this constructor runs once per layer evaluation.
    const auto label = [&] { return layer_label(l, layer_index); };
    if (!l.has_weights())
        throw ConfigError(label() + ": a " + std::string(serialq::to_string(l.kind)) +
                          " layer has no weights to map onto the array");
    const auto& r = weight_bits_range(config);
    const auto& ra = activation_bits_range(config);
    if (spec.weight_bits < r.min || spec.weight_bits > r.max || spec.activation_bits < ra.min ||
        spec.activation_bits > ra.max)
        layer_precision(config, spec.weight_bits, spec.activation_bits, label() + ": bits");
    precision_ = layer_precision(config, spec.weight_bits, spec.activation_bits);
    if (!spec.filter_bits.empty()) check_filter_bits(config, l, spec, label());

    groups_ = l.kind == LayerKind::Conv ? l.groups : 1;
    filters_per_group_ = l.out_channels() / groups_;
    positions_ = static_cast<long long>(l.output.height) * l.output.width * config.batch;
    reduction_ = l.reduction_length();

    // One position per input (FC): the filters arrangement, unless a batch fills the columns.
    const bool per_input_one = static_cast<long long>(l.output.height) * l.output.width == 1;
    arrangement_ = positions_ == 1 || (per_input_one && positions_ < config.windows_per_tile)
                       ? Arrangement::Filters
                       : Arrangement::Windows;
    rows_per_tile_ = config.filters_per_tile *
                     (arrangement_ == Arrangement::Filters ? config.windows_per_tile : 1);
    if (arrangement_ == Arrangement::Filters && config.serial == SerialOperand::Both) {
        // Loom's FC mode (mapping.hpp): a filter's activation digits over c SIP columns.
        const int k = config.bits_per_cycle;
        const int digits = static_cast<int>(ceil_div(precision_.activation_bits, k));
        const int c = std::min(digits, config.windows_per_tile);
        rows_per_tile_ = config.filters_per_tile * (config.windows_per_tile / c);
        precision_.serial_cycles =
            static_cast<int>(ceil_div(precision_.weight_bits, k) * ceil_div(digits, c));
    }
    windows_per_block_ = arrangement_ == Arrangement::Filters ? 1 : config.windows_per_tile;
    filters_per_pass_ = static_cast<long long>(config.tiles) * rows_per_tile_;
    filter_blocks_ = ceil_div(filters_per_group_, filters_per_pass_);
    window_blocks_ = ceil_div(positions_, windows_per_block_);
    last_block_windows_ = static_cast<int>(positions_ - (window_blocks_ - 1) * windows_per_block_);
    chunks_ = ceil_div(reduction_, config.lanes);
    last_chunk_lanes_ = static_cast<int>(reduction_ - (chunks_ - 1) * config.lanes);

    spilled_ = layer_spills(config, l, precision_.activation_bits);
    group_input_bits_ = l.input.elements() * config.batch * precision_.activation_bits / groups_;
    if (!spec.filter_bits.empty()) {
        choose_filter_order(label());
        return;
    }
    reserve_resident_bits_ = resident_bits_per_tile();
    reserve_chunk_bits_ = chunk_bits_per_tile();
    const long long capacity_bits = config.weight_buffer.capacity_bytes * 8;
    if (spec.weights_resident) {
        // Every weight is in the buffers: one segment, nothing fetched.
        if (resident_bits_per_tile() > capacity_bits)
            throw ConfigError(
                label() + ": resident weights need " + std::to_string(resident_bits_per_tile()) +
                " bits on tile 0, expected at most weight_buffer.capacity_bytes (" +
                std::to_string(config.weight_buffer.capacity_bytes) + " bytes) on " + config.name);
        chunks_per_segment_ = chunks_;
    } else {
        // A pass's weights take at most half the streaming buffer (double buffering).
        const long long chunk_bits = chunk_bits_per_tile();
        const long long busiest = chunk_bits / (config.lanes * precision_.weight_bits);
        const long long stream_bits =
            spec.stream_buffer_bits > 0 ? spec.stream_buffer_bits : capacity_bits;
        chunks_per_segment_ = std::min(chunks_, stream_bits / 2 / chunk_bits);
        if (chunks_per_segment_ < 1)
            throw ConfigError(
                label() + ": one lane chunk of weights for a tile (" + std::to_string(busiest) +
                " filters x " + std::to_string(config.lanes) + " lanes x " +
                std::to_string(precision_.weight_bits) + " bits = " + std::to_string(chunk_bits) +
                " bits) does not fit half of the " + std::to_string(stream_bits) +
                " bits per tile that streamed " + "weights may use (weight_buffer.capacity_bytes " +
                std::to_string(config.weight_buffer.capacity_bytes) + ") on " + config.name);
    }
    segments_ = static_cast<int>(ceil_div(chunks_, chunks_per_segment_));
}

long long LayerMapping::serial_cycles_at(int weight_bits) const {
    if (blocks_.empty() || weight_bits == precision_.weight_bits) return precision_.serial_cycles;
    const AcceleratorConfig& c = *config_;
    const int k = c.bits_per_cycle;
    const long long w = ceil_div(weight_bits, k);
    const long long a = ceil_div(precision_.activation_bits, k);
    switch (c.serial) {
        case SerialOperand::Weights:
            return w;
        case SerialOperand::Both:
            if (arrangement_ == Arrangement::Filters)  // Loom's FC mode: digits over c columns
                return w * ceil_div(a, std::min<long long>(a, c.windows_per_tile));
            return w * a;
        case SerialOperand::Activations:
        case SerialOperand::None:
            break;
    }
    return precision_.serial_cycles;  // weight bits change storage and traffic only
}

long long LayerMapping::sip_cycles_at(int weight_bits) const {
    if (weight_bits == precision_.weight_bits) return precision_.sip_cycles;
    return layer_precision(*config_, weight_bits, precision_.activation_bits).sip_cycles;
}

void LayerMapping::lay_out_filters(std::vector<int> order) {
    order_ = std::move(order);
    blocks_.assign(static_cast<std::size_t>(groups_ * filter_blocks_), BlockBits{});
    const int tiles = config_->tiles;
    for (int g = 0; g < groups_; ++g)
        for (long long fb = 0; fb < filter_blocks_; ++fb) {
            BlockBits& b = blocks_[static_cast<std::size_t>(g * filter_blocks_ + fb)];
            b.tile_bits.assign(static_cast<std::size_t>(tiles), 0);
            const long long first = g * filters_per_group_ + fb * filters_per_pass_;
            const long long count =
                std::min<long long>(filters_per_pass_, filters_per_group_ - fb * filters_per_pass_);
            for (long long j = 0; j < count; ++j) {
                const int bits = spec_.filter_bits[static_cast<std::size_t>(
                    order_[static_cast<std::size_t>(first + j)])];
                b.max_bits = std::max(b.max_bits, bits);
                b.total_bits += bits;
                b.sip_cycles += sip_cycles_at(bits);
                b.tile_bits[static_cast<std::size_t>(j % tiles)] += bits;
            }
        }
}

std::string LayerMapping::fit_segments() {
    const AcceleratorConfig& c = *config_;
    const long long capacity_bits = c.weight_buffer.capacity_bytes * 8;
    if (spec_.weights_resident) {
        chunks_per_segment_ = chunks_;
        segments_ = 1;
        if (resident_bits_per_tile() <= capacity_bits) return "";
        return "resident weights need " + std::to_string(resident_bits_per_tile()) +
               " bits on the busiest tile, expected at most weight_buffer.capacity_bytes (" +
               std::to_string(c.weight_buffer.capacity_bytes) + " bytes) on " + c.name;
    }
    const long long chunk_bits = chunk_bits_per_tile();
    const long long stream_bits =
        spec_.stream_buffer_bits > 0 ? spec_.stream_buffer_bits : capacity_bits;
    chunks_per_segment_ = std::min(chunks_, stream_bits / 2 / chunk_bits);
    if (chunks_per_segment_ < 1)
        return "one lane chunk of kernel-wise weights for the busiest tile (" +
               std::to_string(chunk_bits) + " bits) does not fit half of the " +
               std::to_string(stream_bits) + " bits per tile that streamed weights may use " +
               "(weight_buffer.capacity_bytes " + std::to_string(c.weight_buffer.capacity_bytes) +
               ") on " + c.name;
    segments_ = static_cast<int>(ceil_div(chunks_, chunks_per_segment_));
    return "";
}

// Network order first; with filter_order: precision, each group's filters widest first
// (stable), kept only if it fits the buffers and is faster (never slows a layer).
void LayerMapping::choose_filter_order(const std::string& label) {
    std::vector<int> network(static_cast<std::size_t>(groups_ * filters_per_group_));
    std::iota(network.begin(), network.end(), 0);
    std::vector<int> sorted = network;
    const auto& bits = spec_.filter_bits;
    for (int g = 0; g < groups_; ++g)
        std::stable_sort(sorted.begin() + g * filters_per_group_,
                         sorted.begin() + (g + 1) * filters_per_group_, [&](int a, int b) {
                             return bits[static_cast<std::size_t>(a)] >
                                    bits[static_cast<std::size_t>(b)];
                         });
    lay_out_filters(network);
    reserve_resident_bits_ = resident_bits_per_tile();
    reserve_chunk_bits_ = chunk_bits_per_tile();
    const std::string network_error = fit_segments();
    network_order_cycles_ = network_error.empty() ? totals().total_cycles : 0;
    filter_order_ = FilterOrder::Network;
    if (config_->filter_order == FilterOrder::Precision && sorted != network) {
        lay_out_filters(sorted);
        reserve_resident_bits_ = std::max(reserve_resident_bits_, resident_bits_per_tile());
        reserve_chunk_bits_ = std::max(reserve_chunk_bits_, chunk_bits_per_tile());
        if (fit_segments().empty() &&
            (!network_error.empty() || totals().total_cycles < network_order_cycles_)) {
            filter_order_ = FilterOrder::Precision;
            return;
        }
        lay_out_filters(network);
        fit_segments();
    }
    if (!network_error.empty()) throw ConfigError(label + ": " + network_error);
}

long long LayerMapping::network_order_cycles() const {
    return blocks_.empty() ? totals().total_cycles : network_order_cycles_;
}

const LayerMapping::BlockBits* LayerMapping::block_of(long long pass_index) const {
    if (blocks_.empty()) return nullptr;
    const long long per_group = filter_blocks_ * segments_;
    const long long group = pass_index / per_group;
    const long long fb = (pass_index % per_group) / segments_;
    return &blocks_[static_cast<std::size_t>(group * filter_blocks_ + fb)];
}

int LayerMapping::filter_channel(const Pass& p, int j) const {
    const long long position =
        p.group * filters_per_group_ + p.filter_block * filters_per_pass_ + j;
    return order_.empty() ? static_cast<int>(position) : order_[static_cast<std::size_t>(position)];
}

int LayerMapping::filter_weight_bits(const Pass& p, int j) const {
    if (spec_.filter_bits.empty()) return precision_.weight_bits;
    return spec_.filter_bits[static_cast<std::size_t>(filter_channel(p, j))];
}

long long LayerMapping::tile_filter_bits(long long pass_index, int tile) const {
    if (const BlockBits* b = block_of(pass_index))
        return b->tile_bits[static_cast<std::size_t>(tile)];
    const Pass p = pass(pass_index);
    return static_cast<long long>(filters_on_tile(p.filters, tile)) * precision_.weight_bits;
}

int LayerMapping::filters_on_tile(int pass_filters, int tile) const {
    const int tiles = config_->tiles;
    return pass_filters / tiles + (tile < pass_filters % tiles ? 1 : 0);
}

long long LayerMapping::chunk_bits_per_tile() const {
    if (!blocks_.empty()) {
        long long busiest = 0;
        for (const BlockBits& b : blocks_)
            busiest = std::max(busiest, *std::max_element(b.tile_bits.begin(), b.tile_bits.end()));
        return busiest * config_->lanes;
    }
    const int busiest = filters_on_tile(
        static_cast<int>(std::min<long long>(filters_per_pass_, filters_per_group_)), 0);
    return static_cast<long long>(busiest) * config_->lanes * precision_.weight_bits;
}

long long LayerMapping::resident_bits_per_tile() const {
    if (!blocks_.empty()) {
        std::vector<long long> per_tile(static_cast<std::size_t>(config_->tiles), 0);
        for (const BlockBits& b : blocks_)
            for (std::size_t t = 0; t < per_tile.size(); ++t) per_tile[t] += b.tile_bits[t];
        return *std::max_element(per_tile.begin(), per_tile.end()) * reduction_;
    }
    const long long full_blocks = filters_per_group_ / filters_per_pass_;
    const int rest = static_cast<int>(filters_per_group_ - full_blocks * filters_per_pass_);
    const long long filters =
        full_blocks * filters_on_tile(static_cast<int>(filters_per_pass_), 0) +
        (rest > 0 ? filters_on_tile(rest, 0) : 0);
    return groups_ * filters * reduction_ * precision_.weight_bits;
}

long long LayerMapping::step_cycles(long long busiest_tile_bits, long long serial, int windows,
                                    int lanes) const {
    const auto& c = *config_;
    const long long weight_read = ceil_div(busiest_tile_bits * lanes, c.weight_buffer.width_bits);
    const long long activation_read =
        ceil_div(static_cast<long long>(windows) * lanes * precision_.activation_bits,
                 c.activation_memory.width_bits);
    return std::max({serial, weight_read, activation_read});
}

long long LayerMapping::pass_busy_cycles(long long busiest_tile_bits, long long serial,
                                         long long chunks, int last_lanes) const {
    const int lanes = config_->lanes;
    const auto block = [&](int windows) {
        return (chunks - 1) * step_cycles(busiest_tile_bits, serial, windows, lanes) +
               step_cycles(busiest_tile_bits, serial, windows, last_lanes);
    };
    return (window_blocks_ - 1) * block(windows_per_block_) + block(last_block_windows_);
}

Step LayerMapping::step(const Pass& pass, long long window_block, long long chunk) const {
    const auto& c = *config_;
    Step s;
    s.windows = window_block == window_blocks_ - 1 ? last_block_windows_ : windows_per_block_;
    s.lanes = chunk == chunks_ - 1 ? last_chunk_lanes_ : c.lanes;
    s.serial_cycles = pass.serial_cycles;
    s.weight_read_cycles = ceil_div(pass.busiest_tile_bits * s.lanes, c.weight_buffer.width_bits);
    s.activation_read_cycles =
        ceil_div(static_cast<long long>(s.windows) * s.lanes * precision_.activation_bits,
                 c.activation_memory.width_bits);
    return s;
}

Pass LayerMapping::pass(long long index) const {
    const long long per_group = filter_blocks_ * segments_;
    Pass p;
    p.index = index;
    p.group = static_cast<int>(index / per_group);
    p.filter_block = (index % per_group) / segments_;
    p.segment = static_cast<int>(index % segments_);
    p.filters = static_cast<int>(std::min<long long>(
        filters_per_pass_, filters_per_group_ - p.filter_block * filters_per_pass_));
    p.busiest_tile_filters = filters_on_tile(p.filters, 0);
    if (const BlockBits* b = block_of(index)) {
        p.weight_bits = b->max_bits;
        p.filter_bits = b->total_bits;
        p.busiest_tile_bits = *std::max_element(b->tile_bits.begin(), b->tile_bits.end());
        p.sip_cycles = b->sip_cycles;
    } else {
        p.weight_bits = precision_.weight_bits;
        p.filter_bits = static_cast<long long>(p.filters) * precision_.weight_bits;
        p.busiest_tile_bits = static_cast<long long>(p.busiest_tile_filters) * p.weight_bits;
        p.sip_cycles = static_cast<long long>(p.filters) * precision_.sip_cycles;
    }
    p.serial_cycles = serial_cycles_at(p.weight_bits);
    p.first_chunk = p.segment * chunks_per_segment_;
    p.chunks = std::min(chunks_per_segment_, chunks_ - p.first_chunk);
    p.first_segment = p.segment == 0;
    p.last_segment = p.segment == segments_ - 1;
    const int lanes = config_->lanes;
    const int last_lanes = p.last_segment ? last_chunk_lanes_ : lanes;
    p.terms = (p.chunks - 1) * lanes + last_lanes;

    const long long f = p.filters;
    const long long weight_bits = p.terms * p.filter_bits;
    const long long outputs = f * positions_;
    const long long inputs_in =
        spilled_ ? group_input_bits_
                 : (index == 0 && spec_.input_off_chip ? group_input_bits_ * groups_ : 0);
    const long long fetched_weight_bits = spec_.weights_resident ? 0 : weight_bits;
    p.offchip_read_bits = fetched_weight_bits + inputs_in;
    const bool off_chip_out = writes_output_off_chip();
    p.offchip_write_bits = off_chip_out && p.last_segment ? outputs * precision_.output_bits : 0;
    p.weight_buffer_write_bits = fetched_weight_bits;
    p.weight_buffer_read_bits = window_blocks_ * weight_bits;
    p.activation_memory_read_bits = positions_ * p.terms * precision_.activation_bits +
                                    (p.first_segment ? 0 : outputs * config_->accumulator_bits);
    p.activation_memory_write_bits =
        inputs_in + (p.last_segment ? (off_chip_out ? 0 : outputs * precision_.output_bits)
                                    : outputs * config_->accumulator_bits);

    p.compute_cycles = window_blocks_ * p.chunks * p.serial_cycles;
    p.busy_cycles = pass_busy_cycles(p.busiest_tile_bits, p.serial_cycles, p.chunks, last_lanes);
    p.macs = outputs * p.terms;
    // Each SIP is charged its own filter's serial cycles: one that finishes before the pass's
    // widest filter idles (clock-gated) for the rest of the step.
    p.active_lane_cycles = positions_ * p.terms * p.sip_cycles;
    p.active_sip_cycles = positions_ * p.chunks * p.sip_cycles;
    return p;
}

long long LayerMapping::time_term(long long index) const {
    // max(B_i, F_i+1), F_i+1 carrying the writes of pass i-1.
    const Pass cur = pass(index);
    const Pass next = pass(index + 1);
    const long long write = index >= 1 ? pass(index - 1).offchip_write_bits : 0;
    return std::max(cur.busy_cycles, channel_.fetch_cycles(next.offchip_read_bits, write));
}

LayerTotals LayerMapping::totals() const {
    if (!blocks_.empty()) return kernel_wise_totals();
    LayerTotals t;
    const long long n = passes();
    t.passes = n;

    // Passes differ only in whether their filter block is the partial last one and whether
    // their segment is the first, a middle or the last one; pass 0 alone also reads the network
    // input. So each kind is built once, from a representative in group 1's position (an index
    // >= 1 never reads the network input; no field depends on the group).
    const long long full_blocks = filters_per_group_ / filters_per_pass_;
    const bool partial_block = filter_blocks_ > full_blocks;
    const long long per_group = filter_blocks_ * segments_;
    const auto build = [&](long long block, int segment) {
        return pass(per_group + block * segments_ + segment);
    };
    struct Kind {
        long long blocks = 0;  // filter blocks of this kind per group
        Pass first, middle, last;
    };
    Kind kinds[2];
    int kind_count = 0;
    const auto make_kind = [&](long long block, long long count) {
        Kind k;
        k.blocks = count;
        k.last = build(block, segments_ - 1);
        if (segments_ > 1) k.first = build(block, 0);
        if (segments_ > 2) k.middle = build(block, 1);
        kinds[kind_count++] = k;
    };
    if (full_blocks > 0) make_kind(0, full_blocks);
    if (partial_block) make_kind(filter_blocks_ - 1, 1);

    // A spilled layer reads its group's whole input again for every pass: a product the
    // trace's bound on MACs does not bound (docs/formats.md), so every sum here is checked.
    const auto add_to = [&](long long& total, long long count, long long value,
                            const char* figure) {
        const auto product = checked_mul(count, value);
        const auto sum = product ? checked_add(total, *product) : std::nullopt;
        if (!sum)
            throw ConfigError(layer_label(*layer_, layer_index_) + " on " + config_->name + ": " +
                              figure + ": found more than a 64-bit count holds (" +
                              std::to_string(n) + " passes), expected a count that fits");
        total = *sum;
    };
    const auto add = [&](const Pass& p, long long count) {
        add_to(t.compute_cycles, count, p.compute_cycles, "compute_cycles");
        add_to(t.busy_cycles, count, p.busy_cycles, "busy cycles");
        add_to(t.offchip_read_bits, count, p.offchip_read_bits, "off_chip_read_bits");
        add_to(t.offchip_write_bits, count, p.offchip_write_bits, "off_chip_write_bits");
        add_to(t.weight_buffer_read_bits, count, p.weight_buffer_read_bits,
               "weight_buffer_read_bits");
        add_to(t.weight_buffer_write_bits, count, p.weight_buffer_write_bits,
               "weight_buffer_write_bits");
        add_to(t.activation_memory_read_bits, count, p.activation_memory_read_bits,
               "activation_memory_read_bits");
        add_to(t.activation_memory_write_bits, count, p.activation_memory_write_bits,
               "activation_memory_write_bits");
        add_to(t.active_lane_cycles, count, p.active_lane_cycles, "active lane cycles");
        add_to(t.active_sip_cycles, count, p.active_sip_cycles, "active SIP cycles");
        add_to(t.macs, count, p.macs, "macs");
    };
    const long long g = groups_;
    for (int i = 0; i < kind_count; ++i) {
        const Kind& k = kinds[i];
        add(k.last, g * k.blocks);
        if (segments_ > 1) add(k.first, g * k.blocks);
        if (segments_ > 2) add(k.middle, g * k.blocks * (segments_ - 2));
    }
    const Pass first = pass(0);
    const Pass& first_kind = segments_ > 1 ? kinds[0].first : kinds[0].last;
    const long long network_input_bits = first.offchip_read_bits - first_kind.offchip_read_bits;
    add_to(t.offchip_read_bits, 1, network_input_bits, "off_chip_read_bits");
    add_to(t.activation_memory_write_bits, 1, network_input_bits, "activation_memory_write_bits");

    // Time (mapping.hpp): F_0 + sum_{i<n-1} max(B_i, F_i+1) + B_n-1 + write tail + pipeline.
    long long sum = 0;
    if (!writes_output_off_chip()) {
        // No writes ride along, so F_i+1 depends on pass i+1 alone and every group repeats the
        // same terms; within a group, filter blocks of one kind repeat theirs.
        const auto term = [&](const Pass& cur, const Pass& next) {
            return std::max(cur.busy_cycles, channel_.fetch_cycles(next.offchip_read_bits, 0));
        };
        const auto head = [&](const Kind& k) -> const Pass& {
            return segments_ > 1 ? k.first : k.last;
        };
        // Terms inside one filter block: segment s -> s + 1 (first and middle segments have the
        // same busy time and reads; only partial-sum traffic differs).
        const auto inside = [&](const Kind& k) {
            long long s = 0;
            if (segments_ == 1) return s;
            add_to(s, segments_ - 2, term(k.first, k.first), "total_cycles");
            add_to(s, 1, term(k.first, k.last), "total_cycles");
            return s;
        };
        const Kind& a = kinds[0];
        const Kind& z = kinds[kind_count - 1];  // the last kind in a group's order
        long long group_sum = 0;
        add_to(group_sum, a.blocks, inside(a), "total_cycles");
        add_to(group_sum, a.blocks - 1, term(a.last, head(a)), "total_cycles");
        if (kind_count == 2) {
            add_to(group_sum, 1, inside(z), "total_cycles");
            add_to(group_sum, 1, term(a.last, head(z)), "total_cycles");
        }
        const long long wrap = term(z.last, head(a));  // a group's last pass -> the next's first
        add_to(sum, g, group_sum, "total_cycles");
        add_to(sum, g - 1, wrap, "total_cycles");
    } else {
        for (long long i = 0; i + 1 < n; ++i) add_to(sum, 1, time_term(i), "total_cycles");
    }
    const Pass last = n >= 2 ? kinds[kind_count - 1].last : first;
    const long long write_before_last =
        writes_output_off_chip() && n >= 2 ? pass(n - 2).offchip_write_bits : 0;
    t.total_cycles = channel_.fetch_cycles(first.offchip_read_bits, 0);
    add_to(t.total_cycles, 1, sum, "total_cycles");
    add_to(t.total_cycles, 1,
           std::max(last.busy_cycles, channel_.transfer_cycles(write_before_last)), "total_cycles");
    add_to(t.total_cycles, 1, channel_.transfer_cycles(last.offchip_write_bits), "total_cycles");
    add_to(t.total_cycles, 1, config_->pipeline_cycles, "total_cycles");
    return t;
}

// Kernel-wise bits: every filter block has its own widest filter and tile loads, so the passes
// are summed one by one (O(passes), each O(1)) with mapping.hpp's time recurrence as it reads.
LayerTotals LayerMapping::kernel_wise_totals() const {
    LayerTotals t;
    const long long n = passes();
    t.passes = n;
    const auto add = [&](long long& total, long long value, const char* figure) {
        const auto sum = checked_add(total, value);
        if (!sum)
            throw ConfigError(layer_label(*layer_, layer_index_) + " on " + config_->name + ": " +
                              figure + ": found more than a 64-bit count holds (" +
                              std::to_string(n) + " passes), expected a count that fits");
        total = *sum;
    };
    long long start = 0, write_2 = 0, write_1 = 0;  // writes of passes i-2 and i-1
    Pass cur = pass(0);
    add(start, channel_.fetch_cycles(cur.offchip_read_bits, 0), "total_cycles");
    for (long long i = 0; i < n; ++i) {
        add(t.compute_cycles, cur.compute_cycles, "compute_cycles");
        add(t.busy_cycles, cur.busy_cycles, "busy cycles");
        add(t.offchip_read_bits, cur.offchip_read_bits, "off_chip_read_bits");
        add(t.offchip_write_bits, cur.offchip_write_bits, "off_chip_write_bits");
        add(t.weight_buffer_read_bits, cur.weight_buffer_read_bits, "weight_buffer_read_bits");
        add(t.weight_buffer_write_bits, cur.weight_buffer_write_bits, "weight_buffer_write_bits");
        add(t.activation_memory_read_bits, cur.activation_memory_read_bits,
            "activation_memory_read_bits");
        add(t.activation_memory_write_bits, cur.activation_memory_write_bits,
            "activation_memory_write_bits");
        add(t.active_lane_cycles, cur.active_lane_cycles, "active lane cycles");
        add(t.active_sip_cycles, cur.active_sip_cycles, "active SIP cycles");
        add(t.macs, cur.macs, "macs");
        write_2 = write_1;  // pass i-1's writes ride with pass i+1's fetch
        write_1 = cur.offchip_write_bits;
        if (i + 1 == n) break;
        const Pass next = pass(i + 1);
        add(start,
            std::max(cur.busy_cycles, channel_.fetch_cycles(next.offchip_read_bits, write_2)),
            "total_cycles");
        cur = next;
    }
    // write_2 is pass n-2's, write_1 pass n-1's (0 where there is no such pass).
    t.total_cycles = start;
    add(t.total_cycles, std::max(cur.busy_cycles, channel_.transfer_cycles(write_2)),
        "total_cycles");
    add(t.total_cycles, channel_.transfer_cycles(write_1), "total_cycles");
    add(t.total_cycles, config_->pipeline_cycles, "total_cycles");
    return t;
}

}  // namespace serialq::sim
