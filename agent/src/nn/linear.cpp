#include "serialq/agent/nn/linear.hpp"

#include "serialq/agent/nn/random.hpp"

#include <utility>

#include <cmath>

namespace serialq::agent {

template <typename S>
Linear<S>::Linear(ParameterSet<S>& params, Index in, Index out)
    : params_(&params),
      in_(in),
      out_(out),
      w_(params.reserve(out, in)),
      b_(params.reserve(out, 1)) {}

template <typename S>
void Linear<S>::init(std::mt19937_64& rng, double gain) {
    const double bound = gain * std::sqrt(3.0 / static_cast<double>(in_));
    auto w = params_->value(w_);
    for (Index j = 0; j < w.cols(); ++j)
        for (Index i = 0; i < w.rows(); ++i) w(i, j) = static_cast<S>(uniform(rng, -bound, bound));
    params_->value(b_).setZero();
}

template <typename S>
void Linear<S>::forward(const ConstMatRef<S>& x, MatRef<S> y) const {
    const auto w = std::as_const(*params_).value(w_);
    const auto b = std::as_const(*params_).value(b_);
    y.noalias() = w * x;
    y.colwise() += b.col(0);
}

template <typename S>
void Linear<S>::backward(const ConstMatRef<S>& x, const ConstMatRef<S>& dy, Mat<S>* dx) {
    auto dw = params_->grad(w_);
    auto db = params_->grad(b_);
    dw.noalias() += dy * x.transpose();
    db.col(0) += dy.rowwise().sum();
    if (dx) dx->noalias() = std::as_const(*params_).value(w_).transpose() * dy;
}

template class Linear<float>;
template class Linear<double>;

}  // namespace serialq::agent
