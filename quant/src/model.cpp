#include "serialq/quant/model.hpp"

#include "serialq/common/error.hpp"
#include "serialq/common/network_loader.hpp"

#include <array>
#include <cmath>
#include <utility>

namespace serialq::quant {

Eigen::Index ModelLayer::reduction() const {
    if (kind == OpKind::Conv)
        return static_cast<Eigen::Index>(kernel_h) * kernel_w * input.channels;
    return input.elements();
}

bool Model::has_batch_norm() const {
    for (const auto& p : params)
        if (!p.bn.empty()) return true;
    return false;
}

namespace {

[[noreturn]] void unsupported(const Network& net, const Layer& l, const std::string& found,
                              const std::string& expected) {
    throw ConfigError(net.file + ": layers." + l.name + ": found " + found + ", expected " +
                      expected +
                      " (the built-in model runs conv, fc, maxpool, global avgpool and add "
                      "layers)");
}

// The trace's layer as the built-in model runs it (a ReLU after every layer but pools and the
// last unless the trace says otherwise).
ModelLayer model_layer(const Network& net, const Layer& l, bool last) {
    ModelLayer ml;
    ml.name = l.name;
    ml.input = l.input;
    ml.output = l.output;
    ml.inputs = l.inputs;
    ml.kernel_h = l.kernel_h, ml.kernel_w = l.kernel_w;
    ml.stride_h = l.stride_h, ml.stride_w = l.stride_w;
    ml.pad_h = l.pad_h, ml.pad_w = l.pad_w;
    switch (l.kind) {
        case LayerKind::Conv:
            if (l.groups != 1)
                unsupported(net, l, "groups " + std::to_string(l.groups), "groups 1");
            ml.kind = OpKind::Conv;
            break;
        case LayerKind::FullyConnected:
            ml.kind = OpKind::FullyConnected;
            break;
        case LayerKind::MaxPool:
            ml.kind = OpKind::MaxPool;
            break;
        case LayerKind::AvgPool:
            if (!l.global) unsupported(net, l, "a windowed avgpool", "global: true");
            ml.kind = OpKind::GlobalAvgPool;
            break;
        case LayerKind::Add:
            ml.kind = OpKind::Add;
            break;
    }
    const bool pool = ml.kind == OpKind::MaxPool || ml.kind == OpKind::GlobalAvgPool;
    ml.relu = !pool && l.relu.value_or(!last);
    ml.batch_norm = l.batch_norm;
    return ml;
}

// A weight layer's parameters, zero (batch norm: the identity) until initialized or loaded.
LayerParams zero_params(const ModelLayer& ml) {
    LayerParams p;
    p.name = ml.name;
    p.weight = WeightMatrix::Zero(ml.output.channels, ml.reduction());
    p.bias = Eigen::VectorXf::Zero(ml.output.channels);
    if (ml.batch_norm) {
        const Eigen::Index c = ml.output.channels;
        p.bn = {Eigen::VectorXf::Ones(c), Eigen::VectorXf::Zero(c), Eigen::VectorXf::Zero(c),
                Eigen::VectorXf::Ones(c)};
    }
    return p;
}

}  // namespace

std::vector<int> weight_layer_channels(const Model& model) {
    std::vector<int> out;
    for (const auto& p : model.params) out.push_back(static_cast<int>(p.weight.rows()));
    return out;
}

void expect_kernel_bits(const Model& model, const KernelBits& bits, const std::string& who) {
    if (bits.size() != model.params.size())
        throw ConfigError(who + ": kernel-wise bits for " + std::to_string(bits.size()) +
                          " weight layers, expected " + std::to_string(model.params.size()) +
                          " (one per conv/fc layer of " + model.name + ")");
    for (std::size_t w = 0; w < bits.size(); ++w)
        if (bits.weights(w).size() != static_cast<std::size_t>(model.params[w].weight.rows()))
            throw ConfigError(
                who + ": weight layer " + std::to_string(w) + " (" + model.params[w].name +
                "): found " + std::to_string(bits.weights(w).size()) +
                " kernel bitwidths, expected " + std::to_string(model.params[w].weight.rows()) +
                " (one per output channel)");
}

Model build_model(const Network& net) {
    Model m;
    m.name = net.name;
    m.trace_file = net.file;
    m.weights_file = net.weights_file;
    m.input = net.input;
    for (std::size_t i = 0; i < net.layers.size(); ++i) {
        const Layer& l = net.layers[i];
        ModelLayer ml = model_layer(net, l, i + 1 == net.layers.size());
        if (l.has_weights()) {
            ml.param = static_cast<int>(m.params.size());
            m.params.push_back(zero_params(ml));
        }
        m.layers.push_back(ml);
    }
    if (net.layers.empty() || !net.layers.back().has_weights())
        throw ConfigError(net.file + ": layers." +
                          (net.layers.empty() ? std::string("[]") : net.layers.back().name) +
                          ": found a network that does not end in a conv or fc layer, expected "
                          "the last layer to produce the class scores");
    if (m.layers.back().relu || m.layers.back().batch_norm)
        unsupported(net, net.layers.back(), "a ReLU or batch norm after the last layer",
                    "plain class scores from the last layer");
    return m;
}

void initialize_parameters(Model& model, std::mt19937_64& rng) {
    for (auto& p : model.params) {
        // He-uniform for ReLU networks: U(-b, b) with b = sqrt(6 / fan_in).
        const float bound = std::sqrt(6.0f / static_cast<float>(p.weight.cols()));
        std::uniform_real_distribution<float> u(-bound, bound);
        for (Eigen::Index i = 0; i < p.weight.size(); ++i) p.weight.data()[i] = u(rng);
        p.bias.setZero();
        if (!p.bn.empty()) {
            p.bn.gamma.setOnes();
            p.bn.beta.setZero();
            p.bn.mean.setZero();
            p.bn.var.setOnes();
        }
    }
}

Model fold_batch_norm(const Model& model) {
    Model f = model;
    for (auto& l : f.layers) l.batch_norm = false;
    for (auto& p : f.params) {
        if (p.bn.empty()) continue;
        for (Eigen::Index o = 0; o < p.weight.rows(); ++o) {
            const float k = p.bn.gamma[o] / std::sqrt(p.bn.var[o] + kBatchNormEpsilon);
            p.weight.row(o) *= k;
            p.bias[o] = (p.bias[o] - p.bn.mean[o]) * k + p.bn.beta[o];
        }
        p.bn = {};
    }
    return f;
}

namespace {

// The PyTorch (channel, row, column) index of the engine's (row, column, channel) column k.
std::size_t file_column(Eigen::Index k, const Shape& s) {
    const Eigen::Index c = k % s.channels;
    const Eigen::Index pixel = k / s.channels;
    return static_cast<std::size_t>(c * s.height * s.width + pixel);
}

// The (channels, height, width) over which a layer's weight columns run.
Shape column_shape(const ModelLayer& l) {
    if (l.kind == OpKind::Conv) return Shape{l.input.channels, l.kernel_h, l.kernel_w};
    return l.input;
}

std::vector<std::uint32_t> file_shape(const ModelLayer& l) {
    const auto out = static_cast<std::uint32_t>(l.output.channels);
    if (l.kind == OpKind::Conv)
        return {out, static_cast<std::uint32_t>(l.input.channels),
                static_cast<std::uint32_t>(l.kernel_h), static_cast<std::uint32_t>(l.kernel_w)};
    return {out, static_cast<std::uint32_t>(l.input.elements())};
}

// A batch norm's tensors in the weights file, by PyTorch's names under "<layer>.bn".
template <class BatchNorm>
auto batch_norm_tensors(BatchNorm& bn) {
    using V = decltype(&bn.gamma);
    return std::array<std::pair<const char*, V>, 4>{{{".bn.weight", &bn.gamma},
                                                     {".bn.bias", &bn.beta},
                                                     {".bn.running_mean", &bn.mean},
                                                     {".bn.running_var", &bn.var}}};
}

std::string shape_text(const std::vector<std::uint32_t>& s) {
    // append(), not `t += a + b`: GCC 12 reports a false -Wrestrict on the temporary.
    std::string t;
    for (auto d : s) {
        if (!t.empty()) t.append("x");
        t.append(std::to_string(d));
    }
    return t;
}

}  // namespace

void set_parameters(Model& model, const WeightsFile& file, const std::string& source) {
    std::size_t used = 0;
    for (const auto& l : model.layers) {
        if (l.param < 0) continue;
        LayerParams& p = model.params[static_cast<std::size_t>(l.param)];
        const auto expect = [&](const std::string& name, const std::vector<std::uint32_t>& shape) {
            const NamedTensor* t = file.find(name);
            if (!t)
                throw InputError(source + ": no tensor " + name + ", expected one of shape " +
                                 shape_text(shape) + " for layer " + l.name + " of " +
                                 model.trace_file);
            if (t->shape != shape)
                throw InputError(source + ": tensor " + name + " has shape " +
                                 shape_text(t->shape) + ", expected " + shape_text(shape) +
                                 " for layer " + l.name + " of " + model.trace_file);
            ++used;
            return t;
        };
        const NamedTensor* w = expect(l.name + ".weight", file_shape(l));
        const NamedTensor* b =
            expect(l.name + ".bias", {static_cast<std::uint32_t>(l.output.channels)});
        const Shape cs = column_shape(l);
        for (Eigen::Index o = 0; o < p.weight.rows(); ++o)
            for (Eigen::Index k = 0; k < p.weight.cols(); ++k)
                p.weight(o, k) =
                    w->values[static_cast<std::size_t>(o * p.weight.cols()) + file_column(k, cs)];
        for (Eigen::Index o = 0; o < p.bias.size(); ++o)
            p.bias[o] = b->values[static_cast<std::size_t>(o)];
        if (!p.bn.empty()) {
            const std::vector<std::uint32_t> channels{
                static_cast<std::uint32_t>(l.output.channels)};
            for (auto [suffix, v] : batch_norm_tensors(p.bn)) {
                const NamedTensor* t = expect(l.name + std::string(suffix), channels);
                *v = Eigen::Map<const Eigen::VectorXf>(t->values.data(), l.output.channels);
            }
            if (!p.bn.gamma.allFinite() || !p.bn.beta.allFinite() || !p.bn.mean.allFinite() ||
                !p.bn.var.allFinite() || (p.bn.var.array() < 0).any())
                throw InputError(source + ": batch norm of " + l.name +
                                 " holds NaN, infinite or negative-variance values");
        }
        if (!p.weight.allFinite() || !p.bias.allFinite())
            throw InputError(source + ": tensor " + l.name + " holds NaN or infinite values");
    }
    if (used != file.tensors.size())
        throw InputError(source + ": holds " + std::to_string(file.tensors.size()) +
                         " tensors, expected " + std::to_string(used) +
                         " (a weight and a bias per conv/fc layer of " + model.trace_file +
                         (model.has_batch_norm() ? ", and four per batch norm)" : ")"));
    model.metadata_json = file.metadata_json;
    model.weights_crc32 = file.crc32;
}

WeightsFile to_weights_file(const Model& model, const std::string& metadata_json) {
    WeightsFile f;
    f.metadata_json = metadata_json;
    for (const auto& l : model.layers) {
        if (l.param < 0) continue;
        const LayerParams& p = model.params[static_cast<std::size_t>(l.param)];
        NamedTensor w{l.name + ".weight", file_shape(l), {}};
        w.values.resize(static_cast<std::size_t>(p.weight.size()));
        const Shape cs = column_shape(l);
        for (Eigen::Index o = 0; o < p.weight.rows(); ++o)
            for (Eigen::Index k = 0; k < p.weight.cols(); ++k)
                w.values[static_cast<std::size_t>(o * p.weight.cols()) + file_column(k, cs)] =
                    p.weight(o, k);
        NamedTensor b{l.name + ".bias",
                      {static_cast<std::uint32_t>(p.bias.size())},
                      std::vector<float>(p.bias.data(), p.bias.data() + p.bias.size())};
        f.tensors.push_back(std::move(w));
        f.tensors.push_back(std::move(b));
        if (!p.bn.empty())
            for (auto [suffix, v] : batch_norm_tensors(p.bn))
                f.tensors.push_back(
                    NamedTensor{l.name + std::string(suffix),
                                {static_cast<std::uint32_t>(v->size())},
                                std::vector<float>(v->data(), v->data() + v->size())});
    }
    return f;
}

Model load_model(const std::filesystem::path& trace) {
    return fold_batch_norm(load_trained_model(trace));
}

Model load_trained_model(const std::filesystem::path& trace) {
    const Network net = load_network(trace);
    if (net.weights_file.empty())
        throw ConfigError(
            trace.string() +
            ": weights: nothing (the key is missing), expected "
            "the trained weights file of the network (e.g. weights: lenet-fashion.sqw)");
    Model m = build_model(net);
    set_parameters(m, read_weights_file(net.weights_file), net.weights_file);
    return m;
}

}  // namespace serialq::quant
