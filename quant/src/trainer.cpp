#include "serialq/quant/trainer.hpp"

#include "float_forward.hpp"
#include "serialq/common/error.hpp"
#include "serialq/quant/inference.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <numbers>
#include <numeric>

namespace serialq::quant {

void TrainOptions::check() const {
    const auto bad = [](const std::string& field, const std::string& found, const std::string& exp) {
        throw ConfigError("train." + field + ": found " + found + ", expected " + exp);
    };
    if (epochs < 1 || epochs > 1000) bad("epochs", std::to_string(epochs), "1..1000");
    if (batch < 1 || batch > 4096) bad("batch", std::to_string(batch), "1..4096");
    if (!(learning_rate > 0 && learning_rate < 1)) bad("learning_rate", std::to_string(learning_rate), "a number in (0, 1)");
    if (!(weight_decay >= 0 && weight_decay < 1)) bad("weight_decay", std::to_string(weight_decay), "a number in [0, 1)");
    if (max_samples < 0) bad("max_samples", std::to_string(max_samples), "0 (all) or more");
}

void FineTuneOptions::check() const {
    const auto bad = [](const std::string& field, const std::string& found, const std::string& exp) {
        throw ConfigError("finetune." + field + ": found " + found + ", expected " + exp);
    };
    if (steps < 0 || steps > 1000000) bad("steps", std::to_string(steps), "0..1000000");
    if (batch < 1 || batch > 4096) bad("batch", std::to_string(batch), "1..4096");
    if (!(learning_rate > 0 && learning_rate < 1)) bad("learning_rate", std::to_string(learning_rate), "a number in (0, 1)");
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
        }
    }

    // Forward on ws.input, then the gradients of the batch's mean loss into grad_w / grad_b.
    // Returns the mean loss.
    double run(const Model& model, const std::vector<detail::FloatLayerTensors>& tensors,
               detail::FloatWorkspace& ws, const std::vector<std::uint8_t>& labels) {
        detail::float_forward(model, tensors, ws, true);
        const int batch = ws.batch;
        // scores (classes x batch) -> d loss / d scores = (softmax - one_hot) / batch
        grad_ = ws.out.back();
        double loss = 0;
        for (int c = 0; c < batch; ++c) {
            auto col = grad_.col(c);
            const float top = col.maxCoeff();
            col = (col.array() - top).exp().matrix();
            const float sum = col.sum();
            col /= sum;
            const int y = labels[static_cast<std::size_t>(c)];
            loss -= std::log(std::max(col[y], 1e-30f));
            col[y] -= 1.0f;
        }
        grad_ /= static_cast<float>(batch);
        for (std::size_t i = model.layers.size(); i-- > 0;) {
            const ModelLayer& l = model.layers[i];
            const Act<float>& in = i == 0 ? ws.input : ws.out[i - 1];
            if (l.kind == OpKind::MaxPool) {
                // Each output's gradient goes to the input it copied.
                next_.setZero(in.rows(), in.cols());
                const auto& arg = ws.argmax[i];
                for (Eigen::Index k = 0; k < grad_.size(); ++k)
                    next_.data()[arg[static_cast<std::size_t>(k)]] += grad_.data()[k];
                std::swap(grad_, next_);
                continue;
            }
            const std::size_t p = static_cast<std::size_t>(l.param);
            // grad_: (out x batch*oh*ow); through the ReLU only where the output was positive.
            if (l.relu) grad_ = (ws.out[i].array() > 0.0f).select(grad_, 0.0f);
            grad_b[p] = grad_.rowwise().sum();
            const WeightMatrix& w = *tensors[p].weight;
            if (l.kind == OpKind::Conv) {
                // dW (out x K) = grad (out x P) cols^T (P x K); dcols (K x P) = W^T grad
                grad_w[p].noalias() = grad_ * ws.cols[i].transpose();
                if (i > 0) {
                    dcols_.noalias() = w.transpose() * grad_;
                    next_.resize(in.rows(), in.cols());
                    detail::col2im(dcols_, l, batch, next_.data());
                }
            } else {
                // x: (reduction x batch), the input flattened per image
                const Eigen::Map<const Act<float>> x(in.data(), l.reduction(), batch);
                grad_w[p].noalias() = grad_ * x.transpose();
                if (i > 0) {
                    next_.resize(in.rows(), in.cols());
                    Eigen::Map<Act<float>>(next_.data(), l.reduction(), batch).noalias() =
                        w.transpose() * grad_;
                }
            }
            if (i > 0) std::swap(grad_, next_);
        }
        return loss / batch;
    }

    std::vector<WeightMatrix> grad_w;
    std::vector<Eigen::VectorXf> grad_b;

private:
    Act<float> grad_, next_, dcols_;
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
        }
    }

private:
    static constexpr float kBeta1 = 0.9f, kBeta2 = 0.999f, kEps = 1e-8f;

    double weight_decay_;
    std::vector<WeightMatrix> m_w_, v_w_;
    std::vector<Eigen::VectorXf> m_b_, v_b_;
    std::int64_t t_ = 0;
};

void gather_batch(const Dataset& data, const std::vector<std::int64_t>& order, std::int64_t first,
                  int count, detail::FloatWorkspace& ws, std::vector<std::uint8_t>& labels) {
    const std::int64_t px = data.pixels_per_image();
    ws.batch = count;
    ws.input.resize(1, count * px);
    labels.resize(static_cast<std::size_t>(count));
    for (int b = 0; b < count; ++b) {
        const std::int64_t idx = order[static_cast<std::size_t>(first + b)];
        const std::uint8_t* src = data.image(idx);
        float* dst = ws.input.data() + b * px;
        for (std::int64_t k = 0; k < px; ++k) dst[k] = static_cast<float>(src[k]) * (1.0f / 255.0f);
        labels[static_cast<std::size_t>(b)] = data.labels[static_cast<std::size_t>(idx)];
    }
}

std::vector<detail::FloatLayerTensors> plain_tensors(const Model& model) {
    std::vector<detail::FloatLayerTensors> t;
    for (const auto& p : model.params) t.push_back({&p.weight, &p.bias, 0.0f, 0.0f});
    return t;
}

void check_data(const Model& model, const Dataset& data) {
    if (model.input != Shape{1, data.rows, data.cols})
        throw ConfigError(model.trace_file + ": input: found " +
                          std::to_string(model.input.channels) + "x" +
                          std::to_string(model.input.height) + "x" +
                          std::to_string(model.input.width) + ", expected 1x" +
                          std::to_string(data.rows) + "x" + std::to_string(data.cols) +
                          " (the images of " + data.description + ")");
    if (model.classes() != 10)
        throw ConfigError(model.trace_file + ": layers." + model.layers.back().name +
                          ": found " + std::to_string(model.classes()) +
                          " outputs, expected 10 (the classes of Fashion-MNIST)");
}

}  // namespace

std::vector<EpochReport> train_model(Model& model, const Dataset& train, const Dataset* validation,
                                     const TrainOptions& options, const ProgressCallback& progress,
                                     const EpochCallback& on_epoch) {
    options.check();
    check_data(model, train);
    std::mt19937_64 rng(options.seed);
    initialize_parameters(model, rng);
    const std::int64_t n = options.max_samples > 0 ? std::min(options.max_samples, train.size())
                                                   : train.size();
    std::vector<std::int64_t> order(static_cast<std::size_t>(n));
    std::iota(order.begin(), order.end(), 0);
    const std::int64_t steps = (n + options.batch - 1) / options.batch;
    const std::int64_t total_steps = steps * options.epochs;
    Backprop backprop(model);
    Adam adam(model, options.weight_decay);
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
            gather_batch(train, order, first, count, ws, labels);
            const double lr = options.learning_rate * 0.5 *
                              (1.0 + std::cos(std::numbers::pi * static_cast<double>(global) /
                                              static_cast<double>(total_steps)));
            sum += backprop.run(model, tensors, ws, labels);
            adam.step(model, backprop, lr);
            if (progress) progress({epoch, options.epochs, s + 1, steps, sum / (s + 1), elapsed()});
        }
        EpochReport r{epoch, sum / steps, -1, 0};
        if (validation) {
            const FloatEngine engine(model);
            r.validation_accuracy_percent =
                100.0 * count_correct(engine, *validation, 0, validation->size(), options.eval_threads) /
                static_cast<double>(validation->size());
        }
        r.seconds = elapsed();
        reports.push_back(r);
        if (on_epoch) on_epoch(r);
    }
    return reports;
}

std::pair<double, double> finetune_quantized(Model& model, const std::vector<int>& bits,
                                             const Quantizer& quantizer, const Dataset& train,
                                             const FineTuneOptions& options) {
    options.check();
    check_data(model, train);
    if (bits.size() != model.params.size())
        throw ConfigError("finetune: found " + std::to_string(bits.size()) + " bitwidths, expected " +
                          std::to_string(model.params.size()) + " (one per conv/fc layer of " +
                          model.name + ")");
    if (options.steps == 0) return {0.0, 0.0};
    if (train.size() == 0) throw ConfigError("finetune: no training images in " + train.description);
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
            quantized[i] = quantizer.quantize(model.params[i].weight, bits[i]).dequantize();
            tensors[i] = {&quantized[i], &model.params[i].bias, 0.0f, 0.0f};
        }
        // Straight-through: the gradient at the quantized weights updates the float ones.
        const double loss = backprop.run(model, tensors, ws, labels);
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
    const double loss = backprop.run(model, plain_tensors(model), ws, labels);
    gradients.weight = std::move(backprop.grad_w);
    gradients.bias = std::move(backprop.grad_b);
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
