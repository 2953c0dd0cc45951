#include "point_file.hpp"

#include "serialq/common/atomic_file.hpp"
#include "serialq/common/bits_spec.hpp"
#include "serialq/common/error.hpp"

namespace serialq::workflow {

namespace {

nlohmann::ordered_json layer_json(const sim::LayerReport& l) {
    const auto& e = l.energy;
    const auto& t = l.traffic;
    return {{"name", l.name},
            {"layer_index", l.layer_index},
            {"bits", l.bits},
            {"act_bits", l.act_bits},
            {"weights_resident", l.weights_resident},
            {"macs", l.macs},
            {"compute_cycles", l.compute_cycles},
            {"stall_cycles", l.stall_cycles},
            {"cycles", l.total_cycles},
            {"utilization", l.utilization},
            {"sip_lanes_pj", e.sip_lanes_pj},
            {"adder_trees_pj", e.adder_trees_pj},
            {"accumulators_pj", e.accumulators_pj},
            {"weight_buffer_pj", e.weight_buffer_pj},
            {"activation_memory_pj", e.activation_memory_pj},
            {"off_chip_pj", e.off_chip_pj},
            {"static_pj", e.static_pj},
            {"energy_pj", e.total_pj()},
            {"weight_buffer_read_bits", t.weight_buffer_read_bits},
            {"weight_buffer_write_bits", t.weight_buffer_write_bits},
            {"activation_memory_read_bits", t.activation_memory_read_bits},
            {"activation_memory_write_bits", t.activation_memory_write_bits},
            {"off_chip_read_bits", t.off_chip_read_bits},
            {"off_chip_write_bits", t.off_chip_write_bits}};
}

nlohmann::ordered_json cost_json(const sim::LayerReport& l) {
    return {{"cycles", l.total_cycles}, {"energy_pj", l.energy_pj()}};
}

}  // namespace

nlohmann::ordered_json evaluate_point(const PlannedPoint& p, const ModelFactory& make_model) {
    auto model = make_model(p.model, *p.config);
    const sim::NetworkReport report = model->simulate(*p.network, p.bits, p.act_bits);
    // The baseline on the point's own model when it is the same accelerator (the cycle-level
    // model wants one model per process), else on a model of its accelerator.
    std::unique_ptr<sim::HardwareModel> other;
    if (!p.baseline_on_own_accelerator) other = make_model(p.model, p.baseline.config);
    const sim::NetworkReport baseline =
        (other ? *other : *model).simulate(*p.network, p.baseline.bits);
    if (report.layers.size() != baseline.layers.size())
        throw Error("sweep: the baseline of point " + std::to_string(p.index) +
                    " has a different number of layers");

    nlohmann::ordered_json config = nlohmann::ordered_json::object();
    for (const auto& [k, v] : sim::accelerator_config_values(*p.config)) config[k] = v;
    nlohmann::ordered_json swept = nlohmann::ordered_json::object();
    for (const auto& [k, v] : p.overrides) swept[k] = v;
    nlohmann::ordered_json layers = nlohmann::ordered_json::array();
    nlohmann::ordered_json base_layers = nlohmann::ordered_json::array();
    for (std::size_t i = 0; i < report.layers.size(); ++i) {
        layers.push_back(layer_json(report.layers[i]));
        base_layers.push_back(cost_json(baseline.layers[i]));
    }
    return {{"identity", p.identity},
            {"params",
             {{"accel", p.config->name},
              {"accel_file", p.accel_file},
              {"set", swept},
              {"config", config},
              {"model", p.model},
              {"network", p.network->name},
              {"trace", p.trace},
              {"bits_spec", p.bits_spec},
              {"bits", format_bits(p.bits)},
              {"act_bits_spec", p.act_bits_spec},
              {"act_bits", format_bits(report.act_bits)},
              {"baseline", p.baseline.label},
              {"baseline_bits", format_bits(p.baseline.bits)}}},
            {"layers", layers},
            {"total", layer_json(report.total)},
            {"baseline", {{"layers", base_layers}, {"total", cost_json(baseline.total)}}}};
}

std::filesystem::path point_path(const std::filesystem::path& out_dir, const std::string& id) {
    return out_dir / "points" / (id + ".json");
}

void write_point(const std::filesystem::path& out_dir, const PlannedPoint& point,
                 const nlohmann::ordered_json& result) {
    write_file_atomically(point_path(out_dir, point.id), result.dump(1) + "\n");
}

std::optional<nlohmann::ordered_json> read_point(const std::filesystem::path& file,
                                                 const std::string& identity) {
    if (!std::filesystem::exists(file)) return std::nullopt;
    nlohmann::ordered_json j;
    try {
        j = nlohmann::ordered_json::parse(read_file(file));
    } catch (const nlohmann::json::exception& e) {
        throw InputError(file.string() + ": not a valid point result (" + e.what() +
                         "); delete it to recompute the point");
    }
    if (!j.is_object() || !j.contains("identity") || !j.contains("params") ||
        !j.contains("layers") || !j.contains("total") || !j.contains("baseline"))
        throw InputError(file.string() + ": not a valid point result (identity, params, layers, "
                         "total or baseline missing); delete it to recompute the point");
    if (j["identity"] != identity)
        throw InputError(file.string() + ": identity: found a different point, expected " +
                         identity.substr(0, 80) + "...; delete it to recompute the point");
    return j;
}

}  // namespace serialq::workflow
