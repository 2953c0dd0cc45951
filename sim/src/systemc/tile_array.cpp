#include "systemc/tile_array.hpp"

#include "functional/functional_array.hpp"

namespace serialq::sim::sc {

TileArray::TileArray(sc_core::sc_module_name name, const sc_core::sc_clock* clock)
    : sc_core::sc_module(name), active_sips("active_sips"), pacer_("pacer", clock) {
    SC_THREAD(serve);
}

void TileArray::reset(const LayerMapping& mapping, FunctionalArray* functional) {
    mapping_ = &mapping;
    functional_ = functional;
    // A SIP's work per step at each weight precision the layer may hold (layer_precision).
    const BitsRange range = weight_bits_range(mapping.config());
    sip_cycles_.assign(static_cast<std::size_t>(range.max) + 1, 0);
    for (int b = range.min; b <= range.max; ++b)
        sip_cycles_[static_cast<std::size_t>(b)] =
            layer_precision(mapping.config(), b, mapping.precision().activation_bits).sip_cycles;
    events_ = {};
    compute_cycles_ = 0;
    macs_ = 0;
}

void TileArray::serve() {
    for (;;) {
        const Run r = requests.read();
        const long long sips = static_cast<long long>(r.filters) * r.windows;
        const long long busy = r.serial_cycles * r.steps;
        // Every active SIP: each cycle its lanes AND, its tree adds, its accumulator shifts
        // (sip_cycles of them per step: in Loom's FC mode several SIPs share a filter). Each
        // filter's SIPs work its own precision's cycles, then idle until the step ends.
        const Pass pass = mapping_->pass(r.pass);
        long long filter_work = 0;  // sum over the run's filters of their sip_cycles
        for (int j = 0; j < r.filters; ++j)
            filter_work += sip_cycles_of(mapping_->filter_weight_bits(pass, j));
        const long long work = filter_work * r.windows * r.steps;
        events_.lane_cycles += work * r.lanes;
        events_.adder_tree_cycles += work;
        events_.accumulator_cycles += work;
        macs_ += sips * r.lanes * r.steps;
        compute_cycles_ += busy;
        if (functional_ != nullptr) compute(r);
        if (tracing) active_sips.write(static_cast<int>(sips));
        pacer_.pass(busy);
        if (tracing) active_sips.write(0);
        done->write(Done{busy});
    }
}

void TileArray::compute(const Run& r) {
    // The run's steps in the pass's order: chunks of a window block, then the next block.
    const Pass pass = mapping_->pass(r.pass);
    long long wb = r.window_block, c = r.chunk;
    for (long long i = 0; i < r.steps; ++i) {
        functional_->step(pass, wb, c);
        if (++c == pass.first_chunk + pass.chunks) {
            c = pass.first_chunk;
            ++wb;
        }
    }
}

}  // namespace serialq::sim::sc
