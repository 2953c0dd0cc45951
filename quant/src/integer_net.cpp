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
    detail::for_each_batch(begin, end, batch_, [&](std::int64_t b, int count) {
        detail::run_quantized(impl_->program, data, b, count, 0, ws, &scores);
        detail::argmax_columns(scores, predictions + (b - begin));
    });
}

}  // namespace serialq::quant
