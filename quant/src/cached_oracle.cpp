// The cache in front of every oracle: look up, else evaluate and store before answering.
#include "serialq/common/bits_spec.hpp"
#include "serialq/quant/oracle_cache.hpp"

#include <chrono>

namespace serialq::quant {

CachedOracle::CachedOracle(std::unique_ptr<AccuracyOracle> inner,
                           std::shared_ptr<OracleCache> cache, std::string description,
                           double early_stop_below_percent)
    : inner_(std::move(inner)),
      cache_(std::move(cache)),
      description_(std::move(description)),
      identity_(inner_->identity()),
      layers_(inner_->layer_count()),
      early_stop_below_percent_(early_stop_below_percent) {}

AccuracyResult CachedOracle::evaluate_checked(const LayerBits& bits) {
    const std::string key = bits.str();
    if (auto hit = cache_->lookup(identity_, key)) {
        // A bound answers only a question about a threshold it is already below.
        if (!hit->is_upper_bound ||
            (early_stop_below_percent_ > 0 && hit->accuracy_percent < early_stop_below_percent_))
            return *hit;
    }
    const AccuracyResult result = inner_->evaluate(bits);
    if (!described_) {
        cache_->describe(identity_, description_, layers_);
        described_ = true;
    }
    cache_->store(identity_, key, result);
    return result;
}

double CachedOracle::reference_accuracy_percent() {
    if (auto hit = cache_->lookup(identity_, kReferenceKey); hit && !hit->is_upper_bound)
        return hit->accuracy_percent;
    AccuracyResult r;
    const auto start = std::chrono::steady_clock::now();
    r.accuracy_percent = inner_->reference_accuracy_percent();
    r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    cache_->store(identity_, kReferenceKey, r);
    return r.accuracy_percent;
}

}  // namespace serialq::quant
