#pragma once
// The quantized network's function, written once for both engines (S as in
// quantized_program.hpp): QuantizedLayers<S> is their engine of the one layer loop
// (layer_walk.hpp). Everything after a GEMM (bias, requantization, adds, pooling) is integer
// arithmetic on the codes, the same numbers in both engines: where the float engine computes
// it in double so that it vectorizes, that form is provably the same integer, and the integer
// engine keeps the int64 definition that the tests check it against.
#include "layer_walk.hpp"
#include "quantized_program.hpp"
#include "serialq/quant/idx_dataset.hpp"

#include <cstdint>
#include <type_traits>
#include <vector>

namespace serialq::quant::detail {

template <class S>
struct QuantizedWorkspace {
    Act<S> input;
    std::vector<Act<S>> out;  // per layer: codes (the last layer: accumulators)
    Act<S> cols;
    Act<std::int64_t> sums;
};

// Requantizes a hidden conv/fc layer's accumulators in place to its output codes.
template <class S>
void requantize_layer(const QuantizedStep<S>& st, bool exact, Act<S>& acc) {
    const Eigen::Index rows = acc.rows();
    const std::int64_t* bias = st.bias.data();
    const std::int64_t lo = st.lo, hi = st.hi;
    using R = typename QuantizedStep<S>::Requantize;
    const double dlo = static_cast<double>(lo), dhi = static_cast<double>(hi);
    if (exact && st.requantize == R::SplitDouble) {
        const double* b = st.bias_double.data();
        const double* c1 = st.split_hi.data();
        const double* c2 = st.split_lo.data();
        for (Eigen::Index c = 0; c < acc.cols(); ++c) {
            S* v = acc.col(c).data();
            for (Eigen::Index o = 0; o < rows; ++o) {
                const double a = static_cast<double>(v[o]) + b[o];
                const double u1 = a * c1[o];
                const double f1 = vector_floor(u1);
                v[o] = static_cast<S>(
                    clamp_code(f1 + vector_floor((u1 - f1) + a * c2[o] + 0.5), dlo, dhi));
            }
        }
        return;
    }
    if (exact && st.requantize == R::Int64) {
        // requantize() on the arrays, without branches so that it vectorizes: it runs on
        // every activation.
        const std::int64_t* mult = st.mult.data();
        const std::int64_t* round = st.round.data();
        const std::int64_t* shift = st.shift.data();
        for (Eigen::Index c = 0; c < acc.cols(); ++c) {
            S* v = acc.col(c).data();
            for (Eigen::Index o = 0; o < rows; ++o) {
                const std::int64_t a = static_cast<std::int64_t>(v[o]) + bias[o];
                std::int64_t y = (a * mult[o] + round[o]) >> shift[o];
                y = y < lo ? lo : y;
                y = y > hi ? hi : y;
                v[o] = static_cast<S>(y);
            }
        }
        return;
    }
    // floor(a M + 1/2) in double: requantize() itself where Double is exact (the double forms
    // vectorize on AVX2, which has neither 64-bit multiplies nor arithmetic shifts), and the
    // best there is for float sums beyond 2^24, which are rounded anyway.
    const double* m = st.multiplier.data();
    const double* b = st.bias_double.data();
    for (Eigen::Index c = 0; c < acc.cols(); ++c) {
        S* v = acc.col(c).data();
        for (Eigen::Index o = 0; o < rows; ++o) {
            v[o] = static_cast<S>(clamp_code(
                vector_floor((static_cast<double>(v[o]) + b[o]) * m[o] + 0.5), dlo, dhi));
        }
    }
}

// The last layer's accumulators plus bias, scaled to class scores (classes x images). An
// inexact float program adds the bias in double: its sums are rounded anyway.
template <class S>
void write_scores(const QuantizedStep<S>& st, bool exact, const Act<S>& acc, Act<float>& scores) {
    scores.resize(acc.rows(), acc.cols());
    for (Eigen::Index c = 0; c < acc.cols(); ++c)
        for (Eigen::Index o = 0; o < acc.rows(); ++o) {
            const double a = static_cast<double>(acc(o, c));
            const float sum =
                exact || std::is_same_v<S, std::int32_t>
                    ? static_cast<float>(static_cast<std::int64_t>(acc(o, c)) + st.bias[o])
                    : static_cast<float>(a + static_cast<double>(st.bias[o]));
            scores(o, c) = sum * st.score_scale[o];
        }
}

// An add's requantization. The integer engine keeps requantize_sum's int64 definition: the
// reference the float engine's double form is tested against.
inline void requantize_add(const QuantizedStep<std::int32_t>& st, const Act<std::int32_t>& p,
                           const Act<std::int32_t>& q, Act<std::int32_t>& out) {
    for (Eigen::Index k = 0; k < out.size(); ++k) {
        std::int64_t y = requantize_sum(static_cast<std::int64_t>(p.data()[k]),
                                        static_cast<std::int64_t>(q.data()[k]), st.add);
        out.data()[k] = static_cast<std::int32_t>(y < st.lo ? st.lo : (y > st.hi ? st.hi : y));
    }
}

// The float engine's: the vectorized double form.
inline void requantize_add(const QuantizedStep<float>& st, const Act<float>& p, const Act<float>& q,
                           Act<float>& out) {
    requantize_sums(p.data(), q.data(), out.size(), st.add, st.lo, st.hi, out.data());
}

// The layer loop's engine on codes for one batch of `count` images; scores, if not null,
// receives the class scores when the last layer runs.
template <class S>
class QuantizedLayers {
public:
    QuantizedLayers(const QuantizedProgram<S>& program, int count, QuantizedWorkspace<S>& ws,
                    Act<float>* scores)
        : program_(program), count_(count), ws_(ws), scores_(scores) {}

    void max_pool(std::size_t, const ModelLayer& l, const Act<S>& in, Act<S>& out) const {
        maxpool(in.data(), l, count_, out, nullptr);
    }

    void average_pool(std::size_t, const ModelLayer& l, const Act<S>& in, Act<S>& out) {
        plane_sums(in, count_, ws_.sums);
        const std::int64_t pixels = static_cast<std::int64_t>(l.input.height) * l.input.width;
        out.resize(ws_.sums.rows(), ws_.sums.cols());
        for (Eigen::Index k = 0; k < out.size(); ++k)
            out.data()[k] = static_cast<S>(rounded_mean(ws_.sums.data()[k], pixels));
    }

    void add(std::size_t i, const ModelLayer&, const Act<S>& p, const Act<S>& q,
             Act<S>& out) const {
        out.resize(p.rows(), p.cols());
        requantize_add(program_.steps[i], p, q, out);
    }

    // The accumulators (oneDNN where the program has set it up: exact float programs only),
    // then the next layer's codes, or the scores.
    void weighted(std::size_t i, const ModelLayer& l, const Act<S>& in, Act<S>& out) {
        const QuantizedStep<S>& st = program_.steps[i];
        if (!st.conv)
            weighted_sums(st.weight, in, l, count_, ws_.cols, out);
        else if constexpr (std::is_same_v<S, float>)
            st.conv->run(in.data(), count_, out);
        if (st.score_scale.size() == 0)
            requantize_layer(st, program_.exact, out);
        else if (scores_)
            write_scores(st, program_.exact, out, *scores_);
    }

private:
    const QuantizedProgram<S>& program_;
    const int count_;
    QuantizedWorkspace<S>& ws_;
    Act<float>* scores_;
};

// The images [begin, begin + count) of `data` through layers [first, end) of the program;
// the outputs of layers before `first` must already be in ws.out (prefix reuse). Returns the
// class scores (classes x count) when the last layer ran.
template <class S>
void run_quantized(const QuantizedProgram<S>& p, const Dataset& data, std::int64_t begin, int count,
                   std::size_t first, QuantizedWorkspace<S>& ws, Act<float>* scores) {
    if (first == 0) {
        const std::int64_t px = data.pixels_per_image();
        ws.input.resize(1, count * px);
        const std::uint8_t* src = data.image(begin);
        for (std::int64_t i = 0; i < count * px; ++i) ws.input.data()[i] = static_cast<S>(src[i]);
    }
    QuantizedLayers<S> layers(p, count, ws, scores);
    walk_layers(*p.model, first, ws.input, ws.out, layers);
}

}  // namespace serialq::quant::detail
