#pragma once
// What a sweep covers: the cartesian product of base accelerators x `--set` axes (any dotted
// accelerator key, several values each) x models x networks x bit assignments. Parsed once, at
// the edge, from command-line options or a sweep YAML (configs/sweeps/*.yaml, docs/workflows.md).
#include "serialq/sim/hardware_model.hpp"

#include <filesystem>
#include <string>
#include <vector>

namespace serialq::workflow {

// One `--set key=v1,v2,...` axis: a dotted accelerator key and the values it takes, as text
// (validated when the accelerator is loaded, exactly as if written in its YAML).
struct SweepAxis {
    std::string key;
    std::vector<std::string> values;
};

struct SweepSpec {
    std::vector<std::string> accels;  // base accelerator YAMLs (an axis of their own)
    std::vector<SweepAxis> axes;  // overrides applied to every base accelerator
    std::vector<std::string> models = {sim::kDefaultModel};  // "analytic" | "cycle"
    std::vector<std::string> traces;  // network traces
    // Bit assignments: "uniform:N", "8,4,4,8" (one per weight layer), or a search's best.json
    // (or the search directory holding it).
    std::vector<std::string> bits = {"uniform:8"};
    // Activation bits (an axis crossed with `bits`, same forms but no best.json); empty: every
    // layer at the accelerator's activation_bits.
    std::vector<std::string> act_bits;
    // Each point is compared with the same accelerator and network at these bits (ReLeQ's
    // baseline is every layer at 8 bits).
    std::string baseline = "uniform:8";
    std::string file;  // the sweep YAML it came from ("" for the command line)

    // Throws ConfigError naming what is missing or repeated (no accelerator, no trace, an axis
    // without values, the same key twice, an unknown model).
    void check() const;
    // Number of points: the product of the axes' sizes.
    std::size_t point_count() const;
};

// "key=v1,v2,..." -> axis; throws ConfigError naming `what` when malformed.
SweepAxis parse_sweep_axis(const std::string& text, const std::string& what = "--set");

// Reads a sweep YAML:
//   accel: configs/accel/stripes.yaml         # or a list
//   set: {off_chip.bandwidth_gb_per_s: [32, 64, 128], tiles: [8, 16]}
//   model: analytic                           # or a list
//   trace: [traces/lenet.yaml]
//   bits: [uniform:8, uniform:4]
//   act_bits: [uniform:8, uniform:4]               # optional
//   baseline: uniform:8
// Paths are relative to the working directory, as on the command line. Unknown keys are errors.
SweepSpec load_sweep_spec(const std::filesystem::path& yaml);

}  // namespace serialq::workflow
