#include "serialq/agent/nn/mlp.hpp"

#include <cmath>

namespace serialq::agent {

template <typename S>
Mlp<S>::Mlp(ParameterSet<S>& params, Index in, const std::vector<int>& hidden, Index out,
            Activation activation)
    : activation_(activation) {
    Index prev = in;
    for (int h : hidden) {
        layers_.emplace_back(params, prev, h);
        prev = h;
    }
    layers_.emplace_back(params, prev, out);
    acts_.resize(layers_.size());
    deltas_.resize(layers_.size());
}

template <typename S>
void Mlp<S>::init(std::mt19937_64& rng, double output_gain) {
    const double hidden_gain = activation_ == Activation::Relu ? std::sqrt(2.0) : 1.0;
    for (std::size_t k = 0; k + 1 < layers_.size(); ++k) layers_[k].init(rng, hidden_gain);
    layers_.back().init(rng, output_gain);
}

template <typename S>
void Mlp<S>::resize(Index columns) {
    for (std::size_t k = 0; k < layers_.size(); ++k) {
        acts_[k].resize(layers_[k].out_size(), columns);
        deltas_[k].resize(layers_[k].out_size(), columns);
    }
}

template <typename S>
void Mlp<S>::forward(const ConstMatRef<S>& x, Index first, Index n) {
    for (std::size_t k = 0; k < layers_.size(); ++k) {
        auto y = acts_[k].middleCols(first, n);
        if (k == 0)
            layers_[k].forward(x, y);
        else
            layers_[k].forward(acts_[k - 1].middleCols(first, n), y);
        if (k + 1 < layers_.size()) activate(activation_, y, y);
    }
}

template <typename S>
void Mlp<S>::backward(const ConstMatRef<S>& x, const ConstMatRef<S>& dy, Mat<S>* dx) {
    deltas_.back() = dy;
    for (std::size_t k = layers_.size() - 1; k > 0; --k) {
        layers_[k].backward(acts_[k - 1], deltas_[k], &deltas_[k - 1]);
        activation_backward(activation_, acts_[k - 1], deltas_[k - 1]);
    }
    layers_[0].backward(x, deltas_[0], dx);
}

template class Mlp<float>;
template class Mlp<double>;

}  // namespace serialq::agent
