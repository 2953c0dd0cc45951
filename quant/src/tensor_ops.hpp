#pragma once
// im2col, col2im, max-pooling and a layer's weighted sums on the engines' activation layout: a
// (channels x batch*height*width) column-major matrix, one column per pixel (see model.hpp).
// Templates so that the float and the integer engines share them.
#include "serialq/quant/model.hpp"

#include <Eigen/Core>

#include <algorithm>
#include <cstdint>
#include <vector>

namespace serialq::quant::detail {

template <class S>
using Act = Eigen::Matrix<S, Eigen::Dynamic, Eigen::Dynamic>;

// cols: (kh*kw*C) x (batch*oh*ow); column p holds the receptive field of output pixel p, rows
// ordered (kernel row, kernel column, channel), zeros where the window hangs over the padding.
template <class S>
void im2col(const S* in, const ModelLayer& l, int batch, Act<S>& cols) {
    const int C = l.input.channels, H = l.input.height, W = l.input.width;
    const int oh = l.output.height, ow = l.output.width;
    const Eigen::Index K = static_cast<Eigen::Index>(l.kernel_h) * l.kernel_w * C;
    cols.resize(K, static_cast<Eigen::Index>(batch) * oh * ow);
    S* dst = cols.data();
    for (int b = 0; b < batch; ++b) {
        const S* image = in + static_cast<std::int64_t>(b) * H * W * C;
        for (int y = 0; y < oh; ++y) {
            for (int x = 0; x < ow; ++x) {
                const int x0 = x * l.stride_w - l.pad_w;
                const bool row_inside = x0 >= 0 && x0 + l.kernel_w <= W;
                for (int i = 0; i < l.kernel_h; ++i) {
                    const int iy = y * l.stride_h - l.pad_h + i;
                    if (iy < 0 || iy >= H) {
                        std::fill(dst, dst + l.kernel_w * C, S(0));
                        dst += l.kernel_w * C;
                        continue;
                    }
                    const S* src_row = image + static_cast<std::int64_t>(iy) * W * C;
                    if (row_inside) {  // the kernel row is one contiguous run of kw*C values
                        std::copy(src_row + x0 * C, src_row + (x0 + l.kernel_w) * C, dst);
                        dst += l.kernel_w * C;
                        continue;
                    }
                    for (int j = 0; j < l.kernel_w; ++j, dst += C) {
                        const int ix = x0 + j;
                        if (ix < 0 || ix >= W)
                            std::fill(dst, dst + C, S(0));
                        else
                            std::copy(src_row + ix * C, src_row + (ix + 1) * C, dst);
                    }
                }
            }
        }
    }
}

// The adjoint of im2col: adds each column's gradient back onto the pixels it was copied from.
inline void col2im(const Act<float>& dcols, const ModelLayer& l, int batch, float* din) {
    const int C = l.input.channels, H = l.input.height, W = l.input.width;
    const int oh = l.output.height, ow = l.output.width;
    std::fill(din, din + static_cast<std::int64_t>(batch) * H * W * C, 0.0f);
    const float* src = dcols.data();
    for (int b = 0; b < batch; ++b) {
        float* image = din + static_cast<std::int64_t>(b) * H * W * C;
        for (int y = 0; y < oh; ++y)
            for (int x = 0; x < ow; ++x)
                for (int i = 0; i < l.kernel_h; ++i) {
                    const int iy = y * l.stride_h - l.pad_h + i;
                    for (int j = 0; j < l.kernel_w; ++j, src += C) {
                        const int ix = x * l.stride_w - l.pad_w + j;
                        if (iy < 0 || iy >= H || ix < 0 || ix >= W) continue;
                        float* d = image + (static_cast<std::int64_t>(iy) * W + ix) * C;
                        for (int c = 0; c < C; ++c) d[c] += src[c];
                    }
                }
    }
}

// Max over each window (positions in the padding are skipped). `argmax`, if given, receives
// for every output value the index of its source in `in` (for the backward pass).
template <class S>
void maxpool(const S* in, const ModelLayer& l, int batch, Act<S>& out,
             std::vector<std::int32_t>* argmax) {
    const int C = l.input.channels, H = l.input.height, W = l.input.width;
    const int oh = l.output.height, ow = l.output.width;
    out.resize(C, static_cast<Eigen::Index>(batch) * oh * ow);
    if (argmax) argmax->resize(static_cast<std::size_t>(out.size()));
    S* dst = out.data();
    std::int32_t* arg = argmax ? argmax->data() : nullptr;
    for (int b = 0; b < batch; ++b) {
        const std::int64_t base = static_cast<std::int64_t>(b) * H * W;
        for (int y = 0; y < oh; ++y) {
            const int y0 = std::max(0, y * l.stride_h - l.pad_h);
            const int y1 = std::min(H, y * l.stride_h - l.pad_h + l.kernel_h);
            for (int x = 0; x < ow; ++x, dst += C) {
                const int x0 = std::max(0, x * l.stride_w - l.pad_w);
                const int x1 = std::min(W, x * l.stride_w - l.pad_w + l.kernel_w);
                const std::int64_t first = (base + static_cast<std::int64_t>(y0) * W + x0) * C;
                std::copy(in + first, in + first + C, dst);
                if (arg)
                    for (int c = 0; c < C; ++c) arg[c] = static_cast<std::int32_t>(first + c);
                for (int iy = y0; iy < y1; ++iy)
                    for (int ix = x0; ix < x1; ++ix) {
                        const std::int64_t at = (base + static_cast<std::int64_t>(iy) * W + ix) * C;
                        const S* src = in + at;
                        if (arg) {
                            for (int c = 0; c < C; ++c)
                                if (src[c] > dst[c]) {
                                    dst[c] = src[c];
                                    arg[c] = static_cast<std::int32_t>(at + c);
                                }
                        } else {
                            for (int c = 0; c < C; ++c) dst[c] = std::max(dst[c], src[c]);
                        }
                    }
                if (arg) arg += C;
            }
        }
    }
}

// Sums each image's plane per channel: in (C x batch*pixels) -> out (C x batch). Global
// average pooling is this sum divided by the pixel count (done by the caller: the float engine
// divides, the integer engine rounds).
template <class S, class T>
void plane_sums(const Act<S>& in, int batch, Act<T>& out) {
    const Eigen::Index pixels = in.cols() / batch;
    out.setZero(in.rows(), batch);
    for (int b = 0; b < batch; ++b)
        for (Eigen::Index p = 0; p < pixels; ++p)
            out.col(b) += in.col(b * pixels + p).template cast<T>();
}

// A conv's or fc's weighted sums, its bias not added: out = weight * im2col(in) for a conv
// (into `cols`, its buffer), weight times `in` seen as (reduction x batch), one column per
// image, for an fc. out: (out x batch*oh*ow).
template <class W, class S>
void weighted_sums(const W& weight, const Act<S>& in, const ModelLayer& l, int batch, Act<S>& cols,
                   Act<S>& out) {
    if (l.kind == OpKind::Conv) {
        im2col(in.data(), l, batch, cols);
        out.noalias() = weight * cols;
    } else {
        const Eigen::Map<const Act<S>> x(in.data(), l.reduction(), batch);
        out.noalias() = weight * x;
    }
}

// The predicted class of each column of scores (classes x images).
inline void argmax_columns(const Act<float>& scores, int* predictions) {
    for (Eigen::Index c = 0; c < scores.cols(); ++c) {
        Eigen::Index best = 0;
        scores.col(c).maxCoeff(&best);
        predictions[c] = static_cast<int>(best);
    }
}

// The activation of layer `l`'s k-th input: the image for -1, else an earlier layer's output.
template <class M>
const M& input_of(const ModelLayer& l, std::size_t k, const M& image, const std::vector<M>& out) {
    const int i = l.inputs[k];
    return i < 0 ? image : out[static_cast<std::size_t>(i)];
}

}  // namespace serialq::quant::detail
