#pragma once
// The one inference loop, shared by every engine: batches of images, and within a batch the
// model's layers in order. The loop finds each layer's inputs (the image, or earlier layers'
// outputs) and hands them to the engine, which computes what the layer's kind means in its
// arithmetic: its kernel and its epilogue. Engines:
//   FloatLayers (float_net.cpp)             full precision: bias, batch norm, ReLU in float
//   QuantizedLayers<S> (quantized_forward)  codes: requantization to the next layer's codes,
//                                           or the class scores; S = int32 or float
// A template, not an interface, so that the engine's per-layer calls inline: the loop costs
// one call per layer, the work is all inside it.
#include "serialq/quant/model.hpp"
#include "tensor_ops.hpp"

#include <algorithm>
#include <cstdint>
#include <vector>

namespace serialq::quant::detail {

// Runs layers [first, end) of `model` on `image` into `out` (one activation per layer, A an
// Act<S>); the outputs of layers before `first` must already be there (prefix reuse). An
// engine E has, for layer i (l = model.layers[i]), with `in` its first input and `other` its
// second:
//   e.max_pool(i, l, in, out[i])        e.average_pool(i, l, in, out[i])
//   e.add(i, l, in, other, out[i])      e.weighted(i, l, in, out[i])       (conv and fc)
template <class A, class Engine>
void walk_layers(const Model& model, std::size_t first, const A& image, std::vector<A>& out,
                 Engine& e) {
    const std::size_t n = model.layers.size();
    out.resize(n);
    for (std::size_t i = first; i < n; ++i) {
        const ModelLayer& l = model.layers[i];
        const A& in = input_of(l, 0, image, out);
        switch (l.kind) {
            case OpKind::MaxPool:
                e.max_pool(i, l, in, out[i]);
                break;
            case OpKind::GlobalAvgPool:
                e.average_pool(i, l, in, out[i]);
                break;
            case OpKind::Add:
                e.add(i, l, in, input_of(l, 1, image, out), out[i]);
                break;
            case OpKind::Conv:
            case OpKind::FullyConnected:
                e.weighted(i, l, in, out[i]);
                break;
        }
    }
}

// Calls f(b, count) for each batch of at most `batch` images of [begin, end), counted from
// `begin` (count_correct splits ranges at the same boundaries).
template <class F>
void for_each_batch(std::int64_t begin, std::int64_t end, int batch, F&& f) {
    for (std::int64_t b = begin; b < end; b += batch)
        f(b, static_cast<int>(std::min<std::int64_t>(batch, end - b)));
}

}  // namespace serialq::quant::detail
