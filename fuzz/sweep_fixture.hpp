#pragma once
// The small sweep whose point file fuzz/point_file.cpp replaces, and whose directory the report
// target reads: Stripes with 8 and 16 tiles, LeNet at 4 bits, analytic model (two points).
#include "serialq/sim/hardware_model.hpp"
#include "serialq/workflow/sweep.hpp"
#include "serialq/workflow/sweep_spec.hpp"
#include "workflow/src/sweep/point_file.hpp"
#include "workflow/src/sweep/sweep_plan.hpp"

#include <filesystem>

namespace serialq::fuzz {

inline workflow::SweepSpec fixture_sweep_spec() {
    workflow::SweepSpec s;
    s.accels = {SERIALQ_SOURCE_DIR "/configs/accel/stripes.yaml"};
    s.axes = {{"tiles", {"8", "16"}}};
    s.traces = {SERIALQ_SOURCE_DIR "/traces/lenet.yaml"};
    s.bits = {"uniform:4"};
    return s;
}

inline workflow::SweepSummary run_fixture_sweep(const std::filesystem::path& out_dir) {
    workflow::SweepOptions o;
    o.out_dir = out_dir;
    o.make_model = sim::make_hardware_model;
    return workflow::run_sweep(fixture_sweep_spec(), o);
}

// The file of the fixture's first point in out_dir.
inline std::filesystem::path fixture_first_point(const std::filesystem::path& out_dir) {
    static const workflow::SweepPlan plan = workflow::make_plan(fixture_sweep_spec());
    return workflow::point_path(out_dir, plan.points.front().id);
}

}  // namespace serialq::fuzz
