#include "report_inputs.hpp"

#include "serialq/common/atomic_file.hpp"
#include "serialq/common/error.hpp"
#include "serialq/common/json_input.hpp"
#include "serialq/sim/figures.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <set>

namespace serialq::workflow {

namespace {

nlohmann::json parse_json_file(const std::filesystem::path& file) {
    return parse_json(read_file(file), file.string(), "a JSON file serialq wrote");
}

namespace fig = sim::figure;

std::string key(const sim::Figure& f) { return std::string(f.name); }

std::string json_text(const nlohmann::json& o, std::initializer_list<const char*> keys);

std::string json_text(const nlohmann::json& o, std::initializer_list<const char*> keys) {
    for (const char* k : keys) {
        if (!o.contains(k)) continue;
        const auto& v = o[k];
        if (v.is_string()) return v.get<std::string>();
        // serialq sim: {"file": ..., "overrides": ..., "values": {"name": ...}}
        if (v.is_object() && v.contains("values") && v["values"].is_object())
            return json_text(v["values"], {"name"});
        if (v.is_array()) {
            std::string s;
            for (const auto& x : v) s += (s.empty() ? "" : ",") + x.dump();
            return s;
        }
        if (v.is_number()) return v.dump();
    }
    return "";
}

// A figure of a row (figures.hpp): a number, or NaN when it is null and `optional`.
double figure_value(const nlohmann::json& row, const sim::Figure& f, bool optional,
                    const std::string& file, const std::string& where) {
    const auto it = row.find(key(f));
    if (it != row.end() && it->is_number()) return it->get<double>();
    if (optional && (it == row.end() || it->is_null())) return std::nan("");
    throw InputError(file + ": " + where + "." + key(f) + ": found " +
                     (it == row.end() ? std::string("nothing") : std::string(it->type_name())) +
                     ", expected a number (serialq sim --format json)");
}

RunLayer run_layer(const nlohmann::json& l, const std::string& file, const std::string& where) {
    if (!l.is_object())
        throw InputError(file + ": " + where + ": found " + std::string(l.type_name()) +
                         ", expected an object");
    RunLayer r;
    r.name = json_text(l, {"layer"});
    const double bits = figure_value(l, fig::layer_bits, true, file, where);
    r.bits = std::isfinite(bits) ? static_cast<int>(bits) : 0;
    r.total_cycles = figure_value(l, fig::total_cycles, false, file, where);
    r.energy_pj = figure_value(l, fig::energy_pj, false, file, where);
    r.baseline_total_cycles = figure_value(l, fig::baseline_total_cycles, true, file, where);
    r.baseline_energy_pj = figure_value(l, fig::baseline_energy_pj, true, file, where);
    for (const auto& c : sim::energy_components()) {
        const double v = figure_value(l, c, true, file, where);
        if (std::isfinite(v)) r.components.emplace_back(key(c), v);
    }
    return r;
}

// `parent`: the document around a run of a "runs" list, whose accelerator, model and network
// the runs share.
Run sim_run(const nlohmann::json& j, const std::string& file, const std::string& where,
            const nlohmann::json& parent = nlohmann::json::object()) {
    if (!j.is_object() || !j.contains("layers") || !j["layers"].is_array() || !j.contains("total"))
        throw InputError(file + ": " + where +
                         ": expected a run with \"layers\" and \"total\" "
                         "(serialq sim --format json)");
    Run r;
    auto text = [&](std::initializer_list<const char*> keys) {
        const std::string own = json_text(j, keys);
        return own.empty() && parent.is_object() ? json_text(parent, keys) : own;
    };
    r.accel = text({"accelerator", "accel", "config"});
    r.model = text({"model"});
    r.network = text({"network", "trace"});
    r.bits = json_text(j, {"bits_spec", "bits"});
    for (std::size_t i = 0; i < j["layers"].size(); ++i)
        r.layers.push_back(
            run_layer(j["layers"][i], file, where + "layers[" + std::to_string(i) + "]"));
    r.total = run_layer(j["total"], file, where + "total");
    r.total.name = "total";
    if (r.bits.empty()) {
        for (const auto& l : r.layers)
            r.bits += (r.bits.empty() ? "" : ",") + std::to_string(l.bits);
    }
    return r;
}

// Labels that tell runs apart: the fields that differ among them.
void label_runs(std::vector<Run>& runs) {
    auto differs = [&](auto field) {
        for (const auto& r : runs)
            if (field(r) != field(runs.front())) return true;
        return false;
    };
    const bool accel = differs([](const Run& r) { return r.accel; });
    const bool model = differs([](const Run& r) { return r.model; });
    const bool network = differs([](const Run& r) { return r.network; });
    for (auto& r : runs) {
        if (!r.label.empty()) continue;
        std::string l = r.bits;
        if (accel) l = r.accel + " " + l;
        if (model) l += " (" + r.model + ")";
        if (network) l = r.network + " " + l;
        r.label = l;
    }
}

}  // namespace

std::vector<Run> read_sim_runs(const std::filesystem::path& path) {
    const auto j = parse_json_file(path);
    const std::string file = path.string();
    std::vector<Run> runs;
    if (j.is_array()) {
        for (std::size_t i = 0; i < j.size(); ++i)
            runs.push_back(sim_run(j[i], file, "[" + std::to_string(i) + "]."));
    } else if (j.is_object() && j.contains("runs") && j["runs"].is_array()) {
        for (std::size_t i = 0; i < j["runs"].size(); ++i)
            runs.push_back(sim_run(j["runs"][i], file, "runs[" + std::to_string(i) + "].", j));
    } else {
        runs.push_back(sim_run(j, file, ""));
    }
    if (runs.empty()) throw InputError(file + ": found no runs, expected at least one");
    label_runs(runs);
    return runs;
}

SweepData read_sweep(const std::filesystem::path& dir) {
    SweepData s;
    s.dir = dir;
    const auto record_file = dir / "sweep.json";
    s.record = parse_ordered_json(read_file(record_file), record_file.string(),
                                  "the record serialq sweep writes");
    s.results = read_csv(dir / "results.csv");
    for (const char* c : {"point", "accel", "model", "network", "bits_spec"}) s.results.require(c);
    for (const auto& f :
         {fig::layer, fig::total_cycles, fig::energy_pj, fig::speedup, fig::energy_reduction})
        s.results.require(key(f));
    const auto& spec =
        s.record.contains("spec") ? s.record["spec"] : nlohmann::ordered_json::object();
    if (spec.contains("set") && spec["set"].is_object())
        for (const auto& [k, v] : spec["set"].items())
            if (v.is_array() && v.size() > 1) s.parameters.push_back(k);
    // The other axes count as parameters when they take more than one value.
    for (const char* c : {"accel", "model", "network", "bits_spec"}) {
        std::set<std::string> values;
        const auto col = s.results.require(c);
        for (const auto& r : s.results.rows) values.insert(r[col]);
        if (values.size() > 1) s.parameters.emplace_back(c);
    }
    return s;
}

std::vector<Run> sweep_runs(const SweepData& s) {
    const CsvTable& t = s.results;
    const auto point = t.require("point"), layer = t.require(key(fig::layer));
    const auto cycles = t.require(key(fig::total_cycles)), energy = t.require(key(fig::energy_pj));
    const auto base_cycles = t.require(key(fig::baseline_total_cycles));
    const auto base_energy = t.require(key(fig::baseline_energy_pj));
    const auto bits = t.require(key(fig::layer_bits));
    std::vector<std::pair<std::string, std::size_t>> components;
    for (const auto& c : sim::energy_components())
        components.emplace_back(key(c), t.require(key(c)));

    std::vector<Run> runs;
    std::map<std::string, std::size_t> by_point;
    for (std::size_t r = 0; r < t.rows.size(); ++r) {
        const auto& row = t.rows[r];
        auto [it, fresh] = by_point.emplace(row[point], runs.size());
        if (fresh) {
            Run run;
            run.accel = row[t.require("accel")];
            run.model = row[t.require("model")];
            run.network = row[t.require("network")];
            run.bits = row[t.require("bits_spec")];
            for (const auto& p : s.parameters)
                if (auto c = t.find(p))
                    run.label += (run.label.empty() ? "" : ", ") +
                                 (p == "bits_spec" || p == "accel" || p == "network" || p == "model"
                                      ? row[*c]
                                      : p + "=" + row[*c]);
            if (run.label.empty()) run.label = run.network + " " + run.bits;
            runs.push_back(run);
        }
        RunLayer l;
        l.name = row[layer];
        l.bits = !row[bits].empty() ? static_cast<int>(t.number(r, bits)) : 0;
        l.total_cycles = t.number(r, cycles);
        l.energy_pj = t.number(r, energy);
        l.baseline_total_cycles = t.number(r, base_cycles);
        l.baseline_energy_pj = t.number(r, base_energy);
        for (const auto& [name, c] : components) l.components.emplace_back(name, t.number(r, c));
        Run& run = runs[it->second];
        if (l.name == "total")
            run.total = l;
        else
            run.layers.push_back(l);
    }
    return runs;
}

namespace {

// best.json's `episodes`, if it records a count.
std::optional<long long> committed_episodes(const nlohmann::json& best,
                                            const std::filesystem::path& file) {
    if (!best.is_object() || !best.contains("episodes")) return std::nullopt;
    const auto& n = best["episodes"];
    if (!n.is_number_integer() || n.get<long long>() < 0)
        throw InputError(file.string() + ": episodes: found " + n.dump(-1, ' ', true) +
                         ", expected a count");
    return n.get<long long>();
}

// Leaves out the rows of `table` after episode `last`; `episode` is the column of the episode.
void drop_rows_after(CsvTable& table, std::size_t episode, long long last) {
    std::size_t kept = 0;
    for (std::size_t r = 0; r < table.rows.size(); ++r) {
        if (table.number(r, episode) > static_cast<double>(last)) continue;
        if (kept != r) {  // a vector moved onto itself is left empty
            table.rows[kept] = std::move(table.rows[r]);
            table.lines[kept] = table.lines[r];
        }
        ++kept;
    }
    table.rows.resize(kept);
    table.lines.resize(kept);
}

// A search killed while it saved leaves best.json (written last) behind the other files: the
// report is of the episodes best.json describes. Fewer rows than those cannot come from one run.
void keep_committed(SearchData& s) {
    const auto last = committed_episodes(*s.best, s.dir / "best.json");
    if (const auto& c = s.best->find("complete"); c != s.best->end() && c->is_boolean())
        s.complete = c->get<bool>();
    if (!last) return;
    std::erase_if(s.episodes, [&](const Episode& e) { return e.episode > *last; });
    if (static_cast<long long>(s.episodes.size()) < *last)
        throw InputError((s.dir / "episodes.csv").string() + ": " +
                         std::to_string(s.episodes.size()) + " episodes, expected the " +
                         std::to_string(*last) + " of best.json");
    if (s.action_probabilities)
        drop_rows_after(*s.action_probabilities, s.action_probabilities->require("episode"), *last);
}

}  // namespace

SearchData read_search(const std::filesystem::path& dir) {
    SearchData s;
    s.dir = dir;
    const CsvTable t = read_csv(dir / "episodes.csv");
    const auto episode = t.require("episode"), bits = t.require("bits");
    const auto acc = t.require("accuracy_percent"), reward = t.require("reward");
    const auto cycles = t.require(key(fig::total_cycles)), energy = t.require(key(fig::energy_pj));
    const std::optional<std::size_t> entropy = t.find("policy_entropy_nats");
    for (std::size_t r = 0; r < t.rows.size(); ++r) {
        Episode e;
        e.episode = static_cast<long long>(t.number(r, episode));
        e.bits = t.rows[r][bits];
        e.accuracy_percent = t.number(r, acc);
        e.total_cycles = t.number(r, cycles);
        e.energy_pj = t.number(r, energy);
        e.reward = t.number(r, reward);
        if (entropy) e.policy_entropy = t.number(r, *entropy);
        s.episodes.push_back(e);
    }
    if (std::filesystem::exists(dir / "best.json")) s.best = parse_json_file(dir / "best.json");
    if (std::filesystem::exists(dir / "action_probabilities.csv"))
        s.action_probabilities = read_csv(dir / "action_probabilities.csv");
    if (s.best) keep_committed(s);
    return s;
}

}  // namespace serialq::workflow
