// The composed policy and value networks (ReLeQ §3.4 and the MLP variant): gradient checks of
// the whole network, the sizes of ReLeQ's layers, and step-by-step rollouts equal to batches.
#include "gradient_check.hpp"

#include "serialq/agent/actor_critic.hpp"
#include "serialq/agent/nn/random.hpp"

#include <catch2/catch.hpp>

using namespace serialq::agent;

namespace {

Mat<double> random_matrix(Index rows, Index cols, std::mt19937_64& rng) {
    Mat<double> m(rows, cols);
    for (Index j = 0; j < cols; ++j)
        for (Index i = 0; i < rows; ++i) m(i, j) = uniform(rng, -1, 1);
    return m;
}

void check_network_gradient(const std::string& kind, Activation act) {
    std::mt19937_64 rng(7);
    NetworkParams p;
    p.kind = kind;
    p.trunk_size = 6;
    p.policy_hidden = {5, 4};
    p.value_hidden = {5, 3};
    p.activation = act;
    p.policy_output_gain = 1.0;
    const Index D = 4, A = 3, T = 3, B = 2;
    auto net = make_actor_critic<double>(p, D, A, rng);
    CHECK(net->kind() == kind);
    // Biases away from zero so that no ReLU sits exactly at its kink.
    net->parameters().values() += 0.05 * Vec<double>::Ones(net->parameters().size());
    net->resize(T, B);
    Mat<double> x = random_matrix(D, T * B, rng);
    const Mat<double> rl =
        random_matrix(A, T * B, rng);  // L = sum(rl .* logits) + sum(rv .* values)
    const Mat<double> rv = random_matrix(1, T * B, rng);
    auto loss = [&] {
        net->forward(x);
        return (rl.array() * net->logits().array()).sum() +
               (rv.array() * net->values().array()).sum();
    };
    loss();
    net->parameters().zero_grads();
    net->backward(x, rl, rv);
    const auto r =
        serialq::test::check_gradient(net->parameters().values(), net->parameters().grads(), loss);
    INFO(kind << "/" << to_string(act) << ": worst at " << r.worst_index << ", analytic "
              << r.worst_analytic << ", numeric " << r.worst_numeric);
    CHECK(r.checked == net->parameters().size());
    CHECK(r.worst_relative_error < 1e-5);
}

}  // namespace

TEST_CASE("actor-critic (LSTM trunk): gradients match finite differences", "[agent][network]") {
    check_network_gradient("lstm", Activation::Relu);
    check_network_gradient("lstm", Activation::Tanh);
}

TEST_CASE("actor-critic (MLP trunk): gradients match finite differences", "[agent][network]") {
    check_network_gradient("mlp", Activation::Relu);
    check_network_gradient("mlp", Activation::Tanh);
}

TEST_CASE("actor-critic: ReLeQ's layer sizes", "[agent][network]") {
    std::mt19937_64 rng(1);
    const NetworkParams p;  // LSTM 128; policy 128, 128; value 128, 64
    const Index D = 11, A = 7, H = 128;
    auto net = make_actor_critic<float>(p, D, A, rng);
    const Index lstm = 4 * H * (D + H + 1);
    const Index policy = (H * 128 + 128) + (128 * 128 + 128) + (128 * A + A);
    const Index value = (H * 128 + 128) + (128 * 64 + 64) + (64 * 1 + 1);
    CHECK(net->parameters().size() == lstm + policy + value);
    CHECK(net->action_count() == A);

    NetworkParams m = p;
    m.kind = "mlp";
    auto mlp = make_actor_critic<float>(m, D, A, rng);
    CHECK(mlp->parameters().size() == (D * H + H) + policy + value);

    NetworkParams bad = p;
    bad.kind = "gru";
    CHECK_THROWS_WITH(make_actor_critic<float>(bad, D, A, rng),
                      Catch::Contains("network.kind: found 'gru', expected one of lstm, mlp"));
}

TEST_CASE("actor-critic: a rollout step by step equals the batched forward pass",
          "[agent][network]") {
    for (const char* kind : {"lstm", "mlp"}) {
        std::mt19937_64 rng(3);
        NetworkParams p;
        p.kind = kind;
        p.trunk_size = 16;
        p.policy_hidden = {8};
        p.value_hidden = {8};
        const Index D = 5, A = 4, T = 4, B = 3;
        auto net = make_actor_critic<double>(p, D, A, rng);
        const Mat<double> x = random_matrix(D, T * B, rng);
        net->resize(T, B);
        net->forward(x);
        const Mat<double> logits = net->logits(), values = net->values();
        // The first policy is close to uniform (small output gain).
        CHECK(logits.cwiseAbs().maxCoeff() < 0.2);
        for (Index e = 0; e < B; ++e) {
            net->resize(T, 1);
            for (Index t = 0; t < T; ++t) {
                net->forward_step(t, x.col(t * B + e));
                INFO(kind << " step " << t << " sequence " << e);
                CHECK((net->logits().col(t) - logits.col(t * B + e)).cwiseAbs().maxCoeff() < 1e-12);
                CHECK(std::abs(net->values()(0, t) - values(0, t * B + e)) < 1e-12);
            }
        }
    }
}
