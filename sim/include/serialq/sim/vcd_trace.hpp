#pragma once
// VCD output of the cycle-level SystemC model, viewable in GTKWave: the design's main signals
// (pass, array_stalled, window_block, chunk, active_sips, off_chip_busy) while one named layer
// runs, one time unit per clock cycle. SystemC opens trace files when it elaborates the design,
// once per process, so tracing is requested before the first cycle-model simulation.
#include <string>

namespace serialq::sim {

// Writes to `path` (".vcd" appended if missing) while a layer named `layer_name` runs.
// InputError if the file cannot be written; ConfigError if the cycle model has already run in
// this process.
void start_vcd_trace(const std::string& path, const std::string& layer_name);

// Later runs of that layer leave the signals idle (the file is complete when the process ends).
void stop_vcd_trace();

}  // namespace serialq::sim
