// The report of a search killed while it saved: best.json is written last, so the CSVs may hold
// episodes beyond it; the report is of best.json's episodes and says when the run is incomplete.
#include "../common/temp_file.hpp"
#include "serialq/common/atomic_file.hpp"
#include "serialq/common/error.hpp"
#include "serialq/workflow/report.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

using namespace serialq;
using namespace serialq::workflow;
using serialq::test::TempDir;

namespace {

const std::filesystem::path kSearch = SERIALQ_TEST_DATA_DIR "/workflow/search";

// The shipped search (150 episodes) with best.json saying `episodes` and `complete`.
void copy_search(const TempDir& dir, long long episodes, bool complete) {
    for (const char* f : {"episodes.csv", "action_probabilities.csv", "pareto.json"})
        dir.write(f, read_file(kSearch / f));
    auto best = nlohmann::json::parse(read_file(kSearch / "best.json"));
    best["episodes"] = episodes;
    best["complete"] = complete;
    dir.write("best.json", best.dump(2));
}

std::string provenance(const Report& r, const std::string& key) {
    for (const auto& [k, v] : r.provenance)
        if (k == key) return v;
    return "";
}

}  // namespace

TEST_CASE("report: a killed search is reported at best.json's episodes, marked incomplete",
          "[workflow][report]") {
    TempDir dir;
    copy_search(dir, 120, false);
    const Report r = build_report({dir.path()});
    CHECK(provenance(r, "episodes").rfind("120 (incomplete: ", 0) == 0);
    const std::string html = render_html(r);
    CHECK(html.find("action probabilities at episode 120") != std::string::npos);
    CHECK(html.find("action probabilities at episode 150") == std::string::npos);

    copy_search(dir, 150, true);
    CHECK(provenance(build_report({dir.path()}), "episodes") == "150");
}

TEST_CASE("report: a best.json ahead of episodes.csv is refused", "[workflow][report]") {
    TempDir dir;
    copy_search(dir, 151, true);
    CHECK_THROWS_WITH(build_report({dir.path()}),
                      Catch::Contains("episodes.csv: 150 episodes, expected the 151 of best.json"));
    copy_search(dir, 150, true);
    auto best = nlohmann::json::parse(read_file(dir.path() / "best.json"));
    best["episodes"] = "many";
    dir.write("best.json", best.dump());
    CHECK_THROWS_AS(build_report({dir.path()}), InputError);
}
