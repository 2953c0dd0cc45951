#pragma once
// The tiles of SIPs. All tiles step together: the dispatcher broadcasts the same serial bits
// (or the same activations) to every tile at once, so one process drives them and each run of
// identical steps is one timed wait of serial_cycles per step. The SIP events are counted per
// active SIP (a filter x window pair) exactly as the SIP core counts them.
#include "systemc/messages.hpp"
#include "systemc/pacer.hpp"
#include "systemc/systemc.hpp"

#include "serialq/sim/mapping.hpp"
#include "serialq/sim/sip.hpp"

#include <vector>

namespace serialq::sim {
class FunctionalArray;
}

namespace serialq::sim::sc {

class TileArray : public sc_core::sc_module {
public:
    sc_core::sc_fifo_in<Run> requests;  // from the dispatcher: the serial bits of a run
    sc_core::sc_fifo_out<Done> done;

    SC_HAS_PROCESS(TileArray);
    TileArray(sc_core::sc_module_name name, const sc_core::sc_clock* clock);

    // Per layer. With `functional`, the SIPs really compute every step of every run (the
    // operands are in the FunctionalArray); without, only time and events.
    void reset(const LayerMapping& mapping, FunctionalArray* functional);

    const SipEvents& events() const { return events_; }
    long long compute_cycles() const { return compute_cycles_; }
    long long macs() const { return macs_; }

    // Current activity, for tracing: active SIPs in this step (0 when idle).
    sc_core::sc_signal<int> active_sips;
    bool tracing = false;  // write the signal (only for the traced layer: it costs time)

private:
    void serve();

    void compute(const Run& run);

    Pacer pacer_;
    long long sip_cycles_of(int weight_bits) const {
        return sip_cycles_[static_cast<std::size_t>(weight_bits)];
    }
    const LayerMapping* mapping_ = nullptr;
    std::vector<long long> sip_cycles_;  // by weight bits: one filter's SIP work per step
    FunctionalArray* functional_ = nullptr;
    SipEvents events_;
    long long compute_cycles_ = 0;
    long long macs_ = 0;
};

}  // namespace serialq::sim::sc
