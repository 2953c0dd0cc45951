#pragma once
// What the quant tests share: random images, and the built-in model's function written
// naively, independently of the engines.
#include "serialq/quant/idx_dataset.hpp"
#include "serialq/quant/model.hpp"
#include "serialq/quant/weights_file.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <random>
#include <vector>

namespace serialq::test {

using namespace serialq::quant;

// `count` random side x side images with random labels 0..9.
inline Dataset random_images(int count, int side, std::uint64_t seed) {
    Dataset d;
    d.description = "random images";
    d.rows = d.cols = side;
    std::mt19937_64 rng(seed);
    std::uniform_int_distribution<int> px(0, 255), cls(0, 9);
    for (int i = 0; i < count * side * side; ++i)
        d.pixels.push_back(static_cast<std::uint8_t>(px(rng)));
    for (int i = 0; i < count; ++i) d.labels.push_back(static_cast<std::uint8_t>(cls(rng)));
    return d;
}

struct Tensor {
    int c = 0, h = 0, w = 0;
    std::vector<double> v;
    double& at(int ci, int y, int x) { return v[static_cast<std::size_t>((ci * h + y) * w + x)]; }
    double at(int ci, int y, int x) const {
        return v[static_cast<std::size_t>((ci * h + y) * w + x)];
    }
};

// Softmax of the scores for one image, straight from the definitions: CHW layout, the weights
// in the file's (PyTorch) order, batch norm with the running statistics, in double.
inline std::vector<double> reference_probabilities(const Model& m, const WeightsFile& f,
                                                   const Dataset& d, std::int64_t image) {
    Tensor x{1, d.rows, d.cols, {}};
    for (std::int64_t i = 0; i < d.pixels_per_image(); ++i)
        x.v.push_back(d.image(image)[i] / 255.0);
    std::vector<Tensor> out;
    for (const auto& l : m.layers) {
        const Tensor& in = l.inputs[0] < 0 ? x : out[static_cast<std::size_t>(l.inputs[0])];
        Tensor y{l.output.channels, l.output.height, l.output.width, {}};
        y.v.assign(static_cast<std::size_t>(y.c * y.h * y.w), 0.0);
        if (l.kind == OpKind::Add) {
            const Tensor& other = out[static_cast<std::size_t>(l.inputs[1])];
            for (std::size_t k = 0; k < y.v.size(); ++k) y.v[k] = in.v[k] + other.v[k];
        } else if (l.kind == OpKind::GlobalAvgPool) {
            for (int c = 0; c < y.c; ++c) {
                double s = 0;
                for (int i = 0; i < in.h; ++i)
                    for (int j = 0; j < in.w; ++j) s += in.at(c, i, j);
                y.at(c, 0, 0) = s / (in.h * in.w);
            }
        } else if (l.kind == OpKind::MaxPool) {
            for (int c = 0; c < y.c; ++c)
                for (int oy = 0; oy < y.h; ++oy)
                    for (int ox = 0; ox < y.w; ++ox) {
                        double best = -INFINITY;
                        for (int i = 0; i < l.kernel_h; ++i)
                            for (int j = 0; j < l.kernel_w; ++j) {
                                const int iy = oy * l.stride_h - l.pad_h + i,
                                          ix = ox * l.stride_w - l.pad_w + j;
                                if (iy >= 0 && iy < in.h && ix >= 0 && ix < in.w)
                                    best = std::max(best, in.at(c, iy, ix));
                            }
                        y.at(c, oy, ox) = best;
                    }
        } else {
            const NamedTensor* w = f.find(l.name + ".weight");
            const NamedTensor* b = f.find(l.name + ".bias");
            for (int o = 0; o < y.c; ++o)
                for (int oy = 0; oy < y.h; ++oy)
                    for (int ox = 0; ox < y.w; ++ox) {
                        double s = b->values[static_cast<std::size_t>(o)];
                        if (l.kind == OpKind::FullyConnected) {
                            for (std::size_t k = 0; k < in.v.size(); ++k)
                                s += w->values[static_cast<std::size_t>(o) * in.v.size() + k] *
                                     in.v[k];
                        } else {
                            for (int c = 0; c < in.c; ++c)
                                for (int i = 0; i < l.kernel_h; ++i)
                                    for (int j = 0; j < l.kernel_w; ++j) {
                                        const int iy = oy * l.stride_h - l.pad_h + i;
                                        const int ix = ox * l.stride_w - l.pad_w + j;
                                        if (iy < 0 || iy >= in.h || ix < 0 || ix >= in.w) continue;
                                        s += w->values[static_cast<std::size_t>(
                                                 ((o * in.c + c) * l.kernel_h + i) * l.kernel_w +
                                                 j)] *
                                             in.at(c, iy, ix);
                                    }
                        }
                        if (l.batch_norm) {
                            const auto bn = [&](const char* t) {
                                return static_cast<double>(
                                    f.find(l.name + t)->values[static_cast<std::size_t>(o)]);
                            };
                            s = bn(".bn.weight") * (s - bn(".bn.running_mean")) /
                                    std::sqrt(bn(".bn.running_var") + kBatchNormEpsilon) +
                                bn(".bn.bias");
                        }
                        y.at(o, oy, ox) = s;
                    }
        }
        if (l.relu)
            for (double& v : y.v) v = std::max(0.0, v);
        out.push_back(std::move(y));
    }
    const std::vector<double>& s = out.back().v;
    double top = -INFINITY, sum = 0;
    for (double v : s) top = std::max(top, v);
    std::vector<double> p;
    for (double v : s) p.push_back(std::exp(v - top)), sum += p.back();
    for (double& v : p) v /= sum;
    return p;
}

}  // namespace serialq::test
