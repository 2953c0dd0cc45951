#pragma once
// The exec evaluator's replies (oracle_exec.hpp has the protocol), read apart from the process
// that sends them, so that fuzz/exec_reply.cpp and the tests reach the parsing alone.
#include <optional>
#include <string>

namespace serialq::quant::detail {

// The hello reply. Throws InputError "<name>: ..." for a malformed reply or a refusal.
struct HelloReply {
    int layers = 0;
    std::optional<std::string> identity;  // as announced, without "exec:"
    std::optional<double> reference_accuracy;
    int protocol = 1;  // 2: requests carry an id the replies echo
};
HelloReply parse_hello_reply(const std::string& reply, const std::string& name);

// A reply to {"bits": [...]}: never throws; a malformed reply says why.
struct EvaluationReply {
    enum class Kind { accuracy, error, malformed };
    Kind kind = Kind::malformed;
    double accuracy = 0;
    std::optional<long long> samples;
    std::string message;  // Kind::error: the evaluator's message; Kind::malformed: what is wrong
    bool object = false;  // the reply is a JSON object, so its "id" below is known
    std::optional<long long> id;  // "id", if an integer
    std::string id_found;  // "" without an "id"; else its value or type, for a message
};
EvaluationReply parse_evaluation_reply(const std::string& reply);

// `reply` quoted for a message, cut at 200 characters.
std::string shown_reply(const std::string& reply);
// The first line of `output`, for a message.
std::string first_line(const std::string& output);

}  // namespace serialq::quant::detail
