#pragma once
// Requantisation of an integer accumulator to the next layer's activation code: round(acc * M)
// with M = s_w s_x / s_y held as a 31-bit fixed-point multiplier and a right shift (as gemmlowp
// and TFLite do). Shared by the integer engine and the float engine's quantized mode, so that
// both round at exactly the same points.
#include <Eigen/Core>

#include <algorithm>
#include <cmath>
#include <cstdint>

namespace serialq::quant::detail {

// M = multiplier * 2^-shift with multiplier in [2^30, 2^31).
struct FixedPoint {
    std::int64_t multiplier = 0;
    int shift = 0;
};

inline FixedPoint to_fixed_point(double m) {
    FixedPoint f;
    if (!(m > 0.0)) return f;
    int exponent = 0;
    const double fraction = std::frexp(m, &exponent);  // m = fraction * 2^exponent, [0.5, 1)
    f.multiplier = std::llround(fraction * 2147483648.0);
    if (f.multiplier == (std::int64_t{1} << 31)) {
        f.multiplier /= 2;
        ++exponent;
    }
    f.shift = 31 - exponent;
    return f;
}

// M as (acc * mult + round) >> shift, its special cases (a multiplier too small to matter, a
// shift to the left) folded into the three numbers, so that a loop over many accumulators has
// no branch and vectorizes.
struct Requantizer {
    std::int64_t mult = 0, round = 0, shift = 0;
};

inline Requantizer requantizer(const FixedPoint& f) {
    if (f.shift >= 63) return {};  // always 0
    if (f.shift <= 0) return {f.multiplier * (std::int64_t{1} << -f.shift), 0, 0};
    return {f.multiplier, std::int64_t{1} << (f.shift - 1), f.shift};
}

// floor(acc * M + 1/2), exactly, for |acc| < 2^31 (the shift floors negative values too; the
// caller clamps them to 0 anyway: they are the ReLU's).
inline std::int64_t requantize(std::int64_t acc, const Requantizer& r) {
    return (acc * r.mult + r.round) >> r.shift;
}

// round(p Mp + q Mq) for a residual add of two code tensors: both multipliers on one shift,
// the larger with a 31-bit mantissa. Exact in int64: codes have at most 16 bits, so each
// product stays below 2^47.
struct FixedPointPair {
    std::int64_t p = 0, q = 0;
    int shift = 0;
};

inline FixedPointPair to_fixed_point_pair(double mp, double mq) {
    FixedPointPair f;
    int ep = 0, eq = 0;
    std::frexp(mp, &ep);
    std::frexp(mq, &eq);
    f.shift = std::min(62, 31 - std::max(ep, eq));
    f.p = std::llround(std::ldexp(mp, f.shift));
    f.q = std::llround(std::ldexp(mq, f.shift));
    return f;
}

inline std::int64_t requantize_sum(std::int64_t p, std::int64_t q, const FixedPointPair& f) {
    const std::int64_t v = p * f.p + q * f.q;
    if (f.shift <= 0) return v * (std::int64_t{1} << -f.shift);
    return (v + (std::int64_t{1} << (f.shift - 1))) >> f.shift;
}

// floor(x) as nearbyint (round to nearest, the default mode), less one where that rounded up.
// GCC 12 vectorizes nearbyint, not floor; and the subtraction of a 0/1 comparison, where a
// conditional `r - 1` would be control flow that AVX2 code (without AVX-512's masks) does not
// if-convert.
inline double vector_floor(double x) {
    const double r = std::nearbyint(x);
    return r - static_cast<double>(r > x);
}

// y clamped to a layer's code range [lo, hi], written so that it vectorizes (min/max).
inline double clamp_code(double y, double lo, double hi) {
    y = y < lo ? lo : y;
    return y > hi ? hi : y;
}

// requantize_sum over whole tensors, in double so that the loop vectorizes on every x86-64
// (AVX2 has no 64-bit integer multiply). The same numbers exactly: each product is below 2^47
// and their sum below 2^48, within a double's 53-bit mantissa; scaling by 2^-shift only moves
// the exponent; adding 1/2 needs at most 49 significant bits; floor is exact.
template <class S>
void requantize_sums(const S* p, const S* q, std::int64_t n, const FixedPointPair& f,
                     std::int64_t lo, std::int64_t hi, S* out) {
    const double mp = static_cast<double>(f.p), mq = static_cast<double>(f.q);
    const double scale = std::ldexp(1.0, -f.shift), half = f.shift > 0 ? 0.5 : 0.0;
    const double dlo = static_cast<double>(lo), dhi = static_cast<double>(hi);
    for (std::int64_t k = 0; k < n; ++k) {
        const double v = static_cast<double>(p[k]) * mp + static_cast<double>(q[k]) * mq;
        out[k] = static_cast<S>(clamp_code(vector_floor(v * scale + half), dlo, dhi));
    }
}

// round(sum / n), halves away from zero: global average pooling on codes.
inline std::int64_t rounded_mean(std::int64_t sum, std::int64_t n) {
    return sum >= 0 ? (2 * sum + n) / (2 * n) : -((-2 * sum + n) / (2 * n));
}

// The largest |accumulator| any input can produce in a layer: per output channel, sum |w| times
// the largest input code, plus |bias|. The integer engine needs it below 2^31, the float
// engine's quantized mode below 2^24 (where floats hold every integer exactly).
struct WorstAccumulator {
    std::int64_t value = 0;
    Eigen::Index row = 0;  // the output channel that reaches it (its weight bits name it)
};

template <class Codes, class Bias>
WorstAccumulator worst_accumulator_row(const Codes& weight, const Bias& bias,
                                       std::int64_t input_max) {
    WorstAccumulator worst;
    for (Eigen::Index o = 0; o < weight.rows(); ++o) {
        std::int64_t sum = 0;
        for (Eigen::Index k = 0; k < weight.cols(); ++k)
            sum += std::abs(static_cast<std::int64_t>(weight(o, k)));
        const std::int64_t v = sum * input_max + std::abs(static_cast<std::int64_t>(bias[o]));
        if (v > worst.value) worst = {v, o};
    }
    return worst;
}

template <class Codes, class Bias>
std::int64_t worst_accumulator(const Codes& weight, const Bias& bias, std::int64_t input_max) {
    return worst_accumulator_row(weight, bias, input_max).value;
}

}  // namespace serialq::quant::detail
