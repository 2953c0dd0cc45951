// Search configuration YAML (configs/search/*.yaml) through load_search_config.
#include "fuzz_support.hpp"
#include "serialq/agent/search_config.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace serialq;
    const auto file = fuzz::write_scratch("search.yaml", fuzz::as_text(data, size));
    return fuzz::refuse_cleanly([&] { agent::load_search_config(file); });
}
