#pragma once
// The cycle-level model behind HardwareModel: each layer's mapping (mapping.hpp) executed by the
// SystemC design in accelerator.hpp, pass by pass and step by step, with its cycles measured in
// simulated time and its events and traffic counted by the modules that cause them. Energy
// prices those counts with layer_energy() (energy.hpp), as the analytic model does.
#include "serialq/sim/functional.hpp"
#include "serialq/sim/hardware_model.hpp"

#include <memory>
#include <string>

namespace serialq::sim {

// What make_hardware_model("cycle", ...) returns. Any number of models may exist in a process;
// they share one elaborated SystemC design (SystemC allows one per process) and simulate one
// layer at a time.
std::unique_ptr<HardwareModel> make_cycle_model(const AcceleratorConfig& config);

// Functional mode on the cycle-level model: while the design simulates the layer, its tile
// array computes every step from `operands` with the SIP cores. The report is the one
// run_layer() gives; `functional` holds the outputs (equal to reference_layer()) and the
// SIPs' own event counts.
struct CycleFunctionalRun {
    LayerReport report;
    FunctionalResult functional;
};
CycleFunctionalRun simulate_layer_functional(const AcceleratorConfig& config, const Network& net,
                                             int layer_index, const LayerSpec& spec,
                                             const LayerOperands& operands,
                                             const FunctionalOptions& options = {});

// Options of the process-wide SystemC design. SystemC elaborates once per process, so they must
// be set before the first simulated layer (ConfigError after, if they would change anything).

// VCD output, viewable in GTKWave: writes the design's main signals (pass, array_stalled,
// window_block, chunk, active_sips, off_chip_busy) to the file `path` (".vcd" is appended if
// missing); they move only while a layer named `layer_name` runs. Time unit: one clock cycle.
// SystemC opens trace files when it elaborates the design, so this comes before the first
// cycle-model simulation: InputError if the file cannot be written, ConfigError if the cycle
// model has already run in this process.
void start_vcd_trace(const std::string& path, const std::string& layer_name);
// Later runs of that layer leave the signals idle (the file is complete when the process ends).
void stop_vcd_trace();

// The naive clocked variant, for comparison in bench/sim: a clock, and every unit ticks its busy
// cycles down on the clock edges instead of one timed wait. Same counts; many more events.
void cycle_model_use_clock(bool clocked);

// What this process has simulated so far (for bench/sim and tests).
struct CycleModelStats {
    bool elaborated = false;
    bool clocked = false;
    long long layers = 0;  // layers simulated
    long long runs = 0;  // runs of identical steps, one timed wait per unit each
    long long steps = 0;  // lane-chunk steps those runs covered
    long long simulated_cycles = 0;  // sum of the layers' total_cycles
};
CycleModelStats cycle_model_stats();

}  // namespace serialq::sim
