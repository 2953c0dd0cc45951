// A sweep's point file (<out>/points/<id>.json) through a rerun of the sweep: the damaged file
// of the first point is read back (read_point) and assembled with the second into
// results.csv and results.json, as `serialq sweep` does when it resumes.
#include "fuzz_support.hpp"
#include "sweep_fixture.hpp"

#include <fstream>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace serialq;
    static const std::filesystem::path dir = [] {
        const auto d = fuzz::scratch_dir() / "sweep";
        fuzz::run_fixture_sweep(d);  // both points computed once; the second stays intact
        return d;
    }();
    const auto file = fuzz::fixture_first_point(dir);
    {
        std::ofstream out(file, std::ios::binary | std::ios::trunc);
        out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
    }
    return fuzz::refuse_cleanly([&] { fuzz::run_fixture_sweep(dir); });
}
