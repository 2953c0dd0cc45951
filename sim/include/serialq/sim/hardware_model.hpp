#pragma once
// HardwareModel: what a bitwidth assignment costs on an accelerator, layer by layer. Two
// implementations derive from the same AcceleratorConfig and the same layer-to-array mapping:
// the cycle-level SystemC model ("cycle") and its analytic twin ("analytic").
//
// Bits are per weight layer (Network::weight_layers() order): `bits` the weights' precision,
// `act_bits` the input activations' (empty: every layer at AcceleratorConfig::activation_bits).
// The serial operand's precision sets the compute cycles; the other's changes storage and
// traffic only (mapping.hpp). Where each layer's weights and input live comes from the
// network plan (network_plan.hpp).
#include "serialq/common/kernel_bits.hpp"
#include "serialq/common/network.hpp"
#include "serialq/sim/accelerator_config.hpp"
#include "serialq/sim/mapping.hpp"

#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace serialq::sim {

// Energy of one layer (or a network) per component, in pJ.
struct EnergyBreakdown {
    double sip_lanes_pj = 0;
    double adder_trees_pj = 0;
    double accumulators_pj = 0;
    double weight_buffer_pj = 0;
    double activation_memory_pj = 0;
    double off_chip_pj = 0;
    double static_pj = 0;
    double total_pj() const;
    EnergyBreakdown& operator+=(const EnergyBreakdown& other);
};

// Bits moved per memory level.
struct Traffic {
    long long weight_buffer_read_bits = 0;
    long long weight_buffer_write_bits = 0;
    long long activation_memory_read_bits = 0;
    long long activation_memory_write_bits = 0;
    long long off_chip_read_bits = 0;
    long long off_chip_write_bits = 0;
    Traffic& operator+=(const Traffic& other);
};

struct LayerReport {
    std::string name;
    int layer_index = -1;  // index in Network::layers
    int bits = 0;  // the weights' precision (kernel-wise bits: the widest filter's)
    int act_bits = 0;  // the input activations' precision
    double mean_weight_bits = 0;  // the filters' mean precision (= bits for layer-wise bits)
    FilterOrder filter_order = FilterOrder::Network;  // the order the mapper chose
    long long network_order_cycles = 0;  // total_cycles in the network's own filter order
        // (= total_cycles unless filter_order is precision: the gain of ordering)
    bool weights_resident = false;  // read from the weight buffers, not fetched
    long long compute_cycles = 0;
    long long stall_cycles = 0;  // cycles the array waited for data
    long long total_cycles = 0;  // compute + stall (+ pipeline fill/drain)
    double utilization = 0;  // useful lane-cycles / available lane-cycles, in [0, 1]
    long long macs = 0;
    Traffic traffic;
    EnergyBreakdown energy;
    double energy_pj() const { return energy.total_pj(); }
};

// Loading the resident weights into the weight buffers, once, before the first inference:
// reported apart from the per-inference (per-batch) figures, which it is not part of.
struct WeightLoad {
    long long bits = 0;  // resident weights over the off-chip channel
    long long cycles = 0;  // latency + transfer at the channel's bandwidth
    double energy_pj = 0;  // off-chip reads + weight-buffer writes
};

struct NetworkReport {
    std::string network;
    std::string accelerator;
    std::string model;  // "cycle" or "analytic"
    std::vector<int> bits;  // weights' precision, per weight layer
    std::vector<int> act_bits;  // activations' precision, per weight layer
    int batch = 1;  // inferences per run: the figures are the batch's
    std::vector<LayerReport> layers;  // one per weight layer
    LayerReport total;  // sums; utilization: useful lane-cycles over available
        // ones (layers weighted by total_cycles); see report.hpp
    WeightLoad weight_load;  // one-time, not in `total`
};

class HardwareModel {
public:
    virtual ~HardwareModel() = default;
    virtual std::string name() const = 0;  // "cycle" or "analytic"
    virtual const AcceleratorConfig& config() const = 0;
    // One weight layer (index into Network::layers) as `spec` says; what the agent memoizes.
    virtual LayerReport run_layer(const Network& net, int layer_index, const LayerSpec& spec) = 0;

    // Whole network: plan_layers() then every layer (simulate_by_layers, report.hpp).
    // bits.size() (and act_bits.size() unless empty) must equal net.weight_layer_count(), else
    // ConfigError. Virtual for test doubles only.
    virtual NetworkReport simulate(const Network& net, const LayerBits& bits,
                                   const LayerBits& act_bits = {});
    // Kernel-wise bits (plan_layers(config, net, bits)); a KernelBits whose layers are uniform
    // gives exactly simulate(net, bits.widest(), activations). report.bits: the widest.
    NetworkReport simulate(const Network& net, const KernelBits& bits);
    // run_layer for the weight layer `weight_layer` (an index into Network::weight_layers(), the
    // index space of LayerBits and plan_layers).
    LayerReport run_weight_layer(const Network& net, std::size_t weight_layer,
                                 const LayerSpec& spec);
    // One weight layer alone at weight precision `bits` (single_layer_spec).
    LayerReport simulate_layer(const Network& net, int layer_index, int bits);
};

// The model every command uses unless told otherwise (sim, sweep, search): the analytic twin,
// which equals the cycle model on every figure (tests/sim) at a fraction of its time. A VCD
// needs the cycle model, so `sim --vcd` picks it.
inline constexpr const char* kDefaultModel = "analytic";

// kind: "cycle" | "analytic"; anything else is a ConfigError naming the valid kinds.
std::unique_ptr<HardwareModel> make_hardware_model(const std::string& kind,
                                                   const AcceleratorConfig& config);

// make_hardware_model, or a test's stand-in.
using HardwareModelFactory = std::function<std::unique_ptr<HardwareModel>(
    const std::string& kind, const AcceleratorConfig& config)>;

}  // namespace serialq::sim
