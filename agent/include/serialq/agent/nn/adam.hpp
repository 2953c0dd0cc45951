#pragma once
// Adam (Kingma & Ba 2015) over a flat parameter vector, with bias-corrected moments:
//   m = b1 m + (1-b1) g,  v = b2 v + (1-b2) g^2,
//   theta -= lr * (m / (1-b1^t)) / (sqrt(v / (1-b2^t)) + eps)
#include "serialq/agent/nn/tensor.hpp"
#include "serialq/common/config_fields.hpp"

#include <cstdint>

namespace serialq::agent {

struct AdamParams {
    double learning_rate = 1e-4;  // step size (ReLeQ table 3)
    double beta1 = 0.9;  // decay of the first moment
    double beta2 = 0.999;  // decay of the second moment
    double epsilon = 1e-5;  // keeps the step finite where v ~ 0 (ReLeQ's code uses 1e-5)
    void check() const;  // throws ConfigError naming the field ("adam.beta1")
};
// Each field's key, range and help (PPO and HAQ re-key them within their own blocks).
const ConfigFields<AdamParams>& adam_fields();

template <typename S>
class Adam {
public:
    Adam(Index size, AdamParams params);

    // One update of `theta` (size n) with gradient `grad` (size n).
    void step(Eigen::Ref<Vec<S>> theta, const Eigen::Ref<const Vec<S>>& grad);

    const AdamParams& params() const { return params_; }
    void set_learning_rate(double lr) { params_.learning_rate = lr; }

    // State, for checkpoints.
    std::int64_t steps() const { return t_; }
    Vec<S>& first_moment() { return m_; }
    Vec<S>& second_moment() { return v_; }
    const Vec<S>& first_moment() const { return m_; }
    const Vec<S>& second_moment() const { return v_; }
    void set_steps(std::int64_t t) { t_ = t; }

private:
    AdamParams params_;
    Vec<S> m_, v_;
    std::int64_t t_ = 0;
};

}  // namespace serialq::agent
