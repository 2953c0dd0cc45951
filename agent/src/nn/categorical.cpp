#include "serialq/agent/nn/categorical.hpp"

#include "serialq/agent/nn/random.hpp"

#include <cmath>

namespace serialq::agent {

template <typename S>
void Categorical<S>::resize(Index actions, Index columns) {
    probs_.resize(actions, columns);
    log_probs_.resize(actions, columns);
}

template <typename S>
void Categorical<S>::set_logits(const ConstMatRef<S>& logits) {
    resize(logits.rows(), logits.cols());
    for (Index n = 0; n < logits.cols(); ++n) {
        const S m = logits.col(n).maxCoeff();
        auto lp = log_probs_.col(n);
        lp = logits.col(n).array() - m;
        const S log_z = std::log(lp.array().exp().sum());
        lp.array() -= log_z;
        probs_.col(n) = lp.array().exp().matrix();
    }
}

template <typename S>
S Categorical<S>::entropy(Index column) const {
    return -(probs_.col(column).array() * log_probs_.col(column).array()).sum();
}

template <typename S>
void Categorical<S>::add_gradient(Index column, Index action, S w_logp, S w_entropy,
                                  MatRef<S> dlogits) const {
    const auto p = probs_.col(column).array();
    auto d = dlogits.col(column).array();
    if (w_logp != S(0)) {
        d -= w_logp * p;
        d(action) += w_logp;
    }
    if (w_entropy != S(0)) {
        const S h = entropy(column);
        d -= w_entropy * p * (log_probs_.col(column).array() + h);
    }
}

template <typename S>
Index Categorical<S>::sample(Index column, std::mt19937_64& rng) const {
    const double u = uniform01(rng);
    double cdf = 0;
    const Index last = probs_.rows() - 1;
    for (Index a = 0; a < last; ++a) {
        cdf += static_cast<double>(probs_(a, column));
        if (u < cdf) return a;
    }
    return last;
}

template class Categorical<float>;
template class Categorical<double>;

}  // namespace serialq::agent
