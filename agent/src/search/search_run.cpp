#include "serialq/agent/search_run.hpp"

#include "serialq/agent/accuracy_memo.hpp"
#include "serialq/agent/hardware_costs.hpp"
#include "serialq/agent/weight_statistics.hpp"
#include "serialq/common/atomic_file.hpp"
#include "serialq/common/error.hpp"

#include "checkpoint.hpp"
#include "config_json.hpp"
#include "outputs.hpp"

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

// best index (0-based) by reward, earliest on ties; -1 if empty.
long long best_of(const std::vector<EpisodeLog>& logs) {
    long long best = -1;
    for (std::size_t i = 0; i < logs.size(); ++i)
        if (best < 0 || logs[i].result.reward > logs[static_cast<std::size_t>(best)].result.reward)
            best = static_cast<long long>(i);
    return best;
}

}  // namespace

SearchSummary run_search(const Network& net, quant::AccuracyOracle& oracle,
                         sim::HardwareModel& hardware, const SearchConfig& config,
                         const SearchSettings& settings, const ProgressCallback& progress) {
    config.check();
    if (settings.episodes < 1)
        throw ConfigError("--episodes: found " + std::to_string(settings.episodes) +
                          ", expected a positive integer");
    const sim::AcceleratorConfig& accel = hardware.config();
    for (int b : config.environment.bits)
        if (b < accel.min_bits || b > accel.max_bits)
            throw ConfigError((config.file.empty() ? std::string() : config.file + ": ") +
                              "bits: " + std::to_string(b) + " is outside the range " +
                              std::to_string(accel.min_bits) + ".." +
                              std::to_string(accel.max_bits) + " of accelerator " + accel.name);
    if (config.environment.baseline_bits < accel.min_bits ||
        config.environment.baseline_bits > accel.max_bits)
        throw ConfigError("baseline_bits: " + std::to_string(config.environment.baseline_bits) +
                          " is outside the range of accelerator " + accel.name);
    if (static_cast<int>(net.weight_layer_count()) != oracle.layer_count())
        throw ConfigError("oracle " + (settings.oracle.empty() ? oracle.identity() : settings.oracle) +
                          " answers for " +
                          std::to_string(oracle.layer_count()) + " weight layers, the trace " +
                          net.file + " has " + std::to_string(net.weight_layer_count()));
    const json identity = {
        {"strategy", settings.strategy},
        {"reward", to_string(settings.reward)},
        {"seed", settings.seed},
        {"trace", settings.trace},
        {"oracle", settings.oracle},
        {"accelerator", settings.accelerator},
        {"hardware_model", settings.hardware_model},
        {"config", detail::config_json(config)},
    };

    AccuracyMemo memo(oracle);
    HardwareCosts costs(net, hardware);
    const WeightStatistics stats = weight_statistics(net);
    Environment env(net, memo, costs, settings.reward, config.reward, config.environment,
                    stats.std_dev);
    std::mt19937_64 rng(settings.seed);
    auto strategy = make_search_strategy(settings.strategy, config, env, rng);
    const long long total = strategy->episodes(settings.episodes);

    std::vector<EpisodeLog> logs;
    std::vector<long long> calls;
    const std::filesystem::path checkpoint_file = settings.out_dir / "checkpoint.bin";
    if (settings.resume) {
        if (settings.out_dir.empty()) throw ConfigError("--resume: needs an output directory");
        detail::Checkpoint c = detail::read_checkpoint(checkpoint_file);
        json saved;
        try {
            saved = json::parse(c.identity);
        } catch (const json::exception&) {
            throw InputError(checkpoint_file.string() + ": unreadable run settings");
        }
        const std::string diff = first_difference(saved, identity, "");
        if (!diff.empty())
            throw ConfigError(checkpoint_file.string() + ": cannot resume a different run: " + diff);
        if (c.episodes_done > total)
            throw ConfigError("--episodes: found " + std::to_string(total) + ", but " +
                              checkpoint_file.string() + " has already done " +
                              std::to_string(c.episodes_done));
        std::istringstream rs(c.rng_state);
        rs >> rng;
        if (!rs) throw InputError(checkpoint_file.string() + ": unreadable random state");
        env.restore(c.env_bits, c.env_relative_accuracy);
        memo.restore(std::move(c.memo), c.reference_accuracy_percent);
        strategy->load_state(c.strategy_state);
        logs = std::move(c.logs);
        calls = std::move(c.distinct_calls);
    }

    const HardwareCost baseline = env.baseline_cost();
    long long best = best_of(logs);

    auto summary = [&] {
        SearchSummary s;
        s.best = logs[static_cast<std::size_t>(best)];
        s.best_episode = best + 1;
        s.episodes = static_cast<long long>(logs.size());
        s.distinct_oracle_calls = memo.distinct_calls();
        s.simulations = costs.simulations();
        s.reference_accuracy_percent = memo.reference_accuracy_percent();
        s.baseline = baseline;
        s.speedup = double(baseline.cycles) / double(s.best.result.cycles);
        s.energy_reduction = baseline.energy_pj / s.best.result.energy_pj;
        return s;
    };
    auto save = [&] {
        if (settings.out_dir.empty()) return;
        const SearchSummary s = summary();
        const auto& dir = settings.out_dir;
        write_file_atomically(dir / "episodes.csv", detail::episodes_csv(logs, calls));
        write_file_atomically(dir / "action_probabilities.csv",
                              detail::action_probabilities_csv(net, env.choices(), logs));
        write_file_atomically(dir / "best.json", detail::best_json(identity, s));
        write_file_atomically(dir / "pareto.json",
                              detail::pareto_json(identity, memo.entries(), costs));
        detail::Checkpoint c;
        c.identity = identity.dump();
        c.episodes_done = static_cast<long long>(logs.size());
        std::ostringstream rs;
        rs << rng;
        c.rng_state = rs.str();
        c.env_bits = env.current_bits();
        c.env_relative_accuracy = env.relative_accuracy_state();
        c.memo = memo.entries();
        c.reference_accuracy_percent = memo.reference_if_known();
        c.logs = logs;
        c.distinct_calls = calls;
        c.strategy_state = strategy->save_state();
        detail::write_checkpoint(checkpoint_file, c);
    };

    while (static_cast<long long>(logs.size()) < total) {
        logs.push_back(strategy->run_episode(env, rng));
        calls.push_back(memo.distinct_calls());
        const long long done = static_cast<long long>(logs.size());
        if (best < 0 || logs.back().result.reward > logs[static_cast<std::size_t>(best)].result.reward)
            best = done - 1;
        bool go_on = true;
        if (progress) {
            SearchProgress p;
            p.episodes_done = done;
            p.episodes_total = total;
            p.last = &logs.back();
            p.best = &logs[static_cast<std::size_t>(best)];
            p.best_episode = best + 1;
            p.distinct_oracle_calls = memo.distinct_calls();
            p.baseline = baseline;
            go_on = progress(p);
        }
        if (!go_on) break;
        if (done % config.checkpoint_every == 0 && done < total) save();
    }
    if (logs.empty()) throw InputError(checkpoint_file.string() + ": holds no episodes");
    save();
    SearchSummary s = summary();
    s.latency_front = detail::latency_front(memo.entries(), costs);
    return s;
}

}  // namespace serialq::agent
