// Writes the seed corpus of every fuzz target into <out>/<target>/ from the shipped files
// (configs/, traces/, tests/data/) and from small runs of the library (a search's checkpoint,
// a sweep's point file, a weights file, a cache export), so that no seed is kept in the tree.
// Run at build time (fuzz/CMakeLists.txt): make_seeds <out>
#include "search_fixture.hpp"
#include "serialq/common/atomic_file.hpp"
#include "serialq/quant/oracle_cache.hpp"
#include "serialq/quant/weights_file.hpp"
#include "sweep_fixture.hpp"

#include <fstream>
#include <iostream>
#include <string>
#include <vector>

namespace {

namespace fs = std::filesystem;
using namespace serialq;

fs::path g_out;

void seed(const std::string& target, const std::string& name, std::string_view bytes) {
    const fs::path p = g_out / target / name;
    fs::create_directories(p.parent_path());
    std::ofstream out(p, std::ios::binary | std::ios::trunc);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

// Every file of `dir` (under the source root) ending in `ext`, as a seed of `target`.
void seed_files(const std::string& target, const std::string& dir, const std::string& ext) {
    for (const auto& e : fs::directory_iterator(fs::path(SERIALQ_SOURCE_DIR) / dir))
        if (e.is_regular_file() && e.path().extension() == ext)
            seed(target, dir + "/" + e.path().filename().string(), read_file(e.path()));
}

void seed_texts(const std::string& target, const std::vector<std::string>& texts) {
    for (std::size_t i = 0; i < texts.size(); ++i) seed(target, std::to_string(i), texts[i]);
}

void seed_weights() {
    quant::WeightsFile w;
    w.metadata_json = R"({"network": "lenet", "seed": 1})";
    w.tensors = {{"conv1.weight", {2, 1, 3, 3}, std::vector<float>(18, 0.25f)},
                 {"conv1.bias", {2}, {0.5f, -0.5f}},
                 {"fc1.weight", {3, 2}, {1, 2, 3, 4, 5, 6}}};
    std::string bytes = quant::encode_weights(w);
    bytes.resize(bytes.size() - 4);  // fuzz/weights.cpp appends the CRC-32
    seed("weights", "small", bytes);
}

void seed_checkpoint(const fs::path& scratch) {
    fuzz::SearchFixture fixture;
    fixture.run(scratch / "search", false);
    std::string bytes = read_file(scratch / "search" / "checkpoint.bin");
    bytes.resize(bytes.size() - 8);  // fuzz/checkpoint.cpp appends the hash
    seed("checkpoint", "ppo-6-episodes", bytes);
}

void seed_sweep(const fs::path& scratch) {
    const fs::path dir = scratch / "sweep";
    fuzz::run_fixture_sweep(dir);
    seed("point_file", "first-point", read_file(fuzz::fixture_first_point(dir)));
    seed("report_inputs", "4-sweep.json", "\x04" + read_file(dir / "sweep.json"));
    seed("report_inputs", "5-results.csv", "\x05" + read_file(dir / "results.csv"));
}

void seed_report() {
    const fs::path data = fs::path(SERIALQ_SOURCE_DIR) / "tests/data/workflow";
    seed("report_inputs", "0-sim.json", "\x00" + read_file(data / "sim-lenet.json"));
    seed("report_inputs", "1-episodes.csv", "\x01" + read_file(data / "search/episodes.csv"));
    seed("report_inputs", "2-best.json", "\x02" + read_file(data / "search/best.json"));
    seed("report_inputs", "2-best-bits.json", "\x02" + read_file(data / "best.json"));
    seed("report_inputs", "3-action_probabilities.csv",
         "\x03" + read_file(data / "search/action_probabilities.csv"));
}

void seed_cache() {
    quant::CacheEntry a{
        "table:0123abcd",          "table:t.csv", "8,4,4,8", 91.5, 5000, 1.25, false,
        "2025-01-31T12:00:00.000Z"};
    quant::CacheEntry b{"builtin:lenet",           "", "reference", 91.42, 5000, 2, false,
                        "2025-01-31T12:00:01.000Z"};
    quant::CacheEntry c{"builtin:lenet",           "", "2,2,2,2", 10.0, 500, 0.1, true,
                        "2025-01-31T12:00:02.000Z"};
    seed("cache_import", "export", quant::entries_to_csv({a, b, c}));
}

}  // namespace

int main(int argc, char** argv) {
    if (argc != 2) {
        std::cerr << "usage: make_seeds <corpus directory>\n";
        return 2;
    }
    try {
        g_out = argv[1];
        const fs::path scratch = g_out / ".scratch";
        fs::remove_all(scratch);
        seed_files("accel_config", "configs/accel", ".yaml");
        seed_files("accel_config", "tests/data/sim", ".yaml");
        seed_files("trace", "traces", ".yaml");
        seed_files("trace", "tests/data/traces-bad", ".yaml");
        seed_files("trace", "tests/data/quant", ".yaml");
        seed_files("search_config", "configs/search", ".yaml");
        seed_files("search_config", "tests/data/agent", ".yaml");
        seed_files("sweep_spec", "configs/sweeps", ".yaml");
        seed_files("sweep_spec", "tests/data/workflow", ".yaml");
        seed_texts("set_override", {"tiles=8", "off_chip.bandwidth_gb_per_s=64", "tiles=8,16,32",
                                    "off_chip.bandwidth_gb_per_s=1,16,256", "name=x",
                                    "clock_ghz=0.98", "weight_residency=resident", "tiles"});
        seed_texts("bits", {"8,4,4,8", "uniform:4", "[8, 4, 4, 8]", "8 4 4 8", "2,3,4,5",
                            "uniform:16", "1,16,1,16"});
        seed_files("bits", "tests/data/workflow", ".json");
        seed_files("table_csv", "tests/data/quant", ".csv");
        seed_texts("exec_reply",
                   {R"({"layers": 4, "identity": "lenet-v3", "reference_accuracy": 99.1})",
                    R"({"accuracy": 91.3, "samples": 5000})", R"({"error": "why not"})",
                    R"({"error": {"code": [1, 2]}})", R"({"accuracy": 91.3})"});
        seed_weights();
        seed_cache();
        seed_report();
        seed_sweep(scratch);
        seed_checkpoint(scratch);
        fs::remove_all(scratch);
    } catch (const std::exception& e) {
        std::cerr << "make_seeds: " << e.what() << "\n";
        return 1;
    }
    return 0;
}
