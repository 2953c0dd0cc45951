#pragma once
// The files serialq ships (configs/, traces/): found from any folder. A relative input path that
// does not exist where the user runs is looked up under the shipped-files roots, so
// `serialq sim --trace traces/lenet.yaml` works from the home folder after `cmake --install`
// and from the build tree alike. A file in the current folder always wins.
#include <filesystem>
#include <string>
#include <vector>

namespace serialq {

// Where shipped files are looked up, in order: $SERIALQ_DATA_DIR if set; the nearest
// share/serialq above the program or module that holds this code (an installed prefix); the
// source tree this was built from, if it still exists (a build tree). Only folders that exist.
const std::vector<std::filesystem::path>& shipped_roots();

// `path` itself if it exists or is absolute; else the first root/path that exists; else `path`
// unchanged (so that the error names what the user wrote).
std::filesystem::path resolve_input(const std::filesystem::path& path);

// " (looked for in the current folder and in R1, R2)": the tail of a cannot-open error.
std::string where_looked(const std::filesystem::path& path);

}  // namespace serialq
