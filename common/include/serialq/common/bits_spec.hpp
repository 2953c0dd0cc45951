#pragma once
// A per-layer bit assignment as users write it: "8,4,4,8" (one entry per weight layer) or
// "uniform:N" (every layer at N bits).
#include <string>
#include <vector>

namespace serialq {

// Parses `spec` for a network with `layers` weight layers; each bitwidth must lie in
// [min_bits, max_bits]. Throws ConfigError naming `what` (e.g. "--bits") on any mismatch.
std::vector<int> parse_bits(const std::string& spec, std::size_t layers, int min_bits, int max_bits,
                            const std::string& what = "--bits");

// "8,4,4,8"
std::string format_bits(const std::vector<int>& bits, char separator = ',');

}  // namespace serialq
