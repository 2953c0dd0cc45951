#include "serialq/quant/quantized_network.hpp"

#include "float_forward.hpp"
#include "serialq/common/bits_spec.hpp"
#include "serialq/common/error.hpp"

#include <cmath>
#include <limits>

namespace serialq::quant {

QuantizedNetwork quantize_network(const Model& model, const std::vector<int>& bits,
                                  const Quantizer& quantizer, int activation_bits,
                                  const Dataset& calibration) {
    if (bits.size() != model.params.size())
        throw ConfigError("bits " + format_bits(bits) + ": found " + std::to_string(bits.size()) +
                          " bitwidths, expected " + std::to_string(model.params.size()) +
                          " (one per conv/fc layer of " + model.name + ")");
    if (activation_bits < 2 || activation_bits > kMaxBits)
        throw ConfigError("activation_bits: found " + std::to_string(activation_bits) +
                          ", expected 2.." + std::to_string(kMaxBits));
    QuantizedNetwork q;
    q.bits = bits;
    q.activation_bits = activation_bits;
    q.layers.resize(bits.size());
    for (std::size_t i = 0; i < bits.size(); ++i)
        q.layers[i].weight = quantizer.quantize(model.params[i].weight, bits[i]);

    // Calibrate: the largest activation of every hidden conv/fc layer with quantized weights.
    std::vector<WeightMatrix> dequantized;
    for (const auto& l : q.layers) dequantized.push_back(l.weight.dequantize());
    std::vector<detail::FloatLayerTensors> tensors(bits.size());
    for (std::size_t i = 0; i < bits.size(); ++i)
        tensors[i] = {&dequantized[i], &model.params[i].bias, 0.0f, 0.0f};
    std::vector<float> top(bits.size(), 0.0f);
    const std::int64_t images = std::min<std::int64_t>(kCalibrationImages, calibration.size());
    detail::FloatWorkspace ws;
    for (std::int64_t b = 0; b < images; b += 128) {
        detail::load_batch(calibration, b, static_cast<int>(std::min<std::int64_t>(128, images - b)), ws);
        detail::float_forward(model, tensors, ws, false);
        for (std::size_t li = 0; li < model.layers.size(); ++li) {
            const int p = model.layers[li].param;
            if (p >= 0) top[p] = std::max(top[p], ws.out[li].maxCoeff());
        }
    }

    const float max_code = static_cast<float>(q.activation_max_code());
    float input_scale = 1.0f / 255.0f;
    for (std::size_t i = 0; i < bits.size(); ++i) {
        QuantizedLayer& l = q.layers[i];
        l.input_scale = input_scale;
        const bool last = i + 1 == bits.size();
        // A layer that never fires on the calibration set still needs a positive scale.
        l.output_scale = last ? 0.0f : (top[i] > 0.0f ? top[i] / max_code : 1.0f / max_code);
        const Eigen::VectorXf& b = model.params[i].bias;
        l.bias.resize(b.size());
        for (Eigen::Index o = 0; o < b.size(); ++o) {
            const double step = static_cast<double>(l.weight.scale(o)) * input_scale;
            const double code = std::round(static_cast<double>(b[o]) / step);
            constexpr double lim = std::numeric_limits<std::int32_t>::max();
            l.bias[o] = static_cast<std::int32_t>(std::clamp(code, -lim, lim));
        }
        input_scale = l.output_scale;
    }
    return q;
}

}  // namespace serialq::quant
