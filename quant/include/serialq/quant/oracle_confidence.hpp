#pragma once
// Early termination (as ADRL does): evaluate a configuration on growing subsets of the split
// and stop as soon as its accuracy is, with stated confidence, below a threshold; such a
// configuration is of no use to the search, and its exact accuracy is not worth the time.
//
// The rule. Subsets are prefixes of the split of first, 2*first, 4*first, ... images, then the
// whole split. After each prefix of n images with c correct, the one-sided Wilson score upper
// bound U(c, n) on the accuracy is computed at confidence 1 - alpha / k, where alpha = 1 -
// confidence and k is the number of looks before the whole split (Bonferroni: the chance that
// any of the k looks stops a configuration whose true accuracy is at or above the threshold
// is at most alpha). If U < threshold, evaluation stops and U is the answer, marked as an
// upper bound. Otherwise the whole split is evaluated and the answer is exact.
//
// "True accuracy" is the accuracy on the whole split; the prefixes are treated as random
// samples of it (Fashion-MNIST's files are in no class order). The Wilson interval is for
// sampling with replacement; a prefix is drawn without replacement, whose variance is
// smaller, so the bound is conservative.
#include <cstdint>
#include <functional>
#include <vector>

namespace serialq::quant {

struct EarlyStopOptions {
    double threshold_percent = 0;  // 0: off (evaluate everything in one go)
    double confidence = 0.99;  // overall, over all looks (Bonferroni)
    std::int64_t first_samples = 500;  // size of the first subset; each next one doubles
    void check() const;  // throws ConfigError naming the field
};

// Inverse of the standard normal CDF, for p in (0, 1).
double normal_quantile(double p);

// One-sided upper confidence bound on a proportion (Wilson score), as a fraction in [0, 1]:
// P(true p > bound) <= 1 - Phi(z) for c successes in n trials.
double wilson_upper_bound(std::int64_t correct, std::int64_t n, double z);

// Prefix sizes: first, 2 first, 4 first, ... below total, then total.
std::vector<std::int64_t> subset_schedule(std::int64_t total, std::int64_t first);

struct SubsetEvaluation {
    double accuracy_percent = 0;  // exact, or the upper bound if is_upper_bound
    std::int64_t samples = 0;  // images evaluated
    bool is_upper_bound = false;
};

// count_correct(begin, end): correct predictions on images [begin, end). Called on
// consecutive ranges that together cover [0, samples).
using CountCorrect = std::function<std::int64_t(std::int64_t begin, std::int64_t end)>;

SubsetEvaluation evaluate_with_early_stop(std::int64_t total, const CountCorrect& count_correct,
                                          const EarlyStopOptions& options);

}  // namespace serialq::quant
