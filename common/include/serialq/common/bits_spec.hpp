#pragma once
// A per-layer bit assignment as users write it: "8,4,4,8" (one entry per weight layer) or
// "uniform:N" (every layer at N bits).
#include "serialq/common/layer_bits.hpp"

#include <string>

namespace serialq {

// Parses `spec` for a network with `layers` weight layers; each bitwidth must lie in `range`
// (within kBitwidths). Throws ConfigError naming `what` (e.g. "--bits") on any mismatch.
LayerBits parse_bits(const std::string& spec, std::size_t layers, BitsRange range = kBitwidths,
                     const std::string& what = "--bits");

}  // namespace serialq
