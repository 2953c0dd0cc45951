#pragma once
// The float forward pass shared by FloatEngine and the trainer. It keeps every layer's output,
// the im2col matrices, the max-pool argmax and batch normalization's normalized values so the
// trainer can run the backward pass.
#include "serialq/quant/idx_dataset.hpp"
#include "serialq/quant/model.hpp"
#include "tensor_ops.hpp"

#include <Eigen/Core>

#include <vector>

namespace serialq::quant::detail {

// What one conv/fc layer computes with: weights and bias (possibly dequantized), and its batch
// normalization (null: none).
struct FloatLayerTensors {
    const WeightMatrix* weight = nullptr;
    const Eigen::VectorXf* bias = nullptr;
    const BatchNormParams* bn = nullptr;
};

// Batch normalization of one layer over one batch (training mode): the batch's statistics and
// the normalized values (x - mean) / sqrt(var + eps), kept for the backward pass.
struct BatchNormState {
    Act<float> normalized;  // out x batch*pixels
    Eigen::VectorXf mean, var;  // the batch's (biased variance)
    Eigen::VectorXf inv_std;  // 1 / sqrt(var + eps)
};

struct FloatWorkspace {
    Act<float> input;  // C x batch*H*W
    std::vector<Act<float>> out;  // per layer, after BN and ReLU
    std::vector<Act<float>> cols;  // per conv layer
    std::vector<std::vector<std::int32_t>> argmax;  // per max-pool layer (training only)
    std::vector<BatchNormState> bn;  // per layer with batch norm
    int batch = 0;
};

// Images [begin, begin + count) as floats in [0, 1] (pixel / 255).
void load_batch(const Dataset& data, std::int64_t begin, int count, FloatWorkspace& ws);

// Runs every layer on ws.input; `tensors` has one entry per conv/fc layer. Scores of the last
// layer end up in ws.out.back() (classes x batch). Batch normalization, where a tensor has
// one, runs in training mode (the batch's own statistics): the engines run folded models.
void float_forward(const Model& model, const std::vector<FloatLayerTensors>& tensors,
                   FloatWorkspace& ws, bool keep_argmax);

}  // namespace serialq::quant::detail
