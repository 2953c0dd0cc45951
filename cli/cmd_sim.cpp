// serialq sim: what one or more bitwidth assignments cost on an accelerator, layer by layer,
// against a baseline. Parses options and formats; the numbers come from serialq_sim
// (HardwareModel, report.hpp, baseline.hpp).
#include "command.hpp"
#include "options.hpp"
#include "table.hpp"

#include "serialq/common/bits_spec.hpp"
#include "serialq/common/kernel_bits.hpp"
#include "serialq/common/error.hpp"
#include "serialq/common/network_loader.hpp"
#include "serialq/sim/accelerator_config.hpp"
#include "serialq/sim/baseline.hpp"
#include "serialq/sim/cycle_model.hpp"
#include "serialq/sim/hardware_model.hpp"
#include "serialq/sim/figures.hpp"
#include "serialq/sim/report.hpp"
#include "serialq/sim/sim_output.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <optional>
#include <iostream>

namespace serialq::cli {

namespace {

using json = nlohmann::ordered_json;
using namespace serialq::sim;

const char* kUsage =
    "serialq sim --trace T.yaml --bits B [--bits B2 ...] [--act-bits A ...] [--batch N]\n"
    "            [--accel A.yaml] [--set key=value ...]\n"
    "            [--baseline uniform:N|A.yaml|A.yaml@N] [--baseline-set key=value ...]\n"
    "            [--model cycle|analytic] [--format table|csv|json] [--out FILE]\n"
    "            [--vcd FILE --vcd-layer NAME]";

// A row's value as table text: counts as integers, ratios to 3 decimals, time to 2, the rest
// to 1; an undefined value "-".
std::string cell(const json& row, const Figure& f) {
    const json& v = row.at(f.name);
    if (v.is_null()) return "-";
    if (f.integer) return std::to_string(v.get<long long>());
    if (f.name == figure::time_us.name) return fixed(v.get<double>(), 2);
    if (f.unit.empty()) return fixed(v.get<double>(), 3);
    return fixed(v.get<double>(), 1);
}

// The table leaves out the per-direction traffic and sums each memory level's reads and
// writes instead.
std::vector<std::string> detail_columns() {
    std::vector<std::string> columns;
    for (const auto& f : key_figures()) columns.emplace_back(f.name);
    for (const auto& f : layer_figures())
        if (f.unit != "bits") columns.emplace_back(f.name);
    for (const char* c : {"weight_buffer_bits", "activation_memory_bits", "off_chip_bits"})
        columns.emplace_back(c);
    for (const auto& f : comparison_figures())
        if (f.unit.empty()) columns.emplace_back(f.name);
    return columns;
}

std::vector<std::string> detail_cells(const json& row) {
    std::vector<std::string> cells;
    for (const auto& f : key_figures())
        cells.push_back(row.at(f.name).is_string() ? row.at(f.name).get<std::string>()
                                                   : cell(row, f));
    for (const auto& f : layer_figures())
        if (f.unit != "bits") cells.push_back(cell(row, f));
    const auto both = [&](const Figure& read, const Figure& write) {
        return std::to_string(row.at(read.name).get<long long>() +
                              row.at(write.name).get<long long>());
    };
    cells.push_back(both(figure::weight_buffer_read_bits, figure::weight_buffer_write_bits));
    cells.push_back(
        both(figure::activation_memory_read_bits, figure::activation_memory_write_bits));
    cells.push_back(both(figure::off_chip_read_bits, figure::off_chip_write_bits));
    for (const auto& f : comparison_figures())
        if (f.unit.empty()) cells.push_back(cell(row, f));
    return cells;
}

std::string detail_table(const SimRun& run, double clock_ghz) {
    Table t(detail_columns());
    for (const auto& row : comparison_rows(run.comparison, clock_ghz)) t.add_row(detail_cells(row));
    t.rule_before_last_row();
    return t.text();
}

// Several assignments side by side: per run, its bits, cycles, energy and the two ratios.
std::string side_by_side_table(const std::vector<SimRun>& runs, double clock_ghz) {
    namespace f = figure;
    const Figure per_run[] = {f::layer_bits, f::total_cycles, f::energy_pj, f::speedup,
                              f::energy_reduction};
    std::vector<std::string> columns{std::string(f::layer_index.name), std::string(f::layer.name),
                                     std::string(f::baseline_total_cycles.name),
                                     std::string(f::baseline_energy_pj.name)};
    for (std::size_t k = 1; k <= runs.size(); ++k) {
        std::string prefix = "[";  // built in steps: GCC 12 warns (-Wrestrict) on "[" + string
        prefix += std::to_string(k);
        prefix += ']';
        for (const auto& fig : per_run) columns.push_back(prefix + std::string(fig.name));
    }
    Table t(columns);
    std::vector<std::vector<json>> rows;
    for (const auto& run : runs) rows.push_back(comparison_rows(run.comparison, clock_ghz));
    for (std::size_t i = 0; i < rows.front().size(); ++i) {
        const json& first = rows.front()[i];
        std::vector<std::string> cells{
            cell(first, f::layer_index), first.at(f::layer.name).get<std::string>(),
            cell(first, f::baseline_total_cycles), cell(first, f::baseline_energy_pj)};
        for (const auto& r : rows)
            for (const auto& fig : per_run) cells.push_back(cell(r[i], fig));
        t.add_row(cells);
    }
    t.rule_before_last_row();
    return t.text();
}

// Which designs each override reached (baseline.hpp's rule): the run's, and the baseline's
// unless the designs differ in that field; --baseline-set ones the baseline's alone.
std::string overrides_text(const std::vector<ConfigOverride>& run, const std::string& run_name,
                           const BaselineRun& baseline) {
    const auto in = [](const std::vector<ConfigOverride>& list, const ConfigOverride& o) {
        return std::find(list.begin(), list.end(), o) != list.end();
    };
    const std::string base = baseline.same_accelerator ? run_name : baseline.config.name;
    std::string text;
    for (const auto& o : run)
        text +=
            "override " + o.first + "=" + o.second + ": " + run_name +
            (in(baseline.skipped, o) ? "; not the baseline (" + base + "), whose own value differs"
                                     : " and the baseline (" + base + ")") +
            "\n";
    for (const auto& o : baseline.overrides)
        if (!in(run, o))
            text +=
                "override " + o.first + "=" + o.second + ": the baseline (" + base + ") alone\n";
    return text;
}

// Batch and per-inference figures (network_row) and the resident weights' one-time load.
std::string network_text(const NetworkReport& r) {
    const json figures = network_row(r);
    const auto value = [&](const Figure& f) { return figures.at(f.name).get<double>(); };
    std::string text;
    if (r.batch > 1)
        text += "batch " + std::to_string(r.batch) + ": per inference " +
                fixed(value(figure::cycles_per_inference), 1) + " cycles, " +
                fixed(value(figure::energy_pj_per_inference), 1) +
                " pJ (the table gives the batch's)\n";
    int resident = 0;
    for (const auto& l : r.layers) resident += l.weights_resident ? 1 : 0;
    text += "resident weights: " + std::to_string(resident) + " of " +
            std::to_string(r.layers.size()) + " layers";
    if (r.weight_load.bits > 0)
        text += ", loaded once: " + std::to_string(r.weight_load.bits) + " bits, " +
                std::to_string(r.weight_load.cycles) + " cycles, " +
                fixed(r.weight_load.energy_pj, 1) + " pJ (not in the figures below)";
    return text + "\n";
}

// The options as given; defaults as --help shows them.
struct SimArgs {
    std::string trace, accel_file, baseline_text, model_kind, format;
    std::vector<std::string> bit_specs, act_specs, sets, baseline_sets;
    std::optional<std::string> out, vcd_file, vcd_layer;
};

// Parses the command line; false when it only asked for --help.
bool parse_sim_args(const Args& args, SimArgs& a) {
    po::options_description opts("serialq sim options");
    // One option per line, as --help lists them.
    // clang-format off
    opts.add_options()
        ("trace", po::value(&a.trace)->required(), "network trace (YAML)")
        ("bits", po::value(&a.bit_specs)->required()->composing(),
         "weight bits per conv/fc layer, 8,4,4,8 or uniform:N, or a kernel-wise FILE.json "
         "(a search's best.json included); repeat to compare several")
        ("act-bits", po::value(&a.act_specs)->composing(),
         "activation bits per conv/fc layer, as --bits; once for every --bits or once per "
         "--bits (default: the accelerator's activation_bits)")
        ("batch", po::value<int>(), "inferences per run, the accelerator's batch key (default 1)")
        ("accel", po::value(&a.accel_file)->default_value("configs/accel/stripes.yaml"),
         "accelerator (YAML)")
        ("set", po::value(&a.sets)->composing(),
         "override an accelerator field, key=value with a dotted key (repeatable)")
        ("baseline", po::value(&a.baseline_text)->default_value("uniform:8"),
         "uniform:N (this accelerator), A.yaml (at its max_bits) or A.yaml@N")
        ("baseline-set", po::value(&a.baseline_sets)->composing(),
         "override a field of the baseline alone, key=value (repeatable)")
        ("model", po::value(&a.model_kind)->default_value(sim::kDefaultModel),
         "analytic | cycle (with --vcd: cycle)")
        ("format", po::value(&a.format)->default_value("table"), "table | csv | json")
        ("out", po::value<std::string>(), "write to this file instead of stdout")
        ("vcd", po::value<std::string>(),
         "cycle model: write a VCD (GTKWave) of the --vcd-layer layer, first --bits run")
        ("vcd-layer", po::value<std::string>(), "the layer the VCD shows (a name in the trace)")
        ("config-keys", po::value<std::string>()->implicit_value("text"),
         "print every key of an accelerator YAML (default, range, meaning) and exit; "
         "--config-keys=md: as docs/sim.md's table");
    // clang-format on
    if (const auto format = config_keys_format(args)) {
        print_config_keys(*format, "Keys of an accelerator YAML (--accel FILE; all optional):",
                          field_docs(sim::accelerator_config_fields()));
        return false;
    }
    po::variables_map vm;
    if (!parse_command_line(kUsage, opts, {}, args, vm)) return false;
    check_choice("model", a.model_kind, {"cycle", "analytic"});
    check_choice("format", a.format, {"table", "csv", "json"});
    if (vm.count("out")) a.out = vm["out"].as<std::string>();
    if (vm.count("vcd")) a.vcd_file = vm["vcd"].as<std::string>();
    if (vm.count("vcd-layer")) a.vcd_layer = vm["vcd-layer"].as<std::string>();
    // A batch is the workload's: it reaches every baseline (baseline.hpp), as a --set does.
    if (vm.count("batch")) a.sets.push_back("batch=" + std::to_string(vm["batch"].as<int>()));
    if (a.vcd_file.has_value() != a.vcd_layer.has_value())
        throw UsageError("--vcd and --vcd-layer go together");
    if (a.vcd_file && vm["model"].defaulted()) a.model_kind = "cycle";
    if (a.vcd_file && a.model_kind != "cycle")
        throw UsageError("--vcd: found --model " + a.model_kind + ", expected --model cycle");
    return true;
}

// Only conv and fc layers run on the array (pools and adds are data movement, docs/sim.md), so
// only they have signals to show.
void check_vcd_layer(const SimArgs& a, const Network& net) {
    std::string names;
    for (const auto& l : net.layers) {
        if (!l.has_weights()) continue;
        if (l.name == *a.vcd_layer) return;
        names += (names.empty() ? "" : ", ") + l.name;
    }
    throw ConfigError(a.trace + ": --vcd-layer: found '" + *a.vcd_layer +
                      "', expected a conv or fc layer of " + net.name +
                      " (only they run on the array): " + names);
}

// The --bits runs: weight and activation assignments, checked against the accelerator. A run
// given a kernel-wise file (FILE.json, a search's best.json included) holds its KernelBits;
// its act bits are the file's.
struct Assignments {
    std::vector<LayerBits> bits, act_bits;  // act_bits: empty, or one per run
    std::vector<std::string> act_specs;  // one per run ("" for the default)
    std::vector<std::optional<KernelBits>> kernels;  // one per run

    NetworkReport simulate(HardwareModel& model, const Network& net, std::size_t k) const {
        if (kernels[k]) return model.simulate(net, *kernels[k]);
        return model.simulate(net, bits[k], act_bits[k]);
    }
};

Assignments parse_assignments(const SimArgs& a, const AcceleratorConfig& config,
                              const Network& net) {
    const BitsRange wr = weight_bits_range(config), ar = activation_bits_range(config);
    const int layers = net.weight_layer_count();
    Assignments s;
    if (!a.act_specs.empty() && a.act_specs.size() != 1 && a.act_specs.size() != a.bit_specs.size())
        throw UsageError("--act-bits: found " + std::to_string(a.act_specs.size()) +
                         " assignments for " + std::to_string(a.bit_specs.size()) +
                         " --bits, expected one or one per --bits");
    for (std::size_t k = 0; k < a.bit_specs.size(); ++k) {
        const std::string act =
            a.act_specs.empty() ? "" : a.act_specs[a.act_specs.size() == 1 ? 0 : k];
        if (is_kernel_bits_file(a.bit_specs[k])) {
            if (!act.empty())
                throw UsageError("--act-bits: --bits " + a.bit_specs[k] +
                                 " is kernel-wise and holds its own activation bits; leave "
                                 "--act-bits out for it");
            KernelBits kb = read_kernel_bits(a.bit_specs[k], net);
            kb.expect(net, a.bit_specs[k], wr, ar);
            s.bits.push_back(kb.widest());
            s.act_bits.emplace_back();
            s.act_specs.emplace_back();
            s.kernels.emplace_back(std::move(kb));
            continue;
        }
        s.kernels.emplace_back();
        s.bits.push_back(parse_bits(a.bit_specs[k], layers, wr, "--bits"));
        s.act_specs.push_back(act);
        s.act_bits.push_back(act.empty() ? LayerBits{} : parse_bits(act, layers, ar, "--act-bits"));
    }
    return s;
}

std::string table_text(const SimOutput& o, const NetworkReport& base) {
    std::string text = "network " + base.network + " (" + o.trace + ") on " + o.config.name + " (" +
                       o.accel_file + "), " + o.model + " model\n";
    text += overrides_text(o.overrides, o.config.name, o.baseline);
    text += "baseline: " + o.baseline.label + ": " + std::to_string(base.total.total_cycles) +
            " cycles, " + fixed(base.total.energy_pj(), 1) + " pJ\n";
    const auto& runs = o.runs;
    for (std::size_t k = 0; k < runs.size(); ++k)
        text += (runs.size() > 1 ? "[" + std::to_string(k + 1) + "] " : std::string()) +
                network_text(runs[k].comparison.run);
    if (runs.size() == 1) {
        const auto& r = runs.front().comparison.run;
        text += "bits: " + format_bits(r.bits) + "; act_bits: " + format_bits(r.act_bits) + "\n\n";
        return text + detail_table(runs.front(), o.config.clock_ghz);
    }
    for (std::size_t k = 0; k < runs.size(); ++k)
        text += "[" + std::to_string(k + 1) + "] " + runs[k].bits_spec +
                (runs[k].act_bits_spec.empty() ? "" : ", act_bits " + runs[k].act_bits_spec) + "\n";
    return text + "\n" + side_by_side_table(runs, o.config.clock_ghz);
}

int sim_main(const Args& args) {
    SimArgs a;
    if (!parse_sim_args(args, a)) return 0;
    SimOutput o;
    o.trace = a.trace;
    o.accel_file = a.accel_file;
    o.model = a.model_kind;
    o.baseline_spec = a.baseline_text;
    for (const auto& s : a.sets) o.overrides.push_back(parse_config_override(s, "--set"));
    BaselineOverrides baseline_overrides{o.overrides, {}};
    for (const auto& s : a.baseline_sets)
        baseline_overrides.baseline.push_back(parse_config_override(s, "--baseline-set"));
    o.config = load_accelerator_config(a.accel_file, o.overrides);
    const Network net = load_network(a.trace);
    const Assignments runs = parse_assignments(a, o.config, net);
    o.baseline = resolve_baseline(parse_baseline(a.baseline_text, "--baseline"), o.config, net,
                                  "--baseline", baseline_overrides);
    if (a.vcd_file) check_vcd_layer(a, net);

    auto model = make_hardware_model(a.model_kind, o.config);
    // The VCD shows the first --bits run alone: it is simulated first, then tracing stops
    // before the baseline and the other runs (which run the same layer again).
    std::optional<NetworkReport> first;
    if (a.vcd_file) {
        start_vcd_trace(*a.vcd_file, *a.vcd_layer);
        first = runs.simulate(*model, net, 0);
        stop_vcd_trace();
    }
    const NetworkReport base = run_baseline(o.baseline, *model, net);
    for (std::size_t k = 0; k < runs.bits.size(); ++k)
        o.runs.push_back({a.bit_specs[k], runs.act_specs[k],
                          compare(k == 0 && first ? *first : runs.simulate(*model, net, k), base)});
    if (a.format == "json")
        emit(a.out, sim_output_json(o).dump(2) + "\n");
    else if (a.format == "csv")
        emit(a.out, sim_output_csv(o));
    else
        emit(a.out, table_text(o, base));
    return 0;
}

const RegisterCommand registered{
    {"sim", "cycles and energy of bitwidth assignments on an accelerator, per layer", &sim_main}};

}  // namespace

}  // namespace serialq::cli
