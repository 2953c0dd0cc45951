// serialq search: the co-design search. Parses options, builds the oracle, the accelerator
// model and the search configuration, runs agent::run_search with a progress line on stderr,
// and prints the chosen bits with their accuracy, speedup and energy reduction.
#include "command.hpp"
#include "options.hpp"

#include "serialq/agent/autoq.hpp"
#include "serialq/agent/search_config.hpp"
#include "serialq/agent/search_run.hpp"
#include "serialq/common/bits_spec.hpp"
#include "serialq/common/network_loader.hpp"
#include "serialq/quant/oracle.hpp"
#include "serialq/quant/oracle_cache.hpp"
#include "serialq/sim/accelerator_config.hpp"
#include "serialq/sim/figures.hpp"
#include "serialq/sim/hardware_model.hpp"

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <iomanip>
#include <iostream>
#include <sstream>

namespace serialq::cli {

namespace {

const char* kUsage =
    "serialq search [--trace T.yaml] [--oracle SPEC] [--accel A.yaml]\n"
    "               [--strategy STRATEGY] [--objective latency|energy|size --max-loss P]\n"
    "               [--objective accuracy --budget latency:F|energy:F|size:F]\n"
    "               [--objective reward --reward releq|ratio|difference|latency|energy]\n"
    "               [--episodes N] [--seed S] [--out DIR] [--resume] [--config X.yaml]\n\n"
    "Searches a bitwidth per weight layer for an objective: the cheapest configuration within\n"
    "P points of the reference (full-precision) accuracy, the most accurate within F x the\n"
    "8-bit baseline's cost, or ReLeQ's reward. Every default together is the README's quick\n"
    "start: LeNet on Fashion-MNIST (builtin oracle) on Stripes, lowest latency within 1 point.\n"
    "DIR receives\n"
    "episodes.csv, action_probabilities.csv, best.json, pareto.json and checkpoint.bin\n"
    "(--resume continues from it exactly). Ctrl-C stops after the current episode, with a\n"
    "checkpoint. docs/agent.md describes the search and its files.";

std::atomic<bool> interrupted{false};

// Options that only steer this process (how long, where, how loud), not what the run is.
bool describes_run(const std::string& name) {
    for (const char* o : {"episodes", "out", "resume", "cache", "no-cache", "quiet", "help"})
        if (name == o) return false;
    return true;
}

// The run-describing options given in `args`, by their full names, in order.
std::vector<std::pair<std::string, std::string>> given_run_options(
    const po::options_description& opts, const Args& args) {
    std::vector<std::pair<std::string, std::string>> given;
    const po::parsed_options parsed = parse_args(args, opts);
    for (const auto& o : parsed.options)
        if (describes_run(o.string_key))
            given.emplace_back(o.string_key, o.value.empty() ? "" : o.value.front());
    return given;
}

// Equal as text, or as the same number ("1" and "1.0").
bool same_value(const std::string& a, const std::string& b) {
    if (a == b) return true;
    try {
        std::size_t ua = 0, ub = 0;
        const double x = std::stod(a, &ua), y = std::stod(b, &ub);
        return ua == a.size() && ub == b.size() && x == y;
    } catch (const std::exception&) {
        return false;
    }
}

// "--seed 1 (given 2); --budget none (given latency:0.5)" for every given option that the
// saved run did not have, or had with another value.
std::string contradictions(const std::vector<std::pair<std::string, std::string>>& saved,
                           const std::vector<std::pair<std::string, std::string>>& given) {
    std::string out;
    for (const auto& [name, value] : given) {
        // The name by value: clang 14 cannot capture a structured binding (P1091, clang 16).
        const auto it = std::find_if(saved.begin(), saved.end(),
                                     [&, n = name](const auto& s) { return s.first == n; });
        if (it != saved.end() && same_value(it->second, value)) continue;
        out += (out.empty() ? "--" : "; --") + name + " " +
               (it == saved.end() ? std::string("not given") : it->second) + " (given " + value +
               ")";
    }
    return out;
}

extern "C" void on_interrupt(int) { interrupted = true; }

std::string fixed(double v, int digits) {
    std::ostringstream s;
    s.setf(std::ios::fixed);
    s.precision(digits);
    s << v;
    return s.str();
}

// The progress line: a bar, the episode count and the best configuration so far.
class ProgressLine {
public:
    ProgressLine() : tty_(isatty(STDERR_FILENO) != 0) {}

    bool operator()(const agent::SearchProgress& p) {
        const auto now = std::chrono::steady_clock::now();
        const bool last = p.episodes_done == p.episodes_total;
        // A terminal gets a line rewritten ten times a second; a log file a line per tenth.
        if (tty_) {
            if (!last && now - shown_ < std::chrono::milliseconds(100)) return !interrupted;
        } else {
            const long long step = std::max<long long>(1, p.episodes_total / 10);
            if (!last && p.episodes_done % step != 0) return !interrupted;
        }
        shown_ = now;
        const int width = 24;
        const int fill =
            static_cast<int>(width * p.episodes_done / std::max(1LL, p.episodes_total));
        const auto& b = p.best->result;
        std::cerr << (tty_ ? "\r" : "") << "[" << std::string(fill, '#')
                  << std::string(width - fill, '.') << "] " << p.episodes_done << "/"
                  << p.episodes_total << "  best " << format_bits(b.bits) << ": "
                  << fixed(b.accuracy_percent, 2) << " %, "
                  << fixed(sim::ratio(double(p.baseline.cycles), double(b.cycles)), 2)
                  << "x faster, " << fixed(sim::ratio(p.baseline.energy_pj, b.energy_pj), 2)
                  << "x less energy  (oracle calls " << p.distinct_oracle_calls << ")"
                  << (tty_ ? "\033[K" : "\n");
        if (tty_ && last) std::cerr << "\n";
        std::cerr << std::flush;
        return !interrupted;
    }

private:
    bool tty_;
    std::chrono::steady_clock::time_point shown_{};
};

// serialq search, step by step: the options (the members, bound in describe()), parse() with
// what --resume and --config complete, the objective and the other checks, then the run and
// its summary.
class SearchCommand {
public:
    int main(const Args& args);

private:
    std::string trace, oracle_spec, accel_file, model_kind, strategy, reward, out, config_file,
        cache, split, objective, budget, act_bits_spec;
    std::vector<std::string> sets;
    double max_loss = 0, reference_accuracy = 0;
    long long episodes = 0;
    unsigned long long seed = 1;
    // The oracle's options write straight into its struct, whose initializers are the defaults.
    quant::OracleOptions oracle_options;
    quant::EvaluationSettings& ev = oracle_options.evaluation;
    std::string quantizer;
    int activation_bits = 0, finetune_steps = 0;
    long long prefix_memory_mb = 0;
    po::variables_map vm;
    // The options that describe the run: recorded in its checkpoint, so that --resume takes
    // them from there (and refuses any that contradict them, all named at once).
    std::vector<std::pair<std::string, std::string>> run_options;
    std::string oracle_kind;  // "builtin", "table" or "exec"
    std::string
        builtin_extras;  // the builtin oracle's options beyond its defaults, for the summary

    void describe(po::options_description& opts);
    bool parse(const Args& args);  // false: --help or --config-keys, already answered
    agent::Objective make_objective() const;
    void check_options();
    LayerBits hardware_act_bits(const Network& net, const sim::AcceleratorConfig& accel) const;
    // The summary's first line: what was searched, how and against what.
    void print_run(std::ostream& o, const Network& net, const std::string& objective_text,
                   const sim::AcceleratorConfig& accel, const std::string& oracle_text) const {
        o << "search: " << strategy << " on " << net.name << " (" << trace
          << "), objective: " << objective_text << ", seed " << seed << ", oracle " << oracle_text
          << ", accelerator " << accel.name << " (" << model_kind << ")\n";
    }
    // The accuracy and the figures against the baseline, as every summary prints them.
    template <class Summary>
    void print_figures(std::ostream& o, double accuracy_percent, long long cycles, double energy_pj,
                       const Summary& s, const agent::SearchConfig& config) const {
        o << "accuracy: " << fixed(accuracy_percent, 2) << " %";
        if (oracle_kind == "builtin") o << " on the " << split << " split";
        if (s.test_accuracy_percent)
            o << ", " << fixed(*s.test_accuracy_percent, 2) << " % on the test split";
        o << " (full precision " << fixed(s.reference_accuracy_percent, 2) << " %)\n";
        o << "against " << config.environment.baseline_bits << " bits on every layer: speedup "
          << fixed(s.speedup, 2) << "x (" << cycles << " vs " << s.baseline.cycles
          << " cycles), energy reduction " << fixed(s.energy_reduction, 2) << "x ("
          << fixed(energy_pj / 1e6, 3) << " vs " << fixed(s.baseline.energy_pj / 1e6, 3)
          << " uJ)\n";
    }
    void print_autoq_summary(const agent::AutoqSummary& s, const Network& net,
                             const sim::AcceleratorConfig& accel, const agent::SearchConfig& config,
                             const std::string& oracle_text) const;
    void print_summary(const agent::SearchSummary& s, const Network& net,
                       const sim::AcceleratorConfig& accel, const agent::SearchConfig& config,
                       const std::string& oracle_text) const;
};

void SearchCommand::describe(po::options_description& opts) {
    // One option per line, as --help lists them.
    // clang-format off
    opts.add_options()
        ("trace", po::value(&trace)->default_value("traces/lenet.yaml"), "network trace (YAML)")
        ("oracle", po::value(&oracle_spec)->default_value("builtin:traces/lenet.yaml"),
         "accuracy oracle: builtin:<trace> | table:<file.csv> | exec:<command>")
        ("accel", po::value(&accel_file)->default_value("configs/accel/stripes.yaml"),
         "accelerator (YAML)")
        ("set", po::value(&sets)->composing(),
         "override an accelerator field, key=value with a dotted key (repeatable)")
        ("batch", po::value<int>(), "inferences per run on the accelerator (its batch key)")
        ("act-bits", po::value(&act_bits_spec),
         "activation bits the accelerator runs each layer at, 8,8,8,8 or uniform:N (default: "
         "the builtin oracle's --activation-bits, else the accelerator's activation_bits)")
        ("model", po::value(&model_kind)->default_value(sim::kDefaultModel),
         "accelerator model: analytic | cycle (each layer is simulated once per way the plan runs it)")
        ("strategy", po::value(&strategy)->default_value(agent::kDefaultStrategy),
         agent::strategy_help().c_str())
        ("objective", po::value(&objective)->default_value("latency"),
         "latency | energy | size (lowest cost within --max-loss), accuracy (highest within "
         "--budget), reward (ReLeQ's reward, --reward)")
        ("max-loss", po::value(&max_loss)->default_value(agent::Objective{}.max_loss_points, "1"),
         "latency|energy|size: accuracy points below the reference that are acceptable")
        ("budget", po::value(&budget),
         "accuracy: METRIC:F, the cost at most F x the baseline's (latency:0.5, energy:0.4, size:0.25)")
        ("reward", po::value(&reward)->default_value("latency"),
         "objective reward: releq | ratio | difference | latency | energy")
        ("reference-accuracy", po::value(&reference_accuracy),
         "the full-precision accuracy (percent) the objective is relative to; default: the "
         "oracle's (a table's '# reference_accuracy_percent:' line)")
        ("episodes", po::value(&episodes)->default_value(200),
         "episodes in all, resumed ones included (exhaustive: every assignment)")
        ("seed", po::value(&seed)->default_value(1), "seed of the whole search")
        ("out", po::value(&out)->default_value("search-results"), "output directory")
        ("resume", "continue the search checkpointed in --out")
        ("config", po::value(&config_file), "search configuration (configs/search/*.yaml); "
         "default: the values in configs/search/default.yaml")
        ("split", po::value(&split)->default_value(quant::to_string(ev.split)),
         "builtin: the split the search evaluates on (the result is also reported on test)")
        ("quantizer", po::value(&quantizer)->default_value(ev.quantizer),
         "builtin: weight quantizer (serialq oracle eval --help)")
        ("activation-bits", po::value(&activation_bits)->default_value(ev.activation_bits),
         "builtin: activation bits, 2..16, or 0 for float activations")
        ("finetune-steps", po::value(&finetune_steps)->default_value(ev.finetune.steps),
         "builtin: short fine-tuning (ReLeQ's retraining) before each evaluation")
        ("prefix-memory-mb", po::value(&prefix_memory_mb)->default_value(ev.prefix_memory_bytes >> 20),
         "builtin: MiB for activations reused between bit vectors sharing a prefix (0: off; "
         "never changes an answer)")
        ("cache", po::value(&cache)->default_value(quant::kDefaultCacheFile.string()),
         "oracle cache (SQLite)")
        ("no-cache", "neither read nor write an oracle cache")
        ("quiet", "no progress line")
        ("config-keys", po::value<std::string>()->implicit_value("text"),
         "print every key of a --config file (default, range, meaning) and exit; "
         "--config-keys=md: as docs/agent.md's table");
    // clang-format on
}

bool SearchCommand::parse(const Args& args) {
    po::options_description opts("serialq search options");
    describe(opts);
    if (!parse_command_line(kUsage, opts, {}, args, vm)) return false;
    if (vm.count("config-keys")) {
        print_config_keys(vm["config-keys"].as<std::string>(),
                          "Keys of serialq search --config FILE (all optional):",
                          field_docs(agent::search_config_fields()));
        return false;
    }
    run_options = given_run_options(opts, args);
    // Options completed from a checkpoint or a configuration are parsed again as one line.
    const auto reparse = [&](const Args& merged) {
        po::options_description again("serialq search options");
        describe(again);
        vm = po::variables_map();
        parse_command_line(kUsage, again, {}, merged, vm);
    };
    Args effective = args;  // args, with what --resume restores
    if (vm.count("resume")) {
        const auto saved = agent::saved_run_options(out);
        const std::string conflicts = contradictions(saved, run_options);
        if (!conflicts.empty())
            throw UsageError(
                "--resume: " + (std::filesystem::path(out) / "checkpoint.bin").string() +
                " was started with other options: " + conflicts +
                "; leave them out to continue that run, or use another --out");
        Args merged = args;
        for (const auto& [name, value] : saved)
            if (std::none_of(run_options.begin(), run_options.end(),
                             [&, n = name](const auto& g) { return g.first == n; })) {
                merged.push_back("--" + name);
                merged.push_back(value);
            }
        reparse(merged);
        run_options = saved;
        effective = merged;
    }
    // A search configuration's search: section stands in for options the command line lacks;
    // the objective's options go together (a command-line objective takes none from the file).
    if (vm.count("config")) {
        Args merged = effective;
        bool added = false;
        auto given = [&](const std::string& name) {
            return std::any_of(run_options.begin(), run_options.end(),
                               [&](const auto& g) { return g.first == name; });
        };
        const bool cli_objective =
            given("objective") || given("max-loss") || given("budget") || given("reward");
        for (const auto& [name, value] : agent::load_search_config(config_file).search_options) {
            if (given(name) || (name != "strategy" && cli_objective)) continue;
            merged.push_back("--" + name);
            merged.push_back(value);
            added = true;
        }
        if (added) reparse(merged);
    }
    return true;
}

agent::Objective SearchCommand::make_objective() const {
    check_choice("strategy", strategy, agent::strategy_names());
    check_choice("objective", objective, agent::kObjectiveKindNames.names());
    check_choice("reward", reward, agent::kRewardKindNames.names());
    agent::Objective goal;
    goal.kind = agent::objective_kind_from_name(objective);
    if (goal.kind == agent::ObjectiveKind::Reward) {
        goal.reward = agent::reward_kind_from_name(reward);
    } else if (!vm["reward"].defaulted()) {
        throw UsageError("--reward applies to --objective reward only (the objective is " +
                         objective + ")");
    }
    if (goal.kind == agent::ObjectiveKind::Accuracy) {
        if (!vm.count("budget"))
            throw UsageError("--objective accuracy needs --budget METRIC:F, e.g. latency:0.5");
        try {
            agent::parse_budget(budget, goal);
        } catch (const ConfigError& e) {
            throw UsageError(std::string("--") + e.what());
        }
    } else if (vm.count("budget")) {
        throw UsageError("--budget applies to --objective accuracy only");
    }
    const bool cost_objective =
        goal.kind != agent::ObjectiveKind::Accuracy && goal.kind != agent::ObjectiveKind::Reward;
    if (!vm["max-loss"].defaulted() && !cost_objective)
        throw UsageError("--max-loss applies to --objective latency, energy or size only");
    goal.max_loss_points = max_loss;
    try {
        goal.check();
    } catch (const ConfigError& e) {
        throw UsageError(std::string("--") + e.what());
    }
    return goal;
}

void SearchCommand::check_options() {
    check_choice("model", model_kind, {"analytic", "cycle"});
    check_choice("split", split, {"validation", "test"});
    if (episodes < 1)
        throw UsageError("--episodes: found " + std::to_string(episodes) +
                         ", expected a positive integer");
    if (vm.count("no-cache") && !vm["cache"].defaulted())
        throw UsageError("--no-cache and --cache exclude each other");
    oracle_kind = oracle_spec.substr(0, oracle_spec.find(':'));
    if (strategy == agent::kAutoqStrategy && vm.count("act-bits"))
        throw UsageError(
            "--act-bits: strategy autoq chooses each layer's activation bits (autoq.act_bits "
            "of --config); leave it out");
    if (strategy == agent::kAutoqStrategy && vm.count("resume"))
        throw UsageError("--resume: strategy autoq writes no checkpoint; start a new run");
    // What the builtin oracle is asked with beyond its defaults, for the summary line; every
    // output records the options themselves and the oracle's identity().
    const std::pair<std::string, std::string> builtin_options[] = {
        {"split", split},
        {"quantizer", quantizer},
        {"activation-bits", std::to_string(activation_bits)},
        {"finetune-steps", std::to_string(finetune_steps)}};
    for (const auto& [name, value] : builtin_options) {
        if (vm[name].defaulted()) continue;
        if (oracle_kind != "builtin")
            throw UsageError("--" + name + " applies to builtin: oracles only");
        if (name != "split") builtin_extras += ", " + name + " " + value;  // split: shown anyway
    }
}

LayerBits SearchCommand::hardware_act_bits(const Network& net,
                                           const sim::AcceleratorConfig& accel) const {
    // The hardware runs the activations at the precision the oracle measured accuracy with.
    const BitsRange act_range = sim::activation_bits_range(accel);
    if (!act_bits_spec.empty())
        return parse_bits(act_bits_spec, net.weight_layer_count(), act_range, "--act-bits");
    if (oracle_kind == "builtin" && activation_bits > 0)
        return parse_bits("uniform:" + std::to_string(activation_bits), net.weight_layer_count(),
                          act_range, "--activation-bits (the accelerator's activations)");
    return {};
}

void SearchCommand::print_summary(const agent::SearchSummary& s, const Network& net,
                                  const sim::AcceleratorConfig& accel,
                                  const agent::SearchConfig& config,
                                  const std::string& oracle_text) const {
    const auto& best = s.best.result;
    const auto layers = net.weight_layers();
    std::string per_layer;
    for (std::size_t l = 0; l < layers.size(); ++l)
        per_layer += (l ? ", " : "") + layers[l]->name + " " + std::to_string(best.bits[l]);
    std::ostringstream o;
    print_run(o, net, s.objective, accel, oracle_text);
    o << "episodes " << s.episodes << (interrupted ? " (interrupted; --resume continues)" : "")
      << ", distinct oracle calls " << s.distinct_oracle_calls << ", best found in episode "
      << s.best_episode << "\n";
    if (!s.best_feasible) o << "no feasible configuration was evaluated; the closest one:\n";
    o << (s.best_feasible ? "chosen bits: " : "closest bits: ") << per_layer << "  ("
      << format_bits(best.bits) << ")\n";
    print_figures(o, best.accuracy_percent, best.cycles, best.energy_pj, s, config);
    // The reward picks one point; an architect also wants the trade-offs around it.
    if (!s.latency_front.empty()) {
        constexpr std::size_t kShown = 10;
        o << "accuracy-vs-latency frontier of the " << s.distinct_oracle_calls
          << " configurations evaluated (most accurate first"
          << (oracle_kind == "builtin" ? ", accuracy on the " + split + " split" : std::string());
        if (s.latency_front.size() > kShown)
            o << "; " << kShown << " of " << s.latency_front.size() << ", all in pareto.json";
        o << "):\n";
        o << "  bits" << std::string(std::max<std::size_t>(4, 3 * best.bits.size()) - 2, ' ')
          << "accuracy_percent  speedup  energy_reduction\n";
        for (std::size_t i = 0; i < s.latency_front.size(); ++i) {
            const agent::FrontPoint& p = s.latency_front[i];
            if (i >= kShown && !p.knee && p.bits != best.bits) continue;
            std::string bits = format_bits(p.bits);
            bits.resize(std::max(bits.size() + 2, 3 * best.bits.size() + 2), ' ');
            o << "  " << bits << std::setw(16) << fixed(p.accuracy_percent, 2) << std::setw(8)
              << fixed(sim::ratio(double(s.baseline.cycles), double(p.cycles)), 2) << "x"
              << std::setw(16) << fixed(sim::ratio(s.baseline.energy_pj, p.energy_pj), 2) << "x"
              << (p.knee ? "  knee" : "") << (p.bits == best.bits ? "  chosen" : "") << "\n";
        }
    }
    o << "outputs in " << out
      << "/: episodes.csv, action_probabilities.csv, best.json, pareto.json, checkpoint.bin\n";
    std::cout << o.str() << std::flush;
}

// AutoQ's summary: the kernel-wise choice per layer (its runs), then the figures as for the
// layer-wise strategies.
void SearchCommand::print_autoq_summary(const agent::AutoqSummary& s, const Network& net,
                                        const sim::AcceleratorConfig& accel,
                                        const agent::SearchConfig& config,
                                        const std::string& oracle_text) const {
    const agent::KernelEvaluation& best = s.best;
    const auto layers = net.weight_layers();
    const auto means = best.bits.mean_weight_bits();
    std::ostringstream o;
    print_run(o, net, s.objective, accel, oracle_text);
    o << "episodes " << s.episodes << (interrupted ? " (interrupted)" : "")
      << ", distinct oracle calls " << s.distinct_oracle_calls << ", best found in episode "
      << s.best_episode << "\n";
    if (!s.best_feasible) o << "no feasible configuration was evaluated; the closest one:\n";
    o << (s.best_feasible ? "chosen kernel-wise bits" : "closest kernel-wise bits")
      << " (weight bits x kernels, /a activation bits):\n";
    const std::string text = best.bits.str();
    std::size_t begin = 0;
    for (std::size_t l = 0; l < layers.size(); ++l) {
        const std::size_t end = std::min(text.find(';', begin), text.size());
        o << "  " << layers[l]->name << ": " << text.substr(begin, end - begin) << "  (mean "
          << fixed(means[l], 2) << " weight bits)\n";
        begin = end + 1;
    }
    print_figures(o, best.accuracy_percent, best.cycles, best.energy_pj, s, config);
    o << "outputs in " << out << "/: episodes.csv, best.json (its assignment: sim --bits and "
      << "oracle eval --bits read it)\n";
    std::cout << o.str() << std::flush;
}

int SearchCommand::main(const Args& args) {
    if (!parse(args)) return 0;
    const agent::Objective goal = make_objective();
    check_options();
    if (!vm.count("resume")) agent::refuse_another_run(out);  // before loading anything
    const Network net = load_network(trace);
    const agent::SearchConfig config =
        vm.count("config") ? agent::load_search_config(config_file) : agent::SearchConfig{};
    std::vector<sim::ConfigOverride> overrides;
    for (const auto& s : sets) overrides.push_back(sim::parse_config_override(s, "--set"));
    if (vm.count("batch")) overrides.push_back({"batch", std::to_string(vm["batch"].as<int>())});
    const sim::AcceleratorConfig accel = sim::load_accelerator_config(accel_file, overrides);
    auto hardware = sim::make_hardware_model(model_kind, accel);
    oracle_options.cache_file =
        vm.count("no-cache") ? std::filesystem::path() : std::filesystem::path(cache);
    ev.split = quant::parse_split(split, "split");
    ev.quantizer = quantizer;
    ev.activation_bits = activation_bits;
    ev.finetune.steps = finetune_steps;
    ev.prefix_memory_bytes = prefix_memory_mb < 0 ? -1 : prefix_memory_mb << 20;
    auto oracle = quant::make_oracle(oracle_spec, oracle_options);

    agent::SearchSettings settings;
    settings.strategy = strategy;
    settings.objective = goal;
    if (vm.count("reference-accuracy")) settings.reference_accuracy_percent = reference_accuracy;
    settings.episodes = episodes;
    settings.seed = seed;
    settings.out_dir = out;
    settings.resume = vm.count("resume") > 0;
    settings.trace = trace;
    settings.oracle = oracle_spec;
    const std::string oracle_text =
        oracle_spec + (oracle_kind == "builtin" ? " (" + split + builtin_extras + ")" : "");
    // The search chose on `split`; the test split gives the unbiased figure (in best.json).
    std::unique_ptr<quant::AccuracyOracle> test_oracle;
    if (oracle_kind == "builtin" && split != "test") {
        quant::OracleOptions test_options = oracle_options;
        test_options.evaluation.split = quant::Split::Test;
        test_oracle = quant::make_oracle(oracle_spec, test_options);
        settings.test_oracle = test_oracle.get();
    }
    settings.accelerator = accel_file;
    for (const auto& [k, v] : overrides) settings.accelerator += " " + k + "=" + v;
    settings.act_bits = hardware_act_bits(net, accel);
    settings.hardware_model = model_kind;
    settings.options = run_options;

    if (strategy == agent::kAutoqStrategy) {
        const bool quiet = vm.count("quiet") > 0;
        const auto previous = std::signal(SIGINT, on_interrupt);
        const agent::AutoqSummary s = agent::run_autoq(
            net, *oracle, *hardware, config, settings,
            [quiet](long long done, long long total, const agent::KernelEvaluation&,
                    const agent::KernelEvaluation& best) {
                if (!quiet && (done == total || done % std::max(1LL, total / 10) == 0))
                    std::cerr << "autoq " << done << "/" << total << "  best "
                              << fixed(best.accuracy_percent, 2) << " %, " << best.cycles
                              << " cycles, " << fixed(best.energy_pj / 1e6, 3) << " uJ\n";
                return !interrupted;
            });
        std::signal(SIGINT, previous);
        print_autoq_summary(s, net, accel, config, oracle_text);
        return 0;
    }
    ProgressLine progress;
    agent::ProgressCallback callback;
    if (!vm.count("quiet"))
        callback = std::ref(progress);
    else
        callback = [](const agent::SearchProgress&) { return !interrupted; };
    const auto previous = std::signal(SIGINT, on_interrupt);
    const agent::SearchSummary s =
        agent::run_search(net, *oracle, *hardware, config, settings, callback);
    std::signal(SIGINT, previous);

    print_summary(s, net, accel, config, oracle_text);
    return 0;
}

int search_main(const Args& args) { return SearchCommand().main(args); }

const RegisterCommand registered{
    {"search", "co-design search of per-layer bitwidths (PPO, random, exhaustive)", &search_main}};

}  // namespace

}  // namespace serialq::cli
