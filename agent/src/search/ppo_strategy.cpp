#include "ppo_strategy.hpp"

#include "../byte_io.hpp"

#include "serialq/agent/nn/random.hpp"

#include <algorithm>
#include <cmath>

namespace serialq::agent {

PpoStrategy::PpoStrategy(const SearchConfig& config, const Environment& env, std::mt19937_64& rng,
                         bool augmented)
    : augmented_(augmented),
      actions_(env.actions()),
      floor_(config.ppo.exploration_floor),
      candidates_(config.adrl.candidates),
      net_(make_actor_critic<float>(config.network, Environment::kStateSize, env.actions(), rng)),
      trainer_(*net_, config.ppo) {
    // The copy draws no random numbers of its own: its weights are overwritten at once.
    std::mt19937_64 unused(0);
    rollout_ =
        make_actor_critic<float>(config.network, Environment::kStateSize, env.actions(), unused);
    rollout_->parameters().values() = net_->parameters().values();
    rollout_->resize(env.steps(), 1);
    net_->resize(env.steps(), config.ppo.episodes_per_update);
    buffer_.reset(env.steps(), config.ppo.episodes_per_update, Environment::kStateSize);
}

Index PpoStrategy::explore(std::mt19937_64& rng) const {
    // No draw at all without a floor: ReLeQ's PPO keeps its random stream.
    if (floor_ > 0 && uniform01(rng) < floor_)
        return static_cast<Index>(
            uniform_index(rng, static_cast<std::uint64_t>(dist_.probs().rows())));
    return dist_.sample(0, rng);
}

Index PpoStrategy::augmented_action(Environment& env, Index t, std::mt19937_64& rng) {
    // The floor applies to the action taken: the indicator would otherwise override it.
    if (floor_ > 0 && uniform01(rng) < floor_)
        return static_cast<Index>(uniform_index(rng, static_cast<std::uint64_t>(env.actions())));
    std::vector<Index> proposed;
    std::vector<int> proposed_bits;
    for (int tries = 0; tries < 4 * candidates_ && static_cast<int>(proposed.size()) < candidates_;
         ++tries) {
        const Index a = dist_.sample(0, rng);
        const int b = env.bits_for_action(t, a);
        if (std::find(proposed_bits.begin(), proposed_bits.end(), b) != proposed_bits.end())
            continue;
        proposed.push_back(a);
        proposed_bits.push_back(b);
    }
    if (proposed.size() == 1) return proposed.front();
    std::vector<int> bits = env.current_bits();
    Index best = proposed.front();
    double best_score = -INFINITY;
    for (std::size_t i = 0; i < proposed.size(); ++i) {
        bits[static_cast<std::size_t>(t)] = proposed_bits[i];
        const double s = indicator_.score(env, bits);
        if (s > best_score) {
            best_score = s;
            best = proposed[i];
        }
    }
    return best;
}

EpisodeLog PpoStrategy::run_episode(Environment& env, std::mt19937_64& rng) {
    const Index T = env.steps(), A = env.actions();
    EpisodeLog log;
    log.action_probabilities.resize(static_cast<std::size_t>(T * A));
    env.begin_episode();
    double entropy = 0;
    for (Index t = 0; t < T; ++t) {
        auto state = buffer_.state(t);
        env.observe(t, state.data());
        rollout_->forward_step(t, state, false);
        dist_.set_logits(rollout_->logits().col(t));
        const Index a = augmented_ ? augmented_action(env, t, rng) : explore(rng);
        entropy += static_cast<double>(dist_.entropy(0));
        for (Index k = 0; k < A; ++k)
            log.action_probabilities[static_cast<std::size_t>(t * A + k)] =
                static_cast<double>(dist_.probs()(k, 0));
        buffer_.record(t, static_cast<int>(a), dist_.log_prob(0, a), 0.0f, 0.0f);
        env.act(t, a);
    }
    log.result = env.finish_episode();
    log.policy_entropy_nats = entropy / static_cast<double>(T);
    // The reward arrives at the end of the episode; GAE carries it back to earlier layers.
    buffer_.set_reward(T - 1, static_cast<float>(log.result.reward));
    buffer_.finish_episode();
    if (buffer_.full()) {
        last_update_ = trainer_.update(buffer_);
        rollout_->parameters().values() = net_->parameters().values();
        ++updates_;
    }
    return log;
}

std::string PpoStrategy::save_state() const {
    detail::ByteWriter w;
    const auto& p = const_cast<ActorCritic<float>&>(*net_).parameters();
    auto& adam = const_cast<PpoTrainer<float>&>(trainer_).optimizer();
    w.put<std::int64_t>(updates_);
    w.put_array(p.values().data(), p.size());
    w.put<std::int64_t>(adam.steps());
    w.put_array(adam.first_moment().data(), adam.first_moment().size());
    w.put_array(adam.second_moment().data(), adam.second_moment().size());
    // The episodes collected since the last update.
    w.put<std::int64_t>(buffer_.stored());
    w.put_array(buffer_.states().data(), buffer_.states().size());
    w.put_array(buffer_.actions().data(), static_cast<std::int64_t>(buffer_.actions().size()));
    w.put_array(buffer_.log_probs().data(), buffer_.log_probs().size());
    w.put_array(buffer_.values().data(), buffer_.values().size());
    w.put_array(buffer_.rewards().data(), buffer_.rewards().size());
    return w.bytes();
}

void PpoStrategy::load_state(const std::string& bytes) {
    detail::ByteReader r(bytes, "checkpoint: ppo state");
    auto& p = net_->parameters();
    auto& adam = trainer_.optimizer();
    auto copy = [](const std::vector<float>& from, float* to) {
        std::copy(from.begin(), from.end(), to);
    };
    // A NaN or infinite weight, moment or stored value would poison every later update.
    updates_ = r.get_count("update count");
    copy(r.get_finite_array<float>(p.size(), "network weights"), p.values().data());
    rollout_->parameters().values() = p.values();
    adam.set_steps(r.get_count("optimiser step count"));
    copy(r.get_finite_array<float>(p.size(), "optimiser first moment"), adam.first_moment().data());
    copy(r.get_finite_array<float>(p.size(), "optimiser second moment", 0),
         adam.second_moment().data());
    const auto stored = r.get<std::int64_t>();
    if (stored < 0 || stored >= buffer_.capacity())
        throw InputError("checkpoint: ppo state: " + std::to_string(stored) +
                         " stored episodes, expected fewer than " +
                         std::to_string(buffer_.capacity()));
    buffer_.set_stored(stored);
    copy(r.get_finite_array<float>(buffer_.states().size(), "stored states"),
         buffer_.states_data().data());
    const auto actions = r.get_array<int>(static_cast<std::int64_t>(buffer_.actions().size()));
    // The update indexes the policy's output by each stored action.
    for (const int a : actions)
        if (a < 0 || a >= actions_)
            throw InputError("checkpoint: ppo state: stored action " + std::to_string(a) +
                             ", expected 0.." + std::to_string(actions_ - 1) +
                             " (one per choice of bits)");
    buffer_.actions_data() = actions;
    copy(r.get_finite_array<float>(buffer_.log_probs().size(), "stored log-probabilities"),
         buffer_.log_probs_data().data());
    copy(r.get_finite_array<float>(buffer_.values().size(), "stored values"),
         buffer_.values_data().data());
    copy(r.get_finite_array<float>(buffer_.rewards().size(), "stored rewards"),
         buffer_.rewards_data().data());
    r.expect_end();
}

}  // namespace serialq::agent
