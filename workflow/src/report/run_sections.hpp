#pragma once
// The comparison of runs (bit assignments, accelerators) layer by layer against their baseline.
#include "report_inputs.hpp"

#include "serialq/workflow/report_document.hpp"

namespace serialq::workflow {

// Adds: the comparison table (totals and per layer); per network, per-layer latency and energy
// (with the baseline when the runs share one), speedup and energy reduction per layer; the
// energy breakdown by component of each run's total, and per layer for up to four runs.
void add_run_sections(Report& report, const std::vector<Run>& runs);

// How many figures add_run_sections adds for these runs (what the tests expect).
std::size_t run_figure_count(const std::vector<Run>& runs);

}  // namespace serialq::workflow
