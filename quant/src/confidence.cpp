// Early termination's statistics: Wilson bounds with a Bonferroni split over the looks.
#include "serialq/quant/oracle_confidence.hpp"

#include "serialq/common/error.hpp"

#include <cmath>
#include <sstream>
#include <string>

namespace serialq::quant {

namespace {
std::string number(double v) {
    std::ostringstream s;
    s << v;
    return s.str();
}
}  // namespace

void EarlyStopOptions::check() const {
    if (!(threshold_percent >= 0 && threshold_percent <= 100))
        throw ConfigError("early_stop_below_percent: found " + number(threshold_percent) +
                          ", expected 0 (off) or a percentage up to 100");
    if (!(confidence > 0.5 && confidence < 1))
        throw ConfigError("early_stop_confidence: found " + number(confidence) +
                          ", expected a probability in (0.5, 1), such as 0.99");
    if (first_samples < 1)
        throw ConfigError("early_stop_first_samples: found " + std::to_string(first_samples) +
                          ", expected at least 1");
}

double normal_quantile(double p) {
    // Bisection on the CDF 0.5 erfc(-x / sqrt 2): slow next to a rational approximation, but
    // exact to double precision, and called a handful of times per evaluation.
    double lo = -40, hi = 40;
    for (int i = 0; i < 200 && hi - lo > 1e-15; ++i) {
        const double mid = 0.5 * (lo + hi);
        if (0.5 * std::erfc(-mid / std::sqrt(2.0)) < p)
            lo = mid;
        else
            hi = mid;
    }
    return 0.5 * (lo + hi);
}

double wilson_upper_bound(std::int64_t correct, std::int64_t n, double z) {
    if (n <= 0) return 1.0;
    const double nn = static_cast<double>(n);
    const double p = static_cast<double>(correct) / nn;
    const double z2 = z * z;
    const double centre = p + z2 / (2 * nn);
    const double spread = z * std::sqrt(p * (1 - p) / nn + z2 / (4 * nn * nn));
    return std::min(1.0, (centre + spread) / (1 + z2 / nn));
}

std::vector<std::int64_t> subset_schedule(std::int64_t total, std::int64_t first) {
    std::vector<std::int64_t> sizes;
    for (std::int64_t n = first; n < total; n *= 2) sizes.push_back(n);
    sizes.push_back(total);
    return sizes;
}

SubsetEvaluation evaluate_with_early_stop(std::int64_t total, const CountCorrect& count_correct,
                                          const EarlyStopOptions& options) {
    options.check();
    SubsetEvaluation out;
    if (total <= 0) return out;
    if (options.threshold_percent <= 0) {
        out.samples = total;
        out.accuracy_percent =
            100.0 * static_cast<double>(count_correct(0, total)) / static_cast<double>(total);
        return out;
    }
    const std::vector<std::int64_t> sizes = subset_schedule(total, options.first_samples);
    const auto looks = static_cast<double>(sizes.size() - 1);  // the last one is exact
    const double z = looks > 0 ? normal_quantile(1 - (1 - options.confidence) / looks) : 0;
    std::int64_t done = 0, correct = 0;
    for (std::size_t i = 0; i < sizes.size(); ++i) {
        correct += count_correct(done, sizes[i]);
        done = sizes[i];
        if (i + 1 == sizes.size()) break;
        const double bound = 100.0 * wilson_upper_bound(correct, done, z);
        if (bound < options.threshold_percent) {
            out.accuracy_percent = bound;
            out.samples = done;
            out.is_upper_bound = true;
            return out;
        }
    }
    out.samples = total;
    out.accuracy_percent = 100.0 * static_cast<double>(correct) / static_cast<double>(total);
    return out;
}

}  // namespace serialq::quant
