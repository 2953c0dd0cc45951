#pragma once
// The baseline a run is compared with (report.hpp). As users write it:
//   uniform:N          the run's accelerator (with its overrides), every layer at N bits;
//                      the default is uniform:8, ReLeQ's baseline
//   PATH.yaml          another accelerator, every layer at its max_bits (dadiannao.yaml: the
//                      classic 16-bit bit-parallel baseline)
//   PATH.yaml@N        another accelerator, every layer at N bits
// The baseline runs on the same kind of model as the run.
#include "serialq/common/network.hpp"
#include "serialq/sim/accelerator_config.hpp"
#include "serialq/sim/hardware_model.hpp"

#include <optional>
#include <string>
#include <vector>

namespace serialq::sim {

struct BaselineSpec {
    std::string text = "uniform:8";  // as written
    std::string accelerator;  // empty: the run's accelerator
    std::optional<int> bits = 8;  // empty: the accelerator's max_bits
};

// Parses the forms above; throws ConfigError naming `what` on a malformed spec.
BaselineSpec parse_baseline(const std::string& text, const std::string& what = "--baseline");

// Overrides and a baseline. The run's (`--set`) reach a uniform:N baseline always (it is the
// run's accelerator). They reach another accelerator's file where that file has the value the
// run's own file has: the two designs share that part (the channel, the clock), so a sweep of
// bandwidth compares with the baseline at the same bandwidth; where the values differ (the
// serial operand, the array, the energy of a multiplier) the field is the design's own and the
// override stays the run's. `batch` reaches every baseline: it is the workload's, not a design's.
// `baseline` ones (`--baseline-set`) reach the baseline alone.
struct BaselineOverrides {
    std::vector<ConfigOverride> run;
    std::vector<ConfigOverride> baseline;
};

// The accelerator and per-layer bits a baseline runs at; throws ConfigError if the bits are
// outside that accelerator's range.
struct BaselineRun {
    AcceleratorConfig config;
    LayerBits bits;
    std::string label;  // e.g. "uniform:8 on stripes", "dadiannao (...) at 16 bits"
    bool same_accelerator = true;  // runs on the run's own model
    std::vector<ConfigOverride> overrides;  // every override it was loaded with
    std::vector<ConfigOverride> skipped;  // run overrides of fields that differ between the designs
};
BaselineRun resolve_baseline(const BaselineSpec& spec, const AcceleratorConfig& run_config,
                             const Network& net, const std::string& what = "--baseline",
                             const BaselineOverrides& overrides = {});

// Runs the baseline: on `run_model` itself when it is the same accelerator (one model per
// process suits the cycle-level model), else on a new model of the same kind from `make`.
NetworkReport run_baseline(const BaselineRun& baseline, HardwareModel& run_model,
                           const Network& net,
                           const HardwareModelFactory& make = make_hardware_model);

}  // namespace serialq::sim
