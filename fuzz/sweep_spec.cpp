// Sweep spec YAML (configs/sweeps/*.yaml) through load_sweep_spec and its checks.
#include "fuzz_support.hpp"
#include "serialq/workflow/sweep_spec.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace serialq;
    const auto file = fuzz::write_scratch("sweep.yaml", fuzz::as_text(data, size));
    return fuzz::refuse_cleanly([&] {
        const workflow::SweepSpec spec = workflow::load_sweep_spec(file);
        spec.check();
        spec.point_count();
    });
}
