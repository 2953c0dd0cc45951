// The report of a search: learning curves, accuracy against latency and energy with the Pareto
// frontier, the policy's action probabilities per layer, and the best configuration.
#include "report_builders.hpp"
#include "report_helpers.hpp"

#include "../xml_text.hpp"

#include "serialq/common/pareto.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <optional>
#include <set>

namespace serialq::workflow {

namespace {

constexpr std::size_t kMaxTableRows = 1000;

std::string scalar_text(const nlohmann::json& v) {
    if (v.is_string()) return v.get<std::string>();
    if (v.is_number_float()) return short_number(v.get<double>(), 6);
    return v.dump();
}

// Moving average over `window` episodes ending at each one.
std::vector<double> moving_average(const std::vector<double>& v, std::size_t window) {
    std::vector<double> out;
    double sum = 0;
    for (std::size_t i = 0; i < v.size(); ++i) {
        sum += v[i];
        if (i >= window) sum -= v[i - window];
        out.push_back(sum / static_cast<double>(std::min(i + 1, window)));
    }
    return out;
}

// `chosen`: the bits of the search's best configuration (best.json), "" if there is none.
Figure scatter_figure(const std::string& id, const std::string& caption, const std::string& title,
                      const std::vector<const Episode*>& configs, bool energy,
                      const std::string& chosen) {
    std::vector<double> cost, acc;
    for (const auto* e : configs) {
        cost.push_back(energy ? e->energy_pj : e->total_cycles);
        acc.push_back(e->accuracy_percent);
    }
    const std::vector<bool> on = pareto_front(acc, cost);
    std::vector<std::size_t> front;  // cheapest first
    for (std::size_t i = 0; i < on.size(); ++i)
        if (on[i]) front.push_back(i);
    std::stable_sort(front.begin(), front.end(),
                     [&](std::size_t a, std::size_t b) { return cost[a] < cost[b]; });
    std::set<std::size_t> on_front(front.begin(), front.end());
    ScatterChart c;
    c.title = title;
    c.x = energy ? Axis{"energy", "pJ", Scale::Linear, false, {}}
                 : Axis{"latency", "cycles", Scale::Linear, false, {}};
    c.y = {"accuracy", "%", Scale::Linear, false, {}};
    Series all{"evaluated configurations", {}, {}, {}};
    for (std::size_t i = 0; i < configs.size(); ++i) {
        all.x.push_back(cost[i]);
        all.y.push_back(acc[i]);
        all.labels.push_back("bits " + configs[i]->bits + ": " + short_number(acc[i], 4) + " %, " +
                             short_number(cost[i], 6) + (energy ? " pJ" : " cycles"));
    }
    c.series.push_back(all);
    Series f{"Pareto frontier", {}, {}, {}};
    for (auto i : front) {
        f.x.push_back(cost[i]);
        f.y.push_back(acc[i]);
        f.labels.push_back("frontier: bits " + configs[i]->bits + ": " + short_number(acc[i], 4) +
                           " %, " + short_number(cost[i], 6) + (energy ? " pJ" : " cycles"));
    }
    c.frontier = f;
    for (std::size_t i = 0; i < configs.size(); ++i)
        if (configs[i]->bits == chosen)
            c.chosen = Series{"chosen", {cost[i]}, {acc[i]}, {"chosen: " + all.labels[i]}};
    DataTable t{{"bits", "accuracy_percent", energy ? "energy_pj" : "total_cycles", "on_frontier"},
                {}};
    for (auto i : front)  // frontier first, cheapest first; then the others in episode order
        t.add_row({configs[i]->bits, short_number(acc[i], 6), cell(cost[i]), "yes"});
    for (std::size_t i = 0; i < configs.size() && t.rows.size() < kMaxTableRows; ++i)
        if (!on_front.count(i))
            t.add_row({configs[i]->bits, short_number(acc[i], 6), cell(cost[i]), "no"});
    return Figure{id,
                  caption + " " + std::to_string(front.size()) + " of " +
                      std::to_string(configs.size()) +
                      " distinct configurations are on the frontier.",
                  c, t};
}

// The best configuration's bits as episodes.csv writes them ("2,2,3,2"), "" if unknown.
std::string chosen_bits(const std::optional<nlohmann::json>& best_json) {
    if (!best_json || !best_json->contains("best")) return "";
    const auto& bits = (*best_json)["best"].value("bits", nlohmann::json());
    if (!bits.is_array()) return "";
    std::string out;
    for (const auto& b : bits) out += (out.empty() ? "" : ",") + scalar_text(b);
    return out;
}

// best.json as a table of fields: scalars at the top, and one level down ("best.bits",
// "baseline.total_cycles"); the run's identity (trace, oracle, accelerator, seed...) goes to the
// provenance instead, since it says where the search came from rather than what it found.
void add_best_configuration(Report& report, const nlohmann::json& best_json) {
    Section best{"Best configuration", {}};
    DataTable t{{"field", "value"}, {}};
    auto add = [&](const std::string& k, const nlohmann::json& v) {
        if (v.is_object()) return;
        t.add_row({k, v.is_array() ? v.dump() : scalar_text(v)});
    };
    for (const auto& [k, v] : best_json.items()) {
        if (k == "run" && v.is_object()) {
            for (const auto& [rk, rv] : v.items())
                if (!rv.is_object() && !rv.is_array())
                    report.provenance.emplace_back(rk, scalar_text(rv));
            continue;
        }
        if (v.is_object())
            for (const auto& [k2, v2] : v.items()) add(k + "." + k2, v2);
        else
            add(k, v);
    }
    best.blocks.push_back(
        Paragraph{"From best.json: the best feasible configuration by the search's objective."});
    best.blocks.push_back(TableBlock{"", t});
    report.sections.push_back(std::move(best));
}

// One learning curve, and its moving average over a twentieth of the episodes when that is
// more than one (single episodes are noisy).
Figure curve_figure(const std::string& id, const std::string& title, const Axis& y,
                    const std::vector<double>& episode, const std::vector<double>& values,
                    const std::string& what) {
    const std::size_t window = std::max<std::size_t>(1, episode.size() / 20);
    LineChart c;
    c.title = title;
    c.x = {"episode", "", Scale::Linear, false, {}};
    c.y = y;
    c.markers = episode.size() <= 100;
    c.series.push_back({what, episode, values, {}});
    if (window > 1)
        c.series.push_back({"moving average of " + std::to_string(window),
                            episode,
                            moving_average(values, window),
                            {}});
    return line_figure(id, title + " over the episodes.", c, "episode");
}

// Reward and accuracy per episode, and the policy's entropy when the strategy logs one.
Section learning_curves_section(const std::vector<Episode>& episodes) {
    Section curves{"Learning curves", {}};
    std::vector<double> episode, reward, accuracy, entropy;
    bool has_entropy = false;
    for (const auto& e : episodes) {
        episode.push_back(static_cast<double>(e.episode));
        reward.push_back(e.reward);
        accuracy.push_back(e.accuracy_percent);
        entropy.push_back(e.policy_entropy);
        has_entropy = has_entropy || std::isfinite(e.policy_entropy);
    }
    curves.blocks.push_back(curve_figure(
        "reward", "reward", {"reward", "", Scale::Linear, false, {}}, episode, reward, "reward"));
    curves.blocks.push_back(curve_figure("accuracy", "accuracy",
                                         {"accuracy", "%", Scale::Linear, false, {}}, episode,
                                         accuracy, "accuracy"));
    if (has_entropy)
        curves.blocks.push_back(curve_figure("entropy", "policy entropy",
                                             {"policy entropy", "nats", Scale::Linear, true, {}},
                                             episode, entropy, "entropy"));
    return curves;
}

Section pareto_section(const std::vector<Episode>& episodes, const std::string& chosen) {
    // Distinct configurations, first occurrence: a configuration evaluated again is one point.
    std::vector<const Episode*> configs;
    std::set<std::string> seen;
    for (const auto& e : episodes)
        if (seen.insert(e.bits).second) configs.push_back(&e);
    Section pareto{"Accuracy against latency and energy", {}};
    pareto.blocks.push_back(Paragraph{
        "Every distinct configuration the search evaluated; ringed: the Pareto frontier (no other "
        "configuration is both cheaper and at least as accurate), joined as the best accuracy "
        "reachable at each cost; the diamond: the configuration the search chose (best.json)."});
    pareto.blocks.push_back(scatter_figure("accuracy-vs-latency",
                                           "Accuracy against network latency.",
                                           "accuracy vs latency", configs, false, chosen));
    pareto.blocks.push_back(scatter_figure("accuracy-vs-energy", "Accuracy against network energy.",
                                           "accuracy vs energy", configs, true, chosen));
    return pareto;
}

// The columns of action_probabilities.csv the figures read.
struct ProbabilityColumns {
    std::size_t episode, layer;
    std::optional<std::size_t> name;  // layer_name, if there
    std::vector<std::pair<int, std::size_t>> choices;  // bits, column of p_<bits>_bits
};

ProbabilityColumns probability_columns(const CsvTable& t) {
    ProbabilityColumns cols{t.require("episode"), t.require("layer"), t.find("layer_name"), {}};
    for (std::size_t c = 0; c < t.columns.size(); ++c) {
        const auto& col = t.columns[c];
        if (col.rfind("p_", 0) == 0 && col.ends_with("_bits"))
            cols.choices.emplace_back(std::stoi(col.substr(2, col.size() - 7)), c);
    }
    return cols;
}

// The policy layer by layer (keyed by layer index): the layer's name, its expected bitwidth
// (sum of b x p(b)) at each logged episode; and the last episode logged.
struct PolicyByLayer {
    std::map<int, std::string> names;
    std::map<int, Series> expected;
    double last_episode = -1;
};

PolicyByLayer policy_by_layer(const CsvTable& t, const ProbabilityColumns& cols) {
    PolicyByLayer p;
    for (std::size_t r = 0; r < t.rows.size(); ++r) {
        const int l = static_cast<int>(t.number(r, cols.layer));
        p.names[l] = cols.name ? t.rows[r][*cols.name] : "layer " + std::to_string(l);
        double mean = 0;
        for (const auto& [b, c] : cols.choices) mean += b * t.number(r, c);
        auto& s = p.expected[l];
        s.name = p.names[l];
        s.x.push_back(t.number(r, cols.episode));
        s.y.push_back(mean);
        p.last_episode = std::max(p.last_episode, t.number(r, cols.episode));
    }
    return p;
}

Figure expected_bits_figure(const PolicyByLayer& policy) {
    LineChart c;
    c.title = "expected bitwidth per layer";
    c.x = {"episode", "", Scale::Linear, false, {}};
    c.y = {"expected bitwidth", "bits", Scale::Linear, false, {}};
    c.markers = policy.expected.begin()->second.x.size() <= 100;
    for (const auto& [l, s] : policy.expected) c.series.push_back(s);
    return line_figure("expected-bits",
                       "The policy's expected bitwidth for each layer "
                       "(sum of b x p(b)) over the episodes.",
                       c, "episode");
}

// The probabilities at the last episode logged, stacked per layer (a layer not logged then is 0).
Figure last_probabilities_figure(const CsvTable& t, const ProbabilityColumns& cols,
                                 const PolicyByLayer& policy) {
    BarChart last;
    last.title = "action probabilities at episode " + short_number(policy.last_episode, 8);
    last.category_label = "layer";
    last.y = {"probability", "", Scale::Linear, true, {}};
    last.stacked = true;
    for (const auto& [l, nm] : policy.names) last.categories.push_back(nm);
    for (const auto& [b, col] : cols.choices) {
        BarSeries bs{std::to_string(b) + " bits", std::vector<double>(policy.names.size(), 0.0)};
        for (std::size_t r = 0; r < t.rows.size(); ++r) {
            if (t.number(r, cols.episode) != policy.last_episode) continue;
            const int l = static_cast<int>(t.number(r, cols.layer));
            const auto at = std::distance(policy.names.begin(), policy.names.find(l));
            bs.values[static_cast<std::size_t>(at)] = t.number(r, col);
        }
        last.series.push_back(bs);
    }
    return bar_figure("action-probabilities",
                      "The policy's probability of each "
                      "bitwidth per layer at the last episode.",
                      last);
}

// Nothing for a strategy without a policy (no file, no rows, or no p_<b>_bits columns).
std::optional<Section> action_probabilities_section(const std::optional<CsvTable>& table) {
    if (!table || table->rows.empty()) return std::nullopt;
    const CsvTable& t = *table;
    const ProbabilityColumns cols = probability_columns(t);
    if (cols.choices.empty()) return std::nullopt;
    const PolicyByLayer policy = policy_by_layer(t, cols);
    Section probs{"Action probabilities", {}};
    probs.blocks.push_back(expected_bits_figure(policy));
    probs.blocks.push_back(last_probabilities_figure(t, cols, policy));
    return probs;
}

}  // namespace

Report search_report(const SearchData& s) {
    Report report;
    report.title = "Search: " + s.dir.filename().string();
    report.provenance.emplace_back("search directory", s.dir.string());
    // A stopped or killed search says so where its episode count is read.
    report.provenance.emplace_back(
        "episodes", std::to_string(s.episodes.size()) +
                        (s.complete ? ""
                                    : " (incomplete: the search stopped before its last "
                                      "episode; serialq search --resume continues it)"));
    if (s.best && s.best->is_object()) add_best_configuration(report, *s.best);
    report.sections.push_back(learning_curves_section(s.episodes));
    report.sections.push_back(pareto_section(s.episodes, chosen_bits(s.best)));
    if (auto probs = action_probabilities_section(s.action_probabilities))
        report.sections.push_back(std::move(*probs));
    return report;
}

}  // namespace serialq::workflow
