#include "autoq_agent.hpp"

#include "../search/strategies.hpp"

#include "serialq/agent/nn/random.hpp"

#include <algorithm>
#include <cmath>

namespace serialq::agent::detail {

namespace {

// HAQ's mapping of an action in [0, 1] to one of n choices: round(a n - 0.5), clamped.
int choose(const std::vector<int>& own, double a) {
    const auto n = static_cast<long long>(own.size());
    const long long k = std::clamp<long long>(std::lround(a * double(n) - 0.5), 0, n - 1);
    return own[static_cast<std::size_t>(k)];
}

double normalized(double v, double lo, double hi) { return hi > lo ? (v - lo) / (hi - lo) : 0.5; }

DdpgParams llc_params(const SearchConfig& c) {
    DdpgParams p = c.haq;
    p.actor_hidden = c.autoq.llc_hidden;
    p.critic_hidden = c.autoq.llc_hidden;
    return p;
}

Index kernel_count(const Network& net) {
    Index n = 0;
    for (const Layer* l : net.weight_layers()) n += l->out_channels();
    return n;
}

// Per kernel, its RMS over the layer's largest (1 for every kernel of a layer without them).
std::vector<std::vector<float>> normalized_magnitudes(
    const Network& net, const std::vector<std::vector<double>>& magnitudes) {
    std::vector<std::vector<float>> out;
    const auto layers = net.weight_layers();
    for (std::size_t t = 0; t < layers.size(); ++t) {
        const auto& m = magnitudes[t];
        const double top = m.empty() ? 0.0 : *std::max_element(m.begin(), m.end());
        std::vector<float> row(static_cast<std::size_t>(layers[t]->out_channels()), 1.0f);
        if (top > 0)
            for (std::size_t c = 0; c < row.size(); ++c) row[c] = static_cast<float>(m[c] / top);
        out.push_back(std::move(row));
    }
    return out;
}

}  // namespace

AutoqAgent::AutoqAgent(const Network& net, const SearchConfig& config,
                       std::vector<std::vector<int>> weight_choices, std::vector<int> act_choices,
                       const std::vector<std::vector<double>>& magnitudes, std::mt19937_64& rng)
    : config_(config),
      weight_choices_(std::move(weight_choices)),
      act_choices_(std::move(act_choices)),
      layer_features_(haq_layer_embedding(net)),
      magnitude_(normalized_magnitudes(net, magnitudes)),
      hlc_(kHlcFeatures, 2 * static_cast<Index>(weight_choices_.size()), config.haq, rng),
      llc_(kLlcFeatures, kernel_count(net), llc_params(config), rng) {
    const auto T = static_cast<Index>(weight_choices_.size());
    hlc_states_.resize(kHlcFeatures, 2 * T);
    llc_states_.resize(kLlcFeatures, kernel_count(net));
    goal_error_.assign(weight_choices_.size(), 0.0);
}

double AutoqAgent::explore(double mu, std::mt19937_64& rng) const {
    const DdpgParams& p = config_.haq;
    if (p.warming_up(episodes_)) return uniform01(rng);
    return sample_truncated_normal(mu, p.exploration_sigma(episodes_), 0, 1, rng);
}

void AutoqAgent::hlc_state(Index t, int phase, double previous_action, double previous_mean) {
    const Index column = 2 * t + phase;
    hlc_states_.col(column).head(kHaqLayerFeatures) =
        layer_features_.col(t).head(kHaqLayerFeatures);
    hlc_states_(kHaqLayerFeatures, column) = static_cast<float>(phase);
    hlc_states_(kHaqLayerFeatures + 1, column) = static_cast<float>(previous_action);
    hlc_states_(kHaqLayerFeatures + 2, column) = static_cast<float>(previous_mean);
}

AutoqProposal AutoqAgent::propose(std::mt19937_64& rng) {
    const auto T = static_cast<Index>(weight_choices_.size());
    std::vector<std::vector<int>> weights(weight_choices_.size());
    std::vector<int> acts(weight_choices_.size());
    AutoqProposal out;
    hlc_actions_.clear();
    llc_actions_.clear();
    llc_layer_.clear();
    double previous_action = 1.0, previous_mean = 1.0;
    for (Index t = 0; t < T; ++t) {
        const auto u = static_cast<std::size_t>(t);
        // Activation bits; the first layer's input is the image (autoq.hpp).
        hlc_state(t, 0, previous_action, previous_mean);
        const double a_act = explore(hlc_.act(hlc_states_.col(2 * t)), rng);
        acts[u] = t == 0 ? act_choices_.back() : choose(act_choices_, a_act);
        // The goal.
        hlc_state(t, 1, a_act, previous_mean);
        const double a_goal = explore(hlc_.act(hlc_states_.col(2 * t + 1)), rng);
        hlc_actions_.push_back(static_cast<float>(a_act));
        hlc_actions_.push_back(static_cast<float>(a_goal));
        previous_action = a_goal;
        const auto& own = weight_choices_[u];
        const double lo = own.front(), hi = own.back();
        const double goal = lo + a_goal * (hi - lo);
        out.goals_bits.push_back(goal);
        // The kernels.
        const auto C = static_cast<Index>(magnitude_[u].size());
        double sum = 0, previous = 1.0;
        for (Index c = 0; c < C; ++c) {
            const auto k = static_cast<Index>(llc_actions_.size());
            auto s = llc_states_.col(k);
            s(0) = static_cast<float>(T > 1 ? double(t) / double(T - 1) : 0.0);
            s(1) = static_cast<float>(C > 1 ? double(c) / double(C - 1) : 0.0);
            s(2) = magnitude_[u][static_cast<std::size_t>(c)];
            s(3) = static_cast<float>(normalized(goal, lo, hi));
            s(4) = static_cast<float>(normalized(c ? sum / double(c) : goal, lo, hi));
            s(5) =
                static_cast<float>(normalized(acts[u], act_choices_.front(), act_choices_.back()));
            s(6) = static_cast<float>(previous);
            s(7) = layer_features_(5, t);
            const double a = explore(llc_.act(llc_states_.col(k)), rng);
            const int b = choose(own, a);
            weights[u].push_back(b);
            sum += b;
            previous = a;
            llc_actions_.push_back(static_cast<float>(a));
            llc_layer_.push_back(t);
        }
        const double mean = sum / double(std::max<Index>(C, 1));
        goal_error_[u] = hi > lo ? -std::abs(mean - goal) / (hi - lo) : 0.0;
        previous_mean = normalized(mean, lo, hi);
    }
    out.bits = KernelBits(std::move(weights), std::move(acts), "autoq");
    return out;
}

void AutoqAgent::learn(double reward, std::mt19937_64& rng) {
    const bool warm = config_.haq.warming_up(episodes_);
    const auto R = static_cast<float>(reward);
    const auto H = static_cast<Index>(hlc_actions_.size());
    for (Index i = 0; i < H; ++i) {
        const bool done = i == H - 1;
        hlc_.observe(hlc_states_.col(i), hlc_actions_[static_cast<std::size_t>(i)], R,
                     hlc_states_.col(done ? i : i + 1), done);
        if (!warm)
            for (int n = 0; n < config_.haq.updates_per_step; ++n) hlc_.update(rng);
    }
    const double w = config_.autoq.intrinsic_weight;
    for (std::size_t k = 0; k < llc_actions_.size(); ++k) {
        const auto layer = static_cast<std::size_t>(llc_layer_[k]);
        const auto r = static_cast<float>(reward + w * goal_error_[layer]);
        const auto col = static_cast<Index>(k);
        llc_.observe(llc_states_.col(col), llc_actions_[k], r, llc_states_.col(col), true);
    }
    if (!warm)
        for (int n = 0; n < config_.autoq.llc_updates_per_episode; ++n) llc_.update(rng);
    ++episodes_;
}

}  // namespace serialq::agent::detail
