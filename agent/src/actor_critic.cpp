// The two actor-critic networks (LSTM and MLP first layer) and the factory that picks one.
#include "serialq/agent/actor_critic.hpp"

#include "serialq/agent/nn/lstm.hpp"
#include "serialq/agent/nn/mlp.hpp"
#include "serialq/common/error.hpp"

#include <cmath>

namespace serialq::agent {

const ConfigFields<NetworkParams>& network_fields() {
    using N = NetworkParams;
    static const ConfigFields<NetworkParams> f{
        choice({"kind", "the shared first hidden layer"}, &N::kind, {"lstm", "mlp"}),
        integer({"trunk_size", "its width"}, &N::trunk_size, 1, 4096),
        integer_list({"policy_hidden", "policy layers before the softmax"}, &N::policy_hidden, 1,
                     4096),
        integer_list({"value_hidden", "value layers before the output"}, &N::value_hidden, 1, 4096),
        choice({"activation", "of the fully connected hidden layers"}, &N::activation,
               kActivationNames, {"relu", "tanh"}),
        number({"policy_output_gain", "initial scale of the policy's last layer"},
               &N::policy_output_gain, open_closed(0, 10)),
    };
    return f;
}

void NetworkParams::check() const { check_fields(network_fields(), *this, "network."); }

namespace {

// ReLeQ's networks: LSTM(128) shared, policy FC 128-128-A, value FC 128-64-1.
template <typename S>
class LstmActorCritic final : public ActorCritic<S> {
public:
    LstmActorCritic(const NetworkParams& p, Index state_size, Index actions, std::mt19937_64& rng)
        : state_size_(state_size),
          actions_(actions),
          lstm_(params_, state_size, p.trunk_size),
          policy_(params_, p.trunk_size, p.policy_hidden, actions, p.activation),
          value_(params_, p.trunk_size, p.value_hidden, 1, p.activation) {
        params_.finalize();
        lstm_.init(rng);
        policy_.init(rng, p.policy_output_gain);
        value_.init(rng, 1.0);
    }

    std::string kind() const override { return "lstm"; }
    Index state_size() const override { return state_size_; }
    Index action_count() const override { return actions_; }
    ParameterSet<S>& parameters() override { return params_; }
    Index steps() const override { return lstm_.steps(); }
    Index batch() const override { return lstm_.batch(); }

    void resize(Index steps, Index batch) override {
        lstm_.resize(steps, batch);
        policy_.resize(steps * batch);
        value_.resize(steps * batch);
        dh_.resize(lstm_.hidden_size(), steps * batch);
        dh_value_.resize(lstm_.hidden_size(), steps * batch);
    }

    void forward_step(Index t, const ConstMatRef<S>& states, bool with_values) override {
        const Index B = lstm_.batch();
        lstm_.forward_step(t, states);
        const auto h = lstm_.output(t);
        policy_.forward(h, t * B, B);
        if (with_values) value_.forward(h, t * B, B);
    }

    void forward(const ConstMatRef<S>& states) override {
        lstm_.forward(states);
        const Index n = lstm_.steps() * lstm_.batch();
        policy_.forward(lstm_.outputs(), 0, n);
        value_.forward(lstm_.outputs(), 0, n);
    }

    const Mat<S>& logits() const override { return policy_.output(); }
    const Mat<S>& values() const override { return value_.output(); }

    void backward(const ConstMatRef<S>& states, const ConstMatRef<S>& dlogits,
                  const ConstMatRef<S>& dvalues) override {
        policy_.backward(lstm_.outputs(), dlogits, &dh_);
        value_.backward(lstm_.outputs(), dvalues, &dh_value_);
        dh_ += dh_value_;
        lstm_.backward(states, dh_, nullptr);
    }

private:
    Index state_size_, actions_;
    ParameterSet<S> params_;
    Lstm<S> lstm_;
    Mlp<S> policy_, value_;
    Mat<S> dh_, dh_value_;  // dL/dh from the two heads (H x T*B)
};

// The comparison variant: a fully connected first layer of the same width, no recurrence.
template <typename S>
class MlpActorCritic final : public ActorCritic<S> {
public:
    MlpActorCritic(const NetworkParams& p, Index state_size, Index actions, std::mt19937_64& rng)
        : state_size_(state_size),
          actions_(actions),
          activation_(p.activation),
          trunk_(params_, state_size, p.trunk_size),
          policy_(params_, p.trunk_size, p.policy_hidden, actions, p.activation),
          value_(params_, p.trunk_size, p.value_hidden, 1, p.activation) {
        params_.finalize();
        trunk_.init(rng, activation_ == Activation::Relu ? std::sqrt(2.0) : 1.0);
        policy_.init(rng, p.policy_output_gain);
        value_.init(rng, 1.0);
    }

    std::string kind() const override { return "mlp"; }
    Index state_size() const override { return state_size_; }
    Index action_count() const override { return actions_; }
    ParameterSet<S>& parameters() override { return params_; }
    Index steps() const override { return steps_; }
    Index batch() const override { return batch_; }

    void resize(Index steps, Index batch) override {
        steps_ = steps;
        batch_ = batch;
        trunk_out_.resize(trunk_.out_size(), steps * batch);
        policy_.resize(steps * batch);
        value_.resize(steps * batch);
        dh_.resize(trunk_.out_size(), steps * batch);
        dh_value_.resize(trunk_.out_size(), steps * batch);
    }

    void forward_step(Index t, const ConstMatRef<S>& states, bool with_values) override {
        auto h = trunk_out_.middleCols(t * batch_, batch_);
        trunk_.forward(states, h);
        activate(activation_, h, h);
        policy_.forward(h, t * batch_, batch_);
        if (with_values) value_.forward(h, t * batch_, batch_);
    }

    void forward(const ConstMatRef<S>& states) override {
        trunk_.forward(states, trunk_out_);
        activate(activation_, trunk_out_, trunk_out_);
        policy_.forward(trunk_out_, 0, steps_ * batch_);
        value_.forward(trunk_out_, 0, steps_ * batch_);
    }

    const Mat<S>& logits() const override { return policy_.output(); }
    const Mat<S>& values() const override { return value_.output(); }

    void backward(const ConstMatRef<S>& states, const ConstMatRef<S>& dlogits,
                  const ConstMatRef<S>& dvalues) override {
        policy_.backward(trunk_out_, dlogits, &dh_);
        value_.backward(trunk_out_, dvalues, &dh_value_);
        dh_ += dh_value_;
        activation_backward(activation_, trunk_out_, dh_);
        trunk_.backward(states, dh_, nullptr);
    }

private:
    Index state_size_, actions_;
    Activation activation_;
    Index steps_ = 0, batch_ = 0;
    ParameterSet<S> params_;
    Linear<S> trunk_;
    Mlp<S> policy_, value_;
    Mat<S> trunk_out_;  // (H x T*B)
    Mat<S> dh_, dh_value_;  // (H x T*B)
};

}  // namespace

template <typename S>
std::unique_ptr<ActorCritic<S>> make_actor_critic(const NetworkParams& params, Index state_size,
                                                  Index actions, std::mt19937_64& rng) {
    params.check();
    if (params.kind == "mlp")
        return std::make_unique<MlpActorCritic<S>>(params, state_size, actions, rng);
    return std::make_unique<LstmActorCritic<S>>(params, state_size, actions, rng);
}

template std::unique_ptr<ActorCritic<float>> make_actor_critic<float>(const NetworkParams&, Index,
                                                                      Index, std::mt19937_64&);
template std::unique_ptr<ActorCritic<double>> make_actor_critic<double>(const NetworkParams&, Index,
                                                                        Index, std::mt19937_64&);

}  // namespace serialq::agent
