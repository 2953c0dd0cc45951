#include "serialq/agent/search_run.hpp"

#include "serialq/agent/accuracy_memo.hpp"
#include "serialq/agent/hardware_costs.hpp"
#include "serialq/agent/weight_statistics.hpp"
#include "serialq/common/atomic_file.hpp"
#include "serialq/common/error.hpp"
#include "serialq/common/finite.hpp"
#include "serialq/common/json_input.hpp"
#include "serialq/sim/figures.hpp"

#include "checkpoint.hpp"
#include "config_json.hpp"
#include "outputs.hpp"
#include "run_identity.hpp"

#include <algorithm>
#include <cmath>
#include <sstream>

namespace serialq::agent {

namespace {

using json = nlohmann::ordered_json;

// The first setting in which a checkpoint's run differs from this one, "" if none.
std::string first_difference(const json& saved, const json& now, const std::string& path) {
    if (saved.is_object() && now.is_object()) {
        for (auto it = now.begin(); it != now.end(); ++it) {
            const std::string key = path.empty() ? it.key() : path + "." + it.key();
            if (!saved.contains(it.key())) return key + ": missing in the checkpoint";
            const std::string d = first_difference(saved[it.key()], it.value(), key);
            if (!d.empty()) return d;
        }
        return "";
    }
    if (saved != now)
        return path + ": the checkpoint's run had " + saved.dump() + ", this run has " + now.dump();
    return "";
}

// The best assignment the oracle has answered, by the objective (the earliest on ties): every
// answer counts, the episodes' and any a strategy asked on the side (ADRL's profiles, ReLeQ's
// per-step feedback). A function of the memo and the calls per episode alone, so a resumed
// run finds the same one.
class BestSoFar {
public:
    // Looks at the memo's entries not seen yet; `episode` (1-based) is the one that asked them.
    void update(Environment& env, long long episode) {
        consider(env, env.accuracy().entries().size(), episode);
    }
    // After a resume: the entries asked by each episode, as `calls` (cumulative) says.
    void replay(Environment& env, const std::vector<long long>& calls) {
        for (std::size_t e = 0; e < calls.size(); ++e)
            consider(env, static_cast<std::size_t>(calls[e]), static_cast<long long>(e) + 1);
    }
    bool known() const { return episode_ > 0; }
    const EpisodeLog& log() const { return best_; }
    long long episode() const { return episode_; }

private:
    // The entries from the first not seen up to `upto` (at most the memo's), asked by `episode`.
    void consider(Environment& env, std::size_t upto, long long episode) {
        const auto& entries = env.accuracy().entries();
        for (upto = std::min(upto, entries.size()); seen_ < upto; ++seen_) {
            const EpisodeResult r = env.evaluate(entries[seen_].bits);  // a memo hit
            if (episode_ == 0 || better(env.objective(), judged(r), judged(best_.result))) {
                best_.result = r;
                episode_ = episode;
            }
        }
    }

    EpisodeLog best_;
    long long episode_ = 0;
    std::size_t seen_ = 0;
};

// The run settings a checkpoint was written with.
json checkpoint_identity(const detail::Checkpoint& c, const std::filesystem::path& file) {
    return parse_ordered_json(c.identity, file.string() + ": run settings", "the settings JSON");
}

// The parts of a run that change from episode to episode: what a checkpoint saves and restores.
struct RunState {
    std::mt19937_64& rng;
    Environment& env;
    AccuracyMemo& memo;
    SearchStrategy& strategy;
    HardwareCosts& costs;
    std::vector<EpisodeLog>& logs;
    std::vector<long long>& calls;  // the memo's distinct calls after each episode
};

// The checkpoint to resume from: ConfigError if it is of another run or has done more episodes
// than this run asks for.
detail::Checkpoint resumable_checkpoint(const std::filesystem::path& file, const json& identity,
                                        long long total) {
    detail::Checkpoint c = detail::read_checkpoint(file);
    const std::string diff = first_difference(checkpoint_identity(c, file), identity, "");
    if (!diff.empty())
        throw ConfigError(file.string() + ": cannot resume a different run: " + diff);
    if (c.episodes_done > total)
        throw ConfigError("--episodes: found " + std::to_string(total) + ", but " + file.string() +
                          " has already done " + std::to_string(c.episodes_done));
    return c;
}

// A checkpoint with a valid hash may still hold what this run cannot take (written by another
// program, or damaged before it was hashed): everything the restore and the outputs index by
// is checked against the run before any of it is used.
void check_restorable(const detail::Checkpoint& c, const std::filesystem::path& file,
                      const Environment& env) {
    const auto steps = static_cast<std::size_t>(env.steps());
    const auto actions = static_cast<std::size_t>(env.actions());
    const auto fail = [&](const std::string& found, const std::string& expected) {
        return InputError(file.string() + ": " + found + ", expected " + expected +
                          detail::kDamagedCheckpoint);
    };
    const auto check_bits = [&](const std::vector<int>& bits, const std::string& what) {
        if (bits.size() != steps)
            throw fail(what + ": " + std::to_string(bits.size()) + " layers",
                       std::to_string(steps) + " (the network's weight layers)");
        for (const int b : bits)
            if (b < 1 || b > 16) throw fail(what + ": " + std::to_string(b) + " bits", "1..16");
    };
    const auto percent = [](double v) { return finite_in(v, 0, 100); };

    check_bits(c.env_bits, "environment bits");
    for (std::size_t t = 0; t < steps; ++t) {
        const auto& choices = env.layer_choices(static_cast<Index>(t));
        if (std::find(choices.begin(), choices.end(), c.env_bits[t]) == choices.end())
            throw fail("environment bits of layer " + std::to_string(t) + ": " +
                           std::to_string(c.env_bits[t]),
                       "one of the layer's choices");
    }
    if (!finite_in(c.env_relative_accuracy, 0))
        throw fail("relative accuracy " + std::to_string(c.env_relative_accuracy),
                   "a finite number >= 0");
    for (std::size_t i = 0; i < c.memo.size(); ++i) {
        check_bits(c.memo[i].bits, "memo entry " + std::to_string(i));
        if (!percent(c.memo[i].accuracy_percent))
            throw fail("memo entry " + std::to_string(i) + ": accuracy " +
                           std::to_string(c.memo[i].accuracy_percent),
                       "a percentage 0..100");
    }
    if (c.reference_accuracy_percent &&
        (!percent(*c.reference_accuracy_percent) || *c.reference_accuracy_percent == 0))
        throw fail("reference accuracy " + std::to_string(*c.reference_accuracy_percent),
                   "a percentage in (0, 100]");
    for (std::size_t e = 0; e < c.logs.size(); ++e) {
        const std::string episode = "episode " + std::to_string(e + 1);
        check_bits(c.logs[e].result.bits, episode + " bits");
        const auto& p = c.logs[e].action_probabilities;
        if (p.size() != steps * actions)
            throw fail(episode + ": " + std::to_string(p.size()) + " action probabilities",
                       std::to_string(steps * actions) + " (layers x choices)");
        for (const double v : p)
            if (!(v >= 0 && v <= 1))
                throw fail(episode + ": action probability " + std::to_string(v), "0..1");
    }
    long long previous = 0;
    for (std::size_t e = 0; e < c.distinct_calls.size(); ++e) {
        const long long calls = c.distinct_calls[e];
        if (calls < previous || calls > static_cast<long long>(c.memo.size()))
            throw fail("episode " + std::to_string(e + 1) + ": " + std::to_string(calls) +
                           " distinct oracle calls",
                       "a count from " + std::to_string(previous) + " to the memo's " +
                           std::to_string(c.memo.size()));
        previous = calls;
    }
}

void restore(const RunState& s, detail::Checkpoint c, const std::filesystem::path& file,
             const std::optional<double>& reference_accuracy_percent) {
    check_restorable(c, file, s.env);
    std::istringstream rs(c.rng_state);
    rs >> s.rng;
    if (!rs) throw InputError(file.string() + ": unreadable random state");
    s.env.restore(c.env_bits, c.env_relative_accuracy);
    // A reference given on the command line wins over the one the checkpoint learnt.
    s.memo.restore(std::move(c.memo), reference_accuracy_percent ? reference_accuracy_percent
                                                                 : c.reference_accuracy_percent);
    // The strategy's state and the simulated layers are checked by their owners, which do not
    // know the file: their refusals are named here, with the one recovery advice.
    try {
        s.strategy.load_state(c.strategy_state);
        s.costs.replay(c.simulated_layers);
    } catch (const InputError& e) {
        throw InputError(file.string() + ": " + e.what() + detail::kDamagedCheckpoint);
    }
    s.logs = std::move(c.logs);
    s.calls = std::move(c.distinct_calls);
}

detail::Checkpoint checkpoint_of(const RunState& s, const json& identity) {
    detail::Checkpoint c;
    c.identity = identity.dump();
    c.episodes_done = static_cast<long long>(s.logs.size());
    std::ostringstream rs;
    rs << s.rng;
    c.rng_state = rs.str();
    c.env_bits = s.env.current_bits();
    c.env_relative_accuracy = s.env.relative_accuracy_state();
    c.memo = s.memo.entries();
    c.reference_accuracy_percent = s.memo.reference_if_known();
    c.logs = s.logs;
    c.distinct_calls = s.calls;
    c.strategy_state = s.strategy.save_state();
    c.simulated_layers = s.costs.simulated_layers();
    return c;
}

SearchSummary summarize(const RunState& s, const BestSoFar& best, const Objective& objective,
                        const HardwareCost& baseline) {
    SearchSummary out;
    out.best = best.log();
    out.best_episode = best.episode();
    out.best_feasible = out.best.result.feasible;
    out.objective = objective.describe(s.memo.reference_accuracy_percent());
    out.episodes = static_cast<long long>(s.logs.size());
    out.distinct_oracle_calls = s.memo.distinct_calls();
    // Every assignment answered is priced first, as pareto.json prices them all: the count is
    // then the checkpoint's, which a resumed run replays (taken before that pricing, it could be
    // below the count a resumed finished run finds).
    for (const auto& e : s.memo.entries()) s.costs.network(LayerBits(e.bits));
    out.simulations = s.costs.simulations();
    out.reference_accuracy_percent = s.memo.reference_accuracy_percent();
    out.baseline = baseline;
    out.speedup = sim::ratio(double(baseline.cycles), double(out.best.result.cycles));
    out.energy_reduction = sim::ratio(baseline.energy_pj, out.best.result.energy_pj);
    return out;
}

// The run's outputs after its episodes so far, written so that a run killed at any instant
// leaves files that tell one story (docs/reliability.md, "kill -9"). Every text is made before
// anything is written (pareto.json's costs may simulate, and the checkpoint records every
// simulation). The checkpoint goes first: it is the commit point --resume continues from. The
// views of it follow, best.json last, so each file holds at least best.json's `episodes` at
// every instant; they differ only while a save is under way (the ones ahead hold what the
// resumed run writes again, byte for byte).
void save_outputs(const RunState& s, const Network& net, const json& identity,
                  const std::filesystem::path& dir, const SearchSummary& summary) {
    const std::string pareto = detail::pareto_json(identity, summary, s.memo.entries(), s.costs);
    const std::string best = detail::best_json(identity, summary);
    const std::string episodes = detail::episodes_csv(s.logs, s.calls);
    const std::string probabilities =
        detail::action_probabilities_csv(net, s.env.choices(), s.logs);
    detail::write_checkpoint(dir / "checkpoint.bin", checkpoint_of(s, identity));
    write_file_atomically(dir / "episodes.csv", episodes);
    write_file_atomically(dir / "action_probabilities.csv", probabilities);
    write_file_atomically(dir / "pareto.json", pareto);
    write_file_atomically(dir / "best.json", best);
}

SearchProgress progress_of(const RunState& s, const BestSoFar& best, long long total,
                           const HardwareCost& baseline) {
    SearchProgress p;
    p.episodes_done = static_cast<long long>(s.logs.size());
    p.episodes_total = total;
    p.last = &s.logs.back();
    p.best = &best.log();
    p.best_episode = best.episode();
    p.distinct_oracle_calls = s.memo.distinct_calls();
    p.baseline = baseline;
    return p;
}

}  // namespace

std::vector<std::pair<std::string, std::string>> saved_run_options(
    const std::filesystem::path& out_dir) {
    const std::filesystem::path file = out_dir / "checkpoint.bin";
    json saved = checkpoint_identity(detail::read_checkpoint(file), file);
    if (!saved.is_object() || !saved.contains("options") || !saved["options"].is_object())
        throw InputError(file.string() + ": records no run options");
    std::vector<std::pair<std::string, std::string>> out;
    for (auto it = saved["options"].begin(); it != saved["options"].end(); ++it) {
        if (!it.value().is_string())
            throw InputError(file.string() + ": run option '" + it.key() + "' is not text");
        out.emplace_back(it.key(), it.value().get<std::string>());
    }
    return out;
}

void refuse_another_run(const std::filesystem::path& out_dir) {
    for (const char* name : kSearchOutputs) {
        const std::filesystem::path file = out_dir / name;
        std::error_code ec;
        if (std::filesystem::symlink_status(file, ec).type() !=
            std::filesystem::file_type::not_found)
            throw ConfigError(file.string() +
                              ": holds another search's outputs; expected --resume to continue "
                              "that search, or use a new --out");
    }
}

SearchSummary run_search(const Network& net, quant::AccuracyOracle& oracle,
                         sim::HardwareModel& hardware, const SearchConfig& config,
                         const SearchSettings& settings, const ProgressCallback& progress) {
    detail::check_inputs(net, oracle, hardware.config(), config, settings);
    const json identity = detail::run_identity(config, settings, oracle.identity());

    AccuracyMemo memo(oracle);
    if (settings.reference_accuracy_percent)
        memo.set_reference(*settings.reference_accuracy_percent);
    HardwareCosts costs(net, hardware, settings.act_bits);
    const WeightStatistics stats = weight_statistics(net);
    Environment env(net, memo, costs, settings.objective, config.reward, config.environment,
                    stats.std_dev);
    std::mt19937_64 rng(settings.seed);
    auto strategy = make_search_strategy(settings.strategy, config, env, rng);
    const long long total = strategy->episodes(settings.episodes);

    std::vector<EpisodeLog> logs;
    std::vector<long long> calls;
    const RunState state{rng, env, memo, *strategy, costs, logs, calls};
    const std::filesystem::path checkpoint_file = settings.out_dir / "checkpoint.bin";
    if (settings.resume) {
        if (settings.out_dir.empty()) throw ConfigError("--resume: needs an output directory");
        restore(state, resumable_checkpoint(checkpoint_file, identity, total), checkpoint_file,
                settings.reference_accuracy_percent);
    } else if (!settings.out_dir.empty()) {
        refuse_another_run(settings.out_dir);
    }
    if (!settings.out_dir.empty()) remove_stale_temporary_files(settings.out_dir);

    const HardwareCost baseline = env.baseline_cost();
    BestSoFar best;
    best.replay(env, calls);

    auto save = [&](const SearchSummary& s) {
        if (!settings.out_dir.empty()) save_outputs(state, net, identity, settings.out_dir, s);
    };

    while (static_cast<long long>(logs.size()) < total && !strategy->finished()) {
        logs.push_back(strategy->run_episode(env, rng));
        calls.push_back(memo.distinct_calls());
        const long long done = static_cast<long long>(logs.size());
        best.update(env, done);
        if (progress && !progress(progress_of(state, best, total, baseline))) break;
        if (done % config.checkpoint_every == 0 && done < total)
            save(summarize(state, best, settings.objective, baseline));
    }
    if (logs.empty()) throw InputError(checkpoint_file.string() + ": holds no episodes");
    SearchSummary s = summarize(state, best, settings.objective, baseline);
    s.complete = static_cast<long long>(logs.size()) >= total || strategy->finished();
    if (settings.test_oracle)
        s.test_accuracy_percent =
            settings.test_oracle->evaluate(LayerBits(s.best.result.bits)).accuracy_percent;
    save(s);
    s.latency_front = detail::latency_front(memo.entries(), costs);
    return s;
}

}  // namespace serialq::agent
