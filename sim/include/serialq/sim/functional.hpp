#pragma once
// Functional mode: the SIPs really compute. Given the integer operands of one conv (grouped,
// depthwise) or fully connected layer, run_functional() feeds them through the SIP array bit by
// bit, following the layer-to-array mapping (filters across tiles x SIP rows, windows across
// SIP columns, the inner product in lane chunks), and returns the integer outputs with the SIP
// events and array cycles it took. reference_layer() is the plain integer convolution the
// outputs must equal bit-exactly; a later issue validates RTL against both.
#include "serialq/common/network.hpp"
#include "serialq/sim/accelerator_config.hpp"
#include "serialq/sim/sip.hpp"

#include <cstdint>
#include <vector>

namespace serialq::sim {

// One layer's operands, for one input sample.
struct LayerOperands {
    // out_channels x (in_channels / groups) x kernel_h x kernel_w; FC: out_features x in_features.
    std::vector<std::int32_t> weights;
    // The layer's input, channels x height x width (FC: flattened in that order).
    std::vector<std::int32_t> activations;
};

struct FunctionalOptions {
    // Activations are unsigned by default (they follow a ReLU); signed ones (a first layer fed
    // centred data) use two's complement like the weights. Weights are always signed.
    bool signed_activations = false;
};

// The formats the operands take at a layer's precisions (mapping.hpp: each operand at its own
// precision, whichever is serial): weights signed, activations as `options` say.
OperandFormat weight_format(int weight_bits);
OperandFormat activation_format(int activation_bits, const FunctionalOptions& options);

struct FunctionalResult {
    // out_channels x out_height x out_width (FC: out_features).
    std::vector<std::int64_t> outputs;
    SipEvents events;  // summed over every SIP of the array
    long long compute_cycles = 0;  // serial cycles of the loop nest's steps (SIPs busy)
    long long busy_cycles = 0;  // the steps' cycles, on-chip operand reads included
};

// Throws ConfigError for a layer without weights, precisions outside the accelerator's ranges
// or a batch other than 1, and InputError when an operand has the wrong size or a value that
// does not fit its format. The layer runs alone, its weights streamed.
FunctionalResult run_functional(const AcceleratorConfig& config, const Layer& layer,
                                const LayerOperands& operands, int weight_bits, int activation_bits,
                                const FunctionalOptions& options = {});

// Plain integer convolution / matrix-vector product (zero padding), the functional mode's
// reference. Sizes as in LayerOperands.
std::vector<std::int64_t> reference_layer(const Layer& layer, const LayerOperands& operands);

}  // namespace serialq::sim
