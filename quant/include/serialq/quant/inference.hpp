#pragma once
// Inference engines. Both run a Model's layers on batches of images, im2col + GEMM for convs:
//
//   FloatEngine    float arithmetic; from a Model (full precision), or from a QuantizedNetwork:
//                  the quantized network's function computed in float, with the integer codes
//                  of weights, biases and activations held in floats (the scales factored out,
//                  as a fake-quantized network computes W s_w x s_x = s_w s_x (W x)), and the
//                  same fixed-point requantisation as the integer engine. While every
//                  accumulator stays below 2^24 (exact()), floats hold every integer exactly,
//                  so the result equals IntegerEngine's bit for bit, at float GEMM speed.
//   IntegerEngine  true integer arithmetic from a QuantizedNetwork: integer weight codes times
//                  integer activation codes, accumulated in 32 bits, plus an int32 bias, then
//                  requantised to the next layer's codes by a fixed-point multiplier and shift;
//                  only the last layer's scores are scaled to real numbers for the argmax.
//
// The two compute the same function, and agree on every prediction when exact().
#include "serialq/quant/idx_dataset.hpp"
#include "serialq/quant/model.hpp"
#include "serialq/quant/prefix_store.hpp"
#include "serialq/quant/quantized_network.hpp"

#include <cstdint>
#include <memory>
#include <vector>

namespace serialq::quant {

class InferenceEngine {
public:
    virtual ~InferenceEngine() = default;
    // Predicted classes of images [begin, end) of `data`, processed in batches of batch_size()
    // starting at `begin`. Thread-safe: workspaces are per call.
    virtual void predict(const Dataset& data, std::int64_t begin, std::int64_t end,
                         int* predictions) const = 0;
    virtual int batch_size() const = 0;
};

inline constexpr int kDefaultInferenceBatch = 128;

class FloatEngine final : public InferenceEngine {
public:
    // Full precision.
    explicit FloatEngine(const Model& model, int batch = kDefaultInferenceBatch);
    // Fake-quantized: the float twin of IntegerEngine(q).
    FloatEngine(const Model& model, const QuantizedNetwork& q, int batch = kDefaultInferenceBatch);
    ~FloatEngine() override;
    void predict(const Dataset& data, std::int64_t begin, std::int64_t end,
                 int* predictions) const override;
    int batch_size() const override { return batch_; }
    // Softmax of the class scores of images [begin, end): (classes x images), one column per
    // image. The predictions are the column-wise argmax.
    Eigen::MatrixXf probabilities(const Dataset& data, std::int64_t begin, std::int64_t end) const;
    // Quantized mode: true when no accumulator can reach 2^24, so that float arithmetic on the
    // codes is exact (IntegerEngine's results). Always true at full precision.
    bool exact() const;
    // Quantized mode: resume from, and fill, `store`'s cuts while its generation is still
    // `generation` (prefix_store.hpp). Predictions do not change; only the work does.
    void reuse_prefixes(std::shared_ptr<PrefixStore> store, std::uint64_t generation);

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
    int batch_;
};

class IntegerEngine final : public InferenceEngine {
public:
    // Throws ConfigError if a layer's worst-case accumulator could overflow 32 bits.
    IntegerEngine(const Model& model, const QuantizedNetwork& q,
                  int batch = kDefaultInferenceBatch);
    ~IntegerEngine() override;
    void predict(const Dataset& data, std::int64_t begin, std::int64_t end,
                 int* predictions) const override;
    int batch_size() const override { return batch_; }

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
    int batch_;
};

// Correct predictions on [begin, end), split over `threads` threads (0: all cores) at batch
// boundaries counted from `begin`, so the result does not depend on the thread count.
std::int64_t count_correct(const InferenceEngine& engine, const Dataset& data, std::int64_t begin,
                           std::int64_t end, int threads);
// All predictions on [begin, end), likewise.
std::vector<int> predict_all(const InferenceEngine& engine, const Dataset& data, std::int64_t begin,
                             std::int64_t end, int threads);

}  // namespace serialq::quant
