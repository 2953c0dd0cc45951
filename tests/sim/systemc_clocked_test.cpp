// The naive clocked variant of the design (every unit ticks its busy cycles on clock edges)
// against the default one (one timed wait per unit and run of steps): skipping idle time must
// not change a single count. White-box: the variant is switched on through the cycle model's
// process-wide options (serialq/sim/cycle_model.hpp).
#include "mapping_fixtures.hpp"

#include "serialq/common/error.hpp"
#include "serialq/common/network_loader.hpp"
#include "serialq/sim/cycle_model.hpp"
#include "serialq/sim/hardware_model.hpp"

#include <catch2/catch.hpp>

#include <cstdlib>
#include <filesystem>
#include <random>

using namespace serialq;
using namespace serialq::sim;
using namespace serialq::sim::test;

namespace {
const char* const kName = "systemc: the naive clocked variant counts the same cycles";
}

TEST_CASE("systemc: the naive clocked variant counts the same cycles", "[sim][systemc]") {
    if (std::getenv("SERIALQ_CLOCKED_CHILD") == nullptr) {
        // SystemC elaborates once per process, and the clocked design would slow down every
        // later case of this process: run this case alone in a fresh process (its failures
        // print on stderr).
        const std::string self = std::filesystem::read_symlink("/proc/self/exe").string();
        const std::string command =
            "SERIALQ_CLOCKED_CHILD=1 '" + self + "' \"" + kName + "\" > /dev/null";
        CHECK(std::system(command.c_str()) == 0);
        return;
    }
    REQUIRE_FALSE(cycle_model_stats().elaborated);
    cycle_model_use_clock(true);
    REQUIRE_NOTHROW(cycle_model_use_clock(true));  // asking again for the same is fine

    const Network net = load_network(std::string(SERIALQ_SOURCE_DIR) + "/traces/lenet.yaml");
    const AcceleratorConfig stripes =
        load_accelerator_config(std::string(SERIALQ_SOURCE_DIR) + "/configs/accel/stripes.yaml");
    const std::vector<int> bits{8, 4, 4, 8};
    const NetworkReport c = make_hardware_model("cycle", stripes)->simulate(net, LayerBits(bits));
    const NetworkReport a =
        make_hardware_model("analytic", stripes)->simulate(net, LayerBits(bits));
    for (std::size_t i = 0; i < c.layers.size(); ++i) {
        CHECK(c.layers[i].total_cycles == a.layers[i].total_cycles);
        CHECK(c.layers[i].compute_cycles == a.layers[i].compute_cycles);
        CHECK(c.layers[i].traffic.off_chip_read_bits == a.layers[i].traffic.off_chip_read_bits);
    }
    std::mt19937_64 rng(99);
    for (int i = 0; i < 150; ++i) {
        const RandomCase rc = random_case(rng);
        INFO(rc.describe());
        CHECK(make_hardware_model("cycle", rc.config)
                  ->run_layer(rc.net, rc.layer_index, rc.spec)
                  .total_cycles == make_hardware_model("analytic", rc.config)
                                       ->run_layer(rc.net, rc.layer_index, rc.spec)
                                       .total_cycles);
    }
    const CycleModelStats s = cycle_model_stats();
    CHECK(s.clocked);
    CHECK(s.layers == 4 + 150);
    CHECK_THROWS_AS(cycle_model_use_clock(false), ConfigError);
}
