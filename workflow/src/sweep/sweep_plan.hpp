#pragma once
// A sweep spec resolved into its points: every accelerator loaded with its overrides and
// validated, every network loaded, every bit assignment parsed against its network and
// accelerator - all before the first simulation, so that a bad value fails at once and not
// hours into a run. Each point has a canonical identity (its full configuration, the trace's
// content, its bits) whose hash names its result file: a rerun finds what is done.
#include "serialq/common/network.hpp"
#include "serialq/sim/accelerator_config.hpp"
#include "serialq/sim/baseline.hpp"
#include "serialq/workflow/sweep_spec.hpp"

#include <deque>
#include <string>
#include <vector>

namespace serialq::workflow {

struct PlannedPoint {
    std::size_t index = 0;  // position in the whole sweep
    std::string accel_file;
    std::vector<sim::ConfigOverride> overrides;  // this point's value of each --set axis
    const sim::AcceleratorConfig* config = nullptr;
    std::string model;
    std::string trace;
    const Network* network = nullptr;
    std::string bits_spec;  // as the user gave it
    LayerBits bits;  // per weight layer
    std::string act_bits_spec;  // "" for the accelerator's activation_bits
    LayerBits act_bits;  // per weight layer, or empty
    sim::BaselineRun baseline;  // the accelerator and bits it is compared with
    std::string identity;  // canonical JSON of everything above
    std::string id;  // 16 hex digits: hash of `identity`
};

struct SweepPlan {
    SweepSpec spec;
    std::deque<sim::AcceleratorConfig> configs;  // deque: points keep pointers into it
    std::deque<Network> networks;
    std::vector<PlannedPoint> points;
    std::string spec_id;  // hash of all point identities, in order
};

SweepPlan make_plan(const SweepSpec& spec);

// 64-bit FNV-1a as 16 hex digits: stable across runs, machines and compilers.
std::string stable_hash(const std::string& text);

}  // namespace serialq::workflow
