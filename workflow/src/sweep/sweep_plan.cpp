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
std::vector<int> resolve_bits(const std::string& spec, const Network& net,
                              const sim::AcceleratorConfig& config, const std::string& what) {
    std::vector<int> bits;
    const bool is_path = spec.find('/') != std::string::npos || spec.ends_with(".json") ||
                         std::filesystem::exists(spec);
    const sim::BitsRange r = sim::weight_bits_range(config);
    if (!is_path) return parse_bits(spec, net.weight_layer_count(), r.min, r.max, what);
    bits = read_best_bits(spec);
    return parse_bits(format_bits(bits), net.weight_layer_count(), r.min, r.max, what + " " + spec);
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
        trace_hashes.push_back(stable_hash(read_file(t)));
    }

    const auto combos = override_combinations(spec.axes);
    const sim::BaselineSpec baseline_spec = sim::parse_baseline(spec.baseline, "baseline");
    std::string all_ids;
    std::size_t index = 0;
    for (const auto& accel : spec.accels) {
        for (const auto& overrides : combos) {
            plan.configs.push_back(sim::load_accelerator_config(accel, overrides));
            const sim::AcceleratorConfig* config = &plan.configs.back();
            nlohmann::ordered_json config_json = nlohmann::ordered_json::object();
            for (const auto& [k, v] : sim::accelerator_config_values(*config)) config_json[k] = v;
            for (const auto& model : spec.models) {
                for (std::size_t t = 0; t < spec.traces.size(); ++t) {
                    const Network& net = *networks[t];
                    // The point's overrides reach a baseline file that writes their keys.
                    const sim::BaselineRun baseline = sim::resolve_baseline(
                        baseline_spec, *config, net, "baseline", {overrides, {}});
                    nlohmann::ordered_json baseline_config = nlohmann::ordered_json::object();
                    for (const auto& [k, v] : sim::accelerator_config_values(baseline.config))
                        baseline_config[k] = v;
                    const sim::BitsRange ar = sim::activation_bits_range(*config);
                    for (const auto& [bits_spec, act_spec] : bits_pairs(spec)) {
                        PlannedPoint p;
                        p.index = index++;
                        p.accel_file = accel;
                        p.overrides = overrides;
                        p.config = config;
                        p.model = model;
                        p.trace = spec.traces[t];
                        p.network = &net;
                        p.bits_spec = bits_spec;
                        p.bits = resolve_bits(bits_spec, net, *config, "--bits");
                        p.act_bits_spec = act_spec;
                        if (!act_spec.empty())
                            p.act_bits = parse_bits(act_spec, net.weight_layer_count(), ar.min,
                                                    ar.max, "--act-bits");
                        p.baseline = baseline;
                        nlohmann::ordered_json id = {{"accel_file", accel},
                                                     {"config", config_json},
                                                     {"model", model},
                                                     {"trace", p.trace},
                                                     {"trace_hash", trace_hashes[t]},
                                                     {"bits_spec", bits_spec},
                                                     {"bits", p.bits},
                                                     {"baseline", baseline.label},
                                                     {"baseline_config", baseline_config},
                                                     {"baseline_bits", baseline.bits}};
                        if (!p.act_bits.empty()) id["act_bits"] = p.act_bits;
                        p.identity = id.dump();
                        p.id = stable_hash(p.identity);
                        all_ids += p.id;
                        plan.points.push_back(std::move(p));
                    }
                }
            }
        }
    }
    plan.spec_id = stable_hash(all_ids);
    return plan;
}

}  // namespace serialq::workflow
