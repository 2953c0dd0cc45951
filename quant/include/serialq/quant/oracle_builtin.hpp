#pragma once
// builtin:<trace with weights> - the project's own model (evaluation.hpp) on Fashion-MNIST:
// the validation split for the search, the test split for final reports
// (OracleOptions::evaluation.split), with the quantizer, fine-tuning and early termination that the
// options choose. Its identity is "builtin:" + ModelEvaluator::identity(): architecture,
// weights CRC-32, split with its size and CRC-32, quantizer, activation handling, fine-tuning.
// Early termination is not part of it: a bound is marked as such in the answer and the cache.
#include "serialq/quant/evaluation.hpp"
#include "serialq/quant/oracle.hpp"
#include "serialq/quant/oracle_confidence.hpp"

#include <chrono>
#include <filesystem>
#include <memory>
#include <optional>

namespace serialq::quant {

// The evaluation settings OracleOptions ask for (split: validation or test only).
EvaluationSettings builtin_settings(const OracleOptions& options);

class BuiltinOracle final : public AccuracyOracle {
public:
    BuiltinOracle(const std::filesystem::path& trace, const OracleOptions& options);
    // Several oracles (say, with and without early termination) may share one evaluator: the
    // model and the data are then loaded once.
    BuiltinOracle(std::shared_ptr<const ModelEvaluator> evaluator, const std::string& trace,
                  const EarlyStopOptions& early_stop);

    std::string identity() const override { return "builtin:" + evaluator_->identity(); }
    std::string name() const override { return name_; }
    int layer_count() const override { return evaluator_->layer_count(); }
    // Quantizes (and fine-tunes) at `bits`, then counts correct predictions on the split, in
    // growing subsets if early termination is on. seconds covers all of it.
protected:
    AccuracyResult evaluate_checked(const LayerBits& bits) override;
    // The same for a kernel-wise assignment (ModelEvaluator::prepare(KernelBits)), with the
    // same early termination.
    AccuracyResult evaluate_kernels_checked(const KernelBits& bits) override;

public:
    // Full precision on the same split.
    double reference_accuracy_percent() override;

    const ModelEvaluator& evaluator() const { return *evaluator_; }
    std::shared_ptr<const ModelEvaluator> shared_evaluator() const { return evaluator_; }

private:
    // Counts correct predictions of `c` (in growing subsets under early termination); seconds
    // from `start`.
    AccuracyResult count(const PreparedConfiguration& c,
                         std::chrono::steady_clock::time_point start) const;

    std::shared_ptr<const ModelEvaluator> evaluator_;
    EarlyStopOptions early_stop_;
    std::string name_;
    std::optional<double> reference_;
};

}  // namespace serialq::quant
