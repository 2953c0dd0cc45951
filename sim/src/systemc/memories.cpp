#include "systemc/memories.hpp"

#include <algorithm>

namespace serialq::sim::sc {

namespace {
long long ceil_div(long long a, long long b) { return (a + b - 1) / b; }
}  // namespace

WeightBuffers::WeightBuffers(sc_core::sc_module_name name, const sc_core::sc_clock* clock)
    : sc_core::sc_module(name), pacer_("pacer", clock) {
    SC_THREAD(serve);
}

void WeightBuffers::configure(const LayerMapping& m) {
    tiles_ = m.config().tiles;
    mapping_ = &m;
    width_bits_ = m.config().weight_buffer.width_bits;
    tile_read_bits_.assign(static_cast<std::size_t>(tiles_), 0);
    read_bits_ = write_bits_ = 0;
}

void WeightBuffers::fill(long long bits) { write_bits_ += bits; }

void WeightBuffers::serve() {
    for (;;) {
        const Run r = requests.read();
        // Every tile reads its own filters' chunk from its own buffer; the step waits for the
        // slowest tile.
        long long step_cycles = 0;
        for (int t = 0; t < tiles_; ++t) {
            const int filters = mapping_->filters_on_tile(r.filters, t);
            if (filters == 0) break;  // the first tiles take the odd filters
            // Each filter's lanes at its own precision (kernel-wise bits).
            const long long bits = mapping_->tile_filter_bits(r.pass, t) * r.lanes;
            step_cycles = std::max(step_cycles, ceil_div(bits, width_bits_));
            tile_read_bits_[static_cast<std::size_t>(t)] += bits * r.steps;
            read_bits_ += bits * r.steps;
        }
        const long long busy = step_cycles * r.steps;
        pacer_.pass(busy);
        done->write(Done{busy});
    }
}

ActivationMemory::ActivationMemory(sc_core::sc_module_name name, const sc_core::sc_clock* clock)
    : sc_core::sc_module(name), pacer_("pacer", clock) {
    SC_THREAD(serve);
}

void ActivationMemory::configure(const LayerMapping& m) {
    width_bits_ = m.config().activation_memory.width_bits;
    activation_bits_ = m.precision().activation_bits;
    read_bits_ = write_bits_ = 0;
}

void ActivationMemory::serve() {
    for (;;) {
        const Run r = requests.read();
        // One read per step, broadcast to every tile: the block's windows x the chunk's terms.
        const long long bits = static_cast<long long>(r.windows) * r.lanes * activation_bits_;
        read_bits_ += bits * r.steps;
        const long long busy = ceil_div(bits, width_bits_) * r.steps;
        pacer_.pass(busy);
        done->write(Done{busy});
    }
}

}  // namespace serialq::sim::sc
