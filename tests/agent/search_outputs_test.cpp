// A search's outputs after any number of interruptions: resuming (a finished run too) ends
// with the uninterrupted run's five files, and the files say whether the run was complete.
#include "search_fixture.hpp"

#include "serialq/agent/search_run.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

using namespace serialq;
using namespace serialq::agent;
using serialq::test::Run;

namespace {

const char* kFiles[] = {"episodes.csv", "action_probabilities.csv", "best.json", "pareto.json",
                        "checkpoint.bin"};

struct Killed {};

// The run stopped by an exception (as by a kill) in the episode after `episode` was done.
void kill_after(Run& r, long long episode) {
    CHECK_THROWS_AS(r.go([episode](const SearchProgress& p) {
        if (p.episodes_done > episode) throw Killed{};
        return true;
    }),
                    Killed);
}

void same_files(const Run& a, const Run& b) {
    for (const char* f : kFiles) {
        INFO(f);
        CHECK(a.file(f) == b.file(f));
    }
}

nlohmann::json json_file(const Run& r, const char* name) {
    return nlohmann::json::parse(r.file(name));
}

// Latency within 3 points: greedy does not stop early under it.
void latency_objective(Run& r) {
    r.settings.objective.kind = ObjectiveKind::Latency;
    r.settings.objective.max_loss_points = 3;
}

}  // namespace

TEST_CASE("search: killed four times, resumed, then resumed once finished: one run's files",
          "[agent][search]") {
    for (const char* strategy : {"ppo", "adrl", "haq", "random", "greedy", "exhaustive"}) {
        INFO(strategy);
        Run whole(std::string("chain-whole-") + strategy, strategy),
            parts(std::string("chain-parts-") + strategy, strategy);
        for (Run* r : {&whole, &parts}) {
            latency_objective(*r);
            // Exhaustive: 81 episodes, not 2,401 (greedy would finish before the kills).
            if (std::string(strategy) == "exhaustive") r->config.environment.bits = {2, 4, 8};
        }
        whole.go();
        // Killed after checkpoints at 5, 10 and 20 (one kill between checkpoints).
        kill_after(parts, 7);
        parts.settings.resume = true;
        for (const long long e : {11, 12, 21}) kill_after(parts, e);
        parts.go();
        same_files(whole, parts);
        // A finished run resumed again rewrites the same files (simulated_layer_bit_pairs
        // changed: pareto.json's costs had simulated after best.json's count was taken).
        for (int again = 0; again < 2; ++again) {
            parts.go();
            same_files(whole, parts);
        }
    }
}

TEST_CASE("search: best.json and pareto.json say whether the run had finished", "[agent][search]") {
    Run r("complete-flag");
    kill_after(r, 12);  // the last checkpoint: 10 episodes
    for (const char* f : {"best.json", "pareto.json"}) {
        INFO(f);
        CHECK(json_file(r, f)["episodes"] == 10);
        CHECK(json_file(r, f)["complete"] == false);
    }
    r.settings.resume = true;
    r.go();
    for (const char* f : {"best.json", "pareto.json"}) {
        INFO(f);
        CHECK(json_file(r, f)["episodes"] == 23);
        CHECK(json_file(r, f)["complete"] == true);
    }

    Run stopped("complete-flag-stopped");
    const SearchSummary s = stopped.go([](const SearchProgress& p) { return p.episodes_done < 7; });
    CHECK(s.episodes == 7);
    CHECK_FALSE(s.complete);
    CHECK(json_file(stopped, "best.json")["complete"] == false);
    CHECK(json_file(stopped, "best.json")["episodes"] == 7);
}
