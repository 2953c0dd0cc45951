// FloatEngine and the float forward pass.
#include "float_forward.hpp"
#include "requantize.hpp"
#include "serialq/quant/inference.hpp"

#include <algorithm>
#include <cmath>
#include <memory>
#include <mutex>

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

namespace {

// Workspaces (im2col buffers and activations: about 25 MB per thread for LeNet at the default
// batch) outlive the engines that use them. Allocated afresh for every evaluation, their first
// touch cost more in page faults than the arithmetic that fills them (perf: about 17 % of a
// builtin oracle evaluation), and the builtin oracle makes a new engine per configuration.
// predict() borrows one here and gives it back; the pool holds at most one per thread that
// ever ran at once.
class WorkspacePool {
public:
    std::unique_ptr<detail::FloatWorkspace> acquire() {
        std::lock_guard<std::mutex> lock(mutex_);
        if (free_.empty()) return std::make_unique<detail::FloatWorkspace>();
        std::unique_ptr<detail::FloatWorkspace> ws = std::move(free_.back());
        free_.pop_back();
        return ws;
    }
    void release(std::unique_ptr<detail::FloatWorkspace> ws) {
        std::lock_guard<std::mutex> lock(mutex_);
        free_.push_back(std::move(ws));
    }

private:
    std::mutex mutex_;
    std::vector<std::unique_ptr<detail::FloatWorkspace>> free_;
};

WorkspacePool& workspace_pool() {
    static WorkspacePool pool;
    return pool;
}

// A workspace borrowed for one scope.
class BorrowedWorkspace {
public:
    BorrowedWorkspace() : ws_(workspace_pool().acquire()) {}
    ~BorrowedWorkspace() { workspace_pool().release(std::move(ws_)); }
    BorrowedWorkspace(const BorrowedWorkspace&) = delete;
    BorrowedWorkspace& operator=(const BorrowedWorkspace&) = delete;
    detail::FloatWorkspace& get() { return *ws_; }

private:
    std::unique_ptr<detail::FloatWorkspace> ws_;
};

}  // namespace

struct FloatEngine::Impl {
    const Model* model = nullptr;
    // Full precision: real weights and biases, through detail::float_forward.
    std::vector<WeightMatrix> weights;
    std::vector<Eigen::VectorXf> biases;
    std::vector<detail::FloatLayerTensors> tensors;

    // Quantized: per conv/fc layer, the integer codes held in floats.
    struct QuantizedLayer {
        WeightMatrix weight;                       // weight codes (out x reduction)
        Eigen::Matrix<std::int32_t, Eigen::Dynamic, 1> bias;  // bias codes at scale s_w s_x
        std::vector<double> multiplier;            // the requant multipliers as doubles
        // Hidden layers: accumulator -> code as detail::requantize does, (a * mult + round) >>
        // shift per output row, with its special cases folded in so that the loop has no
        // branch and vectorizes. Empty for the last layer.
        std::vector<std::int64_t> requant_mult, requant_round, requant_shift;
        Eigen::VectorXf score_scale;               // last layer: accumulator -> score
    };
    bool quantized = false;
    bool exact = true;
    std::vector<QuantizedLayer> layers;
    std::int64_t max_code = 0;

    void link() {
        for (std::size_t i = 0; i < tensors.size(); ++i) {
            tensors[i].weight = &weights[i];
            tensors[i].bias = &biases[i];
        }
    }

    // The class scores of images [begin, begin + count) into scores (classes x count).
    void scores(const Dataset& data, std::int64_t begin, int count, detail::FloatWorkspace& ws,
                detail::Act<float>& scores) const;
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
    impl_->quantized = true;
    impl_->max_code = q.activation_max_code();
    std::int64_t input_max = 255;  // pixel bytes
    for (std::size_t i = 0; i < q.layers.size(); ++i) {
        const QuantizedLayer& ql = q.layers[i];
        Impl::QuantizedLayer l;
        l.weight = ql.weight.codes.cast<float>();
        l.bias = ql.bias;
        // Floats hold integers exactly up to 2^24: below it every product and partial sum of
        // the GEMM is exact whatever the summation order, and so equals the integer engine's
        // int32 arithmetic. The bias (its code can be large) is added afterwards in int64.
        const Eigen::Matrix<std::int32_t, Eigen::Dynamic, 1> no_bias =
            Eigen::Matrix<std::int32_t, Eigen::Dynamic, 1>::Zero(ql.bias.size());
        const std::int64_t worst = detail::worst_accumulator(ql.weight.codes, no_bias, input_max);
        if (worst >= (std::int64_t{1} << 24)) impl_->exact = false;
        if (i + 1 == q.layers.size()) {
            l.score_scale.resize(l.weight.rows());
            for (Eigen::Index o = 0; o < l.weight.rows(); ++o)
                l.score_scale[o] = ql.weight.scale(o) * ql.input_scale;
        } else {
            for (Eigen::Index o = 0; o < l.weight.rows(); ++o) {
                const detail::FixedPoint f = detail::to_fixed_point(
                    static_cast<double>(ql.weight.scale(o)) * ql.input_scale / ql.output_scale);
                l.multiplier.push_back(std::ldexp(static_cast<double>(f.multiplier), -f.shift));
                std::int64_t mult = f.multiplier, round = 0, shift = f.shift;
                if (f.shift >= 63) {
                    mult = 0;
                    shift = 0;
                } else if (f.shift <= 0) {
                    mult = f.multiplier * (std::int64_t{1} << -f.shift);
                    shift = 0;
                } else {
                    round = std::int64_t{1} << (f.shift - 1);
                }
                l.requant_mult.push_back(mult);
                l.requant_round.push_back(round);
                l.requant_shift.push_back(shift);
            }
        }
        impl_->layers.push_back(std::move(l));
        input_max = impl_->max_code;
    }
}

FloatEngine::~FloatEngine() = default;

bool FloatEngine::exact() const { return impl_->exact; }

void FloatEngine::Impl::scores(const Dataset& data, std::int64_t begin, int count,
                               detail::FloatWorkspace& ws, detail::Act<float>& out) const {
    if (!quantized) {
        detail::load_batch(data, begin, count, ws);
        detail::float_forward(*model, tensors, ws, false);
        out = ws.out.back();
        return;
    }
    // The quantized network on codes: pixel bytes in, codes through every hidden layer.
    const std::int64_t px = data.pixels_per_image();
    ws.batch = count;
    ws.input.resize(1, count * px);
    const std::uint8_t* src = data.image(begin);
    for (std::int64_t i = 0; i < count * px; ++i) ws.input.data()[i] = static_cast<float>(src[i]);
    const std::size_t n = model->layers.size();
    ws.out.resize(n);
    ws.cols.resize(n);
    const float top = static_cast<float>(max_code);
    for (std::size_t li = 0; li < n; ++li) {
        const ModelLayer& ml = model->layers[li];
        const detail::Act<float>& in = li == 0 ? ws.input : ws.out[li - 1];
        detail::Act<float>& acc = ws.out[li];
        if (ml.kind == OpKind::MaxPool) {
            detail::maxpool(in.data(), ml, count, acc, nullptr);
            continue;
        }
        const QuantizedLayer& l = layers[static_cast<std::size_t>(ml.param)];
        if (ml.kind == OpKind::Conv) {
            detail::im2col(in.data(), ml, count, ws.cols[li]);
            acc.noalias() = l.weight * ws.cols[li];
        } else {
            const Eigen::Map<const detail::Act<float>> x(in.data(), ml.reduction(), count);
            acc.noalias() = l.weight * x;
        }
        if (l.requant_mult.empty()) {
            out.resize(acc.rows(), acc.cols());
            for (Eigen::Index c = 0; c < acc.cols(); ++c)
                for (Eigen::Index o = 0; o < acc.rows(); ++o)
                    out(o, c) = (exact ? static_cast<float>(static_cast<std::int64_t>(acc(o, c)) + l.bias[o])
                                       : static_cast<float>(static_cast<double>(acc(o, c)) + l.bias[o])) *
                                l.score_scale[o];
            continue;
        }
        const Eigen::Index rows = acc.rows();
        if (exact) {
            // Integers: the integer engine's arithmetic, exactly (detail::requantize, clamped
            // to [0, top]: the ReLU). Written without branches so that it vectorizes: it runs
            // on every activation of every image.
            const std::int32_t* bias = l.bias.data();
            const std::int64_t* mult = l.requant_mult.data();
            const std::int64_t* round = l.requant_round.data();
            const std::int64_t* shift = l.requant_shift.data();
            const std::int64_t top_code = max_code;
            for (Eigen::Index c = 0; c < acc.cols(); ++c) {
                float* v = acc.col(c).data();
                for (Eigen::Index o = 0; o < rows; ++o) {
                    const std::int64_t a = static_cast<std::int64_t>(v[o]) + bias[o];
                    std::int64_t q = (a * mult[o] + round[o]) >> shift[o];
                    q = q < 0 ? 0 : q;
                    q = q > top_code ? top_code : q;
                    v[o] = static_cast<float>(q);
                }
            }
            continue;
        }
        // Beyond 2^24 the sums are rounded anyway; round(acc M) in double.
        for (Eigen::Index c = 0; c < acc.cols(); ++c)
            for (Eigen::Index o = 0; o < rows; ++o) {
                float& v = acc(o, c);
                const double a = static_cast<double>(v) + l.bias[o];
                const double code = std::floor(a * l.multiplier[static_cast<std::size_t>(o)] + 0.5);
                v = static_cast<float>(std::clamp(code, 0.0, static_cast<double>(top)));
            }
    }
}

void FloatEngine::predict(const Dataset& data, std::int64_t begin, std::int64_t end,
                          int* predictions) const {
    BorrowedWorkspace ws;
    detail::Act<float> scores;
    for (std::int64_t b = begin; b < end; b += batch_) {
        const int count = static_cast<int>(std::min<std::int64_t>(batch_, end - b));
        impl_->scores(data, b, count, ws.get(), scores);
        detail::argmax_columns(scores, predictions + (b - begin));
    }
}

Eigen::MatrixXf FloatEngine::probabilities(const Dataset& data, std::int64_t begin,
                                           std::int64_t end) const {
    Eigen::MatrixXf out(impl_->model->classes(), std::max<std::int64_t>(0, end - begin));
    BorrowedWorkspace ws;
    detail::Act<float> scores;
    for (std::int64_t b = begin; b < end; b += batch_) {
        const int count = static_cast<int>(std::min<std::int64_t>(batch_, end - b));
        impl_->scores(data, b, count, ws.get(), scores);
        // Softmax per column, shifted by the column's maximum so that exp never overflows.
        for (int c = 0; c < count; ++c) {
            const Eigen::ArrayXf e = (scores.col(c).array() - scores.col(c).maxCoeff()).exp();
            out.col(b - begin + c) = (e / e.sum()).matrix();
        }
    }
    return out;
}

}  // namespace serialq::quant
