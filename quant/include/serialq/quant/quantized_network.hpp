#pragma once
// A Model with its weights quantized to a bit vector: everything the float and the integer
// engines need to compute the same function. The model must have its batch normalization
// folded (fold_batch_norm): the folded weights are what gets quantized.
//
// Every layer's output is held as integer codes c with a real value c s (s: the layer's
// scale), in A bits: unsigned [0, 2^A - 1] after a ReLU, signed [-2^(A-1), 2^(A-1) - 1]
// otherwise (a residual branch before its add). The input image is exact: codes are the pixel
// bytes, s = 1/255, whatever the first weight layer's activation bits.
//
// A (output_activation_bits): weight layer w's activation bits are the bits of the operand it
// reads, so the output of a model layer is held in the activation bits of the weight layers
// that read it, 0 meaning the default activation_bits. Pools and adds pass this upstream: a
// pool keeps its input's codes, and an add's operands take the bits of the sum a weight layer
// reads. A tensor read by several weight layers takes the widest of their bits; one that no
// weight layer reads (the class scores) the default.
//
// Per layer:
//   conv/fc  a = W_q x_q + b_q with weight codes W_q (per-row scale s_w), input codes x_q
//            (scale s_x), b_q = round(b / (s_w s_x));
//            y_q = clamp(round(a s_w s_x / s_y), lo, hi)  (the clamp at 0 is the ReLU)
//   add      y_q = clamp(round(p_q s_p / s_y + q_q s_q / s_y), lo, hi)
//   maxpool  the max of the codes (scale unchanged)
//   avgpool  round(sum of the plane's codes / pixels), half away from zero (scale unchanged)
// The scales s_y of conv, fc and add outputs are calibrated as max|y| / hi over a calibration
// set of training images, run at full-precision activations with the quantized weights. The
// last layer's accumulators are scaled by s_w s_x into class scores. Every rounding of a real
// multiplier is a fixed-point multiply and shift (requantize.hpp).
#include "serialq/common/kernel_bits.hpp"
#include "serialq/quant/idx_dataset.hpp"
#include "serialq/quant/model.hpp"
#include "serialq/quant/quantizer.hpp"

#include <Eigen/Core>

#include <cstdint>
#include <vector>

namespace serialq::quant {

inline constexpr int kDefaultActivationBits = 8;
// The activation bits a quantized network holds codes in: a signed code needs a bit besides
// its sign.
inline constexpr BitsRange kActivationBitsRange{2, kMaxBits};
inline constexpr std::int64_t kCalibrationImages = 512;

struct QuantizedLayer {
    QuantizedTensor weight;  // codes and per-row scales
    // At scale s_w(row) * input_scale; int64 because fine scales (16-bit weights and
    // activations) can take a bias's code past 2^31 (the integer engine refuses those).
    Eigen::Matrix<std::int64_t, Eigen::Dynamic, 1> bias;
    float input_scale = 0;  // real value of one input code
    float output_scale = 0;  // real value of one output code; 0 for the last layer
};

// The codes one layer's output is held in.
struct CodeRange {
    float scale = 0;  // real value of one code
    std::int32_t lo = 0;  // smallest code (0 after a ReLU)
    std::int32_t hi = 0;  // largest code
    std::int64_t largest_magnitude() const { return std::max<std::int64_t>(-std::int64_t{lo}, hi); }
};

struct QuantizedNetwork {
    KernelBits bits;  // weight bits per output channel, activation bits per weight layer
    int activation_bits = kDefaultActivationBits;  // where bits sets none
    std::vector<QuantizedLayer> layers;  // per conv/fc layer
    std::vector<CodeRange> outputs;  // per model layer (the last one's unused)
    CodeRange image{1.0f / 255.0f, 0, 255};

    // The codes of model layer `index`'s output; -1 is the image.
    const CodeRange& codes_of(int index) const {
        return index < 0 ? image : outputs[static_cast<std::size_t>(index)];
    }
};

// Quantizes `model`'s weights to `bits` with `quantizer` (each output channel at its own
// bits: Quantizer::quantize(x, row_bits)) and calibrates the activation scales on
// `calibration` (the first kCalibrationImages of it). Throws ConfigError for an assignment of
// the wrong shape (expect_kernel_bits) or activation bits outside 2..16.
QuantizedNetwork quantize_network(const Model& model, const KernelBits& bits,
                                  const Quantizer& quantizer, int activation_bits,
                                  const Dataset& calibration);
// Every kernel of layer i at bits[i], activations at activation_bits: the same network as
// quantize_network(KernelBits::from_layer_bits(...)).
QuantizedNetwork quantize_network(const Model& model, const LayerBits& bits,
                                  const Quantizer& quantizer, int activation_bits,
                                  const Dataset& calibration);

// Per model layer, the activation bits its output is held in (the rule above); 0 in `bits`
// resolves to activation_bits.
std::vector<int> output_activation_bits(const Model& model, const KernelBits& bits,
                                        int activation_bits);

}  // namespace serialq::quant
