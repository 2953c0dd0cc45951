#pragma once
// The trained-weights file (.sqw) beside a network trace; the binary layout is documented in
// docs/quant.md ("## Weights file"). All integers and floats are little-endian:
//
//   "SQWEIGHT" | u32 version (1) | u32 tensor count | u32 metadata bytes | metadata (JSON)
//   per tensor: u32 name bytes | name | u32 rank | rank x u32 dims | f32 values
//   u32 CRC-32 (zlib / IEEE 802.3) of every byte before it
//
// A wrong magic, an unknown version, a truncated file, a bad checksum or trailing bytes are
// InputErrors naming the file: a damaged file is never read as garbage weights.
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace serialq::quant {

struct NamedTensor {
    std::string name;  // "conv1.weight", "conv1.bias", ...
    std::vector<std::uint32_t> shape;  // PyTorch order: conv (out, in, kh, kw), fc (out, in)
    std::vector<float> values;  // row-major over `shape`
};

struct WeightsFile {
    static constexpr char kMagic[9] = "SQWEIGHT";
    static constexpr std::uint32_t kVersion = 1;

    std::string metadata_json;  // network, training command, seed, accuracies
    std::vector<NamedTensor> tensors;
    std::uint32_t crc32 = 0;  // the stored checksum (set by read and write)

    const NamedTensor* find(const std::string& name) const;
};

// Serialises `file` (computing its checksum) into bytes; exposed for tests that damage them.
std::string encode_weights(WeightsFile& file);
// Parses bytes read from `source` (the file name used in errors).
WeightsFile decode_weights(const std::string& bytes, const std::string& source);

// Writes atomically (temporary file + rename).
void write_weights_file(const std::filesystem::path& path, WeightsFile& file);
WeightsFile read_weights_file(const std::filesystem::path& path);

}  // namespace serialq::quant
