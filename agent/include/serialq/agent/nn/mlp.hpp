#pragma once
// A stack of fully connected layers: hidden layers with an activation, a linear output layer.
// The policy head (128, 128 -> bitwidth logits) and the value head (128, 64 -> 1) are Mlps.
#include "serialq/agent/nn/activation.hpp"
#include "serialq/agent/nn/linear.hpp"

#include <vector>

namespace serialq::agent {

template <typename S>
class Mlp {
public:
    // in -> hidden[0] -> ... -> hidden[k-1] -> out; `activation` after every hidden layer.
    Mlp(ParameterSet<S>& params, Index in, const std::vector<int>& hidden, Index out,
        Activation activation);

    // Hidden layers He/Xavier-like (gain sqrt(2) for ReLU, 1 for tanh); the output layer with
    // `output_gain` (small for the policy, so the first policy is close to uniform).
    void init(std::mt19937_64& rng, double output_gain);

    // Sizes the activation buffers for N columns (allocates only when N changes).
    void resize(Index columns);

    // Columns [first, first + n) of the input x (in x n) -> output().middleCols(first, n).
    void forward(const ConstMatRef<S>& x, Index first, Index n);
    const Mat<S>& output() const { return acts_.back(); }  // (out x N)

    // Full-batch backward after forward over all N columns. x: the input (in x N), dy: dL/dout
    // (out x N). Accumulates parameter gradients; writes dL/dx to dx if non-null.
    void backward(const ConstMatRef<S>& x, const ConstMatRef<S>& dy, Mat<S>* dx);

private:
    Activation activation_;
    std::vector<Linear<S>> layers_;
    std::vector<Mat<S>> acts_;  // output of layer k, after its activation if hidden (out_k x N)
    std::vector<Mat<S>> deltas_;  // dL/d(pre-activation output of layer k)          (out_k x N)
};

}  // namespace serialq::agent
