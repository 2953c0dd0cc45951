# Warnings, sanitizers and CPU tuning as INTERFACE targets that every serialq target links.
add_library(serialq_warnings INTERFACE)
target_compile_options(serialq_warnings INTERFACE -Wall -Wextra -Wpedantic)
# GCC 12 at -O2/-O3 reports -Wrestrict inside libstdc++'s own std::string code for
# `"literal" + std::string(...)` (GCC bug 105651, fixed in GCC 13): a false positive about the
# library's header that every engineer kept rewriting code around. Off for GCC < 13 only.
if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU" AND CMAKE_CXX_COMPILER_VERSION VERSION_LESS 13)
  target_compile_options(serialq_warnings INTERFACE -Wno-restrict)
endif()

add_library(serialq_options INTERFACE)
if(SERIALQ_NATIVE)
  # Eigen picks AVX2/AVX-512 kernels only when the compiler may emit them.
  target_compile_options(serialq_options INTERFACE -march=native)
  # GCC 12 reports -Wmaybe-uninitialized inside its own AVX-512 intrinsics header
  # (_mm512_undefined_ps, GCC bug 105593, fixed in GCC 13) wherever Eigen's AVX-512 kernels are
  # inlined: a warning about GCC's header, not our code. Silenced only for GCC < 13 on native
  # builds, the one case where those kernels are compiled.
  if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU" AND CMAKE_CXX_COMPILER_VERSION VERSION_LESS 13)
    target_compile_options(serialq_options INTERFACE -Wno-maybe-uninitialized)
  endif()
endif()
# Address and undefined-behaviour sanitizers (scripts/test-sanitize, docs/reliability.md):
# undefined behaviour aborts instead of printing and carrying on, so that it fails the test.
if(SERIALQ_SANITIZE)
  target_compile_options(serialq_options INTERFACE -fsanitize=address,undefined
    -fno-sanitize-recover=undefined -fno-omit-frame-pointer)
  target_link_options(serialq_options INTERFACE -fsanitize=address,undefined
    -fno-sanitize-recover=undefined)
endif()
