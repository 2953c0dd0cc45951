#include "systemc/sanitizer_stack.hpp"

#include "serialq/common/error.hpp"

#ifdef SERIALQ_ASAN
#include <sanitizer/common_interface_defs.h>

// ASan's run-time flag, exported by its run-time library (GCC's and Clang's).
extern "C" int __asan_option_detect_stack_use_after_return;
#endif

namespace serialq::sim::sc {

#ifdef SERIALQ_ASAN

namespace {

// A "switch" that stays on the current stack, announcing it as [bottom, bottom + size) and
// keeping the thread's fake stack; returns the bounds ASan had before.
void announce_stack(const void* bottom, std::size_t size, const void** old_bottom,
                    std::size_t* old_size) {
    void* fake_stack = nullptr;
    __sanitizer_start_switch_fiber(&fake_stack, bottom, size);
    __sanitizer_finish_switch_fiber(fake_stack, old_bottom, old_size);
}

}  // namespace

KeepThreadStackKnown::KeepThreadStackKnown() {
    // ASan offers no query of the current bounds, only the previous ones at a switch: switch to
    // "no stack" to read them, then back to them.
    announce_stack(nullptr, 0, &bottom_, &size_);
    announce_stack(bottom_, size_, nullptr, nullptr);
}

KeepThreadStackKnown::~KeepThreadStackKnown() {
    if (bottom_ != nullptr) announce_stack(bottom_, size_, nullptr, nullptr);
}

void check_sanitizer_mode() {
    if (__asan_option_detect_stack_use_after_return != 0)
        throw Error(
            "cycle model: AddressSanitizer's detect_stack_use_after_return is on, which the "
            "SystemC 2.3 kernel's coroutines do not support; run with "
            "ASAN_OPTIONS=detect_stack_use_after_return=0 (docs/reliability.md, Sanitizers)");
}

#else

KeepThreadStackKnown::KeepThreadStackKnown() {}
KeepThreadStackKnown::~KeepThreadStackKnown() {}
void check_sanitizer_mode() {}

#endif

}  // namespace serialq::sim::sc
