// `serialq report`'s inputs: the first byte picks which file of a sim run, a search directory
// or a sweep directory the rest of the input replaces (the others are intact ones); the report
// is then built and rendered as HTML and Markdown. best.json is also read as `--bits` takes it
// (read_best_bits).
#include "fuzz_support.hpp"
#include "serialq/workflow/report.hpp"
#include "serialq/workflow/report_document.hpp"
#include "sweep_fixture.hpp"
#include "workflow/src/search/best_bits.hpp"

#include <array>

namespace {

namespace fs = std::filesystem;

struct Slot {
    const char* dir;  // under the scratch directory; "" for a sim file
    const char* file;
};
constexpr std::array<Slot, 6> kSlots = {{{"", "sim.json"},
                                         {"search", "episodes.csv"},
                                         {"search", "best.json"},
                                         {"search", "action_probabilities.csv"},
                                         {"sweep", "sweep.json"},
                                         {"sweep", "results.csv"}}};

// Fresh intact copies of the search and sweep directories.
void reset_inputs(const fs::path& root) {
    static const fs::path sweep = [] {
        const auto d = serialq::fuzz::scratch_dir() / "report-sweep";
        serialq::fuzz::run_fixture_sweep(d);
        return d;
    }();
    fs::remove_all(root);
    fs::create_directories(root);
    fs::copy(SERIALQ_SOURCE_DIR "/tests/data/workflow/search", root / "search",
             fs::copy_options::recursive);
    fs::copy(sweep, root / "sweep", fs::copy_options::recursive);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace serialq;
    if (size == 0) return 0;
    const Slot slot = kSlots[data[0] % kSlots.size()];
    const fs::path root = fuzz::scratch_dir() / "report";
    reset_inputs(root);
    const fs::path dir = root / slot.dir;
    const fs::path file = dir / slot.file;
    fuzz::write_scratch(fs::relative(file, fuzz::scratch_dir()).string(),
                        fuzz::as_text(data + 1, size - 1));
    const fs::path input = std::string(slot.dir).empty() ? file : dir;
    fuzz::refuse_cleanly([&] {
        const workflow::Report report = workflow::build_report({input});
        workflow::render_html(report);
        workflow::render_markdown(report, "fuzz");
    });
    if (std::string(slot.file) == "best.json")
        fuzz::refuse_cleanly([&] { workflow::read_best_bits(file); });
    return 0;
}
