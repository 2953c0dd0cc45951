// The cache in front of every oracle: look up, else evaluate and store before answering.
#include "serialq/common/bits_spec.hpp"
#include "serialq/quant/oracle_cache.hpp"
#include "serialq/quant/oracle_hash.hpp"

#include <chrono>

namespace serialq::quant {

std::string kernel_bits_key(const std::string& assignment) {
    if (assignment.size() <= kMaxPlainKeyLength) return assignment;
    return kHashedKeyPrefix + sha256_hex(assignment);
}

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
    return answer(bits.str(), "", [&] { return inner_->evaluate(bits); });
}

AccuracyResult CachedOracle::evaluate_kernels_checked(const KernelBits& bits) {
    const std::string text = bits.str();
    const std::string key = kernel_bits_key(text);
    return answer(key, key == text ? "" : text, [&] { return inner_->evaluate(bits); });
}

AccuracyResult CachedOracle::answer(const std::string& key, const std::string& assignment,
                                    const std::function<AccuracyResult()>& evaluate) {
    if (auto hit = cache_->lookup(identity_, key)) {
        // A bound answers only a question about a threshold it is already below.
        if (!hit->is_upper_bound ||
            (early_stop_below_percent_ > 0 && hit->accuracy_percent < early_stop_below_percent_))
            return *hit;
    }
    const AccuracyResult result = evaluate();
    if (!described_) {
        cache_->describe(identity_, description_, layers_);
        described_ = true;
    }
    cache_->store(identity_, key, result, assignment);
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
