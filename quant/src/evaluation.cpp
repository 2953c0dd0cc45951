// ModelEvaluator: the built-in model's evaluation for the builtin: oracle.
#include "serialq/quant/evaluation.hpp"

#include "serialq/common/bits_spec.hpp"
#include "serialq/common/error.hpp"
#include "serialq/common/network_loader.hpp"
#include "serialq/quant/oracle_hash.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <sstream>

namespace serialq::quant {

void EvaluationSettings::check() const {
    make_quantizer(quantizer, "quantizer");
    if (activation_bits != 0 && !kActivationBitsRange.contains(activation_bits))
        throw ConfigError("activation_bits: found " + std::to_string(activation_bits) +
                          ", expected 0 (float activations) or " + kActivationBitsRange.str());
    if (split == Split::Train)
        throw ConfigError(
            "split: found 'train', expected validation or test (the model was "
            "trained on train)");
    if (threads < 0)
        throw ConfigError("threads: found " + std::to_string(threads) +
                          ", expected 0 (all cores) or more");
    if (prefix_memory_bytes < 0)
        throw ConfigError("prefix_memory_bytes: found " + std::to_string(prefix_memory_bytes) +
                          ", expected 0 (no prefix reuse) or more");
    finetune.check();
}

namespace {

std::string hex32(std::uint32_t v) {
    char buf[9];
    std::snprintf(buf, sizeof buf, "%08x", v);
    return buf;
}

std::string shape_text(const Shape& s) {
    std::ostringstream o;
    o << s.channels << 'x' << s.height << 'x' << s.width;
    return o.str();
}

// The architecture as the engines run it: what the weights' CRC does not pin down.
std::string architecture(const Model& m) {
    std::ostringstream o;
    o << m.name << '[' << shape_text(m.input);
    for (const auto& l : m.layers) {
        o << ';' << l.name << ':' << to_string(l.kind) << ',' << shape_text(l.output);
        const std::size_t at = static_cast<std::size_t>(&l - m.layers.data());
        if (l.inputs !=
            std::vector<int>{static_cast<int>(at) - 1}) {  // not a chain: say where from
            o << ",from";
            for (int i : l.inputs)
                o << '='
                  << (i < 0 ? std::string("input") : m.layers[static_cast<std::size_t>(i)].name);
        }
        if (l.kind == OpKind::Conv || l.kind == OpKind::MaxPool)
            o << ",k" << l.kernel_h << 'x' << l.kernel_w << ",s" << l.stride_h << 'x' << l.stride_w
              << ",p" << l.pad_h << 'x' << l.pad_w;
        if (l.relu) o << ",relu";
    }
    o << ']';
    return o.str();
}

double seconds_since(std::chrono::steady_clock::time_point start) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace

ModelEvaluator::ModelEvaluator(const std::filesystem::path& trace,
                               const EvaluationSettings& settings)
    : settings_(settings) {
    settings_.check();
    quantizer_ = make_quantizer(settings_.quantizer, "quantizer");
    network_ = std::make_shared<const Network>(load_network(trace));
    auto model = std::make_shared<Model>(load_model(trace));
    TrainingSplits splits = load_fashion_mnist_training(settings_.data_dir);
    auto training = std::make_shared<Dataset>(std::move(splits.train));
    auto data =
        std::make_shared<Dataset>(settings_.split == Split::Validation
                                      ? std::move(splits.validation)
                                      : load_fashion_mnist(settings_.data_dir, settings_.split));
    if (model->input != Shape{1, data->rows, data->cols} || model->classes() != 10)
        throw ConfigError(trace.string() + ": input: found " + shape_text(model->input) + " and " +
                          std::to_string(model->classes()) + " classes, expected 1x" +
                          std::to_string(data->rows) + "x" + std::to_string(data->cols) +
                          " and 10 classes (Fashion-MNIST)");
    model_ = std::move(model);
    training_ = std::move(training);
    data_ = std::move(data);
    full_precision_ = std::make_unique<FloatEngine>(*model_);
    if (settings_.activation_bits > 0 && settings_.activation_bits <= 15 &&
        settings_.finetune.steps == 0) {
        auto store =
            std::make_shared<PrefixStore>(*model_, data_->size(), settings_.prefix_memory_bytes);
        if (store->enabled()) prefixes_ = std::move(store);
    }

    identity_ = evaluation_identity(*model_, *data_, *training_, settings_);
}

std::string evaluation_identity(const Model& model, const Dataset& data, const Dataset& training,
                                const EvaluationSettings& settings) {
    std::ostringstream id;
    id << kEvaluationVersion << " model=" << architecture(model)
       << " weights_crc32=" << hex32(model.weights_crc32) << " data=fashion-mnist/"
       << to_string(settings.split) << ",n=" << data.size() << ",crc32=" << hex32(data.crc32)
       << " quantizer=" << settings.quantizer << " weights=quantized";
    if (settings.activation_bits > 0)
        id << " activations=" << settings.activation_bits << "bit,calibration=train[0,"
           << std::min<std::int64_t>(kCalibrationImages, training.size())
           << "),train_crc32=" << hex32(training.crc32);
    else
        id << " activations=float";
    const FineTuneOptions& f = settings.finetune;
    if (f.steps > 0) {
        std::ostringstream lr;
        lr.precision(17);
        lr << f.learning_rate;
        id << " finetune=ste,steps=" << f.steps << ",batch=" << f.batch << ",lr=" << lr.str()
           << ",seed=" << f.seed << ",train_crc32=" << hex32(training.crc32);
    } else {
        id << " finetune=none";
    }
    return id.str();
}

ModelEvaluator::~ModelEvaluator() = default;

std::string ModelEvaluator::identity_digest() const { return sha256_hex(identity_); }

PreparedConfiguration ModelEvaluator::prepare(const LayerBits& bits) const {
    bits.expect(model_->params.size(), model_->name);
    return prepare(KernelBits::from_layer_bits(bits, weight_layer_channels(*model_)));
}

namespace {

bool sets_activations(const KernelBits& bits) {
    return std::any_of(bits.activations().begin(), bits.activations().end(),
                       [](int a) { return a != 0; });
}

// The model with its weights replaced by their quantized values (weights-only quantization).
std::shared_ptr<const Model> dequantized(const Model& model, const KernelBits& bits,
                                         const Quantizer& quantizer) {
    auto out = std::make_shared<Model>(model);
    for (std::size_t i = 0; i < bits.size(); ++i)
        out->params[i].weight =
            quantizer.quantize(model.params[i].weight, bits.weights(i)).dequantize();
    return out;
}

}  // namespace

bool ModelEvaluator::prefix_keyed(const KernelBits& bits) const {
    if (!bits.layer_wise()) return false;
    const LayerBits act = bits.activations_or(settings_.activation_bits);
    return std::all_of(act.values().begin(), act.values().end(),
                       [&](int a) { return a == settings_.activation_bits; });
}

PreparedConfiguration ModelEvaluator::prepare(const KernelBits& bits) const {
    const auto start = std::chrono::steady_clock::now();
    bits.expect(*network_, model_->name, kBitwidths, kActivationBitsRange);
    if (settings_.activation_bits == 0 && sets_activations(bits))
        throw ConfigError("activation_bits: found 0 (float activations), expected " +
                          kActivationBitsRange.str() + " for the assignment " + bits.str() +
                          ", which sets activation bits");
    PreparedConfiguration c;
    c.bits_ = bits.widest().values();
    c.kernel_bits_ = bits;
    c.data_ = data_;
    c.threads_ = settings_.threads;
    std::shared_ptr<const Model> model = model_;
    if (settings_.finetune.steps > 0) {
        auto tuned = std::make_shared<Model>(*model_);
        c.finetune_loss_ =
            finetune_quantized(*tuned, bits, *quantizer_, *training_, settings_.finetune);
        model = std::move(tuned);
    }
    if (settings_.activation_bits > 0) {
        const QuantizedNetwork q =
            quantize_network(*model, bits, *quantizer_, settings_.activation_bits, *training_);
        auto engine = std::make_shared<FloatEngine>(*model, q);
        if (prefixes_ && prefix_keyed(bits))
            engine->reuse_prefixes(prefixes_, prefixes_->begin(c.bits_));
        c.engine_ = std::move(engine);
    } else {
        model = dequantized(*model, bits, *quantizer_);
        c.engine_ = std::make_shared<FloatEngine>(*model);
    }
    c.model_ = std::move(model);
    c.prepare_seconds_ = seconds_since(start);
    return c;
}

namespace {
void check_range(std::int64_t begin, std::int64_t end, std::int64_t size) {
    if (begin < 0 || begin > end || end > size)
        throw ConfigError("evaluation range [" + std::to_string(begin) + ", " +
                          std::to_string(end) + "): expected 0 <= begin <= end <= " +
                          std::to_string(size) + " (the images of the split)");
}
}  // namespace

std::int64_t PreparedConfiguration::count_correct(std::int64_t begin, std::int64_t end) const {
    check_range(begin, end, data_->size());
    return quant::count_correct(*engine_, *data_, begin, end, threads_);
}

std::vector<int> PreparedConfiguration::predict(std::int64_t begin, std::int64_t end) const {
    check_range(begin, end, data_->size());
    return predict_all(*engine_, *data_, begin, end, threads_);
}

std::int64_t ModelEvaluator::count_correct_full_precision(std::int64_t begin,
                                                          std::int64_t end) const {
    check_range(begin, end, data_->size());
    return quant::count_correct(*full_precision_, *data_, begin, end, settings_.threads);
}

}  // namespace serialq::quant
