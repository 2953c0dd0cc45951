// The neural pieces: every backward pass against finite differences, in double precision.
#include "gradient_check.hpp"

#include "serialq/agent/nn/activation.hpp"
#include "serialq/agent/nn/adam.hpp"
#include "serialq/agent/nn/categorical.hpp"
#include "serialq/agent/nn/linear.hpp"
#include "serialq/agent/nn/lstm.hpp"
#include "serialq/agent/nn/random.hpp"

#include <catch2/catch.hpp>

#include <random>

using namespace serialq::agent;
using serialq::test::check_gradient;

namespace {

Mat<double> random_matrix(Index rows, Index cols, std::mt19937_64& rng, double scale = 1.0) {
    Mat<double> m(rows, cols);
    for (Index j = 0; j < cols; ++j)
        for (Index i = 0; i < rows; ++i) m(i, j) = uniform(rng, -scale, scale);
    return m;
}

}  // namespace

TEST_CASE("linear layer: forward is W x + b, gradients match finite differences", "[agent][nn]") {
    std::mt19937_64 rng(1);
    ParameterSet<double> params;
    Linear<double> fc(params, 5, 3);
    params.finalize();
    fc.init(rng, 1.0);
    params.values().setRandom();  // non-zero bias too
    const Mat<double> x = random_matrix(5, 4, rng);
    const Mat<double> r = random_matrix(3, 4, rng);  // L = sum(r .* y)
    Mat<double> y(3, 4);

    // Forward against a hand-written loop.
    fc.forward(x, y);
    const auto w = params.value({0, 3, 5});
    const auto b = params.value({15, 3, 1});
    for (Index n = 0; n < 4; ++n)
        for (Index i = 0; i < 3; ++i) {
            double s = b(i, 0);
            for (Index k = 0; k < 5; ++k) s += w(i, k) * x(k, n);
            CHECK(y(i, n) == Approx(s).epsilon(1e-12));
        }

    auto loss = [&] {
        fc.forward(x, y);
        return (r.array() * y.array()).sum();
    };
    params.zero_grads();
    Mat<double> dx(5, 4);
    fc.backward(x, r, &dx);
    const auto pc = check_gradient(params.values(), params.grads(), loss);
    CHECK(pc.checked == params.size());
    CHECK(pc.worst_relative_error < 1e-7);

    Mat<double> xv = x;
    auto loss_x = [&] {
        fc.forward(xv, y);
        return (r.array() * y.array()).sum();
    };
    Eigen::Map<Vec<double>> xflat(xv.data(), xv.size());
    const Vec<double> dxflat = Eigen::Map<const Vec<double>>(dx.data(), dx.size());
    CHECK(check_gradient(xflat, dxflat, loss_x).worst_relative_error < 1e-7);
}

TEST_CASE("activations: backward matches finite differences", "[agent][nn]") {
    std::mt19937_64 rng(2);
    for (Activation a : {Activation::Relu, Activation::Tanh, Activation::Sigmoid}) {
        Mat<double> x = random_matrix(4, 3, rng, 2.0);
        const Mat<double> r = random_matrix(4, 3, rng);
        Mat<double> y(4, 3);
        auto loss = [&] {
            activate(a, x, y);
            return (r.array() * y.array()).sum();
        };
        activate(a, x, y);
        Mat<double> d = r;
        activation_backward(a, y, d);
        Eigen::Map<Vec<double>> xf(x.data(), x.size());
        const Vec<double> df = Eigen::Map<const Vec<double>>(d.data(), d.size());
        INFO(to_string(a));
        CHECK(check_gradient(xf, df, loss).worst_relative_error < 1e-7);
    }
    CHECK(activation_from_name("tanh") == Activation::Tanh);
    CHECK_THROWS_WITH(
        activation_from_name("gelu"),
        Catch::Contains("activation: found 'gelu', expected one of relu, tanh, sigmoid"));
}

TEST_CASE("LSTM: BPTT over a batch of sequences matches finite differences", "[agent][nn]") {
    std::mt19937_64 rng(3);
    const Index I = 3, H = 4, T = 5, B = 2;
    ParameterSet<double> params;
    Lstm<double> lstm(params, I, H);
    params.finalize();
    lstm.init(rng);
    // Larger weights than the default initialisation so that the gates saturate unevenly and
    // every term of the backward pass matters.
    params.values() *= 3.0;
    lstm.resize(T, B);
    Mat<double> x = random_matrix(I, T * B, rng);
    const Mat<double> r = random_matrix(H, T * B, rng);  // L = sum_t sum(r_t .* h_t)

    auto loss = [&] {
        lstm.forward(x);
        return (r.array() * lstm.outputs().array()).sum();
    };
    loss();
    params.zero_grads();
    Mat<double> dx(I, T * B);
    lstm.backward(x, r, &dx);
    const auto pc = check_gradient(params.values(), params.grads(), loss);
    CHECK(pc.checked == 4 * H * (I + H + 1));
    INFO("worst at " << pc.worst_index << ": analytic " << pc.worst_analytic << ", numeric "
                     << pc.worst_numeric);
    CHECK(pc.worst_relative_error < 1e-6);

    Eigen::Map<Vec<double>> xf(x.data(), x.size());
    const Vec<double> dxf = Eigen::Map<const Vec<double>>(dx.data(), dx.size());
    CHECK(check_gradient(xf, dxf, loss).worst_relative_error < 1e-6);
}

TEST_CASE("LSTM: sequences in a batch are independent and match step-by-step runs", "[agent][nn]") {
    std::mt19937_64 rng(4);
    const Index I = 3, H = 6, T = 4, B = 3;
    ParameterSet<double> params;
    Lstm<double> lstm(params, I, H);
    params.finalize();
    lstm.init(rng);
    const Mat<double> x = random_matrix(I, T * B, rng);
    lstm.resize(T, B);
    lstm.forward(x);
    const Mat<double> batched = lstm.outputs();

    // The same sequences one at a time (B = 1), step by step as a rollout runs them.
    for (Index e = 0; e < B; ++e) {
        lstm.resize(T, 1);
        for (Index t = 0; t < T; ++t) {
            lstm.forward_step(t, x.col(t * B + e));
            CHECK((lstm.output(t) - batched.col(t * B + e)).cwiseAbs().maxCoeff() < 1e-12);
        }
    }
}

TEST_CASE("categorical: softmax, log-prob and entropy gradients, sampling frequencies",
          "[agent][nn]") {
    std::mt19937_64 rng(5);
    Mat<double> logits = random_matrix(5, 3, rng, 3.0);
    Categorical<double> dist;
    dist.set_logits(logits);
    for (Index n = 0; n < 3; ++n) {
        CHECK(dist.probs().col(n).sum() == Approx(1.0).epsilon(1e-12));
        CHECK(dist.entropy(n) > 0);
        CHECK(dist.entropy(n) < std::log(5.0));
    }
    // Stable for huge logits.
    Mat<double> big(2, 1);
    big << 1000.0, 0.0;
    Categorical<double> sharp;
    sharp.set_logits(big);
    CHECK(sharp.probs()(0, 0) == 1.0);
    CHECK(sharp.log_probs()(1, 0) == Approx(-1000.0));
    CHECK(std::isfinite(sharp.entropy(0)));

    // L = sum_n w_n log p(a_n) + v_n H_n
    const Index actions[3] = {0, 3, 4};
    const double wl[3] = {0.7, -1.3, 0.4}, we[3] = {0.2, 0.5, -0.9};
    auto loss = [&] {
        dist.set_logits(logits);
        double l = 0;
        for (Index n = 0; n < 3; ++n)
            l += wl[n] * dist.log_prob(n, actions[n]) + we[n] * dist.entropy(n);
        return l;
    };
    loss();
    Mat<double> d = Mat<double>::Zero(5, 3);
    for (Index n = 0; n < 3; ++n) dist.add_gradient(n, actions[n], wl[n], we[n], d);
    Eigen::Map<Vec<double>> lf(logits.data(), logits.size());
    const Vec<double> df = Eigen::Map<const Vec<double>>(d.data(), d.size());
    // 1e-6, not 1e-7: the central difference's own rounding noise is about
    // 1e-16 |L| / eps = 1.4e-10, i.e. 2.3e-7 of the floor (1e-3 of the largest gradient, 6e-4);
    // an SSE2 build measures 2.0e-7, an AVX-512 build 0.8e-7, on a correct gradient.
    CHECK(check_gradient(lf, df, loss).worst_relative_error < 1e-6);

    // Sampling: 200000 draws from known probabilities, each frequency within 5 sigma.
    Mat<double> fixed(4, 1);
    fixed << std::log(0.1), std::log(0.2), std::log(0.3), std::log(0.4);
    dist.set_logits(fixed);
    std::vector<int> counts(4, 0);
    const int draws = 200000;
    for (int k = 0; k < draws; ++k) ++counts[static_cast<std::size_t>(dist.sample(0, rng))];
    for (int a = 0; a < 4; ++a) {
        const double p = 0.1 * (a + 1);
        const double sigma = std::sqrt(p * (1 - p) / draws);
        CHECK(std::abs(counts[static_cast<std::size_t>(a)] / double(draws) - p) < 5 * sigma);
    }
}

TEST_CASE("Adam: first step is lr * sign(g), and it minimises a quadratic", "[agent][nn]") {
    AdamParams p;
    p.learning_rate = 0.01;
    p.epsilon = 1e-12;
    Adam<double> adam(3, p);
    Vec<double> theta(3);
    theta << 1.0, -2.0, 0.5;
    Vec<double> g(3);
    g << 4.0, -0.001, 100.0;
    const Vec<double> before = theta;
    adam.step(theta, g);
    CHECK(theta[0] == Approx(before[0] - 0.01).epsilon(1e-9));
    CHECK(theta[1] == Approx(before[1] + 0.01).epsilon(1e-9));
    CHECK(theta[2] == Approx(before[2] - 0.01).epsilon(1e-9));
    CHECK(adam.steps() == 1);

    // f(theta) = 0.5 * sum(k_i (theta_i - c_i)^2) with very different curvatures.
    Vec<double> k(3), c(3);
    k << 1.0, 100.0, 0.01;
    c << 3.0, -1.0, 2.0;
    p.learning_rate = 0.05;
    Adam<double> opt(3, p);
    theta.setZero();
    for (int i = 0; i < 4000; ++i) {
        g = (k.array() * (theta - c).array()).matrix();
        opt.step(theta, g);
    }
    CHECK((theta - c).cwiseAbs().maxCoeff() < 1e-2);

    AdamParams bad;
    bad.beta2 = 1.0;
    CHECK_THROWS_WITH(bad.check(), Catch::Contains("adam.beta2: found 1, expected"));
}
