// An exec evaluator's reply line (docs/oracle.md's protocol), read both as the reply to the
// hello and as the reply to a bits request. The evaluation parser never throws: it says what
// is malformed, and ExecOracle then stops the evaluator.
#include "fuzz_support.hpp"
#include "quant/src/exec_reply.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace serialq;
    const std::string reply(fuzz::as_text(data, size));
    fuzz::refuse_cleanly([&] { quant::detail::parse_hello_reply(reply, "exec:fuzz"); });
    quant::detail::parse_evaluation_reply(reply);
    return 0;
}
