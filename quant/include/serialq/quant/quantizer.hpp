#pragma once
// Weight quantizers: each turns a real tensor into integer codes plus the real value of one
// integer step (its scale), so that value = code * scale. The tensor is an (output channels x
// inputs) matrix; "per-channel" means one scale per row.
//
//   wrpn                 WRPN mid-tread as ReLeQ's code (Distiller's WRPNQuantizer) uses it:
//                        clip to (-1, 1), code = round((2^(k-1) - 1) x), scale 1 / (2^(k-1) - 1).
//                        The range is fixed, not fitted to the tensor (the data-scaled variant
//                        is exactly linear-tensor-max).
//   linear-tensor-max    symmetric linear, one scale, clipping at max |x|
//   linear-tensor-mse    symmetric linear, one scale, clipping that minimises the squared error
//   linear-channel-max   symmetric linear, one scale per output channel, clipping at max |x|
//   linear-channel-mse   ... per output channel, squared-error-optimal clipping
//   dorefa               DoReFa-Net: t = tanh(x) / max|tanh(x)|, code n = the odd integer
//                        nearest to t (2^k - 1) (DoReFa's 2 round((t + 1) / 2 (2^k - 1)) -
//                        (2^k - 1), with ties rounded away from zero so that Q(-x) = -Q(x)):
//                        2^k levels, no zero; scaled so that the tensor keeps its range,
//                        scale = max|x| / (2^k - 1). Idempotent in t (its own domain), not in x:
//                        tanh bends the grid, so re-quantizing a dequantized tensor can move a
//                        value by one level once the steps are finer than that bend.
//
// Levels at k bits: wrpn and linear-* 2^k - 1 (codes -(2^(k-1) - 1) .. 2^(k-1) - 1, a zero and
// one bit for the sign); dorefa 2^k.
//
// One bit (binary). The mid-tread formula has no level but zero at k = 1 (2^0 - 1 = 0), so the
// symmetric quantizers (wrpn, linear-*) binarise instead: code = sign(x) in {-1, +1} (zero
// counts as +1) with scale mean|x| per tensor or per channel, the squared-error-optimal binary
// scale (XNOR-Net); wrpn takes the mean of |x| clipped to 1. dorefa's own formula already gives
// {-1, +1}, scaled by max|x|. Every quantizer therefore has 2 levels at one bit.
//
// Per-row bits (kernel-wise assignments: one width per output channel): row r at b bits is
// row r of quantize(x, b), codes and scale. A tensor whose rows share one width is therefore
// quantize(x, bits) exactly, and changing one row's width changes that row alone:
//   linear-channel-*  per row already: the row quantized alone at b bits.
//   wrpn, linear-tensor-*, dorefa  one grid per tensor and width: the range (wrpn's fixed
//                     one, the max or the squared-error-optimal clip, dorefa's max|tanh|) is
//                     fitted to the whole tensor at b bits, and the row takes that grid's codes
//                     and scale (so scales become per row when widths differ).
#include "serialq/common/layer_bits.hpp"

#include <Eigen/Core>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace serialq::quant {

// Row-major so that one output channel's weights are contiguous.
using WeightMatrix = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
using CodeMatrix = Eigen::Matrix<std::int32_t, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

// The widths every quantizer supports: serialq's bitwidths (layer_bits.hpp owns the range).
constexpr int kMinBits = kBitwidths.min;
constexpr int kMaxBits = kBitwidths.max;

struct QuantizedTensor {
    CodeMatrix codes;  // integer codes, same shape as the quantized tensor
    Eigen::VectorXf scales;  // real value of one step: one per row, or a single one
    int bits = 0;  // the widest row's
    std::vector<int> row_bits;  // one per row; empty: every row at `bits`

    float scale(Eigen::Index row) const { return scales.size() == 1 ? scales[0] : scales[row]; }
    int bits_of(Eigen::Index row) const {
        return row_bits.empty() ? bits : row_bits[static_cast<std::size_t>(row)];
    }
    WeightMatrix dequantize() const;
};

class Quantizer {
public:
    virtual ~Quantizer() = default;
    virtual std::string name() const = 0;
    // Throws ConfigError if bits is outside kMinBits..kMaxBits.
    virtual QuantizedTensor quantize(const WeightMatrix& x, int bits) const = 0;
    // Row r at row_bits[r] (one per row, each kMinBits..kMaxBits, else ConfigError naming the
    // quantizer and the row); see "Per-row bits" above. Fills row_bits.
    QuantizedTensor quantize(const WeightMatrix& x, const std::vector<int>& row_bits) const;
    // How many distinct values the quantizer can produce at `bits`.
    virtual std::int64_t levels(int bits) const = 0;
    // The largest |code| at `bits` (bounds the integer accumulators).
    virtual std::int32_t max_code(int bits) const = 0;

protected:
    // quantize(x, row_bits) for checked bits of more than one width. Default: quantize(x, b)
    // once per width b, each row taken from its own width's.
    virtual QuantizedTensor quantize_rows(const WeightMatrix& x,
                                          const std::vector<int>& row_bits) const;
};

// One of quantizer_names(); anything else is a ConfigError naming `what`.
std::unique_ptr<Quantizer> make_quantizer(const std::string& name,
                                          const std::string& what = "quantizer");
const std::vector<std::string>& quantizer_names();

// Squared-error-optimal clipping for a symmetric mid-tread quantizer with codes in
// [-max_code, max_code]: searches a grid over (0, max|x|] (which includes max|x| itself) and
// refines around the best point. Exposed for tests.
float mse_optimal_clip(const float* x, std::int64_t count, std::int32_t max_code);
// Sum of squared quantization errors at clipping value `clip`.
double quantization_sse(const float* x, std::int64_t count, float clip, std::int32_t max_code);

}  // namespace serialq::quant
