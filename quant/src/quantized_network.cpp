#include "serialq/quant/quantized_network.hpp"

#include "float_forward.hpp"
#include "serialq/common/bits_spec.hpp"
#include "serialq/common/error.hpp"

#include <cmath>
#include <limits>
#include <stdexcept>

namespace serialq::quant {

namespace {

void check_activation_bits(int bits, const std::string& where) {
    if (!kActivationBitsRange.contains(bits))
        throw ConfigError(where + ": found " + std::to_string(bits) + ", expected " +
                          kActivationBitsRange.str());
}

}  // namespace

std::vector<int> output_activation_bits(const Model& model, const KernelBits& bits,
                                        int activation_bits) {
    const std::size_t n = model.layers.size();
    std::vector<int> need(n, 0);
    // Every reader of layer j comes after it: in reverse order each layer's own bits are final
    // before they pass to its inputs.
    for (std::size_t li = n; li-- > 0;) {
        const ModelLayer& l = model.layers[li];
        const int passed =
            l.param >= 0 ? bits.activation(static_cast<std::size_t>(l.param)) : need[li];
        const int resolved = l.param >= 0 && passed == 0 ? activation_bits : passed;
        for (int j : l.inputs)
            if (j >= 0)
                need[static_cast<std::size_t>(j)] =
                    std::max(need[static_cast<std::size_t>(j)], resolved);
    }
    for (int& b : need) b = b == 0 ? activation_bits : b;
    return need;
}

QuantizedNetwork quantize_network(const Model& model, const LayerBits& bits,
                                  const Quantizer& quantizer, int activation_bits,
                                  const Dataset& calibration) {
    bits.expect(model.params.size(), model.name);
    return quantize_network(model, KernelBits::from_layer_bits(bits, weight_layer_channels(model)),
                            quantizer, activation_bits, calibration);
}

QuantizedNetwork quantize_network(const Model& model, const KernelBits& bits,
                                  const Quantizer& quantizer, int activation_bits,
                                  const Dataset& calibration) {
    if (model.has_batch_norm())
        throw std::logic_error("quantize_network: " + model.name +
                               " has batch norm; fold it first");
    expect_kernel_bits(model, bits, model.name);
    check_activation_bits(activation_bits, "activation_bits");
    for (std::size_t w = 0; w < bits.size(); ++w)
        if (bits.activation(w) != 0)
            check_activation_bits(bits.activation(w),
                                  model.name + ": weight layer " + std::to_string(w) + " (" +
                                      model.params[w].name + "): activation bits");
    QuantizedNetwork q;
    q.bits = bits;
    q.activation_bits = activation_bits;
    q.layers.resize(bits.size());
    for (std::size_t i = 0; i < bits.size(); ++i)
        q.layers[i].weight = quantizer.quantize(model.params[i].weight, bits.weights(i));

    // Calibrate: the largest magnitude of every conv/fc/add output with quantized weights.
    std::vector<WeightMatrix> dequantized;
    for (const auto& l : q.layers) dequantized.push_back(l.weight.dequantize());
    std::vector<detail::FloatLayerTensors> tensors(bits.size());
    for (std::size_t i = 0; i < bits.size(); ++i)
        tensors[i] = {&dequantized[i], &model.params[i].bias, nullptr};
    const std::size_t n = model.layers.size();
    std::vector<float> top(n, 0.0f);
    const std::int64_t images = std::min<std::int64_t>(kCalibrationImages, calibration.size());
    detail::FloatWorkspace ws;
    for (std::int64_t b = 0; b < images; b += 128) {
        detail::load_batch(calibration, b,
                           static_cast<int>(std::min<std::int64_t>(128, images - b)), ws);
        detail::float_forward(model, tensors, ws, false);
        for (std::size_t li = 0; li < n; ++li)
            top[li] = std::max(top[li], ws.out[li].cwiseAbs().maxCoeff());
    }

    const std::vector<int> act = output_activation_bits(model, bits, activation_bits);
    q.outputs.resize(n);
    for (std::size_t li = 0; li < n; ++li) {
        const ModelLayer& l = model.layers[li];
        CodeRange& c = q.outputs[li];
        if (l.kind == OpKind::MaxPool || l.kind == OpKind::GlobalAvgPool) {
            c = q.codes_of(l.inputs[0]);  // pooling keeps its input's codes
            continue;
        }
        const std::int32_t unsigned_top = (1 << act[li]) - 1;
        const std::int32_t signed_top = (1 << (act[li] - 1)) - 1;
        c.hi = l.relu ? unsigned_top : signed_top;
        c.lo = l.relu ? 0 : -signed_top - 1;
        // A layer that never fires on the calibration set still needs a positive scale.
        c.scale =
            top[li] > 0.0f ? top[li] / static_cast<float>(c.hi) : 1.0f / static_cast<float>(c.hi);
        if (l.param < 0) continue;
        QuantizedLayer& ql = q.layers[static_cast<std::size_t>(l.param)];
        ql.input_scale = q.codes_of(l.inputs[0]).scale;
        const bool last = li + 1 == n;
        ql.output_scale = last ? 0.0f : c.scale;
        const Eigen::VectorXf& bias = model.params[static_cast<std::size_t>(l.param)].bias;
        ql.bias.resize(bias.size());
        for (Eigen::Index o = 0; o < bias.size(); ++o) {
            const double step = static_cast<double>(ql.weight.scale(o)) * ql.input_scale;
            const double code = std::round(static_cast<double>(bias[o]) / step);
            constexpr double lim = 1e18;  // beyond any accumulator; keeps the cast defined
            ql.bias[o] = static_cast<std::int64_t>(std::clamp(code, -lim, lim));
        }
    }
    return q;
}

}  // namespace serialq::quant
