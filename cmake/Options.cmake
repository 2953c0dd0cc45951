# Warnings, sanitizers and CPU tuning as INTERFACE targets that every serialq target links.
add_library(serialq_warnings INTERFACE)
target_compile_options(serialq_warnings INTERFACE -Wall -Wextra -Wpedantic)

add_library(serialq_options INTERFACE)
if(SERIALQ_NATIVE)
  # Eigen picks AVX2/AVX-512 kernels only when the compiler may emit them.
  target_compile_options(serialq_options INTERFACE -march=native)
endif()
if(SERIALQ_SANITIZE)
  target_compile_options(serialq_options INTERFACE -fsanitize=address,undefined -fno-omit-frame-pointer)
  target_link_options(serialq_options INTERFACE -fsanitize=address,undefined)
endif()
