#pragma once
// SHA-256 (FIPS 180-4) of a byte string, for oracle identities: a table oracle is identified by
// its file's content, so that renaming or moving the file keeps its cache entries, and editing
// one value gives it a new identity.
#include <string>
#include <string_view>

namespace serialq::quant {

// Lower-case hex digest (64 characters).
std::string sha256_hex(std::string_view bytes);

}  // namespace serialq::quant
