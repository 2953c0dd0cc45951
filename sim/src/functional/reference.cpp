// The plain integer convolution the functional mode is checked against: direct loops, no
// mapping, no bits; written for clarity, not speed.
#include "serialq/common/error.hpp"
#include "serialq/sim/functional.hpp"

#include <string>

namespace serialq::sim {

std::vector<std::int64_t> reference_layer(const Layer& layer, const LayerOperands& operands) {
    if (!layer.has_weights())
        throw ConfigError("reference_layer: layer " + layer.name + " has no weights");
    const auto& w = operands.weights;
    const auto& a = operands.activations;
    if (static_cast<std::int64_t>(w.size()) != layer.weights() ||
        static_cast<std::int64_t>(a.size()) != layer.input.elements())
        throw InputError("reference_layer: layer " + layer.name + ": operand sizes do not match");

    if (layer.kind == LayerKind::FullyConnected) {
        const std::int64_t n = layer.input.elements();
        std::vector<std::int64_t> out(static_cast<std::size_t>(layer.output.elements()), 0);
        for (std::size_t o = 0; o < out.size(); ++o)
            for (std::int64_t i = 0; i < n; ++i)
                out[o] += static_cast<std::int64_t>(w[o * n + i]) * a[i];
        return out;
    }

    const int in_c = layer.input.channels, in_h = layer.input.height, in_w = layer.input.width;
    const int out_c = layer.output.channels, out_h = layer.output.height,
              out_w = layer.output.width;
    const int cg = in_c / layer.groups, fg = out_c / layer.groups;
    const int kh = layer.kernel_h, kw = layer.kernel_w;
    std::vector<std::int64_t> out(static_cast<std::size_t>(layer.output.elements()), 0);
    for (int o = 0; o < out_c; ++o) {
        const int g = o / fg;
        for (int oy = 0; oy < out_h; ++oy)
            for (int ox = 0; ox < out_w; ++ox) {
                std::int64_t s = 0;
                for (int c = 0; c < cg; ++c)
                    for (int ky = 0; ky < kh; ++ky)
                        for (int kx = 0; kx < kw; ++kx) {
                            const int y = oy * layer.stride_h - layer.pad_h + ky;
                            const int x = ox * layer.stride_w - layer.pad_w + kx;
                            if (y < 0 || y >= in_h || x < 0 || x >= in_w) continue;
                            const std::int64_t wv =
                                w[((static_cast<std::size_t>(o) * cg + c) * kh + ky) * kw + kx];
                            s += wv *
                                 a[(static_cast<std::size_t>(g * cg + c) * in_h + y) * in_w + x];
                        }
                out[(static_cast<std::size_t>(o) * out_h + oy) * out_w + ox] = s;
            }
    }
    return out;
}

}  // namespace serialq::sim
