#include "serialq/agent/environment.hpp"

#include "serialq/common/error.hpp"

#include <algorithm>
#include <cmath>

namespace serialq::agent {

void EnvironmentParams::check() const {
    if (bits.empty()) throw ConfigError("bits: found an empty list, expected at least one bitwidth");
    for (std::size_t i = 0; i < bits.size(); ++i) {
        if (bits[i] < 1 || bits[i] > 16)
            throw ConfigError("bits: found " + std::to_string(bits[i]) + " at position " +
                              std::to_string(i) + ", expected bitwidths in 1..16");
        if (i > 0 && bits[i] <= bits[i - 1])
            throw ConfigError("bits: found " + std::to_string(bits[i]) + " after " +
                              std::to_string(bits[i - 1]) +
                              ", expected distinct bitwidths in ascending order");
    }
    if (baseline_bits < 1 || baseline_bits > 16)
        throw ConfigError("baseline_bits: found " + std::to_string(baseline_bits) +
                          ", expected an integer in 1..16");
}

namespace {

// log(1 + v) / log(1 + max): sizes span orders of magnitude across layers.
double log_scaled(double v, double max) { return std::log1p(v) / std::log1p(std::max(max, 1.0)); }

}  // namespace

Environment::Environment(const Network& net, AccuracyMemo& accuracy, HardwareCosts& hardware,
                         RewardKind reward, const RewardParams& reward_params,
                         const EnvironmentParams& params, const std::vector<double>& weight_std)
    : net_(&net),
      accuracy_(&accuracy),
      hardware_(&hardware),
      reward_(reward),
      reward_params_(reward_params),
      params_(params) {
    params_.check();
    reward_params_.check();
    const auto layers = net.weight_layers();
    steps_ = static_cast<Index>(layers.size());
    if (weight_std.size() != layers.size())
        throw ConfigError("environment: " + std::to_string(weight_std.size()) +
                          " weight statistics for " + std::to_string(layers.size()) +
                          " weight layers");
    max_bits_ = params_.bits.back();
    double max_in = 0, max_out = 0, max_k = 0, max_w = 0, max_m = 0, max_std = 0;
    for (std::size_t l = 0; l < layers.size(); ++l) {
        max_in = std::max(max_in, double(layers[l]->in_channels()));
        max_out = std::max(max_out, double(layers[l]->out_channels()));
        max_k = std::max(max_k, double(layers[l]->kernel_h * layers[l]->kernel_w));
        max_w = std::max(max_w, double(layers[l]->weights()));
        max_m = std::max(max_m, double(layers[l]->macs()));
        max_std = std::max(max_std, weight_std[l]);
    }
    static_.resize(7, steps_);
    for (std::size_t l = 0; l < layers.size(); ++l) {
        const Layer& L = *layers[l];
        const Index c = static_cast<Index>(l);
        static_(0, c) = steps_ > 1 ? double(l) / double(steps_ - 1) : 0.0;
        static_(1, c) = log_scaled(L.in_channels(), max_in);
        static_(2, c) = log_scaled(L.out_channels(), max_out);
        static_(3, c) = log_scaled(L.kernel_h * L.kernel_w, max_k);
        static_(4, c) = log_scaled(double(L.weights()), max_w);
        static_(5, c) = log_scaled(double(L.macs()), max_m);
        static_(6, c) = max_std > 0 ? weight_std[l] / max_std : 0.0;
        quant_cost_.push_back(double(L.weights()) * reward_params_.mem_to_mac_energy +
                              double(L.macs()));
    }
    current_.assign(layers.size(), max_bits_);
}

double Environment::normalized_bits(int bits) const {
    const int lo = params_.bits.front();
    return max_bits_ > lo ? double(bits - lo) / double(max_bits_ - lo) : 1.0;
}

void Environment::begin_episode() {
    previous_bits_ = max_bits_;
    if (!params_.carry_assignment) {
        std::fill(current_.begin(), current_.end(), max_bits_);
        y_ = 1.0;
    }
}

template <typename S>
void Environment::observe(Index t, S* state) {
    for (Index k = 0; k < 7; ++k) state[k] = static_cast<S>(static_(k, t));
    state[7] = static_cast<S>(normalized_bits(current_[static_cast<std::size_t>(t)]));
    state[8] = static_cast<S>(normalized_bits(previous_bits_));
    state[9] = static_cast<S>(cost(current_));
    state[10] = static_cast<S>(y_);
}

template void Environment::observe<float>(Index, float*);
template void Environment::observe<double>(Index, double*);

void Environment::act(Index t, Index action) {
    const int bits = params_.bits[static_cast<std::size_t>(action)];
    current_[static_cast<std::size_t>(t)] = bits;
    previous_bits_ = bits;
    if (params_.step_accuracy)
        y_ = accuracy_->accuracy_percent(current_) / accuracy_->reference_accuracy_percent();
}

EpisodeResult Environment::finish_episode() {
    EpisodeResult r = evaluate(current_);
    y_ = r.relative_accuracy;
    return r;
}

EpisodeResult Environment::play(const std::vector<int>& bits) {
    if (static_cast<Index>(bits.size()) != steps_)
        throw ConfigError("bits: " + std::to_string(bits.size()) + " values for " +
                          std::to_string(steps_) + " weight layers");
    begin_episode();
    for (Index t = 0; t < steps_; ++t) {
        const int b = bits[static_cast<std::size_t>(t)];
        const auto it = std::find(params_.bits.begin(), params_.bits.end(), b);
        if (it == params_.bits.end())
            throw ConfigError("bits: " + std::to_string(b) + " for weight layer " +
                              std::to_string(t) + " is not one of the search's choices");
        act(t, it - params_.bits.begin());
    }
    return finish_episode();
}

double Environment::cost(const std::vector<int>& bits) {
    switch (reward_) {
        case RewardKind::Latency: {
            const HardwareCost c = hardware_->network(bits);
            return double(c.cycles) / double(baseline_cost().cycles);
        }
        case RewardKind::Energy: {
            const HardwareCost c = hardware_->network(bits);
            return c.energy_pj / baseline_cost().energy_pj;
        }
        default: {
            double used = 0, full = 0;
            for (std::size_t l = 0; l < bits.size(); ++l) {
                used += quant_cost_[l] * bits[l];
                full += quant_cost_[l] * max_bits_;
            }
            return used / full;
        }
    }
}

EpisodeResult Environment::evaluate(const std::vector<int>& bits) {
    EpisodeResult r;
    r.bits = bits;
    r.accuracy_percent = accuracy_->accuracy_percent(bits);
    r.relative_accuracy = r.accuracy_percent / accuracy_->reference_accuracy_percent();
    const HardwareCost hw = hardware_->network(bits);
    r.cycles = hw.cycles;
    r.energy_pj = hw.energy_pj;
    r.cost = cost(bits);
    r.reward = shaped_reward(shape_of(reward_, reward_params_), r.cost, r.relative_accuracy,
                             reward_params_);
    return r;
}

void Environment::restore(const std::vector<int>& current_bits, double relative_accuracy) {
    if (current_bits.size() != current_.size())
        throw InputError("checkpoint: " + std::to_string(current_bits.size()) +
                         " layers in the saved assignment, the network has " +
                         std::to_string(current_.size()));
    current_ = current_bits;
    y_ = relative_accuracy;
}

}  // namespace serialq::agent
