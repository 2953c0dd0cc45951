#pragma once
// Reads a network trace (docs/formats.md) into a validated Network. Every error names the file,
// the line, the layer and the field.
#include "serialq/common/network.hpp"

#include <filesystem>

namespace serialq {

Network load_network(const std::filesystem::path& path);

}  // namespace serialq
