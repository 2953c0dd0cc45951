#pragma once
// A trainable, evaluable network: the layers of a trace (serialq::Network) that the built-in
// model supports - a chain of conv (groups = 1), max-pool and fully connected layers - with a
// ReLU after every conv/fc layer except the last (as ReLeQ's LeNet), and its parameters.
//
// Activation layout, used by every engine: a (channels x batch*height*width) column-major
// matrix, one column per pixel holding its channel vector (NHWC), so that im2col copies
// contiguous channel vectors and a conv is one GEMM: out (O x B*oh*ow) = W (O x K) cols (K x
// B*oh*ow). Weight columns are therefore ordered (kernel row, kernel column, input channel)
// for a conv and (height, width, channel) for an fc after a conv; the weights file keeps
// PyTorch's (out, in, kh, kw) order and load/save permute.
#include "serialq/common/network.hpp"
#include "serialq/quant/quantizer.hpp"
#include "serialq/quant/weights_file.hpp"

#include <Eigen/Core>

#include <filesystem>
#include <random>
#include <string>
#include <vector>

namespace serialq::quant {

enum class OpKind { Conv, FullyConnected, MaxPool };

struct ModelLayer {
    std::string name;
    OpKind kind = OpKind::Conv;
    Shape input, output;
    int kernel_h = 1, kernel_w = 1;
    int stride_h = 1, stride_w = 1;
    int pad_h = 0, pad_w = 0;
    bool relu = false;  // a ReLU follows this layer
    int param = -1;     // index into Model::params (conv and fc)

    // Inner-product length of one output (conv: kh*kw*in, fc: input elements).
    Eigen::Index reduction() const;
};

struct LayerParams {
    std::string name;
    WeightMatrix weight;   // (out x reduction), columns in engine order (see above)
    Eigen::VectorXf bias;  // (out)
};

struct Model {
    std::string name;
    std::string trace_file;
    std::string weights_file;
    Shape input;
    std::vector<ModelLayer> layers;
    std::vector<LayerParams> params;  // one per conv/fc layer, in order: one bitwidth each
    std::string metadata_json;        // from the weights file
    std::uint32_t weights_crc32 = 0;  // from the weights file: identifies the weights

    int classes() const { return layers.back().output.channels; }
    std::size_t weight_layer_count() const { return params.size(); }
};

// The architecture of `net` with zero parameters; a layer the engines do not support is a
// ConfigError naming the trace and the layer.
Model build_model(const Network& net);

// He-uniform weights and zero biases from `rng` (the trainer's seed).
void initialize_parameters(Model& model, std::mt19937_64& rng);

// The trace and the weights file its `weights:` key names.
Model load_model(const std::filesystem::path& trace);

// Parameters from / to the weights file (PyTorch order), checking every name and shape.
void set_parameters(Model& model, const WeightsFile& file, const std::string& source);
WeightsFile to_weights_file(const Model& model, const std::string& metadata_json);

}  // namespace serialq::quant
