#include "serialq/agent/nn/adam.hpp"

#include <cmath>
#include <string>

namespace serialq::agent {

const ConfigFields<AdamParams>& adam_fields() {
    static const ConfigFields<AdamParams> f{
        number({"learning_rate", "Adam step size"}, &AdamParams::learning_rate, open(0, 1)),
        number({"beta1", "decay of Adam's first moment"}, &AdamParams::beta1, closed_open(0, 1)),
        number({"beta2", "decay of Adam's second moment"}, &AdamParams::beta2, closed_open(0, 1)),
        number({"epsilon", "Adam's ε"}, &AdamParams::epsilon, open(0, 1)),
    };
    return f;
}

void AdamParams::check() const { check_fields(adam_fields(), *this, "adam."); }

template <typename S>
Adam<S>::Adam(Index size, AdamParams params)
    : params_(params), m_(Vec<S>::Zero(size)), v_(Vec<S>::Zero(size)) {
    params_.check();
}

template <typename S>
void Adam<S>::step(Eigen::Ref<Vec<S>> theta, const Eigen::Ref<const Vec<S>>& grad) {
    ++t_;
    const S b1 = static_cast<S>(params_.beta1), b2 = static_cast<S>(params_.beta2);
    m_ = b1 * m_ + (S(1) - b1) * grad;
    v_ = b2 * v_ + (S(1) - b2) * grad.cwiseAbs2();
    const double c1 = 1.0 - std::pow(params_.beta1, static_cast<double>(t_));
    const double c2 = 1.0 - std::pow(params_.beta2, static_cast<double>(t_));
    // lr * m_hat / (sqrt(v_hat) + eps) with the corrections folded into two scalars.
    const S step = static_cast<S>(params_.learning_rate / c1);
    const S inv_sqrt_c2 = static_cast<S>(1.0 / std::sqrt(c2));
    const S eps = static_cast<S>(params_.epsilon);
    theta.array() -= step * m_.array() / (v_.array().sqrt() * inv_sqrt_c2 + eps);
}

template class Adam<float>;
template class Adam<double>;

}  // namespace serialq::agent
