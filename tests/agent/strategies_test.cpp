// Every strategy with every objective on LeNet with the fake oracle and simulator: best.json is
// the best feasible assignment evaluated (recomputed here from the closed-form fakes), each
// strategy is a function of its seed, pinned layers stay pinned, greedy stops by its rule, and
// the exploration floor keeps the policy asking new assignments.
#include "search_fixture.hpp"

#include "serialq/common/error.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <set>

using namespace serialq;
using namespace serialq::agent;
using serialq::test::FakeHardware;
using serialq::test::FakeOracle;
using serialq::test::Run;

namespace {

const char* kLearned[] = {"ppo", "adrl", "haq"};
const char* kAll[] = {"ppo", "adrl", "haq", "random", "greedy", "exhaustive"};

// The fakes' cost of `bits` under `metric`, relative to every layer at 8 bits.
double cost_x(const Network& net, const std::vector<int>& bits, CostMetric metric) {
    const auto layers = net.weight_layers();
    double c = 0, base = 0;
    for (std::size_t l = 0; l < bits.size(); ++l) {
        const Layer& L = *layers[l];
        switch (metric) {
            case CostMetric::Latency:
                c += double(FakeHardware::cycles(L, bits[l]));
                base += double(FakeHardware::cycles(L, 8));
                break;
            case CostMetric::Energy:
                c += FakeHardware::energy_pj(L, bits[l]);
                base += FakeHardware::energy_pj(L, 8);
                break;
            case CostMetric::Size:
                c += double(L.weights() * bits[l]);
                base += double(L.weights() * 8);
                break;
        }
    }
    return c / base;
}

// The best of `evaluated` by the rules of objective.hpp, recomputed from the fakes.
std::vector<int> best_feasible(const Network& net, const Objective& o, double reference,
                               const std::vector<std::vector<int>>& evaluated) {
    std::vector<int> best;
    double best_x = 0, best_acc = 0;
    for (const auto& bits : evaluated) {
        const double acc = FakeOracle::accuracy(bits), x = cost_x(net, bits, o.metric());
        const bool ok = o.kind == ObjectiveKind::Accuracy ? x <= o.budget_fraction
                                                          : acc >= reference - o.max_loss_points;
        if (!ok) continue;
        const bool better_one =
            best.empty() ||
            (o.kind == ObjectiveKind::Accuracy ? acc > best_acc || (acc == best_acc && x < best_x)
                                               : x < best_x || (x == best_x && acc > best_acc));
        if (better_one) {
            best = bits;
            best_x = x;
            best_acc = acc;
        }
    }
    return best;
}

std::vector<std::vector<int>> evaluated(const Run& r) {
    const auto j = nlohmann::json::parse(r.file("pareto.json"));
    std::vector<std::vector<int>> out;
    for (const auto& c : j["configurations"]) out.push_back(c["bits"].get<std::vector<int>>());
    return out;
}

std::vector<Objective> objectives() {
    Objective latency;  // the default: lowest latency within 1 point
    Objective size;
    size.kind = ObjectiveKind::Size;
    size.max_loss_points = 2.5;
    Objective accuracy;
    accuracy.kind = ObjectiveKind::Accuracy;
    parse_budget("latency:0.6", accuracy);
    Objective energy_budget;
    energy_budget.kind = ObjectiveKind::Accuracy;
    parse_budget("energy:0.5", energy_budget);
    return {latency, size, accuracy, energy_budget};
}

}  // namespace

TEST_CASE("strategies: every strategy and objective reports the best feasible it evaluated",
          "[agent][strategies]") {
    for (const Objective& o : objectives()) {
        // The exact answer, from exhaustive.
        Run exact("exact", "exhaustive");
        exact.settings.objective = o;
        exact.config.checkpoint_every = 1000000;  // outputs at the end only
        exact.config.environment.bits = {2, 3, 4, 6, 8};  // 625 assignments keep it quick
        const SearchSummary truth = exact.go();
        REQUIRE(truth.best_feasible);
        CHECK(truth.episodes == 625);
        CHECK(truth.best.result.bits == best_feasible(exact.net, o, 99.0, evaluated(exact)));
        for (const char* strategy : kAll) {
            INFO(strategy << " " << o.describe(99.0));
            Run r(std::string("objective-") + strategy, strategy);
            r.settings.objective = o;
            r.config.environment.bits = exact.config.environment.bits;
            r.settings.episodes = 60;
            const SearchSummary s = r.go();
            const auto expected = best_feasible(r.net, o, 99.0, evaluated(r));
            CHECK(s.best_feasible == !expected.empty());
            if (!expected.empty()) CHECK(s.best.result.bits == expected);
            // Nothing is cheaper (or, with a budget, more accurate) than the exact answer.
            if (s.best_feasible && o.kind == ObjectiveKind::Accuracy)
                CHECK(s.best.result.accuracy_percent <= truth.best.result.accuracy_percent);
            else if (s.best_feasible)
                CHECK(s.best.result.cost >= truth.best.result.cost);
            const auto best = nlohmann::json::parse(r.file("best.json"));
            CHECK(best["best_is_feasible"] == s.best_feasible);
            CHECK(best["best"]["bits"].get<std::vector<int>>() == s.best.result.bits);
            CHECK(best["run"]["objective"]["kind"] == to_string(o.kind));
        }
    }
}

TEST_CASE("strategies: when nothing evaluated is feasible, the closest is reported as such",
          "[agent][strategies]") {
    // The fake's best accuracy is 98.375 % (every layer at 8 bits); 100 - 0.5 is out of reach.
    for (const char* strategy : {"greedy", "adrl", "random"}) {
        INFO(strategy);
        Run r(std::string("none-") + strategy, strategy);
        r.settings.objective = Objective{};
        r.settings.objective.max_loss_points = 0.5;
        r.settings.reference_accuracy_percent = 100.0;
        r.settings.episodes = 20;
        const SearchSummary s = r.go();
        CHECK_FALSE(s.best_feasible);
        CHECK_FALSE(s.best.result.feasible);
        CHECK(s.reference_accuracy_percent == 100.0);
        // The closest: the most accurate evaluated.
        double top = 0;
        for (const auto& bits : evaluated(r)) top = std::max(top, FakeOracle::accuracy(bits));
        CHECK(s.best.result.accuracy_percent == top);
        const auto best = nlohmann::json::parse(r.file("best.json"));
        CHECK(best["best_is_feasible"] == false);
        CHECK(best["run"]["reference_accuracy_percent"] == 100.0);
    }
}

namespace {

// Two runs with one seed write the same files; a third with another seed differs, for the
// strategies that draw random numbers. One case per strategy: each is its own process under
// CTest, and under the sanitizers the six together take longer than one case's time-out.
void check_function_of_seed(const std::string& strategy) {
    Run a("seed-a-" + strategy, strategy), b("seed-b-" + strategy, strategy),
        c("seed-c-" + strategy, strategy);
    for (Run* r : {&a, &b, &c}) {
        r->settings.objective = Objective{};
        r->settings.episodes = 40;
        // exhaustive plays its whole space whatever the episodes: 3^4 assignments, not 7^4
        // (7^4 three times, with the outputs rewritten at each checkpoint, took 450 s of the
        // case's 510 under the sanitizers).
        if (strategy == "exhaustive") r->config.environment.bits = {2, 4, 8};
    }
    c.settings.seed = 43;
    a.go();
    b.go();
    c.go();
    CHECK(a.file("episodes.csv") == b.file("episodes.csv"));
    CHECK(a.file("checkpoint.bin") == b.file("checkpoint.bin"));
    const bool seeded = strategy != "greedy" && strategy != "exhaustive";
    CHECK((a.file("episodes.csv") != c.file("episodes.csv")) == seeded);
}

}  // namespace

TEST_CASE("strategies: ppo is a function of its seed", "[agent][strategies]") {
    check_function_of_seed("ppo");
}
TEST_CASE("strategies: adrl is a function of its seed", "[agent][strategies]") {
    check_function_of_seed("adrl");
}
TEST_CASE("strategies: haq is a function of its seed", "[agent][strategies]") {
    check_function_of_seed("haq");
}
TEST_CASE("strategies: random is a function of its seed", "[agent][strategies]") {
    check_function_of_seed("random");
}
TEST_CASE("strategies: greedy is a function of its seed", "[agent][strategies]") {
    check_function_of_seed("greedy");
}
TEST_CASE("strategies: exhaustive is a function of its seed", "[agent][strategies]") {
    check_function_of_seed("exhaustive");
}

TEST_CASE("strategies: pinned layers and per-layer choices hold in every evaluation",
          "[agent][strategies]") {
    for (const char* strategy : kAll) {
        INFO(strategy);
        Run r(std::string("pinned-") + strategy, strategy);
        r.config.environment.layer_bits = {{"conv1", {8}}, {"fc2", {4, 8}}};
        r.settings.objective = Objective{};
        r.settings.episodes = 40;
        const SearchSummary s = r.go();
        const auto all = evaluated(r);
        REQUIRE_FALSE(all.empty());
        for (const auto& bits : all) {
            CHECK(bits[0] == 8);
            CHECK((bits[3] == 4 || bits[3] == 8));
        }
        if (std::string(strategy) == "exhaustive") CHECK(s.episodes == 7 * 7 * 1 * 2);
        if (std::string(strategy) == "random") {
            std::set<int> fc1;
            for (const auto& bits : all) fc1.insert(bits[2]);
            CHECK(fc1.size() > 3);  // the other layers still range over all seven choices
        }
    }
    Run bad("pinned-bad");
    bad.config.environment.layer_bits = {{"conv9", {8}}};
    CHECK_THROWS_WITH(bad.go(), Catch::Contains("layers.conv9: ") &&
                                    Catch::Contains("has no weight layer of that name, expected "
                                                    "one of conv1, conv2, fc1, fc2"));
}

TEST_CASE("strategies: greedy lowers one layer per round while feasible, then stops",
          "[agent][strategies]") {
    Run r("greedy-stops", "greedy");
    r.settings.objective = Objective{};  // latency within 1 point
    r.settings.episodes = 10000;
    const SearchSummary s = r.go();
    CHECK(s.episodes < 10000);  // it stopped by its own rule
    CHECK(s.best_feasible);
    const auto all = evaluated(r);
    CHECK(all.front() == std::vector<int>{8, 8, 8, 8});
    // Every evaluated assignment differs from an earlier one in one layer, by one choice.
    for (std::size_t i = 1; i < all.size(); ++i) {
        bool next_to_earlier = false;
        for (std::size_t j = 0; j < i && !next_to_earlier; ++j) {
            int diff = 0, step = 0;
            for (std::size_t l = 0; l < 4; ++l)
                if (all[i][l] != all[j][l]) {
                    ++diff;
                    step = all[j][l] - all[i][l];
                }
            next_to_earlier = diff == 1 && step == 1;
        }
        CHECK(next_to_earlier);
    }
    // The stop: no single-layer lowering of the chosen assignment is feasible.
    for (std::size_t l = 0; l < 4; ++l) {
        std::vector<int> lower = s.best.result.bits;
        if (lower[l] == 2) continue;
        --lower[l];
        CHECK(FakeOracle::accuracy(lower) < 99.0 - 1.0);
    }
}

TEST_CASE("strategies: the exploration floor keeps the policy asking new assignments",
          "[agent][strategies]") {
    // A fast learner collapses onto a few assignments; with a floor it keeps exploring.
    for (const char* strategy : kLearned) {
        if (std::string(strategy) == "haq") continue;  // HAQ explores by its noise schedule
        INFO(strategy);
        long long calls[2] = {0, 0};
        long long late_new[2] = {0, 0};
        for (int k = 0; k < 2; ++k) {
            Run r(std::string("floor-") + strategy + std::to_string(k), strategy);
            r.settings.objective = Objective{};
            r.settings.episodes = 400;
            r.config.ppo.adam.learning_rate = 3e-3;
            r.config.ppo.epochs = 20;
            r.config.ppo.entropy_coef = 0;
            r.config.ppo.exploration_floor = k == 0 ? 0.0 : 0.2;
            long long at300 = 0;
            const SearchSummary s = r.go([&](const SearchProgress& p) {
                if (p.episodes_done == 300) at300 = p.distinct_oracle_calls;
                return true;
            });
            calls[k] = s.distinct_oracle_calls;
            late_new[k] = s.distinct_oracle_calls - at300;
        }
        CHECK(calls[1] > calls[0]);
        CHECK(late_new[1] > late_new[0]);
        CHECK(late_new[1] >= 5);
    }
}

TEST_CASE("strategies: haq enforces the budget on every episode, as HAQ does",
          "[agent][strategies]") {
    Run r("haq-budget", "haq");
    Objective o;
    o.kind = ObjectiveKind::Accuracy;
    parse_budget("latency:0.45", o);
    r.settings.objective = o;
    r.settings.episodes = 30;
    r.go([&](const SearchProgress& p) {
        const auto& bits = p.last->result.bits;
        CHECK(cost_x(r.net, bits, CostMetric::Latency) <= 0.45);
        CHECK(p.last->result.feasible);
        return true;
    });
}
