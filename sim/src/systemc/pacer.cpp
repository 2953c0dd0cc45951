#include "systemc/pacer.hpp"

namespace serialq::sim::sc {

Pacer::Pacer(sc_core::sc_module_name name, const sc_core::sc_clock* clock)
    : sc_core::sc_module(name), clock_(clock) {
    if (clock_ != nullptr) {
        SC_METHOD(tick);
        sensitive << clock_->posedge_event();
        dont_initialize();
    }
}

void Pacer::pass(long long n) {
    if (n <= 0) return;
    if (clock_ == nullptr) {
        wait(cycles(n));
        return;
    }
    // Work always starts after the current cycle's edge has been seen (every chain of work
    // starts from an edge, or from the host between edges), so n edges later is n cycles.
    remaining_ = n;
    wait(expired_);
}

void Pacer::tick() {
    if (remaining_ > 0 && --remaining_ == 0) expired_.notify();  // the unit resumes this cycle
}

}  // namespace serialq::sim::sc
