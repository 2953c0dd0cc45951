// exec:<command>: the JSON-lines conversation with an external evaluator.
#include "serialq/quant/oracle_exec.hpp"

#include "exec_process.hpp"
#include "serialq/common/bits_spec.hpp"
#include "serialq/common/error.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>

namespace serialq::quant {

namespace {

using json = nlohmann::json;

std::string shown(const std::string& reply) {
    std::string s = reply.size() > 200 ? reply.substr(0, 200) + "..." : reply;
    return "'" + s + "'";
}

}  // namespace

ExecOracle::ExecOracle(std::string command, double timeout_seconds, double startup_timeout_seconds)
    : command_(std::move(command)),
      name_("exec:" + command_),
      timeout_seconds_(timeout_seconds),
      startup_timeout_seconds_(std::max(timeout_seconds, startup_timeout_seconds)),
      process_(std::make_unique<ExecProcess>(command_, name_)) {
    if (!(timeout_seconds > 0))
        throw ConfigError(name_ + ": timeout: found " + std::to_string(timeout_seconds) +
                          " s, expected more than 0");
    hello();
}

ExecOracle::~ExecOracle() = default;

pid_t ExecOracle::evaluator_pid() const { return process_->pid(); }

void ExecOracle::hello() {
    const std::string reply = process_->round_trip(R"({"hello": 1})", startup_timeout_seconds_);
    const std::string expected =
        R"(, expected {"layers": N} with optional "identity" and "reference_accuracy")";
    json j;
    try {
        j = json::parse(reply);
    } catch (const json::exception&) {
        process_->stop();
        throw InputError(name_ + ": malformed hello reply " + shown(reply) + expected);
    }
    if (j.is_object() && j.contains("error") && j["error"].is_string()) {
        process_->stop();
        throw InputError(name_ +
                         ": the evaluator refused the hello: " + j["error"].get<std::string>());
    }
    if (!j.is_object() || !j.contains("layers") || !j["layers"].is_number_integer() ||
        j["layers"].get<long long>() < 1 || j["layers"].get<long long>() > 100000 ||
        (j.contains("identity") &&
         (!j["identity"].is_string() || j["identity"].get<std::string>().empty())) ||
        (j.contains("reference_accuracy") &&
         (!j["reference_accuracy"].is_number() || j["reference_accuracy"].get<double>() < 0 ||
          j["reference_accuracy"].get<double>() > 100))) {
        process_->stop();
        throw InputError(name_ + ": malformed hello reply " + shown(reply) + expected);
    }
    const int layers = j["layers"].get<int>();
    const std::string identity =
        "exec:" + (j.contains("identity") ? j["identity"].get<std::string>() : command_);
    // A restarted evaluator must still be the same one the cache knows.
    if (!identity_.empty() && (identity != identity_ || layers != layers_)) {
        process_->stop();
        throw InputError(name_ + ": the restarted evaluator announces " + identity + " with " +
                         std::to_string(layers) + " layers, expected " + identity_ + " with " +
                         std::to_string(layers_));
    }
    identity_ = identity;
    layers_ = layers;
    if (j.contains("reference_accuracy")) reference_ = j["reference_accuracy"].get<double>();
}

AccuracyResult ExecOracle::evaluate_checked(const LayerBits& bits) {
    if (!process_->running()) hello();
    const std::string request = json{{"bits", bits.values()}}.dump();
    const auto start = std::chrono::steady_clock::now();
    const std::string reply = process_->round_trip(request, timeout_seconds_);
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

    const std::string expected = R"( (expected {"accuracy": percent} or {"error": "..."}))";
    const auto malformed = [&](const std::string& why) {
        process_->stop();  // out of step with us: start afresh next time
        return InputError(name_ + ": malformed reply to bits " + bits.str() + ": " + why + " in " +
                          shown(reply) + expected + "; the evaluator was stopped");
    };
    json j;
    try {
        j = json::parse(reply);
    } catch (const json::exception&) {
        throw malformed("not JSON");
    }
    if (!j.is_object()) throw malformed("not an object");
    if (j.contains("error")) {
        const std::string message =
            j["error"].is_string() ? j["error"].get<std::string>() : j["error"].dump();
        throw InputError(name_ + ": the evaluator reports an error for bits " + bits.str() + ": " +
                         message);
    }
    if (!j.contains("accuracy")) throw malformed("no \"accuracy\"");
    if (!j["accuracy"].is_number()) throw malformed("\"accuracy\" is not a number");
    const double accuracy = j["accuracy"].get<double>();
    if (!std::isfinite(accuracy) || accuracy < 0 || accuracy > 100)
        throw malformed("\"accuracy\" outside 0..100 (percent)");
    AccuracyResult r;
    r.accuracy_percent = accuracy;
    r.seconds = seconds;
    if (j.contains("samples")) {
        if (!j["samples"].is_number_integer() || j["samples"].get<long long>() < 0)
            throw malformed("\"samples\" is not a count");
        r.samples_evaluated = j["samples"].get<long long>();
    }
    return r;
}

double ExecOracle::reference_accuracy_percent() {
    if (!reference_)
        throw InputError(name_ +
                         ": the evaluator announced no reference_accuracy in its hello "
                         "reply, expected one for the relative accuracy");
    return *reference_;
}

}  // namespace serialq::quant
