#include "serialq/quant/quantizer.hpp"

#include "serialq/common/error.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace serialq::quant {

WeightMatrix QuantizedTensor::dequantize() const {
    WeightMatrix out(codes.rows(), codes.cols());
    for (Eigen::Index r = 0; r < codes.rows(); ++r)
        out.row(r) = codes.row(r).cast<float>() * scale(r);
    return out;
}

namespace {

using ArrayMap = Eigen::Map<const Eigen::ArrayXf>;
using CodeMap = Eigen::Map<Eigen::Array<std::int32_t, Eigen::Dynamic, 1>>;

void check_bits(int bits, const std::string& quantizer) {
    if (bits < kMinBits || bits > kMaxBits)
        throw ConfigError(quantizer + ": found " + std::to_string(bits) + " bits, expected " +
                          std::to_string(kMinBits) + ".." + std::to_string(kMaxBits));
}

std::int32_t symmetric_max_code(int bits) { return bits == 1 ? 1 : (1 << (bits - 1)) - 1; }

// sign(x) in {-1, +1} (zero counts as positive) with the squared-error-optimal scale, the mean
// of |x| clipped to `limit` (WRPN clips to (-1, 1) first; the linear quantizers do not clip).
float binarize(const float* x, std::int64_t n, float limit, std::int32_t* codes) {
    const ArrayMap a(x, n);
    CodeMap(codes, n) =
        (a >= 0.0f).select(1, Eigen::Array<std::int32_t, Eigen::Dynamic, 1>::Constant(n, -1));
    const float mean = n > 0 ? a.abs().min(limit).mean() : 0.0f;
    return mean > 0.0f ? mean : 1.0f;
}

// Codes in [-max_code, max_code] for clipping value `clip`; returns the scale. A zero tensor
// gets scale 1 and zero codes (a zero scale would poison the integer requantisation).
float quantize_symmetric(const float* x, std::int64_t n, float clip, std::int32_t max_code,
                         std::int32_t* codes) {
    if (!(clip > 0.0f)) {
        CodeMap(codes, n).setZero();
        return 1.0f;
    }
    const float scale = clip / static_cast<float>(max_code);
    const float m = static_cast<float>(max_code);
    CodeMap(codes, n) = (ArrayMap(x, n) / scale).round().max(-m).min(m).cast<std::int32_t>();
    return scale;
}

float max_abs(const float* x, std::int64_t n) {
    return n > 0 ? ArrayMap(x, n).abs().maxCoeff() : 0.0f;
}

enum class Clipping { Max, Mse, Fixed };

// wrpn and linear-*: symmetric mid-tread, one bit of k for the sign.
class SymmetricQuantizer final : public Quantizer {
public:
    SymmetricQuantizer(std::string name, bool per_channel, Clipping clipping)
        : name_(std::move(name)), per_channel_(per_channel), clipping_(clipping) {}

    using Quantizer::quantize;
    std::string name() const override { return name_; }
    std::int64_t levels(int bits) const override {
        return bits == 1 ? 2 : 2 * static_cast<std::int64_t>(symmetric_max_code(bits)) + 1;
    }
    std::int32_t max_code(int bits) const override { return symmetric_max_code(bits); }

    QuantizedTensor quantize(const WeightMatrix& x, int bits) const override {
        check_bits(bits, name_);
        QuantizedTensor q;
        q.bits = bits;
        q.codes.resize(x.rows(), x.cols());
        const Eigen::Index groups = per_channel_ ? x.rows() : 1;
        const std::int64_t group_size = per_channel_ ? x.cols() : x.size();
        q.scales.resize(groups);
        for (Eigen::Index g = 0; g < groups; ++g) {
            const float* in = x.data() + g * group_size;
            q.scales[g] = quantize_group(in, group_size, bits, q.codes.data() + g * group_size);
        }
        return q;
    }

protected:
    // Per channel, row r of quantize(x, b) is the row alone at b: no whole tensor per width.
    QuantizedTensor quantize_rows(const WeightMatrix& x,
                                  const std::vector<int>& row_bits) const override {
        if (!per_channel_) return Quantizer::quantize_rows(x, row_bits);
        QuantizedTensor q;
        q.codes.resize(x.rows(), x.cols());
        q.scales.resize(x.rows());
        for (Eigen::Index r = 0; r < x.rows(); ++r)
            q.scales[r] = quantize_group(x.data() + r * x.cols(), x.cols(),
                                         row_bits[static_cast<std::size_t>(r)],
                                         q.codes.data() + r * x.cols());
        return q;
    }

private:
    // One group of `n` values at `bits`: codes into `out`, returns the scale.
    float quantize_group(const float* in, std::int64_t n, int bits, std::int32_t* out) const {
        return bits == 1 ? binarize(in, n, binary_limit(), out)
                         : quantize_symmetric(in, n, clip(in, n, bits), max_code(bits), out);
    }

    float binary_limit() const {
        return clipping_ == Clipping::Fixed ? 1.0f : std::numeric_limits<float>::infinity();
    }

    float clip(const float* x, std::int64_t n, int bits) const {
        switch (clipping_) {
            case Clipping::Fixed:
                return 1.0f;
            case Clipping::Max:
                return max_abs(x, n);
            case Clipping::Mse:
                return mse_optimal_clip(x, n, max_code(bits));
        }
        return 1.0f;
    }

    std::string name_;
    bool per_channel_;
    Clipping clipping_;
};

class DorefaQuantizer final : public Quantizer {
public:
    using Quantizer::quantize;
    std::string name() const override { return "dorefa"; }
    std::int64_t levels(int bits) const override { return std::int64_t{1} << bits; }
    std::int32_t max_code(int bits) const override { return (1 << bits) - 1; }

    QuantizedTensor quantize(const WeightMatrix& x, int bits) const override {
        check_bits(bits, name());
        QuantizedTensor q;
        q.bits = bits;
        q.codes.resize(x.rows(), x.cols());
        const std::int64_t n = x.size();
        const Eigen::ArrayXf t = ArrayMap(x.data(), n).tanh();
        const float t_max = n > 0 ? t.abs().maxCoeff() : 0.0f;
        const float range = max_abs(x.data(), n);
        q.scales.resize(1);
        if (!(t_max > 0.0f)) {
            // DoReFa has no zero level; an all-zero tensor is the one case that keeps zeros.
            q.codes.setZero();
            q.scales[0] = 1.0f;
            return q;
        }
        const float top = static_cast<float>(max_code(bits));
        // DoReFa's n = 2 round((t + 1) / 2 (2^k - 1)) - (2^k - 1) is the odd integer nearest to
        // t (2^k - 1). Written as sign(t) (2 floor(|t| (2^k - 1) / 2) + 1) it rounds the ties
        // (|t| (2^k - 1) even, t = 0 among them) away from zero instead of up, so that
        // Q(-x) = -Q(x) exactly; elsewhere the two agree.
        const Eigen::ArrayXf s = (t / t_max).abs() * top;
        const Eigen::ArrayXf odd = ((s * 0.5f).floor() * 2.0f + 1.0f).min(top);
        CodeMap(q.codes.data(), n) =
            (ArrayMap(x.data(), n) >= 0.0f).select(odd, -odd).cast<std::int32_t>();
        q.scales[0] = range / top;
        return q;
    }
};

}  // namespace

QuantizedTensor Quantizer::quantize(const WeightMatrix& x, const std::vector<int>& row_bits) const {
    if (row_bits.size() != static_cast<std::size_t>(x.rows()))
        throw ConfigError(name() + ": found " + std::to_string(row_bits.size()) +
                          " row bitwidths, expected " + std::to_string(x.rows()) +
                          " (one per output channel)");
    for (std::size_t r = 0; r < row_bits.size(); ++r)
        check_bits(row_bits[r], name() + ": row " + std::to_string(r));
    const bool uniform =
        std::all_of(row_bits.begin(), row_bits.end(), [&](int b) { return b == row_bits.front(); });
    if (row_bits.empty() || uniform) {
        QuantizedTensor q = quantize(x, row_bits.empty() ? kMaxBits : row_bits.front());
        q.row_bits = row_bits;
        return q;
    }
    QuantizedTensor q = quantize_rows(x, row_bits);
    q.bits = *std::max_element(row_bits.begin(), row_bits.end());
    q.row_bits = row_bits;
    return q;
}

QuantizedTensor Quantizer::quantize_rows(const WeightMatrix& x,
                                         const std::vector<int>& row_bits) const {
    QuantizedTensor q;
    q.codes.resize(x.rows(), x.cols());
    q.scales.resize(x.rows());
    for (int bits = kMinBits; bits <= kMaxBits; ++bits) {
        if (std::find(row_bits.begin(), row_bits.end(), bits) == row_bits.end()) continue;
        const QuantizedTensor whole = quantize(x, bits);
        for (Eigen::Index r = 0; r < x.rows(); ++r) {
            if (row_bits[static_cast<std::size_t>(r)] != bits) continue;
            q.codes.row(r) = whole.codes.row(r);
            q.scales[r] = whole.scale(r);
        }
    }
    return q;
}

double quantization_sse(const float* x, std::int64_t count, float clip, std::int32_t max_code) {
    if (!(clip > 0.0f)) return ArrayMap(x, count).square().cast<double>().sum();
    const float scale = clip / static_cast<float>(max_code);
    const float m = static_cast<float>(max_code);
    const ArrayMap a(x, count);
    const Eigen::ArrayXf err = a - (a / scale).round().max(-m).min(m) * scale;
    return err.square().cast<double>().sum();
}

float mse_optimal_clip(const float* x, std::int64_t count, std::int32_t max_code) {
    const float top = max_abs(x, count);
    if (!(top > 0.0f)) return 0.0f;
    // Coarse grid from the top down (ties keep the larger clip, so an already quantised tensor
    // keeps its own range), then a finer grid around the best point.
    constexpr int kCoarse = 64;
    constexpr int kFine = 16;
    float best = top;
    double best_sse = quantization_sse(x, count, top, max_code);
    for (int i = kCoarse - 1; i >= 1; --i) {
        const float c = top * static_cast<float>(i) / kCoarse;
        const double sse = quantization_sse(x, count, c, max_code);
        if (sse < best_sse) best_sse = sse, best = c;
    }
    const float step = top / kCoarse;
    const float centre = best;
    for (int j = -kFine + 1; j < kFine; ++j) {
        const float c = centre + step * static_cast<float>(j) / kFine;
        if (!(c > 0.0f) || c > top || j == 0) continue;
        const double sse = quantization_sse(x, count, c, max_code);
        if (sse < best_sse) best_sse = sse, best = c;
    }
    return best;
}

const std::vector<std::string>& quantizer_names() {
    static const std::vector<std::string> names = {"wrpn",
                                                   "linear-tensor-max",
                                                   "linear-tensor-mse",
                                                   "linear-channel-max",
                                                   "linear-channel-mse",
                                                   "dorefa"};
    return names;
}

std::unique_ptr<Quantizer> make_quantizer(const std::string& name, const std::string& what) {
    if (name == "wrpn") return std::make_unique<SymmetricQuantizer>(name, false, Clipping::Fixed);
    if (name == "linear-tensor-max")
        return std::make_unique<SymmetricQuantizer>(name, false, Clipping::Max);
    if (name == "linear-tensor-mse")
        return std::make_unique<SymmetricQuantizer>(name, false, Clipping::Mse);
    if (name == "linear-channel-max")
        return std::make_unique<SymmetricQuantizer>(name, true, Clipping::Max);
    if (name == "linear-channel-mse")
        return std::make_unique<SymmetricQuantizer>(name, true, Clipping::Mse);
    if (name == "dorefa") return std::make_unique<DorefaQuantizer>();
    std::string list;
    for (const auto& n : quantizer_names()) {
        if (!list.empty()) list.append(", ");
        list.append(n);
    }
    throw ConfigError(what + ": found '" + name + "', expected one of " + list);
}

}  // namespace serialq::quant
