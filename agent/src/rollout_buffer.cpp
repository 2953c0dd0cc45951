#include "serialq/agent/rollout_buffer.hpp"

namespace serialq::agent {

template <typename S>
void RolloutBuffer<S>::reset(Index steps, Index episodes, Index state_size) {
    steps_ = steps;
    episodes_ = episodes;
    stored_ = 0;
    const Index n = steps * episodes;
    states_ = Mat<S>::Zero(state_size, n);
    actions_.assign(static_cast<std::size_t>(n), 0);
    for (RowVec<S>* v : {&log_probs_, &values_, &rewards_, &advantages_, &returns_})
        *v = RowVec<S>::Zero(n);
}

template <typename S>
void RolloutBuffer<S>::record(Index t, int action, S log_prob, S value, S reward) {
    const Index c = column(t, stored_);
    actions_[static_cast<std::size_t>(c)] = action;
    log_probs_[c] = log_prob;
    values_[c] = value;
    rewards_[c] = reward;
}

template <typename S>
void RolloutBuffer<S>::compute_advantages(double gamma, double lambda) {
    const S g = static_cast<S>(gamma), gl = static_cast<S>(gamma * lambda);
    for (Index e = 0; e < stored_; ++e) {
        S next_value = 0, next_adv = 0;
        for (Index t = steps_ - 1; t >= 0; --t) {
            const Index c = column(t, e);
            const S delta = rewards_[c] + g * next_value - values_[c];
            advantages_[c] = delta + gl * next_adv;
            returns_[c] = advantages_[c] + values_[c];
            next_value = values_[c];
            next_adv = advantages_[c];
        }
    }
}

template class RolloutBuffer<float>;
template class RolloutBuffer<double>;

}  // namespace serialq::agent
