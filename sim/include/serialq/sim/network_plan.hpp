#pragma once
// The network plan: what each layer's run depends on that only the whole network decides —
// which layers' weights stay resident in the weight buffers, and which layers read their input
// from off-chip because the layer producing it spilled. Both models run the layers of a plan.
//
// Residency (AcceleratorConfig::weights == resident), per tile, on the busiest tile's share:
//  - if every layer's weights fit the weight buffer together, every layer is resident (the
//    premise of DaDianNao and Stripes: all synapses in on-chip eDRAM);
//  - otherwise resident layers take at most half of each buffer (less where the largest lane
//    chunk, double-buffered, needs more), first fit in layer order, and the others are streamed,
//    double-buffering in what the resident ones leave (made canonical: the smallest buffer
//    that gives the same segments, so equal runs have equal specs).
// With `streamed`, no layer is resident and streamed layers use the whole buffer.
//
// Off-chip data: a spilled layer re-reads its input from off-chip for every pass, so the
// layers producing it write their outputs there (output_off_chip); a layer reads its input from
// off-chip if it is the network's input or its producer wrote it there (pooling and
// element-wise add layers pass that on: they run in their producer's output stage).
#include "serialq/common/kernel_bits.hpp"
#include "serialq/common/network.hpp"
#include "serialq/sim/accelerator_config.hpp"
#include "serialq/sim/hardware_model.hpp"
#include "serialq/sim/mapping.hpp"

#include <vector>

namespace serialq::sim {

// One spec per weight layer (Network::weight_layers() order, the index space of LayerBits).
// bits: the weights' precisions; act_bits: the activations' (empty: every layer at
// config.activation_bits). Throws ConfigError for a list of the wrong length or a precision out
// of the accelerator's range (naming the layer).
std::vector<LayerSpec> plan_layers(const AcceleratorConfig& config, const Network& net,
                                   const LayerBits& bits, const LayerBits& act_bits = {});
// Kernel-wise bits: each spec's filter_bits is its layer's kernels (empty where they share one
// width, so a layer-wise KernelBits plans exactly as its LayerBits), weight_bits their widest;
// activation bits 0 -> config.activation_bits. Checked with bits.expect() against the
// accelerator's ranges. Residency reserves, per layer, the most any filter order may need
// (LayerMapping::reserve_*); a kernel-wise streamed layer keeps what the resident ones leave
// as its streaming buffer (not made canonical: its order choice may depend on it).
std::vector<LayerSpec> plan_layers(const AcceleratorConfig& config, const Network& net,
                                   const KernelBits& bits);

// The one-time load of the plan's resident weights (all tiles).
WeightLoad resident_weight_load(const AcceleratorConfig& config, const Network& net,
                                const std::vector<LayerSpec>& plan);

}  // namespace serialq::sim
