#pragma once
// The on-chip memories as SystemC modules. Each serves the operand reads of a run of steps
// through its read port (a request FIFO) and takes the time its width allows; writes (weights
// arriving from off-chip, outputs and partial sums leaving the array) go through a separate
// port off the critical path (DaDianNao's NBout), so they are counted, not timed.
#include "systemc/messages.hpp"
#include "systemc/pacer.hpp"
#include "systemc/systemc.hpp"

#include "serialq/sim/mapping.hpp"

#include <vector>

namespace serialq::sim::sc {

// One weight buffer per tile, read in parallel: tile t holds the pass's filters
// filters_on_tile(filters, t) of the pass (spread evenly) and reads `lanes` weights of each per step.
class WeightBuffers : public sc_core::sc_module {
public:
    sc_core::sc_fifo_in<Run> requests;
    sc_core::sc_fifo_out<Done> done;

    SC_HAS_PROCESS(WeightBuffers);
    WeightBuffers(sc_core::sc_module_name name, const sc_core::sc_clock* clock);

    void configure(const LayerMapping& mapping);  // per layer: geometry, widths, counters to 0
    void fill(long long bits);  // weights arriving from the channel

    long long read_bits() const { return read_bits_; }
    long long write_bits() const { return write_bits_; }

private:
    void serve();

    Pacer pacer_;
    int tiles_ = 0;
    const LayerMapping* mapping_ = nullptr;
    int width_bits_ = 1;
    std::vector<long long> tile_read_bits_;  // per tile
    long long read_bits_ = 0;
    long long write_bits_ = 0;
};

// The activation memory: one read port broadcasting to all tiles, one write port.
class ActivationMemory : public sc_core::sc_module {
public:
    sc_core::sc_fifo_in<Run> requests;
    sc_core::sc_fifo_out<Done> done;

    SC_HAS_PROCESS(ActivationMemory);
    ActivationMemory(sc_core::sc_module_name name, const sc_core::sc_clock* clock);

    void configure(const LayerMapping& mapping);
    void write(long long bits) { write_bits_ += bits; }  // outputs, partial sums, inputs
    void read_partials(long long bits) { read_bits_ += bits; }  // partial sums coming back

    long long read_bits() const { return read_bits_; }
    long long write_bits() const { return write_bits_; }

private:
    void serve();

    Pacer pacer_;
    int width_bits_ = 1;
    int activation_bits_ = 0;
    long long read_bits_ = 0;
    long long write_bits_ = 0;
};

}  // namespace serialq::sim::sc
