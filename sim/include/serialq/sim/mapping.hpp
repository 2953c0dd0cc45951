#pragma once
// How one weight layer (conv, grouped/depthwise conv, fully connected) runs on the array: a loop
// nest of passes, each a sequence of lane-chunk steps. The cycle-level model executes this
// schedule step by step; the analytic model sums it in closed form. Both count time with the
// rules below, so their cycle counts agree exactly.
//
// ## The array
// tiles x (filters_per_tile x windows_per_tile) SIPs with `lanes` lanes each. All tiles see the
// same activations (the activation memory broadcasts them); each tile reads its own filters'
// weights from its weight buffer.
//
// ## The loop nest (one layer)
//   for group g < G                          conv groups; filters of one group share inputs
//     for filter block fb < NFB              filters_per_pass filters of group g, spread
//                                            evenly over the tiles (filters_on_tile)
//       for segment s < NS                   reduction segments (weight buffer capacity)
//         = one PASS: its weights must be on chip (double-buffered, see timing)
//         for window block wb < NWB          windows_per_block output positions at a time
//           for chunk c in segment s         `lanes` terms of the inner product at a time
//             = one STEP: every active SIP (filter, window) adds `lanes` products,
//               taking serial_cycles cycles
//
// Two arrangements of the SIPs:
//  - Windows (conv, any layer with more than one output position): SIP rows are filters, SIP
//    columns are windows; a row shares its weights along its columns, a column shares its
//    activations down the rows and across tiles. filters_per_pass = tiles x filters_per_tile,
//    windows_per_block = windows_per_tile.
//  - Filters (fully connected, and any layer with a single output position, also with a batch
//    smaller than windows_per_tile): there is one window at a time, so every SIP of a tile
//    works on a different filter with the same broadcast activations and loads its own
//    weights (as Stripes runs FC layers).
//    filters_per_pass = tiles x filters_per_tile x windows_per_tile, windows_per_block = 1.
// Depthwise conv (one filter per group) therefore keeps one SIP row busy per pass: the array
// broadcasts one input to all tiles, and filters of different groups read different inputs.
// Pooling and element-wise add layers carry no weights: they run in the output stage of the
// layer that produces their input (DaDianNao's third NFU stage), cost no array cycles, move no
// extra data and get no report row.
//
// ## Precision (layer_precision)
// Every layer has a weight precision w (the per-layer bits) and an input-activation precision
// a (per-layer act bits, by default activation_bits). Each operand is stored, fetched and read
// at its precision (packed), whichever is serial; the serial one sets the step's cycles:
//   serial        serial_cycles per step
//   weights       ceil(w / k)
//   activations   ceil(a / k)
//   both          ceil(w / k) x ceil(a / k)
//   none          1   (precisions only change storage and traffic)
// with k = bits_per_cycle. Outputs are written at activation_bits.
//
// ## Per-filter weight precision (kernel-wise bits, spec.filter_bits; AutoQ)
// Each filter (output channel) may have its own weight precision w_f; w is their max. Filter j
// of a pass sits on tile j % tiles (the even spread above). Then, per pass:
//  - a step lasts as long as the pass's widest filter: serial_cycles uses w_pass = max of the
//    pass's w_f (serial weights or both; with serial activations or none, w_f changes storage
//    and traffic only);
//  - each filter's weights are stored, fetched and read at w_f: weight_read_cycles uses the
//    busiest tile's sum of w_f (x lanes_in_chunk), off-chip and buffer bits the sum over
//    filters of terms x w_f; resident_bits_per_tile and chunk_bits_per_tile are the busiest
//    tile's sums;
//  - energy: a SIP is charged its own filter's serial cycles (sip_cycles at w_f): one whose
//    filter is narrower than the pass's widest finishes early and idles, clock-gated, for the
//    rest of the step. Time is the widest filter's; energy is each filter's own.
// Loom's FC mode likewise: ceil(w_pass / k) x ceil(ceil(a / k) / c) cycles per step.
// Filter order (AcceleratorConfig::filter_order): `network` maps filters in the network's
// order; `precision` sorts each group's filters widest first (stable), so passes hold similar
// precisions, and keeps that order only if it fits the buffers and its total_cycles is lower
// than the network order's (never slower; network_order_cycles() gives the latter). Layer-wise
// bits (filter_bits empty) are exactly the rules above with w_f = w.
//
// Loom's fully connected mode (serial: both, Filters arrangement): a single window leaves the
// SIP columns without windows to hold, so a filter's activation digits are spread over
// c = min(ceil(a / k), windows_per_tile) SIPs of its row, each ANDing the weight's bits with its
// digit(s), their sums shifted together: a step takes ceil(w / k) x ceil(ceil(a / k) / c)
// cycles and a tile holds filters_per_tile x floor(windows_per_tile / c) filters. With every
// digit on its own column the time scales with the weights' precision only, as [LM]'s abstract
// states for FC layers. The SIPs do the same work as one SIP would (sip_cycles).
//
// ## Batches
// With batch N the layer's output positions are N x (height x width): the windows of N
// inputs fill the window blocks, so a pass's weights serve every inference of the batch. A
// fully connected layer (one position per input) runs the batch across the SIP columns once
// it fills them (N >= windows_per_tile); a smaller batch keeps the filters arrangement and
// runs its inputs one window block after another, each pass's weights held in the buffers.
//
// ## What a step costs
// A step's operands are read from the on-chip memories while the previous step computes
// (double-buffered operand registers), so a step takes
//   step_cycles = max(serial_cycles, weight_read_cycles, activation_read_cycles)
//   weight_read_cycles     = ceil(filters in the busiest tile x lanes_in_chunk x weight_bits
//                                 / weight_buffer.width_bits)
//   activation_read_cycles = ceil(windows_in_block x lanes_in_chunk x activation_bits
//                                 / activation_memory.width_bits)
// compute_cycles counts serial_cycles only (the SIPs busy); the rest is a stall. Outputs and
// partial sums are written through a separate port (DaDianNao's NBout) off the critical path.
//
// ## Data movement
// Streamed weights come from off-chip once per layer (each weight once) into the weight
// buffers; a pass's weights must fit half the streaming buffer (the other half holds the next
// pass's), which sets the reduction segment length. Resident weights (spec.weights_resident)
// are in the buffers before the layer starts: no off-chip reads, no buffer writes, one segment.
// Partial sums of a segment that does not end the reduction go to the activation memory at
// accumulator_bits and come back for the next segment. The layer's input and output live in
// the activation memory, with two exceptions. A layer whose input comes from off-chip
// (spec.input_off_chip: the network's input, or outputs a spilled layer wrote there) reads it
// once, in pass 0. A layer whose input plus output do not fit the activation memory
// ("spilled", layer_spills) re-reads its group's whole input from off-chip for every pass and
// writes its outputs off-chip; so does a layer whose outputs a spilled layer reads
// (spec.output_off_chip). Inputs that come from off-chip are written into the activation
// memory before they are read.
//
// ## Timing of a layer (off-chip channel, double buffering)
// Pass i needs its off-chip data (read_i bits) before it starts; it then keeps the array busy
// for B_i = sum of its step_cycles. The fetch of pass i+1 is issued when pass i starts, so it
// overlaps pass i's compute; outputs pass i spills are written in the channel slot after that
// (issued when pass i+1 starts). One transfer at a time; a read pays the latency once:
//   F_i   = (read_i > 0 ? latency_cycles : 0) + transfer_cycles(read_i + write_{i-2})
//   S_0   = F_0                                 (the first fetch is not hidden)
//   S_i+1 = S_i + max(B_i, F_i+1)               (a stall only when the data is late)
//   end   = S_n-1 + max(B_n-1, transfer_cycles(write_n-2)) + transfer_cycles(write_n-1)
//   total_cycles = end + pipeline_cycles        (SIP pipeline fill and drain, once per layer)
// with write_k = 0 for k < 0, transfer_cycles(b) = ceil(b / (bandwidth_gb_per_s x 8 / clock_ghz))
// and latency_cycles = ceil(latency_ns x clock_ghz). Layers run one after another: a layer's
// first fetch does not overlap the previous layer. stall_cycles = total_cycles - compute_cycles
// - pipeline_cycles. Bounds: compute_cycles + pipeline_cycles <= total_cycles, and total_cycles
// >= transfer_cycles(all off-chip bits) (the channel is never faster than its bandwidth).
#include "serialq/common/layer_bits.hpp"
#include "serialq/common/network.hpp"
#include "serialq/sim/accelerator_config.hpp"

#include <string>
#include <tuple>
#include <vector>

namespace serialq::sim {

// What one layer's run depends on beyond its shape and the accelerator: both operands'
// precisions and where its data lives. plan_layers() (network_plan.hpp) derives it for every
// layer of a network; single_layer_spec() for a layer run alone.
struct LayerSpec {
    int weight_bits = 0;  // the weights' precision
    int activation_bits = 0;  // the input activations' precision
    bool weights_resident = false;  // in the weight buffers before the layer starts
    bool input_off_chip = false;  // the network's input, or a spilled producer's outputs
    bool output_off_chip = false;  // a spilled consumer reads its outputs from off-chip
    long long stream_buffer_bits = 0;  // per tile, what streamed weights may double-buffer in
        // (0: the whole weight buffer; kProbeStreamBits: any)
    // Kernel-wise weights: one precision per output channel, in network order, their max
    // weight_bits. Empty: every filter at weight_bits (layer-wise bits).
    std::vector<int> filter_bits;
    // The fields as a tuple: what the agent's per-layer memo may key on.
    auto key() const {
        return std::tie(weight_bits, activation_bits, weights_resident, input_off_chip,
                        output_off_chip, stream_buffer_bits, filter_bits);
    }
    auto operator<=>(const LayerSpec&) const = default;
};

// A streaming buffer as large as any pass needs: a mapping built with it to measure a layer
// (resident_bits_per_tile, chunk_bits_per_tile, spilled) never fails the streaming check.
inline constexpr long long kProbeStreamBits = 1LL << 60;

// The precisions each operand may take per layer on `config`: the serial operand's range is
// [min_bits, max_bits]; a parallel operand's is [min_bits, its stored width].
BitsRange weight_bits_range(const AcceleratorConfig& config);
BitsRange activation_bits_range(const AcceleratorConfig& config);

// The widths a layer runs at on `config` with weights at `weight_bits` and input activations
// at `activation_bits`.
struct LayerPrecision {
    int weight_bits = 0;  // per weight, stored, fetched and read
    int activation_bits = 0;  // per input activation read
    int output_bits = 0;  // per output activation written
    int serial_cycles = 0;  // cycles of one step
    int sip_cycles = 0;  // SIP-cycles of work per (filter, window, chunk): serial_cycles,
        // except in Loom's FC mode, where several SIPs share a filter
};

// Throws ConfigError if either precision is outside its range; `what` names the layer.
LayerPrecision layer_precision(const AcceleratorConfig& config, int weight_bits,
                               int activation_bits, const std::string& what = "bits");

enum class Arrangement { Windows, Filters };
inline constexpr EnumNames<Arrangement, 2> kArrangementNames{
    {{{Arrangement::Windows, "windows"}, {Arrangement::Filters, "filters"}}}};
inline const char* to_string(Arrangement arrangement) {
    return kArrangementNames.name(arrangement);
}

// The off-chip channel in cycles (shared by both models so the arithmetic is identical).
struct Channel {
    double bits_per_cycle = 1;  // bandwidth_gb_per_s x 8 / clock_ghz
    long long latency_cycles = 0;
    explicit Channel(const AcceleratorConfig& config);
    long long transfer_cycles(long long bits) const;
    // The slot of one pass: its reads (paying the latency) and the writes riding along.
    long long fetch_cycles(long long read_bits, long long write_bits) const;
};

// One step: one window block x one lane chunk.
struct Step {
    int windows = 0;  // windows in the block (1 in the Filters arrangement)
    int lanes = 0;  // terms in the chunk
    long long serial_cycles = 0;
    long long weight_read_cycles = 0;
    long long activation_read_cycles = 0;
    long long cycles() const;  // max of the three
};

// One pass: one filter block of one group over one reduction segment, all window blocks.
struct Pass {
    long long index = 0;
    int group = 0;
    long long filter_block = 0;
    int segment = 0;
    int filters = 0;  // filters in this pass
    int busiest_tile_filters = 0;  // filters on tile 0 (filters spread evenly over tiles)
    int weight_bits = 0;  // its widest filter's precision: sets serial_cycles
    long long serial_cycles = 0;  // of each of its steps
    long long filter_bits = 0;  // sum over its filters of their precisions
    long long busiest_tile_bits = 0;  // the same over the busiest tile's filters
    long long sip_cycles = 0;  // sum over its filters of their own sip_cycles (energy)
    long long first_chunk = 0;  // chunks [first_chunk, first_chunk + chunks)
    long long chunks = 0;
    long long terms = 0;  // reduction terms covered (sum of the chunks' lanes)
    bool first_segment = true;
    bool last_segment = true;

    long long offchip_read_bits = 0;  // before the pass: weights (+ inputs, see above)
    long long offchip_write_bits = 0;  // after the pass: spilled outputs
    long long weight_buffer_read_bits = 0;
    long long weight_buffer_write_bits = 0;
    long long activation_memory_read_bits = 0;
    long long activation_memory_write_bits = 0;

    long long compute_cycles = 0;  // serial cycles of its steps
    long long busy_cycles = 0;  // B_i: sum of its steps' cycles
    long long active_lane_cycles = 0;  // lanes holding a term x serial cycles
    long long active_sip_cycles = 0;  // SIPs holding a (filter, window) x serial cycles
    long long macs = 0;
};

// Sums over every pass of a layer, and its time.
struct LayerTotals {
    long long passes = 0;
    long long compute_cycles = 0;
    long long busy_cycles = 0;
    long long total_cycles = 0;  // by the timing rule above
    long long offchip_read_bits = 0;
    long long offchip_write_bits = 0;
    long long weight_buffer_read_bits = 0;
    long long weight_buffer_write_bits = 0;
    long long activation_memory_read_bits = 0;
    long long activation_memory_write_bits = 0;
    long long active_lane_cycles = 0;
    long long active_sip_cycles = 0;
    long long macs = 0;
};

// Keeps pointers to `config` and to the layer in `net`: both must outlive the mapping.
class LayerMapping {
public:
    // Throws ConfigError for a layer without weights, bits out of range, a streamed layer whose
    // one lane chunk of weights does not fit half its streaming buffer, or resident weights
    // that do not fit the weight buffers.
    LayerMapping(const AcceleratorConfig& config, const Network& net, int layer_index,
                 const LayerSpec& spec);
    // The layer alone (single_layer_spec), its activations at the accelerator's width.
    LayerMapping(const AcceleratorConfig& config, const Network& net, int layer_index, int bits);

    const AcceleratorConfig& config() const { return *config_; }
    const Layer& layer() const { return *layer_; }
    int layer_index() const { return layer_index_; }
    const LayerPrecision& precision() const { return precision_; }
    Arrangement arrangement() const { return arrangement_; }

    // Geometry of the loop nest.
    int groups() const { return groups_; }
    int filters_per_group() const { return filters_per_group_; }
    long long positions() const { return positions_; }  // output positions per filter
    long long reduction() const { return reduction_; }  // terms per output
    int rows_per_tile() const { return rows_per_tile_; }  // filters a tile holds at once
    long long filters_per_pass() const { return filters_per_pass_; }
    long long filter_blocks() const { return filter_blocks_; }  // per group
    int windows_per_block() const { return windows_per_block_; }
    long long window_blocks() const { return window_blocks_; }
    long long chunks() const { return chunks_; }  // per output
    long long chunks_per_segment() const { return chunks_per_segment_; }
    int segments() const { return segments_; }
    const LayerSpec& spec() const { return spec_; }
    bool reads_input_off_chip() const { return spec_.input_off_chip; }
    bool weights_resident() const { return spec_.weights_resident; }
    bool spilled() const { return spilled_; }
    // Outputs written off-chip (not into the activation memory): the layer spilled, or a layer
    // that reads them spills (spec.output_off_chip).
    bool writes_output_off_chip() const { return spilled_ || spec_.output_off_chip; }
    // Filters of a pass of `pass_filters` on tile `tile`: spread evenly, the first tiles taking
    // one more when they do not divide (so a small layer uses every tile).
    int filters_on_tile(int pass_filters, int tile) const;
    // The layer's weights on its busiest tile when all of them are held at once.
    long long resident_bits_per_tile() const;
    // One lane chunk of weights on the busiest tile: half a streaming buffer must hold one.
    long long chunk_bits_per_tile() const;
    // The most either figure may be under any filter order the mapper may choose (what the
    // network plan reserves, deciding residency before the order is chosen); equal to the
    // two above for layer-wise bits.
    long long reserve_resident_bits_per_tile() const { return reserve_resident_bits_; }
    long long reserve_chunk_bits_per_tile() const { return reserve_chunk_bits_; }

    // Kernel-wise bits (spec.filter_bits). The order the mapper chose (FilterOrder: always
    // Network for layer-wise bits or when sorting is not faster) and the layer's total_cycles
    // in the network's own order (= totals().total_cycles unless the order is Precision).
    FilterOrder filter_order() const { return filter_order_; }
    long long network_order_cycles() const;
    // The network channel (output channel index) of filter j of `pass`.
    int filter_channel(const Pass& pass, int j) const;
    // The precision of filter j of `pass`.
    int filter_weight_bits(const Pass& pass, int j) const;
    // Sum of the precisions of the filters of pass `pass_index` on tile `tile` (filter j of a
    // pass is on tile j % tiles).
    long long tile_filter_bits(long long pass_index, int tile) const;

    // The schedule, in order: pass(0) .. pass(passes() - 1), each with window_blocks() x
    // pass.chunks steps (window block outer, chunk inner).
    long long passes() const {
        return static_cast<long long>(groups_) * filter_blocks_ * segments_;
    }
    Pass pass(long long index) const;
    Step step(const Pass& pass, long long window_block, long long chunk) const;

    // Closed-form sums and time (microseconds per layer; no loop over passes unless spilled
    // outputs interleave with reads, and then over at most three groups' passes).
    LayerTotals totals() const;

private:
    // Per (group, filter block) of a kernel-wise layer: what its passes' time and traffic need.
    struct BlockBits {
        int max_bits = 0;
        long long total_bits = 0;
        long long sip_cycles = 0;
        std::vector<long long> tile_bits;  // per tile
    };
    long long serial_cycles_at(int weight_bits) const;  // a step with this widest filter
    long long sip_cycles_at(int weight_bits) const;  // one filter's SIP work per chunk
    void lay_out_filters(std::vector<int> order);  // order_ and blocks_
    std::string fit_segments();  // chunks_per_segment_, segments_; or why they cannot be
    void choose_filter_order(const std::string& label);
    const BlockBits* block_of(long long pass_index) const;
    long long step_cycles(long long busiest_tile_bits, long long serial, int windows,
                          int lanes) const;
    long long pass_busy_cycles(long long busiest_tile_bits, long long serial, long long chunks,
                               int last_lanes) const;
    LayerTotals kernel_wise_totals() const;
    long long offchip_read_bits(long long index, int filters, long long terms) const;
    long long offchip_write_bits(const Pass& p) const;
    long long time_term(long long index) const;  // max(B_i, F_i+1)

    const AcceleratorConfig* config_;
    const Layer* layer_;
    int layer_index_;
    LayerSpec spec_;
    LayerPrecision precision_;
    Arrangement arrangement_;
    Channel channel_;
    int groups_;
    int filters_per_group_;
    long long positions_;
    long long reduction_;
    int rows_per_tile_;
    long long filters_per_pass_;
    long long filter_blocks_;
    int windows_per_block_;
    long long window_blocks_;
    int last_block_windows_;
    long long chunks_;
    int last_chunk_lanes_;
    long long chunks_per_segment_;
    int segments_;
    bool spilled_;
    long long group_input_bits_;  // one group's whole input at activation_bits
    std::vector<int> order_;  // mapped position -> network channel (empty: layer-wise)
    std::vector<BlockBits> blocks_;  // groups x filter_blocks (empty: layer-wise)
    FilterOrder filter_order_ = FilterOrder::Network;
    long long network_order_cycles_ = 0;
    long long reserve_resident_bits_ = 0;
    long long reserve_chunk_bits_ = 0;
};

// The layer alone: resident if the accelerator keeps weights resident and the layer's fit the
// buffers by themselves, its input off-chip if it reads the network's input; activations at
// activation_bits. What simulate_layer(net, index, bits) runs.
LayerSpec single_layer_spec(const AcceleratorConfig& config, const Network& net, int layer_index,
                            int bits);

// Whether a layer's input and output at these precisions exceed the activation memory, so that
// it re-reads its input from off-chip for every pass and writes its outputs there.
bool layer_spills(const AcceleratorConfig& config, const Layer& layer, int activation_bits);

}  // namespace serialq::sim
