// Network trace YAML (traces/*.yaml) through load_network.
#include "fuzz_support.hpp"
#include "serialq/common/network_loader.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace serialq;
    const auto file = fuzz::write_scratch("trace.yaml", fuzz::as_text(data, size));
    return fuzz::refuse_cleanly([&] { load_network(file); });
}
