#include "systemc/off_chip_channel.hpp"

namespace serialq::sim::sc {

OffChipChannel::OffChipChannel(sc_core::sc_module_name name, const sc_core::sc_clock* clock,
                               WeightBuffers& weights, ActivationMemory& activations)
    : sc_core::sc_module(name),
      busy("busy"),
      pacer_("pacer", clock),
      weights_(weights),
      activations_(activations) {
    SC_THREAD(serve);
}

void OffChipChannel::configure(const LayerMapping& m) {
    timing_.emplace(m.config());
    read_bits_ = write_bits_ = busy_cycles_ = 0;
}

void OffChipChannel::serve() {
    for (;;) {
        const Transfer t = requests.read();
        const long long c = timing_->fetch_cycles(t.read_bits(), t.write_bits);
        if (tracing) busy.write(true);
        pacer_.pass(c);
        if (tracing) busy.write(false);
        read_bits_ += t.read_bits();
        write_bits_ += t.write_bits;
        busy_cycles_ += c;
        weights_.fill(t.weight_bits);
        activations_.write(t.input_bits);
        done->write(Done{c});
    }
}

}  // namespace serialq::sim::sc
