// `--set key=value` (serialq sim) and `--set key=v1,v2` (serialq sweep): the text parsed, then
// applied to a shipped accelerator as the commands apply it.
#include "fuzz_support.hpp"
#include "serialq/sim/accelerator_config.hpp"
#include "serialq/workflow/sweep_spec.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace serialq;
    const std::string text(fuzz::as_text(data, size));
    const std::filesystem::path accel = SERIALQ_SOURCE_DIR "/configs/accel/stripes.yaml";
    fuzz::refuse_cleanly(
        [&] { sim::load_accelerator_config(accel, {sim::parse_config_override(text)}); });
    return fuzz::refuse_cleanly([&] {
        const workflow::SweepAxis axis = workflow::parse_sweep_axis(text);
        for (const auto& v : axis.values) sim::load_accelerator_config(accel, {{axis.key, v}});
    });
}
