#pragma once
// How a unit lets n cycles pass. By default a single timed wait of n cycles: the simulation
// skips the idle time between events, which is what makes the model fast and loses nothing
// (nothing happens inside a unit's busy period that another unit could observe). For
// comparison (bench/sim), a clocked variant: an SC_METHOD on the clock's rising edge counts
// the cycles down one by one, as a naive per-cycle design would, and must give the same counts.
#include "systemc/systemc.hpp"

namespace serialq::sim::sc {

class Pacer : public sc_core::sc_module {
public:
    SC_HAS_PROCESS(Pacer);
    // `clock` null: timed waits. Else every rising edge of `clock` ticks the method.
    Pacer(sc_core::sc_module_name name, const sc_core::sc_clock* clock);

    // Called from the owning unit's SC_THREAD: returns n cycles later.
    void pass(long long n);

private:
    void tick();

    const sc_core::sc_clock* clock_;
    long long remaining_ = 0;
    sc_core::sc_event expired_;
};

}  // namespace serialq::sim::sc
