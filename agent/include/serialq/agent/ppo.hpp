#pragma once
// Proximal policy optimisation (Schulman et al. 2017) with the clipped surrogate objective, a
// value loss and an entropy bonus, over the episodes in a RolloutBuffer, several epochs per
// batch. Defaults as ReLeQ's table 3 where it gives them.
#include "serialq/agent/actor_critic.hpp"
#include "serialq/agent/nn/adam.hpp"
#include "serialq/agent/nn/categorical.hpp"
#include "serialq/agent/rollout_buffer.hpp"

namespace serialq::agent {

struct PpoParams {
    AdamParams adam;  // adam.learning_rate = 1e-4 (ReLeQ table 3)
    double gae_lambda = 0.99;  // GAE parameter (ReLeQ table 3)
    int epochs = 3;  // optimisation passes over each batch (ReLeQ table 3)
    double clip = 0.1;  // probability-ratio clip epsilon (ReLeQ table 3)
    double gamma = 1.0;  // no discount over the layers of one episode: the reward comes
        // at its end and every layer counts alike
    double value_coef = 0.5;  // weight of the value loss
    double entropy_coef = 0.01;  // weight of the entropy bonus (ReLeQ's code)
    int episodes_per_update = 4;  // episodes collected before each update (one batch)
    double max_grad_norm = 0.5;  // clip of the global gradient norm; 0 = no clip
    bool normalize_advantages = true;  // standardise advantages over the batch
    // Probability of a uniformly random action at each step (ours, issue 12: without a floor
    // the policy's entropy can collapse to ~0 and the search stops asking new assignments).
    // The update still uses the policy's own probability of the action taken.
    double exploration_floor = 0.05;
    void check() const;  // throws ConfigError naming the field ("ppo.clip")
};
// Each field's key (in a search config's ppo block), range and help.
const ConfigFields<PpoParams>& ppo_fields();

// One evaluation of the PPO loss L = -surrogate + value_coef * value_loss
// - entropy_coef * entropy, with means over the batch's T*E samples.
struct PpoLoss {
    double total = 0;
    double surrogate = 0;  // mean of min(r A, clip(r) A)
    double value_loss = 0;  // mean of (V - return)^2
    double entropy = 0;  // mean policy entropy (nats)
    double approx_kl = 0;  // mean of (r - 1) - log r, >= 0
    double clip_fraction = 0;  // share of samples whose ratio left [1 - clip, 1 + clip]
};

// The loss for network outputs `logits` (A x N) and `values` (1 x N) on the buffer's samples
// with the given (possibly normalised) advantages (1 x N); writes dL/dlogits and dL/dvalues.
// `dist` is a work buffer.
template <typename S>
PpoLoss ppo_loss(const Mat<S>& logits, const Mat<S>& values, const RolloutBuffer<S>& buffer,
                 const RowVec<S>& advantages, const PpoParams& params, Categorical<S>& dist,
                 Mat<S>& dlogits, Mat<S>& dvalues);

struct UpdateStats {
    PpoLoss first_epoch;  // the loss before the update's first step
    PpoLoss last_epoch;  // the loss at the last epoch (before its step)
    double grad_norm = 0;  // global gradient norm of the first epoch, before clipping
};

template <typename S>
class PpoTrainer {
public:
    PpoTrainer(ActorCritic<S>& network, const PpoParams& params);

    // Computes the value estimates of the buffer's samples (replacing those recorded), the
    // advantages and returns, then runs `epochs` full-batch Adam steps on the loss. The buffer
    // must be full and recorded with the network's current parameters.
    UpdateStats update(RolloutBuffer<S>& buffer);

    const PpoParams& params() const { return params_; }
    Adam<S>& optimizer() { return adam_; }

private:
    ActorCritic<S>* net_;
    PpoParams params_;
    Adam<S> adam_;
    Categorical<S> dist_;
    RowVec<S> advantages_;
    Mat<S> dlogits_, dvalues_;
};

}  // namespace serialq::agent
