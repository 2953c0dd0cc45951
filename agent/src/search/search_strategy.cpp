// The two baselines: uniform random assignments and exhaustive enumeration.
#include "serialq/agent/nn/random.hpp"
#include "serialq/agent/search_strategy.hpp"

#include "../byte_io.hpp"
#include "ppo_strategy.hpp"
#include "strategies.hpp"

#include "serialq/common/error.hpp"

#include <algorithm>
#include <cmath>
#include <iomanip>
#include <sstream>
#include <stdexcept>

namespace serialq::agent {

namespace {

// The probability row of layer t for a choice `bits` taken with certainty.
void mark_choice(EpisodeLog& log, const Environment& env, Index t, int bits, double p) {
    const auto& all = env.choices();
    const auto a = std::find(all.begin(), all.end(), bits) - all.begin();
    log.action_probabilities[static_cast<std::size_t>(t * env.actions() + a)] = p;
}

// Each layer's bits drawn uniformly and independently from its own choices.
class RandomStrategy final : public SearchStrategy {
public:
    std::string name() const override { return "random"; }
    EpisodeLog run_episode(Environment& env, std::mt19937_64& rng) override {
        const Index T = env.steps(), A = env.actions();
        EpisodeLog log;
        log.action_probabilities.assign(static_cast<std::size_t>(T * A), 0.0);
        env.begin_episode();
        double entropy = 0;
        for (Index t = 0; t < T; ++t) {
            const auto& own = env.layer_choices(t);
            const int b = own[uniform_index(rng, own.size())];
            for (int c : own) mark_choice(log, env, t, c, 1.0 / double(own.size()));
            entropy += std::log(double(own.size()));
            env.act_bits(t, b);
        }
        log.result = env.finish_episode();
        log.policy_entropy_nats = entropy / double(T);
        return log;
    }
};

// Every assignment once, in lexicographic order (first layer most significant), so the
// evaluated set is the whole space and its Pareto frontier is exact.
class ExhaustiveStrategy final : public SearchStrategy {
public:
    ExhaustiveStrategy(const Environment& env, long long max_configurations) {
        total_ = 1;
        double all = 1;  // the space's size, for the message (may exceed long long)
        for (Index t = 0; t < env.steps(); ++t) all *= double(env.layer_choices(t).size());
        for (Index t = 0; t < env.steps(); ++t) {
            const auto n = static_cast<long long>(env.layer_choices(t).size());
            if (total_ > max_configurations / n) {
                std::ostringstream size;
                size << std::setprecision(4) << all;
                throw ConfigError("exhaustive: " + size.str() +
                                  " assignments exceed exhaustive.max_configurations = " +
                                  std::to_string(max_configurations) +
                                  "; use a smaller network or bit set, or another strategy");
            }
            total_ *= n;
        }
    }
    std::string name() const override { return "exhaustive"; }
    long long episodes(long long) const override { return total_; }

    EpisodeLog run_episode(Environment& env, std::mt19937_64&) override {
        const Index T = env.steps(), A = env.actions();
        if (next_ >= total_) throw std::logic_error("exhaustive: every assignment was played");
        // Mixed radix: layer t's digit runs over its own choices, the last layer fastest.
        std::vector<int> bits(static_cast<std::size_t>(T));
        long long k = next_++;
        for (Index t = T - 1; t >= 0; --t) {
            const auto& own = env.layer_choices(t);
            const auto n = static_cast<long long>(own.size());
            bits[static_cast<std::size_t>(t)] = own[static_cast<std::size_t>(k % n)];
            k /= n;
        }
        EpisodeLog log;
        log.action_probabilities.assign(static_cast<std::size_t>(T * A), 0.0);
        env.begin_episode();
        for (Index t = 0; t < T; ++t) {
            mark_choice(log, env, t, bits[static_cast<std::size_t>(t)], 1.0);
            env.act_bits(t, bits[static_cast<std::size_t>(t)]);
        }
        log.result = env.finish_episode();
        return log;
    }

    std::string save_state() const override {
        detail::ByteWriter w;
        w.put<std::int64_t>(next_);
        return w.bytes();
    }
    void load_state(const std::string& bytes) override {
        detail::ByteReader r(bytes, "checkpoint: exhaustive state");
        next_ = r.get<std::int64_t>();
        r.expect_end();
        if (next_ < 0 || next_ > total_)
            throw InputError("checkpoint: exhaustive state: position " + std::to_string(next_) +
                             " outside 0.." + std::to_string(total_));
    }

private:
    long long total_ = 0;
    long long next_ = 0;
};

}  // namespace

void SearchStrategy::load_state(const std::string& bytes) {
    if (!bytes.empty())
        throw InputError("checkpoint: " + name() + " state: found " + std::to_string(bytes.size()) +
                         " bytes, expected none (" + name() + " keeps no state of its own)");
}

namespace {

using Factory = std::unique_ptr<SearchStrategy> (*)(const SearchConfig&, const Environment&,
                                                    std::mt19937_64&);
struct StrategyEntry {
    const char* name;
    const char* help;
    Factory make;
};

const StrategyEntry kStrategies[] = {
    {"ppo", "ReLeQ's PPO with LSTM policy and value networks",
     [](const SearchConfig& c, const Environment& e, std::mt19937_64& rng)
         -> std::unique_ptr<SearchStrategy> { return std::make_unique<PpoStrategy>(c, e, rng); }},
    {"adrl", "ADRL: PPO whose actor proposes k actions per layer, a profiling indicator picks",
     [](const SearchConfig& c, const Environment& e,
        std::mt19937_64& rng) -> std::unique_ptr<SearchStrategy> {
         return std::make_unique<PpoStrategy>(c, e, rng, true);
     }},
    {"haq", "HAQ's DDPG: a continuous action per layer, decaying noise, budget enforcement",
     [](const SearchConfig& c, const Environment& e, std::mt19937_64& rng)
         -> std::unique_ptr<SearchStrategy> { return detail::make_haq_strategy(c.haq, e, rng); }},
    {kAutoqStrategy,
     "AutoQ's hierarchical DDPG: per-layer activation bits and goals, per-kernel weight bits",
     [](const SearchConfig&, const Environment&,
        std::mt19937_64&) -> std::unique_ptr<SearchStrategy> {
         // Kernel-wise bits have no place on the layer-wise environment: run_autoq runs it.
         throw std::logic_error("strategy autoq runs through run_autoq (autoq.hpp)");
     }},
    {"random", "each layer's bits uniformly at random",
     [](const SearchConfig&, const Environment&, std::mt19937_64&)
         -> std::unique_ptr<SearchStrategy> { return std::make_unique<RandomStrategy>(); }},
    {"greedy", "lower the layer that loses least accuracy per cost saved, while feasible",
     [](const SearchConfig&, const Environment& e, std::mt19937_64&)
         -> std::unique_ptr<SearchStrategy> { return detail::make_greedy_strategy(e); }},
    {"exhaustive", "every assignment once (the exact answer)",
     [](const SearchConfig& c, const Environment& e,
        std::mt19937_64&) -> std::unique_ptr<SearchStrategy> {
         return std::make_unique<ExhaustiveStrategy>(e, c.exhaustive.max_configurations);
     }},
};

}  // namespace

std::vector<std::string> strategy_names() {
    std::vector<std::string> names;
    for (const auto& s : kStrategies) names.emplace_back(s.name);
    return names;
}

std::string strategy_help() {
    std::string h;
    for (const auto& s : kStrategies)
        h += std::string(h.empty() ? "" : "; ") + s.name + ": " + s.help;
    return h;
}

std::unique_ptr<SearchStrategy> make_search_strategy(const std::string& name,
                                                     const SearchConfig& config,
                                                     const Environment& env, std::mt19937_64& rng) {
    for (const auto& s : kStrategies)
        if (name == s.name) return s.make(config, env, rng);
    std::string names;
    for (const auto& s : kStrategies) names += std::string(names.empty() ? "" : ", ") + s.name;
    throw ConfigError("strategy: found '" + name + "', expected one of " + names);
}

}  // namespace serialq::agent
