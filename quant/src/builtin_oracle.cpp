// builtin:<trace>: the oracle face of ModelEvaluator, with early termination.
#include "serialq/quant/oracle_builtin.hpp"

#include "serialq/common/error.hpp"

#include <chrono>

namespace serialq::quant {

EvaluationSettings builtin_settings(const OracleOptions& options) {
    // The search chooses on validation; train is what the model learnt from.
    if (options.evaluation.split == Split::Train)
        throw ConfigError(
            "split: found 'train', expected validation (for the search) or test "
            "(for final reports)");
    options.evaluation.check();
    return options.evaluation;
}

namespace {
// Every option is checked before the network and its data are loaded, in statements of their
// own: the order of a call's arguments is unspecified (GCC evaluates them right to left, clang
// left to right), so a check passed beside the loading argument may run after the loading.
std::shared_ptr<const ModelEvaluator> checked_evaluator(const std::filesystem::path& trace,
                                                        const OracleOptions& options) {
    options.early_stop.check();
    EvaluationSettings settings = builtin_settings(options);
    return std::make_shared<const ModelEvaluator>(trace, std::move(settings));
}
}  // namespace

BuiltinOracle::BuiltinOracle(const std::filesystem::path& trace, const OracleOptions& options)
    : BuiltinOracle(checked_evaluator(trace, options), trace.string(), options.early_stop) {}

BuiltinOracle::BuiltinOracle(std::shared_ptr<const ModelEvaluator> evaluator,
                             const std::string& trace, const EarlyStopOptions& early_stop)
    : evaluator_(std::move(evaluator)), early_stop_(early_stop), name_("builtin:" + trace) {
    early_stop_.check();
}

AccuracyResult BuiltinOracle::evaluate_checked(const LayerBits& bits) {
    const auto start = std::chrono::steady_clock::now();
    return count(evaluator_->prepare(bits), start);
}

AccuracyResult BuiltinOracle::evaluate_kernels_checked(const KernelBits& bits) {
    const auto start = std::chrono::steady_clock::now();
    return count(evaluator_->prepare(bits), start);
}

AccuracyResult BuiltinOracle::count(const PreparedConfiguration& c,
                                    std::chrono::steady_clock::time_point start) const {
    const SubsetEvaluation e = evaluate_with_early_stop(
        evaluator_->sample_count(),
        [&c](std::int64_t begin, std::int64_t end) { return c.count_correct(begin, end); },
        early_stop_);
    AccuracyResult r;
    r.accuracy_percent = e.accuracy_percent;
    r.samples_evaluated = e.samples;
    r.is_upper_bound = e.is_upper_bound;
    r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return r;
}

double BuiltinOracle::reference_accuracy_percent() {
    if (!reference_) {
        const std::int64_t n = evaluator_->sample_count();
        reference_ = 100.0 * static_cast<double>(evaluator_->count_correct_full_precision(0, n)) /
                     static_cast<double>(n);
    }
    return *reference_;
}

}  // namespace serialq::quant
