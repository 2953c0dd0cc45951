#include "serialq/agent/environment.hpp"

#include "serialq/common/error.hpp"

#include <algorithm>
#include <cmath>

namespace serialq::agent {

namespace {

// Ascending distinct bitwidths in 1..16; `what` names the list in the error.
void check_choice_list(const std::vector<int>& bits, const std::string& what) {
    if (bits.empty())
        throw ConfigError(what + ": found an empty list, expected at least one bitwidth");
    for (std::size_t i = 0; i < bits.size(); ++i) {
        if (!kBitwidths.contains(bits[i]))
            throw ConfigError(what + ": found " + std::to_string(bits[i]) + " at position " +
                              std::to_string(i) + ", expected bitwidths in " + kBitwidths.str());
        if (i > 0 && bits[i] <= bits[i - 1])
            throw ConfigError(what + ": found " + std::to_string(bits[i]) + " after " +
                              std::to_string(bits[i - 1]) +
                              ", expected distinct bitwidths in ascending order");
    }
}

}  // namespace

// `layers` is declared by the search config's loader: its shape is a mapping of its own.
const ConfigFields<EnvironmentParams>& environment_fields() {
    using E = EnvironmentParams;
    static const ConfigFields<EnvironmentParams> f{
        integer_list({"bits",
                      "the choices for every weight layer (ascending, distinct, within "
                      "the accelerator's min_bits..max_bits)"},
                     &E::bits, 1, 16),
        integer({"baseline_bits",
                 "the reference of x (latency, energy), speedup and energy "
                 "reduction (within the accelerator's range)"},
                &E::baseline_bits, 1, 16),
        choice({"accuracy_feedback",
                "ask the oracle once per episode, or after every layer "
                "(ReLeQ)"},
               &E::accuracy_feedback, kAccuracyFeedbackNames),
        choice({"episode_start",
                "start each episode from the previous assignment (ReLeQ) or "
                "from all layers at the largest choice"},
               &E::episode_start, kEpisodeStartNames),
    };
    return f;
}

void EnvironmentParams::check() const {
    check_fields(environment_fields(), *this);
    check_choice_list(bits, "bits");
    for (const auto& [name, list] : layer_bits) check_choice_list(list, "layers." + name);
}

namespace {

// log(1 + v) / log(1 + max): sizes span orders of magnitude across layers.
double log_scaled(double v, double max) { return std::log1p(v) / std::log1p(std::max(max, 1.0)); }

}  // namespace

Environment::Environment(const Network& net, AccuracyMemo& accuracy, HardwareCosts& hardware,
                         const Objective& objective, const RewardParams& reward_params,
                         const EnvironmentParams& params, const std::vector<double>& weight_std)
    : net_(&net),
      accuracy_(&accuracy),
      hardware_(&hardware),
      objective_(objective),
      reward_params_(reward_params),
      params_(params) {
    params_.check();
    reward_params_.check();
    objective_.check();
    const auto layers = net.weight_layers();
    steps_ = static_cast<Index>(layers.size());
    if (weight_std.size() != layers.size())
        throw ConfigError("environment: " + std::to_string(weight_std.size()) +
                          " weight statistics for " + std::to_string(layers.size()) +
                          " weight layers");
    resolve_layer_choices();
    max_bits_ = choices_.back();
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
    current_ = top_bits();
}

void Environment::resolve_layer_choices() {
    const auto layers = net_->weight_layers();
    std::string names;
    for (const Layer* L : layers) names += (names.empty() ? "" : ", ") + L->name;
    for (const auto& entry : params_.layer_bits) {
        const auto it = std::find_if(layers.begin(), layers.end(),
                                     [&](const Layer* L) { return L->name == entry.first; });
        if (it == layers.end())
            throw ConfigError("layers." + entry.first + ": " + net_->file +
                              " has no weight layer of that name, expected one of " + names);
    }
    choices_ = params_.bits;
    for (const Layer* L : layers) {
        const auto own = params_.layer_bits.find(L->name);
        layer_choices_.push_back(own == params_.layer_bits.end() ? params_.bits : own->second);
        for (int b : layer_choices_.back())
            if (std::find(choices_.begin(), choices_.end(), b) == choices_.end())
                choices_.push_back(b);
    }
    std::sort(choices_.begin(), choices_.end());
}

std::vector<int> Environment::top_bits() const {
    std::vector<int> top;
    for (const auto& c : layer_choices_) top.push_back(c.back());
    return top;
}

double Environment::normalized_bits(int bits) const {
    const int lo = choices_.front();
    return max_bits_ > lo ? double(bits - lo) / double(max_bits_ - lo) : 1.0;
}

void Environment::begin_episode() {
    previous_bits_ = max_bits_;
    if (params_.episode_start == EpisodeStart::Reset) {
        current_ = top_bits();
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

int Environment::bits_for_action(Index t, Index action) const {
    const int wanted = choices_[static_cast<std::size_t>(action)];
    const auto& own = layer_choices(t);
    int bits = own.front();
    for (int b : own)
        if (std::abs(b - wanted) <= std::abs(bits - wanted)) bits = b;
    return bits;
}

void Environment::act(Index t, Index action) { set_bits(t, bits_for_action(t, action)); }

void Environment::act_bits(Index t, int bits) {
    const auto& own = layer_choices(t);
    if (std::find(own.begin(), own.end(), bits) == own.end())
        throw ConfigError("bits: " + std::to_string(bits) + " for weight layer " +
                          std::to_string(t) + " is not one of its choices in the search");
    set_bits(t, bits);
}

void Environment::set_bits(Index t, int bits) {
    current_[static_cast<std::size_t>(t)] = bits;
    previous_bits_ = bits;
    if (params_.accuracy_feedback == AccuracyFeedback::Step)
        y_ = accuracy_->accuracy_percent(current_) / accuracy_->reference_accuracy_percent();
}

EpisodeResult Environment::finish_episode() {
    EpisodeResult r = evaluate(current_);
    y_ = r.relative_accuracy;
    return r;
}

EpisodeResult Environment::play(const std::vector<int>& bits) {
    LayerBits(bits).expect(static_cast<std::size_t>(steps_), "search");
    begin_episode();
    for (Index t = 0; t < steps_; ++t) act_bits(t, bits[static_cast<std::size_t>(t)]);
    return finish_episode();
}

double cost_ratio(CostMetric metric, const HardwareCost& c, const HardwareCost& base) {
    switch (metric) {
        case CostMetric::Latency:
            return double(c.cycles) / double(base.cycles);
        case CostMetric::Energy:
            return c.energy_pj / base.energy_pj;
        case CostMetric::Size:
            return double(c.weight_bits) / double(base.weight_bits);
    }
    return 0;
}

double Environment::cost_ratio(CostMetric metric, const std::vector<int>& bits) {
    // In this order: each may simulate, and checkpoints record the simulations in order.
    const HardwareCost c = hardware_->network(LayerBits(bits));
    return agent::cost_ratio(metric, c, baseline_cost());
}

double Environment::cost(const std::vector<int>& bits) {
    if (!objective_.uses_reward()) return cost_ratio(objective_.metric(), bits);
    switch (objective_.reward) {
        case RewardKind::Latency:
            return cost_ratio(CostMetric::Latency, bits);
        case RewardKind::Energy:
            return cost_ratio(CostMetric::Energy, bits);
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
    return with_accuracy(bits, accuracy_->accuracy_percent(bits));
}

EpisodeResult Environment::with_accuracy(const std::vector<int>& bits, double accuracy_percent) {
    EpisodeResult r;
    r.bits = bits;
    r.accuracy_percent = accuracy_percent;
    r.relative_accuracy = r.accuracy_percent / accuracy_->reference_accuracy_percent();
    const HardwareCost hw = hardware_->network(LayerBits(bits));
    r.cycles = hw.cycles;
    r.energy_pj = hw.energy_pj;
    r.weight_bits = hw.weight_bits;
    r.cost = cost(bits);
    const double releq = objective_.uses_reward()
                             ? shaped_reward(shape_of(objective_.reward, reward_params_), r.cost,
                                             r.relative_accuracy, reward_params_)
                             : 0.0;
    const Verdict v = judge(objective_, r.accuracy_percent, accuracy_->reference_accuracy_percent(),
                            r.cost, releq);
    r.feasible = v.feasible;
    r.reward = v.reward;
    return r;
}

void Environment::restore(const std::vector<int>& current_bits, double relative_accuracy) {
    try {
        LayerBits(current_bits).expect(current_.size(), "the network");
    } catch (const ConfigError& e) {
        throw InputError(std::string("checkpoint: the saved assignment: ") + e.what());
    }
    current_ = current_bits;
    y_ = relative_accuracy;
}

}  // namespace serialq::agent
