#pragma once
// A whole search: builds the environment, the strategy and the memos; plays the episodes;
// writes the outputs and checkpoints; resumes an interrupted run exactly. The CLI only parses
// its options into SearchSettings and calls run_search.
//
// Files in out_dir (each written atomically, rewritten at every checkpoint and at the end):
//   episodes.csv              episode, bits, accuracy_percent, cycles, energy_pj, reward,
//                             policy_entropy_nats, distinct_oracle_calls (cumulative)
//   action_probabilities.csv  episode, layer, layer_name, p_<b>_bits for each choice b
//   best.json                 the best feasible configuration (by the objective), with the
//                             settings and the full search configuration that produced it
//   pareto.json               every configuration the oracle evaluated, with the accuracy-vs-
//                             latency and accuracy-vs-energy Pareto sets and knees marked
//   checkpoint.bin            everything --resume needs (strategy, optimizer, RNG, memo, logs)
#include "serialq/agent/search_config.hpp"
#include "serialq/agent/search_strategy.hpp"
#include "serialq/quant/oracle.hpp"
#include "serialq/sim/hardware_model.hpp"

#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace serialq::agent {

struct SearchSettings {
    std::string strategy = "ppo";  // search_strategy.hpp's names
    Objective objective;  // what is searched for (objective.hpp)
    // Overrides the oracle's full-precision accuracy, the reference of the objective.
    std::optional<double> reference_accuracy_percent;
    long long episodes = 100;  // total, including any resumed ones
    std::uint64_t seed = 1;
    std::filesystem::path out_dir;  // empty: no files (benchmarks, tests)
    bool resume = false;  // continue from out_dir/checkpoint.bin
    // What the run was given, recorded in every output and checked on resume.
    std::string trace;
    std::string oracle;
    std::string accelerator;
    std::string hardware_model;
    LayerBits act_bits;  // activation bits the accelerator runs at (empty: its own)
    // Evaluates the final best assignment apart from the search (builtin: on the test split,
    // the unbiased figure when the search chose on validation); null: none. Recorded in
    // best.json as best.test_accuracy_percent; never seen by the search.
    quant::AccuracyOracle* test_oracle = nullptr;
    // The options the run was started with, as (name, value) in a fixed order: recorded in
    // the checkpoint so that --resume needs none of them again (saved_run_options()).
    std::vector<std::pair<std::string, std::string>> options;
};

// The options recorded in out_dir/checkpoint.bin (InputError if it is missing or damaged).
std::vector<std::pair<std::string, std::string>> saved_run_options(
    const std::filesystem::path& out_dir);

// The files a search writes into out_dir (above).
inline constexpr const char* kSearchOutputs[] = {"episodes.csv", "action_probabilities.csv",
                                                 "best.json", "pareto.json", "checkpoint.bin"};

// A ConfigError naming the first of kSearchOutputs that out_dir holds: a search that does not
// resume starts afresh, and would overwrite another run's outputs. run_search calls it (when
// not resuming); the CLI calls it first too, to refuse before loading anything.
void refuse_another_run(const std::filesystem::path& out_dir);

struct SearchProgress {
    long long episodes_done = 0;
    long long episodes_total = 0;
    const EpisodeLog* last = nullptr;
    const EpisodeLog* best = nullptr;  // best by the objective so far (the earliest on ties)
    long long best_episode = 0;  // 1-based
    long long distinct_oracle_calls = 0;
    HardwareCost baseline;  // every layer at baseline_bits
};

// One point of the accuracy-vs-latency frontier of the assignments a search evaluated.
struct FrontPoint {
    std::vector<int> bits;
    double accuracy_percent = 0;
    long long cycles = 0;
    double energy_pj = 0;
    bool knee = false;
};

struct SearchSummary {
    // The best feasible assignment evaluated (objective.hpp's better()); when none was
    // feasible, the closest (highest reward), and best_feasible is false.
    EpisodeLog best;
    bool best_feasible = false;
    std::string objective;  // Objective::describe()
    // The accuracy-vs-latency Pareto frontier of every assignment evaluated (as pareto.json
    // marks it), most accurate first: the trade-offs beside the one the reward chose.
    std::vector<FrontPoint> latency_front;
    long long best_episode = 0;  // 1-based
    long long episodes = 0;
    // Whether the run had played every episode it was asked for (or its strategy had finished):
    // false in the outputs a checkpoint writes mid-run, and after a stop by the callback.
    bool complete = false;
    long long distinct_oracle_calls = 0;
    long long simulations = 0;  // distinct (layer, bits) simulated
    double reference_accuracy_percent = 0;
    HardwareCost baseline;
    double speedup = 0;  // baseline cycles / best cycles
    double energy_reduction = 0;  // baseline energy / best energy
    std::optional<double> test_accuracy_percent;  // the best on settings.test_oracle, if given
};

// Called after every episode, and may stop the run early by returning false (the run then
// checkpoints and returns as if it had been asked for that many episodes).
using ProgressCallback = std::function<bool(const SearchProgress&)>;

SearchSummary run_search(const Network& net, quant::AccuracyOracle& oracle,
                         sim::HardwareModel& hardware, const SearchConfig& config,
                         const SearchSettings& settings, const ProgressCallback& progress = {});

}  // namespace serialq::agent
