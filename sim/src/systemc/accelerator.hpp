#pragma once
// The whole accelerator as one SystemC design, elaborated once per process and reused for every
// layer of every network and configuration: SystemC allows one elaboration per process, so the
// modules take their geometry, widths and timing from the layer's mapping when it starts, not
// from constructor arguments. Kernel owns the design and runs one layer per sc_start().
#include "serialq/sim/hardware_model.hpp"
#include "serialq/sim/mapping.hpp"
#include "serialq/sim/sip.hpp"
#include "serialq/sim/cycle_model.hpp"

#include <memory>
#include <mutex>
#include <string>

namespace serialq::sim {
class FunctionalArray;
}

namespace serialq::sim::sc {

// What the simulation of one layer measured.
struct LayerRun {
    long long total_cycles = 0;  // first fetch to last write + pipeline, simulated
    long long compute_cycles = 0;  // cycles the SIPs were busy
    long long busy_cycles = 0;  // cycles the array spent on steps (compute + on-chip reads)
    long long macs = 0;
    long long passes = 0;
    long long runs = 0;  // runs of identical steps the dispatcher issued
    long long steps = 0;  // steps those runs covered
    SipEvents events;
    Traffic traffic;
};

class Accelerator;

// The process-wide owner of the SystemC design. Thread-safe: one layer at a time.
class Kernel {
public:
    static Kernel& instance();

    // Simulates one layer; with `functional`, the tile array computes it too.
    LayerRun run(const LayerMapping& mapping, FunctionalArray* functional = nullptr);

    // Writes a VCD of the design's main signals to `path` (before the first run only: SystemC
    // opens trace files at elaboration). Signals move only during the layer named
    // `layer_name`; the other layers leave them idle. Throws ConfigError after the first run,
    // InputError if the file cannot be written.
    void trace_to(const std::string& path, const std::string& layer_name);
    // Changes the traced layer at any time ("" : none from now on); only matters after trace_to.
    void trace_layer(const std::string& layer_name);

    // The naive clocked variant (for bench/sim): every unit counts its busy cycles on a clock
    // edge instead of one timed wait. Same counts, far more events. Before the first run only.
    void use_clock(bool clocked);
    bool clocked() const { return clocked_; }

    CycleModelStats stats();

private:
    Kernel() = default;
    void elaborate();

    std::mutex mutex_;
    Accelerator* top_ = nullptr;  // never deleted: lives as long as SystemC's own kernel
    std::string vcd_path_;
    std::string vcd_layer_;
    bool clocked_ = false;
    CycleModelStats stats_;
};

}  // namespace serialq::sim::sc
