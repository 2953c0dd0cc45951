#include "serialq/agent/ppo.hpp"

#include "serialq/common/error.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace serialq::agent {

const ConfigFields<PpoParams>& ppo_fields() {
    using P = PpoParams;
    static const ConfigFields<PpoParams> f = [] {
        const auto& adam = adam_fields();
        const std::string flat = "flat in the ppo block, PPO's one optimiser";
        auto adam_key = [&](const char* field, const char* key) {
            return lift(&P::adam,
                        rekeyed(adam, field, key, std::string("adam.") + field + ", " + flat));
        };
        return ConfigFields<P>{
            adam_key("learning_rate", "learning_rate"),
            adam_key("beta1", "adam_beta1"),
            adam_key("beta2", "adam_beta2"),
            adam_key("epsilon", "adam_epsilon"),
            number({"gae_lambda", "λ of GAE"}, &P::gae_lambda, closed(0, 1)),
            integer({"epochs", "Adam steps per batch"}, &P::epochs, 1, 1000),
            number({"clip", "ε of the probability-ratio clip"}, &P::clip, open(0, 1)),
            number({"gamma", "γ, the discount over an episode's layers"}, &P::gamma, closed(0, 1)),
            number({"value_coef", "c_v, weight of the value loss"}, &P::value_coef, closed(0, 100)),
            number({"entropy_coef", "c_e, weight of the entropy bonus"}, &P::entropy_coef,
                   closed(0, 10)),
            integer({"episodes_per_update", "E, episodes per batch"}, &P::episodes_per_update, 1,
                    100000),
            number({"max_grad_norm", "global gradient-norm clip"}, &P::max_grad_norm,
                   closed(0, 1e6, "0: no clip")),
            boolean({"normalize_advantages", "standardise advantages over the batch"},
                    &P::normalize_advantages),
            number({"exploration_floor", "probability of a uniformly random action per step"},
                   &P::exploration_floor, closed(0, 1)),
        };
    }();
    return f;
}

void PpoParams::check() const { check_fields(ppo_fields(), *this, "ppo."); }

template <typename S>
PpoLoss ppo_loss(const Mat<S>& logits, const Mat<S>& values, const RolloutBuffer<S>& buffer,
                 const RowVec<S>& advantages, const PpoParams& params, Categorical<S>& dist,
                 Mat<S>& dlogits, Mat<S>& dvalues) {
    const Index n = logits.cols();
    const S inv_n = S(1) / static_cast<S>(n);
    const S lo = static_cast<S>(1 - params.clip), hi = static_cast<S>(1 + params.clip);
    const S ent_w = -static_cast<S>(params.entropy_coef) * inv_n;
    const S val_w = static_cast<S>(2 * params.value_coef) * inv_n;
    dist.set_logits(logits);
    dlogits.setZero(logits.rows(), n);
    dvalues.resize(1, n);

    PpoLoss l;
    for (Index c = 0; c < n; ++c) {
        const int a = buffer.actions()[static_cast<std::size_t>(c)];
        const S log_ratio = dist.log_prob(c, a) - buffer.log_probs()[c];
        const S ratio = std::exp(log_ratio);
        const S adv = advantages[c];
        const S clipped = std::clamp(ratio, lo, hi);
        // min(r A, clip(r) A): the unclipped term carries the gradient d/dlogp = r A when it
        // is the smaller (or equal) one; the clipped term is constant in the parameters.
        const bool unclipped = ratio * adv <= clipped * adv;
        l.surrogate += static_cast<double>(unclipped ? ratio * adv : clipped * adv);
        l.entropy += static_cast<double>(dist.entropy(c));
        l.approx_kl += static_cast<double>((ratio - S(1)) - log_ratio);
        if (ratio < lo || ratio > hi) l.clip_fraction += 1;
        const S w_logp = unclipped ? -ratio * adv * inv_n : S(0);
        dist.add_gradient(c, a, w_logp, ent_w, dlogits);

        const S err = values(0, c) - buffer.returns()[c];
        l.value_loss += static_cast<double>(err * err);
        dvalues(0, c) = val_w * err;
    }
    const double dn = static_cast<double>(n);
    l.surrogate /= dn;
    l.entropy /= dn;
    l.approx_kl /= dn;
    l.clip_fraction /= dn;
    l.value_loss /= dn;
    l.total = -l.surrogate + params.value_coef * l.value_loss - params.entropy_coef * l.entropy;
    return l;
}

template <typename S>
PpoTrainer<S>::PpoTrainer(ActorCritic<S>& network, const PpoParams& params)
    : net_(&network), params_(params), adam_(network.parameters().size(), params.adam) {
    params_.check();
}

template <typename S>
UpdateStats PpoTrainer<S>::update(RolloutBuffer<S>& buffer) {
    if (!buffer.full()) throw std::logic_error("PpoTrainer::update: rollout buffer not full");
    auto& params = net_->parameters();
    net_->resize(buffer.steps(), buffer.capacity());
    // The value estimates of the samples: the parameters have not changed since the rollouts
    // (on-policy), so the first forward pass gives them, and serves as the first epoch's too.
    net_->forward(buffer.states());
    buffer.values_data() = net_->values();
    buffer.compute_advantages(params_.gamma, params_.gae_lambda);
    advantages_ = buffer.advantages();
    if (params_.normalize_advantages && advantages_.size() > 1) {
        const S mean = advantages_.mean();
        const S var = (advantages_.array() - mean).square().mean();
        advantages_ = (advantages_.array() - mean) / (std::sqrt(var) + S(1e-8));
    }

    UpdateStats stats;
    for (int epoch = 0; epoch < params_.epochs; ++epoch) {
        params.zero_grads();
        if (epoch > 0) net_->forward(buffer.states());
        const PpoLoss loss = ppo_loss(net_->logits(), net_->values(), buffer, advantages_, params_,
                                      dist_, dlogits_, dvalues_);
        net_->backward(buffer.states(), dlogits_, dvalues_);
        const double norm = static_cast<double>(params.grads().norm());
        if (epoch == 0) {
            stats.first_epoch = loss;
            stats.grad_norm = norm;
        }
        stats.last_epoch = loss;
        if (params_.max_grad_norm > 0 && norm > params_.max_grad_norm)
            params.grads() *= static_cast<S>(params_.max_grad_norm / norm);
        adam_.step(params.values(), params.grads());
    }
    buffer.clear();
    return stats;
}

template PpoLoss ppo_loss<float>(const Mat<float>&, const Mat<float>&, const RolloutBuffer<float>&,
                                 const RowVec<float>&, const PpoParams&, Categorical<float>&,
                                 Mat<float>&, Mat<float>&);
template PpoLoss ppo_loss<double>(const Mat<double>&, const Mat<double>&,
                                  const RolloutBuffer<double>&, const RowVec<double>&,
                                  const PpoParams&, Categorical<double>&, Mat<double>&,
                                  Mat<double>&);
template class PpoTrainer<float>;
template class PpoTrainer<double>;

}  // namespace serialq::agent
