// The two baselines: uniform random assignments and exhaustive enumeration.
#include "serialq/agent/nn/random.hpp"
#include "serialq/agent/search_strategy.hpp"

#include "../byte_io.hpp"
#include "ppo_strategy.hpp"

#include "serialq/common/error.hpp"

#include <cmath>

namespace serialq::agent {

namespace {

// Each layer's bits drawn uniformly and independently from the choices.
class RandomStrategy final : public SearchStrategy {
public:
    std::string name() const override { return "random"; }
    EpisodeLog run_episode(Environment& env, std::mt19937_64& rng) override {
        const Index T = env.steps(), A = env.actions();
        EpisodeLog log;
        log.action_probabilities.assign(static_cast<std::size_t>(T * A), 1.0 / double(A));
        env.begin_episode();
        for (Index t = 0; t < T; ++t)
            env.act(t, static_cast<Index>(uniform_index(rng, static_cast<std::uint64_t>(A))));
        log.result = env.finish_episode();
        log.policy_entropy_nats = std::log(double(A));
        return log;
    }
};

// Every assignment once, in lexicographic order (first layer most significant), so the
// evaluated set is the whole space and its Pareto frontier is exact.
class ExhaustiveStrategy final : public SearchStrategy {
public:
    ExhaustiveStrategy(const Environment& env, long long max_configurations) {
        total_ = 1;
        for (Index t = 0; t < env.steps(); ++t) {
            if (total_ > max_configurations / env.actions())
                throw ConfigError("exhaustive: " + std::to_string(env.actions()) + "^" +
                                  std::to_string(env.steps()) +
                                  " assignments exceed exhaustive.max_configurations = " +
                                  std::to_string(max_configurations) +
                                  "; use a smaller network or bit set, or another strategy");
            total_ *= env.actions();
        }
    }
    std::string name() const override { return "exhaustive"; }
    long long episodes(long long) const override { return total_; }

    EpisodeLog run_episode(Environment& env, std::mt19937_64&) override {
        const Index T = env.steps(), A = env.actions();
        if (next_ >= total_) throw std::logic_error("exhaustive: every assignment was played");
        std::vector<Index> digits(static_cast<std::size_t>(T));
        long long k = next_++;
        for (Index t = T - 1; t >= 0; --t) {
            digits[static_cast<std::size_t>(t)] = static_cast<Index>(k % A);
            k /= A;
        }
        EpisodeLog log;
        log.action_probabilities.assign(static_cast<std::size_t>(T * A), 0.0);
        env.begin_episode();
        for (Index t = 0; t < T; ++t) {
            log.action_probabilities[static_cast<std::size_t>(t * A + digits[static_cast<std::size_t>(t)])] = 1.0;
            env.act(t, digits[static_cast<std::size_t>(t)]);
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

std::unique_ptr<SearchStrategy> make_search_strategy(const std::string& name,
                                                     const SearchConfig& config,
                                                     const Environment& env,
                                                     std::mt19937_64& rng) {
    if (name == "ppo") return std::make_unique<PpoStrategy>(config, env, rng);
    if (name == "random") return std::make_unique<RandomStrategy>();
    if (name == "exhaustive")
        return std::make_unique<ExhaustiveStrategy>(env, config.max_exhaustive_configurations);
    throw ConfigError("strategy: found '" + name + "', expected one of ppo, random, exhaustive");
}

}  // namespace serialq::agent
