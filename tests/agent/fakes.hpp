#pragma once
// Small stand-ins for the oracle and the simulator, with closed-form answers, so that the
// agent's unit tests check its own arithmetic (the real ones are exercised by the CLI tests and
// the benchmarks).
#include "serialq/common/network.hpp"
#include "serialq/quant/oracle.hpp"
#include "serialq/sim/hardware_model.hpp"

#include <cmath>
#include <map>
#include <string>
#include <vector>

namespace serialq::test {

// Accuracy falls as bits fall, more steeply for the later layers:
//   acc = 99 - sum_l (l + 1) * 2^(4 - bits_l)   (clamped at 5 %)
class FakeOracle final : public quant::AccuracyOracle {
public:
    explicit FakeOracle(int layers) : layers_(layers) {}
    std::string identity() const override { return "fake"; }
    int layer_count() const override { return layers_; }
    std::string name() const override { return identity(); }

protected:
    quant::AccuracyResult evaluate_checked(const LayerBits& bits) override {
        ++calls;
        ++calls_per_bits[bits.values()];
        quant::AccuracyResult r;
        r.accuracy_percent = accuracy(bits.values());
        return r;
    }

public:
    double reference_accuracy_percent() override { return 99.0; }

    static double accuracy(const std::vector<int>& bits) {
        double acc = 99.0;
        for (std::size_t l = 0; l < bits.size(); ++l)
            acc -= double(l + 1) * std::pow(2.0, 4 - bits[l]);
        return std::max(acc, 5.0);
    }

    long long calls = 0;
    std::map<std::vector<int>, int> calls_per_bits;

private:
    int layers_;
};

// A layer costs MACs * bits / 256 cycles + 10, and (weights + MACs / 8) * bits pJ.
class FakeHardware final : public sim::HardwareModel {
public:
    std::string name() const override { return "fake"; }
    const sim::AcceleratorConfig& config() const override { return config_; }
    sim::NetworkReport simulate(const Network& net, const LayerBits& bits,
                                const LayerBits& = {}) override {
        sim::NetworkReport r;
        std::size_t l = 0;
        for (std::size_t i = 0; i < net.layers.size(); ++i)
            if (net.layers[i].has_weights())
                r.layers.push_back(simulate_layer(net, static_cast<int>(i), bits[l++]));
        return r;
    }
    sim::LayerReport run_layer(const Network& net, int layer_index,
                               const sim::LayerSpec& spec) override {
        ++calls;
        const int bits = spec.weight_bits;
        const Layer& L = net.layers[static_cast<std::size_t>(layer_index)];
        sim::LayerReport r;
        r.layer_index = layer_index;
        r.bits = bits;
        r.total_cycles = cycles(L, bits);
        r.energy.sip_lanes_pj = energy_pj(L, bits);
        return r;
    }
    static long long cycles(const Layer& L, int bits) { return L.macs() * bits / 256 + 10; }
    static double energy_pj(const Layer& L, int bits) {
        return (double(L.weights()) + double(L.macs()) / 8) * bits;
    }

    long long calls = 0;

private:
    sim::AcceleratorConfig config_;
};

}  // namespace serialq::test
