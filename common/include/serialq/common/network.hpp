#pragma once
// A network as the accelerator and the quantizer see it: an input shape and an ordered list of
// layers, each with its derived input/output shape, weight count and MAC count. Plain data;
// load_network() (network_loader.hpp) builds and validates it from a trace file.
#include "serialq/common/enum_names.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace serialq {

enum class LayerKind {
    Conv,  // 2-D convolution, optionally grouped (groups == in_channels: depthwise)
    FullyConnected,  // flattens its input (channels x height x width features)
    MaxPool,
    AvgPool,  // with global = true it averages the whole plane to 1x1
    Add,  // element-wise sum of two equal-shaped inputs (residual connection)
};

inline constexpr EnumNames<LayerKind, 5> kLayerKindNames{{{{LayerKind::Conv, "conv"},
                                                           {LayerKind::FullyConnected, "fc"},
                                                           {LayerKind::MaxPool, "maxpool"},
                                                           {LayerKind::AvgPool, "avgpool"},
                                                           {LayerKind::Add, "add"}}}};
inline const char* to_string(LayerKind kind) { return kLayerKindNames.name(kind); }

struct Shape {
    int channels = 0;
    int height = 1;
    int width = 1;
    std::int64_t elements() const { return static_cast<std::int64_t>(channels) * height * width; }
    bool operator==(const Shape&) const = default;
};

struct Layer {
    std::string name;
    LayerKind kind = LayerKind::Conv;
    std::vector<int> inputs;  // indices of producer layers; -1 is the network input

    // Conv and pooling geometry (FC: kernel 1x1 over a 1x1 plane).
    int kernel_h = 1, kernel_w = 1;
    int stride_h = 1, stride_w = 1;
    int pad_h = 0, pad_w = 0;
    int groups = 1;
    bool global = false;  // global pooling

    // What the built-in model computes after the layer (docs/formats.md); the simulator
    // ignores both. relu unset: a ReLU after every conv, fc and add but the last layer.
    std::optional<bool> relu;
    bool batch_norm = false;  // conv/fc: batch normalization follows (folded for inference)

    // Derived by the loader.
    Shape input;  // shape of inputs[0]
    Shape output;

    bool has_weights() const {
        return kind == LayerKind::Conv || kind == LayerKind::FullyConnected;
    }
    // An fc's inputs are its flattened input, which may exceed an int (load_network bounds it
    // by kMaxTensorElements).
    std::int64_t in_channels() const {
        return kind == LayerKind::FullyConnected ? input.elements() : input.channels;
    }
    int out_channels() const { return output.channels; }
    // Weights of the layer (biases excluded: they stay at full precision).
    std::int64_t weights() const;
    // Multiply-accumulates for one input sample.
    std::int64_t macs() const;
    // Inner-product length of one output: (in_channels / groups) x kernel_h x kernel_w.
    std::int64_t reduction_length() const;
};

// What load_network accepts beyond each key's range (docs/formats.md, "Limits of the counts"):
// keys within their ranges still multiply past int64 (a 1024x1024 kernel over 65536 channels at
// 1026x1026 positions), and the simulator's compute cycles and on-chip bits are at most a few
// hundred times a network's MACs times its batch (at most 4096). A layer's weights never exceed
// its MACs.
inline constexpr std::int64_t kMaxTensorElements = (1LL << 31) - 1;  // a layer's input or output
inline constexpr std::int64_t kMaxNetworkMacs = 1LL << 40;  // per sample; 270x ResNet-50's

struct Network {
    std::string name;
    std::string source;  // where the architecture comes from (paper, repository)
    std::string file;  // the trace file it was loaded from
    std::string weights_file;  // optional: trained weights beside the trace (quant reads them)
    Shape input;
    std::vector<Layer> layers;

    // Layers that carry weights (conv and FC), in order: the ones that get a bitwidth each.
    std::vector<const Layer*> weight_layers() const;
    // Weight layer w (the index space of LayerBits) -> its index in `layers`.
    std::vector<int> weight_layer_indices() const;
    std::size_t weight_layer_count() const;
    std::int64_t total_macs() const;
    std::int64_t total_weights() const;
};

}  // namespace serialq
