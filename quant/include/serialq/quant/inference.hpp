#pragma once
// Inference engines. Both run a Model's layers on batches of images, im2col + GEMM for convs:
//
//   FloatEngine    float arithmetic; from a Model (full precision) or from a QuantizedNetwork
//                  (dequantized weights and biases, activations rounded to their codes and
//                  back): the "fake-quantized" network.
//   IntegerEngine  true integer arithmetic from a QuantizedNetwork: integer weight codes times
//                  integer activation codes, accumulated in 32 bits, plus an int32 bias, then
//                  requantised to the next layer's codes by a fixed-point multiplier and shift;
//                  only the last layer's scores are scaled to real numbers for the argmax.
//
// The two compute the same function up to float rounding, and agree on predictions.
#include "serialq/quant/idx_dataset.hpp"
#include "serialq/quant/model.hpp"
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

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
    int batch_;
};

class IntegerEngine final : public InferenceEngine {
public:
    // Throws ConfigError if a layer's worst-case accumulator could overflow 32 bits.
    IntegerEngine(const Model& model, const QuantizedNetwork& q, int batch = kDefaultInferenceBatch);
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
std::int64_t count_correct(const InferenceEngine& engine, const Dataset& data,
                           std::int64_t begin, std::int64_t end, int threads);
// All predictions on [begin, end), likewise.
std::vector<int> predict_all(const InferenceEngine& engine, const Dataset& data,
                             std::int64_t begin, std::int64_t end, int threads);

}  // namespace serialq::quant
