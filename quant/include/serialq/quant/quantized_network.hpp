#pragma once
// A Model with its weights quantized to a bit vector: everything the float and the integer
// engines need to compute the same function.
//
// Per conv/fc layer l with weight codes W_q (per-row scale s_w), input codes x_q (scale s_x):
//   accumulator  a = W_q x_q + b_q, with b_q = round(b / (s_w s_x)) in int32
//   output       y_q = clamp(round(a s_w s_x / s_y), 0, 2^A - 1)     (the clamp is the ReLU)
// Activations use A unsigned bits; s_y is calibrated as max(y) / (2^A - 1) over a calibration
// set of training images, run at full-precision activations with the quantized weights. The
// input image is exact: codes are the pixel bytes, s_x = 1/255. The last layer's accumulators
// are scaled by s_w s_x into class scores.
#include "serialq/quant/idx_dataset.hpp"
#include "serialq/quant/model.hpp"
#include "serialq/quant/quantizer.hpp"

#include <Eigen/Core>

#include <cstdint>
#include <vector>

namespace serialq::quant {

inline constexpr int kDefaultActivationBits = 8;
inline constexpr std::int64_t kCalibrationImages = 512;

struct QuantizedLayer {
    QuantizedTensor weight;                                 // codes and per-row scales
    Eigen::Matrix<std::int32_t, Eigen::Dynamic, 1> bias;    // at scale s_w(row) * input_scale
    float input_scale = 0;   // real value of one input code
    float output_scale = 0;  // real value of one output code; 0 for the last layer
};

struct QuantizedNetwork {
    std::vector<int> bits;  // per conv/fc layer
    int activation_bits = kDefaultActivationBits;
    std::vector<QuantizedLayer> layers;  // per conv/fc layer

    std::int32_t activation_max_code() const { return (1 << activation_bits) - 1; }
};

// Quantizes `model`'s weights to `bits` with `quantizer` and calibrates the activation scales
// on `calibration` (the first kCalibrationImages of it). Throws ConfigError for a bits vector
// of the wrong length or out of range.
QuantizedNetwork quantize_network(const Model& model, const std::vector<int>& bits,
                                  const Quantizer& quantizer, int activation_bits,
                                  const Dataset& calibration);

}  // namespace serialq::quant
