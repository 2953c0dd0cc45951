#pragma once
// One convolution layer of FloatEngine's quantized mode through oneDNN's direct convolution
// (Debian's libdnnl-dev; docs/quant.md, "Library kernels"). The engines' activation layout is
// oneDNN's nhwc and their (out x kh*kw*in) weight matrix is its hwio, so nothing is rearranged
// on the way in or out; the weights are reordered once into the layout the chosen kernel wants.
// Only for exact programs: the operands are integer codes and every partial sum stays below
// 2^24, so the result is exact whatever order the kernel sums in, and equal to the integer
// engine's. Direct only (never Winograd, whose transforms are not exact).
//
// int8 (u8 activation codes x s8 weight codes, int32 sums) where the codes fit bytes and the
// kernel oneDNN picks for this CPU is exact for them (see int32_accumulation in the .cpp);
// else f32 on the same codes.
#include "serialq/quant/model.hpp"
#include "tensor_ops.hpp"

#include <cstdint>
#include <memory>

namespace serialq::quant::detail {

class DnnlConv {
public:
    // weight: the layer's codes (out x kh*kw*in); [input_lo, input_hi]: its input's code range.
    DnnlConv(const ModelLayer& layer, const Act<float>& weight, std::int64_t input_lo,
             std::int64_t input_hi);
    ~DnnlConv();
    DnnlConv(DnnlConv&&) noexcept;
    DnnlConv& operator=(DnnlConv&&) noexcept;

    // out = the convolution of `batch` images at `in` (nhwc), resized to (out x batch*oh*ow).
    // Thread-safe: each calling thread gets its own stream and scratchpad, and oneDNN runs on
    // the calling thread only (serialq's evaluator threads are the parallelism).
    void run(const float* in, int batch, Act<float>& out) const;

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace serialq::quant::detail
