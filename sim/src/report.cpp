#include "serialq/sim/report.hpp"

#include "serialq/common/error.hpp"
#include "serialq/sim/energy.hpp"
#include "serialq/sim/network_plan.hpp"

namespace serialq::sim {

LayerReport layer_report(const LayerMapping& mapping, const LayerCounts& counts) {
    const AcceleratorConfig& c = mapping.config();
    LayerReport r;
    r.name = mapping.layer().name;
    r.layer_index = mapping.layer_index();
    r.bits = mapping.precision().weight_bits;
    r.act_bits = mapping.precision().activation_bits;
    r.weights_resident = mapping.weights_resident();
    r.compute_cycles = counts.compute_cycles;
    r.total_cycles = counts.total_cycles;
    r.stall_cycles = counts.total_cycles - counts.compute_cycles - c.pipeline_cycles;
    r.macs = counts.macs;
    r.utilization = static_cast<double>(counts.events.lane_cycles) /
                    (static_cast<double>(counts.total_cycles) * static_cast<double>(c.total_lanes()));
    r.traffic = counts.traffic;
    r.energy = layer_energy(c, counts.events, counts.traffic, counts.total_cycles);
    return r;
}

NetworkReport simulate_by_layers(HardwareModel& model, const Network& net,
                                 const std::vector<int>& bits, const std::vector<int>& act_bits) {
    const auto plan = plan_layers(model.config(), net, bits, act_bits);
    NetworkReport r;
    r.network = net.name;
    r.accelerator = model.config().name;
    r.model = model.name();
    r.bits = bits;
    r.batch = model.config().batch;
    std::size_t k = 0;
    for (std::size_t i = 0; i < net.layers.size(); ++i) {
        if (!net.layers[i].has_weights()) continue;
        r.layers.push_back(model.run_layer(net, static_cast<int>(i), plan[k++]));
        r.act_bits.push_back(r.layers.back().act_bits);
    }
    r.total = total_of(r.layers);
    r.weight_load = resident_weight_load(model.config(), net, plan);
    return r;
}

LayerReport total_of(const std::vector<LayerReport>& layers) {
    LayerReport t;
    t.name = "total";
    t.layer_index = -1;
    double busy_lane_share = 0;  // sum of utilization x total_cycles
    for (const auto& l : layers) {
        t.compute_cycles += l.compute_cycles;
        t.stall_cycles += l.stall_cycles;
        t.total_cycles += l.total_cycles;
        t.macs += l.macs;
        t.traffic += l.traffic;
        t.energy += l.energy;
        busy_lane_share += l.utilization * static_cast<double>(l.total_cycles);
        t.bits = (&l == &layers.front() || t.bits == l.bits) ? l.bits : 0;
        t.act_bits = (&l == &layers.front() || t.act_bits == l.act_bits) ? l.act_bits : 0;
    }
    if (t.total_cycles > 0) t.utilization = busy_lane_share / static_cast<double>(t.total_cycles);
    return t;
}

Ratios ratios(const LayerReport& run, const LayerReport& baseline) {
    Ratios r;
    r.speedup = static_cast<double>(baseline.total_cycles) / static_cast<double>(run.total_cycles);
    r.energy_reduction = baseline.energy_pj() / run.energy_pj();
    return r;
}

Comparison compare(NetworkReport run, NetworkReport baseline) {
    if (run.network != baseline.network || run.layers.size() != baseline.layers.size())
        throw ConfigError("baseline: the run (" + run.network + ", " +
                          std::to_string(run.layers.size()) + " layers) and the baseline (" +
                          baseline.network + ", " + std::to_string(baseline.layers.size()) +
                          " layers) are not the same network");
    Comparison c;
    for (std::size_t i = 0; i < run.layers.size(); ++i) {
        if (run.layers[i].name != baseline.layers[i].name)
            throw ConfigError("baseline: layer " + std::to_string(i) + " is " +
                              run.layers[i].name + " in the run but " + baseline.layers[i].name +
                              " in the baseline");
        c.layers.push_back(ratios(run.layers[i], baseline.layers[i]));
    }
    c.total = ratios(run.total, baseline.total);
    c.run = std::move(run);
    c.baseline = std::move(baseline);
    return c;
}

std::vector<Field> report_fields(const LayerReport& r, double clock_ghz) {
    const auto count = [](const char* name, long long v) {
        return Field{name, static_cast<double>(v), true};
    };
    const auto real = [](const char* name, double v) { return Field{name, v, false}; };
    const auto& e = r.energy;
    const auto& t = r.traffic;
    return {count("macs", r.macs),
            count("compute_cycles", r.compute_cycles),
            count("stall_cycles", r.stall_cycles),
            count("total_cycles", r.total_cycles),
            real("time_us", static_cast<double>(r.total_cycles) / clock_ghz / 1000.0),
            real("utilization", r.utilization),
            real("energy_pj", r.energy_pj()),
            real("sip_lanes_pj", e.sip_lanes_pj),
            real("adder_trees_pj", e.adder_trees_pj),
            real("accumulators_pj", e.accumulators_pj),
            real("weight_buffer_pj", e.weight_buffer_pj),
            real("activation_memory_pj", e.activation_memory_pj),
            real("off_chip_pj", e.off_chip_pj),
            real("static_pj", e.static_pj),
            count("weight_buffer_read_bits", t.weight_buffer_read_bits),
            count("weight_buffer_write_bits", t.weight_buffer_write_bits),
            count("activation_memory_read_bits", t.activation_memory_read_bits),
            count("activation_memory_write_bits", t.activation_memory_write_bits),
            count("off_chip_read_bits", t.off_chip_read_bits),
            count("off_chip_write_bits", t.off_chip_write_bits)};
}

std::vector<Field> network_fields(const NetworkReport& r) {
    const double batch = r.batch > 0 ? r.batch : 1;
    return {{"batch", batch, true},
            {"cycles_per_inference", static_cast<double>(r.total.total_cycles) / batch, false},
            {"energy_pj_per_inference", r.total.energy_pj() / batch, false},
            {"weight_load_bits", static_cast<double>(r.weight_load.bits), true},
            {"weight_load_cycles", static_cast<double>(r.weight_load.cycles), true},
            {"weight_load_pj", r.weight_load.energy_pj, false}};
}

}  // namespace serialq::sim
