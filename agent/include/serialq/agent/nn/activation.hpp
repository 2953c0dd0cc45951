#pragma once
// Element-wise activations with their backward passes. Forward writes y = f(x); backward
// turns dy into dx = dy * f'(x), computed from the saved output y (all three have derivatives
// expressible in y, so the pre-activation need not be kept).
#include "serialq/agent/nn/tensor.hpp"
#include "serialq/common/enum_names.hpp"

#include <string>

namespace serialq::agent {

enum class Activation { Relu, Tanh, Sigmoid };

inline constexpr EnumNames<Activation, 3> kActivationNames{
    {{{Activation::Relu, "relu"}, {Activation::Tanh, "tanh"}, {Activation::Sigmoid, "sigmoid"}}}};

// An unknown name is a ConfigError naming the valid ones.
inline Activation activation_from_name(const std::string& name) {
    return kActivationNames.parse(name, "activation");
}
inline const char* to_string(Activation a) { return kActivationNames.name(a); }

// y may be a block expression (Eigen's const_cast idiom for writable expression arguments).
template <typename Derived, typename Out>
void activate(Activation a, const Eigen::MatrixBase<Derived>& x,
              const Eigen::MatrixBase<Out>& y_out) {
    using S = typename Derived::Scalar;
    auto& y = const_cast<Eigen::MatrixBase<Out>&>(y_out);
    switch (a) {
        case Activation::Relu:
            y.derived() = x.cwiseMax(S(0));
            break;
        case Activation::Tanh:
            y.derived() = x.array().tanh().matrix();
            break;
        case Activation::Sigmoid:
            y.derived() = (S(1) / (S(1) + (-x.array()).exp())).matrix();
            break;
    }
}

// d (dy on input, dx on output, in place): multiplies by f'(x) evaluated from y = f(x).
template <typename Y, typename D>
void activation_backward(Activation a, const Eigen::MatrixBase<Y>& y,
                         const Eigen::MatrixBase<D>& d_inout) {
    using S = typename Y::Scalar;
    auto& d = const_cast<Eigen::MatrixBase<D>&>(d_inout);
    switch (a) {
        case Activation::Relu:
            d.derived() = (y.array() > S(0)).select(d.array(), S(0)).matrix();
            break;
        case Activation::Tanh:
            d.derived().array() *= S(1) - y.array().square();
            break;
        case Activation::Sigmoid:
            d.derived().array() *= y.array() * (S(1) - y.array());
            break;
    }
}

}  // namespace serialq::agent
