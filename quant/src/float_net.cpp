// FloatEngine and the float forward pass.
#include "float_forward.hpp"
#include "serialq/quant/inference.hpp"

#include <cmath>

namespace serialq::quant {

namespace detail {

void load_batch(const Dataset& data, std::int64_t begin, int count, FloatWorkspace& ws) {
    const std::int64_t px = data.pixels_per_image();
    ws.batch = count;
    ws.input.resize(1, count * px);
    const std::uint8_t* src = data.image(begin);
    float* dst = ws.input.data();
    for (std::int64_t i = 0; i < count * px; ++i) dst[i] = static_cast<float>(src[i]) * (1.0f / 255.0f);
}

void float_forward(const Model& model, const std::vector<FloatLayerTensors>& tensors,
                   FloatWorkspace& ws, bool keep_argmax) {
    const std::size_t n = model.layers.size();
    ws.out.resize(n);
    ws.cols.resize(n);
    ws.argmax.resize(n);
    const int batch = ws.batch;
    for (std::size_t i = 0; i < n; ++i) {
        const ModelLayer& l = model.layers[i];
        const Act<float>& in = i == 0 ? ws.input : ws.out[i - 1];
        Act<float>& out = ws.out[i];
        if (l.kind == OpKind::MaxPool) {
            maxpool(in.data(), l, batch, out, keep_argmax ? &ws.argmax[i] : nullptr);
            continue;
        }
        const FloatLayerTensors& t = tensors[static_cast<std::size_t>(l.param)];
        if (l.kind == OpKind::Conv) {
            im2col(in.data(), l, batch, ws.cols[i]);
            out.noalias() = *t.weight * ws.cols[i];
        } else {
            const Eigen::Map<const Act<float>> x(in.data(), l.reduction(), batch);
            out.noalias() = *t.weight * x;
        }
        out.colwise() += *t.bias;
        if (t.act_scale > 0.0f) {
            // ReLU and rounding to the activation codes: clamp(round(y / s), 0, max) * s.
            const float inv = 1.0f / t.act_scale;
            out = ((out.array() * inv).round().max(0.0f).min(t.act_max_code) * t.act_scale).matrix();
        } else if (l.relu) {
            out = out.cwiseMax(0.0f);
        }
    }
}

void argmax_columns(const Act<float>& scores, int* predictions) {
    for (Eigen::Index c = 0; c < scores.cols(); ++c) {
        Eigen::Index best = 0;
        scores.col(c).maxCoeff(&best);
        predictions[c] = static_cast<int>(best);
    }
}

}  // namespace detail

struct FloatEngine::Impl {
    const Model* model = nullptr;
    std::vector<WeightMatrix> weights;
    std::vector<Eigen::VectorXf> biases;
    std::vector<detail::FloatLayerTensors> tensors;

    void link() {
        for (std::size_t i = 0; i < tensors.size(); ++i) {
            tensors[i].weight = &weights[i];
            tensors[i].bias = &biases[i];
        }
    }
};

FloatEngine::FloatEngine(const Model& model, int batch) : impl_(std::make_unique<Impl>()), batch_(batch) {
    impl_->model = &model;
    for (const auto& p : model.params) {
        impl_->weights.push_back(p.weight);
        impl_->biases.push_back(p.bias);
    }
    impl_->tensors.resize(model.params.size());
    impl_->link();
}

FloatEngine::FloatEngine(const Model& model, const QuantizedNetwork& q, int batch)
    : impl_(std::make_unique<Impl>()), batch_(batch) {
    impl_->model = &model;
    impl_->tensors.resize(q.layers.size());
    for (std::size_t i = 0; i < q.layers.size(); ++i) {
        const QuantizedLayer& l = q.layers[i];
        impl_->weights.push_back(l.weight.dequantize());
        Eigen::VectorXf b(l.bias.size());
        for (Eigen::Index o = 0; o < b.size(); ++o)
            b[o] = static_cast<float>(l.bias[o]) * (l.weight.scale(o) * l.input_scale);
        impl_->biases.push_back(std::move(b));
        impl_->tensors[i].act_scale = l.output_scale;
        impl_->tensors[i].act_max_code = static_cast<float>(q.activation_max_code());
    }
    impl_->link();
}

FloatEngine::~FloatEngine() = default;

void FloatEngine::predict(const Dataset& data, std::int64_t begin, std::int64_t end,
                          int* predictions) const {
    detail::FloatWorkspace ws;
    for (std::int64_t b = begin; b < end; b += batch_) {
        const int count = static_cast<int>(std::min<std::int64_t>(batch_, end - b));
        detail::load_batch(data, b, count, ws);
        detail::float_forward(*impl_->model, impl_->tensors, ws, false);
        detail::argmax_columns(ws.out.back(), predictions + (b - begin));
    }
}

}  // namespace serialq::quant
