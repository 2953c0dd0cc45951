#include "systemc/controller.hpp"

namespace serialq::sim::sc {

namespace {

// What the channel brings in before `pass`: its weights, and inputs read from off-chip.
Transfer fetch_of(const Pass& pass) {
    Transfer t;
    t.weight_bits = pass.weight_buffer_write_bits;
    t.input_bits = pass.offchip_read_bits - pass.weight_buffer_write_bits;
    return t;
}

}  // namespace

Controller::Controller(sc_core::sc_module_name name, const sc_core::sc_clock* clock)
    : sc_core::sc_module(name),
      pass("pass", -1),
      stalled("stalled"),
      pacer_("pacer", clock),
      clocked_(clock != nullptr) {
    SC_THREAD(run);
}

void Controller::start(const LayerMapping& mapping) {
    mapping_ = &mapping;
    finished_ = false;
    total_cycles_ = 0;
    passes_ = 0;
    go_.notify(sc_core::SC_ZERO_TIME);
}

void Controller::set_pass(int index) {
    if (tracing) pass.write(index);
}

void Controller::set_stalled(bool value) {
    if (tracing) stalled.write(value);
}

bool Controller::transfer(const Transfer& t) {
    if (t.empty()) return false;
    to_channel->write(t);
    return true;
}

void Controller::run() {
    for (;;) {
        wait(go_);
        const LayerMapping& m = *mapping_;
        const sc_core::sc_time t0 = sc_core::sc_time_stamp();
        const long long n = m.passes();

        // The first fetch is not hidden behind anything.
        Pass next = m.pass(0);
        set_stalled(true);
        if (transfer(fetch_of(next))) from_channel->read();
        set_stalled(false);

        long long left_behind = 0;  // outputs the previous pass spilled, not yet written
        for (long long i = 0; i < n; ++i) {
            // Pass i starts: fetch pass i+1 into the other buffer half, with pass i-1's outputs.
            Transfer t;
            if (i + 1 < n) {
                next = m.pass(i + 1);
                t = fetch_of(next);
            }
            t.write_bits = left_behind;
            const bool fetching = transfer(t);
            set_pass(static_cast<int>(i));
            to_dispatcher->write(PassOrder{i});
            const PassDone done = from_dispatcher->read();
            set_pass(-1);
            if (fetching) {
                set_stalled(true);  // until the channel is done (no time if it already is)
                from_channel->read();
                set_stalled(false);
            }
            left_behind = done.spilled_write_bits;
            ++passes_;
        }
        // The last pass's outputs drain; then the SIP pipeline.
        if (transfer(Transfer{0, 0, left_behind})) from_channel->read();
        pacer_.pass(m.config().pipeline_cycles);
        total_cycles_ = to_cycles(sc_core::sc_time_stamp() - t0);
        finished_ = true;
        if (clocked_) sc_core::sc_pause();
    }
}

}  // namespace serialq::sim::sc
