#include "serialq/quant/trainer.hpp"

#include "float_forward.hpp"
#include "serialq/common/error.hpp"
#include "serialq/quant/inference.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
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

// Adam moments for one parameter tensor.
struct AdamState {
    WeightMatrix m_w, v_w;
    Eigen::VectorXf m_b, v_b;
};

class Sgd {
public:
    Sgd(Model& model, double weight_decay) : model_(model), weight_decay_(weight_decay) {
        for (const auto& p : model.params) {
            AdamState s;
            s.m_w = s.v_w = WeightMatrix::Zero(p.weight.rows(), p.weight.cols());
            s.m_b = s.v_b = Eigen::VectorXf::Zero(p.bias.size());
            state_.push_back(std::move(s));
            grad_w_.push_back(s.m_w);
            grad_b_.push_back(s.m_b);
        }
    }

    // Forward on `tensors` (the weights the loss is taken at), backward, and one Adam step on
    // the model's float parameters. Returns the batch's mean loss.
    double step(const std::vector<detail::FloatLayerTensors>& tensors, detail::FloatWorkspace& ws,
                const std::vector<std::uint8_t>& labels, double lr) {
        const double loss = backward(tensors, ws, labels);
        ++t_;
        constexpr float b1 = 0.9f, b2 = 0.999f, eps = 1e-8f;
        const float c1 = 1.0f - std::pow(b1, static_cast<float>(t_));
        const float c2 = 1.0f - std::pow(b2, static_cast<float>(t_));
        const float a = static_cast<float>(lr);
        for (std::size_t i = 0; i < model_.params.size(); ++i) {
            LayerParams& p = model_.params[i];
            AdamState& s = state_[i];
            if (weight_decay_ > 0) grad_w_[i] += static_cast<float>(weight_decay_) * p.weight;
            s.m_w = b1 * s.m_w + (1 - b1) * grad_w_[i];
            s.v_w = b2 * s.v_w + (1 - b2) * grad_w_[i].cwiseAbs2();
            p.weight.array() -= a * (s.m_w.array() / c1) / ((s.v_w.array() / c2).sqrt() + eps);
            s.m_b = b1 * s.m_b + (1 - b1) * grad_b_[i];
            s.v_b = b2 * s.v_b + (1 - b2) * grad_b_[i].cwiseAbs2();
            p.bias.array() -= a * (s.m_b.array() / c1) / ((s.v_b.array() / c2).sqrt() + eps);
        }
        return loss;
    }

private:
    double backward(const std::vector<detail::FloatLayerTensors>& tensors,
                    detail::FloatWorkspace& ws, const std::vector<std::uint8_t>& labels) {
        const Model& model = model_;
        detail::float_forward(model, tensors, ws, true);
        const int batch = ws.batch;
        // Softmax cross-entropy: scores (classes x batch).
        const Act<float>& scores = ws.out.back();
        grad_ = scores;
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
                next_.setZero(in.rows(), in.cols());
                const auto& arg = ws.argmax[i];
                for (Eigen::Index k = 0; k < grad_.size(); ++k)
                    next_.data()[arg[static_cast<std::size_t>(k)]] += grad_.data()[k];
                std::swap(grad_, next_);
                continue;
            }
            const std::size_t p = static_cast<std::size_t>(l.param);
            if (l.relu) grad_ = (ws.out[i].array() > 0.0f).select(grad_, 0.0f);
            grad_b_[p] = grad_.rowwise().sum();
            const WeightMatrix& w = *tensors[p].weight;
            if (l.kind == OpKind::Conv) {
                grad_w_[p].noalias() = grad_ * ws.cols[i].transpose();
                if (i > 0) {
                    dcols_.noalias() = w.transpose() * grad_;
                    next_.resize(in.rows(), in.cols());
                    detail::col2im(dcols_, l, batch, next_.data());
                }
            } else {
                const Eigen::Map<const Act<float>> x(in.data(), l.reduction(), batch);
                grad_w_[p].noalias() = grad_ * x.transpose();
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

    Model& model_;
    double weight_decay_;
    std::vector<AdamState> state_;
    std::vector<WeightMatrix> grad_w_;
    std::vector<Eigen::VectorXf> grad_b_;
    Act<float> grad_, next_, dcols_;
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
                                     const TrainOptions& options, const ProgressCallback& progress) {
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
    Sgd sgd(model, options.weight_decay);
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
                              (1.0 + std::cos(M_PI * static_cast<double>(global) / total_steps));
            sum += sgd.step(plain_tensors(model), ws, labels, lr);
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
    }
    return reports;
}

std::pair<double, double> finetune_quantized(Model& model, const std::vector<int>& bits,
                                             const Quantizer& quantizer, const Dataset& train,
                                             const FineTuneOptions& options) {
    options.check();
    check_data(model, train);
    if (options.steps == 0) return {0.0, 0.0};
    std::mt19937_64 rng(options.seed);
    std::vector<std::int64_t> order(static_cast<std::size_t>(train.size()));
    std::iota(order.begin(), order.end(), 0);
    std::shuffle(order.begin(), order.end(), rng);
    Sgd sgd(model, 0.0);
    detail::FloatWorkspace ws;
    std::vector<std::uint8_t> labels;
    std::vector<WeightMatrix> quantized(model.params.size());
    std::vector<detail::FloatLayerTensors> tensors(model.params.size());
    const int tenth = std::max(1, options.steps / 10);
    double first = 0, last = 0;
    std::int64_t cursor = 0;
    for (int s = 0; s < options.steps; ++s) {
        if (cursor + options.batch > train.size()) {
            std::shuffle(order.begin(), order.end(), rng);
            cursor = 0;
        }
        gather_batch(train, order, cursor, options.batch, ws, labels);
        cursor += options.batch;
        for (std::size_t i = 0; i < model.params.size(); ++i) {
            quantized[i] = quantizer.quantize(model.params[i].weight, bits[i]).dequantize();
            tensors[i] = {&quantized[i], &model.params[i].bias, 0.0f, 0.0f};
        }
        const double loss = sgd.step(tensors, ws, labels, options.learning_rate);
        if (s < tenth) first += loss / tenth;
        if (s >= options.steps - tenth) last += loss / tenth;
    }
    return {first, last};
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
