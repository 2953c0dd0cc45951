#pragma once
// The cycle-level model behind HardwareModel: each layer's mapping (mapping.hpp) executed by the
// SystemC design in accelerator.hpp, pass by pass and step by step, with its cycles measured in
// simulated time and its events and traffic counted by the modules that cause them. Energy
// prices those counts with layer_energy() (energy.hpp), as the analytic model does.
#include "serialq/sim/hardware_model.hpp"

#include <memory>

namespace serialq::sim {

// What make_hardware_model("cycle", ...) returns. Any number of models may exist in a process;
// they share one elaborated SystemC design (SystemC allows one per process) and simulate one
// layer at a time.
std::unique_ptr<HardwareModel> make_cycle_model(const AcceleratorConfig& config);

}  // namespace serialq::sim
