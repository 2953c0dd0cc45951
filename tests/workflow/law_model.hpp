#pragma once
// A stand-in HardwareModel for the sweep engine's tests: simple closed-form laws of the
// configuration (more bits, fewer SIPs or less bandwidth cost more), so that every swept value
// shows in the results, plus a count of simulations so that the tests can see which points a
// rerun skipped. The real models are tested in tests/sim; the CLI tests run sweeps on them.
#include "serialq/sim/hardware_model.hpp"

#include <atomic>
#include <stdexcept>

namespace serialq::workflow::test {

inline std::atomic<int> law_simulations{0};
inline std::atomic<int> law_fail_after{-1};  // throw on this simulation (a killed run), -1: never

class LawModel : public sim::HardwareModel {
public:
    LawModel(std::string kind, sim::AcceleratorConfig c)
        : kind_(std::move(kind)), c_(std::move(c)) {}
    std::string name() const override { return kind_; }
    const sim::AcceleratorConfig& config() const override { return c_; }
    sim::LayerReport run_layer(const Network& net, int index, const sim::LayerSpec& spec) override {
        const int bits = spec.weight_bits;
        const Layer& l = net.layers[static_cast<std::size_t>(index)];
        sim::LayerReport r;
        r.name = l.name;
        r.layer_index = index;
        r.bits = bits;
        r.macs = l.macs();
        const long long lanes = c_.sips() * c_.lanes;
        r.compute_cycles = (r.macs * bits + lanes - 1) / lanes;
        const double bytes = static_cast<double>(l.weights()) * bits / 8.0;
        const double fetch = bytes / c_.off_chip.bandwidth_gb_per_s * c_.clock_ghz;
        r.stall_cycles =
            fetch > r.compute_cycles ? static_cast<long long>(fetch) - r.compute_cycles : 0;
        r.total_cycles = r.compute_cycles + r.stall_cycles;
        r.utilization = 0.5;
        r.traffic.off_chip_read_bits = l.weights() * bits;
        r.energy.sip_lanes_pj = static_cast<double>(r.macs * bits) * c_.energy.lane_pj;
        r.energy.off_chip_pj =
            static_cast<double>(r.traffic.off_chip_read_bits) * c_.energy.off_chip_bit_pj;
        return r;
    }
    sim::NetworkReport simulate(const Network& net, const LayerBits& bits,
                                const LayerBits& = {}) override {
        if (law_fail_after >= 0 && law_simulations >= law_fail_after)
            throw std::runtime_error("simulated crash");
        ++law_simulations;
        sim::NetworkReport n;
        n.network = net.name;
        n.accelerator = c_.name;
        n.model = kind_;
        n.bits = bits.values();
        const auto layers = net.weight_layers();
        for (std::size_t i = 0; i < layers.size(); ++i) {
            const int index = static_cast<int>(layers[i] - net.layers.data());
            n.layers.push_back(simulate_layer(net, index, bits[i]));
            auto& t = n.total;
            t.macs += n.layers.back().macs;
            t.compute_cycles += n.layers.back().compute_cycles;
            t.stall_cycles += n.layers.back().stall_cycles;
            t.total_cycles += n.layers.back().total_cycles;
            t.traffic.off_chip_read_bits += n.layers.back().traffic.off_chip_read_bits;
            t.energy.sip_lanes_pj += n.layers.back().energy.sip_lanes_pj;
            t.energy.off_chip_pj += n.layers.back().energy.off_chip_pj;
        }
        n.total.name = "total";
        return n;
    }

private:
    std::string kind_;
    sim::AcceleratorConfig c_;
};

inline std::unique_ptr<sim::HardwareModel> make_law_model(const std::string& kind,
                                                          const sim::AcceleratorConfig& c) {
    return std::make_unique<LawModel>(kind, c);
}

}  // namespace serialq::workflow::test
