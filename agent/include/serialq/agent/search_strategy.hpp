#pragma once
// How a search proposes bit assignments, one episode at a time (strategy_help() lists them).
// All play the same Environment, so they are compared on the same oracle calls, costs and
// rewards, and all learn from (or are ranked by) the reward the objective derives.
#include "serialq/agent/environment.hpp"
#include "serialq/agent/search_config.hpp"

#include <memory>
#include <random>
#include <string>
#include <vector>

namespace serialq::agent {

struct EpisodeLog {
    EpisodeResult result;
    double policy_entropy_nats = 0;  // mean over the episode's steps of the policy's entropy
    // The probability each choice had when layer t was decided: T x A, row-major.
    std::vector<double> action_probabilities;
};

class SearchStrategy {
public:
    virtual ~SearchStrategy() = default;
    virtual std::string name() const = 0;
    // Episodes a run that asked for `requested` performs (exhaustive: every assignment).
    virtual long long episodes(long long requested) const { return requested; }
    // Plays one episode, drawing randomness only from `rng`.
    virtual EpisodeLog run_episode(Environment& env, std::mt19937_64& rng) = 0;
    // True when the strategy has nothing left to try (greedy at its stopping rule); the run
    // then ends before the episodes asked for.
    virtual bool finished() const { return false; }
    // The strategy's own state for checkpoints (the caller saves the RNG and the environment);
    // load_state throws InputError on bytes it cannot read or that hold what the strategy never
    // saves (a value out of its range, a bit width not among a layer's choices), naming the
    // field and what was expected. A strategy without state refuses any bytes: they belong to
    // another strategy's checkpoint.
    virtual std::string save_state() const { return {}; }
    virtual void load_state(const std::string& bytes);
};

// The strategies by name, in one table (search_strategy.cpp): the CLI's choices and help
// come from it.
inline constexpr const char* kDefaultStrategy = "adrl";
// Searches kernel-wise bits, through run_autoq (autoq.hpp), not make_search_strategy.
inline constexpr const char* kAutoqStrategy = "autoq";
std::vector<std::string> strategy_names();
std::string strategy_help();  // "adrl: ...; haq: ..." one line each

// name: one of strategy_names() (else ConfigError). The networks are initialised from `rng`.
std::unique_ptr<SearchStrategy> make_search_strategy(const std::string& name,
                                                     const SearchConfig& config,
                                                     const Environment& env, std::mt19937_64& rng);

}  // namespace serialq::agent
