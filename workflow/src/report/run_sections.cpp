#include "run_sections.hpp"

#include "report_helpers.hpp"

#include "serialq/sim/figures.hpp"

#include <algorithm>
#include <cmath>
#include <map>

namespace serialq::workflow {

namespace {

constexpr std::size_t kBreakdownRuns = 4;  // per-layer breakdowns beyond this would drown the page

// Runs grouped by network, in first-seen order: per-layer charts need the same layers.
std::vector<std::vector<const Run*>> by_network(const std::vector<Run>& runs) {
    std::vector<std::vector<const Run*>> groups;
    std::map<std::string, std::size_t> index;
    for (const auto& r : runs) {
        const std::string key = r.network + "|" + std::to_string(r.layers.size());
        auto [it, fresh] = index.emplace(key, groups.size());
        if (fresh) groups.emplace_back();
        groups[it->second].push_back(&r);
    }
    return groups;
}

bool shared_baseline(const std::vector<const Run*>& group) {
    for (const auto* r : group)
        for (std::size_t i = 0; i < r->layers.size(); ++i)
            if (r->layers[i].baseline_total_cycles !=
                    group.front()->layers[i].baseline_total_cycles ||
                r->layers[i].baseline_energy_pj != group.front()->layers[i].baseline_energy_pj)
                return false;
    return group.front()->total.baseline_total_cycles > 0;
}

using sim::ratio;  // undefined (NaN) without a baseline: its figures are NaN then

std::vector<std::string> layer_names(const Run& r) {
    std::vector<std::string> names;
    for (const auto& l : r.layers) names.push_back(l.name);
    return names;
}

BarChart layer_chart(const std::vector<const Run*>& group, const std::string& title, const Axis& y,
                     bool with_baseline, double (*value)(const RunLayer&),
                     double (*baseline)(const RunLayer&)) {
    BarChart c;
    c.title = title;
    c.category_label = "layer";
    c.categories = layer_names(*group.front());
    c.y = y;
    if (with_baseline) {
        BarSeries b{"baseline", {}};
        for (const auto& l : group.front()->layers) b.values.push_back(baseline(l));
        c.series.push_back(b);
    }
    for (const auto* r : group) {
        BarSeries s{r->label, {}};
        for (const auto& l : r->layers) s.values.push_back(value(l));
        c.series.push_back(s);
    }
    return c;
}

std::vector<std::string> component_names(const std::vector<Run>& runs) {
    std::vector<std::string> names;
    for (const auto& r : runs)
        for (const auto& [k, v] : r.total.components)
            if (std::find(names.begin(), names.end(), k) == names.end()) names.push_back(k);
    return names;
}

double component(const RunLayer& l, const std::string& name) {
    for (const auto& [k, v] : l.components)
        if (k == name) return v;
    return 0;
}

// A row of the per-layer table: latency and energy with their ratios to the baseline.
std::vector<std::string> per_layer_row(const std::string& run, const std::string& layer,
                                       const std::string& bits, const RunLayer& l) {
    return {run,
            layer,
            bits,
            cell(l.total_cycles),
            cell(ratio(l.baseline_total_cycles, l.total_cycles)),
            cell(l.energy_pj),
            cell(ratio(l.baseline_energy_pj, l.energy_pj))};
}

// The comparison table: totals, then per layer.
Section comparison_section(const std::vector<Run>& runs) {
    Section summary{"Comparison", {}};
    summary.blocks.push_back(Paragraph{
        "Each run against its baseline (by default the same accelerator and network with every "
        "layer at 8 bits): speedup = baseline cycles / cycles, energy reduction = baseline "
        "energy / energy; above 1 is better."});
    DataTable totals{
        {"run", "accel", "model", "network", "bits", "total_cycles", "baseline_total_cycles",
         "speedup", "energy_pj", "baseline_energy_pj", "energy_reduction"},
        {}};
    for (const auto& r : runs)
        totals.add_row({r.label, r.accel, r.model, r.network, r.bits, cell(r.total.total_cycles),
                        cell(r.total.baseline_total_cycles),
                        cell(ratio(r.total.baseline_total_cycles, r.total.total_cycles)),
                        cell(r.total.energy_pj), cell(r.total.baseline_energy_pj),
                        cell(ratio(r.total.baseline_energy_pj, r.total.energy_pj))});
    summary.blocks.push_back(TableBlock{"Network totals", totals});
    DataTable layers{
        {"run", "layer", "layer_bits", "total_cycles", "speedup", "energy_pj", "energy_reduction"},
        {}};
    for (const auto& r : runs) {
        for (const auto& l : r.layers)
            layers.add_row(per_layer_row(r.label, l.name, std::to_string(l.bits), l));
        layers.add_row(per_layer_row(r.label, "total",
                                     r.total.bits ? std::to_string(r.total.bits) : "", r.total));
    }
    summary.blocks.push_back(TableBlock{"Per layer", layers});
    return summary;
}

// A layer's latency or energy (`what`), beside the baseline's when the group shares one.
Figure amount_figure(const std::vector<const Run*>& group, const std::string& id,
                     const std::string& what, const std::string& title, const Axis& y,
                     bool with_baseline, double (*value)(const RunLayer&),
                     double (*baseline)(const RunLayer&)) {
    return bar_figure(
        id, what + " of each layer" + std::string(with_baseline ? ", with the baseline." : "."),
        layer_chart(group, title, y, with_baseline, value, baseline));
}

// A layer's ratio to its baseline, with a line at 1 (where the run is as good as its baseline).
Figure ratio_figure(const std::vector<const Run*>& group, const std::string& id,
                    const std::string& caption, const std::string& title, const Axis& y,
                    double (*value)(const RunLayer&)) {
    auto c = layer_chart(group, title, y, false, value, nullptr);
    c.reference = ReferenceLine{1.0, "baseline"};
    return bar_figure(id, caption, c);
}

// The runs of one network layer by layer; `suffix` keeps the figures' ids apart when several
// networks share the report.
Section per_layer_section(const std::vector<const Run*>& group, const std::string& suffix) {
    const std::string net = group.front()->network;
    const bool base = shared_baseline(group);
    Section s{"Per layer" + (net.empty() ? "" : ": " + net), {}};
    s.blocks.push_back(amount_figure(
        group, "layer-cycles" + suffix, "Latency", "latency per layer",
        {"latency", "cycles", Scale::Linear, true, {}}, base,
        [](const RunLayer& l) { return l.total_cycles; },
        [](const RunLayer& l) { return l.baseline_total_cycles; }));
    s.blocks.push_back(amount_figure(
        group, "layer-energy" + suffix, "Energy", "energy per layer",
        {"energy", "pJ", Scale::Linear, true, {}}, base,
        [](const RunLayer& l) { return l.energy_pj; },
        [](const RunLayer& l) { return l.baseline_energy_pj; }));
    s.blocks.push_back(ratio_figure(
        group, "layer-speedup" + suffix,
        "Speedup of each layer over its baseline (baseline cycles / cycles).", "speedup per layer",
        {"speedup over baseline", "x", Scale::Linear, true, {}},
        [](const RunLayer& l) { return ratio(l.baseline_total_cycles, l.total_cycles); }));
    s.blocks.push_back(
        ratio_figure(group, "layer-energy-reduction" + suffix,
                     "Energy reduction of each layer over its baseline (baseline energy / energy).",
                     "energy reduction per layer",
                     {"energy reduction over baseline", "x", Scale::Linear, true, {}},
                     [](const RunLayer& l) { return ratio(l.baseline_energy_pj, l.energy_pj); }));
    return s;
}

// One stacked bar per part (a run's total, or a layer): its energy by component.
BarChart components_chart(const std::string& title, const std::string& category_label,
                          std::vector<std::string> categories,
                          const std::vector<std::string>& names,
                          const std::vector<const RunLayer*>& parts) {
    BarChart c;
    c.title = title;
    c.category_label = category_label;
    c.categories = std::move(categories);
    c.y = {"energy", "pJ", Scale::Linear, true, {}};
    c.stacked = true;
    for (const auto& n : names) {
        BarSeries s{component_label(n), {}};
        for (const RunLayer* p : parts) s.values.push_back(component(*p, n));
        c.series.push_back(s);
    }
    return c;
}

// Each run's total by component, then the first kBreakdownRuns runs layer by layer.
Section energy_components_section(const std::vector<Run>& runs,
                                  const std::vector<std::string>& names) {
    Section e{"Energy by component", {}};
    std::vector<std::string> labels;
    std::vector<const RunLayer*> totals;
    for (const auto& r : runs) {
        labels.push_back(r.label);
        totals.push_back(&r.total);
    }
    e.blocks.push_back(bar_figure(
        "energy-components", "Where the energy goes: each run's total by component.",
        components_chart("energy by component, network total", "run", labels, names, totals)));
    for (std::size_t i = 0; i < std::min(runs.size(), kBreakdownRuns); ++i) {
        const Run& r = runs[i];
        std::vector<const RunLayer*> layers;
        for (const auto& l : r.layers) layers.push_back(&l);
        e.blocks.push_back(bar_figure("energy-components-" + std::to_string(i + 1),
                                      "Energy of each layer by component, " + r.label + ".",
                                      components_chart("energy by component per layer: " + r.label,
                                                       "layer", layer_names(r), names, layers)));
    }
    if (runs.size() > kBreakdownRuns)
        e.blocks.push_back(Paragraph{"Per-layer breakdowns are shown for the first " +
                                     std::to_string(kBreakdownRuns) +
                                     " runs; the others are in the tables."});
    return e;
}

}  // namespace

std::size_t run_figure_count(const std::vector<Run>& runs) {
    std::size_t n = 4 * by_network(runs).size();
    if (!component_names(runs).empty()) n += 1 + std::min(runs.size(), kBreakdownRuns);
    return n;
}

void add_run_sections(Report& report, const std::vector<Run>& runs) {
    report.sections.push_back(comparison_section(runs));
    const auto groups = by_network(runs);
    for (const auto& group : groups)
        report.sections.push_back(
            per_layer_section(group, groups.size() > 1 ? "-" + group.front()->network : ""));
    const auto names = component_names(runs);
    if (!names.empty()) report.sections.push_back(energy_components_section(runs, names));
}

}  // namespace serialq::workflow
