// Functional mode: the mapping's loop nest (mapping.hpp: passes of filter blocks and reduction
// segments, steps of window blocks and lane chunks) on the SIP array, every product computed
// digit-serially by the SIP core.
#include "serialq/sim/functional.hpp"

#include "serialq/common/error.hpp"
#include "serialq/sim/mapping.hpp"
#include "functional/functional_array.hpp"

#include <algorithm>
#include <string>

namespace serialq::sim {

OperandFormat weight_format(int weight_bits) { return {weight_bits, true}; }

OperandFormat activation_format(int activation_bits, const FunctionalOptions& options) {
    return {activation_bits, options.signed_activations};
}

namespace {

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
                throw InputError(
                    where + what + "[" + std::to_string(i) + "]: found " + std::to_string(v[i]) +
                    ", expected " + (f.is_signed ? "a signed " : "an unsigned ") +
                    std::to_string(f.bits) + "-bit value in [" + std::to_string(f.min_value()) +
                    ", " + std::to_string(f.max_value()) + "]");
    };
    check(ops.weights, wf, "weights");
    check(ops.activations, af, "activations");
}

}  // namespace

FunctionalResult run_functional(const AcceleratorConfig& config, const Layer& layer,
                                const LayerOperands& operands, int weight_bits, int activation_bits,
                                const FunctionalOptions& options) {
    if (!layer.has_weights())
        throw ConfigError("functional mode: layer " + layer.name + " has no weights");
    // The mapping checks the precision; a one-layer network lets it map the layer alone.
    Network net;
    net.name = "functional";
    net.input = layer.input;
    net.layers = {layer};
    net.layers[0].inputs = {-1};
    LayerSpec spec;
    spec.weight_bits = weight_bits;
    spec.activation_bits = activation_bits;
    spec.input_off_chip = true;
    const LayerMapping m(config, net, 0, spec);
    FunctionalArray array(m, operands, options);
    for (long long pi = 0; pi < m.passes(); ++pi) {
        const Pass pass = m.pass(pi);
        for (long long wb = 0; wb < m.window_blocks(); ++wb)
            for (long long c = pass.first_chunk; c < pass.first_chunk + pass.chunks; ++c)
                array.step(pass, wb, c);
    }
    return array.result();
}

FunctionalArray::FunctionalArray(const LayerMapping& m, const LayerOperands& operands,
                                 const FunctionalOptions& options)
    : m_(m),
      layer_(m.layer()),
      ops_(operands),
      wf_(weight_format(m.precision().weight_bits)),
      af_(activation_format(m.precision().activation_bits, options)),
      k_(m.config().bits_per_cycle) {
    if (m.config().batch != 1)
        throw ConfigError("functional mode: batch: found " + std::to_string(m.config().batch) +
                          ", expected 1 (operands are one input's)");
    check_operands(layer_, ops_, wf_, af_);
    const auto filters = static_cast<std::size_t>(m.filters_per_pass());
    const auto windows = static_cast<std::size_t>(m.windows_per_block());
    const auto lanes = static_cast<std::size_t>(m.config().lanes);
    // SIP of (filter j of the pass, window w of the block): j * windows_per_block + w. In the
    // Windows arrangement that is tile j / filters_per_tile, row j % filters_per_tile, column
    // w; in the Filters arrangement (one window) every SIP of a tile holds its own filter.
    sips_.assign(filters * windows, Sip(m.config().lanes));
    w_chunk_.assign(filters * lanes, 0);
    a_chunk_.assign(windows * lanes, 0);
    outputs_.assign(static_cast<std::size_t>(layer_.output.elements()), 0);
}

std::int32_t FunctionalArray::weight(long long filter, long long r) const {
    return ops_.weights[static_cast<std::size_t>(filter * m_.reduction() + r)];
}

// The activation under term r = (c * kernel_h + ky) * kernel_w + kx of window w in group g
// (0 in the padding).
std::int32_t FunctionalArray::activation(int g, long long w, long long r) const {
    const Layer& l = layer_;
    if (l.kind == LayerKind::FullyConnected) return ops_.activations[static_cast<std::size_t>(r)];
    const long long kk = static_cast<long long>(l.kernel_h) * l.kernel_w;
    const long long c = static_cast<long long>(g) * (l.input.channels / m_.groups()) + r / kk;
    const long long ky = (r % kk) / l.kernel_w, kx = r % l.kernel_w;
    const long long oy = w / l.output.width, ox = w % l.output.width;
    const long long y = oy * l.stride_h - l.pad_h + ky;
    const long long x = ox * l.stride_w - l.pad_w + kx;
    if (y < 0 || y >= l.input.height || x < 0 || x >= l.input.width) return 0;
    return ops_.activations[static_cast<std::size_t>((c * l.input.height + y) * l.input.width + x)];
}

Sip& FunctionalArray::sip(int j, int w) {
    return sips_[static_cast<std::size_t>(j) * static_cast<std::size_t>(m_.windows_per_block()) +
                 static_cast<std::size_t>(w)];
}

void FunctionalArray::step(const Pass& pass, long long wb, long long c) {
    const Step s = m_.step(pass, wb, c);
    const int lanes = m_.config().lanes;
    const long long w0 = wb * m_.windows_per_block();
    const auto out = [&](int j, int w) -> std::int64_t& {
        const long long f = m_.filter_channel(pass, j);  // the mapper may reorder filters
        return outputs_[static_cast<std::size_t>(f * m_.positions() + w0 + w)];
    };
    if (c == pass.first_chunk)  // a new block: fresh accumulators or the segment's partial sums
        for (int j = 0; j < pass.filters; ++j)
            for (int w = 0; w < s.windows; ++w) sip(j, w).load(pass.first_segment ? 0 : out(j, w));

    const long long r0 = c * lanes;
    for (int j = 0; j < pass.filters; ++j)
        for (int t = 0; t < s.lanes; ++t)
            w_chunk_[static_cast<std::size_t>(j * lanes + t)] =
                weight(m_.filter_channel(pass, j), r0 + t);
    for (int w = 0; w < s.windows; ++w)
        for (int t = 0; t < s.lanes; ++t)
            a_chunk_[static_cast<std::size_t>(w * lanes + t)] =
                activation(pass.group, w0 + w, r0 + t);
    for (int j = 0; j < pass.filters; ++j)
        for (int w = 0; w < s.windows; ++w) {
            const std::int32_t* wv = &w_chunk_[static_cast<std::size_t>(j * lanes)];
            const std::int32_t* av = &a_chunk_[static_cast<std::size_t>(w * lanes)];
            Sip& u = sip(j, w);
            switch (m_.config().serial) {
                case SerialOperand::Weights:
                    u.serial_chunk(wv, wf_, av, s.lanes, k_);
                    break;
                case SerialOperand::Activations:
                    u.serial_chunk(av, af_, wv, s.lanes, k_);
                    break;
                case SerialOperand::Both:
                    u.both_serial_chunk(wv, wf_, av, af_, s.lanes, k_);
                    break;
                case SerialOperand::None:
                    u.cycle_parallel(wv, av, s.lanes);
                    break;
            }
        }
    compute_cycles_ += s.serial_cycles;
    busy_cycles_ += s.cycles();

    if (c == pass.first_chunk + pass.chunks - 1)  // the block's last chunk: store
        for (int j = 0; j < pass.filters; ++j)
            for (int w = 0; w < s.windows; ++w) out(j, w) = sip(j, w).value();
}

FunctionalResult FunctionalArray::result() const {
    FunctionalResult r;
    r.outputs = outputs_;
    for (const Sip& u : sips_) r.events += u.events();
    r.compute_cycles = compute_cycles_;
    r.busy_cycles = busy_cycles_;
    return r;
}

}  // namespace serialq::sim
