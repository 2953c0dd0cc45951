#pragma once
// The built-in model's evaluation, as the builtin: oracle asks for it: load a trace and its
// trained weights once, then for each bit vector quantize the weights (after optional
// quantization-aware fine-tuning), calibrate the activations, and count correct predictions on
// any range [begin, end) of a data split, so that early termination can evaluate growing
// prefixes without preparing the configuration again.
//
//   ModelEvaluator eval("traces/lenet.yaml", settings);        // loads model and data
//   PreparedConfiguration c = eval.prepare({8, 4, 4, 8});       // quantize (+ fine-tune)
//   std::int64_t n = c.count_correct(0, 1000);                  // first 1,000 images
//   n += c.count_correct(1000, eval.sample_count());            // the rest
//
// Answers depend only on identity() (and the bit vector): not on the thread count, the batch
// size, the trace's path or the order of calls.
#include "serialq/common/kernel_bits.hpp"
#include "serialq/quant/idx_dataset.hpp"
#include "serialq/quant/inference.hpp"
#include "serialq/quant/model.hpp"
#include "serialq/quant/prefix_store.hpp"
#include "serialq/quant/quantized_network.hpp"
#include "serialq/quant/trainer.hpp"

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

namespace serialq::quant {

struct EvaluationSettings {
    std::string quantizer = "wrpn";  // one of quantizer_names()
    Split split = Split::Validation;  // validation for the search, test for final reports
    // Activations: unsigned codes of this many bits after every hidden ReLU, scales calibrated
    // on the first kCalibrationImages training images (quantized_network.hpp); 0 keeps them
    // in float (weights-only quantization).
    int activation_bits = kDefaultActivationBits;
    FineTuneOptions finetune;  // steps 0: no fine-tuning (its other fields then unused)
    std::filesystem::path data_dir = kDefaultFashionMnistDir;
    int threads = 0;  // 0: all cores; never changes an answer
    // Prefix reuse (prefix_store.hpp): memory for the stored activations; 0 turns it off.
    // Used with quantized activations of at most 15 bits and no fine-tuning (fine-tuning
    // changes every layer). Never changes an answer.
    std::int64_t prefix_memory_bytes = std::int64_t{512} << 20;
    void check() const;  // throws ConfigError naming the field
};

// One bit vector, ready to evaluate: quantized (and fine-tuned) weights and calibrated
// activation scales. Cheap to move; counting is thread-safe.
class PreparedConfiguration {
public:
    // Correct predictions on images [begin, end) of the evaluator's split (0 <= begin <= end <=
    // sample_count(), else ConfigError).
    std::int64_t count_correct(std::int64_t begin, std::int64_t end) const;
    // Predicted classes on [begin, end).
    std::vector<int> predict(std::int64_t begin, std::int64_t end) const;
    // Per weight layer, its widest kernel's bits (for a layer-wise assignment: its bits).
    const std::vector<int>& bits() const { return bits_; }
    // The assignment as prepared (a layer-wise one: KernelBits::from_layer_bits).
    const KernelBits& kernel_bits() const { return kernel_bits_; }
    // Time spent preparing (quantization, fine-tuning, calibration), in seconds.
    double prepare_seconds() const { return prepare_seconds_; }
    // Fine-tuning's mean training loss over its first and last tenth of steps (0 without).
    double finetune_first_loss() const { return finetune_loss_.first; }
    double finetune_last_loss() const { return finetune_loss_.second; }
    const Model& model() const { return *model_; }

private:
    friend class ModelEvaluator;
    std::vector<int> bits_;
    KernelBits kernel_bits_;
    std::shared_ptr<const Model> model_;  // the evaluator's, or a fine-tuned copy
    std::shared_ptr<const InferenceEngine> engine_;
    std::shared_ptr<const Dataset> data_;
    int threads_ = 0;
    double prepare_seconds_ = 0;
    std::pair<double, double> finetune_loss_{0.0, 0.0};
};

class ModelEvaluator {
public:
    // Loads the trace, the weights file its `weights:` key names, and Fashion-MNIST (the split
    // and the training images for calibration and fine-tuning). ConfigError / InputError on
    // any problem, naming the file.
    ModelEvaluator(const std::filesystem::path& trace, const EvaluationSettings& settings);
    ~ModelEvaluator();

    const Model& model() const { return *model_; }
    const EvaluationSettings& settings() const { return settings_; }
    int layer_count() const { return static_cast<int>(model_->weight_layer_count()); }
    std::int64_t sample_count() const { return data_->size(); }
    const Dataset& data() const { return *data_; }

    // Everything an answer depends on, as one line of text: the evaluation's version, the
    // architecture, the weights' CRC-32, the split with its size and CRC-32, the quantizer,
    // the activation handling and calibration, and the fine-tuning settings with the training
    // data's CRC-32. Stable across runs, machines and file locations.
    const std::string& identity() const { return identity_; }
    // SHA-256 of identity(), 64 hex digits.
    std::string identity_digest() const;
    // The prefix store, or null when the settings rule it out.
    const PrefixStore* prefix_store() const { return prefixes_.get(); }

    // Quantizes the weights to `bits` (one per conv/fc layer, each 1..16: else ConfigError
    // naming the layer), fine-tuning first if the settings ask. Deterministic.
    PreparedConfiguration prepare(const LayerBits& bits) const;
    // A kernel-wise assignment: each output channel's weights at its own bits, each weight
    // layer's input activations at its own bits (0: settings().activation_bits; otherwise
    // 2..16, and a ConfigError with float activations, activation_bits 0, which have no bits
    // to set). Checked against network() (KernelBits::expect). Fine-tuning sees the per-channel
    // weight bits. Prefix reuse serves only assignments that are layer-wise at the default
    // activation bits (the store is keyed by layer bits); others neither read nor fill it. A
    // uniform assignment at default activations answers exactly as prepare(bits.widest()).
    PreparedConfiguration prepare(const KernelBits& bits) const;
    // The trace the model was built from (what KernelBits are checked against).
    const Network& network() const { return *network_; }

    // Full precision (float weights and activations): correct predictions on [begin, end).
    std::int64_t count_correct_full_precision(std::int64_t begin, std::int64_t end) const;

private:
    // Whether the prefix store's layer-bits key describes `bits`' activations exactly.
    bool prefix_keyed(const KernelBits& bits) const;

    EvaluationSettings settings_;
    std::shared_ptr<const Network> network_;
    std::shared_ptr<const Model> model_;
    std::shared_ptr<const Dataset> data_;  // the evaluated split
    std::shared_ptr<const Dataset> training_;  // calibration and fine-tuning
    std::unique_ptr<Quantizer> quantizer_;
    std::unique_ptr<FloatEngine> full_precision_;
    std::shared_ptr<PrefixStore> prefixes_;  // null: no prefix reuse
    std::string identity_;
};

// ModelEvaluator::identity() for a model, the evaluated split, the training split and the
// settings (exposed so that identities can be compared without loading an evaluator each).
std::string evaluation_identity(const Model& model, const Dataset& data, const Dataset& training,
                                const EvaluationSettings& settings);

// The first field of every identity; bump it when a change alters any answer.
inline constexpr const char* kEvaluationVersion = "serialq-builtin-eval/2";

}  // namespace serialq::quant
