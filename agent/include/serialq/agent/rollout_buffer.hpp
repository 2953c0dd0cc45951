#pragma once
// What the agent saw and did in the episodes since its last update: for E episodes of T steps
// (one step per layer), the state, the action, its log-probability and the value estimate (PPO
// fills these in at the start of its update), and the reward; then the advantages and returns that PPO trains on. Columns are
// time-major, t*E + e, as the networks expect (nn/tensor.hpp).
#include "serialq/agent/nn/tensor.hpp"

#include <vector>

namespace serialq::agent {

template <typename S>
class RolloutBuffer {
public:
    // Room for E episodes of T steps with D state features; forgets what was stored.
    void reset(Index steps, Index episodes, Index state_size);
    void clear() { stored_ = 0; }

    Index steps() const { return steps_; }
    Index capacity() const { return episodes_; }
    Index stored() const { return stored_; }  // complete episodes
    bool full() const { return stored_ == episodes_; }
    Index column(Index t, Index e) const { return t * episodes_ + e; }

    // The state column of step t of the episode being recorded (episode stored()).
    auto state(Index t) { return states_.col(column(t, stored_)); }
    void record(Index t, int action, S log_prob, S value, S reward);
    // Overwrites the reward of step t of the episode being recorded (rewards that are known
    // only at the end of the episode).
    void set_reward(Index t, S reward) { rewards_[column(t, stored_)] = reward; }
    void finish_episode() { ++stored_; }

    // Generalised advantage estimation (Schulman et al. 2016) per episode, the episode ending
    // after its last step (value 0 beyond):
    //   delta_t = r_t + gamma V_{t+1} - V_t,   A_t = delta_t + gamma lambda A_{t+1},
    //   return_t = A_t + V_t.
    void compute_advantages(double gamma, double lambda);

    const Mat<S>& states() const { return states_; }  // (D x T*E)
    const std::vector<int>& actions() const { return actions_; }
    const RowVec<S>& log_probs() const { return log_probs_; }  // (1 x T*E), at sampling time
    const RowVec<S>& values() const { return values_; }
    const RowVec<S>& rewards() const { return rewards_; }
    const RowVec<S>& advantages() const { return advantages_; }
    const RowVec<S>& returns() const { return returns_; }

    // Raw access, for checkpoints.
    Mat<S>& states_data() { return states_; }
    std::vector<int>& actions_data() { return actions_; }
    RowVec<S>& log_probs_data() { return log_probs_; }
    RowVec<S>& values_data() { return values_; }
    RowVec<S>& rewards_data() { return rewards_; }
    void set_stored(Index n) { stored_ = n; }

private:
    Index steps_ = 0, episodes_ = 0, stored_ = 0;
    Mat<S> states_;
    std::vector<int> actions_;
    RowVec<S> log_probs_, values_, rewards_, advantages_, returns_;
};

}  // namespace serialq::agent
