// The public face of the cycle model's VCD tracing (sim/src/systemc/accelerator.hpp).
#include "serialq/sim/vcd_trace.hpp"

#include "systemc/accelerator.hpp"

namespace serialq::sim {

void start_vcd_trace(const std::string& path, const std::string& layer_name) {
    sc::Kernel::instance().trace_to(path, layer_name);
}

void stop_vcd_trace() { sc::Kernel::instance().trace_layer(""); }

}  // namespace serialq::sim
