// run_autoq: AutoQ's episodes and outputs (autoq.hpp).
#include "serialq/agent/autoq.hpp"

#include "serialq/agent/accuracy_memo.hpp"
#include "serialq/agent/weight_statistics.hpp"
#include "serialq/common/atomic_file.hpp"
#include "serialq/common/error.hpp"
#include "serialq/common/text.hpp"
#include "serialq/sim/figures.hpp"
#include "serialq/sim/mapping.hpp"

#include "../search/run_identity.hpp"
#include "autoq_agent.hpp"

#include <numeric>

namespace serialq::agent {

namespace {

using json = nlohmann::ordered_json;
namespace fig = sim::figure;

void check_autoq(const SearchConfig& config, const SearchSettings& settings,
                 const sim::AcceleratorConfig& accel) {
    if (settings.resume)
        throw ConfigError("--resume: strategy autoq writes no checkpoint; start a new run");
    const BitsRange range = sim::activation_bits_range(accel);
    for (int b : config.autoq.act_bits)
        if (!range.contains(b))
            throw ConfigError((config.file.empty() ? std::string() : config.file + ": ") +
                              "autoq.act_bits: " + std::to_string(b) + " is outside the range " +
                              range.str() + " of accelerator " + accel.name + "'s activations");
}

// Network-wide mean weight bits, weighted by the kernels' weights.
double mean_weight_bits(const Network& net, const KernelEvaluation& e) {
    return double(e.weight_bits) / double(net.total_weights());
}

json evaluation_json(const Network& net, const KernelEvaluation& e) {
    return {{"bits", e.bits.widest().values()},
            {"act_bits", e.bits.activations()},
            {"mean_weight_bits", e.bits.mean_weight_bits()},
            {"goals_bits", e.goals_bits},
            {"network_mean_weight_bits", mean_weight_bits(net, e)},
            {"accuracy_percent", e.accuracy_percent},
            {"relative_accuracy", e.relative_accuracy},
            {"cost_x", e.cost_x},
            {fig::total_cycles.name, e.cycles},
            {fig::energy_pj.name, e.energy_pj},
            {"weight_bits", e.weight_bits},
            {"feasible", e.feasible},
            {"reward", e.reward}};
}

std::string best_json(const Network& net, const json& identity, const AutoqSummary& s,
                      bool complete) {
    json best = evaluation_json(net, s.best);
    best["episode"] = s.best_episode;
    best[fig::speedup.name] = s.speedup;
    best[fig::energy_reduction.name] = s.energy_reduction;
    best["test_accuracy_percent"] =
        s.test_accuracy_percent ? json(*s.test_accuracy_percent) : json();
    const json j = {
        {"objective", s.objective},
        {"best_is_feasible", s.best_feasible},
        {"best", best},
        {"assignment", kernel_bits_to_json(s.best.bits, net)},
        {"baseline",
         {{"bits", identity["config"]["baseline_bits"]},
          {fig::total_cycles.name, s.baseline.cycles},
          {fig::energy_pj.name, s.baseline.energy_pj}}},
        {"reference_accuracy_percent", s.reference_accuracy_percent},
        {"episodes", s.episodes},
        {"complete", complete},
        {"distinct_oracle_calls", s.distinct_oracle_calls},
        {"run", identity},
    };
    return j.dump(2) + "\n";
}

std::string episodes_csv(const Network& net, const std::vector<KernelEvaluation>& logs,
                         const std::vector<long long>& calls) {
    std::string s =
        "episode,assignment,widest_bits,act_bits,network_mean_weight_bits,"
        "accuracy_percent," +
        std::string(fig::total_cycles.name) + "," + std::string(fig::energy_pj.name) +
        ",weight_bits,feasible,reward,distinct_oracle_calls\n";
    for (std::size_t i = 0; i < logs.size(); ++i) {
        const KernelEvaluation& e = logs[i];
        s += std::to_string(i + 1) + ",\"" + e.bits.str() + "\",\"" +
             format_bits(e.bits.widest().values()) + "\",\"" + format_bits(e.bits.activations()) +
             "\"," + shortest_number(mean_weight_bits(net, e)) + "," +
             shortest_number(e.accuracy_percent) + "," + std::to_string(e.cycles) + "," +
             shortest_number(e.energy_pj) + "," + std::to_string(e.weight_bits) + "," +
             (e.feasible ? "1," : "0,") + shortest_number(e.reward) + "," +
             std::to_string(calls[i]) + "\n";
    }
    return s;
}

Judged judged_of(const KernelEvaluation& e) {
    return {e.feasible, e.reward, e.accuracy_percent, e.cost_x};
}

}  // namespace

AutoqSummary run_autoq(const Network& net, quant::AccuracyOracle& oracle,
                       sim::HardwareModel& hardware, const SearchConfig& config,
                       const SearchSettings& settings, const AutoqProgress& progress) {
    detail::check_inputs(net, oracle, hardware.config(), config, settings);
    check_autoq(config, settings, hardware.config());
    if (!settings.out_dir.empty()) refuse_another_run(settings.out_dir);
    const json identity = detail::run_identity(config, settings, oracle.identity());

    KernelJudge judge(net, oracle, hardware, settings.objective, config.environment.baseline_bits,
                      settings.act_bits, settings.reference_accuracy_percent);
    // The layers' weight choices, resolved (and checked) as every strategy's are.
    AccuracyMemo memo(oracle);
    HardwareCosts costs(net, hardware, settings.act_bits);
    const Environment env(net, memo, costs, settings.objective, config.reward, config.environment,
                          weight_statistics(net).std_dev);
    std::vector<std::vector<int>> choices;
    for (Index t = 0; t < env.steps(); ++t) choices.push_back(env.layer_choices(t));

    std::mt19937_64 rng(settings.seed);
    detail::AutoqAgent agent(net, config, std::move(choices), config.autoq.act_bits,
                             kernel_magnitudes(net), rng);

    AutoqSummary s;
    s.objective = settings.objective.describe(judge.reference_accuracy_percent());
    s.reference_accuracy_percent = judge.reference_accuracy_percent();
    s.baseline = judge.baseline();
    std::vector<KernelEvaluation> logs;
    std::vector<long long> calls;
    auto save = [&](bool complete) {
        if (settings.out_dir.empty()) return;
        const std::string best = best_json(net, identity, s, complete);
        write_file_atomically(settings.out_dir / "episodes.csv", episodes_csv(net, logs, calls));
        write_file_atomically(settings.out_dir / "best.json", best);
    };
    auto summarize = [&] {
        s.episodes = static_cast<long long>(logs.size());
        s.distinct_oracle_calls = judge.distinct_oracle_calls();
        s.best_feasible = s.best.feasible;
        s.speedup = sim::ratio(double(s.baseline.cycles), double(s.best.cycles));
        s.energy_reduction = sim::ratio(s.baseline.energy_pj, s.best.energy_pj);
    };

    bool stopped = false;
    while (static_cast<long long>(logs.size()) < settings.episodes && !stopped) {
        detail::AutoqProposal p = agent.propose(rng);
        KernelEvaluation e = judge.evaluate(p.bits);
        e.goals_bits = std::move(p.goals_bits);
        agent.learn(e.reward, rng);
        logs.push_back(e);
        calls.push_back(judge.distinct_oracle_calls());
        const auto done = static_cast<long long>(logs.size());
        if (done == 1 || better(settings.objective, judged_of(e), judged_of(s.best))) {
            s.best = e;
            s.best_episode = done;
        }
        summarize();
        if (progress && !progress(done, settings.episodes, e, s.best)) stopped = true;
        if (done % config.checkpoint_every == 0 && done < settings.episodes) save(false);
    }
    if (settings.test_oracle)
        s.test_accuracy_percent = settings.test_oracle->evaluate(s.best.bits).accuracy_percent;
    save(!stopped);
    return s;
}

}  // namespace serialq::agent
