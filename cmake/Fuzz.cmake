# SERIALQ_FUZZ: every serialq library compiled with libFuzzer's coverage instrumentation and the
# address and undefined-behaviour sanitizers, so that the targets in fuzz/ see a crash, an
# out-of-bounds access or undefined behaviour anywhere in the parsers they drive. clang only:
# GCC has no libFuzzer. Debian's clang-14 ships the runtime in libclang-rt-14-dev.
if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
  message(FATAL_ERROR "SERIALQ_FUZZ needs clang (libFuzzer): configure with "
                      "-DCMAKE_CXX_COMPILER=clang++-14, found ${CMAKE_CXX_COMPILER_ID}")
endif()
# The fuzz build is its own tree: the suite and the benchmarks are built elsewhere.
set(SERIALQ_BUILD_TESTS OFF)
set(SERIALQ_BUILD_BENCH OFF)
# Undefined behaviour aborts (a finding) instead of printing and going on; line tables make the
# sanitizers' stack traces readable at little cost in build time.
set(SERIALQ_FUZZ_FLAGS -fsanitize=fuzzer-no-link,address,undefined
    -fno-sanitize-recover=undefined -fno-omit-frame-pointer -gline-tables-only)
add_compile_options(${SERIALQ_FUZZ_FLAGS})
add_link_options(-fsanitize=address,undefined)
