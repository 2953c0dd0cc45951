#pragma once
// How a search proposes bit assignments, one episode at a time: the PPO agent (ppo), uniform
// random assignments (random), or every assignment in order (exhaustive). All play the same
// Environment, so they are compared on the same oracle calls, costs and rewards.
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
    // The strategy's own state for checkpoints (the caller saves the RNG and the environment);
    // load_state throws InputError on bytes it cannot read.
    virtual std::string save_state() const { return {}; }
    virtual void load_state(const std::string& bytes) { (void)bytes; }
};

// name: ppo | random | exhaustive (else ConfigError). The PPO networks are initialised from
// `rng`.
std::unique_ptr<SearchStrategy> make_search_strategy(const std::string& name,
                                                     const SearchConfig& config,
                                                     const Environment& env,
                                                     std::mt19937_64& rng);

}  // namespace serialq::agent
