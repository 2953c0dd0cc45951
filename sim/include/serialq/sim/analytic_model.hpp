#pragma once
// The analytic twin of the cycle-level model: the same mapping (mapping.hpp) summed in closed
// form, so its cycles are exactly the schedule's, in well under a microsecond per layer. The RL
// loop and sweeps call it thousands of times.
#include "serialq/sim/hardware_model.hpp"
#include "serialq/sim/mapping.hpp"

namespace serialq::sim {

// The report of one mapped layer from the mapping's totals and the energy table.
LayerReport analytic_layer_report(const LayerMapping& mapping);

class AnalyticModel final : public HardwareModel {
public:
    explicit AnalyticModel(AcceleratorConfig config);
    std::string name() const override { return "analytic"; }
    const AcceleratorConfig& config() const override { return config_; }
    LayerReport run_layer(const Network& net, int layer_index, const LayerSpec& spec) override;

private:
    AcceleratorConfig config_;
};

}  // namespace serialq::sim
