#pragma once
// Output files are written to a temporary name beside the target and renamed over it, so a
// killed run leaves either the old file or the new one, never half of one.
#include <cstddef>
#include <filesystem>
#include <string_view>

namespace serialq {

// Writes `content` to `path` atomically (temporary file, fsync, rename). Creates missing
// parent directories. Throws InputError naming the path on failure.
//
// The temporary file is temporary_path(path, n) for the first n (a counter of this process)
// whose name is free: created exclusively (O_CREAT | O_EXCL | O_NOFOLLOW), so that a file or a
// symbolic link planted at that name is never opened, followed or truncated; it is skipped.
void write_file_atomically(const std::filesystem::path& path, std::string_view content);

// The n-th temporary name of this process for `target`, beside it:
// "<target>.tmp.<host>.<pid>.<n>", <host> this machine's name in letters, digits and '-'.
std::filesystem::path temporary_path(const std::filesystem::path& target, unsigned long long n);

// Removes, in `dir` (not below it), the temporary files of write_file_atomically that a killed
// process left behind: regular files (not links) owned by this user, named exactly as
// temporary_path names them, by this host, for a process id that no longer exists. Anything
// else is left alone, and so is everything when `dir` cannot be read. Returns the count removed.
// Each command that writes into a directory calls it there once, when it starts.
std::size_t remove_stale_temporary_files(const std::filesystem::path& dir);

// Reads a whole file; throws InputError naming the path if it cannot be opened.
std::string read_file(const std::filesystem::path& path);

}  // namespace serialq
