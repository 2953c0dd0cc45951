#pragma once
// The controller walks a layer's passes with double-buffered fetch: when pass i starts on the
// array, the channel fetches pass i+1's weights (and inputs) into the other half of the
// buffers, carrying the outputs pass i-1 spilled; pass i+1 starts when both pass i and that
// fetch are done, so the array stalls only when the data is late. The first fetch is not
// hidden; the last outputs drain after the last pass; the SIP pipeline fills and drains once.
#include "systemc/messages.hpp"
#include "systemc/pacer.hpp"
#include "systemc/systemc.hpp"

#include "serialq/sim/mapping.hpp"

namespace serialq::sim::sc {

class Controller : public sc_core::sc_module {
public:
    sc_core::sc_fifo_out<Transfer> to_channel;
    sc_core::sc_fifo_in<Done> from_channel;
    sc_core::sc_fifo_out<PassOrder> to_dispatcher;
    sc_core::sc_fifo_in<PassDone> from_dispatcher;

    SC_HAS_PROCESS(Controller);
    // With a clock (the clocked variant) the simulation never runs out of events, so the
    // controller pauses it when the layer is done.
    Controller(sc_core::sc_module_name name, const sc_core::sc_clock* clock);

    // Arms the controller for one layer; the layer runs at the next sc_start().
    void start(const LayerMapping& mapping);

    bool finished() const { return finished_; }
    long long total_cycles() const { return total_cycles_; }
    long long passes() const { return passes_; }

    sc_core::sc_signal<int> pass;  // for tracing: the pass on the array (-1 between)
    sc_core::sc_signal<bool> stalled;  // the array waits for the channel
    bool tracing = false;

private:
    void run();
    // Issues `t` on the channel if it moves anything; returns whether it did.
    bool transfer(const Transfer& t);
    void set_pass(int index);
    void set_stalled(bool value);

    Pacer pacer_;
    bool clocked_;
    sc_core::sc_event go_;
    const LayerMapping* mapping_ = nullptr;
    bool finished_ = false;
    long long total_cycles_ = 0;
    long long passes_ = 0;
};

}  // namespace serialq::sim::sc
