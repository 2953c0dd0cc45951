#pragma once
// The built-in model's trainer: softmax cross-entropy, Adam or SGD with momentum, cosine
// learning-rate decay, mini-batches (and their augmentation) drawn by one seeded
// std::mt19937_64, batch normalization over ghost batches of fixed size run on parallel
// threads. The same seed, data, build and processor give the same weights bit for bit,
// whatever the thread count: each ghost batch's arithmetic is the same on any thread and their
// gradients are summed in a fixed order (Eigen's GEMM is deterministic for fixed shapes on one
// processor; its blocking follows the processor's cache sizes).
//
// Quantization-aware fine-tuning ("short retraining" in ReLeQ) runs the same loop with the
// forward pass on quantized weights and the straight-through estimator: the gradient with
// respect to the quantized weights updates the float weights as if quantization were the
// identity.
#include "serialq/quant/idx_dataset.hpp"
#include "serialq/quant/model.hpp"
#include "serialq/quant/quantizer.hpp"

#include <cstdint>
#include <functional>
#include <vector>

namespace serialq::quant {

enum class Optimizer { Adam, Sgd };

struct TrainOptions {
    int epochs = 12;  // passes over the training split
    int batch = 64;  // images per step
    Optimizer optimizer = Optimizer::Adam;
    double learning_rate = 1e-3;  // step size at the start; cosine decay to 0
    double momentum = 0.9;  // SGD only
    double weight_decay = 0.0;  // L2 penalty on conv/fc weights (not biases, not batch norm)
    bool augment = false;  // random shifts of up to 2 pixels and left-right mirroring
    int ghost_batch = 0;  // images per batch-norm batch and per thread (0: the step)
    std::uint64_t seed = 1;  // initial weights, batch order and augmentation
    std::int64_t max_samples = 0;  // use only the first N training images (0: all)
    int threads = 0;  // threads for ghost batches and evaluations (0: all cores)
    void check() const;  // throws ConfigError naming the field
};

struct TrainProgress {
    int epoch = 0;  // 1-based
    int epochs = 0;
    std::int64_t step = 0;  // within the epoch, 1-based
    std::int64_t steps_per_epoch = 0;
    double mean_loss = 0;  // over this epoch's steps so far
    double seconds = 0;  // since training started
};

struct EpochReport {
    int epoch = 0;
    double mean_loss = 0;
    double validation_accuracy_percent = -1;  // -1 when no validation set was given
    double seconds = 0;
};

using ProgressCallback = std::function<void(const TrainProgress&)>;
using EpochCallback = std::function<void(const EpochReport&)>;

// Initialises `model` from the seed and trains it on `train`; evaluates on `validation` (if not
// null) after every epoch. `progress` is called after every step, `on_epoch` after every epoch
// (either may be empty).
std::vector<EpochReport> train_model(Model& model, const Dataset& train, const Dataset* validation,
                                     const TrainOptions& options, const ProgressCallback& progress,
                                     const EpochCallback& on_epoch = nullptr);

// The metadata a trained model's weights file carries (docs/quant.md, "Weights file"): the
// command that reproduces it, every setting, the data it saw and its accuracies. Deterministic
// (no clock, no host), so that the command reproduces the file byte for byte on the same build
// and CPU, and the checksum identifies the weights.
struct TrainingRecord {
    std::string network;
    std::string trace;
    std::string command;  // reproduces the file
    TrainOptions options;
    std::size_t train_images = 0;
    std::string train_data, validation_data, test_data;  // the data sets' descriptions
    std::vector<EpochReport> epochs;
    double test_accuracy_percent = 0;
};
std::string training_metadata(const TrainingRecord& record);

struct FineTuneOptions {
    int steps = 0;  // 0: no fine-tuning
    int batch = 64;
    double learning_rate = 1e-4;  // Adam, constant
    std::uint64_t seed = 1;  // batch order
    void check() const;
};

// Quantization-aware fine-tuning of `model` at `bits` for options.steps steps on `train`:
// the forward pass sees every output channel's weights at its own bits
// (Quantizer::quantize(x, row_bits)), activations in float, so an assignment's activation
// bits play no part. Returns the mean loss of the first and of the last tenth of the steps.
std::pair<double, double> finetune_quantized(Model& model, const KernelBits& bits,
                                             const Quantizer& quantizer, const Dataset& train,
                                             const FineTuneOptions& options);
// Every kernel of layer i at bits[i]: the same steps as the KernelBits form.
std::pair<double, double> finetune_quantized(Model& model, const LayerBits& bits,
                                             const Quantizer& quantizer, const Dataset& train,
                                             const FineTuneOptions& options);

// The mean cross-entropy of images [begin, begin + count) of `data` and its gradient with
// respect to every weight and bias (Model::params order), by the trainer's own backward pass:
// exposed for gradient checks.
struct Gradients {
    std::vector<WeightMatrix> weight;
    std::vector<Eigen::VectorXf> bias;
    std::vector<Eigen::VectorXf> gamma, beta;  // batch norm (empty for layers without)
};
double loss_and_gradients(const Model& model, const Dataset& data, std::int64_t begin, int count,
                          Gradients& gradients);

// Mean cross-entropy of `model` on the first `count` images of `data` (for tests and logs).
double mean_loss(const Model& model, const Dataset& data, std::int64_t count);

}  // namespace serialq::quant
