#pragma once
// What the modules of the cycle-level model tell each other. Plain structs; sc_fifo needs them
// printable, hence operator<<.
#include <ostream>

namespace serialq::sim::sc {

// One slot of the off-chip channel: reads into the on-chip memories, writes of spilled outputs.
struct Transfer {
    long long weight_bits = 0;  // into the weight buffers
    long long input_bits = 0;  // into the activation memory (network input, spilled inputs)
    long long write_bits = 0;  // spilled outputs, out to off-chip memory
    long long read_bits() const { return weight_bits + input_bits; }
    bool empty() const { return read_bits() == 0 && write_bits == 0; }
};

// `steps` consecutive identical lane-chunk steps: `filters` filters x `windows` windows x
// `lanes` terms each. Identical steps take identical time in every unit, so one timed wait
// covers them all (skipping idle time, not approximating it).
struct Run {
    int filters = 0;
    int windows = 0;
    int lanes = 0;
    long long serial_cycles = 0;
    long long steps = 0;
    // Where the run starts (for functional mode and tracing): pass, window block and chunk.
    long long window_block = 0;
    long long chunk = 0;
    long long pass = 0;
};

// A unit finished its part of a run (or a transfer): how many cycles it was busy.
struct Done {
    long long cycles = 0;
};

// The controller hands one pass of the loop nest to the dispatcher.
struct PassOrder {
    long long index = 0;
};

// The dispatcher reports the pass finished, with the outputs it leaves for the channel.
struct PassDone {
    long long index = 0;
    long long spilled_write_bits = 0;
};

inline std::ostream& operator<<(std::ostream& os, const Transfer& t) {
    return os << "transfer(" << t.weight_bits << "+" << t.input_bits << " in, " << t.write_bits
              << " out)";
}
inline std::ostream& operator<<(std::ostream& os, const Run& r) {
    return os << "run(" << r.steps << " x " << r.filters << "f " << r.windows << "w " << r.lanes
              << "l)";
}
inline std::ostream& operator<<(std::ostream& os, const Done& d) {
    return os << "done(" << d.cycles << ")";
}
inline std::ostream& operator<<(std::ostream& os, const PassOrder& p) {
    return os << "pass(" << p.index << ")";
}
inline std::ostream& operator<<(std::ostream& os, const PassDone& p) {
    return os << "pass done(" << p.index << ", " << p.spilled_write_bits << " bits out)";
}

}  // namespace serialq::sim::sc
