#include "serialq/sim/cycle_model.hpp"

#include "systemc/accelerator.hpp"

#include "functional/functional_array.hpp"

#include "serialq/sim/mapping.hpp"
#include "serialq/sim/report.hpp"

namespace serialq::sim {

namespace {

LayerReport report_of(const LayerMapping& mapping, const sc::LayerRun& run) {
    return layer_report(mapping,
                        {run.compute_cycles, run.total_cycles, run.macs, run.events, run.traffic});
}

class CycleModel final : public HardwareModel {
public:
    explicit CycleModel(AcceleratorConfig config) : config_(std::move(config)) { config_.check(); }

    std::string name() const override { return "cycle"; }
    const AcceleratorConfig& config() const override { return config_; }

    LayerReport run_layer(const Network& net, int layer_index, const LayerSpec& spec) override {
        const LayerMapping mapping(config_, net, layer_index, spec);  // validates first
        return report_of(mapping, sc::Kernel::instance().run(mapping));
    }

private:
    AcceleratorConfig config_;
};

}  // namespace

std::unique_ptr<HardwareModel> make_cycle_model(const AcceleratorConfig& config) {
    return std::make_unique<CycleModel>(config);
}

CycleFunctionalRun simulate_layer_functional(const AcceleratorConfig& config, const Network& net,
                                             int layer_index, const LayerSpec& spec,
                                             const LayerOperands& operands,
                                             const FunctionalOptions& options) {
    config.check();
    const LayerMapping mapping(config, net, layer_index, spec);
    FunctionalArray array(mapping, operands, options);  // checks the operands before simulating
    CycleFunctionalRun out;
    out.report = report_of(mapping, sc::Kernel::instance().run(mapping, &array));
    out.functional = array.result();
    return out;
}

void start_vcd_trace(const std::string& path, const std::string& layer_name) {
    sc::Kernel::instance().trace_to(path, layer_name);
}

void stop_vcd_trace() { sc::Kernel::instance().trace_layer(""); }

void cycle_model_use_clock(bool clocked) { sc::Kernel::instance().use_clock(clocked); }

CycleModelStats cycle_model_stats() { return sc::Kernel::instance().stats(); }

}  // namespace serialq::sim
