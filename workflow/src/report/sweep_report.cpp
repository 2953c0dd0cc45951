// The report of a sweep: each metric against each swept parameter, the energy breakdown along
// the first parameter, the table of points, and for a small sweep the per-layer comparison.
#include "report_builders.hpp"
#include "report_helpers.hpp"
#include "run_sections.hpp"

#include "serialq/common/error.hpp"
#include "serialq/sim/figures.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <map>
#include <optional>

namespace serialq::workflow {

namespace {

constexpr std::size_t kMaxSeries = 8;
constexpr std::size_t kMaxTableRows = 500;
constexpr std::size_t kPerLayerPoints = 6;

bool as_number(const std::string& s, double& v) {
    const auto r = std::from_chars(s.data(), s.data() + s.size(), v);
    return !s.empty() && r.ec == std::errc() && r.ptr == s.data() + s.size();
}

std::string display_name(const std::string& parameter) {
    if (parameter == "bits_spec") return "bits";
    if (parameter == "accel") return "accelerator";
    return parameter;
}

// The unit a swept key carries in its name (off_chip.bandwidth_gb_per_s -> GB/s).
std::string unit_of(const std::string& key) {
    static const std::vector<std::pair<std::string, std::string>> units = {
        {"_gb_per_s", "GB/s"}, {"_ghz", "GHz"},     {"_ns", "ns"},     {"_pj", "pJ"},
        {"_mw", "mW"},         {"_bytes", "bytes"}, {"_bits", "bits"}, {"_cycles", "cycles"}};
    for (const auto& [suffix, unit] : units)
        if (key.ends_with(suffix)) return unit;
    return "";
}

// "tiles=8" for a swept key; the value alone for network, bits, accelerator and model, whose
// values name themselves ("lenet", "uniform:4").
std::string labelled(const std::string& parameter, const std::string& value) {
    if (parameter == "network" || parameter == "bits_spec" || parameter == "accel" ||
        parameter == "model")
        return value;
    return parameter + "=" + value;
}

std::string with_unit(const std::string& name, const std::string& unit) {
    return unit.empty() ? name : name + " (" + unit + ")";
}

struct TotalRow {
    std::size_t row;  // in results
    std::map<std::string, std::string> params;
};

// The network totals of the sweep (one row per point) and the values each parameter takes
// there, in sweep order.
struct Totals {
    std::vector<TotalRow> rows;
    std::map<std::string, std::vector<std::string>> values;  // an entry for every parameter
};

// One metric of the totals that is drawn against every parameter.
struct Metric {
    std::size_t column;  // in results
    bool is_energy;  // energy_pj, else total_cycles
};

// How the figures against one parameter split the points into series: one per combination of
// the other parameters. With more than kMaxSeries of them the swept keys among the others are
// held at their middle value (network, bits, accelerator and model have no middle), and if that
// still leaves too many only the first kMaxSeries are drawn; the note says which in the captions.
struct SeriesPlan {
    std::vector<std::string> others;  // every parameter but the one on the x axis
    std::map<std::string, std::string> held;  // parameter -> the value the figures keep
    std::vector<std::string> keys;  // the series drawn, in sweep order
    std::string note;  // appended to the captions ("" or " Other ...")

    // "tiles=8, uniform:4": the series a row belongs to; the held parameters are left out
    // (the same in every series, the note names them).
    std::string key(const TotalRow& r) const {
        std::string k;
        for (const auto& q : others) {
            if (held.count(q)) continue;
            if (!k.empty()) k += ", ";
            k += labelled(q, r.params.at(q));
        }
        return k;
    }
    bool kept(const TotalRow& r) const {
        for (const auto& [q, v] : held)
            if (r.params.at(q) != v) return false;
        return true;
    }
    // The kept rows of series `k`, in sweep order.
    std::vector<const TotalRow*> rows_of(const std::string& k,
                                         const std::vector<TotalRow>& rows) const {
        std::vector<const TotalRow*> out;
        for (const auto& r : rows)
            if (kept(r) && key(r) == k) out.push_back(&r);
        return out;
    }
};

// What the two figures against one parameter are drawn from.
struct ParameterFigures {
    const CsvTable& results;
    const Totals& totals;
    const std::string& parameter;  // as results.csv names it
    std::string name;  // as the figures name it
    SeriesPlan plan;
};

void add_title_and_provenance(Report& report, const SweepData& sweep) {
    report.title = "Sweep: " + sweep.dir.filename().string();
    if (report.title == "Sweep: ") report.title = "Sweep: " + sweep.dir.string();  // "/" or ""
    report.provenance.emplace_back("sweep directory", sweep.dir.string());
    const auto& spec =
        sweep.record.contains("spec") ? sweep.record["spec"] : nlohmann::ordered_json();
    if (spec.is_object()) {
        for (const auto& [k, v] : spec.items())
            if (!(v.is_string() && v.get<std::string>().empty()))
                report.provenance.emplace_back(k, v.is_string() ? v.get<std::string>() : v.dump());
    }
    if (sweep.record.contains("points"))
        report.provenance.emplace_back("points", sweep.record["points"].dump());
}

Totals read_totals(const SweepData& sweep) {
    const CsvTable& t = sweep.results;
    Totals totals;
    const auto layer = t.require("layer");
    for (std::size_t r = 0; r < t.rows.size(); ++r) {
        if (t.rows[r][layer] != "total") continue;
        TotalRow row{r, {}};
        for (const auto& p : sweep.parameters) row.params[p] = t.rows[r][t.require(p)];
        totals.rows.push_back(row);
    }
    for (const auto& p : sweep.parameters) {
        auto& values = totals.values[p];
        for (const auto& r : totals.rows)
            if (std::find(values.begin(), values.end(), r.params.at(p)) == values.end())
                values.push_back(r.params.at(p));
    }
    return totals;
}

// The distinct series keys of the rows the plan keeps, in sweep order.
std::vector<std::string> series_keys(const SeriesPlan& plan, const std::vector<TotalRow>& rows) {
    std::vector<std::string> keys;
    for (const auto& r : rows)
        if (plan.kept(r) && std::find(keys.begin(), keys.end(), plan.key(r)) == keys.end())
            keys.push_back(plan.key(r));
    return keys;
}

SeriesPlan plan_series(const std::string& p, const std::vector<std::string>& parameters,
                       const Totals& totals) {
    SeriesPlan plan;
    for (const auto& q : parameters)
        if (q != p) plan.others.push_back(q);
    if (series_keys(plan, totals.rows).size() > kMaxSeries)  // nothing held yet: every combination
        for (const auto& q : plan.others)
            if (q != "network" && q != "bits_spec" && q != "accel" && q != "model")
                plan.held[q] = totals.values.at(q)[totals.values.at(q).size() / 2];
    plan.keys = series_keys(plan, totals.rows);
    for (const auto& [q, v] : plan.held)
        plan.note += (plan.note.empty() ? " Other parameters held at " : ", ") + q + "=" + v;
    if (!plan.note.empty()) plan.note += ".";
    if (plan.keys.size() > kMaxSeries) {
        plan.note += " The first " + std::to_string(kMaxSeries) + " of " +
                     std::to_string(plan.keys.size()) +
                     " combinations are drawn; all are in the table of points.";
        plan.keys.resize(kMaxSeries);
    }
    return plan;
}

// The parameter's values as numbers, or nullopt if one is not (its figures are bar charts then).
std::optional<std::vector<double>> as_numbers(const std::vector<std::string>& values) {
    std::vector<double> xs;
    for (const auto& v : values) {
        double d = 0;
        if (!as_number(v, d)) return std::nullopt;
        xs.push_back(d);
    }
    return xs;
}

Axis metric_axis(const Metric& m) {
    return m.is_energy ? Axis{"energy", "pJ", Scale::Linear, true, {}}
                       : Axis{"latency", "cycles", Scale::Linear, true, {}};
}

// A numeric parameter: a line per series, on a log x axis when the values span 8x or more.
Figure metric_line_figure(const ParameterFigures& f, const Metric& m, const std::vector<double>& xs,
                          const std::string& id, const std::string& caption) {
    LineChart c;
    c.title = std::string(m.is_energy ? "energy" : "latency") + " vs " + f.name;
    const double lo = *std::min_element(xs.begin(), xs.end());
    const double hi = *std::max_element(xs.begin(), xs.end());
    c.x = {f.name, unit_of(f.parameter), lo > 0 && hi / lo >= 8 ? Scale::Log : Scale::Linear, false,
           xs};
    c.y = metric_axis(m);
    for (const auto& k : f.plan.keys) {
        Series s{k.empty() ? "all" : k, {}, {}, {}};
        for (const TotalRow* r : f.plan.rows_of(k, f.totals.rows)) {
            double x = 0;
            as_number(r->params.at(f.parameter), x);
            s.x.push_back(x);
            s.y.push_back(f.results.number(r->row, m.column));
        }
        c.series.push_back(s);
    }
    return line_figure(id, caption, c, f.name);
}

// Any other parameter: a group of bars per value, one bar per series (missing points are NaN).
Figure metric_bar_figure(const ParameterFigures& f, const Metric& m, const std::string& id,
                         const std::string& caption) {
    const std::vector<std::string>& values = f.totals.values.at(f.parameter);
    BarChart c;
    c.title = std::string(m.is_energy ? "energy" : "latency") + " by " + f.name;
    c.category_label = with_unit(f.name, unit_of(f.parameter));
    c.categories = values;
    c.y = metric_axis(m);
    for (const auto& k : f.plan.keys) {
        BarSeries b{k.empty() ? "all" : k, std::vector<double>(values.size(), std::nan(""))};
        for (const TotalRow* r : f.plan.rows_of(k, f.totals.rows)) {
            const auto at =
                std::find(values.begin(), values.end(), r->params.at(f.parameter)) - values.begin();
            b.values[static_cast<std::size_t>(at)] = f.results.number(r->row, m.column);
        }
        c.series.push_back(b);
    }
    return bar_figure(id, caption, c);
}

Figure metric_figure(const ParameterFigures& f, const Metric& m,
                     const std::optional<std::vector<double>>& xs) {
    const std::string id = std::string(m.is_energy ? "energy" : "cycles") + "-vs-" + f.name;
    const std::string caption = std::string(m.is_energy ? "Network energy" : "Network latency") +
                                " against " + f.name + "." + f.plan.note;
    return xs ? metric_line_figure(f, m, *xs, id, caption) : metric_bar_figure(f, m, id, caption);
}

Section metrics_section(const SweepData& sweep, const Totals& totals,
                        const std::vector<Metric>& metrics) {
    Section s{"Metrics against each swept parameter", {}};
    s.blocks.push_back(
        Paragraph{"Network latency and energy (the total rows) against each "
                  "parameter that varies; one line per combination of the others."});
    for (const auto& p : sweep.parameters) {
        const ParameterFigures f{sweep.results, totals, p, display_name(p),
                                 plan_series(p, sweep.parameters, totals)};
        const auto xs = as_numbers(totals.values.at(p));
        for (const Metric& m : metrics) s.blocks.push_back(metric_figure(f, m, xs));
    }
    return s;
}

// The total rows along `p` with every other parameter as in `first`: (p's value, row in
// results), in the order of p's values.
std::vector<std::pair<std::string, std::size_t>> rows_along(
    const std::string& p, const std::vector<std::string>& parameters, const Totals& totals,
    const TotalRow& first) {
    std::vector<std::pair<std::string, std::size_t>> along;
    for (const auto& v : totals.values.at(p))
        for (const auto& r : totals.rows) {
            bool match = r.params.at(p) == v;
            for (const auto& q : parameters)
                if (q != p) match = match && r.params.at(q) == first.params.at(q);
            if (match) {
                along.emplace_back(v, r.row);
                break;
            }
        }
    return along;
}

// Energy by component along the first parameter, the others at the first point's values: one
// stacked chart is enough to see which component a parameter moves. Nothing when results.csv
// has no component columns.
std::optional<Section> energy_components_section(const SweepData& sweep, const Totals& totals) {
    const CsvTable& t = sweep.results;
    std::vector<std::pair<std::string, std::size_t>> components;  // name, column
    for (const auto& c : sim::energy_components())
        if (auto i = t.find(std::string(c.name))) components.emplace_back(std::string(c.name), *i);
    if (components.empty() || totals.rows.empty()) return std::nullopt;
    const std::string& p = sweep.parameters.front();
    const std::string name = display_name(p);
    const TotalRow& first = totals.rows.front();
    const auto along = rows_along(p, sweep.parameters, totals, first);
    BarChart c;
    c.title = "energy by component vs " + name;
    c.category_label = with_unit(name, unit_of(p));
    c.y = {"energy", "pJ", Scale::Linear, true, {}};
    c.stacked = true;
    for (const auto& [value, row] : along) c.categories.push_back(value);
    for (const auto& [component, column] : components) {
        BarSeries b{component_label(component), {}};
        for (const auto& [value, row] : along) b.values.push_back(t.number(row, column));
        c.series.push_back(b);
    }
    std::string fixed;
    for (const auto& q : sweep.parameters)
        if (q != p)
            fixed += (fixed.empty() ? "" : ", ") + display_name(q) + "=" + first.params.at(q);
    Section e{"Energy by component", {}};
    e.blocks.push_back(bar_figure(
        "energy-components-vs-" + name,
        "Network energy by component against " + name + (fixed.empty() ? "." : " (" + fixed + ")."),
        c));
    return e;
}

// The table of points: the network totals, the first kMaxTableRows of them (results.csv has all).
Section points_section(const CsvTable& t, const std::vector<std::string>& parameters,
                       const std::vector<TotalRow>& totals) {
    Section points{"Points", {}};
    std::vector<std::string> columns = {"point"};
    for (const auto& p : parameters) columns.push_back(p);
    for (const char* c :
         {"bits", "total_cycles", "time_us", "energy_pj", "speedup", "energy_reduction"})
        if (t.find(c) && std::find(columns.begin(), columns.end(), c) == columns.end())
            columns.emplace_back(c);
    DataTable table{columns, {}};
    for (std::size_t i = 0; i < totals.size() && i < kMaxTableRows; ++i) {
        std::vector<std::string> row;
        for (const auto& c : columns) row.push_back(t.rows[totals[i].row][t.require(c)]);
        table.add_row(std::move(row));
    }
    points.blocks.push_back(
        Paragraph{"Network totals of every point" +
                  (totals.size() > kMaxTableRows ? " (the first " + std::to_string(kMaxTableRows) +
                                                       " of " + std::to_string(totals.size()) + ")"
                                                 : std::string()) +
                  ". Every layer of every point, with the full configuration, is in results.csv "
                  "and results.json."});
    points.blocks.push_back(TableBlock{"", table});
    return points;
}

}  // namespace

Report sweep_report(const SweepData& sweep) {
    const CsvTable& t = sweep.results;
    Report report;
    add_title_and_provenance(report, sweep);
    const Totals totals = read_totals(sweep);
    if (totals.rows.empty())  // every point writes one; without them nothing below has an axis
        throw InputError(t.file + ": found no row with layer 'total', expected one per point");
    // Braced: required in this order, so a file missing both names total_cycles.
    const std::vector<Metric> metrics{
        {t.require(std::string(sim::figure::total_cycles.name)), false},
        {t.require(std::string(sim::figure::energy_pj.name)), true}};
    if (!sweep.parameters.empty()) {
        report.sections.push_back(metrics_section(sweep, totals, metrics));
        if (auto e = energy_components_section(sweep, totals))
            report.sections.push_back(std::move(*e));
    }
    // A small sweep also gets the per-layer comparison of its points.
    if (totals.rows.size() <= kPerLayerPoints) add_run_sections(report, sweep_runs(sweep));
    report.sections.push_back(points_section(t, sweep.parameters, totals.rows));
    return report;
}

}  // namespace serialq::workflow
