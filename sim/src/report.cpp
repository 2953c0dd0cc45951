#include "serialq/sim/report.hpp"

#include "serialq/common/checked_count.hpp"
#include "serialq/common/error.hpp"
#include "serialq/sim/energy.hpp"
#include "serialq/sim/figures.hpp"
#include "serialq/sim/network_plan.hpp"

#include <numeric>

namespace serialq::sim {

LayerReport layer_report(const LayerMapping& mapping, const LayerCounts& counts) {
    const AcceleratorConfig& c = mapping.config();
    LayerReport r;
    r.name = mapping.layer().name;
    r.layer_index = mapping.layer_index();
    r.bits = mapping.precision().weight_bits;
    r.act_bits = mapping.precision().activation_bits;
    const auto& filters = mapping.spec().filter_bits;
    r.mean_weight_bits = filters.empty() ? r.bits
                                         : std::accumulate(filters.begin(), filters.end(), 0.0) /
                                               static_cast<double>(filters.size());
    r.filter_order = mapping.filter_order();
    // Layer-wise bits have one order: no second evaluation.
    r.network_order_cycles = filters.empty() ? counts.total_cycles : mapping.network_order_cycles();
    r.weights_resident = mapping.weights_resident();
    r.compute_cycles = counts.compute_cycles;
    r.total_cycles = counts.total_cycles;
    r.stall_cycles = counts.total_cycles - counts.compute_cycles - c.pipeline_cycles;
    r.macs = counts.macs;
    r.utilization =
        static_cast<double>(counts.events.lane_cycles) /
        (static_cast<double>(counts.total_cycles) * static_cast<double>(c.total_lanes()));
    r.traffic = counts.traffic;
    r.energy = layer_energy(c, counts.events, counts.traffic, counts.total_cycles);
    return r;
}

namespace {
NetworkReport run_plan(HardwareModel& model, const Network& net, const std::vector<LayerSpec>& plan,
                       const LayerBits& bits) {
    NetworkReport r;
    r.network = net.name;
    r.accelerator = model.config().name;
    r.model = model.name();
    r.bits = bits.values();
    r.batch = model.config().batch;
    const std::vector<int> index = net.weight_layer_indices();  // once, not once per layer
    for (std::size_t w = 0; w < plan.size(); ++w) {
        r.layers.push_back(model.run_layer(net, index[w], plan[w]));
        r.act_bits.push_back(r.layers.back().act_bits);
    }
    r.total = total_of(r.layers);
    r.weight_load = resident_weight_load(model.config(), net, plan);
    return r;
}
}  // namespace

NetworkReport simulate_by_layers(HardwareModel& model, const Network& net, const LayerBits& bits,
                                 const LayerBits& act_bits) {
    return run_plan(model, net, plan_layers(model.config(), net, bits, act_bits), bits);
}

NetworkReport simulate_by_layers(HardwareModel& model, const Network& net, const KernelBits& bits) {
    const auto plan = plan_layers(model.config(), net, bits);  // checks bits first
    return run_plan(model, net, plan, bits.widest());
}

namespace {
// Each layer's figures fit 64 bits (LayerMapping::totals checks them); their sum may not.
void add_to(long long& total, long long value, const char* figure) {
    const auto sum = checked_add(total, value);
    if (!sum)
        throw ConfigError(std::string("total: ") + figure +
                          ": found more than a 64-bit count holds, expected a count that fits");
    total = *sum;
}

void add_traffic(Traffic& t, const Traffic& l) {
    add_to(t.weight_buffer_read_bits, l.weight_buffer_read_bits, "weight_buffer_read_bits");
    add_to(t.weight_buffer_write_bits, l.weight_buffer_write_bits, "weight_buffer_write_bits");
    add_to(t.activation_memory_read_bits, l.activation_memory_read_bits,
           "activation_memory_read_bits");
    add_to(t.activation_memory_write_bits, l.activation_memory_write_bits,
           "activation_memory_write_bits");
    add_to(t.off_chip_read_bits, l.off_chip_read_bits, "off_chip_read_bits");
    add_to(t.off_chip_write_bits, l.off_chip_write_bits, "off_chip_write_bits");
}
}  // namespace

LayerReport total_of(const std::vector<LayerReport>& layers) {
    LayerReport t;
    t.name = "total";
    t.layer_index = -1;
    double busy_lane_share = 0;  // sum of utilization x total_cycles
    for (const auto& l : layers) {
        add_to(t.compute_cycles, l.compute_cycles, "compute_cycles");
        add_to(t.stall_cycles, l.stall_cycles, "stall_cycles");
        add_to(t.total_cycles, l.total_cycles, "total_cycles");
        add_to(t.network_order_cycles, l.network_order_cycles, "network_order_cycles");
        add_to(t.macs, l.macs, "macs");
        add_traffic(t.traffic, l.traffic);
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
    r.speedup =
        ratio(static_cast<double>(baseline.total_cycles), static_cast<double>(run.total_cycles));
    r.energy_reduction = ratio(baseline.energy_pj(), run.energy_pj());
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
            throw ConfigError("baseline: layer " + std::to_string(i) + " is " + run.layers[i].name +
                              " in the run but " + baseline.layers[i].name + " in the baseline");
        c.layers.push_back(ratios(run.layers[i], baseline.layers[i]));
    }
    c.total = ratios(run.total, baseline.total);
    c.run = std::move(run);
    c.baseline = std::move(baseline);
    return c;
}

}  // namespace serialq::sim
