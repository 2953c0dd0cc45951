// The report of a sweep: each metric against each swept parameter, the energy breakdown along
// the first parameter, the table of points, and for a small sweep the per-layer comparison.
#include "report_builders.hpp"
#include "report_helpers.hpp"
#include "run_sections.hpp"

#include "serialq/sim/figures.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <map>

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
        {"_gb_per_s", "GB/s"}, {"_ghz", "GHz"}, {"_ns", "ns"}, {"_pj", "pJ"}, {"_mw", "mW"},
        {"_bytes", "bytes"}, {"_bits", "bits"}, {"_cycles", "cycles"}};
    for (const auto& [suffix, unit] : units)
        if (key.ends_with(suffix)) return unit;
    return "";
}

// "tiles=8" for a swept key; the value alone for network, bits, accelerator and model, whose
// values name themselves ("lenet", "uniform:4").
std::string labelled(const std::string& parameter, const std::string& value) {
    if (parameter == "network" || parameter == "bits_spec" || parameter == "accel" || parameter == "model")
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

}  // namespace

Report sweep_report(const SweepData& sweep) {
    const CsvTable& t = sweep.results;
    Report report;
    report.title = "Sweep: " + sweep.dir.filename().string();
    if (report.title == "Sweep: ") report.title = "Sweep: " + sweep.dir.string();
    report.provenance.emplace_back("sweep directory", sweep.dir.string());
    const auto& spec = sweep.record.contains("spec") ? sweep.record["spec"] : nlohmann::ordered_json();
    if (spec.is_object()) {
        for (const auto& [k, v] : spec.items())
            if (!(v.is_string() && v.get<std::string>().empty()))
                report.provenance.emplace_back(k, v.is_string() ? v.get<std::string>() : v.dump());
    }
    if (sweep.record.contains("points")) report.provenance.emplace_back("points", sweep.record["points"].dump());

    std::vector<TotalRow> totals;
    const auto layer = t.require("layer");
    for (std::size_t r = 0; r < t.rows.size(); ++r) {
        if (t.rows[r][layer] != "total") continue;
        TotalRow row{r, {}};
        for (const auto& p : sweep.parameters) row.params[p] = t.rows[r][t.require(p)];
        totals.push_back(row);
    }
    const auto cycles = t.require(std::string(sim::figure::total_cycles.name));
    const auto energy = t.require(std::string(sim::figure::energy_pj.name));

    // The values of each parameter in sweep order, and the middle one (what the others are held
    // at when there are too many combinations to draw).
    std::map<std::string, std::vector<std::string>> values;
    for (const auto& p : sweep.parameters)
        for (const auto& r : totals)
            if (std::find(values[p].begin(), values[p].end(), r.params.at(p)) == values[p].end())
                values[p].push_back(r.params.at(p));

    if (!sweep.parameters.empty()) {
        Section s{"Metrics against each swept parameter", {}};
        s.blocks.push_back(Paragraph{"Network latency and energy (the total rows) against each "
                                     "parameter that varies; one line per combination of the others."});
        for (const auto& p : sweep.parameters) {
            std::vector<std::string> others;
            for (const auto& q : sweep.parameters)
                if (q != p) others.push_back(q);
            // Series: combinations of the other parameters; too many -> hold the swept keys
            // among them at their middle value.
            auto series_key = [&](const TotalRow& r) {
                std::string k;
                for (const auto& q : others) {
                    if (!k.empty()) k += ", ";
                    k += labelled(q, r.params.at(q));
                }
                return k;
            };
            std::vector<std::string> keys;
            for (const auto& r : totals)
                if (std::find(keys.begin(), keys.end(), series_key(r)) == keys.end()) keys.push_back(series_key(r));
            std::map<std::string, std::string> held;
            if (keys.size() > kMaxSeries)
                for (const auto& q : others)
                    if (q != "network" && q != "bits_spec" && q != "accel" && q != "model")
                        held[q] = values[q][values[q].size() / 2];
            auto kept = [&](const TotalRow& r) {
                for (const auto& [q, v] : held)
                    if (r.params.at(q) != v) return false;
                return true;
            };
            keys.clear();
            for (const auto& r : totals)
                if (kept(r) && std::find(keys.begin(), keys.end(), series_key(r)) == keys.end())
                    keys.push_back(series_key(r));
            std::string note;
            for (const auto& [q, v] : held) note += (note.empty() ? " Other parameters held at " : ", ") + q + "=" + v;
            if (!note.empty()) note += ".";
            if (keys.size() > kMaxSeries) {
                note += " The first " + std::to_string(kMaxSeries) + " of " + std::to_string(keys.size()) +
                        " combinations are drawn; all are in the table of points.";
                keys.resize(kMaxSeries);
            }

            bool numeric = true;
            std::vector<double> xs;
            for (const auto& v : values[p]) {
                double d = 0;
                numeric = numeric && as_number(v, d);
                xs.push_back(d);
            }
            const std::string name = display_name(p);
            for (const bool is_energy : {false, true}) {
                const std::size_t column = is_energy ? energy : cycles;
                const Axis y = is_energy ? Axis{"energy", "pJ", Scale::Linear, true, {}}
                                         : Axis{"latency", "cycles", Scale::Linear, true, {}};
                const std::string id = std::string(is_energy ? "energy" : "cycles") + "-vs-" + name;
                const std::string caption = std::string(is_energy ? "Network energy" : "Network latency") +
                                            " against " + name + "." + note;
                if (numeric) {
                    LineChart c;
                    c.title = std::string(is_energy ? "energy" : "latency") + " vs " + name;
                    const double lo = *std::min_element(xs.begin(), xs.end());
                    const double hi = *std::max_element(xs.begin(), xs.end());
                    c.x = {name, unit_of(p), lo > 0 && hi / lo >= 8 ? Scale::Log : Scale::Linear, false, xs};
                    c.y = y;
                    for (const auto& k : keys) {
                        Series s{k.empty() ? "all" : k, {}, {}, {}};
                        for (const auto& r : totals)
                            if (kept(r) && series_key(r) == k) {
                                double x = 0;
                                as_number(r.params.at(p), x);
                                s.x.push_back(x);
                                s.y.push_back(t.number(r.row, column));
                            }
                        c.series.push_back(s);
                    }
                    s.blocks.push_back(line_figure(id, caption, c, name));
                } else {
                    BarChart c;
                    c.title = std::string(is_energy ? "energy" : "latency") + " by " + name;
                    c.category_label = with_unit(name, unit_of(p));
                    c.categories = values[p];
                    c.y = y;
                    for (const auto& k : keys) {
                        BarSeries b{k.empty() ? "all" : k, std::vector<double>(values[p].size(), std::nan(""))};
                        for (const auto& r : totals)
                            if (kept(r) && series_key(r) == k) {
                                const auto at = std::find(values[p].begin(), values[p].end(), r.params.at(p)) -
                                                values[p].begin();
                                b.values[static_cast<std::size_t>(at)] = t.number(r.row, column);
                            }
                        c.series.push_back(b);
                    }
                    s.blocks.push_back(bar_figure(id, caption, c));
                }
            }
        }
        report.sections.push_back(std::move(s));

        // Energy by component along the first parameter, the others at their first combination.
        const std::string& p = sweep.parameters.front();
        std::vector<std::pair<std::string, std::size_t>> components;
        for (const auto& c : sim::energy_components())
            if (auto i = t.find(std::string(c.name))) components.emplace_back(std::string(c.name), *i);
        if (!components.empty() && !totals.empty()) {
            const TotalRow& first = totals.front();
            BarChart c;
            c.title = "energy by component vs " + display_name(p);
            c.category_label = with_unit(display_name(p), unit_of(p));
            c.y = {"energy", "pJ", Scale::Linear, true, {}};
            c.stacked = true;
            std::vector<std::size_t> rows;
            std::string fixed;
            for (const auto& q : sweep.parameters)
                if (q != p) fixed += (fixed.empty() ? "" : ", ") + display_name(q) + "=" + first.params.at(q);
            for (const auto& v : values[p])
                for (const auto& r : totals) {
                    bool match = r.params.at(p) == v;
                    for (const auto& q : sweep.parameters)
                        if (q != p) match = match && r.params.at(q) == first.params.at(q);
                    if (match) {
                        c.categories.push_back(v);
                        rows.push_back(r.row);
                        break;
                    }
                }
            for (const auto& [name, col] : components) {
                BarSeries b{component_label(name), {}};
                for (auto r : rows) b.values.push_back(t.number(r, col));
                c.series.push_back(b);
            }
            Section e{"Energy by component", {}};
            e.blocks.push_back(bar_figure("energy-components-vs-" + display_name(p),
                                          "Network energy by component against " + display_name(p) +
                                              (fixed.empty() ? "." : " (" + fixed + ")."),
                                          c));
            report.sections.push_back(std::move(e));
        }
    }

    if (totals.size() <= kPerLayerPoints) add_run_sections(report, sweep_runs(sweep));

    // The table of points (network totals).
    Section points{"Points", {}};
    std::vector<std::string> columns = {"point"};
    for (const auto& p : sweep.parameters) columns.push_back(p);
    for (const char* c : {"bits", "total_cycles", "time_us", "energy_pj", "speedup", "energy_reduction"})
        if (t.find(c) && std::find(columns.begin(), columns.end(), c) == columns.end()) columns.emplace_back(c);
    DataTable table{columns, {}};
    for (std::size_t i = 0; i < totals.size() && i < kMaxTableRows; ++i) {
        std::vector<std::string> row;
        for (const auto& c : columns) row.push_back(t.rows[totals[i].row][t.require(c)]);
        table.add_row(std::move(row));
    }
    points.blocks.push_back(Paragraph{
        "Network totals of every point" +
        (totals.size() > kMaxTableRows ? " (the first " + std::to_string(kMaxTableRows) + " of " +
                                             std::to_string(totals.size()) + ")" : std::string()) +
        ". Every layer of every point, with the full configuration, is in results.csv and results.json."});
    points.blocks.push_back(TableBlock{"", table});
    report.sections.push_back(std::move(points));
    return report;
}

}  // namespace serialq::workflow
