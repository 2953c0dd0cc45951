#pragma once
// Running a sweep: every point of a SweepSpec (or one shard of them) simulated, in parallel,
// each point's result written atomically to <out>/points/<id>.json as soon as it is done, so a
// killed run loses at most the points in flight and a rerun skips what is done. At the end the
// points of the run are assembled, in sweep order, into <out>/results.csv and results.json: one
// row per point x network x layer plus one "total" row per point x network, each row carrying
// the point's full accelerator configuration, model, network and bits.
//
//   <out>/sweep.json     the spec, the number of points, the shard; checked on rerun and merge
//   <out>/points/*.json  one per point (the unit of resumption and of merging)
//   <out>/results.csv    for pandas: pd.read_csv("results.csv")
//   <out>/results.json   {"sweep": ..., "columns": [...], "rows": [{column: value}, ...]}
//
// Models: analytic points run on `jobs` threads. Cycle-level points each run in a child process
// (fork, up to `jobs` at once): SystemC keeps one simulation kernel per process, so its runs
// cannot share a process with other threads' runs.
#include "serialq/sim/hardware_model.hpp"
#include "serialq/workflow/sweep_spec.hpp"

#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace serialq::workflow {

using ModelFactory = sim::HardwareModelFactory;

struct SweepProgress {
    std::size_t done = 0;  // points finished in this run
    std::size_t total = 0;  // points this run has to compute (the shard, less those skipped)
    std::size_t skipped = 0;  // points found done by an earlier run
    double elapsed_s = 0;
};

struct SweepOptions {
    std::filesystem::path out_dir;
    int jobs = 1;
    int shard_index = 0;  // this run computes the points whose index % shard_count == shard_index
    int shard_count = 1;
    ModelFactory make_model;  // usually sim::make_hardware_model
    // Called from the calling thread about ten times a second and once at the end.
    std::function<void(const SweepProgress&)> progress;
};

struct SweepSummary {
    std::size_t points_total = 0;  // in the whole sweep
    std::size_t points_shard = 0;  // in this shard
    std::size_t points_run = 0;
    std::size_t points_skipped = 0;
    std::size_t rows = 0;
    std::filesystem::path csv, json;
};

// "i/N" -> {i, N} with 0 <= i < N; throws ConfigError naming --shard otherwise.
std::pair<int, int> parse_shard(const std::string& text);

SweepSummary run_sweep(const SweepSpec& spec, const SweepOptions& options);

// Joins the shard directories of one sweep into `out_dir` (points and results, as if the sweep
// had run whole there). Throws ConfigError if they are slices of different sweeps, and
// InputError naming the missing points if the slices do not cover the sweep.
SweepSummary merge_sweeps(const std::vector<std::filesystem::path>& shard_dirs,
                          const std::filesystem::path& out_dir);

}  // namespace serialq::workflow
