#pragma once
// A trainable, evaluable network: the layers of a trace (serialq::Network) that the built-in
// model supports - conv (groups = 1), fully connected, max-pool, global average pool and
// element-wise add layers, each reading earlier layers' outputs (a chain, or a residual
// network's graph) - and its parameters. A conv or fc layer may be followed by batch
// normalization (`batch_norm: true` in the trace); any conv, fc or add layer by a ReLU
// (`relu:`, by default every one but the last: ReLeQ's LeNet).
//
// Batch normalization exists for training only: the engines run the folded model
// (fold_batch_norm), in which each normalized layer's weights and bias absorb it.
//
// Activation layout, used by every engine: a (channels x batch*height*width) column-major
// matrix, one column per pixel holding its channel vector (NHWC), so that im2col copies
// contiguous channel vectors and a conv is one GEMM: out (O x B*oh*ow) = W (O x K) cols (K x
// B*oh*ow). Weight columns are therefore ordered (kernel row, kernel column, input channel)
// for a conv and (height, width, channel) for an fc after a conv; the weights file keeps
// PyTorch's (out, in, kh, kw) order and load/save permute.
#include "serialq/common/kernel_bits.hpp"
#include "serialq/common/network.hpp"
#include "serialq/quant/quantizer.hpp"
#include "serialq/quant/weights_file.hpp"

#include <Eigen/Core>

#include <filesystem>
#include "serialq/common/enum_names.hpp"

#include <random>
#include <string>
#include <vector>

namespace serialq::quant {

enum class OpKind { Conv, FullyConnected, MaxPool, GlobalAvgPool, Add };

inline constexpr EnumNames<OpKind, 5> kOpKindNames{{{{OpKind::Conv, "conv"},
                                                     {OpKind::FullyConnected, "fc"},
                                                     {OpKind::MaxPool, "maxpool"},
                                                     {OpKind::GlobalAvgPool, "global-avgpool"},
                                                     {OpKind::Add, "add"}}}};
inline const char* to_string(OpKind kind) { return kOpKindNames.name(kind); }

// PyTorch's BatchNorm2d defaults: the variance's epsilon and the running statistics' momentum.
inline constexpr float kBatchNormEpsilon = 1e-5f;
inline constexpr float kBatchNormMomentum = 0.1f;

struct ModelLayer {
    std::string name;
    OpKind kind = OpKind::Conv;
    Shape input, output;
    int kernel_h = 1, kernel_w = 1;
    int stride_h = 1, stride_w = 1;
    int pad_h = 0, pad_w = 0;
    std::vector<int> inputs;  // producer layers (one; two for add); -1 is the input image
    bool relu = false;  // a ReLU follows this layer
    bool batch_norm = false;  // conv/fc: batch normalization follows (before the ReLU)
    int param = -1;  // index into Model::params (conv and fc)

    // Inner-product length of one output (conv: kh*kw*in, fc: input elements).
    Eigen::Index reduction() const;
};

// Batch normalization's parameters and running statistics, one entry per output channel:
// y = gamma (x - mean) / sqrt(var + eps) + beta.
struct BatchNormParams {
    Eigen::VectorXf gamma, beta, mean, var;
    bool empty() const { return gamma.size() == 0; }
};

struct LayerParams {
    std::string name;
    WeightMatrix weight;  // (out x reduction), columns in engine order (see above)
    Eigen::VectorXf bias;  // (out)
    BatchNormParams bn;  // empty unless the layer has batch_norm
};

struct Model {
    std::string name;
    std::string trace_file;
    std::string weights_file;
    Shape input;
    std::vector<ModelLayer> layers;
    std::vector<LayerParams> params;  // one per conv/fc layer, in order: one bitwidth each
    std::string metadata_json;  // from the weights file
    std::uint32_t weights_crc32 = 0;  // from the weights file: identifies the weights

    int classes() const { return layers.back().output.channels; }
    std::size_t weight_layer_count() const { return params.size(); }
    bool has_batch_norm() const;
};

// Output channels of each weight layer (Model::params order): the shape a KernelBits needs.
std::vector<int> weight_layer_channels(const Model& model);
// Throws ConfigError naming `who` unless `bits` has one entry per weight layer of `model` with
// one width per output channel (KernelBits::expect's check, for code holding a Model only).
void expect_kernel_bits(const Model& model, const KernelBits& bits, const std::string& who);

// The architecture of `net` with zero parameters; a layer the engines do not support is a
// ConfigError naming the trace and the layer.
Model build_model(const Network& net);

// He-uniform weights and zero biases from `rng` (the trainer's seed); batch normalization
// starts as the identity (gamma 1, beta 0, running mean 0, running variance 1).
void initialize_parameters(Model& model, std::mt19937_64& rng);

// The model the engines run: every batch normalization folded into its layer with the running
// statistics, W' = W gamma / sqrt(var + eps) per output row, b' = (b - mean) gamma /
// sqrt(var + eps) + beta. The quantizers then quantize W' (per output row, so the fold does
// not stretch one channel's range over another's).
Model fold_batch_norm(const Model& model);

// The trace and the weights file its `weights:` key names, with batch normalization folded
// (the inference model).
Model load_model(const std::filesystem::path& trace);
// The same, unfolded (what the trainer produced).
Model load_trained_model(const std::filesystem::path& trace);

// Parameters from / to the weights file (PyTorch order), checking every name and shape.
void set_parameters(Model& model, const WeightsFile& file, const std::string& source);
WeightsFile to_weights_file(const Model& model, const std::string& metadata_json);

}  // namespace serialq::quant
