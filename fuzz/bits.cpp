// The bits syntax: `--bits 8,4,4,8` / `uniform:N` (parse_bits), and the bits of a best.json
// given as --bits (bits_from_text). A thin wrapper on purpose: when parse_bits changes its
// signature, only fuzz_parse_bits changes.
#include "fuzz_support.hpp"
#include "serialq/common/bits_spec.hpp"
#include "workflow/src/search/best_bits.hpp"

namespace {

// Four weight layers (LeNet), bitwidths 1..16 (the widest range any accelerator allows).
void fuzz_parse_bits(const std::string& text) {
    (void)serialq::parse_bits(text, 4, serialq::kBitwidths).str();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace serialq;
    const std::string text(fuzz::as_text(data, size));
    fuzz::refuse_cleanly([&] { fuzz_parse_bits(text); });
    return fuzz::refuse_cleanly([&] { format_bits(workflow::bits_from_text(text)); });
}
