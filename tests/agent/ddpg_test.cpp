// DDPG: the backward passes against finite differences, the exploration noise, the replay ring,
// one update against a hand computation, checkpoints that resume exactly, and a contextual
// bandit the agent must learn.
#include "gradient_check.hpp"

#include "serialq/agent/ddpg.hpp"
#include "serialq/agent/nn/random.hpp"
#include "serialq/common/error.hpp"

#include <catch2/catch.hpp>

#include <cmath>
#include <cstring>
#include <limits>
#include <numbers>
#include <random>
#include <set>

using namespace serialq::agent;
using serialq::test::check_gradient;

namespace {

Mat<double> random_matrix(Index rows, Index cols, std::mt19937_64& rng, double lo = -1.0,
                          double hi = 1.0) {
    Mat<double> m(rows, cols);
    for (Index j = 0; j < cols; ++j)
        for (Index i = 0; i < rows; ++i) m(i, j) = uniform(rng, lo, hi);
    return m;
}

Vec<double> flat(const Mat<double>& m) { return Eigen::Map<const Vec<double>>(m.data(), m.size()); }

// Small networks and buffers, so that a test runs in milliseconds.
DdpgParams small_params() {
    DdpgParams p;
    p.actor_hidden = {16, 12};
    p.critic_hidden = {16, 12};
    p.batch_size = 8;
    p.replay_per_layer = 16;
    return p;
}

// A transition with state features derived from k, so every one differs.
template <typename S>
void observe_nth(Ddpg<S>& agent, int k) {
    Vec<S> s(agent.state_size()), s2(agent.state_size());
    for (Index i = 0; i < s.size(); ++i) {
        s[i] = static_cast<S>(std::sin(0.37 * k + 1.1 * static_cast<double>(i)));
        s2[i] = static_cast<S>(std::cos(0.23 * k + 0.7 * static_cast<double>(i)));
    }
    agent.observe(s, static_cast<S>(0.5 + 0.4 * std::sin(1.3 * k)),
                  static_cast<S>(std::cos(0.9 * k)), s2, k % 5 == 4);
}

}  // namespace

TEST_CASE("DDPG defaults are HAQ's and bad values are named", "[agent][ddpg]") {
    const DdpgParams p;
    CHECK(p.actor_hidden == std::vector<int>{400, 300});
    CHECK(p.critic_hidden == std::vector<int>{400, 300});
    CHECK(p.actor_adam.learning_rate == 1e-4);
    CHECK(p.critic_adam.learning_rate == 1e-3);
    CHECK(p.tau == 0.01);
    CHECK(p.discount == 1.0);
    CHECK(p.batch_size == 64);
    CHECK(p.warmup_episodes == 20);
    CHECK(p.replay_capacity(10) == 1280);
    CHECK_NOTHROW(p.check());

    // The noise schedule: sigma 0.5 at the first episode after warm-up, x0.99 per episode.
    CHECK(p.warming_up(19));
    CHECK_FALSE(p.warming_up(20));
    CHECK(p.exploration_sigma(20) == Approx(0.5));
    CHECK(p.exploration_sigma(21) == Approx(0.495));
    CHECK(p.exploration_sigma(120) == Approx(0.5 * std::pow(0.99, 100)));

    DdpgParams bad;
    bad.tau = 0;
    CHECK_THROWS_WITH(bad.check(),
                      Catch::Contains("haq.tau: found 0, expected a number in (0, 1]"));
    bad = DdpgParams{};
    bad.critic_hidden = {400, 0};
    CHECK_THROWS_WITH(bad.check(), Catch::Contains("haq.critic_hidden: found '0' at position 1"));
    bad = DdpgParams{};
    bad.actor_hidden.clear();
    CHECK_THROWS_WITH(bad.check(), Catch::Contains("haq.actor_hidden: found an empty list"));
    bad = DdpgParams{};
    bad.actor_adam.learning_rate = 2;
    CHECK_THROWS_WITH(bad.check(), Catch::Contains("haq.actor_learning_rate: found 2"));
    bad = DdpgParams{};
    bad.noise_decay = 1.5;
    CHECK_THROWS_AS(bad.check(), serialq::ConfigError);
    CHECK_THROWS_WITH(bad.check(), Catch::Contains("haq.noise_decay"));
    bad = DdpgParams{};
    bad.batch_size = 0;
    std::mt19937_64 rng(1);
    CHECK_THROWS_WITH((Ddpg<float>(3, 2, bad, rng)), Catch::Contains("haq.batch_size: found 0"));
}

TEST_CASE("DDPG initialisation: small output layers, targets equal to the networks",
          "[agent][ddpg]") {
    DdpgParams p = small_params();  // last hidden width 12 in both networks
    std::mt19937_64 rng(21);
    Ddpg<double> agent(4, 2, p, rng);
    // The output layer is reserved last: W (1 x 12), then b (1).
    for (ParameterSet<double>* params :
         {&agent.actor().parameters(), &agent.critic().parameters()}) {
        const Vec<double> w = params->values().tail(13).head(12);
        CHECK(w.cwiseAbs().maxCoeff() <= p.output_init);
        CHECK(w.cwiseAbs().maxCoeff() > 0.2 * p.output_init);
        CHECK(params->values().tail(1)(0) == 0.0);
    }
    CHECK(agent.target_actor().parameters().values() == agent.actor().parameters().values());
    CHECK(agent.target_critic().parameters().values() == agent.critic().parameters().values());
    Vec<double> s = Vec<double>::Constant(4, 0.3);
    CHECK(agent.act(s) == Approx(0.5).margin(0.01));  // sigmoid of an output near 0
    CHECK(agent.replay().capacity() == 32);
    CHECK(agent.replay().size() == 0);
}

TEST_CASE("DDPG critic: parameter gradient of the squared error matches finite differences",
          "[agent][ddpg]") {
    std::mt19937_64 rng(31);
    const Index D = 3, B = 6;
    DdpgCritic<double> critic(D, {7, 5});
    critic.init(rng, 0.5);  // a larger output layer than the default, so every term matters
    critic.resize(B);
    Minibatch<double> batch;
    batch.resize(D, B);
    batch.states = random_matrix(D, B, rng);
    batch.actions = random_matrix(1, B, rng, 0.0, 1.0);
    const Mat<double> targets = random_matrix(1, B, rng);
    Mat<double> dq;
    auto loss = [&] { return critic_loss(critic, batch, targets, dq).loss; };

    // The loss against its definition.
    const CriticLoss l = critic_loss(critic, batch, targets, dq);
    double sum = 0, qsum = 0;
    for (Index b = 0; b < B; ++b) {
        const double e = critic.q()(0, b) - targets(0, b);
        sum += e * e;
        qsum += critic.q()(0, b);
    }
    CHECK(l.loss == Approx(sum / B).epsilon(1e-12));
    CHECK(l.mean_q == Approx(qsum / B).epsilon(1e-12));

    // critic_loss accumulates gradients on every call, the perturbed ones too: keep a copy.
    critic.parameters().zero_grads();
    loss();
    const Vec<double> grads = critic.parameters().grads();
    const auto r = check_gradient(critic.parameters().values(), grads, loss);
    INFO("worst at " << r.worst_index << ": " << r.worst_analytic << " vs " << r.worst_numeric);
    CHECK(r.checked == critic.parameters().size());
    CHECK(r.worst_relative_error < 1e-6);
}

TEST_CASE("DDPG critic: dQ/da from the input gradient matches finite differences",
          "[agent][ddpg]") {
    std::mt19937_64 rng(32);
    const Index D = 4, B = 5;
    DdpgCritic<double> critic(D, {8, 6});
    critic.init(rng, 0.5);
    critic.resize(B);
    const Mat<double> states = random_matrix(D, B, rng);
    Mat<double> actions = random_matrix(1, B, rng, 0.0, 1.0);
    const Mat<double> w = random_matrix(1, B, rng);  // L = sum_b w_b Q(s_b, a_b)
    auto loss = [&] {
        critic.forward(states, actions);
        return (w.array() * critic.q().array()).sum();
    };
    loss();
    Mat<double> da;
    critic.backward(w, &da);
    REQUIRE(da.rows() == 1);
    REQUIRE(da.cols() == B);
    CHECK(da.cwiseAbs().maxCoeff() > 1e-6);  // the check below is not 0 against 0
    Eigen::Map<Vec<double>> af(actions.data(), actions.size());
    const auto r = check_gradient(af, flat(da), loss);
    INFO("worst at " << r.worst_index << ": " << r.worst_analytic << " vs " << r.worst_numeric);
    CHECK(r.worst_relative_error < 1e-6);
}

TEST_CASE("DDPG actor: the policy gradient through the critic matches finite differences",
          "[agent][ddpg]") {
    std::mt19937_64 rng(33);
    const Index D = 3, B = 7;
    DdpgActor<double> actor(D, {6, 5});
    DdpgCritic<double> critic(D, {8, 6});
    actor.init(rng, 0.5);
    critic.init(rng, 0.5);
    actor.resize(B);
    critic.resize(B);
    const Mat<double> states = random_matrix(D, B, rng);
    Mat<double> dq, da;
    auto loss = [&] { return actor_loss(actor, critic, states, dq, da); };

    // The actor's actions lie in (0, 1), and the loss is -mean Q at them.
    const double l = loss();
    CHECK(actor.actions().minCoeff() > 0.0);
    CHECK(actor.actions().maxCoeff() < 1.0);
    critic.forward(states, actor.actions());
    CHECK(l == Approx(-critic.q().mean()).epsilon(1e-12));

    actor.parameters().zero_grads();
    loss();
    const Vec<double> grads = actor.parameters().grads();  // as above: loss() accumulates
    CHECK(grads.cwiseAbs().maxCoeff() > 1e-6);
    const auto r = check_gradient(actor.parameters().values(), grads, loss);
    INFO("worst at " << r.worst_index << ": " << r.worst_analytic << " vs " << r.worst_numeric);
    CHECK(r.checked == actor.parameters().size());
    CHECK(r.worst_relative_error < 1e-6);
}

TEST_CASE("truncated normal: stays in bounds, has the truncated distribution's mean",
          "[agent][ddpg]") {
    std::mt19937_64 rng(41);
    auto Phi = [](double x) { return 0.5 * std::erfc(-x / std::sqrt(2.0)); };
    auto phi = [](double x) { return std::exp(-0.5 * x * x) / std::sqrt(2 * std::numbers::pi); };
    // E[X] = mu + sigma (phi(alpha) - phi(beta)) / (Phi(beta) - Phi(alpha)),
    // alpha = (lo - mu) / sigma, beta = (hi - mu) / sigma.
    struct Case {
        double mu, sigma, lo, hi;
    };
    for (const Case c :
         {Case{0.2, 0.5, 0.0, 1.0}, Case{0.9, 0.3, 0.0, 1.0}, Case{0.5, 0.05, 0.0, 1.0},
          Case{0.0, 0.5, 0.0, 1.0}, Case{-1.0, 2.0, -50.0, 50.0}}) {
        const int n = 100000;
        double sum = 0, sq = 0, lo_seen = 1e9, hi_seen = -1e9;
        for (int k = 0; k < n; ++k) {
            const double x = sample_truncated_normal(c.mu, c.sigma, c.lo, c.hi, rng);
            sum += x;
            sq += x * x;
            lo_seen = std::min(lo_seen, x);
            hi_seen = std::max(hi_seen, x);
        }
        const double mean = sum / n, var = sq / n - mean * mean;
        const double a = (c.lo - c.mu) / c.sigma, b = (c.hi - c.mu) / c.sigma;
        const double expected = c.mu + c.sigma * (phi(a) - phi(b)) / (Phi(b) - Phi(a));
        INFO("mu " << c.mu << " sigma " << c.sigma << ": mean " << mean << ", expected "
                   << expected);
        CHECK(lo_seen >= c.lo);
        CHECK(hi_seen <= c.hi);
        CHECK(std::abs(mean - expected) < 5 * std::sqrt(var / n));
        if (c.hi - c.lo > 20 * c.sigma) CHECK(std::sqrt(var) == Approx(c.sigma).epsilon(0.02));
    }
    // A mean far outside the interval: no draw lands inside, the clamp gives the mode.
    CHECK(sample_truncated_normal(5.0, 0.01, 0.0, 1.0, rng) == 1.0);
    CHECK(sample_truncated_normal(-5.0, 0.01, 0.0, 1.0, rng) == 0.0);
    CHECK(sample_truncated_normal(0.3, 0.0, 0.0, 1.0, rng) == 0.3);
    CHECK_THROWS_AS(sample_truncated_normal(0.5, -1.0, 0.0, 1.0, rng), std::invalid_argument);
    CHECK_THROWS_AS(sample_truncated_normal(0.5, 0.1, 1.0, 0.0, rng), std::invalid_argument);
    CHECK_THROWS_AS(
        sample_truncated_normal(std::numeric_limits<double>::quiet_NaN(), 0.1, 0.0, 1.0, rng),
        std::invalid_argument);
}

TEST_CASE("replay buffer: a ring that overwrites the oldest, sampled uniformly", "[agent][ddpg]") {
    ReplayBuffer<double> rb;
    rb.reset(2, 3);
    Vec<double> s(2), s2(2);
    for (int k = 0; k < 5; ++k) {  // rewards 0..4; the last three remain
        s << k, -k;
        s2 << 10 + k, -10 - k;
        rb.push(s, 0.1 * k, k, s2, k == 3);
    }
    CHECK(rb.size() == 3);
    CHECK(rb.head() == 2);  // the next push overwrites slot 2, which holds the oldest (reward 2)
    CHECK(rb.rewards()(0, 0) == 3.0);
    CHECK(rb.rewards()(0, 1) == 4.0);
    CHECK(rb.rewards()(0, 2) == 2.0);
    CHECK(rb.states()(0, 0) == 3.0);
    CHECK(rb.states()(1, 1) == -4.0);
    CHECK(rb.next_states()(0, 2) == 12.0);
    CHECK(rb.actions()(0, 1) == Approx(0.4));
    CHECK(rb.dones()(0, 0) == 1.0);
    CHECK(rb.dones()(0, 1) == 0.0);

    std::mt19937_64 rng(51);
    Minibatch<double> mb;
    mb.resize(2, 3);  // as many as stored: a permutation of the three
    for (int t = 0; t < 20; ++t) {
        rb.sample(rng, mb);
        std::set<double> seen(mb.rewards.data(), mb.rewards.data() + 3);
        CHECK(seen == std::set<double>{2.0, 3.0, 4.0});
        for (Index b = 0; b < 3; ++b) {  // columns stay whole transitions
            CHECK(mb.states(0, b) == mb.rewards(0, b));
            CHECK(mb.next_states(0, b) == 10 + mb.rewards(0, b));
        }
    }
    // More than stored: with replacement, each transition about equally often.
    mb.resize(2, 30);
    std::vector<int> counts(5, 0);
    for (int t = 0; t < 1000; ++t) {
        rb.sample(rng, mb);
        for (Index b = 0; b < 30; ++b) ++counts[static_cast<std::size_t>(mb.rewards(0, b))];
    }
    CHECK(counts[0] + counts[1] == 0);
    for (int k = 2; k < 5; ++k) CHECK(std::abs(counts[static_cast<std::size_t>(k)] - 10000) < 500);

    ReplayBuffer<double> empty;
    empty.reset(2, 3);
    CHECK_THROWS_AS(empty.sample(rng, mb), std::logic_error);
}

TEST_CASE("DDPG update: targets, baseline, critic loss and soft updates as defined",
          "[agent][ddpg]") {
    std::mt19937_64 rng(61);
    DdpgParams p = small_params();
    p.discount = 0.9;
    p.tau = 0.25;
    p.output_init = 0.3;  // a target critic far enough from 0 to show in the target
    Ddpg<double> agent(3, 1, p, rng);
    // One stored transition (not terminal): every minibatch column is that transition.
    Vec<double> s(3), s2(3);
    s << 0.2, -0.4, 0.9;
    s2 << -0.1, 0.3, 0.5;
    const double a = 0.3, r = 0.7;
    agent.observe(s, a, r, s2, false);

    // The expected critic loss, from the networks before the update.
    agent.target_actor().forward(s2);
    const double a2 = agent.target_actor().actions()(0, 0);
    Mat<double> a2m(1, 1), am(1, 1);
    a2m << a2;
    am << a;
    agent.target_critic().forward(s2, a2m);
    const double q2 = agent.target_critic().q()(0, 0);
    agent.critic().forward(s, am);
    const double q = agent.critic().q()(0, 0);
    CHECK(std::abs(q2) > 1e-3);
    const double y = (r - r) + 0.9 * q2;  // the first baseline is the first batch's mean, r
    const Vec<double> actor_before = agent.actor().parameters().values();
    const Vec<double> critic_before = agent.critic().parameters().values();
    const Vec<double> target_before = agent.target_critic().parameters().values();
    CHECK(target_before == critic_before);  // the targets start as copies

    const DdpgUpdateStats st = agent.update(rng);
    CHECK(st.baseline == Approx(r));
    CHECK(agent.has_baseline());
    CHECK(st.mean_q == Approx(q).epsilon(1e-12));
    CHECK(st.critic_loss == Approx((q - y) * (q - y)).epsilon(1e-12));
    CHECK(agent.updates() == 1);
    CHECK(agent.critic_optimizer().steps() == 1);
    CHECK(agent.actor_optimizer().steps() == 1);
    // Both networks stepped, the targets moved a quarter of the way.
    const auto& critic_after = agent.critic().parameters().values();
    CHECK((critic_after - critic_before).cwiseAbs().maxCoeff() > 0);
    CHECK((agent.actor().parameters().values() - actor_before).cwiseAbs().maxCoeff() > 0);
    const Vec<double> expected_target = 0.75 * target_before + 0.25 * critic_after;
    CHECK((agent.target_critic().parameters().values() - expected_target).cwiseAbs().maxCoeff() <
          1e-15);

    // The baseline moves half way to the next batch's mean. The draw depends only on the
    // generator and the buffer's size, so a copy of the generator replays it.
    s << 0.1, 0.1, 0.1;
    agent.observe(s, a, -0.3, s2, true);
    std::mt19937_64 replay_rng = rng;
    Minibatch<double> drawn;
    drawn.resize(3, p.batch_size);
    agent.replay().sample(replay_rng, drawn);
    const double mean = drawn.rewards.mean();
    CHECK(mean < 0.7);  // some of the 8 draws (with replacement from 2) are the new one...
    CHECK(mean > -0.3);  // ...and some the old one, for this seed
    const DdpgUpdateStats st2 = agent.update(rng);
    CHECK(st2.baseline == Approx(0.7 + 0.5 * (mean - 0.7)).epsilon(1e-12));

    Ddpg<double> empty(3, 1, p, rng);
    CHECK_THROWS_AS(empty.update(rng), std::logic_error);
}

TEST_CASE("DDPG: the same seed gives the same agent and the same updates", "[agent][ddpg]") {
    const DdpgParams p = small_params();
    auto run = [&](std::uint64_t seed) {
        std::mt19937_64 rng(seed);
        auto agent = std::make_unique<Ddpg<float>>(4, 2, p, rng);
        for (int k = 0; k < 40; ++k) {
            observe_nth(*agent, k);
            if (k >= 8) agent->update(rng);
        }
        return agent;
    };
    auto a = run(7), b = run(7), c = run(8);
    CHECK(a->save_state() == b->save_state());
    CHECK(a->actor().parameters().values() == b->actor().parameters().values());
    CHECK(a->actor().parameters().values() != c->actor().parameters().values());
    Vec<float> s = Vec<float>::Constant(4, 0.25f);
    CHECK(a->act(s) == b->act(s));
}

TEST_CASE("DDPG checkpoint: a loaded agent continues with identical updates", "[agent][ddpg]") {
    const DdpgParams p = small_params();
    std::mt19937_64 rng_a(11);
    Ddpg<float> a(4, 2, p, rng_a);
    for (int k = 0; k < 45; ++k) {  // past the capacity of 32: the ring has wrapped
        observe_nth(a, k);
        if (k >= 8) a.update(rng_a);
    }
    REQUIRE(a.replay().size() == 32);
    REQUIRE(a.replay().head() != 0);
    const std::string bytes = a.save_state();

    std::mt19937_64 other(99);
    Ddpg<float> b(4, 2, p, other);  // different weights until loaded
    CHECK(b.save_state() != bytes);
    b.load_state(bytes);
    CHECK(b.save_state() == bytes);
    CHECK(b.updates() == a.updates());
    CHECK(b.baseline() == a.baseline());

    std::mt19937_64 rng_b = rng_a;  // the run's generator, as checkpointed alongside
    for (int k = 45; k < 60; ++k) {
        observe_nth(a, k);
        observe_nth(b, k);
        const DdpgUpdateStats sa = a.update(rng_a), sb = b.update(rng_b);
        CHECK(sa.critic_loss == sb.critic_loss);
        CHECK(sa.policy_loss == sb.policy_loss);
    }
    CHECK(a.save_state() == b.save_state());
    Vec<float> s = Vec<float>::Constant(4, -0.5f);
    CHECK(a.act(s) == b.act(s));
}

TEST_CASE("DDPG checkpoint: unreadable or mismatched bytes are InputErrors, nothing changes",
          "[agent][ddpg]") {
    const DdpgParams p = small_params();
    std::mt19937_64 rng(12);
    Ddpg<float> a(4, 2, p, rng);
    for (int k = 0; k < 20; ++k) observe_nth(a, k);
    a.update(rng);
    const std::string good = a.save_state();

    std::mt19937_64 rng2(13);
    Ddpg<float> b(4, 2, p, rng2);
    const std::string before = b.save_state();
    auto rejects = [&](const std::string& bytes, const char* message) {
        INFO(message);
        CHECK_THROWS_AS(b.load_state(bytes), serialq::InputError);
        CHECK(b.save_state() == before);  // all or nothing
    };
    // Every truncation: at the start, inside each header field and array, and the last byte.
    for (std::size_t n = 0; n < good.size(); n += (n < 64 ? 1 : 61))
        rejects(good.substr(0, n), "truncated");
    rejects(good.substr(0, good.size() - 1), "last byte missing");
    rejects(good + '\0', "trailing byte");
    rejects(std::string(), "empty");

    std::string format = good;
    format[0] = 2;
    CHECK_THROWS_WITH(b.load_state(format), Catch::Contains("checkpoint: ddpg state: format 2"));

    std::string flag = good;
    flag[16] = 7;  // the baseline flag after format and update count
    rejects(flag, "baseline flag");

    // The replay position: head and size after the header, the parameters and the optimisers.
    const auto params_bytes = [](Index n) { return 8 + static_cast<std::size_t>(n) * 4; };
    const std::size_t pos = 8 + 8 + 1 + 8 + 2 * params_bytes(a.actor().parameters().size()) +
                            2 * params_bytes(a.critic().parameters().size()) + 8 +
                            2 * params_bytes(a.actor().parameters().size()) + 8 +
                            2 * params_bytes(a.critic().parameters().size());
    std::int64_t head = 0;
    std::memcpy(&head, good.data() + pos, 8);
    REQUIRE(head == 20);  // 20 pushes into 32 slots
    std::string position = good;
    const std::int64_t wrong = 5;  // not full, yet writing elsewhere than after the last
    std::memcpy(position.data() + pos, &wrong, 8);
    CHECK_THROWS_WITH(b.load_state(position), Catch::Contains("replay position"));
    CHECK(b.save_state() == before);

    // Other settings: other widths, other replay capacity, other state size.
    DdpgParams wider = p;
    wider.critic_hidden = {16, 13};
    std::mt19937_64 rng3(14);
    Ddpg<float> c(4, 2, wider, rng3);
    CHECK_THROWS_WITH(c.load_state(good), Catch::Contains("different settings?"));
    Ddpg<float> d(4, 3, p, rng3);
    CHECK_THROWS_AS(d.load_state(good), serialq::InputError);
    Ddpg<float> e(5, 2, p, rng3);
    CHECK_THROWS_AS(e.load_state(good), serialq::InputError);
    Ddpg<double> f(4, 2, p, rng3);  // doubles: every array has twice the bytes
    CHECK_THROWS_AS(f.load_state(good), serialq::InputError);
}

TEST_CASE("DDPG learns a contextual bandit: mu(s) reaches the best action f(s)", "[agent][ddpg]") {
    // One-step episodes: state s ~ U(0, 1), action a, reward -(a - f(s))^2, done. The best
    // action is f(s) = 0.15 + 0.7 s; the first policy is ~0.5 everywhere, and no constant
    // policy comes closer than 0.35 at the ends. Exploration as HAQ's: a truncated normal around
    // mu(s) in [0, 1] whose sigma decays, here per step, 0.5 * 0.996^k down to 0.05. Smaller
    // networks and a larger actor step than HAQ's keep this to 600 updates (with HAQ's 1e-4 the
    // actor has covered only a quarter of the way by then). Over seeds 40..79 this run ended
    // with a worst grid error of 0.054 at most, a mean error of 0.041 at most and a slope in
    // 0.61..0.72; the thresholds leave room for other compilers and SIMD widths, and are still
    // far below what a policy that ignores s can reach.
    auto f = [](double s) { return 0.15 + 0.7 * s; };
    DdpgParams p;
    p.actor_hidden = {64, 64};
    p.critic_hidden = {64, 64};
    p.batch_size = 32;
    p.actor_adam.learning_rate = 1e-3;
    p.replay_per_layer = 2000;
    std::mt19937_64 rng(71);
    Ddpg<float> agent(1, 1, p, rng);
    const double grid[5] = {0.05, 0.3, 0.5, 0.7, 0.95};
    struct Errors {
        double worst = 0, mean = 0, slope = 0;  // slope: (mu(0.95) - mu(0.05)) / 0.9
    };
    auto errors = [&] {
        Errors e;
        Vec<float> s(1);
        double first = 0, last = 0;
        for (double g : grid) {
            s[0] = static_cast<float>(g);
            const double mu = static_cast<double>(agent.act(s));
            e.worst = std::max(e.worst, std::abs(mu - f(g)));
            e.mean += std::abs(mu - f(g)) / 5;
            if (g == grid[0]) first = mu;
            last = mu;
        }
        e.slope = (last - first) / (grid[4] - grid[0]);
        return e;
    };
    const Errors before = errors();
    Vec<float> s(1);
    for (int k = 0; k < 600 + p.batch_size; ++k) {
        s[0] = static_cast<float>(uniform01(rng));
        const double sigma = std::max(0.05, 0.5 * std::pow(0.996, k));
        const double a = sample_truncated_normal(agent.act(s), sigma, 0.0, 1.0, rng);
        const double r = -(a - f(s[0])) * (a - f(s[0]));
        agent.observe(s, static_cast<float>(a), static_cast<float>(r), s, true);
        if (agent.replay().size() >= p.batch_size) agent.update(rng);
    }
    REQUIRE(agent.updates() >= 600);
    const Errors after = errors();
    INFO("|mu(s) - f(s)| on the grid: worst "
         << before.worst << " -> " << after.worst << ", mean " << before.mean << " -> "
         << after.mean << "; slope " << before.slope << " -> " << after.slope << " (f: 0.7)");
    CHECK(before.worst > 0.25);
    CHECK(after.worst < 0.1);
    CHECK(after.mean < 0.06);
    CHECK(after.slope == Approx(0.7).margin(0.15));
}
