#pragma once
// exec:<command> - an external evaluator (a user's own PyTorch script, say), started once with
// `/bin/sh -c <command>` and kept alive, speaking JSON lines over its stdin and stdout. The
// protocol (docs/oracle.md has it in full, with tests/data/quant/example_evaluator.py):
//
//   serialq -> evaluator   {"hello": 1}
//   evaluator -> serialq   {"layers": 4, "identity": "lenet-v3", "reference_accuracy": 99.1}
//                          (identity and reference_accuracy optional)
//   serialq -> evaluator   {"bits": [8, 4, 4, 8]}
//   evaluator -> serialq   {"accuracy": 91.3}  (top-1, percent; "samples": N optional)
//                      or  {"error": "why not"}
//   ... one reply per request, in order; at the end serialq closes the evaluator's stdin.
//
// Identity: "exec:" + the identity the evaluator announces, or + the command if it announces
// none. A crash, a hang (no reply within OracleOptions::timeout_seconds) or a malformed reply
// is an InputError; the evaluator is then stopped and reaped, and the next request starts it
// afresh. An {"error": ...} reply is an InputError too, but the evaluator keeps running.
#include "serialq/quant/oracle.hpp"

#include <memory>
#include <optional>
#include <string>
#include <sys/types.h>

namespace serialq::quant {

class ExecProcess;

class ExecOracle final : public AccuracyOracle {
public:
    // Starts the evaluator and exchanges the hello.
    // timeout_seconds bounds each reply; startup_timeout_seconds bounds the hello (starting an
    // interpreter and loading a model is slow, more so on a loaded machine), at least
    // timeout_seconds.
    ExecOracle(std::string command, double timeout_seconds,
               double startup_timeout_seconds = kDefaultStartupSeconds);
    static constexpr double kDefaultStartupSeconds = 30.0;
    ~ExecOracle() override;

    std::string identity() const override { return identity_; }
    std::string name() const override { return name_; }
    int layer_count() const override { return layers_; }

protected:
    AccuracyResult evaluate_checked(const LayerBits& bits) override;

public:
    // From the hello reply; an InputError if the evaluator announced none.
    double reference_accuracy_percent() override;

    // The evaluator's process id, -1 when it is not running (for tests of reaping).
    pid_t evaluator_pid() const;

private:
    void hello();

    std::string command_, name_;
    double timeout_seconds_;
    double startup_timeout_seconds_;
    std::unique_ptr<ExecProcess> process_;
    std::string identity_;
    int layers_ = 0;
    std::optional<double> reference_;
};

}  // namespace serialq::quant
