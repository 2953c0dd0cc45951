#pragma once
// The figures serialq reports, and their one definition. Every output - serialq sim's table, CSV
// and JSON, a sweep's point files and results, a search's episodes.csv, best.json and
// pareto.json - names a figure by its constant here and takes its value from the rows below;
// every reader (the reports) looks it up by the same constant. A new figure or energy component
// is one entry here and one line of value in figures.cpp.
//
// Units are in the names (`_cycles`, `_pj`, `_bits`, `_us`); `unit` says it again for axis
// labels and docs. Ratios are baseline / run (> 1: the run is better), per layer and for the
// network (network: the ratio of the sums, not a mean of ratios); undefined (JSON null, an
// empty CSV cell) when the run's figure is not positive.
#include "serialq/sim/hardware_model.hpp"

#include <nlohmann/json.hpp>

#include <string>
#include <string_view>
#include <vector>

namespace serialq::sim {

struct Figure {
    std::string_view name;  // the column or key
    std::string_view unit;  // "cycles", "pJ", "bits", "us", "MACs"; "" for ratios and keys
    bool integer;  // a count, exact in a double up to 2^53
    std::string_view meaning;  // how it is derived, for docs and --help
};

namespace figure {
// Which row it is (the key columns).
inline constexpr Figure layer{"layer", "", false,
                              "the layer's name in the trace; \"total\" for the network row"};
inline constexpr Figure layer_index{"layer_index", "", true,
                                    "index in the trace's layer list (empty in the total row)"};
inline constexpr Figure weight_layer{
    "weight_layer", "", true,
    "index among the conv/fc layers, the order of bit lists (empty in the total row)"};
inline constexpr Figure layer_bits{
    "layer_bits", "bits", true,
    "the weights' precision (in the total row: the common one, empty if mixed)"};
inline constexpr Figure layer_act_bits{
    "layer_act_bits", "bits", true, "the input activations' precision (total row: as layer_bits)"};
inline constexpr Figure weights_resident{
    "weights_resident", "", true,
    "1 when the layer's weights stay in the weight buffers (network_plan.hpp), else 0"};
// What a layer (or the network) costs.
inline constexpr Figure macs{"macs", "MACs", true, "multiply-accumulates"};
inline constexpr Figure compute_cycles{"compute_cycles", "cycles", true,
                                       "cycles the array computes"};
inline constexpr Figure stall_cycles{
    "stall_cycles", "cycles", true,
    "total_cycles - compute_cycles - pipeline_cycles: waiting for data"};
inline constexpr Figure total_cycles{"total_cycles", "cycles", true,
                                     "the layer's latency: compute + stall + pipeline fill/drain"};
inline constexpr Figure time_us{"time_us", "us", false, "total_cycles / clock_ghz / 1000"};
inline constexpr Figure utilization{"utilization", "", false,
                                    "useful lane-cycles / available lane-cycles, in [0, 1]"};
inline constexpr Figure energy_pj{"energy_pj", "pJ", false,
                                  "the sum of the seven energy components"};
inline constexpr Figure sip_lanes_pj{"sip_lanes_pj", "pJ", false,
                                     "energy: the SIPs' lanes, per lane-cycle holding a term"};
inline constexpr Figure adder_trees_pj{"adder_trees_pj", "pJ", false,
                                       "energy: the SIPs' adder trees, per SIP-cycle"};
inline constexpr Figure accumulators_pj{"accumulators_pj", "pJ", false,
                                        "energy: the SIPs' accumulators, per SIP-cycle"};
inline constexpr Figure weight_buffer_pj{"weight_buffer_pj", "pJ", false,
                                         "energy: weight buffer (SB) reads and writes"};
inline constexpr Figure activation_memory_pj{
    "activation_memory_pj", "pJ", false, "energy: activation memory (NBin/NBout) reads and writes"};
inline constexpr Figure off_chip_pj{"off_chip_pj", "pJ", false, "energy: off-chip transfers"};
inline constexpr Figure static_pj{"static_pj", "pJ", false, "energy: static power x total time"};
inline constexpr Figure weight_buffer_read_bits{"weight_buffer_read_bits", "bits", true,
                                                "bits read from the weight buffers"};
inline constexpr Figure weight_buffer_write_bits{"weight_buffer_write_bits", "bits", true,
                                                 "bits written to the weight buffers"};
inline constexpr Figure activation_memory_read_bits{"activation_memory_read_bits", "bits", true,
                                                    "bits read from the activation memory"};
inline constexpr Figure activation_memory_write_bits{"activation_memory_write_bits", "bits", true,
                                                     "bits written to the activation memory"};
inline constexpr Figure off_chip_read_bits{"off_chip_read_bits", "bits", true,
                                           "bits read over the off-chip channel"};
inline constexpr Figure off_chip_write_bits{"off_chip_write_bits", "bits", true,
                                            "bits written over the off-chip channel"};
// Kernel-wise bits (per-filter precision, mapping.hpp).
inline constexpr Figure mean_weight_bits{
    "mean_weight_bits", "bits", false,
    "the filters' mean weight precision (layer_bits for layer-wise bits; empty in the total row)"};
inline constexpr Figure network_order_cycles{
    "network_order_cycles", "cycles", true,
    "total_cycles with the filters in the network's own order (the gain of filter_order "
    "precision is network_order_cycles / total_cycles)"};
// Against the baseline (baseline.hpp).
inline constexpr Figure baseline_total_cycles{"baseline_total_cycles", "cycles", true,
                                              "the baseline's total_cycles for the same layer"};
inline constexpr Figure baseline_energy_pj{"baseline_energy_pj", "pJ", false,
                                           "the baseline's energy_pj for the same layer"};
inline constexpr Figure speedup{
    "speedup", "", false,
    "baseline_total_cycles / total_cycles (> 1: faster; empty if total_cycles is 0)"};
inline constexpr Figure energy_reduction{
    "energy_reduction", "", false,
    "baseline_energy_pj / energy_pj (> 1: less energy; empty if energy_pj is 0)"};
// The network's, beyond the layers' sums.
inline constexpr Figure batch{"batch", "inferences", true,
                              "inferences per run; every other figure is the batch's"};
inline constexpr Figure cycles_per_inference{"cycles_per_inference", "cycles", false,
                                             "total_cycles / batch"};
inline constexpr Figure energy_pj_per_inference{"energy_pj_per_inference", "pJ", false,
                                                "energy_pj / batch"};
inline constexpr Figure weight_load_bits{"weight_load_bits", "bits", true,
                                         "resident weights loaded once, over the off-chip channel"};
inline constexpr Figure weight_load_cycles{"weight_load_cycles", "cycles", true,
                                           "the one-time load's latency"};
inline constexpr Figure weight_load_pj{
    "weight_load_pj", "pJ", false,
    "the one-time load's energy (off-chip reads, weight-buffer writes)"};
}  // namespace figure

// In output order.
const std::vector<Figure>& key_figures();  // layer .. weights_resident
const std::vector<Figure>& layer_figures();  // macs .. off_chip_write_bits
const std::vector<Figure>& energy_components();  // the parts of energy_pj, compute first
const std::vector<Figure>& comparison_figures();  // baseline_total_cycles .. energy_reduction
const std::vector<Figure>& network_figures();  // batch .. weight_load_pj

// baseline / run; NaN (written as null / empty) unless run > 0.
double ratio(double baseline, double run);

// The columns of a row: key_figures(), layer_figures() and, `with_comparison`,
// comparison_figures().
std::vector<std::string> row_columns(bool with_comparison);

// A row of one weight layer (`weight_layer` its index among them) or, with weight_layer -1, of
// the network's total: the key figures, then the layer figures. Integers as JSON integers;
// what does not apply (the total's index) or is undefined is null.
nlohmann::ordered_json layer_row(const LayerReport& report, int weight_layer, double clock_ghz);

// Appends the comparison figures given the baseline's total_cycles and energy_pj for the row.
void add_comparison(nlohmann::ordered_json& row, double baseline_total_cycles,
                    double baseline_energy_pj);

// network_figures() of a report.
nlohmann::ordered_json network_row(const NetworkReport& report);

// Every row of a report: one per weight layer, then the total.
std::vector<nlohmann::ordered_json> report_rows(const NetworkReport& report, double clock_ghz);

}  // namespace serialq::sim
