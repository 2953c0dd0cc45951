// serialq search: the co-design search. Parses options, builds the oracle, the accelerator
// model and the search configuration, runs agent::run_search with a progress line on stderr,
// and prints the chosen bits with their accuracy, speedup and energy reduction.
#include "command.hpp"
#include "options.hpp"

#include "serialq/agent/search_run.hpp"
#include "serialq/common/bits_spec.hpp"
#include "serialq/common/network_loader.hpp"
#include "serialq/quant/oracle.hpp"
#include "serialq/quant/oracle_cache.hpp"
#include "serialq/sim/accelerator_config.hpp"
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
    "               [--strategy ppo|random|exhaustive]\n"
    "               [--reward releq|ratio|difference|latency|energy] [--episodes N] [--seed S]\n"
    "               [--out DIR] [--resume] [--config configs/search/X.yaml]\n\n"
    "Searches a bitwidth per weight layer. Every default together is the README's quick start:\n"
    "LeNet on Fashion-MNIST (builtin oracle) on Stripes, steered by latency. DIR receives\n"
    "episodes.csv, action_probabilities.csv, best.json, pareto.json and checkpoint.bin\n"
    "(--resume continues from it exactly). Ctrl-C stops after the current episode, with a\n"
    "checkpoint. docs/agent.md describes the search and its files.";

std::atomic<bool> interrupted{false};

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
        const int fill = static_cast<int>(width * p.episodes_done / std::max(1LL, p.episodes_total));
        const auto& b = p.best->result;
        std::cerr << (tty_ ? "\r" : "") << "[" << std::string(fill, '#')
                  << std::string(width - fill, '.') << "] " << p.episodes_done << "/"
                  << p.episodes_total << "  best " << format_bits(b.bits) << ": "
                  << fixed(b.accuracy_percent, 2) << " %, "
                  << fixed(double(p.baseline.cycles) / double(b.cycles), 2) << "x faster, "
                  << fixed(p.baseline.energy_pj / b.energy_pj, 2) << "x less energy  (oracle calls "
                  << p.distinct_oracle_calls << ")" << (tty_ ? "\033[K" : "\n");
        if (tty_ && last) std::cerr << "\n";
        std::cerr << std::flush;
        return !interrupted;
    }

private:
    bool tty_;
    std::chrono::steady_clock::time_point shown_{};
};

int search_main(const Args& args) {
    po::options_description opts("serialq search options");
    std::string trace, oracle_spec, accel_file, model_kind, strategy, reward, out, config_file,
        cache, split;
    long long episodes = 0;
    unsigned long long seed = 1;
    const quant::OracleOptions oracle_defaults;
    std::string quantizer;
    int activation_bits = 0, finetune_steps = 0;
    opts.add_options()
        ("trace", po::value(&trace)->default_value("traces/lenet.yaml"), "network trace (YAML)")
        ("oracle", po::value(&oracle_spec)->default_value("builtin:traces/lenet.yaml"),
         "accuracy oracle: builtin:<trace> | table:<file.csv> | exec:<command>")
        ("accel", po::value(&accel_file)->default_value("configs/accel/stripes.yaml"),
         "accelerator (YAML)")
        ("model", po::value(&model_kind)->default_value("analytic"),
         "accelerator model: analytic | cycle (each layer and bitwidth is simulated once)")
        ("strategy", po::value(&strategy)->default_value("ppo"), "ppo | random | exhaustive")
        ("reward", po::value(&reward)->default_value("latency"),
         "releq | ratio | difference | latency | energy")
        ("episodes", po::value(&episodes)->default_value(200),
         "episodes in all, resumed ones included (exhaustive: every assignment)")
        ("seed", po::value(&seed)->default_value(1), "seed of the whole search")
        ("out", po::value(&out)->default_value("search-results"), "output directory")
        ("resume", "continue the search checkpointed in --out")
        ("config", po::value(&config_file), "search configuration (configs/search/*.yaml); "
         "default: the values in configs/search/default.yaml")
        ("split", po::value(&split)->default_value(oracle_defaults.split),
         "builtin: the split the search evaluates on (the result is also reported on test)")
        ("quantizer", po::value(&quantizer)->default_value(oracle_defaults.quantizer),
         "builtin: weight quantizer (serialq oracle eval --help)")
        ("activation-bits", po::value(&activation_bits)->default_value(oracle_defaults.activation_bits),
         "builtin: activation bits, 2..16, or 0 for float activations")
        ("finetune-steps", po::value(&finetune_steps)->default_value(oracle_defaults.finetune_steps),
         "builtin: short fine-tuning (ReLeQ's retraining) before each evaluation")
        ("cache", po::value(&cache)->default_value(quant::kDefaultCacheFile.string()),
         "oracle cache (SQLite)")
        ("no-cache", "neither read nor write an oracle cache")
        ("quiet", "no progress line");
    po::variables_map vm;
    if (!parse_command_line(kUsage, opts, {}, args, vm)) return 0;
    check_choice("strategy", strategy, {"ppo", "random", "exhaustive"});
    check_choice("reward", reward, {"releq", "ratio", "difference", "latency", "energy"});
    check_choice("model", model_kind, {"analytic", "cycle"});
    check_choice("split", split, {"validation", "test"});
    if (episodes < 1)
        throw UsageError("--episodes: found " + std::to_string(episodes) +
                         ", expected a positive integer");
    if (vm.count("no-cache") && !vm["cache"].defaulted())
        throw UsageError("--no-cache and --cache exclude each other");
    const std::string oracle_kind = oracle_spec.substr(0, oracle_spec.find(':'));
    // What the builtin oracle is asked with beyond its defaults; recorded in every output (and
    // checked on --resume) through settings.oracle.
    std::string builtin_extras;
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

    const Network net = load_network(trace);
    const agent::SearchConfig config =
        vm.count("config") ? agent::load_search_config(config_file) : agent::SearchConfig{};
    const sim::AcceleratorConfig accel = sim::load_accelerator_config(accel_file);
    auto hardware = sim::make_hardware_model(model_kind, accel);
    quant::OracleOptions oracle_options;
    oracle_options.cache_file = vm.count("no-cache") ? std::filesystem::path() : std::filesystem::path(cache);
    oracle_options.split = split;
    oracle_options.quantizer = quantizer;
    oracle_options.activation_bits = activation_bits;
    oracle_options.finetune_steps = finetune_steps;
    auto oracle = quant::make_oracle(oracle_spec, oracle_options);

    agent::SearchSettings settings;
    settings.strategy = strategy;
    settings.reward = agent::reward_kind_from_name(reward);
    settings.episodes = episodes;
    settings.seed = seed;
    settings.out_dir = out;
    settings.resume = vm.count("resume") > 0;
    settings.trace = trace;
    settings.oracle = oracle_spec + (oracle_kind == "builtin" ? " (" + split + builtin_extras + ")" : "");
    settings.accelerator = accel_file;
    settings.hardware_model = model_kind;

    ProgressLine progress;
    agent::ProgressCallback callback;
    if (!vm.count("quiet")) callback = std::ref(progress);
    else callback = [](const agent::SearchProgress&) { return !interrupted; };
    const auto previous = std::signal(SIGINT, on_interrupt);
    const agent::SearchSummary s =
        agent::run_search(net, *oracle, *hardware, config, settings, callback);
    std::signal(SIGINT, previous);

    const auto& best = s.best.result;
    const auto layers = net.weight_layers();
    std::string per_layer;
    for (std::size_t l = 0; l < layers.size(); ++l)
        per_layer += (l ? ", " : "") + layers[l]->name + " " + std::to_string(best.bits[l]);
    std::ostringstream o;
    o << "search: " << strategy << " on " << net.name << " (" << trace << "), reward " << reward
      << ", seed " << seed << ", oracle " << settings.oracle << ", accelerator " << accel.name
      << " (" << model_kind << ")\n";
    o << "episodes " << s.episodes << (interrupted ? " (interrupted; --resume continues)" : "")
      << ", distinct oracle calls " << s.distinct_oracle_calls << ", best found in episode "
      << s.best_episode << "\n";
    o << "chosen bits: " << per_layer << "  (" << format_bits(best.bits) << ")\n";
    o << "accuracy: " << fixed(best.accuracy_percent, 2) << " %";
    if (oracle_kind == "builtin") {
        o << " on the " << split << " split";
        // The search chose on `split`; the test split gives the unbiased figure.
        if (split != "test") {
            quant::OracleOptions test_options = oracle_options;
            test_options.split = "test";
            const double test = quant::make_oracle(oracle_spec, test_options)
                                    ->evaluate(best.bits)
                                    .accuracy_percent;
            o << ", " << fixed(test, 2) << " % on the test split";
        }
    }
    o << " (full precision " << fixed(s.reference_accuracy_percent, 2) << " %)\n";
    o << "against " << config.environment.baseline_bits << " bits on every layer: speedup "
      << fixed(s.speedup, 2) << "x (" << best.cycles << " vs " << s.baseline.cycles
      << " cycles), energy reduction " << fixed(s.energy_reduction, 2) << "x ("
      << fixed(best.energy_pj / 1e6, 3) << " vs " << fixed(s.baseline.energy_pj / 1e6, 3)
      << " uJ)\n";
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
              << fixed(double(s.baseline.cycles) / double(p.cycles), 2) << "x" << std::setw(16)
              << fixed(s.baseline.energy_pj / p.energy_pj, 2) << "x"
              << (p.knee ? "  knee" : "") << (p.bits == best.bits ? "  chosen" : "") << "\n";
        }
    }
    o << "outputs in " << out
      << "/: episodes.csv, action_probabilities.csv, best.json, pareto.json, checkpoint.bin\n";
    std::cout << o.str() << std::flush;
    return 0;
}

const RegisterCommand registered{
    {"search", "co-design search of per-layer bitwidths (PPO, random, exhaustive)",
     &search_main}};

}  // namespace

}  // namespace serialq::cli
