#pragma once
// Output files are written to a temporary name beside the target and renamed over it, so a
// killed run leaves either the old file or the new one, never half of one.
#include <filesystem>
#include <string_view>

namespace serialq {

// Writes `content` to `path` atomically (temporary file, fsync, rename). Creates missing
// parent directories. Throws InputError naming the path on failure.
void write_file_atomically(const std::filesystem::path& path, std::string_view content);

// Reads a whole file; throws InputError naming the path if it cannot be opened.
std::string read_file(const std::filesystem::path& path);

}  // namespace serialq
