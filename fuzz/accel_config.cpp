// Accelerator configuration YAML (configs/accel/*.yaml) through load_accelerator_config.
#include "fuzz_support.hpp"
#include "serialq/sim/accelerator_config.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace serialq;
    const auto file = fuzz::write_scratch("accel.yaml", fuzz::as_text(data, size));
    return fuzz::refuse_cleanly([&] { sim::load_accelerator_config(file); });
}
