#pragma once
// The checkpoint of a search (private to agent/src): everything needed to continue it exactly
// as if it had never stopped. One binary file, written atomically:
//   "SQSEARCH" | u32 version | payload | u64 FNV-1a hash of every byte before it
// A wrong magic or version, a truncated file or a bad hash is an InputError naming the file,
// and so is a valid hash over contents no run writes (a negative count, a NaN or infinite
// figure in an episode's log): read_checkpoint checks what the file alone decides, the run
// (search_run.cpp's check_restorable, the strategy's load_state) what depends on its settings.
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

// How to recover from a damaged checkpoint, ending every refusal of one.
inline constexpr const char* kDamagedCheckpoint =
    "; the checkpoint is damaged: delete it to start the run afresh";

void write_checkpoint(const std::filesystem::path& path, const Checkpoint& c);
Checkpoint read_checkpoint(const std::filesystem::path& path);

}  // namespace serialq::agent::detail
