// VCD output of the cycle-level model: one layer's main signals, readable by GTKWave. Runs in a
// fresh process (SystemC opens trace files at its one elaboration per process).

#include "serialq/common/error.hpp"
#include "serialq/common/network_loader.hpp"
#include "serialq/sim/cycle_model.hpp"
#include "serialq/sim/hardware_model.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>

using namespace serialq;
using namespace serialq::sim;

namespace {
const char* const kName = "systemc: --vcd writes the signals of the named layer";
}

TEST_CASE("systemc: --vcd writes the signals of the named layer", "[sim][systemc][vcd]") {
    const auto dir =
        std::filesystem::temp_directory_path() / ("serialq-vcd-" + std::to_string(::getpid()));
    const char* child_dir = std::getenv("SERIALQ_VCD_CHILD");
    if (child_dir == nullptr) {
        std::filesystem::create_directories(dir);
        const std::string self = std::filesystem::read_symlink("/proc/self/exe").string();
        const std::string command =
            "SERIALQ_VCD_CHILD='" + dir.string() + "' '" + self + "' \"" + kName + "\" > /dev/null";
        CHECK(std::system(command.c_str()) == 0);
        // The child traced conv2 of LeNet: the file names every signal and has value changes.
        std::ifstream in(dir / "lenet.vcd");
        REQUIRE(in.good());
        std::stringstream text;
        text << in.rdbuf();
        const std::string vcd = text.str();
        for (const char* signal :
             {"pass", "array_stalled", "window_block", "chunk", "active_sips", "off_chip_busy"})
            CHECK(vcd.find(std::string(" ") + signal + " ") != std::string::npos);
        CHECK(vcd.find("$timescale") != std::string::npos);
        // The values each signal took. LeNet conv2 (50 filters, 8x8 outputs) runs as one pass
        // of 4 window blocks with 50 x 16 SIPs busy; before and after it the pass is -1.
        std::map<std::string, std::string> id_of;
        std::map<std::string, std::set<std::string>> values;  // by id
        std::istringstream lines(vcd);
        for (std::string line; std::getline(lines, line);) {
            std::istringstream words(line);
            std::string first, kind, width, id, name;
            words >> first;
            if (first == "$var") {
                words >> kind >> width >> id >> name;
                id_of[name] = id;
            } else if (!first.empty() && first[0] == 'b') {
                words >> id;
                values[id].insert(first.substr(1));
            }
        }
        const auto took = [&](const std::string& signal, long long value) {
            std::string bits;  // VCD writes binary without leading zeros
            auto v = static_cast<unsigned long long>(value) & 0xffffffffULL;
            do {
                bits.push_back(static_cast<char>('0' + (v & 1)));
                v >>= 1;
            } while (v != 0);
            std::reverse(bits.begin(), bits.end());
            return values[id_of[signal]].count(bits) > 0;
        };
        CHECK(took("pass", 0));
        CHECK(took("pass", -1));
        CHECK(took("window_block", 3));
        CHECK_FALSE(took("window_block", 4));
        CHECK(took("active_sips", 50 * 16));
        CHECK(took("chunk", 31));  // 500 terms: chunks 0..31 of 16 lanes
        std::filesystem::remove_all(dir);
        return;
    }
    const std::filesystem::path out = std::filesystem::path(child_dir) / "lenet.vcd";
    CHECK_THROWS_WITH(start_vcd_trace("/nonexistent-dir/x", "conv2"),
                      "/nonexistent-dir/x.vcd: cannot open for writing (--vcd)");
    start_vcd_trace(out.string(), "conv2");
    const Network net = load_network(std::string(SERIALQ_SOURCE_DIR) + "/traces/lenet.yaml");
    auto model = make_hardware_model(
        "cycle",
        load_accelerator_config(std::string(SERIALQ_SOURCE_DIR) + "/configs/accel/stripes.yaml"));
    const NetworkReport r = model->simulate(net, {8, 4, 4, 8});
    CHECK(r.layers.size() == 4);
    // After the first layer the design is elaborated: tracing can no longer be requested.
    CHECK_THROWS_AS(start_vcd_trace(out.string(), "fc1"), ConfigError);
}
