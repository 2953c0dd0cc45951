// Whole searches on LeNet with the fake oracle and simulator: reproducible from the seed,
// resumable exactly after a kill, exhaustive gives the exact frontier, oracle calls memoised.
#include "search_fixture.hpp"

// Private: the structural test below damages what the checkpoint's hash covers.
#include "../../agent/src/byte_io.hpp"
#include "../../agent/src/search/checkpoint.hpp"

#include "serialq/common/pareto.hpp"
#include "serialq/agent/search_run.hpp"
#include "serialq/common/atomic_file.hpp"
#include "serialq/common/error.hpp"
#include "serialq/common/network_loader.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <cstring>
#include <filesystem>
#include <limits>
#include <map>
#include <sys/wait.h>
#include <unistd.h>

using namespace serialq;
using namespace serialq::agent;
using serialq::test::FakeHardware;
using serialq::test::FakeOracle;
using serialq::test::Run;
namespace fs = std::filesystem;

namespace {

const char* kFiles[] = {"episodes.csv", "action_probabilities.csv", "best.json", "pareto.json",
                        "checkpoint.bin"};

struct Killed {};

}  // namespace

TEST_CASE("search: the same seed gives byte-identical outputs, another seed does not",
          "[agent][search]") {
    Run a("seed-a"), b("seed-b"), c("seed-c");
    c.settings.seed = 43;
    const SearchSummary sa = a.go();
    b.go();
    c.go();
    CHECK(sa.episodes == 23);
    for (const char* f : kFiles) {
        INFO(f);
        // best.json and pareto.json record the settings, which differ only in out_dir (not
        // recorded), so all five files must be equal.
        CHECK(a.file(f) == b.file(f));
    }
    CHECK(a.file("episodes.csv") != c.file("episodes.csv"));
    // 23 episodes, a header, one line each.
    const std::string csv = a.file("episodes.csv");
    CHECK(std::count(csv.begin(), csv.end(), '\n') == 24);
    CHECK(csv.rfind(
              "episode,bits,accuracy_percent,total_cycles,energy_pj,weight_bits,feasible,reward,"
              "policy_entropy_nats,"
              "distinct_oracle_calls\n1,\"",
              0) == 0);
    const std::string probs = a.file("action_probabilities.csv");
    CHECK(probs.rfind("episode,layer,layer_name,p_2_bits,p_3_bits,p_4_bits,p_5_bits,p_6_bits,"
                      "p_7_bits,p_8_bits\n1,0,conv1,",
                      0) == 0);
    CHECK(std::count(probs.begin(), probs.end(), '\n') == 1 + 23 * 4);
    // The oracle saw each distinct assignment once.
    CHECK(a.oracle.calls == sa.distinct_oracle_calls);
    for (const auto& [bits, n] : a.oracle.calls_per_bits) CHECK(n == 1);

    const auto best = nlohmann::json::parse(a.file("best.json"));
    CHECK(best["run"]["seed"] == 42);
    CHECK(best["run"]["config"]["ppo"]["clip"] == 0.1);
    CHECK(best["best"]["bits"].size() == 4);
    CHECK(best["best"]["reward"].get<double>() == Approx(sa.best.result.reward));
    CHECK(best["best"]["speedup"].get<double>() == Approx(sa.speedup));
    CHECK(best["best"]["test_accuracy_percent"].is_null());  // no test oracle given
    CHECK(best["run"]["oracle_identity"] == "fake");  // the oracle's own identity()
}

TEST_CASE("search: a test oracle evaluates the final best apart, into best.json",
          "[agent][search]") {
    Run plain("test-oracle-plain"), tested("test-oracle-given");
    FakeOracle test_split(4);
    tested.settings.test_oracle = &test_split;
    const SearchSummary sp = plain.go();
    const SearchSummary st = tested.go();
    // The search never sees it: the same episodes, one evaluation of the chosen bits.
    CHECK(plain.file("episodes.csv") == tested.file("episodes.csv"));
    CHECK(test_split.calls == 1);
    CHECK(test_split.calls_per_bits.count(st.best.result.bits) == 1);
    REQUIRE(st.test_accuracy_percent.has_value());
    CHECK(*st.test_accuracy_percent == FakeOracle::accuracy(st.best.result.bits));
    CHECK(!sp.test_accuracy_percent.has_value());
    const auto best = nlohmann::json::parse(tested.file("best.json"));
    CHECK(best["best"]["test_accuracy_percent"].get<double>() == *st.test_accuracy_percent);
}

TEST_CASE("search: killed after a checkpoint and resumed, it ends exactly as if never stopped",
          "[agent][search]") {
    for (const char* strategy : {"ppo", "adrl", "haq", "random", "greedy"}) {
        INFO(strategy);
        Run whole(std::string("whole-") + strategy, strategy),
            parts(std::string("parts-") + strategy, strategy);
        for (Run* r : {&whole, &parts}) {  // greedy stops early with the reward objective
            r->settings.objective.kind = ObjectiveKind::Latency;
            r->settings.objective.max_loss_points = 3;
        }
        const SearchSummary w = whole.go();
        // Killed during episode 13: the last checkpoint holds 10 episodes (and a PPO batch
        // half full: updates come every 4 episodes).
        CHECK_THROWS_AS(parts.go([](const SearchProgress& p) {
            if (p.episodes_done == 13) throw Killed{};
            return true;
        }),
                        Killed);
        const std::string csv = parts.file("episodes.csv");
        CHECK(std::count(csv.begin(), csv.end(), '\n') == 11);
        parts.settings.resume = true;
        const SearchSummary s = parts.go();
        CHECK(s.episodes == w.episodes);
        CHECK(s.episodes >= 14);
        for (const char* f : kFiles) {
            INFO(f);
            CHECK(whole.file(f) == parts.file(f));
        }
    }
}

TEST_CASE("search: stopping early and resuming further is the same as one longer run",
          "[agent][search]") {
    Run whole("long"), parts("short");
    whole.settings.episodes = 16;
    whole.go();
    parts.settings.episodes = 9;  // not a checkpoint multiple: the end always checkpoints
    parts.go();
    parts.settings.episodes = 16;
    parts.settings.resume = true;
    parts.go();
    CHECK(whole.file("episodes.csv") == parts.file("episodes.csv"));
    CHECK(whole.file("checkpoint.bin") == parts.file("checkpoint.bin"));
}

TEST_CASE("search: resume refuses a checkpoint whose hash is valid but whose contents are not",
          "[agent][search]") {
    // Found by fuzz/checkpoint.cpp (and the fault injection): a checkpoint resealed with
    // a valid hash read out of bounds on --resume.
    Run r("structure");
    r.settings.episodes = 22;  // two episodes collected towards the next PPO update
    r.go();
    r.settings.resume = true;
    r.settings.episodes = 24;  // resumed, the run makes that update
    const auto file = r.settings.out_dir / "checkpoint.bin";
    const detail::Checkpoint good = detail::read_checkpoint(file);
    const auto refusal = [&](const detail::Checkpoint& c) {
        detail::write_checkpoint(file, c);
        try {
            r.go();
        } catch (const InputError& e) {
            return std::string(e.what());
        }
        return std::string("accepted");
    };
    const std::string damaged = "; the checkpoint is damaged: delete it to start the run afresh";
    const std::size_t choices = 7;  // 2..8 bits (EnvironmentParams' default)

    detail::Checkpoint c = good;
    c.logs[3].action_probabilities.resize(2);  // a short probability array
    CHECK(refusal(c) == file.string() + ": episode 4: 2 action probabilities, expected " +
                            std::to_string(4 * choices) + " (layers x choices)" + damaged);
    c = good;
    c.env_bits[1] = 99;
    CHECK(refusal(c) == file.string() + ": environment bits: 99 bits, expected 1..16" + damaged);
    c = good;
    c.memo[0].bits.pop_back();
    CHECK(refusal(c) == file.string() +
                            ": memo entry 0: 3 layers, expected 4 (the network's weight layers)" +
                            damaged);
    c = good;
    c.distinct_calls.back() = static_cast<long long>(c.memo.size()) + 5;
    CHECK_THAT(refusal(c), Catch::Contains(file.string() +
                                           ": episode 22: " + std::to_string(c.memo.size() + 5) +
                                           " distinct oracle calls, expected a count from"));

    // An out-of-range action among the PPO batch's stored ones. The state: updates, parameters,
    // Adam's steps and two moments, the stored count, the states, then the actions.
    c = good;
    detail::ByteReader reader(c.strategy_state, "ppo state");
    std::size_t at = 8;
    reader.get<std::int64_t>();
    for (int part = 0; part < 4; ++part) {  // parameters, first and second moments, states
        if (part == 1 || part == 3) {  // Adam's steps; the stored count
            reader.get<std::int64_t>();
            at += 8;
        }
        at += 8 + 4 * reader.get_array<float>().size();
    }
    REQUIRE(reader.get_array<int>().size() == 4 * 4);  // 4 layers x 4 episodes per update
    const int action = 1000;
    std::memcpy(c.strategy_state.data() + at + 8, &action, sizeof action);
    CHECK(refusal(c) == file.string() +
                            ": checkpoint: ppo state: stored action 1000, expected 0..6 (one per "
                            "choice of bits)" +
                            damaged);

    // A simulated-layer record outside the network: refused by its owner (HardwareCosts), named
    // with the file here (it said only "checkpoint:" before).
    c = good;
    REQUIRE_FALSE(c.simulated_layers.empty());
    c.simulated_layers[0] = 9;
    CHECK_THAT(refusal(c), Catch::StartsWith(file.string() + ": simulated layer record 0: ") &&
                               Catch::EndsWith(damaged));

    // An array length so large that its size in bytes wraps around to a small number: it was
    // allocated (std::length_error) instead of refused as truncated.
    detail::write_checkpoint(file, good);
    std::string bytes = read_file(file);
    const std::size_t env_bits_length =
        8 + 4 + 8 + good.identity.size() + 8 + 8 + good.rng_state.size();
    const std::int64_t huge = std::int64_t(1) << 62;
    std::memcpy(bytes.data() + env_bits_length, &huge, sizeof huge);
    std::uint64_t hash = 14695981039346656037ULL;  // FNV-1a of everything before the hash
    for (std::size_t i = 0; i + 8 < bytes.size(); ++i) {
        hash ^= static_cast<unsigned char>(bytes[i]);
        hash *= 1099511628211ULL;
    }
    std::memcpy(bytes.data() + bytes.size() - 8, &hash, sizeof hash);
    write_file_atomically(file, bytes);
    CHECK_THROWS_MATCHES(
        detail::read_checkpoint(file), InputError,
        Catch::Message(file.string() + ": truncated (an array of " + std::to_string(huge) +
                       " values, more than the bytes left)"));

    detail::write_checkpoint(file, good);  // the intact one still resumes
    CHECK(r.go().episodes == 24);
}

namespace {

// A run of `strategy` that has written a checkpoint, and its refusal of a forged one (resealed
// with a valid hash): the error's text, or "accepted".
struct Forged {
    Run r;
    std::filesystem::path file;
    detail::Checkpoint good;
    Forged(const std::string& dir, const std::string& strategy, std::vector<int> bits = {})
        : r(dir, strategy) {
        if (!bits.empty()) r.config.environment.bits = std::move(bits);
        r.go();
        r.settings.resume = true;
        file = r.settings.out_dir / "checkpoint.bin";
        good = detail::read_checkpoint(file);
    }
    std::string refusal(const detail::Checkpoint& c) {
        detail::write_checkpoint(file, c);
        try {
            r.go();
        } catch (const InputError& e) {
            return e.what();
        }
        return "accepted";
    }
    // The good checkpoint with `value` written over the strategy state's bytes at `at`.
    template <typename T>
    std::string refusal_with(std::size_t at, T value) {
        detail::Checkpoint c = good;
        REQUIRE(at + sizeof value <= c.strategy_state.size());
        std::memcpy(c.strategy_state.data() + at, &value, sizeof value);
        return refusal(c);
    }
    std::string refused(const std::string& what) const {
        return file.string() + ": " + what + detail::kDamagedCheckpoint;
    }
};

// Offsets in a state of byte_io.hpp arrays: skips fixed fields and arrays of T, in order.
struct Walk {
    const std::string& bytes;
    std::size_t at;
    void skip(std::size_t n) { at += n; }
    template <typename T>
    void skip_array() {
        std::int64_t n = 0;
        std::memcpy(&n, bytes.data() + at, 8);
        at += 8 + static_cast<std::size_t>(n) * sizeof(T);
    }
};

const float kNaN = std::numeric_limits<float>::quiet_NaN();
const float kInf = std::numeric_limits<float>::infinity();

}  // namespace

TEST_CASE("search: each strategy's resume refuses a valid-hash checkpoint of impossible state",
          "[agent][search]") {
    // Issue 16: the strategies' states were read back with their sizes checked but not their
    // values: NaN or infinite weights and transitions, greedy bits outside the layers' choices
    // (played as an action index past the probability row), bytes for a strategy keeping none.
    SECTION("ppo and adrl: network weights, moments, stored transitions") {
        for (const char* strategy : {"ppo", "adrl"}) {
            INFO(strategy);
            Forged f(std::string("forged-") + strategy, strategy);
            // updates, then the parameters' array: its first value at 16.
            CHECK(f.refusal_with(16, kNaN) ==
                  f.refused("checkpoint: ppo state: network weights[0]: found nan, expected a "
                            "finite number"));
            Walk w{f.good.strategy_state, 8};
            w.skip_array<float>();  // parameters
            w.skip(8);  // Adam's steps
            w.skip_array<float>();  // first moment
            CHECK(f.refusal_with(w.at + 8, -1.0f) ==
                  f.refused("checkpoint: ppo state: optimiser second moment[0]: found -1, "
                            "expected a finite number >= 0"));
            w.skip_array<float>();  // second moment
            w.skip(8);  // stored episodes
            w.skip_array<float>();  // states
            w.skip_array<int>();  // actions
            w.skip_array<float>();  // log-probabilities
            w.skip_array<float>();  // values
            CHECK(f.refusal_with(w.at + 8, kInf) ==
                  f.refused("checkpoint: ppo state: stored rewards[0]: found inf, expected a "
                            "finite number"));
            CHECK(
                f.refusal_with(0, std::int64_t(-2)) ==
                f.refused("checkpoint: ppo state: update count: found -2, expected a count >= 0"));
            detail::write_checkpoint(f.file, f.good);
            f.r.settings.episodes = 25;
            CHECK(f.r.go().episodes == 25);  // the intact one still resumes
        }
    }
    SECTION("haq: DDPG networks, replay buffer, counts") {
        Forged f("forged-haq", "haq");
        // The episode count, the DDPG state's length, then its format, update count, baseline
        // flag and value: the actor's parameters from 16 + 25.
        const std::size_t ddpg = 16;
        CHECK(f.refusal_with(ddpg + 25 + 8, kNaN) ==
              f.refused("checkpoint: ddpg state: actor weights[0]: found nan, expected a finite "
                        "number"));
        CHECK(f.refusal_with(ddpg + 17, std::numeric_limits<double>::infinity()) ==
              f.refused("checkpoint: ddpg state: baseline: found inf, expected a finite number"));
        Walk w{f.good.strategy_state, ddpg + 25};
        for (int net = 0; net < 4; ++net) w.skip_array<float>();  // actor, critic, targets
        for (int adam = 0; adam < 2; ++adam) {
            w.skip(8);
            w.skip_array<float>();
            w.skip_array<float>();
        }
        w.skip(16);  // the replay's head and size
        w.skip_array<float>();  // states
        CHECK(f.refusal_with(w.at + 8, 2.0f) ==
              f.refused("checkpoint: ddpg state: replay actions[0]: found 2, expected a number "
                        "in 0..1"));
        w.skip_array<float>();  // actions
        CHECK(f.refusal_with(w.at + 8 + 4, -kInf) ==
              f.refused("checkpoint: ddpg state: replay rewards[1]: found -inf, expected a "
                        "finite number"));
        CHECK(f.refusal_with(0, std::int64_t(-3)) ==
              f.refused("checkpoint: haq state: episode count: found -3, expected a count >= 0"));
        detail::write_checkpoint(f.file, f.good);
        f.r.settings.episodes = 25;
        CHECK(f.r.go().episodes == 25);
    }
    SECTION("greedy: flags and current bits") {
        Forged f("forged-greedy", "greedy");
        const auto state = [&](std::uint8_t started, std::vector<int> bits) {
            detail::ByteWriter w;
            w.put<std::uint8_t>(started);
            w.put<std::uint8_t>(0);
            w.put_array(bits.data(), static_cast<std::int64_t>(bits.size()));
            w.put<std::int64_t>(0);
            detail::Checkpoint c = f.good;
            c.strategy_state = w.bytes();
            return c;
        };
        CHECK(f.refusal(state(1, {8, 8, 8, 99})) ==
              f.refused("checkpoint: greedy state: current bits of layer 3: found 99, expected "
                        "one of the layer's choices"));
        CHECK(f.refusal(state(1, {8, 8})) ==
              f.refused("checkpoint: greedy state: current bits: found 2 layers, expected 4 (the "
                        "network's weight layers)"));
        CHECK(f.refusal(state(7, {8, 8, 8, 8})) ==
              f.refused("checkpoint: greedy state: started: found 7, expected 0 or 1"));
        detail::write_checkpoint(f.file, f.good);
        CHECK(f.r.go().episodes == f.good.episodes_done);  // the intact one still resumes
    }
    SECTION("random keeps no state, exhaustive a position") {
        Forged random("forged-random", "random");
        detail::Checkpoint c = random.good;
        c.strategy_state = "x";
        CHECK(random.refusal(c) ==
              random.refused("checkpoint: random state: found 1 bytes, expected none (random "
                             "keeps no state of its own)"));

        Forged exhaustive("forged-exhaustive", "exhaustive", {2, 4, 8});  // 3^4 assignments
        CHECK(exhaustive.refusal_with(0, std::int64_t(1000)) ==
              exhaustive.refused("checkpoint: exhaustive state: position 1000 outside 0..81"));
    }
}

TEST_CASE("search: resume refuses a checkpoint whose episode figures are not numbers",
          "[agent][search]") {
    // Issue 16: an episode's figures went from the checkpoint into episodes.csv unchecked.
    Forged f("forged-figures", "random");
    detail::Checkpoint c = f.good;
    c.logs[2].result.reward = std::numeric_limits<double>::quiet_NaN();
    CHECK(f.refusal(c) == f.refused("episode 3: reward: found nan, expected a finite number"));
    c = f.good;
    c.logs[0].result.accuracy_percent = 150;
    CHECK(f.refusal(c) ==
          f.refused("episode 1: accuracy_percent: found 150, expected a percentage 0..100"));
    c = f.good;
    c.logs[4].result.energy_pj = -std::numeric_limits<double>::infinity();
    CHECK(f.refusal(c) ==
          f.refused("episode 5: energy_pj: found -inf, expected a finite number >= 0"));
    detail::write_checkpoint(f.file, f.good);
    CHECK(f.r.go().episodes == 23);
}

TEST_CASE("search: resume refuses another run's checkpoint and damaged ones", "[agent][search]") {
    Run r("refuse");
    r.go();
    r.settings.resume = true;
    r.settings.seed = 7;
    CHECK_THROWS_WITH(r.go(), Catch::Contains("cannot resume a different run: seed: the "
                                              "checkpoint's run had 42, this run has 7"));
    r.settings.seed = 42;
    r.config.ppo.clip = 0.2;
    CHECK_THROWS_WITH(r.go(), Catch::Contains("config.ppo.clip"));
    r.config.ppo.clip = 0.1;
    r.settings.episodes = 10;
    CHECK_THROWS_WITH(r.go(), Catch::Contains("has already done 23"));
    r.settings.episodes = 23;
    // Damaged: one byte flipped, then truncated.
    std::string bytes = r.file("checkpoint.bin");
    bytes[bytes.size() / 2] ^= 0x5a;
    write_file_atomically(r.settings.out_dir / "checkpoint.bin", bytes);
    CHECK_THROWS_WITH(r.go(), Catch::Contains("checkpoint.bin: checksum mismatch"));
    write_file_atomically(r.settings.out_dir / "checkpoint.bin", bytes.substr(0, 5));
    CHECK_THROWS_WITH(r.go(), Catch::Contains("not a serialq search checkpoint"));
    fs::remove(r.settings.out_dir / "checkpoint.bin");
    CHECK_THROWS_WITH(r.go(), Catch::Contains("checkpoint.bin: cannot open"));
}

TEST_CASE("search: exhaustive evaluates every assignment and marks the exact frontier",
          "[agent][search]") {
    Run r("exhaustive", "exhaustive");
    r.config.environment.bits = {2, 4, 8};
    r.settings.episodes = 1;  // ignored: exhaustive plays all 3^4 = 81 assignments
    const SearchSummary s = r.go();
    CHECK(s.episodes == 81);
    CHECK(s.distinct_oracle_calls == 81);
    CHECK(r.oracle.calls == 81);
    // Brute force from the fakes' closed forms.
    const auto layers = r.net.weight_layers();
    std::vector<double> acc, cyc;
    std::vector<std::vector<int>> all;
    for (int a : {2, 4, 8})
        for (int b : {2, 4, 8})
            for (int c : {2, 4, 8})
                for (int d : {2, 4, 8}) {
                    const std::vector<int> bits{a, b, c, d};
                    all.push_back(bits);
                    acc.push_back(FakeOracle::accuracy(bits));
                    double cycles = 0;
                    for (std::size_t l = 0; l < 4; ++l)
                        cycles += double(FakeHardware::cycles(*layers[l], bits[l]));
                    cyc.push_back(cycles);
                }
    const auto front = pareto_front(acc, cyc);
    const auto j = nlohmann::json::parse(r.file("pareto.json"));
    REQUIRE(j["configurations"].size() == 81);
    int marked = 0;
    for (const auto& c : j["configurations"]) {
        const auto bits = c["bits"].get<std::vector<int>>();
        const auto k =
            static_cast<std::size_t>(std::find(all.begin(), all.end(), bits) - all.begin());
        REQUIRE(k < all.size());
        CHECK(c["pareto_latency"].get<bool>() == front[k]);
        CHECK(c["total_cycles"].get<double>() == cyc[k]);
        marked += c["pareto_latency"].get<bool>();
    }
    CHECK(marked == std::count(front.begin(), front.end(), true));
    CHECK(marked >= 3);
    // Lexicographic order, first layer most significant.
    CHECK(j["configurations"][0]["bits"] == nlohmann::json({2, 2, 2, 2}));
    CHECK(j["configurations"][1]["bits"] == nlohmann::json({2, 2, 2, 4}));

    Run big("exhaustive-big", "exhaustive");
    big.config.exhaustive.max_configurations = 1000;
    CHECK_THROWS_WITH(big.go(), Catch::Contains("2401 assignments exceed "
                                                "exhaustive.max_configurations = 1000"));
}

TEST_CASE("search: PPO raises the reward it is given", "[agent][search]") {
    Run r("learns");
    r.settings.out_dir.clear();  // no files
    r.settings.episodes = 400;
    r.settings.objective.kind = ObjectiveKind::Reward;
    r.settings.objective.reward = RewardKind::Latency;
    r.config.ppo.adam.learning_rate = 3e-3;
    r.config.environment.bits = {2, 4, 8};
    std::vector<double> rewards;
    r.go([&](const SearchProgress& p) {
        rewards.push_back(p.last->result.reward);
        return true;
    });
    auto mean = [&](std::size_t from, std::size_t n) {
        double s = 0;
        for (std::size_t i = from; i < from + n; ++i) s += rewards[i];
        return s / double(n);
    };
    const double first = mean(0, 50), last = mean(350, 50);
    INFO("mean reward, first 50 episodes " << first << ", last 50 " << last);
    CHECK(last > first + 0.05);
}

TEST_CASE("search: a run that does not resume refuses a directory holding another run's outputs",
          "[agent][search]") {
    Run r("no-overwrite");
    r.go();
    std::map<std::string, std::string> before;
    for (const char* f : kFiles) before[f] = r.file(f);
    r.settings.seed = 7;
    r.settings.episodes = 9;
    const std::string expected =
        ": holds another search's outputs; expected --resume to continue that search, or use a "
        "new --out";
    CHECK_THROWS_AS(r.go(), ConfigError);
    CHECK_THROWS_WITH(r.go(), (r.settings.out_dir / "episodes.csv").string() + expected);
    for (const char* f : kFiles) {
        INFO(f);
        CHECK(r.file(f) == before[f]);
    }
    // Any one of the outputs is another run's.
    for (const char* f : kFiles)
        if (std::string(f) != "best.json") fs::remove(r.settings.out_dir / f);
    CHECK_THROWS_WITH(r.go(), (r.settings.out_dir / "best.json").string() + expected);
    // An empty directory, or one holding other files, is free.
    fs::remove(r.settings.out_dir / "best.json");
    write_file_atomically(r.settings.out_dir / "notes.txt", "mine\n");
    CHECK(r.go().episodes == 9);
    CHECK(r.file("notes.txt") == "mine\n");
}

TEST_CASE("search: a killed run's temporary files are removed when the next run starts",
          "[agent][search]") {
    Run r("stale-temporaries");
    fs::create_directories(r.settings.out_dir);
    const pid_t pid = ::fork();
    if (pid == 0) ::_exit(0);
    int status = 0;
    ::waitpid(pid, &status, 0);  // a writer that has gone
    // temporary_path names files of this process; the killed writer's carry its own pid.
    const std::string mine = temporary_path(r.settings.out_dir / "best.json", 5).string();
    const std::string tail = "." + std::to_string(static_cast<long>(::getpid())) + ".5";
    const fs::path stale =
        mine.substr(0, mine.size() - tail.size()) + "." + std::to_string(pid) + ".5";
    write_file_atomically(stale, "{\"half\":");
    REQUIRE(fs::exists(stale));
    r.go();
    CHECK_FALSE(fs::exists(stale));
}
