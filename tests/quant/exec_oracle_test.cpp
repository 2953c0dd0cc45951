// exec:<command>: the example evaluator of docs/oracle.md, well-behaved and misbehaving. Every
// failure is an error within the timeout, and the evaluator is reaped.
#include "serialq/common/bits_spec.hpp"
#include "serialq/common/error.hpp"
#include "serialq/quant/oracle.hpp"
#include "serialq/quant/oracle_cache.hpp"
#include "serialq/quant/oracle_exec.hpp"
#include "serialq/quant/oracle_table.hpp"

#include "../common/temp_file.hpp"

#include <catch2/catch.hpp>

#include <cerrno>
#include <chrono>
#include <csignal>
#include <thread>

using namespace serialq;
using namespace serialq::quant;
using Catch::Matchers::Contains;

namespace {

const std::string kData = std::string(SERIALQ_TEST_DATA_DIR) + "/quant/";
const std::string kEvaluator = kData + "example_evaluator.py";

// The process no longer exists (not even as a zombie: it was reaped).
bool gone(pid_t pid) { return ::kill(pid, 0) == -1 && errno == ESRCH; }

std::string error_of(ExecOracle& oracle, const std::vector<int>& bits) {
    try {
        oracle.evaluate(LayerBits(bits));
    } catch (const InputError& e) {
        return e.what();
    }
    return "no error";
}

}  // namespace

TEST_CASE("exec oracle agrees with the table it reads, on all 625 configurations",
          "[oracle][exec]") {
    ExecOracle exec(kEvaluator, 10);
    TableOracle table(kData + "releq-lenet-mnist-accuracy.csv");
    CHECK(exec.layer_count() == 4);
    CHECK(exec.identity() == "exec:" + kEvaluator);
    CHECK(exec.reference_accuracy_percent() == Approx(99.8));
    const pid_t pid = exec.evaluator_pid();
    for (const auto& row : table.table().rows) {
        const AccuracyResult r = exec.evaluate(LayerBits(row.bits));
        REQUIRE(r.accuracy_percent == row.accuracy_percent);
        CHECK_FALSE(r.is_upper_bound);
    }
    CHECK(exec.evaluator_pid() == pid);  // started once, kept alive
}

TEST_CASE("exec oracle: the announced identity names it", "[oracle][exec]") {
    ExecOracle exec(kEvaluator + " --identity releq-lenet-v1 --no-reference", 10);
    CHECK(exec.identity() == "exec:releq-lenet-v1");
    CHECK_THROWS_WITH(exec.reference_accuracy_percent(),
                      Contains("announced no reference_accuracy"));
}

TEST_CASE("exec oracle: an error reply is an error, and the evaluator lives on", "[oracle][exec]") {
    ExecOracle exec(kEvaluator, 10);
    const pid_t pid = exec.evaluator_pid();
    CHECK(error_of(exec, {6, 6, 6, 6}) ==
          "exec:" + kEvaluator +
              ": the evaluator reports an error for bits 6,6,6,6: no measurement for bits 6,6,6,6");
    CHECK(exec.evaluate({8, 8, 8, 8}).accuracy_percent == Approx(99.5333));
    CHECK(exec.evaluator_pid() == pid);
    // Bits are checked before they are sent.
    CHECK_THROWS_AS(exec.evaluate({8, 8, 8}), ConfigError);
    CHECK_THROWS_AS(exec.evaluate({8, 8, 8, 99}), ConfigError);
}

TEST_CASE("exec oracle: a crash is an error naming the exit status, and the next call restarts",
          "[oracle][exec]") {
    ExecOracle exec(kEvaluator + " --crash-on 2,2,2,2", 10);
    const pid_t pid = exec.evaluator_pid();
    const std::string msg = error_of(exec, {2, 2, 2, 2});
    CHECK_THAT(msg, Contains("the evaluator exited with status 3 without replying to "
                             "{\"bits\":[2,2,2,2],\"id\":1}"));
    CHECK_THAT(msg,
               Contains("its stderr ends: example_evaluator: simulated crash on bits 2,2,2,2"));
    CHECK(msg.find('\n') == std::string::npos);
    CHECK(exec.evaluator_pid() == -1);
    CHECK(gone(pid));
    CHECK(exec.evaluate({3, 3, 3, 3}).accuracy_percent > 0);  // a fresh evaluator
    CHECK(exec.evaluator_pid() != pid);
}

TEST_CASE("exec oracle: a hang is a timeout error, and the evaluator is killed and reaped",
          "[oracle][exec]") {
    ExecOracle exec(kEvaluator + " --hang-on 2,2,2,2", 0.5);
    const pid_t pid = exec.evaluator_pid();
    const auto start = std::chrono::steady_clock::now();
    const std::string msg = error_of(exec, {2, 2, 2, 2});
    const double waited =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    CHECK_THAT(msg,
               Contains("no reply to {\"bits\":[2,2,2,2],\"id\":1} within 0.5 s (the timeout); the "
                        "evaluator was stopped"));
    CHECK(waited >= 0.5);
    CHECK(waited < 5);  // not a functional timing assert: "does not hang"
    CHECK(gone(pid));
}

TEST_CASE("exec oracle: a malformed reply is an error quoting it", "[oracle][exec]") {
    ExecOracle exec(kEvaluator + " --malformed-on 2,2,2,2", 10);
    const pid_t pid = exec.evaluator_pid();
    const std::string msg = error_of(exec, {2, 2, 2, 2});
    CHECK_THAT(msg, Contains("malformed reply to bits 2,2,2,2: not JSON in 'accuracy is about "
                             "ninety'"));
    CHECK(gone(pid));
    CHECK(exec.evaluate({2, 2, 2, 3}).accuracy_percent == Approx(9.5667));
}

TEST_CASE("exec oracle: replies that are JSON but wrong", "[oracle][exec]") {
    test::TempDir dir;
    // A one-line shell evaluator: the hello, then whatever reply the test wants.
    const auto evaluator = [&](const std::string& reply) {
        return "read h; echo '{\"layers\": 2}'; while read r; do echo '" + reply + "'; done";
    };
    const auto error_for = [&](const std::string& reply) {
        ExecOracle exec(evaluator(reply), 10);
        return error_of(exec, {4, 4});
    };
    CHECK_THAT(error_for("[1, 2]"), Contains("not an object"));
    CHECK_THAT(error_for("{\"acc\": 3}"), Contains("no \"accuracy\" in '{\"acc\": 3}'"));
    CHECK_THAT(error_for("{\"accuracy\": \"high\"}"), Contains("\"accuracy\" is not a number"));
    CHECK_THAT(error_for("{\"accuracy\": 0.9e3}"), Contains("outside 0..100 (percent)"));
    // NaN and infinities (issue 16): JSON has no NaN, and a number past a double's range is
    // refused by the JSON reader itself; below 0 is out of range.
    CHECK_THAT(error_for("{\"accuracy\": NaN}"), Contains("malformed reply to bits 4,4: not JSON"));
    CHECK_THAT(error_for("{\"accuracy\": 1e999}"),
               Contains("malformed reply to bits 4,4: not JSON"));
    CHECK_THAT(error_for("{\"accuracy\": -1e-9}"), Contains("outside 0..100 (percent)"));
    CHECK_THAT(error_for("{\"accuracy\": 50, \"samples\": -3}"),
               Contains("\"samples\" is not a count"));
    ExecOracle fine(evaluator("{\"accuracy\": 50.5, \"samples\": 1000}"), 10);
    const auto r = fine.evaluate({4, 4});
    CHECK(r.accuracy_percent == 50.5);
    CHECK(r.samples_evaluated == 1000);
}

TEST_CASE("exec oracle: a deeply nested reply is malformed, not a stack overflow",
          "[oracle][exec]") {
    // An "error" reply nested 400,000 levels deep (within the 1 MiB a reply line may have): its
    // dump() for the message recursed once per level and overflowed the stack (issue 16).
    const std::string evaluator =
        "python3 -c 'import sys; sys.stdin.readline(); print(\"{\\\"layers\\\": 2}\", "
        "flush=True); sys.stdin.readline(); n = 400000; print(\"{\\\"error\\\": \" + "
        "\"[\" * n + \"]\" * n + \"}\", flush=True); sys.stdin.read()'";
    ExecOracle exec(evaluator, 30);
    const pid_t pid = exec.evaluator_pid();
    const std::string msg = error_of(exec, {4, 4});
    CHECK_THAT(msg, Contains("malformed reply to bits 4,4: nested more than 64 levels in "
                             "'{\"error\": [[["));
    CHECK(msg.size() < 1000);
    CHECK(gone(pid));
}

TEST_CASE("exec oracle: failures at start", "[oracle][exec]") {
    CHECK_THROWS_WITH(ExecOracle(kEvaluator + " --bad-hello", 10),
                      Contains("malformed hello reply '{\"identity\": \"no layers here\"}'"));
    // The shell may exit before or after the hello is written (a slow build, such as the
    // sanitizers', often sees the first): either is named with the status and its stderr.
    CHECK_THROWS_WITH(
        ExecOracle("no-such-evaluator-program --x", 10),
        Contains("exec:no-such-evaluator-program --x: the evaluator exited with status 127 ") &&
            (Contains("without replying to {\"hello\": 1} (its stderr ends: ") ||
             Contains("before reading {\"hello\": 1} (its stderr ends: ")));
    CHECK_THROWS_WITH(ExecOracle("exit 0", 10), Contains("exited with status 0"));
    CHECK_THROWS_WITH(ExecOracle("kill -9 $$", 10), Contains("was killed by signal 9"));
    CHECK_THROWS_WITH(ExecOracle("sleep 30", 0.3, 0.3),
                      Contains("no reply to {\"hello\": 1} within "
                               "0.3 s"));
    CHECK_THROWS_AS(ExecOracle(kEvaluator, 0), ConfigError);
}

TEST_CASE("exec oracle: a chatty stderr does not block the evaluator", "[oracle][exec]") {
    ExecOracle exec(kEvaluator + " --noise-on 2,2,2,2", 10);
    CHECK(exec.evaluate({2, 2, 2, 2}).accuracy_percent == Approx(11.4333));
}

TEST_CASE("exec oracle through make_oracle and the cache", "[oracle][exec]") {
    test::TempDir dir;
    OracleOptions options;
    options.cache_file = dir.path() / "cache.sqlite";
    options.timeout_seconds = 10;
    {
        auto oracle = make_oracle("exec:" + kEvaluator + " --identity releq", options);
        CHECK(oracle->identity() == "exec:releq");
        CHECK_FALSE(oracle->evaluate({8, 4, 4, 8}).from_cache);
    }
    // The evaluator is still started (for the hello), but the answer comes from the cache.
    auto oracle = make_oracle("exec:" + kEvaluator + " --identity releq", options);
    const auto r = oracle->evaluate({8, 4, 4, 8});
    CHECK(r.from_cache);
    CHECK(r.accuracy_percent == TableOracle(kData + "releq-lenet-mnist-accuracy.csv")
                                    .evaluate({8, 4, 4, 8})
                                    .accuracy_percent);
}

namespace {

// Evaluates each of `sequence` through a cached exec: oracle, as a search would; returns the
// errors. Every answer returned, and every one the cache holds afterwards, must be the table's.
std::vector<std::string> run_through_cache(const std::string& evaluator_options,
                                           const std::vector<std::vector<int>>& sequence) {
    test::TempDir dir;
    OracleOptions options;
    options.cache_file = dir.path() / "cache.sqlite";
    options.timeout_seconds = 10;
    TableOracle table(kData + "releq-lenet-mnist-accuracy.csv");
    std::vector<std::string> errors;
    std::string identity;
    {
        auto oracle = make_oracle("exec:" + kEvaluator + " " + evaluator_options, options);
        identity = oracle->identity();
        for (const auto& bits : sequence) {
            try {
                const auto r = oracle->evaluate(LayerBits(bits));
                CHECK(r.accuracy_percent == table.evaluate(LayerBits(bits)).accuracy_percent);
            } catch (const InputError& e) {
                errors.push_back(e.what());
            }
        }
    }
    OracleCache cache(options.cache_file);
    for (const auto& e : cache.entries(identity)) {
        if (e.bits == "reference") continue;
        INFO("cached " << e.bits);
        CHECK(e.accuracy_percent ==
              table.evaluate(parse_bits(e.bits, 4, kBitwidths, "cached")).accuracy_percent);
    }
    return errors;
}

}  // namespace

TEST_CASE("exec oracle: a stray extra line is an error, and no answer is shifted into the cache",
          "[oracle][exec]") {
    // The evaluator prints its reply to 2,2,2,2 twice. Read as the reply to the next request,
    // the copy would put 2,2,2,2's accuracy under 3,3,3,3 (and so on for every later one).
    const std::vector<std::vector<int>> sequence = {
        {2, 2, 2, 2}, {3, 3, 3, 3}, {4, 4, 4, 4}, {5, 5, 5, 5}};
    const auto errors = run_through_cache("--extra-line-on 2,2,2,2", sequence);
    REQUIRE(errors.size() == 1);
    // Caught after the reply (the copy already there) or before the next request or by the id
    // it carries, whichever comes first: always naming the evaluator and the bits.
    CHECK_THAT(errors[0], Contains("exec:" + kEvaluator));
    CHECK_THAT(errors[0], Contains("2,2,2,2") || Contains("3,3,3,3"));
    CHECK_THAT(errors[0], Contains("expected"));
    CHECK_THAT(errors[0], Contains("the evaluator was stopped"));
    CHECK(errors[0].find('\n') == std::string::npos);
}

TEST_CASE("exec oracle: a stray line already there after the reply is caught at that reply",
          "[oracle][exec]") {
    for (const std::string protocol : {"--protocol 1", "--protocol 2"}) {
        INFO(protocol);
        const auto errors = run_through_cache(protocol + " --extra-line-at-once-on 2,2,2,2",
                                              {{2, 2, 2, 2}, {3, 3, 3, 3}, {4, 4, 4, 4}});
        REQUIRE(errors.size() == 1);
        CHECK_THAT(errors[0], Contains(": extra output after the reply to bits 2,2,2,2: '{"));
        CHECK_THAT(errors[0],
                   Contains("', expected one line per request; the evaluator was stopped"));
    }
}

TEST_CASE("exec oracle: a reply with another request's id is an error, nothing is cached",
          "[oracle][exec]") {
    const auto errors =
        run_through_cache("--wrong-id-on 3,3,3,3", {{2, 2, 2, 2}, {3, 3, 3, 3}, {4, 4, 4, 4}});
    REQUIRE(errors.size() == 1);
    CHECK(errors[0] == "exec:" + kEvaluator +
                           " --wrong-id-on 3,3,3,3: the reply to bits 3,3,3,3 carries \"id\": 3, "
                           "expected 2 (a reply to another request, or a stray line); the "
                           "evaluator was stopped");
}

TEST_CASE("exec oracle: protocol 2 wants the id in every reply; protocol 1 sends none",
          "[oracle][exec]") {
    // A protocol 2 evaluator that forgets the id.
    ExecOracle forgets(
        "read h; echo '{\"layers\": 2, \"protocol\": 2}'; while read r; do echo "
        "'{\"accuracy\": 50}'; done",
        10);
    CHECK_THAT(error_of(forgets, {4, 4}),
               Contains("malformed reply to bits 4,4: no \"id\" in '{\"accuracy\": 50}' "
                        "(expected {\"id\": 1, \"accuracy\": percent} or {\"id\": 1, \"error\": "
                        "\"...\"}); the evaluator was stopped"));
    // Protocol 1 (no "protocol" in the hello): requests without ids, as before.
    ExecOracle old(
        "read h; echo '{\"layers\": 2}'; while read r; do echo \"$r\" >&2; echo "
        "'{\"accuracy\": 50}'; done",
        10);
    CHECK(old.evaluate({4, 4}).accuracy_percent == 50);
    // An unknown protocol is refused at the hello.
    CHECK_THROWS_WITH(ExecOracle("read h; echo '{\"layers\": 2, \"protocol\": 3}'", 10),
                      Contains("malformed hello reply '{\"layers\": 2, \"protocol\": 3}', "
                               "expected {\"layers\": N} with optional \"identity\", "
                               "\"reference_accuracy\" and \"protocol\" (1 or 2)"));
}

TEST_CASE("exec oracle: output before the hello reply or after it is an error", "[oracle][exec]") {
    CHECK_THROWS_WITH(
        ExecOracle("read h; printf '{\"layers\": 2}\\nloading\\n'; while read r; do :; done", 10),
        Contains("extra output after the hello reply: 'loading', expected one line per request; "
                 "the evaluator was stopped"));
}

TEST_CASE("exec oracle: unrequested output between replies is an error", "[oracle][exec]") {
    // Replies, then after a moment repeats itself (a line nobody asked for), then waits for the
    // next request.
    ExecOracle exec(
        "read h; echo '{\"layers\": 2, \"protocol\": 2}'; while read r; do "
        "echo '{\"id\": 1, \"accuracy\": 50}'; sleep 0.2; echo '{\"id\": 1, \"accuracy\": 60}'; "
        "done",
        10);
    CHECK(exec.evaluate({4, 4}).accuracy_percent == 50);
    const pid_t pid = exec.evaluator_pid();
    std::this_thread::sleep_for(std::chrono::milliseconds(800));
    const std::string msg = error_of(exec, {5, 5});
    // Found before the request is sent; on a machine so loaded that the line came later than
    // 0.8 s, it is read as the reply and refused by its id.
    CHECK_THAT(msg, Contains("; done: output that answers no request, before the request for bits "
                             "5,5: '{\"id\": 1, \"accuracy\": 60}', expected one line per "
                             "request; the evaluator was stopped") ||
                        Contains("; done: the reply to bits 5,5 carries \"id\": 1, expected 2"));
    CHECK(gone(pid));
}
