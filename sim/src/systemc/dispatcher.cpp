#include "systemc/dispatcher.hpp"

#include <algorithm>

namespace serialq::sim::sc {

Dispatcher::Dispatcher(sc_core::sc_module_name name, ActivationMemory& activations)
    : sc_core::sc_module(name),
      window_block("window_block"),
      chunk("chunk"),
      activations_(activations) {
    SC_THREAD(serve);
}

void Dispatcher::configure(const LayerMapping& m) {
    mapping_ = &m;
    busy_cycles_ = 0;
    runs_ = 0;
    steps_ = 0;
}

void Dispatcher::issue(const Run& run) {
    if (tracing) {
        window_block.write(static_cast<int>(run.window_block));
        chunk.write(static_cast<int>(run.chunk));
    }
    to_weights->write(run);
    to_activations->write(run);
    to_tiles->write(run);
    const Done w = from_weights->read();
    const Done a = from_activations->read();
    const Done t = from_tiles->read();
    // The three units started together; the slowest set the run's length (checked here, not
    // assumed: the reads above returned when each unit finished).
    busy_cycles_ += std::max({w.cycles, a.cycles, t.cycles});
    ++runs_;
    steps_ += run.steps;
}

void Dispatcher::serve() {
    for (;;) {
        const PassOrder order = orders->read();
        const LayerMapping& m = *mapping_;
        const Pass pass = m.pass(order.index);
        const LayerPrecision& p = m.precision();
        const long long acc_bits = m.config().accumulator_bits;
        long long spilled = 0;

        Run run;  // the run being gathered
        for (long long wb = 0; wb < m.window_blocks(); ++wb) {
            int windows = 0;
            for (long long c = pass.first_chunk; c < pass.first_chunk + pass.chunks; ++c) {
                const Step s = m.step(pass, wb, c);
                windows = s.windows;
                if (run.steps > 0 && s.windows == run.windows && s.lanes == run.lanes) {
                    ++run.steps;
                    continue;
                }
                if (run.steps > 0) issue(run);
                run = Run{pass.filters, s.windows, s.lanes, s.serial_cycles, 1, wb, c, pass.index};
            }
            // Block edges, through the write port and the partial-sum path (off the critical
            // path, so they take no step time).
            const long long outputs = static_cast<long long>(pass.filters) * windows;
            if (!pass.first_segment) activations_.read_partials(outputs * acc_bits);
            if (!pass.last_segment)
                activations_.write(outputs * acc_bits);
            else if (m.writes_output_off_chip())
                spilled += outputs * p.output_bits;
            else
                activations_.write(outputs * p.output_bits);
        }
        if (run.steps > 0) issue(run);
        finished->write(PassDone{order.index, spilled});
    }
}

}  // namespace serialq::sim::sc
