#pragma once
// The float forward pass shared by FloatEngine and the trainer. It keeps every layer's output,
// the im2col matrices and the max-pool argmax so the trainer can run the backward pass.
#include "serialq/quant/idx_dataset.hpp"
#include "serialq/quant/model.hpp"
#include "tensor_ops.hpp"

#include <Eigen/Core>

#include <vector>

namespace serialq::quant::detail {

// What one conv/fc layer computes with: weights and bias (possibly dequantized), and an
// optional activation quantizer after its ReLU (act_scale 0: none).
struct FloatLayerTensors {
    const WeightMatrix* weight = nullptr;
    const Eigen::VectorXf* bias = nullptr;
    float act_scale = 0.0f;
    float act_max_code = 0.0f;
};

struct FloatWorkspace {
    Act<float> input;                               // C x batch*H*W
    std::vector<Act<float>> out;                    // per layer, after ReLU/quantization
    std::vector<Act<float>> cols;                   // per conv layer
    std::vector<std::vector<std::int32_t>> argmax;  // per max-pool layer (training only)
    int batch = 0;
};

// Images [begin, begin + count) as floats in [0, 1] (pixel / 255).
void load_batch(const Dataset& data, std::int64_t begin, int count, FloatWorkspace& ws);

// Runs every layer on ws.input; `tensors` has one entry per conv/fc layer. Scores of the last
// layer end up in ws.out.back() (classes x batch).
void float_forward(const Model& model, const std::vector<FloatLayerTensors>& tensors,
                   FloatWorkspace& ws, bool keep_argmax);

// Column-wise argmax of the scores.
void argmax_columns(const Act<float>& scores, int* predictions);

}  // namespace serialq::quant::detail
