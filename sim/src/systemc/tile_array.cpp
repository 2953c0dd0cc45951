#include "systemc/tile_array.hpp"

namespace serialq::sim::sc {

TileArray::TileArray(sc_core::sc_module_name name, const sc_core::sc_clock* clock)
    : sc_core::sc_module(name), active_sips("active_sips"), pacer_("pacer", clock) {
    SC_THREAD(serve);
}

void TileArray::reset() {
    events_ = {};
    compute_cycles_ = 0;
    macs_ = 0;
}

void TileArray::serve() {
    for (;;) {
        const Run r = requests.read();
        const long long sips = static_cast<long long>(r.filters) * r.windows;
        const long long busy = r.serial_cycles * r.steps;
        // Every active SIP: each cycle its lanes AND, its tree adds, its accumulator shifts.
        events_.lane_cycles += sips * r.lanes * busy;
        events_.adder_tree_cycles += sips * busy;
        events_.accumulator_cycles += sips * busy;
        macs_ += sips * r.lanes * r.steps;
        compute_cycles_ += busy;
        if (tracing) active_sips.write(static_cast<int>(sips));
        pacer_.pass(busy);
        if (tracing) active_sips.write(0);
        done->write(Done{busy});
    }
}

}  // namespace serialq::sim::sc
