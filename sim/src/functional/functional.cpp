// Functional mode: the mapping's loop nest (mapping.hpp: passes of filter blocks and reduction
// segments, steps of window blocks and lane chunks) on the SIP array, every product computed
// digit-serially by the SIP core.
#include "serialq/sim/functional.hpp"

#include "serialq/common/error.hpp"
#include "serialq/sim/mapping.hpp"

#include <algorithm>
#include <string>

namespace serialq::sim {

OperandFormat weight_format(const AcceleratorConfig& config, int bits) {
    switch (config.serial) {
        case SerialOperand::Weights:
        case SerialOperand::Both:
        case SerialOperand::None: return {bits, true};
        case SerialOperand::Activations: return {config.weight_bits, true};
    }
    return {bits, true};
}

OperandFormat activation_format(const AcceleratorConfig& config, int bits,
                                const FunctionalOptions& options) {
    const int width = config.serial == SerialOperand::Activations ? bits : config.activation_bits;
    return {width, options.signed_activations};
}

namespace {

// The layer seen as `groups` independent matrix products: filter o of group g against window
// w's receptive field, reduction index r = (c * kernel_h + ky) * kernel_w + kx.
struct LayerView {
    const Layer& layer;
    const LayerOperands& ops;
    int groups = 1, filters_per_group = 1, windows = 1, reduction = 1;

    explicit LayerView(const Layer& l, const LayerOperands& o) : layer(l), ops(o) {
        const bool fc = l.kind == LayerKind::FullyConnected;
        groups = fc ? 1 : l.groups;
        filters_per_group = l.out_channels() / groups;
        windows = fc ? 1 : l.output.height * l.output.width;
        reduction = static_cast<int>(l.reduction_length());
    }
    std::int32_t weight(int filter, int r) const {
        return ops.weights[static_cast<std::size_t>(filter) * reduction + r];
    }
    // The activation under term r of window w in group g (0 in the padding).
    std::int32_t activation(int g, int w, int r) const {
        if (layer.kind == LayerKind::FullyConnected) return ops.activations[static_cast<std::size_t>(r)];
        const int kk = layer.kernel_h * layer.kernel_w;
        const int c = g * (layer.input.channels / groups) + r / kk;
        const int ky = (r % kk) / layer.kernel_w, kx = r % layer.kernel_w;
        const int oy = w / layer.output.width, ox = w % layer.output.width;
        const int y = oy * layer.stride_h - layer.pad_h + ky;
        const int x = ox * layer.stride_w - layer.pad_w + kx;
        if (y < 0 || y >= layer.input.height || x < 0 || x >= layer.input.width) return 0;
        return ops.activations[(static_cast<std::size_t>(c) * layer.input.height + y) *
                                   layer.input.width + x];
    }
};

void check_operands(const Layer& layer, const LayerOperands& ops, OperandFormat wf,
                    OperandFormat af) {
    const std::string where = "functional mode: layer " + layer.name + ": ";
    if (static_cast<std::int64_t>(ops.weights.size()) != layer.weights())
        throw InputError(where + "weights: found " + std::to_string(ops.weights.size()) +
                         " values, expected " + std::to_string(layer.weights()));
    if (static_cast<std::int64_t>(ops.activations.size()) != layer.input.elements())
        throw InputError(where + "activations: found " + std::to_string(ops.activations.size()) +
                         " values, expected " + std::to_string(layer.input.elements()));
    auto check = [&](const std::vector<std::int32_t>& v, OperandFormat f, const char* what) {
        for (std::size_t i = 0; i < v.size(); ++i)
            if (!f.holds(v[i]))
                throw InputError(where + what + "[" + std::to_string(i) + "]: found " +
                                 std::to_string(v[i]) + ", expected " +
                                 (f.is_signed ? "a signed " : "an unsigned ") +
                                 std::to_string(f.bits) + "-bit value in [" +
                                 std::to_string(f.min_value()) + ", " +
                                 std::to_string(f.max_value()) + "]");
    };
    check(ops.weights, wf, "weights");
    check(ops.activations, af, "activations");
}

}  // namespace

FunctionalResult run_functional(const AcceleratorConfig& config, const Layer& layer,
                                const LayerOperands& operands, int bits,
                                const FunctionalOptions& options) {
    if (!layer.has_weights())
        throw ConfigError("functional mode: layer " + layer.name + " has no weights");
    // The mapping checks the precision; a one-layer network lets it map the layer alone.
    Network net;
    net.name = "functional";
    net.input = layer.input;
    net.layers = {layer};
    net.layers[0].inputs = {-1};
    const LayerMapping map(config, net, 0, bits);
    const OperandFormat wf = weight_format(config, bits);
    const OperandFormat af = activation_format(config, bits, options);
    check_operands(layer, operands, wf, af);

    const LayerView v(layer, operands);
    const int k = config.bits_per_cycle;
    const int lanes = config.lanes;
    const int per_block = map.windows_per_block();
    const auto pass_filters = static_cast<std::size_t>(map.filters_per_pass());

    FunctionalResult result;
    // Outputs double as the partial sums kept between reduction segments.
    result.outputs.assign(static_cast<std::size_t>(layer.output.elements()), 0);
    // SIP of (filter j of the pass, window w of the block): j * per_block + w. In the Windows
    // arrangement that is tile j / filters_per_tile, row j % filters_per_tile, column w; in the
    // Filters arrangement (per_block = 1) every SIP of a tile holds its own filter.
    std::vector<Sip> sips(pass_filters * static_cast<std::size_t>(per_block), Sip(lanes));
    // One chunk's operands as the memories deliver them: weights per filter, activations per
    // window.
    std::vector<std::int32_t> w_chunk(pass_filters * static_cast<std::size_t>(lanes));
    std::vector<std::int32_t> a_chunk(static_cast<std::size_t>(per_block) * lanes);

    for (long long pi = 0; pi < map.passes(); ++pi) {
        const Pass pass = map.pass(pi);
        const int g = pass.group;
        const long long f0 = pass.filter_block * map.filters_per_pass();
        for (long long wb = 0; wb < map.window_blocks(); ++wb) {
            const long long w0 = wb * per_block;
            int nw = 0;
            for (long long c = pass.first_chunk; c < pass.first_chunk + pass.chunks; ++c) {
                const Step step = map.step(pass, wb, c);
                nw = step.windows;
                const int terms = step.lanes;
                const long long r0 = c * lanes;
                if (c == pass.first_chunk) {
                    // A new window block: fresh accumulators, or the segment's partial sums.
                    for (int j = 0; j < pass.filters; ++j)
                        for (int w = 0; w < nw; ++w) {
                            const auto o = static_cast<std::size_t>(g * v.filters_per_group + f0 + j);
                            sips[static_cast<std::size_t>(j) * per_block + w].load(
                                pass.first_segment ? 0 : result.outputs[o * v.windows + static_cast<std::size_t>(w0 + w)]);
                        }
                }
                for (int j = 0; j < pass.filters; ++j)
                    for (int t = 0; t < terms; ++t)
                        w_chunk[static_cast<std::size_t>(j) * lanes + t] =
                            v.weight(static_cast<int>(g * v.filters_per_group + f0 + j), static_cast<int>(r0 + t));
                for (int w = 0; w < nw; ++w)
                    for (int t = 0; t < terms; ++t)
                        a_chunk[static_cast<std::size_t>(w) * lanes + t] =
                            v.activation(g, static_cast<int>(w0 + w), static_cast<int>(r0 + t));
                for (int j = 0; j < pass.filters; ++j)
                    for (int w = 0; w < nw; ++w) {
                        Sip& sip = sips[static_cast<std::size_t>(j) * per_block + w];
                        const std::int32_t* wv = &w_chunk[static_cast<std::size_t>(j) * lanes];
                        const std::int32_t* av = &a_chunk[static_cast<std::size_t>(w) * lanes];
                        switch (config.serial) {
                            case SerialOperand::Weights: sip.serial_chunk(wv, wf, av, terms, k); break;
                            case SerialOperand::Activations: sip.serial_chunk(av, af, wv, terms, k); break;
                            case SerialOperand::Both: sip.both_serial_chunk(wv, wf, av, af, terms, k); break;
                            case SerialOperand::None: sip.cycle_parallel(wv, av, terms); break;
                        }
                    }
                result.compute_cycles += step.serial_cycles;
                result.busy_cycles += step.cycles();
            }
            for (int j = 0; j < pass.filters; ++j)
                for (int w = 0; w < nw; ++w) {
                    const auto o = static_cast<std::size_t>(g * v.filters_per_group + f0 + j);
                    result.outputs[o * v.windows + static_cast<std::size_t>(w0 + w)] =
                        sips[static_cast<std::size_t>(j) * per_block + w].value();
                }
        }
    }
    for (const Sip& sip : sips) result.events += sip.events();
    return result;
}

}  // namespace serialq::sim
