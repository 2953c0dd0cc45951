// exec:<command>: the JSON-lines conversation with an external evaluator.
#include "serialq/quant/oracle_exec.hpp"

#include "exec_process.hpp"
#include "exec_reply.hpp"
#include "serialq/common/bits_spec.hpp"
#include "serialq/common/error.hpp"
#include "serialq/common/json_input.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>

namespace serialq::quant {

using json = nlohmann::json;

namespace detail {

namespace {

bool is_count(const json& v, long long min, long long max) {
    return v.is_number_integer() && v.get<long long>() >= min && v.get<long long>() <= max;
}

}  // namespace

std::string first_line(const std::string& output) {
    std::string line = output.substr(0, output.find('\n'));
    if (!line.empty() && line.back() == '\r') line.pop_back();
    return line;
}

std::string shown_reply(const std::string& reply) {
    std::string s = reply.size() > 200 ? reply.substr(0, 200) + "..." : reply;
    return "'" + s + "'";
}

HelloReply parse_hello_reply(const std::string& reply, const std::string& name) {
    const std::string expected =
        R"(, expected {"layers": N} with optional "identity", "reference_accuracy" and )"
        R"("protocol" (1 or 2))";
    const auto malformed = [&] {
        return InputError(name + ": malformed hello reply " + shown_reply(reply) + expected);
    };
    json j;
    try {
        j = parse_json(reply, name, "a hello reply");
    } catch (const InputError&) {
        throw malformed();
    }
    if (j.is_object() && j.contains("error") && j["error"].is_string())
        throw InputError(name +
                         ": the evaluator refused the hello: " + j["error"].get<std::string>());
    if (!j.is_object() || !j.contains("layers") || !is_count(j["layers"], 1, 100000) ||
        (j.contains("identity") &&
         (!j["identity"].is_string() || j["identity"].get<std::string>().empty())) ||
        (j.contains("reference_accuracy") &&
         (!j["reference_accuracy"].is_number() || !(j["reference_accuracy"].get<double>() >= 0) ||
          !(j["reference_accuracy"].get<double>() <= 100))) ||
        (j.contains("protocol") && !is_count(j["protocol"], 1, ExecOracle::kProtocol)))
        throw malformed();
    HelloReply h;
    h.layers = j["layers"].get<int>();
    if (j.contains("identity")) h.identity = j["identity"].get<std::string>();
    if (j.contains("reference_accuracy"))
        h.reference_accuracy = j["reference_accuracy"].get<double>();
    if (j.contains("protocol")) h.protocol = j["protocol"].get<int>();
    return h;
}

EvaluationReply parse_evaluation_reply(const std::string& reply) {
    EvaluationReply r;
    const auto malformed = [&](const std::string& why) {
        r.kind = EvaluationReply::Kind::malformed;
        r.message = why;
        return r;
    };
    json j;
    try {
        j = parse_json(reply, "the reply", "one JSON object");
    } catch (const InputError&) {
        return malformed(json_too_deep_at(reply) != std::string_view::npos
                             ? "nested more than " + std::to_string(kMaxJsonDepth) + " levels"
                             : "not JSON");
    }
    if (!j.is_object()) return malformed("not an object");
    r.object = true;
    if (j.contains("id"))
        // Not dump(): what a found id is, in a message, needs no more than its type.
        r.id_found = j["id"].is_number_integer() ? std::to_string(j["id"].get<long long>())
                                                 : std::string("a JSON ") + j["id"].type_name();
    if (j.contains("id") && j["id"].is_number_integer()) r.id = j["id"].get<long long>();
    if (j.contains("error")) {
        r.kind = EvaluationReply::Kind::error;
        r.message = j["error"].is_string() ? j["error"].get<std::string>() : j["error"].dump();
        if (r.message.size() > 1000) r.message = r.message.substr(0, 1000) + "...";
        return r;
    }
    if (!j.contains("accuracy")) return malformed("no \"accuracy\"");
    if (!j["accuracy"].is_number()) return malformed("\"accuracy\" is not a number");
    const double accuracy = j["accuracy"].get<double>();
    if (!std::isfinite(accuracy) || accuracy < 0 || accuracy > 100)
        return malformed("\"accuracy\" outside 0..100 (percent)");
    if (j.contains("samples")) {
        if (!is_count(j["samples"], 0, std::numeric_limits<long long>::max()))
            return malformed("\"samples\" is not a count");
        r.samples = j["samples"].get<long long>();
    }
    r.kind = EvaluationReply::Kind::accuracy;
    r.accuracy = accuracy;
    return r;
}

}  // namespace detail

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

void ExecOracle::refuse_pending_output(const std::string& what) {
    const std::string extra = process_->pending_output();
    if (extra.empty()) return;
    process_->stop();
    throw InputError(name_ + ": " + what + ": " + detail::shown_reply(detail::first_line(extra)) +
                     ", expected one line per request; the evaluator was stopped");
}

void ExecOracle::hello() {
    const std::string reply = process_->round_trip(R"({"hello": 1})", startup_timeout_seconds_);
    detail::HelloReply h;
    try {
        h = detail::parse_hello_reply(reply, name_);
    } catch (const InputError&) {
        process_->stop();
        throw;
    }
    refuse_pending_output("extra output after the hello reply");
    const int layers = h.layers;
    const std::string identity = "exec:" + h.identity.value_or(command_);
    // A restarted evaluator must still be the same one the cache knows.
    if (!identity_.empty() && (identity != identity_ || layers != layers_)) {
        process_->stop();
        throw InputError(name_ + ": the restarted evaluator announces " + identity + " with " +
                         std::to_string(layers) + " layers, expected " + identity_ + " with " +
                         std::to_string(layers_));
    }
    identity_ = identity;
    layers_ = layers;
    if (h.reference_accuracy) reference_ = h.reference_accuracy;
    protocol_ = h.protocol;
}

AccuracyResult ExecOracle::evaluate_checked(const LayerBits& bits) {
    if (!process_->running()) hello();
    // Output between a reply and the next request answers nothing: read as the next reply, it
    // would shift every later answer by one request.
    refuse_pending_output("output that answers no request, before the request for bits " +
                          bits.str());
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
                          detail::shown_reply(reply) + expected + "; the evaluator was stopped");
    };
    const detail::EvaluationReply parsed = detail::parse_evaluation_reply(reply);
    if (!parsed.object) throw malformed(parsed.message);
    if (protocol_ >= 2) {
        if (parsed.id_found.empty()) throw malformed("no \"id\"");
        if (!parsed.id || *parsed.id != id) {
            process_->stop();
            throw InputError(name_ + ": the reply to bits " + bits.str() + " carries \"id\": " +
                             parsed.id_found + ", expected " + std::to_string(id) +
                             " (a reply to another request, or a stray line); the evaluator was "
                             "stopped");
        }
    }
    refuse_pending_output("extra output after the reply to bits " + bits.str());
    if (parsed.kind == detail::EvaluationReply::Kind::malformed) throw malformed(parsed.message);
    if (parsed.kind == detail::EvaluationReply::Kind::error)
        throw InputError(name_ + ": the evaluator reports an error for bits " + bits.str() + ": " +
                         parsed.message);
    AccuracyResult r;
    r.accuracy_percent = parsed.accuracy;
    r.seconds = seconds;
    if (parsed.samples) r.samples_evaluated = *parsed.samples;
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
