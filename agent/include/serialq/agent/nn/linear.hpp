#pragma once
// A fully connected layer y = W x + b over a batch of columns.
#include "serialq/agent/nn/parameters.hpp"

#include <random>

namespace serialq::agent {

template <typename S>
class Linear {
public:
    // W: (out x in), b: (out x 1), both reserved in `params`.
    Linear(ParameterSet<S>& params, Index in, Index out);

    Index in_size() const { return in_; }
    Index out_size() const { return out_; }

    // W ~ U(-bound, bound) with bound = gain * sqrt(3 / in) (variance gain^2 / in), b = 0.
    void init(std::mt19937_64& rng, double gain);

    // x: (in x N) -> y: (out x N); y must already have that shape.
    void forward(const ConstMatRef<S>& x, MatRef<S> y) const;

    // Given the input x (in x N) of the forward pass and dy (out x N): accumulates dW += dy x^T
    // and db += dy 1, and if dx is non-null writes dx = W^T dy (in x N).
    void backward(const ConstMatRef<S>& x, const ConstMatRef<S>& dy, Mat<S>* dx);

private:
    ParameterSet<S>* params_;
    Index in_, out_;
    typename ParameterSet<S>::Slot w_, b_;
};

}  // namespace serialq::agent
