// Functional mode: the layer's loop nest on the SIP array, every product computed bit-serially
// by the SIP core. Per pass, the array holds tiles x filters_per_tile filters (of one group) and
// windows_per_tile output positions; the inner product goes through in lane chunks, each chunk
// taking the SIP timing rule's cycles.
#include "serialq/sim/functional.hpp"

#include "serialq/common/error.hpp"

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
    if (bits < config.min_bits || bits > config.max_bits)
        throw ConfigError("functional mode: layer " + layer.name + ": bits: found " +
                          std::to_string(bits) + ", expected " + std::to_string(config.min_bits) +
                          ".." + std::to_string(config.max_bits) + " on " + config.name);
    const OperandFormat wf = weight_format(config, bits);
    const OperandFormat af = activation_format(config, bits, options);
    check_operands(layer, operands, wf, af);

    const LayerView v(layer, operands);
    const int rows = config.tiles * config.filters_per_tile;  // filters per pass
    const int cols = config.windows_per_tile;                 // windows per pass
    const int lanes = config.lanes;
    const int k = config.bits_per_cycle;
    long long chunk_cycles = 1;
    switch (config.serial) {
        case SerialOperand::Weights: chunk_cycles = Sip::serial_cycles(wf.bits, k); break;
        case SerialOperand::Activations: chunk_cycles = Sip::serial_cycles(af.bits, k); break;
        case SerialOperand::Both:
            chunk_cycles = static_cast<long long>(Sip::serial_cycles(wf.bits, k)) *
                           Sip::serial_cycles(af.bits, k);
            break;
        case SerialOperand::None: chunk_cycles = 1; break;
    }

    FunctionalResult result;
    result.outputs.assign(static_cast<std::size_t>(layer.output.elements()), 0);
    // One SIP per array position; SIP (row, col) sits at row * cols + col.
    std::vector<Sip> sips(static_cast<std::size_t>(rows) * cols, Sip(lanes));
    // The chunk's operands as the memories deliver them: weights per row, activations per column.
    std::vector<std::int32_t> w_chunk(static_cast<std::size_t>(rows) * lanes);
    std::vector<std::int32_t> a_chunk(static_cast<std::size_t>(cols) * lanes);

    for (int g = 0; g < v.groups; ++g)
        for (int f0 = 0; f0 < v.filters_per_group; f0 += rows)
            for (int w0 = 0; w0 < v.windows; w0 += cols) {
                const int nf = std::min(rows, v.filters_per_group - f0);
                const int nw = std::min(cols, v.windows - w0);
                for (int i = 0; i < nf * cols; ++i) sips[static_cast<std::size_t>(i)].clear();
                for (int r0 = 0; r0 < v.reduction; r0 += lanes) {
                    const int terms = std::min(lanes, v.reduction - r0);
                    for (int f = 0; f < nf; ++f)
                        for (int t = 0; t < terms; ++t)
                            w_chunk[static_cast<std::size_t>(f) * lanes + t] =
                                v.weight(g * v.filters_per_group + f0 + f, r0 + t);
                    for (int w = 0; w < nw; ++w)
                        for (int t = 0; t < terms; ++t)
                            a_chunk[static_cast<std::size_t>(w) * lanes + t] =
                                v.activation(g, w0 + w, r0 + t);
                    for (int f = 0; f < nf; ++f)
                        for (int w = 0; w < nw; ++w) {
                            Sip& sip = sips[static_cast<std::size_t>(f) * cols + w];
                            const std::int32_t* wv = &w_chunk[static_cast<std::size_t>(f) * lanes];
                            const std::int32_t* av = &a_chunk[static_cast<std::size_t>(w) * lanes];
                            switch (config.serial) {
                                case SerialOperand::Weights: sip.serial_chunk(wv, wf, av, terms, k); break;
                                case SerialOperand::Activations: sip.serial_chunk(av, af, wv, terms, k); break;
                                case SerialOperand::Both: sip.both_serial_chunk(wv, wf, av, af, terms, k); break;
                                case SerialOperand::None: sip.cycle_parallel(wv, av, terms); break;
                            }
                        }
                    result.compute_cycles += chunk_cycles;
                }
                for (int f = 0; f < nf; ++f)
                    for (int w = 0; w < nw; ++w) {
                        const std::size_t o = static_cast<std::size_t>(g * v.filters_per_group + f0 + f);
                        result.outputs[o * static_cast<std::size_t>(v.windows) + static_cast<std::size_t>(w0 + w)] =
                            sips[static_cast<std::size_t>(f) * cols + w].value();
                    }
            }
    for (const Sip& sip : sips) result.events += sip.events();
    return result;
}

}  // namespace serialq::sim
