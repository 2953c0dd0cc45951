// A search checkpoint (checkpoint.bin) through `serialq search --resume`: read, checked against
// the run and restored (strategy, environment, memo, logs), then the outputs written. The input
// is the checkpoint without its trailing FNV-1a hash, which the target appends: what matters is
// a checkpoint whose hash is valid but whose contents are not (written by a buggy or hostile
// program, or damaged before the hash was computed).
#include "fuzz_support.hpp"
#include "search_fixture.hpp"

#include <cstring>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace serialq;
    static fuzz::SearchFixture fixture;
    std::string bytes(fuzz::as_text(data, size));
    const std::uint64_t h = fuzz::fnv1a(bytes);
    char b[8];
    std::memcpy(b, &h, 8);
    bytes.append(b, 8);
    const auto dir = fuzz::scratch_dir() / "resume";
    fuzz::write_scratch("resume/checkpoint.bin", bytes);
    return fuzz::refuse_cleanly([&] { fixture.run(dir, true); });
}
