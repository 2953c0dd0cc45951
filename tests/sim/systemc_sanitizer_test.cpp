// The cycle-level model under AddressSanitizer (docs/reliability.md, "Sanitizers"): SystemC
// 2.3.4's coroutine switches leave ASan without the bounds of the thread that runs the
// simulation unless the kernel puts them back, and then every `throw` after a simulation
// leaves the frames it unwound poisoned, reported later as stack-buffer-overflow or
// stack-use-after-scope in whatever code reuses that stack. Without a sanitizer these cases
// only check that exceptions and deep stacks after a simulation work.
#include "mapping_fixtures.hpp"

#include "serialq/common/error.hpp"
#include "serialq/sim/hardware_model.hpp"

#include <catch2/catch.hpp>

#include <cstddef>
#include <cstdlib>
#include <filesystem>
#include <string>

#if defined(__SANITIZE_ADDRESS__)
#define SERIALQ_TEST_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SERIALQ_TEST_ASAN 1
#endif
#endif

using namespace serialq;
using namespace serialq::sim;
using namespace serialq::sim::test;

namespace {

// Frames with arrays in them, which ASan surrounds with poisoned red zones; the deepest throws.
[[gnu::noinline]] int throw_through_arrays(int depth) {
    volatile char local[256];
    for (volatile char& c : local) c = static_cast<char>(depth);
    if (depth == 0) throw Error("thrown after a simulation");
    return throw_through_arrays(depth - 1) + local[depth % 256];
}

// One frame as deep as all of those, written from end to end.
[[gnu::noinline]] long long write_deep_frame() {
    volatile char big[16384];
    for (volatile char& c : big) c = 1;
    long long sum = 0;
    for (const volatile char& c : big) sum += c;
    return sum;
}

}  // namespace

TEST_CASE("systemc: exceptions after a simulation leave the stack clean for AddressSanitizer",
          "[sim][systemc][sanitize]") {
    const Network conv = conv_network({5, 6, 6, 11, 3, 3, 1, 1, 1});
    auto cycle = make_hardware_model("cycle", small_config());
    CHECK(cycle->simulate_layer(conv, 1, 3).total_cycles > 0);
    for (int i = 0; i < 3; ++i) CHECK_THROWS_AS(throw_through_arrays(12), Error);
    CHECK(write_deep_frame() == 16384);
    // And again after a second layer.
    CHECK(cycle->simulate_layer(conv, 1, 5).total_cycles > 0);
    CHECK_THROWS_AS(throw_through_arrays(12), Error);
    CHECK(write_deep_frame() == 16384);
}

TEST_CASE("systemc: ASan's detect_stack_use_after_return is refused with a message",
          "[sim][systemc][sanitize]") {
#ifndef SERIALQ_TEST_ASAN
    SUCCEED("not an AddressSanitizer build");
#else
    // SystemC 2.3.4 hands ASan no fake-stack handle at its switches: with the option on, ASan
    // frees the fake stack that live frames are on. The kernel says so before the first switch
    // (in a fresh process: the option is read at start-up).
    const char* const name =
        "systemc: ASan's detect_stack_use_after_return is refused with a message";
    if (std::getenv("SERIALQ_FAKE_STACK_CHILD") == nullptr) {
        const std::string self = std::filesystem::read_symlink("/proc/self/exe").string();
        const std::string command =
            "SERIALQ_FAKE_STACK_CHILD=1 ASAN_OPTIONS=detect_stack_use_after_return=1 '" + self +
            "' \"" + name + "\" > /dev/null";
        CHECK(std::system(command.c_str()) == 0);
        return;
    }
    const Network conv = conv_network({5, 6, 6, 11, 3, 3, 1, 1, 1});
    CHECK_THROWS_WITH(make_hardware_model("cycle", small_config())->simulate_layer(conv, 1, 3),
                      Catch::Contains("detect_stack_use_after_return=0"));
#endif
}
