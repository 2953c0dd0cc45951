// IntegerEngine: integer codes through every layer, int32 accumulation, fixed-point
// requantisation (a 31-bit multiplier and a right shift, as gemmlowp and TFLite do).
#include "serialq/quant/inference.hpp"
#include "quantized_forward.hpp"

namespace serialq::quant {

struct IntegerEngine::Impl {
    detail::QuantizedProgram<std::int32_t> program;
};

IntegerEngine::IntegerEngine(const Model& model, const QuantizedNetwork& q, int batch)
    : impl_(std::make_unique<Impl>()), batch_(batch) {
    impl_->program = detail::compile_quantized<std::int32_t>(model, q);
}

IntegerEngine::~IntegerEngine() = default;

void IntegerEngine::predict(const Dataset& data, std::int64_t begin, std::int64_t end,
                            int* predictions) const {
    detail::QuantizedWorkspace<std::int32_t> ws;
    detail::Act<float> scores;
    for (std::int64_t b0 = begin; b0 < end; b0 += batch_) {
        const int batch = static_cast<int>(std::min<std::int64_t>(batch_, end - b0));
        detail::run_quantized(impl_->program, data, b0, batch, 0, ws, &scores);
        for (Eigen::Index c = 0; c < scores.cols(); ++c) {
            Eigen::Index best = 0;
            scores.col(c).maxCoeff(&best);
            predictions[b0 - begin + c] = static_cast<int>(best);
        }
    }
}

}  // namespace serialq::quant
