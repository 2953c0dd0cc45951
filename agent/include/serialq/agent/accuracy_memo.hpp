#pragma once
// The oracle as the search sees it: every distinct bit assignment is asked once per search;
// repeats are answered from memory. distinct_calls() is the search-cost measure the
// benchmarks report (a repeat costs nothing, whatever the oracle's own persistent cache does).
#include "serialq/quant/oracle.hpp"

#include <map>
#include <optional>
#include <vector>

namespace serialq::agent {

class AccuracyMemo {
public:
    struct Entry {
        std::vector<int> bits;
        double accuracy_percent = 0;
    };

    explicit AccuracyMemo(quant::AccuracyOracle& oracle) : oracle_(&oracle) {}

    double accuracy_percent(const std::vector<int>& bits);
    // The full-precision accuracy, asked once (or as set_reference() gave it).
    double reference_accuracy_percent();
    // Overrides the oracle's full-precision accuracy (--reference-accuracy): a table may not
    // know it, and a user may hold a better-measured figure.
    void set_reference(double accuracy_percent);
    long long distinct_calls() const { return static_cast<long long>(entries_.size()); }
    // Every assignment asked, in the order first asked.
    const std::vector<Entry>& entries() const { return entries_; }
    // The answer if `bits` was already asked.
    std::optional<double> find(const std::vector<int>& bits) const;

    // Checkpoints: the entries (and reference) of an interrupted search.
    void restore(std::vector<Entry> entries, std::optional<double> reference);
    std::optional<double> reference_if_known() const { return reference_; }

private:
    quant::AccuracyOracle* oracle_;
    std::vector<Entry> entries_;
    std::map<std::vector<int>, std::size_t> index_;
    std::optional<double> reference_;
};

}  // namespace serialq::agent
