// haq: HAQ's DDPG search (Wang et al., CVPR 2019; its code, mit-han-lab/haq), on the
// co-design environment. Per layer t:
//   state  HAQ's layer embedding (linear_quantize_env.py, _build_state_embedding), weights
//          only: [t, c_in, c_out, stride, kernel, weights, input plane h*w, depthwise, fc,
//          previous action], each column min-max normalised over the layers (when it varies);
//   action a in [0, 1]: uniform during warm-up, then a truncated normal around mu(s) whose
//          sigma decays per episode; the layer takes its choice round(a n - 0.5) of n
//          (HAQ's _action_wall over the bit range, here over the layer's own choices).
// With a budget (--objective accuracy), HAQ's enforcement (_final_action_wall): while the
// budgeted cost is over, lower each layer by one choice from the last layer to the first,
// stopping as soon as it holds. The episode's reward (the objective's, objective.hpp) is given
// to every transition of the episode, and one DDPG update follows each stored transition once
// warm-up is over (HAQ's rl_quantize.py).
#include "strategies.hpp"

#include "../byte_io.hpp"

#include "serialq/agent/ddpg.hpp"
#include "serialq/agent/nn/random.hpp"
#include "serialq/common/error.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>

namespace serialq::agent::detail {

namespace {

constexpr Index kFeatures = kHaqLayerFeatures + 1;  // and the previous action

class HaqStrategy final : public SearchStrategy {
public:
    HaqStrategy(const DdpgParams& params, const Environment& env, std::mt19937_64& rng)
        : params_(params),
          ddpg_(kFeatures, env.steps(), params, rng),
          static_(haq_layer_embedding(env.network())) {
        states_.resize(kFeatures, env.steps());
        actions_.resize(static_cast<std::size_t>(env.steps()));
    }

    std::string name() const override { return "haq"; }

    EpisodeLog run_episode(Environment& env, std::mt19937_64& rng) override {
        const Index T = env.steps();
        EpisodeLog log;
        log.action_probabilities.assign(static_cast<std::size_t>(T * env.actions()), 0.0);
        const bool warm = params_.warming_up(episodes_);
        const double sigma = params_.exploration_sigma(episodes_);
        env.begin_episode();
        double previous = 1.0;  // HAQ starts the previous-action feature at full precision
        for (Index t = 0; t < T; ++t) {
            states_.col(t) = static_.col(t);
            states_(kFeatures - 1, t) = static_cast<float>(previous);
            const double mu = ddpg_.act(states_.col(t));
            const double a = warm ? uniform01(rng) : sample_truncated_normal(mu, sigma, 0, 1, rng);
            actions_[static_cast<std::size_t>(t)] = a;
            env.act_bits(t, bits_of(env, t, a));
            previous = a;
        }
        if (env.objective().kind == ObjectiveKind::Accuracy) enforce_budget(env);
        const std::vector<int> bits = env.current_bits();
        const auto& all = env.choices();
        for (Index t = 0; t < T; ++t) {
            const auto k =
                std::find(all.begin(), all.end(), bits[static_cast<std::size_t>(t)]) - all.begin();
            log.action_probabilities[static_cast<std::size_t>(t * env.actions() + k)] = 1.0;
        }
        log.result = env.finish_episode();
        // The differential entropy of the exploration noise (uniform on [0, 1] in warm-up: 0).
        log.policy_entropy_nats =
            warm ? 0.0 : 0.5 * std::log(2 * std::numbers::pi * std::numbers::e * sigma * sigma);
        learn(static_cast<float>(log.result.reward), rng);
        ++episodes_;
        return log;
    }

    std::string save_state() const override {
        ByteWriter w;
        w.put<std::int64_t>(episodes_);
        w.put_string(ddpg_.save_state());
        return w.bytes();
    }
    void load_state(const std::string& bytes) override {
        ByteReader r(bytes, "checkpoint: haq state");
        const auto episodes = r.get_count("episode count");
        const std::string ddpg = r.get_string();
        r.expect_end();
        ddpg_.load_state(ddpg);
        episodes_ = episodes;
    }

private:
    static int bits_of(const Environment& env, Index t, double a) {
        const auto& own = env.layer_choices(t);
        const double n = double(own.size());
        const auto k = static_cast<long long>(std::lround(a * n - 0.5));
        return own[static_cast<std::size_t>(
            std::clamp<long long>(k, 0, (long long)own.size() - 1))];
    }

    // HAQ's _final_action_wall: one choice lower per layer, last layer first, until the
    // budgeted cost holds or nothing can be lowered.
    static void enforce_budget(Environment& env) {
        const Objective& o = env.objective();
        auto over = [&] {
            return env.cost_ratio(o.budget_metric, env.current_bits()) > o.budget_fraction;
        };
        bool lowered = true;
        while (over() && lowered) {
            lowered = false;
            for (Index t = env.steps() - 1; t >= 0 && over(); --t) {
                const auto& own = env.layer_choices(t);
                const int b = env.current_bits()[static_cast<std::size_t>(t)];
                const auto it = std::find(own.begin(), own.end(), b);
                if (it == own.begin()) continue;
                env.act_bits(t, *(it - 1));
                lowered = true;
            }
        }
    }

    // Every transition with the episode's reward; the last one ends the episode.
    void learn(float reward, std::mt19937_64& rng) {
        const Index T = states_.cols();
        for (Index t = 0; t < T; ++t) {
            const bool done = t == T - 1;
            ddpg_.observe(states_.col(t), static_cast<float>(actions_[static_cast<std::size_t>(t)]),
                          reward, states_.col(done ? t : t + 1), done);
            if (!params_.warming_up(episodes_))
                for (int u = 0; u < params_.updates_per_step; ++u) ddpg_.update(rng);
        }
    }

    DdpgParams params_;
    Ddpg<float> ddpg_;
    Mat<float> static_;  // (kFeatures x T): the embedding, then the previous action's row
    Mat<float> states_;  // this episode's states (kFeatures x T)
    std::vector<double> actions_;
    long long episodes_ = 0;
};

}  // namespace

Mat<float> haq_layer_embedding(const Network& net) {
    const auto layers = net.weight_layers();
    const auto T = static_cast<Index>(layers.size());
    Eigen::MatrixXd f(kHaqLayerFeatures + 1, T);
    for (Index t = 0; t < T; ++t) {
        const Layer& L = *layers[static_cast<std::size_t>(t)];
        const bool fc = L.kind == LayerKind::FullyConnected;
        f(0, t) = double(t);
        f(1, t) = L.in_channels();
        f(2, t) = L.out_channels();
        f(3, t) = fc ? 0 : L.stride_h;
        f(4, t) = fc ? 1 : L.kernel_h * L.kernel_w;
        f(5, t) = double(L.weights());
        f(6, t) = double(L.input.height) * L.input.width;
        f(7, t) = (!fc && L.groups > 1 && L.groups == L.in_channels()) ? 1 : 0;
        f(8, t) = fc ? 1 : 0;
        f(kHaqLayerFeatures, t) = 0;  // a free row, for the caller's own feature
    }
    for (Index k = 0; k < kHaqLayerFeatures; ++k) {
        const double lo = f.row(k).minCoeff(), hi = f.row(k).maxCoeff();
        if (hi > lo) f.row(k) = (f.row(k).array() - lo) / (hi - lo);
    }
    return f.cast<float>();
}

std::unique_ptr<SearchStrategy> make_haq_strategy(const DdpgParams& params, const Environment& env,
                                                  std::mt19937_64& rng) {
    return std::make_unique<HaqStrategy>(params, env, rng);
}

}  // namespace serialq::agent::detail
