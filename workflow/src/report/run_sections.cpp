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
            if (r->layers[i].baseline_total_cycles != group.front()->layers[i].baseline_total_cycles ||
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

BarChart layer_chart(const std::vector<const Run*>& group, const std::string& title,
                     const Axis& y, bool with_baseline, double (*value)(const RunLayer&),
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

}  // namespace

std::size_t run_figure_count(const std::vector<Run>& runs) {
    std::size_t n = 4 * by_network(runs).size();
    if (!component_names(runs).empty()) n += 1 + std::min(runs.size(), kBreakdownRuns);
    return n;
}

void add_run_sections(Report& report, const std::vector<Run>& runs) {
    // The comparison table: totals, then per layer.
    Section summary{"Comparison", {}};
    summary.blocks.push_back(Paragraph{
        "Each run against its baseline (by default the same accelerator and network with every "
        "layer at 8 bits): speedup = baseline cycles / cycles, energy reduction = baseline "
        "energy / energy; above 1 is better."});
    DataTable totals{{"run", "accel", "model", "network", "bits", "total_cycles", "baseline_total_cycles",
                      "speedup", "energy_pj", "baseline_energy_pj", "energy_reduction"},
                     {}};
    for (const auto& r : runs)
        totals.add_row({r.label, r.accel, r.model, r.network, r.bits, cell(r.total.total_cycles),
                        cell(r.total.baseline_total_cycles), cell(ratio(r.total.baseline_total_cycles, r.total.total_cycles)),
                        cell(r.total.energy_pj), cell(r.total.baseline_energy_pj),
                        cell(ratio(r.total.baseline_energy_pj, r.total.energy_pj))});
    summary.blocks.push_back(TableBlock{"Network totals", totals});
    DataTable layers{{"run", "layer", "layer_bits", "total_cycles", "speedup", "energy_pj", "energy_reduction"}, {}};
    for (const auto& r : runs) {
        for (const auto& l : r.layers)
            layers.add_row({r.label, l.name, std::to_string(l.bits), cell(l.total_cycles),
                            cell(ratio(l.baseline_total_cycles, l.total_cycles)), cell(l.energy_pj),
                            cell(ratio(l.baseline_energy_pj, l.energy_pj))});
        layers.add_row({r.label, "total", r.total.bits ? std::to_string(r.total.bits) : "",
                        cell(r.total.total_cycles), cell(ratio(r.total.baseline_total_cycles, r.total.total_cycles)),
                        cell(r.total.energy_pj), cell(ratio(r.total.baseline_energy_pj, r.total.energy_pj))});
    }
    summary.blocks.push_back(TableBlock{"Per layer", layers});
    report.sections.push_back(std::move(summary));

    const auto groups = by_network(runs);
    for (const auto& group : groups) {
        const std::string net = group.front()->network;
        const std::string suffix = groups.size() > 1 ? "-" + net : "";
        const bool base = shared_baseline(group);
        Section s{"Per layer" + (net.empty() ? "" : ": " + net), {}};
        const Axis cycles{"latency", "cycles", Scale::Linear, true, {}};
        const Axis energy{"energy", "pJ", Scale::Linear, true, {}};
        const Axis times{"speedup over baseline", "x", Scale::Linear, true, {}};
        const Axis less{"energy reduction over baseline", "x", Scale::Linear, true, {}};
        s.blocks.push_back(bar_figure(
            "layer-cycles" + suffix,
            "Latency of each layer" + std::string(base ? ", with the baseline." : "."),
            layer_chart(group, "latency per layer", cycles, base,
                        [](const RunLayer& l) { return l.total_cycles; },
                        [](const RunLayer& l) { return l.baseline_total_cycles; })));
        s.blocks.push_back(bar_figure(
            "layer-energy" + suffix,
            "Energy of each layer" + std::string(base ? ", with the baseline." : "."),
            layer_chart(group, "energy per layer", energy, base,
                        [](const RunLayer& l) { return l.energy_pj; },
                        [](const RunLayer& l) { return l.baseline_energy_pj; })));
        auto speedup = layer_chart(group, "speedup per layer", times, false,
                                   [](const RunLayer& l) { return ratio(l.baseline_total_cycles, l.total_cycles); }, nullptr);
        speedup.reference = ReferenceLine{1.0, "baseline"};
        s.blocks.push_back(bar_figure("layer-speedup" + suffix,
                                      "Speedup of each layer over its baseline (baseline cycles / cycles).",
                                      speedup));
        auto reduction = layer_chart(group, "energy reduction per layer", less, false,
                                     [](const RunLayer& l) { return ratio(l.baseline_energy_pj, l.energy_pj); },
                                     nullptr);
        reduction.reference = ReferenceLine{1.0, "baseline"};
        s.blocks.push_back(bar_figure("layer-energy-reduction" + suffix,
                                      "Energy reduction of each layer over its baseline (baseline energy / energy).",
                                      reduction));
        report.sections.push_back(std::move(s));
    }

    const auto names = component_names(runs);
    if (names.empty()) return;
    Section e{"Energy by component", {}};
    BarChart totals_chart;
    totals_chart.title = "energy by component, network total";
    totals_chart.category_label = "run";
    totals_chart.y = {"energy", "pJ", Scale::Linear, true, {}};
    totals_chart.stacked = true;
    for (const auto& r : runs) totals_chart.categories.push_back(r.label);
    for (const auto& n : names) {
        BarSeries s{component_label(n), {}};
        for (const auto& r : runs) s.values.push_back(component(r.total, n));
        totals_chart.series.push_back(s);
    }
    e.blocks.push_back(bar_figure("energy-components", "Where the energy goes: each run's total by component.",
                                  totals_chart));
    for (std::size_t i = 0; i < std::min(runs.size(), kBreakdownRuns); ++i) {
        const Run& r = runs[i];
        BarChart c;
        c.title = "energy by component per layer: " + r.label;
        c.category_label = "layer";
        c.categories = layer_names(r);
        c.y = {"energy", "pJ", Scale::Linear, true, {}};
        c.stacked = true;
        for (const auto& n : names) {
            BarSeries s{component_label(n), {}};
            for (const auto& l : r.layers) s.values.push_back(component(l, n));
            c.series.push_back(s);
        }
        e.blocks.push_back(bar_figure("energy-components-" + std::to_string(i + 1),
                                      "Energy of each layer by component, " + r.label + ".", c));
    }
    if (runs.size() > kBreakdownRuns)
        e.blocks.push_back(Paragraph{"Per-layer breakdowns are shown for the first " +
                                     std::to_string(kBreakdownRuns) + " runs; the others are in the tables."});
    report.sections.push_back(std::move(e));
}

}  // namespace serialq::workflow
