#include "serialq/agent/accuracy_memo.hpp"

#include "serialq/common/error.hpp"
#include "serialq/common/layer_bits.hpp"

#include <cmath>

namespace serialq::agent {

double AccuracyMemo::accuracy_percent(const std::vector<int>& bits) {
    if (const auto it = index_.find(bits); it != index_.end())
        return entries_[it->second].accuracy_percent;
    const double acc = oracle_->evaluate(LayerBits(bits)).accuracy_percent;
    if (!std::isfinite(acc) || acc < 0 || acc > 100)
        throw InputError("oracle " + oracle_->identity() + ": accuracy " + std::to_string(acc) +
                         " for bits " + format_bits(bits) + ", expected a percentage in 0..100");
    index_.emplace(bits, entries_.size());
    entries_.push_back({bits, acc});
    return acc;
}

double AccuracyMemo::reference_accuracy_percent() {
    if (!reference_) {
        const double ref = oracle_->reference_accuracy_percent();
        if (!std::isfinite(ref) || ref <= 0 || ref > 100)
            throw InputError("oracle " + oracle_->identity() + ": full-precision accuracy " +
                             std::to_string(ref) + ", expected a percentage in (0, 100]");
        reference_ = ref;
    }
    return *reference_;
}

void AccuracyMemo::set_reference(double accuracy_percent) {
    if (!std::isfinite(accuracy_percent) || accuracy_percent <= 0 || accuracy_percent > 100)
        throw ConfigError("--reference-accuracy: found " + std::to_string(accuracy_percent) +
                          ", expected a percentage in (0, 100]");
    reference_ = accuracy_percent;
}

std::optional<double> AccuracyMemo::find(const std::vector<int>& bits) const {
    const auto it = index_.find(bits);
    if (it == index_.end()) return std::nullopt;
    return entries_[it->second].accuracy_percent;
}

void AccuracyMemo::restore(std::vector<Entry> entries, std::optional<double> reference) {
    entries_ = std::move(entries);
    index_.clear();
    for (std::size_t i = 0; i < entries_.size(); ++i) index_.emplace(entries_[i].bits, i);
    reference_ = reference;
}

}  // namespace serialq::agent
