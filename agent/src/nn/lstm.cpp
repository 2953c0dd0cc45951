#include "serialq/agent/nn/lstm.hpp"

#include "serialq/agent/nn/random.hpp"

#include <utility>

#include <cmath>

namespace serialq::agent {

template <typename S>
Lstm<S>::Lstm(ParameterSet<S>& params, Index input, Index hidden)
    : params_(&params),
      in_(input),
      hid_(hidden),
      w_(params.reserve(4 * hidden, input)),
      u_(params.reserve(4 * hidden, hidden)),
      b_(params.reserve(4 * hidden, 1)) {}

template <typename S>
void Lstm<S>::init(std::mt19937_64& rng) {
    const double bound = 1.0 / std::sqrt(static_cast<double>(hid_));
    for (auto slot : {w_, u_}) {
        auto m = params_->value(slot);
        for (Index j = 0; j < m.cols(); ++j)
            for (Index i = 0; i < m.rows(); ++i)
                m(i, j) = static_cast<S>(uniform(rng, -bound, bound));
    }
    auto b = params_->value(b_);
    b.setZero();
    b.middleRows(hid_, hid_).setConstant(S(1));
}

template <typename S>
void Lstm<S>::resize(Index steps, Index batch) {
    steps_ = steps;
    batch_ = batch;
    const Index n = steps * batch;
    gates_.resize(4 * hid_, n);
    h_.resize(hid_, n + batch);
    c_.resize(hid_, n + batch);
    tanh_c_.resize(hid_, n);
    dgates_.resize(4 * hid_, n);
    for (Mat<S>* m : {&dh_next_, &dc_next_, &dh_t_, &dc_t_}) m->resize(hid_, batch);
    h_.leftCols(batch).setZero();
    c_.leftCols(batch).setZero();
}

template <typename S>
void Lstm<S>::forward_step(Index t, const ConstMatRef<S>& x_t) {
    gates_.middleCols(t * batch_, batch_).noalias() = std::as_const(*params_).value(w_) * x_t;
    recur(t);
}

template <typename S>
void Lstm<S>::recur(Index t) {
    const auto& P = std::as_const(*params_);
    const Index B = batch_, H = hid_;
    auto g = gates_.middleCols(t * B, B);
    g.noalias() += P.value(u_) * h_.middleCols(t * B, B);
    g.colwise() += P.value(b_).col(0);
    // i, f (rows 0..2H) and o (rows 3H..4H) through the sigmoid, g (rows 2H..3H) through tanh.
    auto sig = [](auto block) { block = (S(1) / (S(1) + (-block.array()).exp())).matrix(); };
    sig(g.topRows(2 * H));
    sig(g.bottomRows(H));
    g.middleRows(2 * H, H) = g.middleRows(2 * H, H).array().tanh().matrix();

    const auto i = g.topRows(H).array();
    const auto f = g.middleRows(H, H).array();
    const auto gg = g.middleRows(2 * H, H).array();
    const auto o = g.bottomRows(H).array();
    auto c_new = c_.middleCols((t + 1) * B, B);
    c_new = (f * c_.middleCols(t * B, B).array() + i * gg).matrix();
    auto tc = tanh_c_.middleCols(t * B, B);
    tc = c_new.array().tanh().matrix();
    h_.middleCols((t + 1) * B, B) = (o * tc.array()).matrix();
}

template <typename S>
void Lstm<S>::forward(const ConstMatRef<S>& x) {
    gates_.noalias() = std::as_const(*params_).value(w_) * x;
    for (Index t = 0; t < steps_; ++t) recur(t);
}

template <typename S>
void Lstm<S>::backward(const ConstMatRef<S>& x, const ConstMatRef<S>& dh, Mat<S>* dx) {
    const Index B = batch_, H = hid_;
    const auto u = std::as_const(*params_).value(u_);
    dh_next_.setZero();
    dc_next_.setZero();
    for (Index t = steps_ - 1; t >= 0; --t) {
        const auto g = gates_.middleCols(t * B, B);
        const auto i = g.topRows(H).array();
        const auto f = g.middleRows(H, H).array();
        const auto gg = g.middleRows(2 * H, H).array();
        const auto o = g.bottomRows(H).array();
        const auto tc = tanh_c_.middleCols(t * B, B).array();
        const auto c_prev = c_.middleCols(t * B, B).array();

        dh_t_ = dh.middleCols(t * B, B) + dh_next_;
        dc_t_ = (dc_next_.array() + dh_t_.array() * o * (S(1) - tc.square())).matrix();

        auto dg = dgates_.middleCols(t * B, B);
        dg.topRows(H) = (dc_t_.array() * gg * i * (S(1) - i)).matrix();
        dg.middleRows(H, H) = (dc_t_.array() * c_prev * f * (S(1) - f)).matrix();
        dg.middleRows(2 * H, H) = (dc_t_.array() * i * (S(1) - gg.square())).matrix();
        dg.bottomRows(H) = (dh_t_.array() * tc * o * (S(1) - o)).matrix();

        dc_next_ = (dc_t_.array() * f).matrix();
        dh_next_.noalias() = u.transpose() * dg;
    }
    const Index n = steps_ * B;
    params_->grad(w_).noalias() += dgates_ * x.transpose();
    params_->grad(u_).noalias() += dgates_ * h_.leftCols(n).transpose();
    params_->grad(b_).col(0) += dgates_.rowwise().sum();
    if (dx) dx->noalias() = std::as_const(*params_).value(w_).transpose() * dgates_;
}

template class Lstm<float>;
template class Lstm<double>;

}  // namespace serialq::agent
