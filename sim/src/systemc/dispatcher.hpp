#pragma once
// The dispatcher runs one pass of the loop nest: for every window block and lane chunk (one
// step) it has the weight buffers and the activation memory read the step's operands and
// broadcasts the serial bits to the tiles; the step ends when all three are done, so it takes
// max(serial, weight read, activation read) cycles. Consecutive identical steps go out as one
// run (one timed wait per unit instead of one per step). At the edges of a window block it
// brings back partial sums and writes outputs (to the activation memory, or to the channel
// when the layer spills).
#include "systemc/memories.hpp"
#include "systemc/messages.hpp"
#include "systemc/systemc.hpp"
#include "systemc/tile_array.hpp"

#include "serialq/sim/mapping.hpp"

namespace serialq::sim::sc {

class Dispatcher : public sc_core::sc_module {
public:
    sc_core::sc_fifo_in<PassOrder> orders;
    sc_core::sc_fifo_out<PassDone> finished;
    sc_core::sc_fifo_out<Run> to_weights, to_activations, to_tiles;
    sc_core::sc_fifo_in<Done> from_weights, from_activations, from_tiles;

    SC_HAS_PROCESS(Dispatcher);
    Dispatcher(sc_core::sc_module_name name, ActivationMemory& activations);

    void configure(const LayerMapping& mapping);

    long long busy_cycles() const { return busy_cycles_; }  // sum of the steps' cycles
    long long runs() const { return runs_; }  // runs issued (one wait per unit)
    long long steps() const { return steps_; }  // steps in those runs

    sc_core::sc_signal<int> window_block;  // for tracing
    sc_core::sc_signal<int> chunk;
    bool tracing = false;

private:
    void serve();
    void issue(const Run& run);

    ActivationMemory& activations_;
    const LayerMapping* mapping_ = nullptr;
    long long busy_cycles_ = 0;
    long long runs_ = 0;
    long long steps_ = 0;
};

}  // namespace serialq::sim::sc
