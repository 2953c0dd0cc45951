// The top-level design (channels, memories, dispatcher, tiles, controller, and the FIFOs that
// connect them) and the process-wide kernel that elaborates it once and runs layers on it.
#include "systemc/accelerator.hpp"

#include "systemc/controller.hpp"
#include "systemc/dispatcher.hpp"
#include "systemc/memories.hpp"
#include "systemc/off_chip_channel.hpp"
#include "systemc/sanitizer_stack.hpp"
#include "systemc/systemc.hpp"
#include "systemc/tile_array.hpp"

#include "serialq/common/error.hpp"

#include <cstdlib>
#include <fstream>
#include <iostream>
#include <memory>

// libsystemc.so's own main() calls sc_main, so the library needs the symbol to link. serialq's
// executables have their own main() and drive the kernel through Kernel, so this is never called.
int sc_main(int, char*[]) { return 1; }

namespace serialq::sim::sc {

// A clock exists only in the clocked variant (bench/sim): the default design has none, so the
// simulation runs out of events, and sc_start() returns, when a layer is done.
inline std::unique_ptr<sc_core::sc_clock> make_clock(bool clocked) {
    if (!clocked) return nullptr;
    // Rising edges at 1, 2, 3 ... ns: work that starts at time t sees its first edge at t + 1.
    return std::make_unique<sc_core::sc_clock>("clock", cycles(1), 0.5, cycles(1), true);
}

class Accelerator : public sc_core::sc_module {
public:
    std::unique_ptr<sc_core::sc_clock> clock;
    WeightBuffers weight_buffers;
    ActivationMemory activation_memory;
    OffChipChannel channel;
    TileArray tiles;
    Dispatcher dispatcher;
    Controller controller;

    Accelerator(sc_core::sc_module_name name, bool clocked)
        : sc_core::sc_module(name),
          clock(make_clock(clocked)),
          weight_buffers("weight_buffers", clock.get()),
          activation_memory("activation_memory", clock.get()),
          channel("off_chip_channel", clock.get(), weight_buffers, activation_memory),
          tiles("tiles", clock.get()),
          dispatcher("dispatcher", activation_memory),
          controller("controller", clock.get()) {
        controller.to_channel(transfers_);
        channel.requests(transfers_);
        channel.done(transfers_done_);
        controller.from_channel(transfers_done_);
        controller.to_dispatcher(orders_);
        dispatcher.orders(orders_);
        dispatcher.finished(passes_done_);
        controller.from_dispatcher(passes_done_);
        dispatcher.to_weights(weight_runs_);
        weight_buffers.requests(weight_runs_);
        weight_buffers.done(weight_done_);
        dispatcher.from_weights(weight_done_);
        dispatcher.to_activations(activation_runs_);
        activation_memory.requests(activation_runs_);
        activation_memory.done(activation_done_);
        dispatcher.from_activations(activation_done_);
        dispatcher.to_tiles(tile_runs_);
        tiles.requests(tile_runs_);
        tiles.done(tile_done_);
        dispatcher.from_tiles(tile_done_);
    }

    void configure(const LayerMapping& m, FunctionalArray* functional, bool tracing) {
        weight_buffers.configure(m);
        activation_memory.configure(m);
        channel.configure(m);
        tiles.reset(m, functional);
        dispatcher.configure(m);
        tiles.tracing = channel.tracing = dispatcher.tracing = controller.tracing = tracing;
    }

    void trace(sc_core::sc_trace_file* f) {
        sc_core::sc_trace(f, controller.pass, "pass");
        sc_core::sc_trace(f, controller.stalled, "array_stalled");
        sc_core::sc_trace(f, dispatcher.window_block, "window_block");
        sc_core::sc_trace(f, dispatcher.chunk, "chunk");
        sc_core::sc_trace(f, tiles.active_sips, "active_sips");
        sc_core::sc_trace(f, channel.busy, "off_chip_busy");
    }

private:
    // Depth 1: every message is answered before the next one is sent.
    sc_core::sc_fifo<Transfer> transfers_{"transfers", 1};
    sc_core::sc_fifo<Done> transfers_done_{"transfers_done", 1};
    sc_core::sc_fifo<PassOrder> orders_{"orders", 1};
    sc_core::sc_fifo<PassDone> passes_done_{"passes_done", 1};
    sc_core::sc_fifo<Run> weight_runs_{"weight_runs", 1};
    sc_core::sc_fifo<Done> weight_done_{"weight_done", 1};
    sc_core::sc_fifo<Run> activation_runs_{"activation_runs", 1};
    sc_core::sc_fifo<Done> activation_done_{"activation_done", 1};
    sc_core::sc_fifo<Run> tile_runs_{"tile_runs", 1};
    sc_core::sc_fifo<Done> tile_done_{"tile_done", 1};
};

Kernel& Kernel::instance() {
    static Kernel kernel;
    return kernel;
}

CycleModelStats Kernel::stats() {
    std::lock_guard<std::mutex> lock(mutex_);
    CycleModelStats s = stats_;
    s.elaborated = top_ != nullptr;
    s.clocked = clocked_;
    return s;
}

void Kernel::trace_to(const std::string& path, const std::string& layer_name) {
    std::lock_guard<std::mutex> lock(mutex_);
    if (top_ != nullptr)
        throw ConfigError(
            "--vcd: the SystemC design is already elaborated in this process; "
            "tracing must be requested before the first simulated layer");
    // SystemC opens the file only at elaboration and reports a failure as its own exception;
    // find out now, with the path in the message.
    const bool has_extension = path.size() > 4 && path.substr(path.size() - 4) == ".vcd";
    const std::string file = has_extension ? path : path + ".vcd";
    if (!std::ofstream(file, std::ios::app))
        throw InputError(file + ": cannot open for writing (--vcd)");
    vcd_path_ = path;
    vcd_layer_ = layer_name;
}

void Kernel::trace_layer(const std::string& layer_name) {
    std::lock_guard<std::mutex> lock(mutex_);
    vcd_layer_ = layer_name;
}

void Kernel::use_clock(bool clocked) {
    std::lock_guard<std::mutex> lock(mutex_);
    if (top_ != nullptr && clocked != clocked_)
        throw ConfigError("cycle model: the SystemC design is already elaborated " +
                          std::string(clocked_ ? "with" : "without") + " a clock in this process");
    clocked_ = clocked;
}

namespace {
// SystemC prints its infos (a VCD's time unit among them) on stdout, where serialq writes its
// CSV and JSON: they go to stderr. Warnings and errors keep SystemC's own handling.
void infos_to_stderr(const sc_core::sc_report& report, const sc_core::sc_actions& actions) {
    if (report.get_severity() != sc_core::SC_INFO) {
        sc_core::sc_report_handler::default_handler(report, actions);
        return;
    }
    if (actions & sc_core::SC_DISPLAY)
        std::cerr << sc_core::sc_report_compose_message(report) << std::endl;
}
}  // namespace

void Kernel::elaborate() {
    check_sanitizer_mode();  // before the first coroutine switch
    // SystemC prints a banner on stdout at its first elaboration unless this is set; serialq's
    // outputs (JSON, CSV) go to stdout.
    ::setenv("SYSTEMC_DISABLE_COPYRIGHT_MESSAGE", "1", 0);
    sc_core::sc_report_handler::set_handler(&infos_to_stderr);
    top_ = new Accelerator("serialq", clocked_);
    if (!vcd_path_.empty()) {
        std::string base = vcd_path_;
        if (base.size() > 4 && base.substr(base.size() - 4) == ".vcd")
            base.resize(base.size() - 4);  // SystemC appends the extension itself
        sc_core::sc_trace_file* f = sc_core::sc_create_vcd_trace_file(base.c_str());
        f->set_time_unit(1, sc_core::SC_NS);  // one cycle per time unit
        top_->trace(f);
    }
    const KeepThreadStackKnown keep;  // for AddressSanitizer (sanitizer_stack.hpp)
    sc_core::sc_start(sc_core::SC_ZERO_TIME);  // end elaboration: every process waits for work
}

LayerRun Kernel::run(const LayerMapping& m, FunctionalArray* functional) {
    std::lock_guard<std::mutex> lock(mutex_);
    if (top_ == nullptr) elaborate();
    const bool tracing = !vcd_layer_.empty() && m.layer().name == vcd_layer_;
    top_->configure(m, functional, tracing);
    top_->controller.start(m);
    {
        const KeepThreadStackKnown keep;  // for AddressSanitizer (sanitizer_stack.hpp)
        sc_core::sc_start();  // runs until the layer is done and every process waits again
    }
    if (!top_->controller.finished())
        throw Error("cycle model: layer " + m.layer().name +
                    " did not finish (simulation starved)");

    LayerRun r;
    r.total_cycles = top_->controller.total_cycles();
    r.passes = top_->controller.passes();
    r.compute_cycles = top_->tiles.compute_cycles();
    r.busy_cycles = top_->dispatcher.busy_cycles();
    r.runs = top_->dispatcher.runs();
    r.steps = top_->dispatcher.steps();
    ++stats_.layers;
    stats_.runs += r.runs;
    stats_.steps += r.steps;
    stats_.simulated_cycles += r.total_cycles;
    r.macs = top_->tiles.macs();
    r.events = top_->tiles.events();
    r.traffic.weight_buffer_read_bits = top_->weight_buffers.read_bits();
    r.traffic.weight_buffer_write_bits = top_->weight_buffers.write_bits();
    r.traffic.activation_memory_read_bits = top_->activation_memory.read_bits();
    r.traffic.activation_memory_write_bits = top_->activation_memory.write_bits();
    r.traffic.off_chip_read_bits = top_->channel.read_bits();
    r.traffic.off_chip_write_bits = top_->channel.write_bits();
    return r;
}

}  // namespace serialq::sim::sc
