// IntegerEngine: integer codes through every layer, int32 accumulation, fixed-point
// requantisation (a 31-bit multiplier and a right shift, as gemmlowp and TFLite do).
#include "serialq/common/error.hpp"
#include "serialq/quant/inference.hpp"
#include "requantize.hpp"
#include "tensor_ops.hpp"

#include <cmath>
#include <limits>

namespace serialq::quant {

using detail::Act;
using detail::FixedPoint;

struct IntegerEngine::Impl {
    struct Layer {
        CodeMatrix weight;
        Eigen::Matrix<std::int32_t, Eigen::Dynamic, 1> bias;
        std::vector<FixedPoint> requant;  // hidden layers: accumulator -> output code
        Eigen::VectorXf score_scale;      // last layer: accumulator -> class score
    };
    const Model* model = nullptr;
    std::vector<Layer> layers;
    std::int32_t max_code = 0;
};

IntegerEngine::IntegerEngine(const Model& model, const QuantizedNetwork& q, int batch)
    : impl_(std::make_unique<Impl>()), batch_(batch) {
    impl_->model = &model;
    impl_->max_code = q.activation_max_code();
    std::int64_t input_max = 255;  // pixel bytes
    for (std::size_t i = 0; i < q.layers.size(); ++i) {
        const QuantizedLayer& ql = q.layers[i];
        Impl::Layer l;
        l.weight = ql.weight.codes;
        l.bias = ql.bias;
        const std::int64_t worst = detail::worst_accumulator(l.weight, l.bias, input_max);
        if (worst > std::numeric_limits<std::int32_t>::max())
            throw ConfigError("integer engine: layer " + model.params[i].name + " at " +
                              std::to_string(q.bits[i]) + " bits could overflow a 32-bit "
                              "accumulator (worst case " + std::to_string(worst) +
                              "), expected fewer weight or activation bits, or the float engine");
        const bool last = i + 1 == q.layers.size();
        if (last) {
            l.score_scale.resize(l.weight.rows());
            for (Eigen::Index o = 0; o < l.weight.rows(); ++o)
                l.score_scale[o] = ql.weight.scale(o) * ql.input_scale;
        } else {
            for (Eigen::Index o = 0; o < l.weight.rows(); ++o)
                l.requant.push_back(detail::to_fixed_point(static_cast<double>(ql.weight.scale(o)) *
                                                   ql.input_scale / ql.output_scale));
        }
        impl_->layers.push_back(std::move(l));
        input_max = impl_->max_code;
    }
}

IntegerEngine::~IntegerEngine() = default;

void IntegerEngine::predict(const Dataset& data, std::int64_t begin, std::int64_t end,
                            int* predictions) const {
    const Model& model = *impl_->model;
    const std::int64_t px = data.pixels_per_image();
    std::vector<Act<std::int32_t>> out(model.layers.size());
    Act<std::int32_t> input, cols, acc;
    for (std::int64_t b0 = begin; b0 < end; b0 += batch_) {
        const int batch = static_cast<int>(std::min<std::int64_t>(batch_, end - b0));
        input.resize(1, batch * px);
        const std::uint8_t* src = data.image(b0);
        for (std::int64_t i = 0; i < batch * px; ++i) input.data()[i] = src[i];
        for (std::size_t li = 0; li < model.layers.size(); ++li) {
            const ModelLayer& ml = model.layers[li];
            const Act<std::int32_t>& in = li == 0 ? input : out[li - 1];
            if (ml.kind == OpKind::MaxPool) {
                detail::maxpool(in.data(), ml, batch, out[li], nullptr);
                continue;
            }
            const Impl::Layer& l = impl_->layers[static_cast<std::size_t>(ml.param)];
            if (ml.kind == OpKind::Conv) {
                detail::im2col(in.data(), ml, batch, cols);
                acc.noalias() = l.weight * cols;
            } else {
                const Eigen::Map<const Act<std::int32_t>> x(in.data(), ml.reduction(), batch);
                acc.noalias() = l.weight * x;
            }
            acc.colwise() += l.bias;
            if (!l.requant.empty()) {
                Act<std::int32_t>& y = out[li];
                y.resize(acc.rows(), acc.cols());
                const Eigen::Index rows = acc.rows();
                for (Eigen::Index c = 0; c < acc.cols(); ++c)
                    for (Eigen::Index o = 0; o < rows; ++o) {
                        const std::int64_t v = detail::requantize(acc(o, c), l.requant[static_cast<std::size_t>(o)]);
                        y(o, c) = static_cast<std::int32_t>(
                            std::clamp<std::int64_t>(v, 0, impl_->max_code));
                    }
            } else {
                for (Eigen::Index c = 0; c < acc.cols(); ++c) {
                    Eigen::Index best = 0;
                    (acc.col(c).cast<float>().array() * l.score_scale.array()).maxCoeff(&best);
                    predictions[b0 - begin + c] = static_cast<int>(best);
                }
            }
        }
    }
}

}  // namespace serialq::quant
