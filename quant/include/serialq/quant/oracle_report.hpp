#pragma once
// What `serialq oracle eval` reports, and its JSON form (docs/oracle.md): the oracle as given and
// its identity(), the options it was asked with, and one result per bit vector.
#include "serialq/quant/oracle.hpp"

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <vector>

namespace serialq::quant {

struct EvalReport {
    std::string spec;  // as given
    std::string identity;  // AccuracyOracle::identity()
    OracleOptions options;
    std::vector<LayerBits> bits;  // kernel-wise results: the widest kernel per layer
    std::vector<std::string> assignments;  // per result: KernelBits::str() of a kernel-wise
        // one, "" for layer-wise bits (empty: all layer-wise)
    std::vector<AccuracyResult> results;  // one per bits
    std::optional<double> reference_accuracy_percent;
};

// {"oracle", "identity", "cache", "options" (builtin: the evaluation and early-stop settings;
// exec: the timeout), "results": [{"bits", "accuracy_percent", "samples", "seconds",
// "is_upper_bound", "from_cache"}, with "assignment" after "bits" for a kernel-wise one],
// "reference_accuracy_percent" (if asked)}.
nlohmann::ordered_json eval_report_json(const EvalReport& report);

}  // namespace serialq::quant
