#pragma once
// The off-chip channel: one transfer at a time, each taking the channel's latency (when it
// reads) plus its bits at the channel's bandwidth (mapping.hpp: Channel, the arithmetic both
// models share). Data read lands in the weight buffers and the activation memory.
#include "systemc/memories.hpp"
#include "systemc/messages.hpp"
#include "systemc/pacer.hpp"
#include "systemc/systemc.hpp"

#include "serialq/sim/mapping.hpp"

#include <optional>

namespace serialq::sim::sc {

class OffChipChannel : public sc_core::sc_module {
public:
    sc_core::sc_fifo_in<Transfer> requests;
    sc_core::sc_fifo_out<Done> done;

    SC_HAS_PROCESS(OffChipChannel);
    OffChipChannel(sc_core::sc_module_name name, const sc_core::sc_clock* clock,
                   WeightBuffers& weights, ActivationMemory& activations);

    void configure(const LayerMapping& mapping);

    long long read_bits() const { return read_bits_; }
    long long write_bits() const { return write_bits_; }
    long long busy_cycles() const { return busy_cycles_; }

    sc_core::sc_signal<bool> busy;  // for tracing
    bool tracing = false;

private:
    void serve();

    Pacer pacer_;
    WeightBuffers& weights_;
    ActivationMemory& activations_;
    std::optional<Channel> timing_;
    long long read_bits_ = 0;
    long long write_bits_ = 0;
    long long busy_cycles_ = 0;
};

}  // namespace serialq::sim::sc
