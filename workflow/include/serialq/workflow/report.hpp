#pragma once
// `serialq report`: a Report (report_document.hpp) built from what sim, sweep or search wrote.
//  - sim JSON (one or several files, shown side by side): per-layer latency and energy against
//    the baseline, speedup and energy reduction per layer, the energy breakdown by component,
//    and one comparison table of cycles, energy, speedup and energy reduction;
//  - a sweep directory: latency and energy against each swept parameter, the energy breakdown
//    along the first one, the table of points; for a sweep of a few points also the per-layer
//    comparison above;
//  - a search directory: learning curves (reward, accuracy, policy entropy), accuracy against
//    latency and against energy with the Pareto frontier marked, the per-layer action
//    probabilities, and the tables of the frontier and the best configuration.
#include "serialq/workflow/report_document.hpp"

#include <filesystem>
#include <vector>

namespace serialq::workflow {

enum class ReportSource { Sim, Sweep, Search };

// A directory with sweep.json is a sweep, one with episodes.csv a search; a file named
// results.json or best.json stands for its directory; any other JSON file is a sim run.
// InputError naming the path if it is none of these.
ReportSource detect_report_source(const std::filesystem::path& path);

// All inputs must be of one kind; several are allowed for sim files only.
Report build_report(const std::vector<std::filesystem::path>& inputs);

}  // namespace serialq::workflow
