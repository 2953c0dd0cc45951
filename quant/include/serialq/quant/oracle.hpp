#pragma once
// AccuracyOracle: "with these bits per weight layer, what accuracy does the network keep?"
// Implementations: builtin:<trace with weights> (real inference on Fashion-MNIST),
// table:<file.csv> (measured accuracies), exec:<command> (an external evaluator speaking JSON
// lines). make_oracle() wraps each in the persistent SQLite cache unless told not to.
#include "serialq/common/kernel_bits.hpp"
#include "serialq/common/layer_bits.hpp"
#include "serialq/quant/evaluation.hpp"
#include "serialq/quant/oracle_confidence.hpp"

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

namespace serialq::quant {

struct AccuracyResult {
    double accuracy_percent = 0;  // top-1, in percent
    long long samples_evaluated = 0;
    double seconds = 0;  // time the evaluation took (0 for a cache hit)
    bool is_upper_bound = false;  // early termination: the true accuracy is at most this
    bool from_cache = false;
};

class AccuracyOracle {
public:
    virtual ~AccuracyOracle() = default;
    // Identifies everything the answer depends on (model and weights hash, split, quantizer,
    // fine-tuning; the table's or command's identity): the cache key's first half.
    virtual std::string identity() const = 0;
    virtual std::string name() const = 0;  // what messages call it: its spec, e.g. table:FILE
    virtual int layer_count() const = 0;
    // The accuracy with `bits`, one per weight layer: bits.size() == layer_count(), else
    // ConfigError naming the oracle (the one check; implementations rely on it).
    AccuracyResult evaluate(const LayerBits& bits) {
        bits.expect(static_cast<std::size_t>(layer_count()), name());
        return evaluate_checked(bits);
    }
    // The accuracy with a kernel-wise assignment (kernel_bits.hpp): per output channel weight
    // bits, per layer activation bits (0: the oracle's own). One entry per weight layer, else
    // ConfigError. An assignment whose layers are uniform and sets no activation bits is
    // evaluate(bits.widest()) exactly, answer and cache entry alike; any other goes to
    // evaluate_kernels_checked, which only the oracles that can answer it implement.
    AccuracyResult evaluate(const KernelBits& bits);
    // Accuracy at full precision (the denominator of ReLeQ's State of Relative Accuracy).
    virtual double reference_accuracy_percent() = 0;

protected:
    // evaluate() after its check.
    virtual AccuracyResult evaluate_checked(const LayerBits& bits) = 0;
    // evaluate(KernelBits) for a truly kernel-wise assignment of the right length. Default:
    // ConfigError naming the oracle (a table or an evaluator knows layer-wise bits only).
    virtual AccuracyResult evaluate_kernels_checked(const KernelBits& bits);
};

// Composed of the settings each kind of oracle uses, so that every default has one owner.
struct OracleOptions {
    std::filesystem::path cache_file;  // empty: no cache
    EvaluationSettings evaluation;  // builtin: split (validation or test), quantizer,
        // activations, fine-tuning, threads, prefix memory
    EarlyStopOptions early_stop;  // builtin: early termination (threshold 0: off)
    double timeout_seconds = 60;  // exec: per request
};

// spec: "builtin:<trace>", "table:<csv>" or "exec:<command>"; a bad spec is a ConfigError.
std::unique_ptr<AccuracyOracle> make_oracle(const std::string& spec, const OracleOptions& options);

}  // namespace serialq::quant
