#include "serialq/quant/weights_file.hpp"

#include "serialq/common/atomic_file.hpp"
#include "serialq/common/error.hpp"

#include <zlib.h>

#include <bit>
#include <cmath>
#include <cstring>

namespace serialq::quant {

static_assert(std::endian::native == std::endian::little,
              "the weights format is little-endian; add byte swapping for this host");

const NamedTensor* WeightsFile::find(const std::string& name) const {
    for (const auto& t : tensors)
        if (t.name == name) return &t;
    return nullptr;
}

namespace {

constexpr std::uint32_t kMaxRank = 8;
constexpr std::uint32_t kMaxNameBytes = 4096;

void put_u32(std::string& out, std::uint32_t v) {
    char b[4];
    std::memcpy(b, &v, 4);
    out.append(b, 4);
}

std::uint32_t crc_of(const char* data, std::size_t n) {
    return static_cast<std::uint32_t>(
        crc32_z(crc32(0L, Z_NULL, 0), reinterpret_cast<const Bytef*>(data), n));
}

class Decoder {
public:
    Decoder(const std::string& bytes, const std::string& source) : b_(bytes), source_(source) {}

    std::uint32_t u32(const std::string& what) {
        std::uint32_t v = 0;
        take(&v, 4, what);
        return v;
    }
    void take(void* out, std::size_t n, const std::string& what) {
        need(n, what);
        std::memcpy(out, b_.data() + pos_, n);
        pos_ += n;
    }
    // Checks that n more bytes exist before anything is sized from a length field.
    void need(std::size_t n, const std::string& what) const {
        if (n > end_ - pos_)
            fail("truncated at byte " + std::to_string(pos_) + " while reading " + what +
                 " (needs " + std::to_string(n) + " bytes, " + std::to_string(end_ - pos_) +
                 " left)");
    }
    [[noreturn]] void fail(const std::string& what) const {
        throw InputError(source_ + ": " + what + ", expected a serialq weights file (.sqw, " +
                         "docs/quant.md)");
    }
    void set_end(std::size_t end) { end_ = end; }
    std::size_t pos() const { return pos_; }

private:
    const std::string& b_;
    const std::string& source_;
    std::size_t pos_ = 0;
    std::size_t end_ = b_.size();
};

// A NaN or an infinity behind a valid checksum (a buggy or hostile writer) would reach every
// forward pass and silently wreck each accuracy a search asks for.
void check_finite(const Decoder& d, const NamedTensor& t) {
    for (std::size_t i = 0; i < t.values.size(); ++i)
        if (!std::isfinite(t.values[i]))
            d.fail(t.name + ": value " + std::to_string(i) + " is " +
                   (std::isnan(t.values[i]) ? "NaN" : "infinite") + ", expected a finite float32");
}

}  // namespace

std::string encode_weights(WeightsFile& file) {
    std::string out(WeightsFile::kMagic, 8);
    put_u32(out, WeightsFile::kVersion);
    put_u32(out, static_cast<std::uint32_t>(file.tensors.size()));
    put_u32(out, static_cast<std::uint32_t>(file.metadata_json.size()));
    out += file.metadata_json;
    for (const auto& t : file.tensors) {
        std::size_t count = 1;
        for (auto d : t.shape) count *= d;
        if (count != t.values.size())
            throw InputError("weights tensor " + t.name + ": shape holds " + std::to_string(count) +
                             " values, found " + std::to_string(t.values.size()));
        put_u32(out, static_cast<std::uint32_t>(t.name.size()));
        out += t.name;
        put_u32(out, static_cast<std::uint32_t>(t.shape.size()));
        for (auto d : t.shape) put_u32(out, d);
        out.append(reinterpret_cast<const char*>(t.values.data()), t.values.size() * sizeof(float));
    }
    file.crc32 = crc_of(out.data(), out.size());
    put_u32(out, file.crc32);
    return out;
}

WeightsFile decode_weights(const std::string& bytes, const std::string& source) {
    Decoder d(bytes, source);
    char magic[8];
    d.take(magic, 8, "the magic number");
    if (std::memcmp(magic, WeightsFile::kMagic, 8) != 0) d.fail("bad magic number");
    const std::uint32_t version = d.u32("the version");
    if (version != WeightsFile::kVersion)
        d.fail("format version " + std::to_string(version) + " (this serialq reads version " +
               std::to_string(WeightsFile::kVersion) + ")");
    if (bytes.size() < 4 + 12 + 4) d.fail("truncated before the checksum");
    // Verify the checksum before trusting any length field.
    std::uint32_t stored = 0;
    std::memcpy(&stored, bytes.data() + bytes.size() - 4, 4);
    const std::uint32_t actual = crc_of(bytes.data(), bytes.size() - 4);
    if (stored != actual) {
        char buf[96];
        std::snprintf(buf, sizeof buf,
                      "checksum mismatch (stored %08x, computed %08x): the file "
                      "is truncated or corrupt",
                      stored, actual);
        d.fail(buf);
    }
    d.set_end(bytes.size() - 4);
    WeightsFile file;
    file.crc32 = stored;
    const std::uint32_t count = d.u32("the tensor count");
    const std::uint32_t meta = d.u32("the metadata length");
    d.need(meta, "the metadata");
    file.metadata_json.resize(meta);
    d.take(file.metadata_json.data(), meta, "the metadata");
    for (std::uint32_t i = 0; i < count; ++i) {
        NamedTensor t;
        const std::string which = "tensor " + std::to_string(i);
        const std::uint32_t name_bytes = d.u32(which + " name length");
        if (name_bytes == 0 || name_bytes > kMaxNameBytes)
            d.fail(which + ": name length " + std::to_string(name_bytes) + ", expected 1.." +
                   std::to_string(kMaxNameBytes));
        d.need(name_bytes, which + " name");
        t.name.resize(name_bytes);
        d.take(t.name.data(), name_bytes, which + " name");
        const std::uint32_t rank = d.u32(t.name + " rank");
        if (rank == 0 || rank > kMaxRank)
            d.fail(t.name + ": rank " + std::to_string(rank) + ", expected 1.." +
                   std::to_string(kMaxRank));
        std::uint64_t values = 1;
        for (std::uint32_t r = 0; r < rank; ++r) {
            t.shape.push_back(d.u32(t.name + " shape"));
            // A tensor without values is no layer's weights (and would read zero bytes into
            // an empty vector's null data).
            if (t.shape.back() == 0)
                d.fail(t.name + ": dimension " + std::to_string(r) + " is 0, expected 1 or more");
            values *= t.shape.back();
            if (values > bytes.size()) d.fail(t.name + ": shape larger than the file");
        }
        d.need(values * sizeof(float), t.name + " values");
        t.values.resize(values);
        d.take(t.values.data(), values * sizeof(float), t.name + " values");
        check_finite(d, t);
        file.tensors.push_back(std::move(t));
    }
    if (d.pos() != bytes.size() - 4)
        d.fail(std::to_string(bytes.size() - 4 - d.pos()) +
               " unexpected bytes after the last tensor");
    return file;
}

void write_weights_file(const std::filesystem::path& path, WeightsFile& file) {
    write_file_atomically(path, encode_weights(file));
}

WeightsFile read_weights_file(const std::filesystem::path& path) {
    if (!std::filesystem::exists(path))
        throw InputError(path.string() + ": weights file not found");
    return decode_weights(read_file(path), path.string());
}

}  // namespace serialq::quant
