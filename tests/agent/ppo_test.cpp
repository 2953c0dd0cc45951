// PPO: generalised advantage estimation by hand, the clipped surrogate's gradient, and an
// update that makes an advantaged action more likely.
#include "gradient_check.hpp"

#include "serialq/agent/actor_critic.hpp"
#include "serialq/agent/ppo.hpp"
#include "serialq/agent/rollout_buffer.hpp"

#include <catch2/catch.hpp>

#include <cmath>

using namespace serialq::agent;

TEST_CASE("GAE: advantages and returns of a hand-computed episode", "[agent][ppo]") {
    // 3 steps, rewards 0, 0, 1; values 0.5, 0.2, 0.8; gamma 0.9, lambda 0.8 (gamma lambda 0.72):
    //   delta_2 = 1 + 0 - 0.8            =  0.2     A_2 = 0.2
    //   delta_1 = 0 + 0.9 * 0.8 - 0.2    =  0.52    A_1 = 0.52 + 0.72 * 0.2   = 0.664
    //   delta_0 = 0 + 0.9 * 0.2 - 0.5    = -0.32    A_0 = -0.32 + 0.72 * 0.664 = 0.15808
    //   returns = A + V = 0.65808, 0.864, 1.0
    // A second episode in the same buffer (rewards 1, 0, 0, values 0) must not leak into the
    // first: delta = 1, 0, 0, A = 1, 0, 0.
    RolloutBuffer<double> buf;
    buf.reset(3, 2, 1);
    const double v[3] = {0.5, 0.2, 0.8}, r[3] = {0, 0, 1};
    for (Index t = 0; t < 3; ++t) buf.record(t, 0, 0.0, v[t], r[t]);
    buf.finish_episode();
    for (Index t = 0; t < 3; ++t) buf.record(t, 0, 0.0, 0.0, t == 0 ? 1.0 : 0.0);
    buf.finish_episode();
    buf.compute_advantages(0.9, 0.8);
    const auto& A = buf.advantages();
    const auto& R = buf.returns();
    CHECK(A[buf.column(2, 0)] == Approx(0.2));
    CHECK(A[buf.column(1, 0)] == Approx(0.664));
    CHECK(A[buf.column(0, 0)] == Approx(0.15808));
    CHECK(R[buf.column(0, 0)] == Approx(0.65808));
    CHECK(R[buf.column(1, 0)] == Approx(0.864));
    CHECK(R[buf.column(2, 0)] == Approx(1.0));
    CHECK(A[buf.column(0, 1)] == Approx(1.0));
    CHECK(A[buf.column(1, 1)] == Approx(0.0).margin(1e-15));
    CHECK(A[buf.column(2, 1)] == Approx(0.0).margin(1e-15));

    // lambda = 1, gamma = 1: A_t = sum of future rewards - V_t (Monte Carlo).
    buf.compute_advantages(1.0, 1.0);
    CHECK(A[buf.column(0, 0)] == Approx(1.0 - 0.5));
    CHECK(A[buf.column(1, 0)] == Approx(1.0 - 0.2));
}

namespace {

// A single-step buffer: one column per sample, with the given actions, old log-probabilities
// and returns.
RolloutBuffer<double> samples(const std::vector<int>& actions, const std::vector<double>& old_logp,
                              const std::vector<double>& returns) {
    RolloutBuffer<double> b;
    b.reset(1, static_cast<Index>(actions.size()), 1);
    for (std::size_t e = 0; e < actions.size(); ++e) {
        b.record(0, actions[e], old_logp[e], 0.0, returns[e]);
        b.finish_episode();
    }
    b.compute_advantages(1.0, 1.0);  // return = reward (one step, value 0)
    return b;
}

}  // namespace

TEST_CASE("PPO loss: the clipped surrogate stops pushing once the ratio leaves the clip range",
          "[agent][ppo]") {
    PpoParams p;
    p.clip = 0.1;
    p.entropy_coef = 0;
    p.value_coef = 0;
    Categorical<double> dist;
    Mat<double> dlogits, dvalues;
    // Two actions, current policy (0.5, 0.5) in every column.
    Mat<double> logits = Mat<double>::Zero(2, 4);
    Mat<double> values = Mat<double>::Zero(1, 4);
    const double lp = std::log(0.5);
    // Old probabilities of the taken action: ratios r = 0.5 / p_old.
    //   col 0: p_old 0.5    r = 1      A = +1  inside:        gradient
    //   col 1: p_old 1/3    r = 1.5    A = +1  clipped above: no gradient
    //   col 2: p_old 1/3    r = 1.5    A = -1  min picks r A: gradient
    //   col 3: p_old 0.625  r = 0.8    A = -1  clipped below: no gradient
    const auto buf = samples(
        {0, 0, 1, 1}, {lp, std::log(1.0 / 3), std::log(1.0 / 3), std::log(0.625)}, {1, 1, -1, -1});
    const RowVec<double> adv = buf.advantages();
    const PpoLoss l = ppo_loss(logits, values, buf, adv, p, dist, dlogits, dvalues);
    // Surrogate: mean of min(r A, clip(r) A) = (1 + 1.1 - 1.5 - 0.9) / 4 = -0.075
    CHECK(l.surrogate == Approx(-0.075));
    CHECK(l.clip_fraction == Approx(0.75));  // columns 1, 2, 3
    CHECK(l.total == Approx(0.075));
    // d(-r A / N)/dz = -(r A / N) (onehot(a) - p)
    CHECK(dlogits(0, 0) == Approx(-0.25 * 0.5));
    CHECK(dlogits(1, 0) == Approx(0.25 * 0.5));
    CHECK(dlogits.col(1).cwiseAbs().maxCoeff() == 0.0);
    CHECK(dlogits(1, 2) == Approx(-(1.5 * -1.0 / 4) * 0.5));
    CHECK(dlogits.col(3).cwiseAbs().maxCoeff() == 0.0);
}

TEST_CASE("PPO loss: gradient through the actor-critic matches finite differences",
          "[agent][ppo]") {
    std::mt19937_64 rng(11);
    NetworkParams np;
    np.trunk_size = 5;
    np.policy_hidden = {4};
    np.value_hidden = {3};
    np.activation = Activation::Tanh;
    np.policy_output_gain = 1.0;
    const Index D = 3, A = 3, T = 2, E = 3;
    auto net = make_actor_critic<double>(np, D, A, rng);
    RolloutBuffer<double> buf;
    buf.reset(T, E, D);
    for (Index e = 0; e < E; ++e) {
        for (Index t = 0; t < T; ++t) {
            for (Index k = 0; k < D; ++k) buf.state(t)(k) = std::sin(double(1 + k + 3 * t + 7 * e));
            // Old log-probabilities near the current ones so every ratio stays inside the clip
            // range (the loss is smooth there).
            buf.record(t, static_cast<int>((t + e) % A), std::log(1.0 / 3), 0.1 * double(e),
                       t == T - 1 ? 1.0 - double(e) : 0.0);
        }
        buf.finish_episode();
    }
    buf.compute_advantages(1.0, 0.95);
    PpoParams p;
    p.clip = 0.9;
    p.entropy_coef = 0.05;
    Categorical<double> dist;
    Mat<double> dl, dv;
    const RowVec<double> adv = buf.advantages();
    net->resize(T, E);
    auto loss = [&] {
        net->forward(buf.states());
        return ppo_loss(net->logits(), net->values(), buf, adv, p, dist, dl, dv).total;
    };
    loss();
    net->parameters().zero_grads();
    net->backward(buf.states(), dl, dv);
    const auto r =
        serialq::test::check_gradient(net->parameters().values(), net->parameters().grads(), loss);
    INFO("worst at " << r.worst_index << ": " << r.worst_analytic << " vs " << r.worst_numeric);
    CHECK(r.worst_relative_error < 1e-5);
}

namespace {

// p(action) of a one-step policy in state `s`.
double probability(ActorCritic<double>& net, const Mat<double>& s, int action) {
    net.resize(1, 1);
    net.forward(s);
    Categorical<double> d;
    d.set_logits(net.logits());
    return d.probs()(action, 0);
}

// Trains on episodes where action 0 earns 1 and action 1 earns 0 from the same state; returns
// p(action 0) before and after one update, and the update's statistics.
struct Trial {
    double before = 0, after = 0;
    double ratio() const { return after / before; }
};

Trial one_update(double clip, int epochs, double lr) {
    std::mt19937_64 rng(21);
    NetworkParams np;
    np.kind = "mlp";
    np.trunk_size = 8;
    np.policy_hidden = {8};
    np.value_hidden = {8};
    auto net = make_actor_critic<double>(np, 2, 2, rng);
    Mat<double> s(2, 1);
    s << 0.3, -0.7;
    Trial tr;
    tr.before = probability(*net, s, 0);
    PpoParams p;
    p.clip = clip;
    p.epochs = epochs;
    p.adam.learning_rate = lr;
    p.episodes_per_update = 8;
    p.max_grad_norm = 0;
    p.entropy_coef = 0;
    PpoTrainer<double> trainer(*net, p);
    RolloutBuffer<double> buf;
    buf.reset(1, 8, 2);
    net->resize(1, 1);
    net->forward(s);
    Categorical<double> d;
    d.set_logits(net->logits());
    for (int e = 0; e < 8; ++e) {
        const int a = e % 2;
        buf.state(0) = s.col(0);
        buf.record(0, a, d.log_prob(0, a), net->values()(0, 0), a == 0 ? 1.0 : 0.0);
        buf.finish_episode();
    }
    trainer.update(buf);
    tr.after = probability(*net, s, 0);
    return tr;
}

}  // namespace

TEST_CASE("PPO update: an advantaged action becomes more likely", "[agent][ppo]") {
    const Trial t = one_update(0.1, 3, 1e-3);  // ReLeQ's clip and epochs
    INFO("p(a0) " << t.before << " -> " << t.after);
    CHECK(t.before == Approx(0.5).margin(0.05));  // small output gain: nearly uniform start
    CHECK(t.after > t.before);
}

TEST_CASE("PPO update: clipping bounds how far one update moves the policy", "[agent][ppo]") {
    // Many epochs over one batch with a large step. Without clipping (clip 0.99: the ratio is
    // free up to 1.99) the advantaged action's probability ratio keeps growing with the
    // epochs; with clip 0.1 the surrogate's gradient vanishes once the ratios leave
    // [0.9, 1.1], so the ratio levels off just past 1.1 (Adam's momentum carries it a little
    // further after the gradient is gone).
    const double clipped_40 = one_update(0.1, 40, 3e-3).ratio();
    const double clipped_120 = one_update(0.1, 120, 3e-3).ratio();
    const double loose_40 = one_update(0.99, 40, 3e-3).ratio();
    const double loose_120 = one_update(0.99, 120, 3e-3).ratio();
    INFO("ratio after 40 / 120 epochs: clip 0.1 "
         << clipped_40 << " / " << clipped_120 << ", clip 0.99 " << loose_40 << " / " << loose_120);
    CHECK(clipped_40 > 1.1);
    CHECK(clipped_120 < 1.3);
    CHECK(std::abs(clipped_120 - clipped_40) < 0.05);  // levelled off
    CHECK(loose_120 > loose_40 + 0.1);  // still climbing
    CHECK(loose_120 > clipped_120 + 0.3);
}

TEST_CASE("PPO defaults are ReLeQ's table 3 and bad values are named", "[agent][ppo]") {
    const PpoParams p;
    CHECK(p.adam.learning_rate == 1e-4);
    CHECK(p.gae_lambda == 0.99);
    CHECK(p.epochs == 3);
    CHECK(p.clip == 0.1);
    PpoParams bad;
    bad.clip = 0;
    CHECK_THROWS_WITH(bad.check(), Catch::Contains("ppo.clip: found 0, expected"));
    bad = PpoParams{};
    bad.epochs = 0;
    CHECK_THROWS_WITH(bad.check(), Catch::Contains("ppo.epochs: found 0"));
}
