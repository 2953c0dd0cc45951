#include "serialq/agent/nn/adam.hpp"

#include "serialq/common/error.hpp"
#include "../text.hpp"

#include <cmath>
#include <string>

namespace serialq::agent {

void AdamParams::check() const {
    auto fail = [](const char* field, double v, const char* expected) {
        throw ConfigError(std::string("adam.") + field + ": found " + detail::number_text(v) +
                          ", expected " + expected);
    };
    if (!(learning_rate > 0 && learning_rate < 1)) fail("learning_rate", learning_rate, "a number in (0, 1)");
    if (!(beta1 >= 0 && beta1 < 1)) fail("beta1", beta1, "a number in [0, 1)");
    if (!(beta2 >= 0 && beta2 < 1)) fail("beta2", beta2, "a number in [0, 1)");
    if (!(epsilon > 0 && epsilon < 1)) fail("epsilon", epsilon, "a number in (0, 1)");
}

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
