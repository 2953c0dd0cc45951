#pragma once
// The checkpoint of a search (private to agent/src): everything needed to continue it exactly
// as if it had never stopped. One binary file, written atomically:
//   "SQSEARCH" | u32 version | payload | u64 FNV-1a hash of every byte before it
// A wrong magic or version, a truncated file or a bad hash is an InputError naming the file.
#include "serialq/agent/hardware_costs.hpp"
#include "serialq/agent/accuracy_memo.hpp"
#include "serialq/agent/search_strategy.hpp"

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace serialq::agent::detail {

struct Checkpoint {
    std::string identity;  // JSON text of the settings and configuration
    long long episodes_done = 0;
    std::string rng_state;  // std::mt19937_64 written with operator<<
    std::vector<int> env_bits;  // Environment state between episodes
    double env_relative_accuracy = 1;
    std::vector<AccuracyMemo::Entry> memo;
    std::optional<double> reference_accuracy_percent;
    std::vector<EpisodeLog> logs;
    std::vector<long long> distinct_calls;  // after each episode
    std::string strategy_state;
    std::vector<long long> simulated_layers;  // HardwareCosts::simulated_layers()
};

void write_checkpoint(const std::filesystem::path& path, const Checkpoint& c);
Checkpoint read_checkpoint(const std::filesystem::path& path);

}  // namespace serialq::agent::detail
