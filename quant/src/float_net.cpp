// FloatEngine and the float forward pass.
#include "float_forward.hpp"
#include "quantized_forward.hpp"
#include "serialq/quant/inference.hpp"

#include <algorithm>
#include <cmath>
#include <memory>
#include <mutex>
#include <shared_mutex>

namespace serialq::quant {

namespace detail {

void load_batch(const Dataset& data, std::int64_t begin, int count, FloatWorkspace& ws) {
    const std::int64_t px = data.pixels_per_image();
    ws.batch = count;
    ws.input.resize(1, count * px);
    const std::uint8_t* src = data.image(begin);
    float* dst = ws.input.data();
    for (std::int64_t i = 0; i < count * px; ++i)
        dst[i] = static_cast<float>(src[i]) * (1.0f / 255.0f);
}

namespace {

// y = gamma (x - mean) / sqrt(var + eps) + beta over the batch's own statistics, in place.
void batch_norm_train(Act<float>& x, const BatchNormParams& p, BatchNormState& st) {
    const float n = static_cast<float>(x.cols());
    st.mean = x.rowwise().sum() / n;
    x.colwise() -= st.mean;
    st.var = x.array().square().rowwise().sum().matrix() / n;
    st.inv_std = (st.var.array() + kBatchNormEpsilon).rsqrt().matrix();
    x = st.inv_std.asDiagonal() * x;
    st.normalized = x;
    x = p.gamma.asDiagonal() * x;
    x.colwise() += p.beta;
}

// Full precision: each layer in float, batch norm in training mode where a tensor has it, the
// ReLU after convs, fcs and adds; the buffers the backward pass reads kept in ws.
class FloatLayers {
public:
    FloatLayers(const std::vector<FloatLayerTensors>& tensors, FloatWorkspace& ws, bool keep_argmax)
        : tensors_(tensors), ws_(ws), keep_argmax_(keep_argmax) {}

    void max_pool(std::size_t i, const ModelLayer& l, const Act<float>& in, Act<float>& out) {
        maxpool(in.data(), l, ws_.batch, out, keep_argmax_ ? &ws_.argmax[i] : nullptr);
    }

    void average_pool(std::size_t, const ModelLayer& l, const Act<float>& in,
                      Act<float>& out) const {
        plane_sums(in, ws_.batch, out);
        out /= static_cast<float>(l.input.height * l.input.width);
    }

    void add(std::size_t, const ModelLayer& l, const Act<float>& p, const Act<float>& q,
             Act<float>& out) const {
        out = p + q;
        relu(l, out);
    }

    void weighted(std::size_t i, const ModelLayer& l, const Act<float>& in, Act<float>& out) {
        const FloatLayerTensors& t = tensors_[static_cast<std::size_t>(l.param)];
        weighted_sums(*t.weight, in, l, ws_.batch, ws_.cols[i], out);
        out.colwise() += *t.bias;
        if (t.bn) batch_norm_train(out, *t.bn, ws_.bn[i]);
        relu(l, out);
    }

private:
    static void relu(const ModelLayer& l, Act<float>& out) {
        if (l.relu) out = out.cwiseMax(0.0f);
    }

    const std::vector<FloatLayerTensors>& tensors_;
    FloatWorkspace& ws_;
    const bool keep_argmax_;
};

}  // namespace

void float_forward(const Model& model, const std::vector<FloatLayerTensors>& tensors,
                   FloatWorkspace& ws, bool keep_argmax) {
    const std::size_t n = model.layers.size();
    ws.cols.resize(n);
    ws.argmax.resize(n);
    ws.bn.resize(n);
    FloatLayers layers(tensors, ws, keep_argmax);
    walk_layers(model, 0, ws.input, ws.out, layers);
}

}  // namespace detail

namespace {

// Workspaces (im2col buffers and activations: about 25 MB per thread for LeNet at the default
// batch) outlive the engines that use them. Allocated afresh for every evaluation, their first
// touch cost more in page faults than the arithmetic that fills them (perf: about 17 % of a
// builtin oracle evaluation), and the builtin oracle makes a new engine per configuration.
// predict() borrows one here and gives it back; the pool holds at most one per thread that
// ever ran at once.
struct EngineWorkspace {
    detail::FloatWorkspace plain;  // full precision
    detail::QuantizedWorkspace<float> quantized;  // quantized mode
};

class WorkspacePool {
public:
    std::unique_ptr<EngineWorkspace> acquire() {
        std::lock_guard<std::mutex> lock(mutex_);
        if (free_.empty()) return std::make_unique<EngineWorkspace>();
        std::unique_ptr<EngineWorkspace> ws = std::move(free_.back());
        free_.pop_back();
        return ws;
    }
    void release(std::unique_ptr<EngineWorkspace> ws) {
        std::lock_guard<std::mutex> lock(mutex_);
        free_.push_back(std::move(ws));
    }

private:
    std::mutex mutex_;
    std::vector<std::unique_ptr<EngineWorkspace>> free_;
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
    EngineWorkspace& get() { return *ws_; }

private:
    std::unique_ptr<EngineWorkspace> ws_;
};

}  // namespace

struct FloatEngine::Impl {
    const Model* model = nullptr;
    // Full precision: real weights and biases, through detail::float_forward.
    std::vector<WeightMatrix> weights;
    std::vector<Eigen::VectorXf> biases;
    std::vector<detail::FloatLayerTensors> tensors;

    // Quantized: the integer codes held in floats.
    bool quantized = false;
    detail::QuantizedProgram<float> program;
    std::shared_ptr<PrefixStore> store;
    std::uint64_t generation = 0;

    void link() {
        for (std::size_t i = 0; i < tensors.size(); ++i) {
            tensors[i].weight = &weights[i];
            tensors[i].bias = &biases[i];
        }
    }

    // The class scores of images [begin, begin + count) into scores (classes x count).
    void scores(const Dataset& data, std::int64_t begin, int count, EngineWorkspace& ws,
                detail::Act<float>& scores) const;
};

FloatEngine::FloatEngine(const Model& model, int batch)
    : impl_(std::make_unique<Impl>()), batch_(batch) {
    impl_->model = &model;
    // Inference uses the running statistics: batch norm folded into the weights.
    for (const auto& p : fold_batch_norm(model).params) {
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
    impl_->program = detail::compile_quantized<float>(model, q);
}

FloatEngine::~FloatEngine() = default;

void FloatEngine::reuse_prefixes(std::shared_ptr<PrefixStore> store, std::uint64_t generation) {
    // Inexact float sums may round differently with the batch's composition: only exact
    // arithmetic makes stored codes interchangeable with recomputed ones.
    if (!impl_->quantized || !impl_->program.exact) return;
    impl_->store = std::move(store);
    impl_->generation = generation;
}

bool FloatEngine::exact() const { return !impl_->quantized || impl_->program.exact; }

void FloatEngine::Impl::scores(const Dataset& data, std::int64_t begin, int count,
                               EngineWorkspace& ws, detail::Act<float>& out) const {
    if (!quantized) {
        detail::load_batch(data, begin, count, ws.plain);
        detail::float_forward(*model, tensors, ws.plain, false);
        out = ws.plain.out.back();
        return;
    }
    // The quantized network on codes: pixel bytes in, codes through every hidden layer.
    if (!store) {
        detail::run_quantized(program, data, begin, count, 0, ws.quantized, &out);
        return;
    }
    std::shared_lock lock(store->mutex());
    if (store->generation() != generation) {  // a newer configuration owns the store
        detail::run_quantized(program, data, begin, count, 0, ws.quantized, &out);
        return;
    }
    const auto& cuts = store->cuts();
    auto& acts = ws.quantized.out;
    acts.resize(model->layers.size());
    const int from = store->deepest_stored(begin, count);
    std::size_t first = 0;
    if (from >= 0) {
        const PrefixStore::Cut& c = cuts[static_cast<std::size_t>(from)];
        const ModelLayer& t = model->layers[static_cast<std::size_t>(c.tensor)];
        auto& a = acts[static_cast<std::size_t>(c.tensor)];
        a.resize(t.output.channels,
                 static_cast<Eigen::Index>(count) * t.output.height * t.output.width);
        store->load(from, begin, count, a.data());
        first = c.layer;
    }
    detail::run_quantized(program, data, begin, count, first, ws.quantized, &out);
    for (std::size_t c = static_cast<std::size_t>(from + 1); c < cuts.size(); ++c)
        store->save(static_cast<int>(c), begin, count,
                    acts[static_cast<std::size_t>(cuts[c].tensor)].data());
}

void FloatEngine::predict(const Dataset& data, std::int64_t begin, std::int64_t end,
                          int* predictions) const {
    BorrowedWorkspace ws;
    detail::Act<float> scores;
    detail::for_each_batch(begin, end, batch_, [&](std::int64_t b, int count) {
        impl_->scores(data, b, count, ws.get(), scores);
        detail::argmax_columns(scores, predictions + (b - begin));
    });
}

Eigen::MatrixXf FloatEngine::probabilities(const Dataset& data, std::int64_t begin,
                                           std::int64_t end) const {
    Eigen::MatrixXf out(impl_->model->classes(), std::max<std::int64_t>(0, end - begin));
    BorrowedWorkspace ws;
    detail::Act<float> scores;
    detail::for_each_batch(begin, end, batch_, [&](std::int64_t b, int count) {
        impl_->scores(data, b, count, ws.get(), scores);
        // Softmax per column, shifted by the column's maximum so that exp never overflows.
        for (int c = 0; c < count; ++c) {
            const Eigen::ArrayXf e = (scores.col(c).array() - scores.col(c).maxCoeff()).exp();
            out.col(b - begin + c) = (e / e.sum()).matrix();
        }
    });
    return out;
}

}  // namespace serialq::quant
