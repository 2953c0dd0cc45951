// A trained-weights file (.sqw) through decode_weights. The input is the file without its
// trailing CRC-32, which the target appends: the checksum refuses almost every mutation, and
// what matters is what a file with a valid checksum but damaged structure does.
#include "fuzz_support.hpp"
#include "serialq/quant/weights_file.hpp"

#include <zlib.h>

#include <cstring>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace serialq;
    std::string bytes(fuzz::as_text(data, size));
    const auto crc = static_cast<std::uint32_t>(
        crc32_z(crc32(0L, Z_NULL, 0), reinterpret_cast<const Bytef*>(bytes.data()), bytes.size()));
    char b[4];
    std::memcpy(b, &crc, 4);
    bytes.append(b, 4);
    return fuzz::refuse_cleanly([&] { quant::decode_weights(bytes, "fuzz.sqw"); });
}
