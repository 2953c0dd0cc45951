#include "sweep_plan.hpp"

#include "../search/best_bits.hpp"
#include "serialq/common/atomic_file.hpp"
#include "serialq/common/bits_spec.hpp"
#include "serialq/common/error.hpp"
#include "serialq/common/network_loader.hpp"

#include <nlohmann/json.hpp>

#include <cstdio>
#include <filesystem>
#include <map>

namespace serialq::workflow {

std::string stable_hash(const std::string& text) {
    std::uint64_t h = 1469598103934665603ULL;
    for (unsigned char c : text) {
        h ^= c;
        h *= 1099511628211ULL;
    }
    char buf[17];
    std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(h));
    return buf;
}

namespace {

// A bit spec that names a file or directory is a search result; anything else is parsed.
LayerBits resolve_bits(const std::string& spec, const Network& net,
                       const sim::AcceleratorConfig& config, const std::string& what) {
    const bool is_path = spec.find('/') != std::string::npos || spec.ends_with(".json") ||
                         std::filesystem::exists(spec);
    const BitsRange r = sim::weight_bits_range(config);
    if (!is_path) return parse_bits(spec, net.weight_layer_count(), r, what);
    const std::string where = what + " " + spec;
    return LayerBits(read_best_bits(spec), where).expect(net.weight_layer_count(), where, r);
}

// Every (bits, act_bits) pair, act_bits varying fastest ("" when the spec has none).
std::vector<std::pair<std::string, std::string>> bits_pairs(const SweepSpec& spec) {
    std::vector<std::pair<std::string, std::string>> out;
    for (const auto& b : spec.bits) {
        if (spec.act_bits.empty()) out.emplace_back(b, "");
        for (const auto& a : spec.act_bits) out.emplace_back(b, a);
    }
    return out;
}

// Every combination of the --set axes, the last axis varying fastest.
std::vector<std::vector<sim::ConfigOverride>> override_combinations(
    const std::vector<SweepAxis>& axes) {
    std::vector<std::vector<sim::ConfigOverride>> out{{}};
    for (const auto& axis : axes) {
        std::vector<std::vector<sim::ConfigOverride>> next;
        for (const auto& partial : out)
            for (const auto& v : axis.values) {
                auto p = partial;
                p.emplace_back(axis.key, v);
                next.push_back(std::move(p));
            }
        out = std::move(next);
    }
    return out;
}

// What the points of one (accelerator, overrides, model, trace) share.
struct PointGroup {
    const std::string* accel_file;
    const std::vector<sim::ConfigOverride>* overrides;
    const sim::AcceleratorConfig* config;
    nlohmann::ordered_json config_json;
    const std::string* model;
    const std::string* trace;
    const std::string* trace_hash;
    const Network* network;
    sim::BaselineRun baseline;
    nlohmann::ordered_json baseline_config;
};

nlohmann::ordered_json config_values_json(const sim::AcceleratorConfig& config) {
    nlohmann::ordered_json j = nlohmann::ordered_json::object();
    for (const auto& [k, v] : sim::accelerator_config_values(config)) j[k] = v;
    return j;
}

// A point: its bits and its identity (everything its result depends on, hashed into its id).
PlannedPoint make_point(const PointGroup& g, const std::string& bits_spec,
                        const std::string& act_spec, std::size_t index) {
    const Network& net = *g.network;
    PlannedPoint p;
    p.index = index;
    p.accel_file = *g.accel_file;
    p.overrides = *g.overrides;
    p.config = g.config;
    p.model = *g.model;
    p.trace = *g.trace;
    p.network = &net;
    p.bits_spec = bits_spec;
    p.bits = resolve_bits(bits_spec, net, *g.config, "--bits");
    p.act_bits_spec = act_spec;
    if (!act_spec.empty())
        p.act_bits = parse_bits(act_spec, net.weight_layer_count(),
                                sim::activation_bits_range(*g.config), "--act-bits");
    p.baseline = g.baseline;
    nlohmann::ordered_json id = {{"accel_file", p.accel_file},
                                 {"config", g.config_json},
                                 {"model", p.model},
                                 {"trace", p.trace},
                                 {"trace_hash", *g.trace_hash},
                                 {"bits_spec", bits_spec},
                                 {"bits", p.bits.values()},
                                 {"baseline", g.baseline.label},
                                 {"baseline_config", g.baseline_config},
                                 {"baseline_bits", g.baseline.bits.values()}};
    if (!p.act_bits.empty()) id["act_bits"] = p.act_bits.values();
    p.identity = id.dump();
    p.id = stable_hash(p.identity);
    return p;
}

}  // namespace

SweepPlan make_plan(const SweepSpec& spec) {
    spec.check();
    SweepPlan plan;
    plan.spec = spec;

    std::vector<const Network*> networks;
    std::vector<std::string> trace_hashes;
    for (const auto& t : spec.traces) {
        plan.networks.push_back(load_network(t));
        networks.push_back(&plan.networks.back());
        trace_hashes.push_back(stable_hash(read_file(plan.networks.back().file)));
    }

    const auto combos = override_combinations(spec.axes);
    const sim::BaselineSpec baseline_spec = sim::parse_baseline(spec.baseline, "baseline");
    std::string all_ids;
    for (const auto& accel : spec.accels) {
        for (const auto& overrides : combos) {
            plan.configs.push_back(sim::load_accelerator_config(accel, overrides));
            PointGroup g{
                &accel, &overrides, &plan.configs.back(), {}, nullptr, nullptr, nullptr, nullptr,
                {},     {}};
            g.config_json = config_values_json(*g.config);
            for (const auto& model : spec.models) {
                for (std::size_t t = 0; t < spec.traces.size(); ++t) {
                    g.model = &model;
                    g.trace = &spec.traces[t];
                    g.trace_hash = &trace_hashes[t];
                    g.network = networks[t];
                    // The point's overrides reach a baseline file that writes their keys.
                    g.baseline = sim::resolve_baseline(baseline_spec, *g.config, *g.network,
                                                       "baseline", {overrides, {}});
                    g.baseline_config = config_values_json(g.baseline.config);
                    for (const auto& [bits_spec, act_spec] : bits_pairs(spec)) {
                        plan.points.push_back(
                            make_point(g, bits_spec, act_spec, plan.points.size()));
                        all_ids += plan.points.back().id;
                    }
                }
            }
        }
    }
    plan.spec_id = stable_hash(all_ids);
    return plan;
}

}  // namespace serialq::workflow
