// greedy: the heuristic an engineer writes first. Start with every layer at its largest
// choice; in each round, try lowering each layer by one choice (one oracle call each), then
// take the move that loses the least accuracy per unit of cost saved, as long as the
// objective's constraint still holds:
//   latency | energy | size: only moves that stay feasible; stop when none does;
//   accuracy (budget):       lower until the budget holds, then stop;
//   reward:                  the move with the highest reward, while the reward improves.
// One episode plays one assignment; the strategy has finished() when it stops.
#include "strategies.hpp"

#include "../byte_io.hpp"

#include "serialq/common/error.hpp"

#include <algorithm>
#include <limits>

namespace serialq::agent::detail {

namespace {

class GreedyStrategy final : public SearchStrategy {
public:
    // The layers' choices, kept to check a restored assignment against.
    explicit GreedyStrategy(const Environment& env) {
        for (Index t = 0; t < env.steps(); ++t) choices_.push_back(env.layer_choices(t));
    }
    std::string name() const override { return "greedy"; }
    bool finished() const override { return finished_; }

    EpisodeLog run_episode(Environment& env, std::mt19937_64&) override {
        if (finished_) throw std::logic_error("greedy: run_episode after it finished");
        if (!started_) {
            started_ = true;
            current_ = env.top_bits();
            EpisodeLog log = play(env, current_);
            advance(env);
            return log;
        }
        if (rebuild_) {  // after a checkpoint: the round follows from current_ alone
            const std::size_t position = position_;
            build_round(env);
            position_ = position;
            rebuild_ = false;
            if (position_ >= round_.size())
                throw InputError("checkpoint: greedy state: position " + std::to_string(position_) +
                                 " outside its round of " + std::to_string(round_.size()));
        }
        EpisodeLog log = play(env, round_[position_++]);
        if (position_ == round_.size()) decide(env);
        return log;
    }

    std::string save_state() const override {
        ByteWriter w;
        w.put<std::uint8_t>(started_);
        w.put<std::uint8_t>(finished_);
        w.put_array(current_.data(), static_cast<std::int64_t>(current_.size()));
        w.put<std::int64_t>(static_cast<std::int64_t>(position_));
        return w.bytes();
    }
    void load_state(const std::string& bytes) override {
        ByteReader r(bytes, "checkpoint: greedy state");
        const bool started = get_flag(r, "started");
        const bool finished = get_flag(r, "finished");
        std::vector<int> current = r.get_array<int>();
        const auto position = r.get_count("position");
        r.expect_end();
        // The next round is built from, and played with, every layer's current choice.
        if (started) check_assignment(current);
        started_ = started;
        finished_ = finished;
        current_ = std::move(current);
        position_ = static_cast<std::size_t>(position);
        rebuild_ = started_ && !finished_;
    }

private:
    static bool get_flag(ByteReader& r, const char* field) {
        const auto v = r.get<std::uint8_t>();
        if (v > 1)
            throw InputError("checkpoint: greedy state: " + std::string(field) + ": found " +
                             std::to_string(v) + ", expected 0 or 1");
        return v == 1;
    }

    void check_assignment(const std::vector<int>& bits) const {
        const std::string at = "checkpoint: greedy state: current bits";
        if (bits.size() != choices_.size())
            throw InputError(at + ": found " + std::to_string(bits.size()) + " layers, expected " +
                             std::to_string(choices_.size()) + " (the network's weight layers)");
        for (std::size_t t = 0; t < bits.size(); ++t)
            if (std::find(choices_[t].begin(), choices_[t].end(), bits[t]) == choices_[t].end())
                throw InputError(at + " of layer " + std::to_string(t) + ": found " +
                                 std::to_string(bits[t]) + ", expected one of the layer's choices");
    }

    static EpisodeLog play(Environment& env, const std::vector<int>& bits) {
        EpisodeLog log;
        log.action_probabilities.assign(static_cast<std::size_t>(env.steps() * env.actions()), 0.0);
        const auto& all = env.choices();
        for (std::size_t t = 0; t < bits.size(); ++t) {
            const auto a = std::find(all.begin(), all.end(), bits[t]) - all.begin();
            log.action_probabilities[t * static_cast<std::size_t>(env.actions()) +
                                     static_cast<std::size_t>(a)] = 1.0;
        }
        log.result = env.play(bits);
        return log;
    }

    // Next round from current_, or the end.
    void advance(Environment& env) {
        if (env.objective().kind == ObjectiveKind::Accuracy && env.evaluate(current_).feasible) {
            finished_ = true;  // within the budget: lowering further only costs accuracy
            return;
        }
        build_round(env);
        if (round_.empty()) finished_ = true;
    }

    // The candidates of a round: each layer lowered by one of its own choices.
    void build_round(const Environment& env) {
        round_.clear();
        position_ = 0;
        for (Index t = 0; t < env.steps(); ++t) {
            const auto& own = env.layer_choices(t);
            const auto it =
                std::find(own.begin(), own.end(), current_[static_cast<std::size_t>(t)]);
            if (it == own.begin()) continue;
            std::vector<int> c = current_;
            c[static_cast<std::size_t>(t)] = *(it - 1);
            round_.push_back(std::move(c));
        }
    }

    // After a round: move to the best candidate, or stop. Every candidate is in the memo by
    // now, so evaluate() asks the oracle nothing.
    void decide(Environment& env) {
        const EpisodeResult here = env.evaluate(current_);
        const ObjectiveKind kind = env.objective().kind;
        double best_score = std::numeric_limits<double>::infinity();
        const std::vector<int>* best = nullptr;
        for (const auto& c : round_) {
            const EpisodeResult r = env.evaluate(c);
            double score = 0;
            if (kind == ObjectiveKind::Reward) {
                if (r.reward <= here.reward) continue;
                score = -r.reward;
            } else {
                if (kind != ObjectiveKind::Accuracy && !r.feasible) continue;
                // Accuracy lost per unit of cost saved; a move that saves nothing ranks last
                // unless it gains accuracy.
                score = (here.accuracy_percent - r.accuracy_percent) /
                        std::max(here.cost - r.cost, 1e-12);
            }
            if (score < best_score) {
                best_score = score;
                best = &c;
            }
        }
        if (!best) {
            finished_ = true;
            return;
        }
        current_ = *best;
        advance(env);
    }

    std::vector<std::vector<int>> choices_;  // each layer's, in the environment's order
    bool started_ = false;
    bool finished_ = false;
    std::vector<int> current_;
    std::vector<std::vector<int>> round_;
    std::size_t position_ = 0;
    bool rebuild_ = false;
};

}  // namespace

std::unique_ptr<SearchStrategy> make_greedy_strategy(const Environment& env) {
    return std::make_unique<GreedyStrategy>(env);
}

}  // namespace serialq::agent::detail
