#pragma once
// The agent's policy and value networks, as ReLeQ (Elthakeb et al., IEEE Micro 2020, §3.4)
// builds them: the state vector feeds a first hidden layer shared by both networks, an LSTM of
// 128 cells that runs over the network's layers, one layer per step; the policy continues with
// two fully connected layers of 128 and a softmax over the available bitwidths, the value
// with fully connected layers of 128 and 64 and one output. The "mlp" variant replaces the
// LSTM with a fully connected layer of the same width (no memory of earlier layers), for
// comparison.
#include "serialq/agent/nn/activation.hpp"
#include "serialq/agent/nn/parameters.hpp"
#include "serialq/common/config_fields.hpp"

#include <memory>
#include <random>
#include <string>
#include <vector>

namespace serialq::agent {

struct NetworkParams {
    std::string kind = "lstm";  // lstm | mlp (first hidden layer)
    int trunk_size = 128;  // LSTM cells (or mlp width) shared by both heads
    std::vector<int> policy_hidden{128, 128};  // policy FC layers, then softmax over bitwidths
    std::vector<int> value_hidden{128, 64};  // value FC layers, then one output
    Activation activation = Activation::Relu;  // of the FC layers (relu | tanh)
    double policy_output_gain = 0.01;  // small: the first policy is nearly uniform
    void check() const;  // throws ConfigError naming the field
};
// Each field's key (in a search config's network block), range and help.
const ConfigFields<NetworkParams>& network_fields();

// B sequences of T steps, column t*B + e (see nn/tensor.hpp).
template <typename S>
class ActorCritic {
public:
    virtual ~ActorCritic() = default;
    ActorCritic() = default;
    ActorCritic(const ActorCritic&) = delete;
    ActorCritic& operator=(const ActorCritic&) = delete;

    virtual std::string kind() const = 0;
    virtual Index state_size() const = 0;
    virtual Index action_count() const = 0;
    virtual ParameterSet<S>& parameters() = 0;

    // Sizes every buffer for B sequences of T steps; allocates only when the shape changes.
    virtual void resize(Index steps, Index batch) = 0;
    // Step t of all B sequences, in order; states: (D x B). Fills the step's columns of
    // logits() and, if `with_values`, of values(). A rollout calls this once per layer with
    // B = 1 (and no values: PPO computes them at the start of its update).
    virtual void forward_step(Index t, const ConstMatRef<S>& states, bool with_values = true) = 0;
    // All T steps; states: (D x T*B). Same result as forward_step over the steps, with the
    // fully connected layers as one matrix product over all T*B columns.
    virtual void forward(const ConstMatRef<S>& states) = 0;
    virtual const Mat<S>& logits() const = 0;  // (A x T*B)
    virtual const Mat<S>& values() const = 0;  // (1 x T*B)

    // After forward() over all steps: accumulates into parameters().grads() the gradient of a
    // loss whose derivatives are dlogits (A x T*B) and dvalues (1 x T*B).
    virtual void backward(const ConstMatRef<S>& states, const ConstMatRef<S>& dlogits,
                          const ConstMatRef<S>& dvalues) = 0;

    virtual Index steps() const = 0;
    virtual Index batch() const = 0;
};

// Builds the network of `params.kind` for `state_size` inputs and `actions` bitwidths, its
// weights drawn from `rng`.
template <typename S>
std::unique_ptr<ActorCritic<S>> make_actor_critic(const NetworkParams& params, Index state_size,
                                                  Index actions, std::mt19937_64& rng);

}  // namespace serialq::agent
