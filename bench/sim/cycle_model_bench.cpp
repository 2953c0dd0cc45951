// Wall time of the cycle-level SystemC model: simulated layers per second on LeNet, ResNet-20,
// AlexNet and MobileNet-v1 at 8 and 4 bits (and AlexNet at 8,4,4,4,4,4,4,8), on the default
// accelerator (configs/accel/stripes.yaml), and the same design's naive clocked variant (every
// unit ticks its busy cycles down on a clock edge) for comparison. The clocked variant runs in
// a child process, because SystemC elaborates one design per process.
//
//   build-<you>/bench/sim/bench_sim_cycle_model_bench [min_seconds_per_row]
#include "../machine.hpp"

#include "serialq/common/network_loader.hpp"
#include "serialq/sim/accelerator_config.hpp"
#include "serialq/sim/cycle_model.hpp"
#include "serialq/sim/hardware_model.hpp"

#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <string>
#include <thread>
#include <vector>

using namespace serialq;
using namespace serialq::sim;

namespace {

struct Row {
    std::string trace;
    std::string bits_label;
    std::vector<int> bits;
};

struct Measure {
    double seconds_per_network = 0;
    long long layers = 0;  // weight layers per network
    long long simulated_cycles = 0;
    long long runs = 0;
    long long steps = 0;
    int repetitions = 0;
};

Measure measure(HardwareModel& model, const Network& net, const std::vector<int>& bits,
                double min_seconds) {
    using clock = std::chrono::steady_clock;
    Measure m;
    const CycleModelStats before = cycle_model_stats();
    (void)model.simulate(net, LayerBits(bits));  // one run for the counts (and to warm up)
    const CycleModelStats after = cycle_model_stats();
    m.layers = after.layers - before.layers;
    m.simulated_cycles = after.simulated_cycles - before.simulated_cycles;
    m.runs = after.runs - before.runs;
    m.steps = after.steps - before.steps;
    const auto t0 = clock::now();
    double elapsed = 0;
    do {
        (void)model.simulate(net, LayerBits(bits));
        ++m.repetitions;
        elapsed = std::chrono::duration<double>(clock::now() - t0).count();
    } while (elapsed < min_seconds);
    m.seconds_per_network = elapsed / m.repetitions;
    return m;
}

std::vector<Row> rows(const std::map<std::string, Network>& nets) {
    std::vector<Row> out;
    for (const std::string trace : {"lenet", "resnet20", "alexnet", "mobilenet-v1"}) {
        const std::size_t n = nets.at(trace).weight_layer_count();
        out.push_back({trace, "uniform:8", std::vector<int>(n, 8)});
        out.push_back({trace, "uniform:4", std::vector<int>(n, 4)});
    }
    out.push_back({"alexnet", "8,4,4,4,4,4,4,8", {8, 4, 4, 4, 4, 4, 4, 8}});
    return out;
}

}  // namespace

int main(int argc, char** argv) {
    const double min_seconds = argc > 1 ? std::atof(argv[1]) : 1.0;
#ifdef SERIALQ_SOURCE_DIR
    const std::string root = SERIALQ_SOURCE_DIR;
#else
    const std::string root = ".";  // run from the repository root
#endif
    const AcceleratorConfig config = load_accelerator_config(root + "/configs/accel/stripes.yaml");
    std::map<std::string, Network> nets;
    for (const std::string trace : {"lenet", "resnet20", "alexnet", "mobilenet-v1"})
        nets.emplace(trace, load_network(root + "/traces/" + trace + ".yaml"));
    const std::vector<Row> table = rows(nets);

    // The clocked variant, in a child (fresh SystemC), reports seconds per network on a pipe.
    int fds[2];
    if (pipe(fds) != 0) return 1;
    const pid_t child = fork();
    if (child == 0) {
        close(fds[0]);
        cycle_model_use_clock(true);
        auto model = make_hardware_model("cycle", config);
        std::string out;
        for (const Row& r : table) {
            const Measure m = measure(*model, nets.at(r.trace), r.bits, min_seconds / 4);
            out += std::to_string(m.seconds_per_network) + "\n";
        }
        if (write(fds[1], out.data(), out.size()) < 0) _exit(1);
        _exit(0);
    }
    close(fds[1]);
    std::string clocked_text;
    char buf[4096];
    for (ssize_t n; (n = read(fds[0], buf, sizeof buf)) > 0;)
        clocked_text.append(buf, static_cast<std::size_t>(n));
    int status = 0;
    waitpid(child, &status, 0);
    std::vector<double> clocked;
    for (std::size_t pos = 0; pos < clocked_text.size();) {
        const std::size_t end = clocked_text.find('\n', pos);
        clocked.push_back(std::atof(clocked_text.substr(pos, end - pos).c_str()));
        pos = end + 1;
    }

    auto model = make_hardware_model("cycle", config);
    std::printf("cycle-level model (SystemC 2.3.4, timed waits), accelerator %s\n",
                config.name.c_str());
    std::printf("machine: %s, load average %s; min %.2f s per row (clocked: a quarter)\n",
                serialq::bench::machine().c_str(), serialq::bench::load_average().c_str(),
                min_seconds);
    std::printf(
        "wall_ms: one network, elaboration excluded; steps: lane-chunk steps simulated;\n"
        "runs: runs of identical steps (one timed wait per unit each); clocked_ms: the\n"
        "naive clocked variant; timed_x: clocked_ms / wall_ms\n");
    std::printf("%-13s %-16s %6s %14s %9s %9s %12s %11s %12s %9s\n", "trace", "bits", "layers",
                "sim_cycles", "steps", "runs", "wall_ms", "layers/s", "clocked_ms", "timed_x");
    for (std::size_t i = 0; i < table.size(); ++i) {
        const Row& r = table[i];
        const Measure m = measure(*model, nets.at(r.trace), r.bits, min_seconds);
        const double c = i < clocked.size() ? clocked[i] : 0;
        std::printf("%-13s %-16s %6lld %14lld %9lld %9lld %12.3f %11.0f %12.1f %8.0fx\n",
                    r.trace.c_str(), r.bits_label.c_str(), m.layers, m.simulated_cycles, m.steps,
                    m.runs, m.seconds_per_network * 1e3,
                    static_cast<double>(m.layers) / m.seconds_per_network, c * 1e3,
                    m.seconds_per_network > 0 ? c / m.seconds_per_network : 0);
    }
    return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : 1;
}
