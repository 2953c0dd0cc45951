# Every dependency is a Debian 12 package; scripts/install-deps installs what is missing.
find_package(PkgConfig REQUIRED)
pkg_check_modules(SYSTEMC REQUIRED IMPORTED_TARGET systemc>=2.3.3)
find_package(Eigen3 3.4 REQUIRED NO_MODULE)
find_package(yaml-cpp REQUIRED)
find_package(Boost 1.74 REQUIRED COMPONENTS program_options)
find_package(SQLite3 REQUIRED)
find_package(nlohmann_json 3.10 REQUIRED)
find_package(ZLIB REQUIRED)
find_package(Threads REQUIRED)
# oneDNN (libdnnl-dev): the quantized float engine's convolutions (docs/quant.md). Found by
# hand: Debian's package config also demands the OpenCL development files, for a GPU runtime
# serialq never uses. Debian builds it on OpenMP; serialq calls omp_set_num_threads, so it
# links libgomp itself (without -fopenmp, which would also make Eigen's GEMMs OpenMP-parallel).
find_path(SERIALQ_DNNL_INCLUDE oneapi/dnnl/dnnl.hpp REQUIRED)
find_library(SERIALQ_DNNL_LIBRARY dnnl REQUIRED)
find_library(SERIALQ_GOMP NAMES gomp libgomp.so.1 REQUIRED)
add_library(serialq_dnnl INTERFACE IMPORTED)
target_include_directories(serialq_dnnl INTERFACE ${SERIALQ_DNNL_INCLUDE})
target_link_libraries(serialq_dnnl INTERFACE ${SERIALQ_DNNL_LIBRARY} ${SERIALQ_GOMP})
if(SERIALQ_BUILD_TESTS)
  find_package(Catch2 2 REQUIRED)
  include(Catch)
endif()

# yaml-cpp 0.7 on Debian exports the target "yaml-cpp" without a namespace.
if(NOT TARGET yaml-cpp::yaml-cpp)
  add_library(yaml-cpp::yaml-cpp INTERFACE IMPORTED)
  target_link_libraries(yaml-cpp::yaml-cpp INTERFACE yaml-cpp)
endif()

# Python: Debian's interpreter, where python3-torch, pybind11 and pandas are installed, ahead of
# any other python3 on PATH (pyenv's, a virtualenv's); -DPython3_EXECUTABLE=... still overrides.
if(NOT DEFINED Python3_EXECUTABLE AND EXISTS /usr/bin/python3)
  set(Python3_EXECUTABLE /usr/bin/python3)
endif()
find_package(Python3 REQUIRED COMPONENTS Interpreter)
