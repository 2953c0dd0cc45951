// serialq oracle eval|stats|export|import: ask an accuracy oracle, and look after its cache.
#include "command.hpp"
#include "options.hpp"
#include "table.hpp"

#include "serialq/common/atomic_file.hpp"
#include "serialq/common/bits_spec.hpp"
#include "serialq/common/config_fields.hpp"
#include "serialq/common/error.hpp"
#include "serialq/common/kernel_bits.hpp"
#include "serialq/common/network_loader.hpp"
#include "serialq/quant/oracle.hpp"
#include "serialq/quant/oracle_cache.hpp"
#include "serialq/quant/oracle_report.hpp"

#include <nlohmann/json.hpp>

#include <filesystem>
#include <iostream>
#include <optional>

namespace serialq::cli {

namespace {

using namespace serialq::quant;
using json = nlohmann::ordered_json;

constexpr const char* kUsage =
    "usage: serialq oracle <subcommand> [options]\n\n"
    "  eval     accuracy of bit vectors: serialq oracle eval --oracle SPEC --bits 8,4,4,8\n"
    "  stats    entries per oracle identity in a cache\n"
    "  export   a cache's entries as CSV\n"
    "  import   add a CSV export to a cache\n\n"
    "SPEC: builtin:<trace with weights> | table:<file.csv> | exec:<command>  (docs/oracle.md)\n"
    "The cache is .serialq/oracle-cache.sqlite in the current folder unless --cache or\n"
    "--no-cache says otherwise.\n";

std::string yes_no(bool b) { return b ? "yes" : "no"; }

void add_cache_option(po::options_description& opts, std::string& cache) {
    // One option per line, as --help lists them.
    // clang-format off
    opts.add_options()("cache", po::value(&cache)->default_value(kDefaultCacheFile.string()),
                       "oracle cache (SQLite)");
    // clang-format on
}

// stats/export/import read an existing cache; creating an empty one would hide a typo.
void require_existing(const std::string& cache) {
    if (!std::filesystem::exists(cache)) throw InputError(cache + ": no such oracle cache file");
}

// The options as given; they write straight into the oracle's structs, whose initializers are
// the defaults.
struct EvalArgs {
    std::string spec, format, cache, kind, trace;
    std::vector<std::string> bit_specs;
    OracleOptions options;
    std::string split = to_string(options.evaluation.split);
    long long prefix_memory_mb = options.evaluation.prefix_memory_bytes >> 20;
    bool reference = false;
    std::optional<std::string> out;
};

// Options of one kind of oracle given to another are mistakes, not silently ignored.
void check_kind_options(const po::variables_map& vm, const std::string& kind) {
    for (const char* o : {"split", "quantizer", "activation-bits", "finetune-steps",
                          "finetune-batch", "finetune-lr", "seed", "threads", "prefix-memory-mb",
                          "early-stop-below", "confidence", "first-samples"})
        if (!vm[o].defaulted() && kind != "builtin")
            throw UsageError(std::string("--") + o + " applies to builtin: oracles only");
    if (!vm["timeout"].defaulted() && kind != "exec")
        throw UsageError("--timeout applies to exec: oracles only");
}

// False when the command line only asked for --help.
bool parse_eval_args(const Args& args, EvalArgs& a) {
    po::options_description opts("serialq oracle eval options");
    // One option per line, as --help lists them.
    // clang-format off
    opts.add_options()
        ("oracle", po::value(&a.spec)->required(),
         "builtin:<trace> | table:<file.csv> | exec:<command>")
        ("bits", po::value(&a.bit_specs)->required(),
         "bits per weight layer (8,4,4,8 or uniform:N) or a kernel-wise FILE.json (a "
         "search's best.json included); repeat for several")
        ("trace", po::value(&a.trace),
         "the network a kernel-wise --bits file is read for (default: builtin:<trace>'s)")
        ("split", po::value(&a.split)->default_value(a.split),
         "builtin: validation (search) | test (final reports)")
        ("quantizer", po::value(&a.options.evaluation.quantizer)->default_value(a.options.evaluation.quantizer),
         "builtin: weight quantizer")
        ("activation-bits", po::value(&a.options.evaluation.activation_bits)->default_value(a.options.evaluation.activation_bits),
         "builtin: bits of the activation codes (2..16; 0: float activations)")
        ("finetune-steps", po::value(&a.options.evaluation.finetune.steps)->default_value(a.options.evaluation.finetune.steps),
         "builtin: quantization-aware fine-tuning steps before evaluating")
        ("finetune-batch", po::value(&a.options.evaluation.finetune.batch)->default_value(a.options.evaluation.finetune.batch),
         "builtin: images per fine-tuning step")
        ("finetune-lr",
         po::value(&a.options.evaluation.finetune.learning_rate)
             ->default_value(a.options.evaluation.finetune.learning_rate, round_trip_text(a.options.evaluation.finetune.learning_rate)),
         "builtin: fine-tuning's Adam step")
        ("seed", po::value(&a.options.evaluation.finetune.seed)->default_value(a.options.evaluation.finetune.seed), "builtin: fine-tuning seed")
        ("threads", po::value(&a.options.evaluation.threads)->default_value(a.options.evaluation.threads),
         "builtin: threads (0: all cores)")
        ("prefix-memory-mb", po::value(&a.prefix_memory_mb)->default_value(a.prefix_memory_mb),
         "builtin: MiB for activations reused between bit vectors sharing a prefix (0: off)")
        ("early-stop-below", po::value(&a.options.early_stop.threshold_percent)->default_value(a.options.early_stop.threshold_percent),
         "builtin: stop once the accuracy is surely below this percentage (0: off)")
        ("confidence",
         po::value(&a.options.early_stop.confidence)->default_value(a.options.early_stop.confidence, round_trip_text(a.options.early_stop.confidence)),
         "builtin: confidence of that 'surely'")
        ("first-samples", po::value(&a.options.early_stop.first_samples)->default_value(a.options.early_stop.first_samples),
         "builtin: images in the first subset of early termination")
        ("timeout", po::value(&a.options.timeout_seconds)->default_value(a.options.timeout_seconds),
         "exec: seconds to wait for each reply")
        ("reference", "also print the full-precision (reference) accuracy")
        ("no-cache", "neither read nor write a cache")
        ("format", po::value(&a.format)->default_value("table"), "table | json")
        ("out", po::value<std::string>(), "write to this file instead of stdout");
    // clang-format on
    add_cache_option(opts, a.cache);
    po::variables_map vm;
    if (!parse_command_line("serialq oracle eval --oracle SPEC --bits B [--bits B ...] [options]",
                            opts, {}, args, vm))
        return false;
    check_choice("format", a.format, {"table", "json"});
    if (vm.count("no-cache") && !vm["cache"].defaulted())
        throw UsageError("--no-cache and --cache exclude each other");
    a.kind = a.spec.substr(0, a.spec.find(':'));
    check_kind_options(vm, a.kind);
    if (!vm.count("no-cache")) a.options.cache_file = a.cache;
    a.options.evaluation.split = parse_split(a.split, "split");
    a.options.evaluation.prefix_memory_bytes =
        a.prefix_memory_mb < 0 ? -1 : a.prefix_memory_mb << 20;
    a.reference = vm.count("reference") > 0;
    if (vm.count("out")) a.out = vm["out"].as<std::string>();
    return true;
}

// The trace a kernel-wise file is read for: --trace, else the builtin oracle's own.
std::string kernel_trace(const EvalArgs& a, const std::string& file) {
    if (!a.trace.empty()) return a.trace;
    if (a.kind == "builtin") return a.spec.substr(a.spec.find(':') + 1);
    throw UsageError("--bits " + file +
                     ": a kernel-wise file is read for a network; expected "
                     "--trace T.yaml with oracle " +
                     a.spec);
}

std::string eval_table(const EvalReport& r) {
    std::string text =
        "oracle    " + r.spec + "\nidentity  " + r.identity + "\ncache     " +
        (r.options.cache_file.empty() ? std::string("none") : r.options.cache_file.string()) + "\n";
    if (r.reference_accuracy_percent)
        text += "reference " + fixed(*r.reference_accuracy_percent, 4) + " % (full precision)\n";
    text += "\n";
    Table t({"bits", "accuracy_percent", "samples", "seconds", "upper_bound", "from_cache"});
    for (std::size_t i = 0; i < r.results.size(); ++i)
        t.add_row({r.assignments[i].empty() ? r.bits[i].str() : r.assignments[i],
                   fixed(r.results[i].accuracy_percent, 4),
                   std::to_string(r.results[i].samples_evaluated), fixed(r.results[i].seconds, 6),
                   yes_no(r.results[i].is_upper_bound), yes_no(r.results[i].from_cache)});
    return text + t.text();
}

int oracle_eval(const Args& args) {
    EvalArgs a;
    if (!parse_eval_args(args, a)) return 0;
    const auto oracle = make_oracle(a.spec, a.options);
    EvalReport r;
    r.spec = a.spec;
    r.identity = oracle->identity();
    r.options = a.options;
    std::optional<Network> net;  // loaded for the first kernel-wise file
    for (const auto& b : a.bit_specs) {
        if (!is_kernel_bits_file(b)) {
            r.bits.push_back(parse_bits(b, static_cast<std::size_t>(oracle->layer_count())));
            r.assignments.emplace_back();
            r.results.push_back(oracle->evaluate(r.bits.back()));
            continue;
        }
        if (!net) net = load_network(kernel_trace(a, b));
        const KernelBits kb = read_kernel_bits(b, *net);
        kb.expect(*net, b);
        r.bits.push_back(kb.widest());
        r.assignments.push_back(kb.str());
        r.results.push_back(oracle->evaluate(kb));
    }
    if (a.reference) r.reference_accuracy_percent = oracle->reference_accuracy_percent();
    emit(a.out, a.format == "json" ? eval_report_json(r).dump(2) + "\n" : eval_table(r));
    return 0;
}

int oracle_stats(const Args& args) {
    po::options_description opts("serialq oracle stats options");
    std::string cache, format;
    // One option per line, as --help lists them.
    // clang-format off
    opts.add_options()("format", po::value(&format)->default_value("table"), "table | csv | json");
    // clang-format on
    add_cache_option(opts, cache);
    po::variables_map vm;
    if (!parse_command_line("serialq oracle stats [--cache FILE] [--format table|csv|json]", opts,
                            {}, args, vm))
        return 0;
    check_choice("format", format, {"table", "csv", "json"});
    require_existing(cache);
    OracleCache c(cache);
    const auto stats = c.stats();
    const std::string integrity = c.integrity_check();
    long long total = 0;
    for (const auto& s : stats) total += s.entries;

    if (format == "json") {
        json j;
        j["cache"] = cache;
        j["integrity"] = integrity;
        j["entries"] = total;
        j["identities"] = json::array();
        for (const auto& s : stats)
            j["identities"].push_back({{"identity", s.identity},
                                       {"description", s.description},
                                       {"entries", s.entries},
                                       {"upper_bounds", s.upper_bounds},
                                       {"evaluation_seconds", s.seconds},
                                       {"first_utc", s.first_utc},
                                       {"last_utc", s.last_utc}});
        std::cout << j.dump(2) << "\n";
        return 0;
    }
    if (format == "csv") {
        Table t({"identity", "description", "entries", "upper_bounds", "evaluation_seconds",
                 "first_utc", "last_utc"});
        for (const auto& s : stats)
            t.add_row({s.identity, s.description, std::to_string(s.entries),
                       std::to_string(s.upper_bounds), fixed(s.seconds, 3), s.first_utc,
                       s.last_utc});
        std::cout << t.csv();
        return 0;
    }
    // An identity is a few hundred characters (docs/oracle.md): the table names it by number and
    // the full text follows, wrapped, so that no row is wider than a terminal.
    Table t({"identity", "description", "entries", "upper_bounds", "evaluation_seconds",
             "first_utc", "last_utc"});
    std::string identities;
    for (std::size_t k = 0; k < stats.size(); ++k) {
        const auto& s = stats[k];
        const std::string id = "[" + std::to_string(k + 1) + "]";
        t.add_row({id, s.description, std::to_string(s.entries), std::to_string(s.upper_bounds),
                   fixed(s.seconds, 3), s.first_utc, s.last_utc});
        identities += id + " " + wrap_text(s.identity, kTextWidth - 4, "    ") + "\n";
    }
    std::cout << "cache " << cache << ": " << total << " entries, " << stats.size()
              << " identities, integrity " << integrity << "\n\n"
              << t.text() << (stats.empty() ? "" : "\nidentities (for oracle export --identity):\n")
              << identities;
    return 0;
}

int oracle_export(const Args& args) {
    po::options_description opts("serialq oracle export options");
    std::string cache, identity;
    // One option per line, as --help lists them.
    // clang-format off
    opts.add_options()("identity", po::value(&identity)->default_value(""),
                       "only the entries of this identity")(
        "out", po::value<std::string>(), "CSV file to write (atomically); stdout if absent");
    // clang-format on
    add_cache_option(opts, cache);
    po::variables_map vm;
    if (!parse_command_line("serialq oracle export [--cache FILE] [--out FILE.csv] [--identity ID]",
                            opts, {}, args, vm))
        return 0;
    require_existing(cache);
    OracleCache c(cache);
    emit(vm.count("out") ? std::optional<std::string>(vm["out"].as<std::string>()) : std::nullopt,
         entries_to_csv(c.entries(identity)));
    return 0;
}

int oracle_import(const Args& args) {
    po::options_description opts("serialq oracle import options");
    std::string cache, file;
    // One option per line, as --help lists them.
    // clang-format off
    opts.add_options()("file", po::value(&file)->required(), "CSV written by oracle export");
    // clang-format on
    add_cache_option(opts, cache);
    po::positional_options_description pos;
    pos.add("file", 1);
    po::variables_map vm;
    if (!parse_command_line("serialq oracle import [--cache FILE] <file.csv>", opts, pos, args, vm))
        return 0;
    // Parse everything before touching the cache: a bad file changes nothing.
    const auto entries = entries_from_csv(read_file(file), file);
    OracleCache c(cache);
    const CacheImportReport r = c.import(entries);
    std::cout << "imported " << file << " into " << cache << ": " << r.added << " added, "
              << r.replaced << " bounds replaced, " << r.kept << " already present";
    if (r.differing) std::cout << " (" << r.differing << " with another value, kept as it was)";
    std::cout << "\n";
    return 0;
}

int oracle_main(const Args& args) {
    if (args.empty()) throw UsageError("missing subcommand, expected: eval, stats, export, import");
    if (args[0] == "--help" || args[0] == "-h") {
        std::cout << kUsage;
        return 0;
    }
    const Args rest(args.begin() + 1, args.end());
    if (args[0] == "eval") return oracle_eval(rest);
    if (args[0] == "stats") return oracle_stats(rest);
    if (args[0] == "export") return oracle_export(rest);
    if (args[0] == "import") return oracle_import(rest);
    throw UsageError("unknown subcommand '" + args[0] + "', expected: eval, stats, export, import");
}

const RegisterCommand registered{
    {"oracle", "accuracy of per-layer bitwidths (builtin, table, exec) and its cache",
     &oracle_main}};

}  // namespace

}  // namespace serialq::cli
