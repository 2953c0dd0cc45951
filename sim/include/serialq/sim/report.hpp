#pragma once
// Network reports and their comparison with a baseline run. The CLI, sweeps and the agent all
// take their numbers from here, so speedup and energy reduction mean the same everywhere
// (figures.hpp defines them and names every reported figure):
//   speedup          = baseline total_cycles / run total_cycles      (> 1: the run is faster)
//   energy_reduction = baseline energy_pj    / run energy_pj         (> 1: the run uses less)
// per layer and for the network (network: sums of cycles and of energy, not a mean of ratios).
#include "serialq/common/network.hpp"
#include "serialq/sim/hardware_model.hpp"
#include "serialq/sim/mapping.hpp"
#include "serialq/sim/sip.hpp"

#include <string>
#include <vector>

namespace serialq::sim {

// What running one layer counted, whichever model counted it.
struct LayerCounts {
    long long compute_cycles = 0;
    long long total_cycles = 0;
    long long macs = 0;
    SipEvents events;  // the SIPs' lane, adder-tree and accumulator cycles
    Traffic traffic;
};

// The layer's report from its counts: stall cycles, utilization and energy are derived here,
// once, so that the analytic and the cycle-level model price equal counts equally.
LayerReport layer_report(const LayerMapping& mapping, const LayerCounts& counts);

// Plans the network (network_plan.hpp), runs `model` on every weight layer in order and sums
// them. bits.size() (and act_bits.size() unless empty) must equal net.weight_layer_count()
// (else ConfigError). What HardwareModel::simulate() is.
NetworkReport simulate_by_layers(HardwareModel& model, const Network& net, const LayerBits& bits,
                                 const LayerBits& act_bits);

// The same for a kernel-wise plan (plan_layers(config, net, bits)).
NetworkReport simulate_by_layers(HardwareModel& model, const Network& net, const KernelBits& bits);

// The network row: cycles, MACs, traffic and energy add up; utilization is useful lane-cycles
// over available lane-cycles, i.e. the layers' utilizations weighted by their total_cycles;
// bits (act_bits) is the common width if all layers share one, else 0. name "total",
// layer_index -1.
LayerReport total_of(const std::vector<LayerReport>& layers);

struct Ratios {
    double speedup = 0;
    double energy_reduction = 0;
};
Ratios ratios(const LayerReport& run, const LayerReport& baseline);

struct Comparison {
    NetworkReport run;
    NetworkReport baseline;
    std::vector<Ratios> layers;  // one per weight layer
    Ratios total;
};

// Throws ConfigError if the two reports are not of the same network's layers.
Comparison compare(NetworkReport run, NetworkReport baseline);

}  // namespace serialq::sim
