#include "serialq/quant/quantized_network.hpp"

#include "float_forward.hpp"
#include "serialq/common/bits_spec.hpp"
#include "serialq/common/error.hpp"

#include <cmath>
#include <limits>
#include <stdexcept>

namespace serialq::quant {

QuantizedNetwork quantize_network(const Model& model, const LayerBits& bits,
                                  const Quantizer& quantizer, int activation_bits,
                                  const Dataset& calibration) {
    if (model.has_batch_norm())
        throw std::logic_error("quantize_network: " + model.name +
                               " has batch norm; fold it first");
    bits.expect(model.params.size(), model.name);
    if (activation_bits < 2 || activation_bits > kMaxBits)
        throw ConfigError("activation_bits: found " + std::to_string(activation_bits) +
                          ", expected 2.." + std::to_string(kMaxBits));
    QuantizedNetwork q;
    q.bits = bits.values();
    q.activation_bits = activation_bits;
    q.layers.resize(bits.size());
    for (std::size_t i = 0; i < bits.size(); ++i)
        q.layers[i].weight = quantizer.quantize(model.params[i].weight, bits[i]);

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

    const std::int32_t unsigned_top = (1 << activation_bits) - 1;
    const std::int32_t signed_top = (1 << (activation_bits - 1)) - 1;
    q.outputs.resize(n);
    for (std::size_t li = 0; li < n; ++li) {
        const ModelLayer& l = model.layers[li];
        CodeRange& c = q.outputs[li];
        if (l.kind == OpKind::MaxPool || l.kind == OpKind::GlobalAvgPool) {
            c = q.codes_of(l.inputs[0]);  // pooling keeps its input's codes
            continue;
        }
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
