#pragma once
// HardwareModel: what a bitwidth assignment costs on an accelerator, layer by layer. Two
// implementations derive from the same AcceleratorConfig and the same layer-to-array mapping:
// the cycle-level SystemC model ("cycle") and its analytic twin ("analytic").
//
// Bits are per weight layer (Network::weight_layers() order): the precision of the serial
// operand of that layer (for `both`, of the weights; the activations use
// AcceleratorConfig::activation_bits). For a bit-parallel design they set the stored width,
// which changes memory traffic but not compute cycles.
#include "serialq/common/network.hpp"
#include "serialq/sim/accelerator_config.hpp"

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
    int layer_index = -1;        // index in Network::layers
    int bits = 0;                // serial precision used
    long long compute_cycles = 0;
    long long stall_cycles = 0;  // cycles the array waited for data
    long long total_cycles = 0;  // compute + stall (+ pipeline fill/drain)
    double utilization = 0;      // useful lane-cycles / available lane-cycles, in [0, 1]
    long long macs = 0;
    Traffic traffic;
    EnergyBreakdown energy;
    double energy_pj() const { return energy.total_pj(); }
};

struct NetworkReport {
    std::string network;
    std::string accelerator;
    std::string model;                // "cycle" or "analytic"
    std::vector<int> bits;            // per weight layer
    std::vector<LayerReport> layers;  // one per weight layer
    LayerReport total;                // sums; utilization: useful lane-cycles over available
                                      // ones (layers weighted by total_cycles); see report.hpp
};

class HardwareModel {
public:
    virtual ~HardwareModel() = default;
    virtual std::string name() const = 0;  // "cycle" or "analytic"
    virtual const AcceleratorConfig& config() const = 0;
    // Whole network; bits.size() must equal net.weight_layer_count() (else ConfigError).
    virtual NetworkReport simulate(const Network& net, const std::vector<int>& bits) = 0;
    // One weight layer (index into Network::layers) at `bits`; what the agent memoizes.
    virtual LayerReport simulate_layer(const Network& net, int layer_index, int bits) = 0;
};

// kind: "cycle" | "analytic"; anything else is a ConfigError naming the valid kinds.
std::unique_ptr<HardwareModel> make_hardware_model(const std::string& kind,
                                                   const AcceleratorConfig& config);

// Whether the cycle-level model is built in (false while its placeholder stands in).
bool cycle_model_available();
// "cycle" when it is available, else "analytic": the CLI's default --model.
std::string default_model_kind();

}  // namespace serialq::sim
