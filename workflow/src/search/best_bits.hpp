#pragma once
// The bit assignment a search found, read from its best.json (or the search directory).
#include <filesystem>
#include <vector>

namespace serialq::workflow {

// Accepts the file or the directory holding it. The bits are the "bits" member - a list of
// integers or a "8,4,4,8" string - at the top level or inside "best". Throws InputError naming
// the file when it is missing, not JSON, or has no bits.
std::vector<int> read_best_bits(const std::filesystem::path& path);

// "8,4,4,8", "8 4 4 8", "[8, 4, 4, 8]" -> {8, 4, 4, 8}; empty if `text` holds no integer.
std::vector<int> bits_from_text(const std::string& text);

}  // namespace serialq::workflow
