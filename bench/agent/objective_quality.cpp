// Search quality for the user's objectives (issue 12, item 7), counted in distinct oracle
// calls, on a measured accuracy table (every assignment known, so the exact optimum comes from
// the exhaustive strategy):
//   latency:  the lowest Stripes latency within 1 point of the reference accuracy
//             (--objective latency --max-loss 1);
//   budget:   the most accurate within half the 8-bit latency
//             (--objective accuracy --budget latency:0.5).
// Per strategy and seed: the distinct calls when the search first holds the optimum as its
// best (a run that never does is charged --max-calls in the means and medians, and counted
// "never"), and the best cost ratio to the optimum (latency: best / optimum cycles, >= 1;
// budget: best / optimum accuracy, <= 1) within 50, 100 and 200 calls.
// The target: the best learned strategy within 100 calls in >= 9 of 10 seeds, median calls
// >= 3x fewer than random, better than greedy.
//
//   bench_agent_objective_quality [--table FILE.csv] [--config configs/search/X.yaml]
//       [--strategies adrl,ppo,haq,greedy,random] [--seeds N] [--first-seed S]
//       [--max-calls N] [--max-episodes N]
// Defaults: ReLeQ's LeNet table (tests/data/quant/releq-lenet-mnist-accuracy.csv, bits
// {2,3,4,5,8}, configs/search/releq-lenet-table.yaml). The built-in Fashion-MNIST LeNet's
// exhaustive table: --table bench/agent/data/lenet-fashion-validation-accuracy.csv --config
// configs/search/default.yaml. Paths are relative to the source tree.
#include "../machine.hpp"

#include "serialq/agent/search_run.hpp"
#include "serialq/common/bits_spec.hpp"
#include "serialq/common/network_loader.hpp"
#include "serialq/quant/oracle.hpp"
#include "serialq/sim/accelerator_config.hpp"
#include "serialq/sim/hardware_model.hpp"

#include <algorithm>
#include <cstdio>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

using namespace serialq;
using namespace serialq::agent;

namespace {

const std::string src = SERIALQ_SOURCE_DIR;
constexpr long long kMarks[] = {50, 100, 200};

struct Bench {
    std::string table, config_file;
    long long max_calls = 0, max_episodes = 3000;  // max_calls 0: the whole table
};

struct Outcome {
    long long found = -1;  // calls when the optimum first became the best
    double ratio[3] = {0, 0, 0};  // best cost ratio to the optimum by kMarks calls (0: none)
};

SearchSummary search(const Bench& b, const SearchConfig& config, const std::string& strategy,
                     const Objective& objective, std::uint64_t seed, long long episodes,
                     const ProgressCallback& cb) {
    const Network net = load_network(src + "/traces/lenet.yaml");
    auto oracle = quant::make_oracle("table:" + b.table, {});
    auto hw = sim::make_hardware_model(
        "analytic", sim::load_accelerator_config(src + "/configs/accel/stripes.yaml"));
    SearchSettings s;
    s.strategy = strategy;
    s.objective = objective;
    s.episodes = episodes;
    s.seed = seed;
    return run_search(net, *oracle, *hw, config, s, cb);
}

double ratio_to(const Objective& o, const EpisodeResult& best, const EpisodeResult& opt) {
    if (!best.feasible) return 0;
    return o.kind == ObjectiveKind::Accuracy ? best.accuracy_percent / opt.accuracy_percent
                                             : double(best.cycles) / double(opt.cycles);
}

double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    const std::size_t n = v.size();
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

std::vector<std::string> split(const std::string& s) {
    std::vector<std::string> out;
    std::stringstream ss(s);
    for (std::string x; std::getline(ss, x, ',');) out.push_back(x);
    return out;
}

}  // namespace

int main(int argc, char** argv) {
    Bench b;
    b.table = src + "/tests/data/quant/releq-lenet-mnist-accuracy.csv";
    b.config_file = "configs/search/releq-lenet-table.yaml";
    std::string strategies = "adrl,ppo,haq,greedy,random";
    int seeds = 10, first_seed = 1;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        auto next = [&]() -> std::string {
            if (i + 1 >= argc) throw std::runtime_error(a + ": missing value");
            return argv[++i];
        };
        if (a == "--table")
            b.table = next();
        else if (a == "--config")
            b.config_file = next();
        else if (a == "--strategies")
            strategies = next();
        else if (a == "--seeds")
            seeds = std::stoi(next());
        else if (a == "--first-seed")
            first_seed = std::stoi(next());
        else if (a == "--max-calls")
            b.max_calls = std::stoll(next());
        else if (a == "--max-episodes")
            b.max_episodes = std::stoll(next());
        else {
            std::cerr << "unknown option " << a << "\n";
            return 2;
        }
    }
    if (!b.table.starts_with("/")) b.table = src + "/" + b.table;
    const SearchConfig config = load_search_config(
        b.config_file.starts_with("/") ? b.config_file : src + "/" + b.config_file);
    const std::string load_before = bench::load_average();

    Objective latency;  // lowest latency within 1 point
    Objective budget;
    budget.kind = ObjectiveKind::Accuracy;
    parse_budget("latency:0.5", budget);
    std::printf(
        "bench_agent_objective_quality: table %s, config %s, seeds %d..%d, at most %lld "
        "episodes and %s calls per run\n",
        b.table.c_str(), b.config_file.c_str(), first_seed, first_seed + seeds - 1, b.max_episodes,
        b.max_calls > 0 ? std::to_string(b.max_calls).c_str() : "all the table's");
    for (const auto& [label, objective] : {std::pair{"latency, max-loss 1", latency},
                                           std::pair{"accuracy, budget latency:0.5", budget}}) {
        const SearchSummary exact = search(b, config, "exhaustive", objective, 1, 1, {});
        const EpisodeResult& opt = exact.best.result;
        const long long cap = b.max_calls > 0 ? b.max_calls : exact.distinct_oracle_calls;
        std::printf("\n## %s: optimum %s (%.2f %%, %lld cycles, %lld assignments; %s)\n", label,
                    format_bits(opt.bits).c_str(), opt.accuracy_percent, opt.cycles,
                    exact.distinct_oracle_calls, exact.objective.c_str());
        std::printf(
            "| strategy | within 100 calls | never | median calls | mean calls | "
            "median ratio @50 | @100 | @200 | calls per seed "
            "|\n|---|---:|---:|---:|---:|---:|---:|---:|---|\n");
        double random_median = 0;
        for (const std::string& strategy : split(strategies)) {
            std::vector<double> calls, r[3];
            int within = 0, never = 0;
            std::string per_seed;
            for (int k = 0; k < seeds; ++k) {
                Outcome out;
                search(b, config, strategy, objective, static_cast<std::uint64_t>(first_seed + k),
                       b.max_episodes, [&](const SearchProgress& p) {
                           for (int m = 0; m < 3; ++m)
                               if (p.distinct_oracle_calls <= kMarks[m])
                                   out.ratio[m] = ratio_to(objective, p.best->result, opt);
                           if (out.found < 0 && p.best->result.bits == opt.bits)
                               out.found = p.distinct_oracle_calls;
                           return p.distinct_oracle_calls < cap &&
                                  !(out.found >= 0 && p.distinct_oracle_calls > kMarks[2]);
                       });
                // A run that ends before a mark keeps its final best there.
                for (int m = 1; m < 3; ++m)
                    if (out.ratio[m] == 0) out.ratio[m] = out.ratio[m - 1];
                calls.push_back(double(out.found < 0 ? cap : out.found));
                within += out.found >= 0 && out.found <= 100;
                never += out.found < 0;
                for (int m = 0; m < 3; ++m) r[m].push_back(out.ratio[m]);
                per_seed += (k ? " " : "") +
                            (out.found < 0 ? std::string("never") : std::to_string(out.found));
            }
            double mean = 0;
            for (double c : calls) mean += c / double(calls.size());
            const double med = median(calls);
            if (strategy == "random") random_median = med;
            std::printf("| %s | %d/%d | %d | %.1f | %.1f | %.4f | %.4f | %.4f | %s |\n",
                        strategy.c_str(), within, seeds, never, med, mean, median(r[0]),
                        median(r[1]), median(r[2]), per_seed.c_str());
            std::fflush(stdout);
        }
        if (random_median > 0) std::printf("(random's median calls: %.1f)\n", random_median);
    }
    std::printf("\n%s; load average %s at the start, %s at the end\n", bench::machine().c_str(),
                load_before.c_str(), bench::load_average().c_str());
    return 0;
}
