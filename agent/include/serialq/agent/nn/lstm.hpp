#pragma once
// A single-layer LSTM run over the sequence of a network's layers, with backpropagation
// through time. The agent sees one layer per step; the LSTM carries what it saw of the
// earlier layers (their sizes, the bits it gave them) into the decision for the next.
//
// Gates, for B sequences at step t (x_t: I x B, h_{t-1}, c_{t-1}: H x B):
//   [i; f; g; o] = [sigm; sigm; tanh; sigm](W x_t + U h_{t-1} + b)      (4H x B)
//   c_t = f .* c_{t-1} + i .* g,   h_t = o .* tanh(c_t),   h_0 = c_0 = 0
#include "serialq/agent/nn/parameters.hpp"

#include <random>

namespace serialq::agent {

template <typename S>
class Lstm {
public:
    // W: (4H x I), U: (4H x H), b: (4H x 1), gate blocks of H rows in the order i, f, g, o.
    Lstm(ParameterSet<S>& params, Index input, Index hidden);

    Index input_size() const { return in_; }
    Index hidden_size() const { return hid_; }

    // W, U ~ U(-1/sqrt(H), 1/sqrt(H)); b = 0 except the forget gate's, 1 (remember by default).
    void init(std::mt19937_64& rng);

    // Sizes the caches for B sequences of T steps. Allocates only when the shape changes, so
    // the per-step loop that follows allocates nothing.
    void resize(Index steps, Index batch);
    Index steps() const { return steps_; }
    Index batch() const { return batch_; }

    // Step t (0-based, in order) for all B sequences; x_t: (I x B). Used by rollouts, where
    // the input of step t depends on the action of step t-1.
    void forward_step(Index t, const ConstMatRef<S>& x_t);
    // All T steps; x: (I x T*B). The input products W x of all steps are one matrix product.
    void forward(const ConstMatRef<S>& x);

    // h_t of step t (0-based): (H x B).
    auto output(Index t) const { return h_.middleCols((t + 1) * batch_, batch_); }
    // h_1..h_T: (H x T*B), time-major like the input.
    auto outputs() const { return h_.rightCols(steps_ * batch_); }

    // BPTT. x: the forward input (I x T*B); dh: dL/dh_t from above (H x T*B). Accumulates dW,
    // dU, db; if dx is non-null writes dL/dx (I x T*B).
    void backward(const ConstMatRef<S>& x, const ConstMatRef<S>& dh, Mat<S>* dx);

private:
    // Step t, with gates(:, step t) already holding W x_t.
    void recur(Index t);

    ParameterSet<S>* params_;
    Index in_, hid_;
    typename ParameterSet<S>::Slot w_, u_, b_;

    Index steps_ = 0, batch_ = 0;
    Mat<S> gates_;  // activated gates [i; f; g; o]   (4H x T*B)
    Mat<S> h_;  // h_0..h_T                        (H x (T+1)*B)
    Mat<S> c_;  // c_0..c_T                        (H x (T+1)*B)
    Mat<S> tanh_c_;  // tanh(c_1..c_T)                  (H x T*B)
    // Backward buffers.
    Mat<S> dgates_;  // dL/d(pre-activation gates)      (4H x T*B)
    Mat<S> dh_next_, dc_next_, dh_t_, dc_t_;  //        (H x B)
};

}  // namespace serialq::agent
