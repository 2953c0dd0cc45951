// serialq sim: what one or more bitwidth assignments cost on an accelerator, layer by layer,
// against a baseline. Parses options and formats; the numbers come from serialq_sim
// (HardwareModel, report.hpp, baseline.hpp).
#include "command.hpp"
#include "options.hpp"
#include "table.hpp"

#include "serialq/common/bits_spec.hpp"
#include "serialq/common/error.hpp"
#include "serialq/common/network_loader.hpp"
#include "serialq/sim/accelerator_config.hpp"
#include "serialq/sim/baseline.hpp"
#include "serialq/sim/hardware_model.hpp"
#include "serialq/sim/report.hpp"
#include "serialq/sim/vcd_trace.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <charconv>
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

struct Run {
    std::string spec;      // as given to --bits
    std::string act_spec;  // as given to --act-bits ("" for the accelerator's activation_bits)
    Comparison comparison;
};

// Shortest text that reads back to the same double; counts print as integers.
std::string number(const Field& f) {
    if (f.integer) return std::to_string(static_cast<long long>(f.value));
    char buf[64];
    const auto r = std::to_chars(buf, buf + sizeof buf, f.value);
    return std::string(buf, r.ptr);
}

// The table shows fewer decimals than the CSV and sums each memory level's reads and writes.
std::string resident_cell(const LayerReport& r) {
    return r.layer_index < 0 ? "" : (r.weights_resident ? "yes" : "no");
}

std::vector<std::string> table_cells(const LayerReport& r, const Ratios& x, double clock_ghz) {
    std::vector<std::string> cells{std::to_string(r.bits), std::to_string(r.act_bits),
                                   resident_cell(r)};
    for (const auto& f : report_fields(r, clock_ghz)) {
        if (f.name.ends_with("_bits")) continue;
        if (f.integer) cells.push_back(number(f));
        else if (f.name == "time_us") cells.push_back(fixed(f.value, 2));
        else if (f.name == "utilization") cells.push_back(fixed(f.value, 3));
        else cells.push_back(fixed(f.value, 1));
    }
    const auto& t = r.traffic;
    cells.push_back(std::to_string(t.weight_buffer_read_bits + t.weight_buffer_write_bits));
    cells.push_back(std::to_string(t.activation_memory_read_bits + t.activation_memory_write_bits));
    cells.push_back(std::to_string(t.off_chip_read_bits + t.off_chip_write_bits));
    cells.push_back(fixed(x.speedup, 3));
    cells.push_back(fixed(x.energy_reduction, 3));
    return cells;
}

std::string layer_number(const LayerReport& r) {
    return r.layer_index < 0 ? "total" : std::to_string(r.layer_index);
}

std::string detail_table(const Run& run, double clock_ghz) {
    std::vector<std::string> columns{"layer", "name", "bits", "act_bits", "resident"};
    for (const auto& f : report_fields(LayerReport{}, clock_ghz))
        if (!f.name.ends_with("_bits")) columns.push_back(f.name);
    for (const char* c : {"weight_buffer_bits", "activation_memory_bits", "off_chip_bits",
                          "speedup", "energy_reduction"})
        columns.push_back(c);
    Table t(columns);
    const auto& c = run.comparison;
    const auto add = [&](const LayerReport& r, const Ratios& x) {
        auto cells = table_cells(r, x, clock_ghz);
        cells.insert(cells.begin(), {layer_number(r), r.layer_index < 0 ? "" : r.name});
        if (r.layer_index < 0 && r.bits == 0) cells[2] = "-";
        if (r.layer_index < 0 && r.act_bits == 0) cells[3] = "-";
        t.add_row(cells);
    };
    for (std::size_t i = 0; i < c.run.layers.size(); ++i) add(c.run.layers[i], c.layers[i]);
    add(c.run.total, c.total);
    t.rule_before_last_row();
    return t.text();
}

// Several assignments side by side: per run, its bits, cycles, energy and the two ratios.
std::string side_by_side_table(const std::vector<Run>& runs) {
    std::vector<std::string> columns{"layer", "name", "baseline_total_cycles", "baseline_energy_pj"};
    for (std::size_t k = 1; k <= runs.size(); ++k) {
        std::string prefix = "[";  // built in steps: GCC 12 warns (-Wrestrict) on "[" + string
        prefix += std::to_string(k);
        prefix += ']';
        for (const char* c : {"bits", "total_cycles", "energy_pj", "speedup", "energy_reduction"})
            columns.push_back(prefix + c);
    }
    Table t(columns);
    const auto& first = runs.front().comparison;
    const std::size_t n = first.run.layers.size();
    for (std::size_t i = 0; i <= n; ++i) {
        const LayerReport& base = i < n ? first.baseline.layers[i] : first.baseline.total;
        std::vector<std::string> cells{layer_number(base), i < n ? base.name : "",
                                       std::to_string(base.total_cycles),
                                       fixed(base.energy_pj(), 1)};
        for (const auto& run : runs) {
            const auto& c = run.comparison;
            const LayerReport& r = i < n ? c.run.layers[i] : c.run.total;
            const Ratios& x = i < n ? c.layers[i] : c.total;
            cells.push_back(r.bits == 0 ? "-" : std::to_string(r.bits));
            cells.push_back(std::to_string(r.total_cycles));
            cells.push_back(fixed(r.energy_pj(), 1));
            cells.push_back(fixed(x.speedup, 3));
            cells.push_back(fixed(x.energy_reduction, 3));
        }
        t.add_row(cells);
    }
    t.rule_before_last_row();
    return t.text();
}

// One row per run x layer (and a total row per run), every figure in full precision.
std::string csv_rows(const std::vector<Run>& runs, double clock_ghz) {
    std::vector<std::string> columns{"run", "bits_spec", "act_bits_spec", "layer", "name",
                                     "bits", "act_bits", "weights_resident"};
    for (const auto& f : report_fields(LayerReport{}, clock_ghz)) columns.push_back(f.name);
    for (const char* c : {"baseline_total_cycles", "baseline_energy_pj", "speedup",
                          "energy_reduction"})
        columns.push_back(c);
    Table t(columns);
    for (std::size_t k = 0; k < runs.size(); ++k) {
        const auto& c = runs[k].comparison;
        const auto add = [&](const LayerReport& r, const LayerReport& base, const Ratios& x) {
            const bool total = r.layer_index < 0;
            std::vector<std::string> cells{std::to_string(k + 1), runs[k].spec, runs[k].act_spec,
                                           layer_number(r), total ? "" : r.name,
                                           r.bits == 0 ? "" : std::to_string(r.bits),
                                           r.act_bits == 0 ? "" : std::to_string(r.act_bits),
                                           total ? "" : (r.weights_resident ? "1" : "0")};
            for (const auto& f : report_fields(r, clock_ghz)) cells.push_back(number(f));
            cells.push_back(std::to_string(base.total_cycles));
            cells.push_back(number(Field{"", base.energy_pj(), false}));
            cells.push_back(number(Field{"", x.speedup, false}));
            cells.push_back(number(Field{"", x.energy_reduction, false}));
            t.add_row(cells);
        };
        for (std::size_t i = 0; i < c.run.layers.size(); ++i)
            add(c.run.layers[i], c.baseline.layers[i], c.layers[i]);
        add(c.run.total, c.baseline.total, c.total);
    }
    return t.csv();
}

// Report fields as JSON numbers: integers where the figure is a count.
void add_fields(json& o, const std::vector<Field>& fields) {
    for (const auto& f : fields) {
        if (f.integer) o[f.name] = static_cast<long long>(f.value);
        else o[f.name] = f.value;
    }
}

json fields_json(const LayerReport& r, double clock_ghz) {
    json o;
    o["name"] = r.layer_index < 0 ? "total" : r.name;
    if (r.layer_index >= 0) o["layer_index"] = r.layer_index;
    o["bits"] = r.bits;
    o["act_bits"] = r.act_bits;
    if (r.layer_index >= 0) o["weights_resident"] = r.weights_resident;
    o["cycles"] = r.total_cycles;
    add_fields(o, report_fields(r, clock_ghz));
    return o;
}

json layer_json(const LayerReport& r, const LayerReport& base, const Ratios& x, double clock_ghz) {
    json o = fields_json(r, clock_ghz);
    o["baseline_total_cycles"] = base.total_cycles;
    o["baseline_energy_pj"] = base.energy_pj();
    o["speedup"] = x.speedup;
    o["energy_reduction"] = x.energy_reduction;
    return o;
}

// Config values as JSON: numbers where the text is one, else strings.
json config_json(const AcceleratorConfig& c) {
    json o;
    for (const auto& [key, text] : accelerator_config_values(c)) {
        double v = 0;
        const auto r = std::from_chars(text.data(), text.data() + text.size(), v);
        const bool is_number = !text.empty() && r.ec == std::errc() && r.ptr == text.data() + text.size();
        if (is_number && text.find_first_not_of("0123456789-") == std::string::npos)
            o[key] = std::stoll(text);
        else if (is_number)
            o[key] = v;
        else
            o[key] = text;
    }
    return o;
}

json run_json(const Run& run, double clock_ghz) {
    const auto& c = run.comparison;
    json layers = json::array();
    for (std::size_t i = 0; i < c.run.layers.size(); ++i)
        layers.push_back(layer_json(c.run.layers[i], c.baseline.layers[i], c.layers[i], clock_ghz));
    json network = json::object();
    add_fields(network, network_fields(c.run));
    return {{"bits_spec", run.spec},
            {"bits", c.run.bits},
            {"act_bits_spec", run.act_spec},
            {"act_bits", c.run.act_bits},
            {"layers", layers},
            {"total", layer_json(c.run.total, c.baseline.total, c.total, clock_ghz)},
            {"network", network}};
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
        text += "override " + o.first + "=" + o.second + ": " + run_name +
                (in(baseline.skipped, o)
                     ? "; not the baseline (" + base + "), whose own value differs"
                     : " and the baseline (" + base + ")") +
                "\n";
    for (const auto& o : baseline.overrides)
        if (!in(run, o))
            text += "override " + o.first + "=" + o.second + ": the baseline (" + base + ") alone\n";
    return text;
}

// Batch and per-inference figures (network_fields) and the resident weights' one-time load.
std::string network_text(const NetworkReport& r) {
    const auto figure = [fields = network_fields(r)](const std::string& name) {
        for (const auto& f : fields)
            if (f.name == name) return f.value;
        return 0.0;
    };
    std::string text;
    if (r.batch > 1)
        text += "batch " + std::to_string(r.batch) + ": per inference " +
                fixed(figure("cycles_per_inference"), 1) + " cycles, " +
                fixed(figure("energy_pj_per_inference"), 1) + " pJ (the table gives the batch's)\n";
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

int sim_main(const Args& args) {
    po::options_description opts("serialq sim options");
    std::string trace, accel_file, baseline_text, model_kind, format;
    std::vector<std::string> bit_specs, act_specs, sets, baseline_sets;
    opts.add_options()
        ("trace", po::value(&trace)->required(), "network trace (YAML)")
        ("bits", po::value(&bit_specs)->required()->composing(),
         "weight bits per conv/fc layer, 8,4,4,8 or uniform:N; repeat to compare several")
        ("act-bits", po::value(&act_specs)->composing(),
         "activation bits per conv/fc layer, as --bits; once for every --bits or once per "
         "--bits (default: the accelerator's activation_bits)")
        ("batch", po::value<int>(), "inferences per run, the accelerator's batch key (default 1)")
        ("accel", po::value(&accel_file)->default_value("configs/accel/stripes.yaml"),
         "accelerator (YAML)")
        ("set", po::value(&sets)->composing(),
         "override an accelerator field, key=value with a dotted key (repeatable)")
        ("baseline", po::value(&baseline_text)->default_value("uniform:8"),
         "uniform:N (this accelerator), A.yaml (at its max_bits) or A.yaml@N")
        ("baseline-set", po::value(&baseline_sets)->composing(),
         "override a field of the baseline alone, key=value (repeatable)")
        ("model", po::value(&model_kind)->default_value(default_model_kind()), "cycle | analytic")
        ("format", po::value(&format)->default_value("table"), "table | csv | json")
        ("out", po::value<std::string>(), "write to this file instead of stdout")
        ("vcd", po::value<std::string>(),
         "cycle model: write a VCD (GTKWave) of the --vcd-layer layer, first --bits run")
        ("vcd-layer", po::value<std::string>(), "the layer the VCD shows (a name in the trace)");
    po::variables_map vm;
    if (!parse_command_line(kUsage, opts, {}, args, vm)) return 0;
    check_choice("model", model_kind, {"cycle", "analytic"});
    check_choice("format", format, {"table", "csv", "json"});
    std::optional<std::string> out;
    if (vm.count("out")) out = vm["out"].as<std::string>();

    std::vector<ConfigOverride> overrides;
    for (const auto& s : sets) overrides.push_back(parse_config_override(s, "--set"));
    BaselineOverrides baseline_overrides;
    for (const auto& s : baseline_sets)
        baseline_overrides.baseline.push_back(parse_config_override(s, "--baseline-set"));
    // A batch is the workload's: it reaches every baseline (baseline.hpp).
    if (vm.count("batch")) overrides.push_back({"batch", std::to_string(vm["batch"].as<int>())});
    baseline_overrides.run = overrides;
    const AcceleratorConfig config = load_accelerator_config(accel_file, overrides);
    const Network net = load_network(trace);
    const BitsRange wr = weight_bits_range(config), ar = activation_bits_range(config);
    std::vector<std::vector<int>> assignments, act_assignments;
    for (const auto& spec : bit_specs)
        assignments.push_back(parse_bits(spec, net.weight_layer_count(), wr.min, wr.max, "--bits"));
    if (!act_specs.empty() && act_specs.size() != 1 && act_specs.size() != bit_specs.size())
        throw UsageError("--act-bits: found " + std::to_string(act_specs.size()) +
                         " assignments for " + std::to_string(bit_specs.size()) +
                         " --bits, expected one or one per --bits");
    for (const auto& spec : act_specs)
        act_assignments.push_back(
            parse_bits(spec, net.weight_layer_count(), ar.min, ar.max, "--act-bits"));
    const auto act_of = [&](std::size_t k) -> std::vector<int> {
        if (act_assignments.empty()) return {};
        return act_assignments[act_assignments.size() == 1 ? 0 : k];
    };
    const auto act_spec_of = [&](std::size_t k) -> std::string {
        if (act_specs.empty()) return "";
        return act_specs[act_specs.size() == 1 ? 0 : k];
    };
    const BaselineRun baseline = resolve_baseline(parse_baseline(baseline_text, "--baseline"),
                                                  config, net, "--baseline", baseline_overrides);

    const bool vcd = vm.count("vcd") > 0;
    if (vcd != (vm.count("vcd-layer") > 0))
        throw UsageError("--vcd and --vcd-layer go together");
    if (vcd && model_kind != "cycle")
        throw UsageError("--vcd: found --model " + model_kind + ", expected --model cycle");
    std::string vcd_layer;
    if (vcd) {
        vcd_layer = vm["vcd-layer"].as<std::string>();
        std::string names;
        bool found = false;
        for (const auto& l : net.layers) {
            names += (names.empty() ? "" : ", ") + l.name;
            found = found || l.name == vcd_layer;
        }
        if (!found)
            throw ConfigError(trace + ": --vcd-layer: found '" + vcd_layer +
                              "', expected a layer of " + net.name + ": " + names);
    }

    auto model = make_hardware_model(model_kind, config);
    // The VCD shows the first --bits run alone: it is simulated first, then tracing stops
    // before the baseline and the other runs (which run the same layer again).
    std::optional<NetworkReport> first;
    if (vcd) {
        start_vcd_trace(vm["vcd"].as<std::string>(), vcd_layer);
        first = model->simulate(net, assignments.front(), act_of(0));
        stop_vcd_trace();
    }
    const NetworkReport base = run_baseline(baseline, *model, net);
    std::vector<Run> runs;
    for (std::size_t k = 0; k < assignments.size(); ++k)
        runs.push_back({bit_specs[k], act_spec_of(k),
                        compare(k == 0 && first ? *first
                                                : model->simulate(net, assignments[k], act_of(k)),
                                base)});
    const double clock = config.clock_ghz;

    std::string text;
    if (format == "json") {
        json doc;
        doc["command"] = "sim";
        doc["network"] = net.name;
        doc["trace"] = trace;
        doc["model"] = model_kind;
        json overrides_json = json::object();
        for (const auto& [k, v] : overrides) overrides_json[k] = v;
        doc["accelerator"] = {{"file", accel_file},
                              {"overrides", overrides_json},
                              {"values", config_json(config)}};
        json baseline_overrides_json = json::object();
        for (const auto& [k, v] : baseline.overrides) baseline_overrides_json[k] = v;
        json skipped = json::array();
        for (const auto& o : baseline.skipped) skipped.push_back(o.first);
        doc["baseline"] = {{"spec", baseline_text},
                           {"label", baseline.label},
                           {"overrides", baseline_overrides_json},
                           {"overrides_not_applied", skipped},
                           {"accelerator", config_json(baseline.config)},
                           {"bits", baseline.bits},
                           {"total", fields_json(base.total, baseline.config.clock_ghz)}};
        const json first = run_json(runs.front(), clock);
        doc["bits_spec"] = first["bits_spec"];
        doc["bits"] = first["bits"];
        doc["act_bits_spec"] = first["act_bits_spec"];
        doc["act_bits"] = first["act_bits"];
        doc["layers"] = first["layers"];
        doc["total"] = first["total"];
        doc["network_figures"] = first["network"];
        json all = json::array();
        for (const auto& r : runs) all.push_back(run_json(r, clock));
        doc["runs"] = all;
        text = doc.dump(2) + "\n";
    } else if (format == "csv") {
        text = csv_rows(runs, clock);
    } else {
        text = "network " + net.name + " (" + trace + ") on " + config.name + " (" + accel_file +
               "), " + model_kind + " model\n";
        text += overrides_text(overrides, config.name, baseline);
        text += "baseline: " + baseline.label + ": " + std::to_string(base.total.total_cycles) +
                " cycles, " + fixed(base.total.energy_pj(), 1) + " pJ\n";
        for (std::size_t k = 0; k < runs.size(); ++k)
            text += (runs.size() > 1 ? "[" + std::to_string(k + 1) + "] " : std::string()) +
                    network_text(runs[k].comparison.run);
        if (runs.size() == 1) {
            const auto& r = runs.front().comparison.run;
            text += "bits: " + format_bits(r.bits) + "; act_bits: " + format_bits(r.act_bits) +
                    "\n\n";
            text += detail_table(runs.front(), clock);
        } else {
            for (std::size_t k = 0; k < runs.size(); ++k)
                text += "[" + std::to_string(k + 1) + "] " + runs[k].spec +
                        (runs[k].act_spec.empty() ? "" : ", act_bits " + runs[k].act_spec) + "\n";
            text += "\n" + side_by_side_table(runs);
        }
    }
    emit(out, text);
    return 0;
}

const RegisterCommand registered{
    {"sim", "cycles and energy of bitwidth assignments on an accelerator, per layer", &sim_main}};

}  // namespace

}  // namespace serialq::cli
