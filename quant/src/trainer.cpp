#include "serialq/quant/trainer.hpp"

#include "float_forward.hpp"
#include "serialq/common/error.hpp"
#include "serialq/quant/inference.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <numbers>
#include <memory>
#include <numeric>
#include <thread>
#include <tuple>

namespace serialq::quant {

void TrainOptions::check() const {
    const auto bad = [](const std::string& field, const std::string& found,
                        const std::string& exp) {
        throw ConfigError("train." + field + ": found " + found + ", expected " + exp);
    };
    if (epochs < 1 || epochs > 1000) bad("epochs", std::to_string(epochs), "1..1000");
    if (batch < 1 || batch > 4096) bad("batch", std::to_string(batch), "1..4096");
    if (!(learning_rate > 0 && learning_rate < 1))
        bad("learning_rate", std::to_string(learning_rate), "a number in (0, 1)");
    if (!(weight_decay >= 0 && weight_decay < 1))
        bad("weight_decay", std::to_string(weight_decay), "a number in [0, 1)");
    if (max_samples < 0) bad("max_samples", std::to_string(max_samples), "0 (all) or more");
    if (!(momentum >= 0 && momentum < 1))
        bad("momentum", std::to_string(momentum), "a number in [0, 1)");
    if (ghost_batch < 0 || ghost_batch > batch)
        bad("ghost_batch", std::to_string(ghost_batch),
            "0 (the whole batch) .. batch (" + std::to_string(batch) + ")");
    if (threads < 0) bad("threads", std::to_string(threads), "0 (all cores) or more");
}

void FineTuneOptions::check() const {
    const auto bad = [](const std::string& field, const std::string& found,
                        const std::string& exp) {
        throw ConfigError("finetune." + field + ": found " + found + ", expected " + exp);
    };
    if (steps < 0 || steps > 1000000) bad("steps", std::to_string(steps), "0..1000000");
    if (batch < 1 || batch > 4096) bad("batch", std::to_string(batch), "1..4096");
    if (!(learning_rate > 0 && learning_rate < 1))
        bad("learning_rate", std::to_string(learning_rate), "a number in (0, 1)");
}

namespace {

using detail::Act;

// Softmax cross-entropy and its backward pass through every layer, for the weights in
// `tensors` (the model's own, or their quantized values for fine-tuning). Buffers persist
// across batches, so a training step allocates nothing once the shapes have been seen.
class Backprop {
public:
    explicit Backprop(const Model& model) {
        for (const auto& p : model.params) {
            grad_w.push_back(WeightMatrix::Zero(p.weight.rows(), p.weight.cols()));
            grad_b.push_back(Eigen::VectorXf::Zero(p.bias.size()));
            grad_gamma.push_back(Eigen::VectorXf::Zero(p.bn.gamma.size()));
            grad_beta.push_back(Eigen::VectorXf::Zero(p.bn.beta.size()));
        }
    }

    // Forward on ws.input, then the gradients of the loss summed over the batch and divided by
    // `divisor` (the batch's size, or the whole step's when a step runs in several batches)
    // into the grad_ fields. Returns the summed loss.
    double run(const Model& model, const std::vector<detail::FloatLayerTensors>& tensors,
               detail::FloatWorkspace& ws, const std::uint8_t* labels, int divisor) {
        detail::float_forward(model, tensors, ws, true);
        const int batch = ws.batch;
        const std::size_t n = model.layers.size();
        grad_.resize(n);
        has_grad_.assign(n, false);
        // scores (classes x batch) -> d loss / d scores = (softmax - one_hot) / divisor
        Act<float>& top_grad = grad_[n - 1];
        top_grad = ws.out.back();
        has_grad_[n - 1] = true;
        double loss = 0;
        for (int c = 0; c < batch; ++c) {
            auto col = top_grad.col(c);
            const float top = col.maxCoeff();
            col = (col.array() - top).exp().matrix();
            const float sum = col.sum();
            col /= sum;
            const int y = labels[c];
            loss -= std::log(std::max(col[y], 1e-30f));
            col[y] -= 1.0f;
        }
        top_grad /= static_cast<float>(divisor);
        for (std::size_t i = n; i-- > 0;) {
            if (!has_grad_[i]) continue;  // an output nothing reads (cannot happen in a trace)
            const ModelLayer& l = model.layers[i];
            Act<float>& g = grad_[i];
            // Through the ReLU only where the output was positive.
            if (l.relu) g = (ws.out[i].array() > 0.0f).select(g, 0.0f);
            switch (l.kind) {
                case OpKind::MaxPool: {
                    // Each output's gradient goes to the input it copied.
                    const Act<float>& in = detail::input_of(l, 0, ws.input, ws.out);
                    next_.setZero(in.rows(), in.cols());
                    const auto& arg = ws.argmax[i];
                    for (Eigen::Index k = 0; k < g.size(); ++k)
                        next_.data()[arg[static_cast<std::size_t>(k)]] += g.data()[k];
                    pass(l, 0, next_);
                    break;
                }
                case OpKind::GlobalAvgPool: {
                    const Eigen::Index pixels =
                        static_cast<Eigen::Index>(l.input.height) * l.input.width;
                    next_.resize(l.input.channels, batch * pixels);
                    const float scale = 1.0f / static_cast<float>(pixels);
                    for (int b = 0; b < batch; ++b)
                        next_.middleCols(b * pixels, pixels).colwise() = g.col(b) * scale;
                    pass(l, 0, next_);
                    break;
                }
                case OpKind::Add:
                    pass(l, 0, g);
                    pass(l, 1, g);
                    break;
                case OpKind::Conv:
                case OpKind::FullyConnected:
                    weighted(l, i, tensors, ws, batch);
                    break;
            }
        }
        return loss;
    }

    std::vector<WeightMatrix> grad_w;
    std::vector<Eigen::VectorXf> grad_b, grad_gamma, grad_beta;

private:
    // Adds `g` to the gradient of layer l's k-th input (nothing for the image).
    void pass(const ModelLayer& l, std::size_t k, const Act<float>& g) {
        const int to = l.inputs[k];
        if (to < 0) return;
        const auto t = static_cast<std::size_t>(to);
        if (has_grad_[t]) {
            grad_[t] += g;
        } else {
            grad_[t] = g;
            has_grad_[t] = true;
        }
    }

    void weighted(const ModelLayer& l, std::size_t i,
                  const std::vector<detail::FloatLayerTensors>& tensors, detail::FloatWorkspace& ws,
                  int batch) {
        const std::size_t p = static_cast<std::size_t>(l.param);
        Act<float>& g = grad_[i];  // (out x batch*oh*ow)
        if (tensors[p].bn) {
            // Batch norm's backward pass with the batch's statistics: with xh the normalized
            // values, dx = gamma / (N sigma) (N dy - sum(dy) - xh sum(dy xh)) per channel.
            const detail::BatchNormState& st = ws.bn[i];
            const float n = static_cast<float>(g.cols());
            grad_beta[p] = g.rowwise().sum();
            grad_gamma[p] = g.cwiseProduct(st.normalized).rowwise().sum();
            const Eigen::VectorXf k = tensors[p].bn->gamma.cwiseProduct(st.inv_std) / n;
            g = n * g;
            g.colwise() -= grad_beta[p];
            g -= grad_gamma[p].asDiagonal() * st.normalized;
            g = k.asDiagonal() * g;
        }
        grad_b[p] = g.rowwise().sum();
        const WeightMatrix& w = *tensors[p].weight;
        const bool first = l.inputs[0] < 0;
        if (l.kind == OpKind::Conv) {
            // dW (out x K) = grad (out x P) cols^T (P x K); dcols (K x P) = W^T grad
            grad_w[p].noalias() = g * ws.cols[i].transpose();
            if (first) return;
            dcols_.noalias() = w.transpose() * g;
            const Act<float>& in = detail::input_of(l, 0, ws.input, ws.out);
            next_.resize(in.rows(), in.cols());
            detail::col2im(dcols_, l, batch, next_.data());
        } else {
            // x: (reduction x batch), the input flattened per image
            const Act<float>& in = detail::input_of(l, 0, ws.input, ws.out);
            const Eigen::Map<const Act<float>> x(in.data(), l.reduction(), batch);
            grad_w[p].noalias() = g * x.transpose();
            if (first) return;
            next_.resize(in.rows(), in.cols());
            Eigen::Map<Act<float>>(next_.data(), l.reduction(), batch).noalias() =
                w.transpose() * g;
        }
        pass(l, 0, next_);
    }

    std::vector<Act<float>> grad_;  // per layer: d loss / d output
    std::vector<bool> has_grad_;
    Act<float> next_, dcols_;
};

// Adam on the model's float parameters, with an optional L2 penalty on the weights.
class Adam {
public:
    Adam(const Model& model, double weight_decay) : weight_decay_(weight_decay) {
        for (const auto& p : model.params) {
            m_w_.push_back(WeightMatrix::Zero(p.weight.rows(), p.weight.cols()));
            v_w_.push_back(m_w_.back());
            m_b_.push_back(Eigen::VectorXf::Zero(p.bias.size()));
            v_b_.push_back(m_b_.back());
            m_gamma_.push_back(Eigen::VectorXf::Zero(p.bn.gamma.size()));
            v_gamma_.push_back(m_gamma_.back());
            m_beta_.push_back(m_gamma_.back());
            v_beta_.push_back(m_gamma_.back());
        }
    }

    void step(Model& model, Backprop& g, double lr) {
        ++t_;
        // Bias-corrected step size: a / (1 - b1^t) * sqrt(1 - b2^t) folded into the update.
        const float c1 = 1.0f - std::pow(kBeta1, static_cast<float>(t_));
        const float c2 = 1.0f - std::pow(kBeta2, static_cast<float>(t_));
        const float a = static_cast<float>(lr);
        for (std::size_t i = 0; i < model.params.size(); ++i) {
            LayerParams& p = model.params[i];
            if (weight_decay_ > 0) g.grad_w[i] += static_cast<float>(weight_decay_) * p.weight;
            auto mw = m_w_[i].array(), vw = v_w_[i].array();
            const auto gw = g.grad_w[i].array();
            mw = kBeta1 * mw + (1 - kBeta1) * gw;
            vw = kBeta2 * vw + (1 - kBeta2) * gw.square();
            p.weight.array() -= a * (mw / c1) / ((vw / c2).sqrt() + kEps);
            auto mb = m_b_[i].array(), vb = v_b_[i].array();
            const auto gb = g.grad_b[i].array();
            mb = kBeta1 * mb + (1 - kBeta1) * gb;
            vb = kBeta2 * vb + (1 - kBeta2) * gb.square();
            p.bias.array() -= a * (mb / c1) / ((vb / c2).sqrt() + kEps);
            if (p.bn.empty()) continue;
            for (auto [value, grad, m, v] :
                 {std::tuple{&p.bn.gamma, &g.grad_gamma[i], &m_gamma_[i], &v_gamma_[i]},
                  std::tuple{&p.bn.beta, &g.grad_beta[i], &m_beta_[i], &v_beta_[i]}}) {
                m->array() = kBeta1 * m->array() + (1 - kBeta1) * grad->array();
                v->array() = kBeta2 * v->array() + (1 - kBeta2) * grad->array().square();
                value->array() -= a * (m->array() / c1) / ((v->array() / c2).sqrt() + kEps);
            }
        }
    }

private:
    static constexpr float kBeta1 = 0.9f, kBeta2 = 0.999f, kEps = 1e-8f;

    double weight_decay_;
    std::vector<WeightMatrix> m_w_, v_w_;
    std::vector<Eigen::VectorXf> m_b_, v_b_, m_gamma_, v_gamma_, m_beta_, v_beta_;
    std::int64_t t_ = 0;
};

// SGD with momentum as PyTorch's torch.optim.SGD computes it: v = mu v + (g + lambda w),
// w -= lr v; the L2 penalty lambda on conv/fc weights only (not biases, not batch norm).
class Sgd {
public:
    Sgd(const Model& model, double momentum, double weight_decay)
        : momentum_(static_cast<float>(momentum)), weight_decay_(static_cast<float>(weight_decay)) {
        for (const auto& p : model.params) {
            v_w_.push_back(WeightMatrix::Zero(p.weight.rows(), p.weight.cols()));
            v_b_.push_back(Eigen::VectorXf::Zero(p.bias.size()));
            v_gamma_.push_back(Eigen::VectorXf::Zero(p.bn.gamma.size()));
            v_beta_.push_back(v_gamma_.back());
        }
    }

    void step(Model& model, Backprop& g, double lr) {
        const float a = static_cast<float>(lr);
        for (std::size_t i = 0; i < model.params.size(); ++i) {
            LayerParams& p = model.params[i];
            v_w_[i] = momentum_ * v_w_[i] + g.grad_w[i] + weight_decay_ * p.weight;
            p.weight -= a * v_w_[i];
            update(p.bias, g.grad_b[i], v_b_[i], a);
            if (p.bn.empty()) continue;
            update(p.bn.gamma, g.grad_gamma[i], v_gamma_[i], a);
            update(p.bn.beta, g.grad_beta[i], v_beta_[i], a);
        }
    }

private:
    void update(Eigen::VectorXf& value, const Eigen::VectorXf& grad, Eigen::VectorXf& v, float a) {
        v = momentum_ * v + grad;
        value -= a * v;
    }

    float momentum_, weight_decay_;
    std::vector<WeightMatrix> v_w_;
    std::vector<Eigen::VectorXf> v_b_, v_gamma_, v_beta_;
};

// The step's images [first, first + count) of `order`, as floats in [0, 1]. With `augment`,
// each image is shifted by up to kShiftPixels in each direction (zeros fill in) and mirrored
// left-right with probability 1/2, the draws coming from `rng` in image order.
constexpr int kShiftPixels = 2;

void gather_batch(const Dataset& data, const std::vector<std::int64_t>& order, std::int64_t first,
                  int count, detail::FloatWorkspace& ws, std::vector<std::uint8_t>& labels,
                  bool augment = false, std::mt19937_64* rng = nullptr) {
    const std::int64_t px = data.pixels_per_image();
    ws.batch = count;
    ws.input.resize(1, count * px);
    labels.resize(static_cast<std::size_t>(count));
    std::uniform_int_distribution<int> shift(-kShiftPixels, kShiftPixels), coin(0, 1);
    for (int b = 0; b < count; ++b) {
        const std::int64_t idx = order[static_cast<std::size_t>(first + b)];
        const std::uint8_t* src = data.image(idx);
        float* dst = ws.input.data() + b * px;
        labels[static_cast<std::size_t>(b)] = data.labels[static_cast<std::size_t>(idx)];
        if (!augment) {
            for (std::int64_t k = 0; k < px; ++k)
                dst[k] = static_cast<float>(src[k]) * (1.0f / 255.0f);
            continue;
        }
        const int dy = shift(*rng), dx = shift(*rng);
        const bool mirror = coin(*rng) == 1;
        for (int y = 0; y < data.rows; ++y)
            for (int x = 0; x < data.cols; ++x) {
                const int sy = y + dy, sx = (mirror ? data.cols - 1 - x : x) + dx;
                const bool inside = sy >= 0 && sy < data.rows && sx >= 0 && sx < data.cols;
                dst[y * data.cols + x] =
                    inside ? static_cast<float>(src[sy * data.cols + sx]) * (1.0f / 255.0f) : 0.0f;
            }
    }
}

std::vector<detail::FloatLayerTensors> plain_tensors(const Model& model) {
    std::vector<detail::FloatLayerTensors> t;
    for (const auto& p : model.params)
        t.push_back({&p.weight, &p.bias, p.bn.empty() ? nullptr : &p.bn});
    return t;
}

void check_data(const Model& model, const Dataset& data) {
    if (model.input != Shape{1, data.rows, data.cols})
        throw ConfigError(
            model.trace_file + ": input: found " + std::to_string(model.input.channels) + "x" +
            std::to_string(model.input.height) + "x" + std::to_string(model.input.width) +
            ", expected 1x" + std::to_string(data.rows) + "x" + std::to_string(data.cols) +
            " (the images of " + data.description + ")");
    if (model.classes() != 10)
        throw ConfigError(model.trace_file + ": layers." + model.layers.back().name + ": found " +
                          std::to_string(model.classes()) +
                          " outputs, expected 10 (the classes of Fashion-MNIST)");
}

// One training step's forward and backward passes. The step's images are split into batches of
// `ghost_batch` (the whole step when 0), each normalized by its own batch statistics (ghost
// batch normalization: Hoffer, Hubara and Soudry, NeurIPS 2017) and run by its own Backprop,
// on up to `threads` threads; their gradients are then summed in batch order and the running
// statistics updated in batch order, so the result does not depend on the thread count.
class StepRunner {
public:
    StepRunner(const Model& model, int batch, int ghost_batch, int threads)
        : ghost_(ghost_batch > 0 ? std::min(ghost_batch, batch) : batch),
          threads_(threads > 0
                       ? threads
                       : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()))) {
        const int parts = (batch + ghost_ - 1) / ghost_;
        for (int k = 0; k < parts; ++k) parts_.push_back(std::make_unique<Part>(model));
    }

    // The step's images are in `step` (ws.input and labels); returns the summed loss. The
    // gradients (of the step's mean loss) are left in gradients().
    double run(Model& model, const std::vector<detail::FloatLayerTensors>& tensors,
               const detail::FloatWorkspace& step, const std::vector<std::uint8_t>& labels) {
        const int count = step.batch;
        const int parts = (count + ghost_ - 1) / ghost_;
        const std::int64_t px = step.input.cols() / count;
        auto work = [&](int k) {
            Part& part = *parts_[static_cast<std::size_t>(k)];
            const int first = k * ghost_, n = std::min(ghost_, count - first);
            part.ws.batch = n;
            part.ws.input = step.input.middleCols(first * px, n * px);
            part.loss = part.backprop.run(model, tensors, part.ws, labels.data() + first, count);
        };
        const int t = std::min(threads_, parts);
        std::vector<std::thread> workers;
        for (int w = 1; w < t; ++w)
            workers.emplace_back([&, w] {
                for (int k = w; k < parts; k += t) work(k);
            });
        for (int k = 0; k < parts; k += t) work(k);
        for (auto& w : workers) w.join();

        Backprop& sum = parts_[0]->backprop;
        double loss = parts_[0]->loss;
        for (int k = 1; k < parts; ++k) {
            const Backprop& b = parts_[static_cast<std::size_t>(k)]->backprop;
            for (std::size_t i = 0; i < sum.grad_w.size(); ++i) {
                sum.grad_w[i] += b.grad_w[i];
                sum.grad_b[i] += b.grad_b[i];
                sum.grad_gamma[i] += b.grad_gamma[i];
                sum.grad_beta[i] += b.grad_beta[i];
            }
            loss += parts_[static_cast<std::size_t>(k)]->loss;
        }
        for (int k = 0; k < parts; ++k)
            update_running_statistics(model, parts_[static_cast<std::size_t>(k)]->ws);
        return loss;
    }

    Backprop& gradients() { return parts_[0]->backprop; }

private:
    struct Part {
        explicit Part(const Model& model) : backprop(model) {}
        Backprop backprop;
        detail::FloatWorkspace ws;
        double loss = 0;
    };

    // PyTorch's update: running = (1 - m) running + m batch, with the unbiased batch variance.
    static void update_running_statistics(Model& model, const detail::FloatWorkspace& ws) {
        for (std::size_t i = 0; i < model.layers.size(); ++i) {
            const ModelLayer& l = model.layers[i];
            if (l.param < 0) continue;
            BatchNormParams& bn = model.params[static_cast<std::size_t>(l.param)].bn;
            if (bn.empty()) continue;
            const detail::BatchNormState& st = ws.bn[i];
            const float n = static_cast<float>(st.normalized.cols());
            const float unbiased = n > 1 ? n / (n - 1) : 1.0f;
            bn.mean = (1 - kBatchNormMomentum) * bn.mean + kBatchNormMomentum * st.mean;
            bn.var = (1 - kBatchNormMomentum) * bn.var + (kBatchNormMomentum * unbiased) * st.var;
        }
    }

    int ghost_, threads_;
    std::vector<std::unique_ptr<Part>> parts_;
};

}  // namespace

std::vector<EpochReport> train_model(Model& model, const Dataset& train, const Dataset* validation,
                                     const TrainOptions& options, const ProgressCallback& progress,
                                     const EpochCallback& on_epoch) {
    options.check();
    check_data(model, train);
    std::mt19937_64 rng(options.seed);
    initialize_parameters(model, rng);
    const std::int64_t n =
        options.max_samples > 0 ? std::min(options.max_samples, train.size()) : train.size();
    std::vector<std::int64_t> order(static_cast<std::size_t>(n));
    std::iota(order.begin(), order.end(), 0);
    const std::int64_t steps = (n + options.batch - 1) / options.batch;
    const std::int64_t total_steps = steps * options.epochs;
    StepRunner runner(model, options.batch, options.ghost_batch, options.threads);
    Adam adam(model, options.weight_decay);
    Sgd sgd(model, options.momentum, options.weight_decay);
    const std::vector<detail::FloatLayerTensors> tensors = plain_tensors(model);
    detail::FloatWorkspace ws;
    std::vector<std::uint8_t> labels;
    const auto start = std::chrono::steady_clock::now();
    const auto elapsed = [&] {
        return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    };
    std::vector<EpochReport> reports;
    std::int64_t global = 0;
    for (int epoch = 1; epoch <= options.epochs; ++epoch) {
        std::shuffle(order.begin(), order.end(), rng);
        double sum = 0;
        for (std::int64_t s = 0; s < steps; ++s, ++global) {
            const std::int64_t first = s * options.batch;
            const int count = static_cast<int>(std::min<std::int64_t>(options.batch, n - first));
            gather_batch(train, order, first, count, ws, labels, options.augment, &rng);
            const double lr = options.learning_rate * 0.5 *
                              (1.0 + std::cos(std::numbers::pi * static_cast<double>(global) /
                                              static_cast<double>(total_steps)));
            sum += runner.run(model, tensors, ws, labels) / count;
            if (options.optimizer == Optimizer::Sgd)
                sgd.step(model, runner.gradients(), lr);
            else
                adam.step(model, runner.gradients(), lr);
            if (progress) progress({epoch, options.epochs, s + 1, steps, sum / (s + 1), elapsed()});
        }
        EpochReport r{epoch, sum / steps, -1, 0};
        if (validation) {
            const FloatEngine engine(model);
            r.validation_accuracy_percent =
                100.0 * count_correct(engine, *validation, 0, validation->size(), options.threads) /
                static_cast<double>(validation->size());
        }
        r.seconds = elapsed();
        reports.push_back(r);
        if (on_epoch) on_epoch(r);
    }
    return reports;
}

std::pair<double, double> finetune_quantized(Model& model, const LayerBits& bits,
                                             const Quantizer& quantizer, const Dataset& train,
                                             const FineTuneOptions& options) {
    bits.expect(model.params.size(), "finetune: " + model.name);
    return finetune_quantized(model,
                              KernelBits::from_layer_bits(bits, weight_layer_channels(model)),
                              quantizer, train, options);
}

std::pair<double, double> finetune_quantized(Model& model, const KernelBits& bits,
                                             const Quantizer& quantizer, const Dataset& train,
                                             const FineTuneOptions& options) {
    options.check();
    check_data(model, train);
    expect_kernel_bits(model, bits, "finetune: " + model.name);
    if (options.steps == 0) return {0.0, 0.0};
    if (train.size() == 0)
        throw ConfigError("finetune: no training images in " + train.description);
    const int batch = static_cast<int>(std::min<std::int64_t>(options.batch, train.size()));
    std::mt19937_64 rng(options.seed);
    std::vector<std::int64_t> order(static_cast<std::size_t>(train.size()));
    std::iota(order.begin(), order.end(), 0);
    std::shuffle(order.begin(), order.end(), rng);
    Backprop backprop(model);
    Adam adam(model, 0.0);
    detail::FloatWorkspace ws;
    std::vector<std::uint8_t> labels;
    std::vector<WeightMatrix> quantized(model.params.size());
    std::vector<detail::FloatLayerTensors> tensors(model.params.size());
    const int tenth = std::max(1, options.steps / 10);
    double first = 0, last = 0;
    std::int64_t cursor = 0;
    for (int s = 0; s < options.steps; ++s) {
        if (cursor + batch > train.size()) {  // a new pass over the data, freshly shuffled
            std::shuffle(order.begin(), order.end(), rng);
            cursor = 0;
        }
        gather_batch(train, order, cursor, batch, ws, labels);
        cursor += batch;
        for (std::size_t i = 0; i < model.params.size(); ++i) {
            quantized[i] = quantizer.quantize(model.params[i].weight, bits.weights(i)).dequantize();
            tensors[i] = {&quantized[i], &model.params[i].bias, nullptr};
        }
        // Straight-through: the gradient at the quantized weights updates the float ones.
        const double loss = backprop.run(model, tensors, ws, labels.data(), batch) / batch;
        adam.step(model, backprop, options.learning_rate);
        if (s < tenth) first += loss / tenth;
        if (s >= options.steps - tenth) last += loss / tenth;
    }
    return {first, last};
}

double loss_and_gradients(const Model& model, const Dataset& data, std::int64_t begin, int count,
                          Gradients& gradients) {
    check_data(model, data);
    if (begin < 0 || count < 1 || begin + count > data.size())
        throw ConfigError("loss_and_gradients: images [" + std::to_string(begin) + ", " +
                          std::to_string(begin + count) + ") outside 0.." +
                          std::to_string(data.size()));
    detail::FloatWorkspace ws;
    detail::load_batch(data, begin, count, ws);
    const std::vector<std::uint8_t> labels(data.labels.begin() + begin,
                                           data.labels.begin() + begin + count);
    Backprop backprop(model);
    const double loss = backprop.run(model, plain_tensors(model), ws, labels.data(), count) / count;
    gradients.weight = std::move(backprop.grad_w);
    gradients.bias = std::move(backprop.grad_b);
    gradients.gamma = std::move(backprop.grad_gamma);
    gradients.beta = std::move(backprop.grad_beta);
    return loss;
}

double mean_loss(const Model& model, const Dataset& data, std::int64_t count) {
    count = std::min(count, data.size());
    detail::FloatWorkspace ws;
    const auto tensors = plain_tensors(model);
    double loss = 0;
    for (std::int64_t b = 0; b < count; b += 256) {
        const int n = static_cast<int>(std::min<std::int64_t>(256, count - b));
        detail::load_batch(data, b, n, ws);
        detail::float_forward(model, tensors, ws, false);
        const Act<float>& s = ws.out.back();
        for (int c = 0; c < n; ++c) {
            const float top = s.col(c).maxCoeff();
            const double lse = top + std::log((s.col(c).array() - top).exp().sum());
            loss += lse - s(data.labels[static_cast<std::size_t>(b + c)], c);
        }
    }
    return count > 0 ? loss / count : 0.0;
}

}  // namespace serialq::quant
