// Reports built from real outputs of sim, sweep and search: one plot per expected figure, the
// page parses as XML, and the numbers in the tables are the inputs'.
#include "../common/temp_file.hpp"
#include "serialq/common/atomic_file.hpp"
#include "serialq/common/error.hpp"
#include "serialq/sim/hardware_model.hpp"
#include "serialq/workflow/report.hpp"
#include "serialq/workflow/sweep.hpp"
#include "xml_check.hpp"

#include <catch2/catch.hpp>

#include <sstream>

using namespace serialq;
using namespace serialq::workflow;
using serialq::test::TempDir;
using serialq::workflow::test::check_xml;

namespace {

const std::string kData = SERIALQ_TEST_DATA_DIR "/workflow";
const std::string kRoot = SERIALQ_SOURCE_DIR;

void check_page(const Report& r, std::size_t figures) {
    CHECK(r.figure_count() == figures);
    const std::string html = render_html(r);
    const auto xml = check_xml(html);
    INFO(xml.error);
    REQUIRE(xml.ok());
    CHECK(xml.count("figure") == static_cast<int>(figures));
    CHECK(xml.count("svg") == static_cast<int>(figures));
    CHECK(xml.count("details") == static_cast<int>(figures));  // the table behind each plot
    const auto md = render_markdown(r, "r");
    CHECK(md.figures.size() == figures);
    for (const auto& [name, svg] : md.figures) CHECK(check_xml(svg).ok());
}

}  // namespace

TEST_CASE("report of sim runs: bit assignments side by side") {
    const Report r = build_report({kData + "/sim-lenet.json"});
    // per-layer latency, energy, speedup, energy reduction; breakdown of the totals and of
    // each of the three runs per layer
    check_page(r, 4 + 1 + 3);
    const std::string html = render_html(r);
    CHECK(html.find("<td>8,4,4,8</td>") != std::string::npos);
    CHECK(html.find("<td class=\"num\">1.906</td>") != std::string::npos);  // uniform:4 speedup
}

TEST_CASE("report of a sweep: metrics against each swept parameter") {
    TempDir dir;
    SweepSpec spec;
    spec.accels = {kRoot + "/configs/accel/stripes.yaml"};
    spec.axes = {{"off_chip.bandwidth_gb_per_s", {"8", "32", "128"}}, {"tiles", {"8", "16"}}};
    spec.traces = {kRoot + "/traces/lenet.yaml"};
    spec.bits = {"uniform:8", "uniform:4"};
    SweepOptions o;
    o.out_dir = dir.path();
    o.make_model = sim::make_hardware_model;
    run_sweep(spec, o);
    // 3 parameters vary (bandwidth, tiles, bits): latency and energy against each, the
    // breakdown along the first; 12 points is too many for the per-layer comparison.
    const Report r = build_report({dir.path()});
    check_page(r, 3 * 2 + 1);
    const std::string html = render_html(r);
    CHECK(html.find("latency vs off_chip.bandwidth_gb_per_s") != std::string::npos);
    CHECK(html.find("off_chip.bandwidth_gb_per_s (GB/s)") != std::string::npos);
    // results.json stands for its directory
    CHECK(build_report({dir.path() / "results.json"}).figure_count() == 7);
    // A results.csv without its total rows is refused, naming the file.
    std::string kept;
    std::istringstream lines(read_file(dir.path() / "results.csv"));
    for (std::string l; std::getline(lines, l);)
        if (l.find(",total,") == std::string::npos) kept += l + "\n";
    write_file_atomically(dir.path() / "results.csv", kept);
    CHECK_THROWS_WITH(build_report({dir.path()}),
                      Catch::Contains("results.csv: found no row with layer 'total'"));
}

TEST_CASE("report of a search: learning curves, Pareto scatters, action probabilities") {
    const Report r = build_report({kData + "/search"});
    // reward, accuracy, entropy; accuracy vs latency and vs energy; expected bits, last
    // probabilities
    check_page(r, 3 + 2 + 2);
    const std::string html = render_html(r);
    CHECK(html.find("Pareto frontier") != std::string::npos);
    CHECK(html.find("<td>best.<wbr/>bits</td><td>[2,2,4,4]</td>") != std::string::npos);
    // best.json's configuration is marked on both Pareto plots
    const std::string marker = "<g class=\"chosen\">\n<polygon";
    const auto first = html.find(marker);
    CHECK((first != std::string::npos && html.find(marker, first + 1) != std::string::npos));
}

TEST_CASE("reports refuse what is not a serialq output, naming the file") {
    CHECK_THROWS_WITH(build_report({kData + "/not-json.json"}), Catch::Contains("not valid JSON"));
    CHECK_THROWS_WITH(build_report({kRoot + "/traces"}),
                      Catch::Contains("found neither sweep.json"));
    CHECK_THROWS_WITH(build_report({kData + "/search", kData + "/sim-lenet.json"}),
                      Catch::Contains("not a mix"));
    CHECK_THROWS_AS(build_report({kData + "/best.json"}), InputError);  // no episodes.csv beside it
}
