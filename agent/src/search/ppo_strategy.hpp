#pragma once
// The PPO agent as a search strategy (private to agent/src): samples each layer's bits from
// the actor-critic's policy, stores the episode, and updates after every
// ppo.episodes_per_update episodes.
//
// Two copies of the network: one sized for rollouts (one sequence, step by step) and one for
// updates (the whole batch), with the parameters copied over after each update. Each keeps its
// buffers at one shape, so nothing is reallocated between rollouts and updates.
#include "serialq/agent/actor_critic.hpp"
#include "serialq/agent/nn/categorical.hpp"
#include "serialq/agent/ppo.hpp"
#include "serialq/agent/rollout_buffer.hpp"
#include "serialq/agent/search_strategy.hpp"

#include "profiling_indicator.hpp"

namespace serialq::agent {

class PpoStrategy final : public SearchStrategy {
public:
    // augmented: ADRL (the actor proposes adrl.candidates actions per layer, the profiling
    // indicator picks one); else ReLeQ's PPO, sampling the policy.
    PpoStrategy(const SearchConfig& config, const Environment& env, std::mt19937_64& rng,
                bool augmented = false);

    std::string name() const override { return augmented_ ? "adrl" : "ppo"; }
    EpisodeLog run_episode(Environment& env, std::mt19937_64& rng) override;
    std::string save_state() const override;
    void load_state(const std::string& bytes) override;

    ActorCritic<float>& network() { return *net_; }
    ActorCritic<float>& rollout_network() { return *rollout_; }
    const UpdateStats& last_update() const { return last_update_; }
    long long updates() const { return updates_; }

private:
    // An action from the policy, or uniformly at random with probability exploration_floor.
    Index explore(std::mt19937_64& rng) const;
    // ADRL: up to k distinct candidates (by the bits they give layer t), the indicator's best.
    Index augmented_action(Environment& env, Index t, std::mt19937_64& rng);

    bool augmented_;
    Index actions_;  // the environment's action count (a restored action is checked against it)
    double floor_;
    int candidates_;
    detail::ProfilingIndicator indicator_;
    std::unique_ptr<ActorCritic<float>> net_;  // trained
    std::unique_ptr<ActorCritic<float>> rollout_;  // plays; a copy of net_'s parameters
    PpoTrainer<float> trainer_;
    RolloutBuffer<float> buffer_;
    Categorical<float> dist_;
    UpdateStats last_update_;
    long long updates_ = 0;
};

}  // namespace serialq::agent
