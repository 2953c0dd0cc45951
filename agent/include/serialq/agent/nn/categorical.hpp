#pragma once
// The policy's output: a categorical distribution over the available bitwidths per column of
// logits (A x N). Softmax is computed with the column maximum subtracted, so large logits
// neither overflow nor lose the small probabilities.
#include "serialq/agent/nn/tensor.hpp"

#include <random>

namespace serialq::agent {

template <typename S>
class Categorical {
public:
    // Sizes the buffers for A actions and N columns (allocates only when the shape changes).
    void resize(Index actions, Index columns);
    // probs = softmax(logits), log_probs = log_softmax(logits), column by column.
    void set_logits(const ConstMatRef<S>& logits);

    const Mat<S>& probs() const { return probs_; }  // (A x N)
    const Mat<S>& log_probs() const { return log_probs_; }  // (A x N)
    S log_prob(Index column, Index action) const { return log_probs_(action, column); }
    // H = -sum_a p_a log p_a
    S entropy(Index column) const;

    // Adds to dlogits(:, column) the gradient of  w_logp * log p(action) + w_entropy * H:
    //   d log p_a / dz = onehot(a) - p,    dH / dz = -p .* (log p + H).
    void add_gradient(Index column, Index action, S w_logp, S w_entropy, MatRef<S> dlogits) const;

    // Draws an action from column `column` by inverting the CDF with one uniform draw.
    Index sample(Index column, std::mt19937_64& rng) const;

private:
    Mat<S> probs_, log_probs_;
};

}  // namespace serialq::agent
