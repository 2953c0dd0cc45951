# SERIALQ_FUZZ: every serialq target compiled with libFuzzer's coverage instrumentation and the
# address and undefined-behaviour sanitizers, so that the targets in fuzz/ see a crash, an
# out-of-bounds access or undefined behaviour anywhere in the parsers they drive. clang only:
# GCC has no libFuzzer. Debian's clang-14 ships the runtime in libclang-rt-14-dev.
#
# The same tree builds the test suite under the same sanitizers (SERIALQ_SANITIZE is implied):
# CI builds one instrumented tree for both the fuzz smoke run and the sanitizer run
# (scripts/sanitize-tree, docs/reliability.md), instead of two trees of the same libraries.
if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
  message(FATAL_ERROR "SERIALQ_FUZZ needs clang (libFuzzer): configure with "
                      "-DCMAKE_CXX_COMPILER=clang++-14, found ${CMAKE_CXX_COMPILER_ID}")
endif()
set(SERIALQ_SANITIZE ON)
# No test or script runs the benchmarks in an instrumented build.
set(SERIALQ_BUILD_BENCH OFF)
# Coverage counters for libFuzzer everywhere (the tests link without libFuzzer: the sanitizer
# runtimes define the counters' hooks). The sanitizers themselves come from SERIALQ_SANITIZE
# (cmake/Options.cmake); line tables make their stack traces readable at little build time.
add_compile_options(-fsanitize=fuzzer-no-link -gline-tables-only)
