// The HTML page is self-contained and parses as XML; Markdown links one SVG file per figure.
#include "serialq/workflow/chart.hpp"
#include "serialq/workflow/report_document.hpp"
#include "xml_check.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <set>

using namespace serialq::workflow;
using serialq::workflow::test::check_xml;

namespace {
Report sample_report() {
    Report r;
    r.title = "Sample <report> & more";
    r.provenance = {{"source", "runs/a&b"}, {"seed", "7"}};
    Section s{"Latency", {}};
    s.blocks.push_back(Paragraph{"Cycles per layer, 4 < 8 bits."});
    for (const char* id : {"one", "two"}) {
        BarChart c;
        c.title = id;
        c.categories = {"conv1", "fc1"};
        c.y = {"latency", "cycles", Scale::Linear, true, {}};
        c.series = {{"uniform:8", {10, 20}}};
        DataTable t{{"layer", "cycles"}, {}};
        t.add_row({"conv1", "10"});
        t.add_row({"fc1", "20"});
        s.blocks.push_back(Figure{id, std::string("caption ") + id, c, t});
    }
    DataTable totals{{"bits", "total_cycles"}, {}};
    totals.add_row({"8,8", "30"});
    s.blocks.push_back(TableBlock{"Totals", totals});
    r.sections.push_back(s);
    r.sections.push_back(Section{"Empty", {Paragraph{"nothing"}}});
    return r;
}
}  // namespace

TEST_CASE("html report: one figure and one table per plot, well-formed, nothing external") {
    const Report r = sample_report();
    REQUIRE(r.figure_count() == 2);
    const std::string html = render_html(r);
    const auto xml = check_xml(html);
    INFO(xml.error);
    REQUIRE(xml.ok());
    CHECK(xml.count("figure") == 2);
    CHECK(xml.count("svg") == 2);
    CHECK(xml.count("table") == 2 + 1 + 1);  // behind each figure, the totals, the provenance
    CHECK(xml.count("section") == 2);
    for (const char* external : {"<script", "<link", "src=", "url(", "@import", "href=\"http"})
        CHECK(html.find(external) == std::string::npos);
    CHECK(html.find("Sample &lt;report&gt; &amp; more") != std::string::npos);
    CHECK(html.find("Figure 2. caption two") != std::string::npos);
}

TEST_CASE("markdown report: one linked SVG file per figure, tables as pipe tables") {
    const auto md = render_markdown(sample_report(), "sample");
    REQUIRE(md.figures.size() == 2);
    CHECK(md.figures[0].first == "sample-one.svg");
    CHECK(md.markdown.find("](sample-one.svg)") != std::string::npos);
    CHECK(md.markdown.find("](sample-two.svg)") != std::string::npos);
    CHECK(md.markdown.find("| bits | total_cycles |\n| --- | --- |\n| 8,8 | 30 |") !=
          std::string::npos);
    for (const auto& f : md.figures) CHECK(check_xml(f.second).ok());
}

TEST_CASE("data table rows must match the columns and csv quotes what needs it") {
    DataTable t{{"a", "b"}, {}};
    CHECK_THROWS_AS(t.add_row({"1"}), std::logic_error);
    t.add_row({"8,4", "say \"hi\""});
    CHECK(t.csv() == "a,b\n\"8,4\",\"say \"\"hi\"\"\"\n");
}

TEST_CASE("markdown report: figure file names from the inputs cannot leave the report's folder") {
    Report r;
    r.title = "escape";
    Section s{"figures", {}};
    DataTable t{{"x", "y"}, {}};
    t.add_row({"1", "2"});
    // A sweep parameter named in the sweep's own files becomes part of a figure id.
    for (const std::string id : {"cycles-vs-x/../../../escaped", "cycles-vs-x_.._.._.._escaped",
                                 "cycles-vs-x/../../../escaped", "/etc/passwd", "", "a b\\c\n"})
        s.blocks.push_back(Figure{id, "caption", LineChart{}, t});
    r.sections.push_back(s);
    const auto md = render_markdown(r, "report");
    REQUIRE(md.figures.size() == 6);
    std::set<std::string> names;
    for (const auto& [name, svg] : md.figures) {
        INFO(name);
        CHECK(name.find('/') == std::string::npos);
        CHECK(name.rfind("report-", 0) == 0);
        CHECK(name.size() > 11);
        CHECK(name.compare(name.size() - 4, 4, ".svg") == 0);
        CHECK(std::all_of(name.begin(), name.end(), [](char c) {
            return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-';
        }));
        CHECK(std::filesystem::path(name).filename() == name);
        names.insert(name);
        CHECK(md.markdown.find("](" + name + ")") != std::string::npos);
    }
    CHECK(names.size() == 6);  // none overwrites another
    CHECK(md.figures[0].first == "report-cycles-vs-x_.._.._.._escaped.svg");
    CHECK(md.figures[1].first == "report-cycles-vs-x_.._.._.._escaped-2.svg");
    CHECK(md.figures[2].first == "report-cycles-vs-x_.._.._.._escaped-3.svg");
    CHECK(md.figures[3].first == "report-_etc_passwd.svg");
    CHECK(md.figures[4].first == "report-figure.svg");
}
