// Where a sweep writes: a killed run's temporary files in its directory are cleaned when the
// next run starts, and nothing else there is touched.
#include "../common/temp_file.hpp"
#include "serialq/common/atomic_file.hpp"
#include "serialq/sim/hardware_model.hpp"
#include "serialq/workflow/sweep.hpp"

#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <sys/wait.h>
#include <unistd.h>

using namespace serialq;
using namespace serialq::workflow;

namespace {

// The temporary name a writer with process id `pid` on this host gives `target`.
std::filesystem::path temporary_of(const std::filesystem::path& target, pid_t pid) {
    const std::string mine = temporary_path(target, 0).string();
    const std::string tail = "." + std::to_string(static_cast<long>(::getpid())) + ".0";
    return mine.substr(0, mine.size() - tail.size()) + "." + std::to_string(pid) + ".0";
}

}  // namespace

TEST_CASE("a sweep removes the temporary files a killed run left, and only those") {
    test::TempDir dir;
    const pid_t pid = ::fork();
    if (pid == 0) ::_exit(0);
    int status = 0;
    ::waitpid(pid, &status, 0);  // a writer that has gone
    std::filesystem::create_directories(dir.path() / "points");
    const auto stale_results = temporary_of(dir.path() / "results.csv", pid);
    const auto stale_point = temporary_of(dir.path() / "points" / "p.json", pid);
    const auto notes = dir.path() / "notes.tmp.1.txt";
    for (const auto& p : {stale_results, stale_point, notes}) std::ofstream(p) << "half";

    SweepSpec spec;
    spec.accels = {std::string(SERIALQ_SOURCE_DIR) + "/configs/accel/stripes.yaml"};
    spec.traces = {std::string(SERIALQ_SOURCE_DIR) + "/traces/lenet.yaml"};
    spec.bits = {"uniform:8"};
    SweepOptions o;
    o.out_dir = dir.path();
    o.make_model = sim::make_hardware_model;
    run_sweep(spec, o);
    CHECK_FALSE(std::filesystem::exists(stale_results));
    CHECK_FALSE(std::filesystem::exists(stale_point));
    CHECK(std::filesystem::exists(notes));
    CHECK(std::filesystem::exists(dir.path() / "results.csv"));
}
