#pragma once
// What `serialq sim` writes as CSV and JSON (docs/sim.md "Formats"), owned here beside the
// figures (figures.hpp) so that the reports (serialq_workflow) read a format a library defines.
// Both forms are made from the same rows, so they agree column for column.
#include "serialq/sim/accelerator_config.hpp"
#include "serialq/sim/baseline.hpp"
#include "serialq/sim/report.hpp"

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace serialq::sim {

struct SimRun {
    std::string bits_spec;  // as given to --bits
    std::string act_bits_spec;  // as given to --act-bits ("" for the accelerator's activation_bits)
    Comparison comparison;
};

struct SimOutput {
    std::string trace;  // the file, as given
    std::string accel_file;  // the file, as given
    std::string model;  // "cycle" | "analytic"
    AcceleratorConfig config;  // with the overrides applied
    std::vector<ConfigOverride> overrides;
    std::string baseline_spec;  // as given to --baseline
    BaselineRun baseline;
    std::vector<SimRun> runs;  // at least one; all against the same baseline report
};

// An accelerator's values (accelerator_config_values) as JSON: numbers where the text is one.
nlohmann::ordered_json accelerator_config_json(const AcceleratorConfig& config);

// Every row of a run against its baseline: the layers, then the total (figures.hpp).
std::vector<nlohmann::ordered_json> comparison_rows(const Comparison& comparison, double clock_ghz);

// The columns of the CSV: run, bits_spec, act_bits_spec, then row_columns(true).
std::vector<std::string> sim_csv_columns();
std::string sim_output_csv(const SimOutput& output);
nlohmann::ordered_json sim_output_json(const SimOutput& output);

}  // namespace serialq::sim
