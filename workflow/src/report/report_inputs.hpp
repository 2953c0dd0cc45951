#pragma once
// What a report is made from, read from the files serialq writes:
//  - runs: one network on one accelerator at one bit assignment, layer by layer, with its
//    baseline (from `serialq sim --format json`, or the points of a sweep);
//  - a sweep directory (sweep.json, results.csv);
//  - a search directory (episodes.csv, best.json, action_probabilities.csv).
// Every reader throws InputError naming the file and the field when the file is not what it
// should be.
#include "csv_reader.hpp"

#include <nlohmann/json.hpp>

#include <cmath>
#include <filesystem>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace serialq::workflow {

struct RunLayer {
    std::string name;
    int bits = 0;  // 0: mixed (a total over layers of different bits)
    double total_cycles = 0, energy_pj = 0;
    double baseline_total_cycles = NAN, baseline_energy_pj = NAN;  // NaN: no baseline known
    std::vector<std::pair<std::string, double>> components;  // energy per component, pJ
};

struct Run {
    std::string label;  // what tells it apart from the other runs of the report
    std::string accel, model, network, bits;
    std::vector<RunLayer> layers;
    RunLayer total;
};

// `serialq sim --format json`: one run ({"layers": [...], "total": {...}, ...}), or several
// ({"runs": [...]} or a top-level list of them).
std::vector<Run> read_sim_runs(const std::filesystem::path& file);

struct SweepData {
    std::filesystem::path dir;
    nlohmann::ordered_json record;  // sweep.json
    CsvTable results;  // results.csv
    std::vector<std::string> parameters;  // what varies: --set keys, then accel/model/network/bits
};

SweepData read_sweep(const std::filesystem::path& dir);

// The sweep's points as runs (one per point), labelled by the parameters that vary.
std::vector<Run> sweep_runs(const SweepData& sweep);

struct Episode {
    long long episode = 0;
    std::string bits;
    double accuracy_percent = 0, total_cycles = 0, energy_pj = 0, reward = 0;
    double policy_entropy = std::numeric_limits<double>::quiet_NaN();
};

struct SearchData {
    std::filesystem::path dir;
    // best.json's `complete`: false for a search stopped or killed before its last episode
    // (true when best.json does not say, as before the field).
    bool complete = true;
    std::vector<Episode> episodes;
    std::optional<nlohmann::json> best;  // best.json
    std::optional<CsvTable> action_probabilities;  // action_probabilities.csv
};

// The episodes best.json describes (written last of a search's files, docs/reliability.md):
// rows beyond them, written by a save that a kill interrupted, are left out.
SearchData read_search(const std::filesystem::path& dir);

}  // namespace serialq::workflow
