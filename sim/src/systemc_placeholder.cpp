// Stands in for the cycle-level SystemC model until sim/src/systemc/ defines
// make_cycle_model(); delete this file when it does (the default model then becomes "cycle").
#include "serialq/common/error.hpp"
#include "serialq/sim/hardware_model.hpp"

extern "C" const bool serialq_cycle_model_is_placeholder = true;

namespace serialq::sim {

__attribute__((weak)) std::unique_ptr<HardwareModel> make_cycle_model(const AcceleratorConfig&) {
    throw ConfigError("cycle model not built yet");
}

}  // namespace serialq::sim
