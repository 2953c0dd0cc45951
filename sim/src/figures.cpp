#include "serialq/sim/figures.hpp"

#include <cmath>
#include <limits>
#include <utility>

namespace serialq::sim {

namespace {

// The value of each layer figure, beside its name: the one place a figure is computed.
using Value = double (*)(const LayerReport&, double clock_ghz);
struct Measured {
    const Figure* figure;
    Value value;
};

const std::vector<Measured>& measured() {
    namespace f = figure;
    static const std::vector<Measured> list = {
        {&f::macs, [](const LayerReport& r, double) { return double(r.macs); }},
        {&f::compute_cycles, [](const LayerReport& r, double) { return double(r.compute_cycles); }},
        {&f::stall_cycles, [](const LayerReport& r, double) { return double(r.stall_cycles); }},
        {&f::total_cycles, [](const LayerReport& r, double) { return double(r.total_cycles); }},
        {&f::time_us,
         [](const LayerReport& r, double ghz) { return double(r.total_cycles) / ghz / 1000.0; }},
        {&f::utilization, [](const LayerReport& r, double) { return r.utilization; }},
        {&f::energy_pj, [](const LayerReport& r, double) { return r.energy_pj(); }},
        {&f::sip_lanes_pj, [](const LayerReport& r, double) { return r.energy.sip_lanes_pj; }},
        {&f::adder_trees_pj, [](const LayerReport& r, double) { return r.energy.adder_trees_pj; }},
        {&f::accumulators_pj,
         [](const LayerReport& r, double) { return r.energy.accumulators_pj; }},
        {&f::weight_buffer_pj,
         [](const LayerReport& r, double) { return r.energy.weight_buffer_pj; }},
        {&f::activation_memory_pj,
         [](const LayerReport& r, double) { return r.energy.activation_memory_pj; }},
        {&f::off_chip_pj, [](const LayerReport& r, double) { return r.energy.off_chip_pj; }},
        {&f::static_pj, [](const LayerReport& r, double) { return r.energy.static_pj; }},
        {&f::weight_buffer_read_bits,
         [](const LayerReport& r, double) { return double(r.traffic.weight_buffer_read_bits); }},
        {&f::weight_buffer_write_bits,
         [](const LayerReport& r, double) { return double(r.traffic.weight_buffer_write_bits); }},
        {&f::activation_memory_read_bits,
         [](const LayerReport& r, double) {
             return double(r.traffic.activation_memory_read_bits);
         }},
        {&f::activation_memory_write_bits,
         [](const LayerReport& r, double) {
             return double(r.traffic.activation_memory_write_bits);
         }},
        {&f::off_chip_read_bits,
         [](const LayerReport& r, double) { return double(r.traffic.off_chip_read_bits); }},
        {&f::off_chip_write_bits,
         [](const LayerReport& r, double) { return double(r.traffic.off_chip_write_bits); }},
        // A mean over a layer's filters has no network-wide counterpart here (NaN: null).
        {&f::mean_weight_bits,
         [](const LayerReport& r, double) {
             return r.layer_index < 0 ? std::numeric_limits<double>::quiet_NaN()
                                      : r.mean_weight_bits;
         }},
        {&f::network_order_cycles,
         [](const LayerReport& r, double) { return double(r.network_order_cycles); }},
    };
    return list;
}

// A figure's value as JSON: an integer for a count, null where it is undefined.
nlohmann::ordered_json json_value(const Figure& f, double v) {
    if (!std::isfinite(v)) return nullptr;
    if (f.integer) return static_cast<long long>(v);
    return v;
}

nlohmann::ordered_json optional_int(bool present, long long v) {
    return present ? nlohmann::ordered_json(v) : nlohmann::ordered_json(nullptr);
}

}  // namespace

const std::vector<Figure>& key_figures() {
    namespace f = figure;
    static const std::vector<Figure> list = {f::layer,      f::layer_index,    f::weight_layer,
                                             f::layer_bits, f::layer_act_bits, f::weights_resident};
    return list;
}

const std::vector<Figure>& layer_figures() {
    static const std::vector<Figure> list = [] {
        std::vector<Figure> l;
        for (const auto& m : measured()) l.push_back(*m.figure);
        return l;
    }();
    return list;
}

const std::vector<Figure>& energy_components() {
    // The *_pj figures after energy_pj, their sum.
    static const std::vector<Figure> list = [] {
        std::vector<Figure> l;
        for (const auto& f : layer_figures())
            if (f.unit == "pJ" && f.name != figure::energy_pj.name) l.push_back(f);
        return l;
    }();
    return list;
}

const std::vector<Figure>& comparison_figures() {
    namespace f = figure;
    static const std::vector<Figure> list = {f::baseline_total_cycles, f::baseline_energy_pj,
                                             f::speedup, f::energy_reduction};
    return list;
}

const std::vector<Figure>& network_figures() {
    namespace f = figure;
    static const std::vector<Figure> list = {f::batch,
                                             f::cycles_per_inference,
                                             f::energy_pj_per_inference,
                                             f::weight_load_bits,
                                             f::weight_load_cycles,
                                             f::weight_load_pj};
    return list;
}

double ratio(double baseline, double run) {
    return run > 0 ? baseline / run : std::numeric_limits<double>::quiet_NaN();
}

std::vector<std::string> row_columns(bool with_comparison) {
    std::vector<std::string> c;
    for (const auto& f : key_figures()) c.emplace_back(f.name);
    for (const auto& f : layer_figures()) c.emplace_back(f.name);
    if (with_comparison)
        for (const auto& f : comparison_figures()) c.emplace_back(f.name);
    return c;
}

nlohmann::ordered_json layer_row(const LayerReport& r, int weight_layer, double clock_ghz) {
    namespace f = figure;
    const bool total = weight_layer < 0;
    nlohmann::ordered_json row;
    row[f::layer.name] = total ? std::string("total") : r.name;
    row[f::layer_index.name] = optional_int(!total, r.layer_index);
    row[f::weight_layer.name] = optional_int(!total, weight_layer);
    row[f::layer_bits.name] = optional_int(r.bits > 0, r.bits);  // 0 in a total: mixed
    row[f::layer_act_bits.name] = optional_int(r.act_bits > 0, r.act_bits);
    row[f::weights_resident.name] = optional_int(!total, r.weights_resident ? 1 : 0);
    for (const auto& m : measured())
        row[m.figure->name] = json_value(*m.figure, m.value(r, clock_ghz));
    return row;
}

void add_comparison(nlohmann::ordered_json& row, double baseline_cycles,
                    double baseline_energy_pj) {
    namespace f = figure;
    const double cycles = row.at(f::total_cycles.name).get<double>();
    const double energy = row.at(f::energy_pj.name).get<double>();
    row[f::baseline_total_cycles.name] = json_value(f::baseline_total_cycles, baseline_cycles);
    row[f::baseline_energy_pj.name] = json_value(f::baseline_energy_pj, baseline_energy_pj);
    row[f::speedup.name] = json_value(f::speedup, ratio(baseline_cycles, cycles));
    row[f::energy_reduction.name] =
        json_value(f::energy_reduction, ratio(baseline_energy_pj, energy));
}

nlohmann::ordered_json network_row(const NetworkReport& r) {
    namespace f = figure;
    const double batch = r.batch > 0 ? r.batch : 1;
    const std::pair<const Figure*, double> values[] = {
        {&f::batch, batch},
        {&f::cycles_per_inference, double(r.total.total_cycles) / batch},
        {&f::energy_pj_per_inference, r.total.energy_pj() / batch},
        {&f::weight_load_bits, double(r.weight_load.bits)},
        {&f::weight_load_cycles, double(r.weight_load.cycles)},
        {&f::weight_load_pj, r.weight_load.energy_pj}};
    nlohmann::ordered_json row;
    for (const auto& [fig, v] : values) row[fig->name] = json_value(*fig, v);
    return row;
}

std::vector<nlohmann::ordered_json> report_rows(const NetworkReport& r, double clock_ghz) {
    std::vector<nlohmann::ordered_json> rows;
    for (std::size_t i = 0; i < r.layers.size(); ++i)
        rows.push_back(layer_row(r.layers[i], static_cast<int>(i), clock_ghz));
    rows.push_back(layer_row(r.total, -1, clock_ghz));
    return rows;
}

}  // namespace serialq::sim
