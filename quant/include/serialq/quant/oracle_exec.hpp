#pragma once
// exec:<command> - an external evaluator (a user's own PyTorch script, say), started once with
// `/bin/sh -c <command>` and kept alive, speaking JSON lines over its stdin and stdout. The
// protocol (docs/oracle.md has it in full, with tests/data/quant/example_evaluator.py):
//
//   serialq -> evaluator   {"hello": 1}
//   evaluator -> serialq   {"layers": 4, "protocol": 2, "identity": "lenet-v3",
//                           "reference_accuracy": 99.1}  (all but layers optional)
//   serialq -> evaluator   {"bits": [8, 4, 4, 8], "id": 1}
//   evaluator -> serialq   {"id": 1, "accuracy": 91.3}  (top-1, percent; "samples": N optional)
//                      or  {"id": 1, "error": "why not"}
//   ... exactly one line per request, in order; at the end serialq closes the evaluator's stdin.
//
// Protocol 2 (announced by "protocol": 2) puts an id in each request that the reply must echo;
// protocol 1 (no "protocol") has no ids. In both, a second line after a reply, or a line
// between a reply and the next request, is an InputError; with ids, a stray line that arrives
// late is caught too, so no reply is ever taken for another request's.
//
// Identity: "exec:" + the identity the evaluator announces, or + the command if it announces
// none. A crash, a hang (no reply within OracleOptions::timeout_seconds), a malformed reply or
// one out of step (above) is an InputError; the evaluator is then stopped and reaped, and the
// next request starts it afresh. An {"error": ...} reply is an InputError too, but the evaluator keeps running.
#include "serialq/quant/oracle.hpp"

#include <memory>
#include <optional>
#include <string>
#include <sys/types.h>

namespace serialq::quant {

class ExecProcess;

class ExecOracle final : public AccuracyOracle {
public:
    // The newest protocol version serialq speaks (the hello reply's "protocol").
    static constexpr int kProtocol = 2;

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
    // Output the evaluator sent unasked (`what` says where) stops it and is an InputError: read as
    // the next reply it would answer the wrong request.
    void refuse_pending_output(const std::string& what);

    std::string command_, name_;
    double timeout_seconds_;
    double startup_timeout_seconds_;
    std::unique_ptr<ExecProcess> process_;
    std::string identity_;
    int layers_ = 0;
    int protocol_ = 1;  // as the hello announced
    long long next_id_ = 1;  // of the next request (protocol 2)
    std::optional<double> reference_;
};

}  // namespace serialq::quant
