// Speed of the analytic model: layer evaluations per second (AnalyticModel::simulate_layer, what
// the RL loop and sweeps call), whole networks per second, on the shipped accelerators and
// traces, cycling the bits 1..16 so that no evaluation repeats the previous one.
//
//   build-<you>/bench/sim/bench_sim_analytic_model_bench [min_seconds_per_row]
#include "../machine.hpp"

#include "serialq/common/network_loader.hpp"
#include "serialq/sim/analytic_model.hpp"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

using namespace serialq;
using namespace serialq::sim;

namespace {

using Clock = std::chrono::steady_clock;
volatile long long sink = 0;  // keeps the evaluations from being optimised away

struct Rate {
    double per_second = 0;
    long long count = 0;
};

// Runs `one` (returning how many evaluations it did) until min_seconds have passed.
template <class F>
Rate measure(double min_seconds, F one) {
    one();  // warm up
    long long count = 0;
    const auto start = Clock::now();
    double elapsed = 0;
    do {
        count += one();
        elapsed = std::chrono::duration<double>(Clock::now() - start).count();
    } while (elapsed < min_seconds);
    return {static_cast<double>(count) / elapsed, count};
}

}  // namespace

int main(int argc, char** argv) {
    const double min_seconds = argc > 1 ? std::atof(argv[1]) : 1.0;
    const std::string root = SERIALQ_SOURCE_DIR;
    std::printf("analytic model speed on %s (one thread)\n", serialq::bench::machine().c_str());
    std::printf("%-12s %-13s %7s %16s %12s %14s\n", "accelerator", "trace", "layers",
                "layer_evals_per_s", "ns_per_eval", "networks_per_s");
    for (const char* accel : {"stripes", "stripes-act", "loom", "dadiannao"}) {
        AnalyticModel model(load_accelerator_config(root + "/configs/accel/" + accel + ".yaml"));
        for (const char* trace : {"lenet", "resnet20", "alexnet", "mobilenet-v1", "resnet50"}) {
            const Network net = load_network(root + "/traces/" + trace + ".yaml");
            std::vector<int> indices;
            for (const Layer* l : net.weight_layers())
                indices.push_back(static_cast<int>(l - net.layers.data()));
            int bits = 0;
            const Rate layers = measure(min_seconds, [&] {
                long long s = 0;
                for (int index : indices) {
                    bits = bits % 16 + 1;
                    s += model.simulate_layer(net, index, bits).total_cycles;
                }
                sink = sink + s;
                return static_cast<long long>(indices.size());
            });
            const Rate networks = measure(min_seconds, [&] {
                bits = bits % 16 + 1;
                sink = sink + model.simulate(net, LayerBits::uniform(bits, indices.size()))
                                  .total.total_cycles;
                return 1LL;
            });
            std::printf("%-12s %-13s %7zu %16.3g %12.0f %14.3g\n", accel, trace, indices.size(),
                        layers.per_second, 1e9 / layers.per_second, networks.per_second);
        }
    }
    return 0;
}
