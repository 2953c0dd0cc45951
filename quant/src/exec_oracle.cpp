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

std::string first_line(const std::string& output) {
    std::string line = output.substr(0, output.find('\n'));
    if (!line.empty() && line.back() == '\r') line.pop_back();
    return line;
}

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
        R"(, expected {"layers": N} with optional "identity", "reference_accuracy" and )"
        R"("protocol" (1 or 2))";
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
          j["reference_accuracy"].get<double>() > 100)) ||
        (j.contains("protocol") &&
         (!j["protocol"].is_number_integer() || j["protocol"].get<long long>() < 1 ||
          j["protocol"].get<long long>() > kProtocol))) {
        process_->stop();
        throw InputError(name_ + ": malformed hello reply " + shown(reply) + expected);
    }
    const std::string extra = process_->pending_output();
    if (!extra.empty()) {
        process_->stop();
        throw InputError(name_ +
                         ": extra output after the hello reply: " + shown(first_line(extra)) +
                         ", expected one line per request; the evaluator was stopped");
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
    protocol_ = j.contains("protocol") ? j["protocol"].get<int>() : 1;
}

AccuracyResult ExecOracle::evaluate_checked(const LayerBits& bits) {
    if (!process_->running()) hello();
    // Output between a reply and the next request answers nothing: read as the next reply, it
    // would shift every later answer by one request.
    const std::string stray = process_->pending_output();
    if (!stray.empty()) {
        process_->stop();
        throw InputError(name_ + ": output that answers no request, before the request for bits " +
                         bits.str() + ": " + shown(first_line(stray)) +
                         ", expected one line per request; the evaluator was stopped");
    }
    // Protocol 2: each request carries an id its reply echoes, so that no reply is taken for
    // another request's. Protocol 1 (an evaluator that announces none) has no ids.
    const long long id = next_id_++;
    json request_json{{"bits", bits.values()}};
    if (protocol_ >= 2) request_json["id"] = id;
    const std::string request = request_json.dump();
    const auto start = std::chrono::steady_clock::now();
    const std::string reply = process_->round_trip(request, timeout_seconds_);
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

    const std::string expected =
        protocol_ >= 2 ? R"( (expected {"id": )" + std::to_string(id) +
                             R"(, "accuracy": percent} or {"id": )" + std::to_string(id) +
                             R"(, "error": "..."}))"
                       : std::string(R"( (expected {"accuracy": percent} or {"error": "..."}))");
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
    if (protocol_ >= 2) {
        if (!j.contains("id")) throw malformed("no \"id\"");
        if (!j["id"].is_number_integer() || j["id"].get<long long>() != id) {
            process_->stop();
            // Not dump(): an id nested deep would recurse as deep.
            const std::string found = j["id"].is_number_integer()
                                          ? std::to_string(j["id"].get<long long>())
                                          : std::string("a JSON ") + j["id"].type_name();
            throw InputError(name_ + ": the reply to bits " + bits.str() +
                             " carries \"id\": " + found + ", expected " + std::to_string(id) +
                             " (a reply to another request, or a stray line); the evaluator was "
                             "stopped");
        }
    }
    const std::string extra = process_->pending_output();
    if (!extra.empty()) {
        process_->stop();
        throw InputError(name_ + ": extra output after the reply to bits " + bits.str() + ": " +
                         shown(first_line(extra)) +
                         ", expected one line per request; the evaluator was stopped");
    }
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
