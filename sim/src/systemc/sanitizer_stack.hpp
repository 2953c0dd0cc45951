#pragma once
// SystemC's coroutines under AddressSanitizer (docs/reliability.md, "Sanitizers"). Debian's
// libsystemc 2.3.4 runs SC_THREADs as QuickThreads coroutines and tells ASan of each stack
// switch, but it announces the stack of the thread that called sc_start() (its "main"
// coroutine) as address 0, size 0, and passes no fake-stack handle. From the first switch back
// to the caller on, ASan no longer knows that thread's stack: a later `throw` cannot unpoison
// the frames it unwinds ("ASan is ignoring requested __asan_handle_no_return"), and the next
// frames that reuse that memory are reported as stack-buffer-overflow or stack-use-after-scope
// although nothing is wrong. SystemC 3.0.1 fixed it in its kernel (it records the stack it
// leaves); for 2.3.4 the kernel's caller puts the bounds back after each sc_start().
//
// Everything here compiles to nothing unless the build has AddressSanitizer.
#include <cstddef>

#if defined(__SANITIZE_ADDRESS__)
#define SERIALQ_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SERIALQ_ASAN 1
#endif
#endif

namespace serialq::sim::sc {

// Remembers the calling thread's stack as ASan knows it when constructed (before sc_start()),
// and announces it again when destroyed (after sc_start() returns or throws).
class KeepThreadStackKnown {
public:
    KeepThreadStackKnown();
    ~KeepThreadStackKnown();
    KeepThreadStackKnown(const KeepThreadStackKnown&) = delete;
    KeepThreadStackKnown& operator=(const KeepThreadStackKnown&) = delete;

#ifdef SERIALQ_ASAN
private:
    const void* bottom_ = nullptr;
    std::size_t size_ = 0;
#endif
};

// Throws serialq::Error when ASan's detect_stack_use_after_return is on: SystemC 2.3.4 passes
// no fake-stack handle at its switches, so ASan frees the thread's fake stack, with live
// frames on it, at the first switch (a SEGV, or reports about memory that is in use).
void check_sanitizer_mode();

}  // namespace serialq::sim::sc
