#pragma once
// The quantized network (quantized_network.hpp) compiled for an engine: per layer, its codes,
// bias, requantization and output code range, in the forms the loops in quantized_forward.hpp
// read. S = std::int32_t is IntegerEngine (int32 GEMMs), S = float is FloatEngine's quantized
// mode (the same integer codes held in floats, float GEMMs: exact while every accumulator stays
// below 2^24; its convs and fcs then run in oneDNN).
#include "dnnl_conv.hpp"
#include "requantize.hpp"
#include "serialq/common/error.hpp"
#include "serialq/quant/model.hpp"
#include "serialq/quant/quantized_network.hpp"
#include "tensor_ops.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <memory>
#include <string>
#include <type_traits>
#include <vector>

namespace serialq::quant::detail {

template <class S>
struct QuantizedStep {
    Act<S> weight;  // conv/fc: codes (out x reduction)
    Eigen::Matrix<std::int64_t, Eigen::Dynamic, 1> bias;  // conv/fc: at scale s_w s_x
    // Hidden conv/fc: each output row's Requantizer, as three arrays (the loop vectorizes).
    std::vector<std::int64_t> mult, round, shift;
    std::vector<double> multiplier;  // M per row as doubles (see requantize_layer)
    std::vector<double> bias_double;  // bias as doubles
    // Float: how requantize() is computed (requantize_layer): int64, or exactly in double, with
    // M whole or split into (mult >> 16) 2^(16-shift) and (mult & 0xffff) 2^-shift.
    enum class Requantize { Int64, Double, SplitDouble } requantize = Requantize::Int64;
    std::vector<double> split_hi, split_lo;
    Eigen::VectorXf score_scale;  // last layer: accumulator -> score
    FixedPointPair add;  // add: both inputs' multipliers
    std::int64_t lo = 0, hi = 0;  // output code range
    std::shared_ptr<const DnnlConv> conv;  // float, exact: the conv's kernel
};

template <class S>
struct QuantizedProgram {
    const Model* model = nullptr;
    std::vector<QuantizedStep<S>> steps;  // per model layer
    bool exact = true;  // float: no accumulator reaches 2^24
};

// Which exact double form of requantize() a float layer can use, for accumulators (bias
// included) of at most `worst` in magnitude; fills the split multipliers. Both forms compute
// floor(a M + 1/2), M = mult 2^-shift, and are exact when every rounding step is:
//  * Double: a M + 1/2 needs |a| mult < 2^52 (one product within the mantissa);
//  * SplitDouble, for |a| < 2^31 and 1 <= shift <= 62: u1 = a hi 2^(16-shift) and
//    u2 = a lo 2^-shift are exact (a hi < 2^46, a lo < 2^47, powers of two exact); floor(u1)
//    and its remainder r1 are exact; r1 + u2 + 1/2 has at most shift fraction bits and an
//    integer part below 2^(48-shift), 49 significant bits in all; the result is
//    floor(u1) + floor(r1 + u2 + 1/2), exact while within the clamp's range (beyond it, any
//    rounding clamps the same).
template <class S>
typename QuantizedStep<S>::Requantize double_requantization(QuantizedStep<S>& st,
                                                            std::int64_t worst) {
    using R = typename QuantizedStep<S>::Requantize;
    bool whole = true, split = worst < (std::int64_t{1} << 31);
    for (std::size_t o = 0; o < st.mult.size(); ++o) {
        const std::int64_t m = st.mult[o];
        whole = whole && m > 0 && static_cast<double>(worst) * static_cast<double>(m) < 0x1p52;
        split =
            split && m > 0 && m < (std::int64_t{1} << 31) && st.shift[o] >= 1 && st.shift[o] <= 62;
    }
    if (whole) return R::Double;
    if (!split) return R::Int64;
    for (std::size_t o = 0; o < st.mult.size(); ++o) {
        const int shift = static_cast<int>(st.shift[o]);
        st.split_hi.push_back(std::ldexp(static_cast<double>(st.mult[o] >> 16), 16 - shift));
        st.split_lo.push_back(std::ldexp(static_cast<double>(st.mult[o] & 0xffff), -shift));
    }
    return R::SplitDouble;
}

// The weight bits an overflow message quotes: the layer's, or the overflowing channel's where
// its channels differ.
inline std::string overflow_bits(const QuantizedTensor& w, Eigen::Index row) {
    const bool uniform =
        std::all_of(w.row_bits.begin(), w.row_bits.end(), [&](int b) { return b == w.bits; });
    return uniform ? std::to_string(w.bits) + " bits"
                   : std::to_string(w.bits_of(row)) + " bits (channel " + std::to_string(row) + ")";
}

// Whether a weight layer's accumulators stay exact: an int32 one must not overflow (else
// ConfigError), and a float one is exact below 2^24, the range in which every product and
// partial sum of the GEMM is exact whatever the summation order (the bias, whose code can be
// large, is added afterwards in int64).
template <class S>
bool accumulators_exact(const Model& model, const QuantizedNetwork& q, std::size_t pi,
                        std::int64_t input_max) {
    const QuantizedLayer& ql = q.layers[pi];
    if constexpr (std::is_same_v<S, std::int32_t>) {
        const WorstAccumulator worst = worst_accumulator_row(ql.weight.codes, ql.bias, input_max);
        if (worst.value > std::numeric_limits<std::int32_t>::max())
            throw ConfigError("integer engine: layer " + model.params[pi].name + " at " +
                              overflow_bits(ql.weight, worst.row) +
                              " could overflow a 32-bit accumulator (worst case " +
                              std::to_string(worst.value) +
                              "), expected fewer weight or activation bits, or the float engine");
        return true;
    } else {
        const Eigen::Matrix<std::int64_t, Eigen::Dynamic, 1> no_bias =
            Eigen::Matrix<std::int64_t, Eigen::Dynamic, 1>::Zero(ql.bias.size());
        return worst_accumulator(ql.weight.codes, no_bias, input_max) < (std::int64_t{1} << 24);
    }
}

// A hidden weight layer's requantization of its accumulators to the next layer's codes, per
// output channel.
template <class S>
void add_requantization(QuantizedStep<S>& st, const QuantizedLayer& ql, std::int64_t input_max) {
    for (Eigen::Index o = 0; o < st.weight.rows(); ++o) {
        const FixedPoint f = to_fixed_point(static_cast<double>(ql.weight.scale(o)) *
                                            ql.input_scale / ql.output_scale);
        st.multiplier.push_back(std::ldexp(static_cast<double>(f.multiplier), -f.shift));
        const Requantizer r = requantizer(f);
        st.mult.push_back(r.mult);
        st.round.push_back(r.round);
        st.shift.push_back(r.shift);
    }
    if constexpr (std::is_same_v<S, float>) {
        for (Eigen::Index o = 0; o < st.bias.size(); ++o)
            st.bias_double.push_back(static_cast<double>(st.bias[o]));
        st.requantize =
            double_requantization(st, worst_accumulator(ql.weight.codes, ql.bias, input_max));
    }
}

// Exact float programs run their convs and fcs through oneDNN (dnnl_conv.hpp); inexact ones
// keep Eigen's GEMM, whose rounding the tests and caches have always seen.
inline void attach_dnnl(QuantizedProgram<float>& p, const Model& model, const QuantizedNetwork& q) {
    for (std::size_t li = 0; li < model.layers.size(); ++li) {
        ModelLayer l = model.layers[li];
        if (l.param < 0) continue;
        if (l.kind == OpKind::FullyConnected) {
            // An fc is a 1x1 conv of a 1x1 image with `reduction` channels: its input column is
            // that image in nhwc, its weight matrix that conv's hwio.
            l.input = {static_cast<int>(l.reduction()), 1, 1};
            l.kernel_h = l.kernel_w = l.stride_h = l.stride_w = 1;
            l.pad_h = l.pad_w = 0;
        }
        const CodeRange& in = q.codes_of(l.inputs[0]);
        p.steps[li].conv = std::make_shared<const DnnlConv>(l, p.steps[li].weight, in.lo, in.hi);
    }
}

template <class S>
QuantizedProgram<S> compile_quantized(const Model& model, const QuantizedNetwork& q) {
    QuantizedProgram<S> p;
    p.model = &model;
    p.steps.resize(model.layers.size());
    for (std::size_t li = 0; li < model.layers.size(); ++li) {
        const ModelLayer& ml = model.layers[li];
        QuantizedStep<S>& st = p.steps[li];
        const CodeRange& out = q.outputs[li];
        st.lo = out.lo;
        st.hi = out.hi;
        if (ml.kind == OpKind::Add) {
            st.add = to_fixed_point_pair(
                static_cast<double>(q.codes_of(ml.inputs[0]).scale) / out.scale,
                static_cast<double>(q.codes_of(ml.inputs[1]).scale) / out.scale);
            continue;
        }
        if (ml.param < 0) continue;
        const auto pi = static_cast<std::size_t>(ml.param);
        const QuantizedLayer& ql = q.layers[pi];
        st.weight = ql.weight.codes.template cast<S>();
        st.bias = ql.bias;
        const std::int64_t input_max = q.codes_of(ml.inputs[0]).largest_magnitude();
        if (!accumulators_exact<S>(model, q, pi, input_max)) p.exact = false;
        if (li + 1 == model.layers.size()) {
            st.score_scale.resize(st.weight.rows());
            for (Eigen::Index o = 0; o < st.weight.rows(); ++o)
                st.score_scale[o] = ql.weight.scale(o) * ql.input_scale;
            continue;
        }
        add_requantization(st, ql, input_max);
    }
    if constexpr (std::is_same_v<S, float>)
        if (p.exact) attach_dnnl(p, model, q);
    return p;
}

}  // namespace serialq::quant::detail
