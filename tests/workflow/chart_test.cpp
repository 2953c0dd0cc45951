// SVG charts: well-formed, one mark per data point, units rescaled in the axis titles, gaps for
// values that cannot be drawn, stacked bars that add up.
#include "serialq/workflow/chart.hpp"
#include "xml_check.hpp"

#include <catch2/catch.hpp>

#include <cmath>
#include <regex>

using namespace serialq::workflow;
using serialq::workflow::test::check_xml;

namespace {
int occurrences(const std::string& text, const std::string& what) {
    int n = 0;
    for (std::size_t p = text.find(what); p != std::string::npos; p = text.find(what, p + 1)) ++n;
    return n;
}
}  // namespace

TEST_CASE("line chart: one polyline and one marker per point per series, units in the titles") {
    LineChart c;
    c.title = "latency vs bandwidth";
    c.x = {"off-chip bandwidth", "GB/s", Scale::Log, false, {32, 64, 128, 256}};
    c.y = {"latency", "cycles", Scale::Linear, true, {}};
    c.series.push_back({"lenet", {32, 64, 128, 256}, {4.0e6, 2.1e6, 1.2e6, 1.1e6}, {}});
    c.series.push_back({"resnet20 <&>", {32, 64, 128, 256}, {9.0e6, 5.0e6, 3.0e6, 2.9e6}, {}});
    const std::string svg = render_svg(c);
    const auto xml = check_xml(svg);
    INFO(xml.error);
    REQUIRE(xml.ok());
    CHECK(xml.count("svg") == 1);
    CHECK(xml.count("polyline") == 2);
    CHECK(occurrences(svg, "<circle") == 8 + 2);  // 8 points, 2 legend markers
    CHECK(svg.find("latency (M cycles)") != std::string::npos);
    CHECK(svg.find("off-chip bandwidth (GB/s)") != std::string::npos);
    CHECK(svg.find("resnet20 &lt;&amp;&gt;") != std::string::npos);  // escaped legend text
    for (const char* tick : {">32<", ">64<", ">128<", ">256<"})
        CHECK(svg.find(tick) != std::string::npos);
}

TEST_CASE("line chart: a value that cannot be drawn breaks the line instead of faking a point") {
    LineChart c;
    c.title = "gap";
    c.x = {"x", "", Scale::Linear, false, {}};
    c.y = {"y", "pJ", Scale::Log, false, {}};
    c.series.push_back({"s", {1, 2, 3, 4, 5}, {10, 20, std::nan(""), 40, -1}, {}});
    const std::string svg = render_svg(c);
    REQUIRE(check_xml(svg).ok());
    CHECK(occurrences(svg, "<polyline") ==
          1);  // 1-2 joined; 4 alone is no line; -1 not on a log axis
    CHECK(occurrences(svg, "<circle") == 3 + 1);  // points 1, 2, 4 and the legend marker
}

TEST_CASE("energy axes read in the largest unit below 1000") {
    LineChart c;
    c.title = "energy";
    c.x = {"bits", "", Scale::Linear, false, {}};
    c.y = {"energy", "pJ", Scale::Linear, true, {}};
    c.series.push_back({"e", {2, 4, 8}, {2.0e6, 4.0e6, 8.0e6}, {}});
    const std::string svg = render_svg(c);
    CHECK(svg.find("energy (µJ)") != std::string::npos);
    CHECK(svg.find(">8<") != std::string::npos);  // 8e6 pJ reads as 8 µJ
}

TEST_CASE("stacked bars add up to the total and reach the top of a range that ends at it") {
    BarChart c;
    c.title = "energy by component";
    c.category_label = "layer";
    c.categories = {"conv1", "conv2"};
    c.y = {"energy", "pJ", Scale::Linear, true, {}};
    c.stacked = true;
    c.series = {{"compute", {6, 1}}, {"memory", {4, 4}}};
    const std::string svg = render_svg(c);
    REQUIRE(check_xml(svg).ok());
    // Bars carry tooltips; the background and legend swatches do not.
    std::regex bar(
        "<rect x=\"([0-9.]+)\" y=\"([0-9.]+)\" width=\"([0-9.]+)\" "
        "height=\"([0-9.]+)\"[^>]*><title>conv1");
    std::vector<double> tops, heights;
    for (auto it = std::sregex_iterator(svg.begin(), svg.end(), bar); it != std::sregex_iterator();
         ++it) {
        tops.push_back(std::stod((*it)[2]));
        heights.push_back(std::stod((*it)[4]));
    }
    REQUIRE(tops.size() == 2);
    // The y range is 0..10 (total of conv1 = 10), so the two segments together span the plot
    // height and the upper one starts at its top; their heights are in the ratio 6:4.
    const double top = *std::min_element(tops.begin(), tops.end());
    CHECK(top == Approx(40.0).margin(0.1));
    CHECK(heights[0] / heights[1] == Approx(6.0 / 4.0).epsilon(0.01));
    CHECK(occurrences(svg, "<title>conv2") == 2);
}

TEST_CASE("grouped bars: one bar per series and category, and a reference line") {
    BarChart c;
    c.title = "speedup";
    c.category_label = "layer";
    for (int i = 0; i < 60; ++i) c.categories.push_back("layer" + std::to_string(i) + ".conv");
    c.y = {"speedup over 8 bits", "x", Scale::Linear, true, {}};
    c.series = {{"uniform:4", std::vector<double>(60, 2.0)},
                {"searched", std::vector<double>(60, 2.5)}};
    c.reference = ReferenceLine{1.0, "baseline"};
    const std::string svg = render_svg(c);
    REQUIRE(check_xml(svg).ok());
    CHECK(occurrences(svg, "</title></rect>") == 120);
    CHECK(occurrences(svg, "stroke-dasharray") == 2);  // the reference line and its legend entry
    CHECK(occurrences(svg, "rotate(-90") == 61);  // the y title and all 60 labels, upright
    CHECK(svg.find("width=\"720\"") == std::string::npos);  // widened to hold them
}

TEST_CASE("scatter: the frontier is ringed and joined by a staircase") {
    ScatterChart c;
    c.title = "accuracy vs latency";
    c.x = {"latency", "cycles", Scale::Linear, false, {}};
    c.y = {"accuracy", "%", Scale::Linear, false, {}};
    c.series.push_back({"evaluated", {1, 2, 3, 4}, {50, 70, 60, 90}, {"a", "b", "c", "d"}});
    c.frontier = Series{"Pareto frontier", {1, 2, 4}, {50, 70, 90}, {}};
    const std::string svg = render_svg(c);
    REQUIRE(check_xml(svg).ok());
    const std::regex ring("<circle[^>]*fill=\"none\" stroke=\"#C0392B\"");
    CHECK(std::distance(std::sregex_iterator(svg.begin(), svg.end(), ring),
                        std::sregex_iterator()) == 3 + 1);  // the frontier's rings and the legend's
    // The staircase: 3 points, 2 steps of two segments each -> 5 vertices.
    std::smatch m;
    REQUIRE(std::regex_search(svg, m, std::regex("<polyline points=\"([^\"]*)\"")));
    CHECK(occurrences(m[1].str(), ",") == 5);
    CHECK(svg.find("<title>d</title>") != std::string::npos);
}

TEST_CASE("series of different lengths are a programming error") {
    LineChart c;
    c.series.push_back({"bad", {1, 2}, {1}, {}});
    CHECK_THROWS_AS(render_svg(c), std::invalid_argument);
    BarChart b;
    b.categories = {"a", "b"};
    b.series = {{"short", {1}}};
    CHECK_THROWS_AS(render_svg(b), std::invalid_argument);
}

TEST_CASE("an empty chart says so and stays well-formed") {
    ScatterChart c;
    c.title = "nothing";
    const std::string svg = render_svg(c);
    REQUIRE(check_xml(svg).ok());
    CHECK(svg.find("no data to plot") != std::string::npos);
}
