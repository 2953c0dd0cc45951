// serialq oracle eval|stats|export|import: ask an accuracy oracle, and look after its cache.
#include "command.hpp"
#include "options.hpp"
#include "table.hpp"

#include "serialq/common/atomic_file.hpp"
#include "serialq/common/bits_spec.hpp"
#include "serialq/common/config_fields.hpp"
#include "serialq/common/error.hpp"
#include "serialq/quant/oracle.hpp"
#include "serialq/quant/oracle_cache.hpp"

#include <nlohmann/json.hpp>

#include <filesystem>
#include <iostream>

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
    opts.add_options()("cache", po::value(&cache)->default_value(kDefaultCacheFile.string()),
                       "oracle cache (SQLite)");
}

// stats/export/import read an existing cache; creating an empty one would hide a typo.
void require_existing(const std::string& cache) {
    if (!std::filesystem::exists(cache))
        throw InputError(cache + ": no such oracle cache file");
}

int oracle_eval(const Args& args) {
    po::options_description opts("serialq oracle eval options");
    std::string spec, format, cache;
    std::vector<std::string> bit_specs;
    // The options write straight into the structs, whose initializers are the defaults.
    OracleOptions options;
    EvaluationSettings& ev = options.evaluation;
    EarlyStopOptions& es = options.early_stop;
    std::string split = to_string(ev.split);
    long long prefix_memory_mb = ev.prefix_memory_bytes >> 20;
    opts.add_options()
        ("oracle", po::value(&spec)->required(),
         "builtin:<trace> | table:<file.csv> | exec:<command>")
        ("bits", po::value(&bit_specs)->required(),
         "bits per weight layer (8,4,4,8 or uniform:N); repeat for several")
        ("split", po::value(&split)->default_value(split),
         "builtin: validation (search) | test (final reports)")
        ("quantizer", po::value(&ev.quantizer)->default_value(ev.quantizer),
         "builtin: weight quantizer")
        ("activation-bits", po::value(&ev.activation_bits)->default_value(ev.activation_bits),
         "builtin: bits of the activation codes (2..16; 0: float activations)")
        ("finetune-steps", po::value(&ev.finetune.steps)->default_value(ev.finetune.steps),
         "builtin: quantization-aware fine-tuning steps before evaluating")
        ("finetune-batch", po::value(&ev.finetune.batch)->default_value(ev.finetune.batch),
         "builtin: images per fine-tuning step")
        ("finetune-lr",
         po::value(&ev.finetune.learning_rate)
             ->default_value(ev.finetune.learning_rate, round_trip_text(ev.finetune.learning_rate)),
         "builtin: fine-tuning's Adam step")
        ("seed", po::value(&ev.finetune.seed)->default_value(ev.finetune.seed), "builtin: fine-tuning seed")
        ("threads", po::value(&ev.threads)->default_value(ev.threads),
         "builtin: threads (0: all cores)")
        ("prefix-memory-mb", po::value(&prefix_memory_mb)->default_value(prefix_memory_mb),
         "builtin: MiB for activations reused between bit vectors sharing a prefix (0: off)")
        ("early-stop-below", po::value(&es.threshold_percent)->default_value(es.threshold_percent),
         "builtin: stop once the accuracy is surely below this percentage (0: off)")
        ("confidence",
         po::value(&es.confidence)->default_value(es.confidence, round_trip_text(es.confidence)),
         "builtin: confidence of that 'surely'")
        ("first-samples", po::value(&es.first_samples)->default_value(es.first_samples),
         "builtin: images in the first subset of early termination")
        ("timeout", po::value(&options.timeout_seconds)->default_value(options.timeout_seconds),
         "exec: seconds to wait for each reply")
        ("reference", "also print the full-precision (reference) accuracy")
        ("no-cache", "neither read nor write a cache")
        ("format", po::value(&format)->default_value("table"), "table | json")
        ("out", po::value<std::string>(), "write to this file instead of stdout");
    add_cache_option(opts, cache);
    po::variables_map vm;
    if (!parse_command_line("serialq oracle eval --oracle SPEC --bits B [--bits B ...] [options]",
                            opts, {}, args, vm))
        return 0;
    check_choice("format", format, {"table", "json"});
    if (vm.count("no-cache") && !vm["cache"].defaulted())
        throw UsageError("--no-cache and --cache exclude each other");
    // Options of one kind of oracle given to another are mistakes, not silently ignored.
    const std::string kind = spec.substr(0, spec.find(':'));
    for (const char* o : {"split", "quantizer", "activation-bits", "finetune-steps",
                          "finetune-batch", "finetune-lr", "seed", "threads", "prefix-memory-mb", "early-stop-below",
                          "confidence", "first-samples"})
        if (!vm[o].defaulted() && kind != "builtin")
            throw UsageError(std::string("--") + o + " applies to builtin: oracles only");
    if (!vm["timeout"].defaulted() && kind != "exec")
        throw UsageError("--timeout applies to exec: oracles only");

    if (!vm.count("no-cache")) options.cache_file = cache;
    ev.split = parse_split(split, "split");
    ev.prefix_memory_bytes = prefix_memory_mb < 0 ? -1 : prefix_memory_mb << 20;
    const auto oracle = make_oracle(spec, options);

    std::vector<std::vector<int>> vectors;
    for (const auto& b : bit_specs)
        vectors.push_back(parse_bits(b, static_cast<std::size_t>(oracle->layer_count()), 1, 16));
    std::vector<AccuracyResult> results;
    for (const auto& bits : vectors) results.push_back(oracle->evaluate(bits));
    const bool with_reference = vm.count("reference") > 0;
    const double reference = with_reference ? oracle->reference_accuracy_percent() : 0;

    std::string text;
    if (format == "json") {
        json j;
        j["oracle"] = spec;
        j["identity"] = oracle->identity();
        j["cache"] = options.cache_file.empty() ? json(nullptr) : json(options.cache_file.string());
        if (kind == "builtin")
            j["options"] = {{"split", split}, {"quantizer", ev.quantizer},
                            {"activation_bits", ev.activation_bits},
                            {"finetune_steps", ev.finetune.steps}, {"finetune_batch", ev.finetune.batch},
                            {"finetune_learning_rate", ev.finetune.learning_rate},
                            {"seed", ev.finetune.seed},
                            {"early_stop_below_percent", es.threshold_percent},
                            {"early_stop_confidence", es.confidence},
                            {"early_stop_first_samples", es.first_samples}};
        if (kind == "exec") j["options"] = {{"timeout_seconds", options.timeout_seconds}};
        j["results"] = json::array();
        for (std::size_t i = 0; i < results.size(); ++i)
            j["results"].push_back({{"bits", vectors[i]},
                                    {"accuracy_percent", results[i].accuracy_percent},
                                    {"samples", results[i].samples_evaluated},
                                    {"seconds", results[i].seconds},
                                    {"is_upper_bound", results[i].is_upper_bound},
                                    {"from_cache", results[i].from_cache}});
        if (with_reference) j["reference_accuracy_percent"] = reference;
        text = j.dump(2) + "\n";
    } else {
        text = "oracle    " + spec + "\nidentity  " + oracle->identity() + "\ncache     " +
               (options.cache_file.empty() ? std::string("none") : options.cache_file.string()) +
               "\n";
        if (with_reference) text += "reference " + fixed(reference, 4) + " % (full precision)\n";
        text += "\n";
        Table t({"bits", "accuracy_percent", "samples", "seconds", "upper_bound", "from_cache"});
        for (std::size_t i = 0; i < results.size(); ++i)
            t.add_row({format_bits(vectors[i]), fixed(results[i].accuracy_percent, 4),
                       std::to_string(results[i].samples_evaluated), fixed(results[i].seconds, 6),
                       yes_no(results[i].is_upper_bound), yes_no(results[i].from_cache)});
        text += t.text();
    }
    emit(vm.count("out") ? std::optional<std::string>(vm["out"].as<std::string>()) : std::nullopt,
         text);
    return 0;
}

int oracle_stats(const Args& args) {
    po::options_description opts("serialq oracle stats options");
    std::string cache, format;
    opts.add_options()("format", po::value(&format)->default_value("table"), "table | csv | json");
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
    Table t({"identity", "description", "entries", "upper_bounds", "evaluation_seconds",
             "first_utc", "last_utc"});
    for (const auto& s : stats)
        t.add_row({s.identity, s.description, std::to_string(s.entries),
                   std::to_string(s.upper_bounds), fixed(s.seconds, 3), s.first_utc, s.last_utc});
    if (format == "csv") {
        std::cout << t.csv();
        return 0;
    }
    std::cout << "cache " << cache << ": " << total << " entries, " << stats.size()
              << " identities, integrity " << integrity << "\n\n"
              << t.text();
    return 0;
}

int oracle_export(const Args& args) {
    po::options_description opts("serialq oracle export options");
    std::string cache, identity;
    opts.add_options()("identity", po::value(&identity)->default_value(""),
                       "only the entries of this identity")(
        "out", po::value<std::string>(), "CSV file to write (atomically); stdout if absent");
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
    opts.add_options()("file", po::value(&file)->required(), "CSV written by oracle export");
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
