// AutoQ's search (autoq.hpp) on LeNet with the analytic Loom model and a closed-form kernel-wise
// oracle: determinism, the choices it may make, and that its outputs are what the simulator
// and the oracle say of the assignment they hold.
#include "serialq/agent/autoq.hpp"
#include "serialq/common/atomic_file.hpp"
#include "serialq/common/error.hpp"
#include "serialq/common/network_loader.hpp"
#include "serialq/sim/accelerator_config.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <filesystem>

using namespace serialq;

namespace {

// acc = 99 - sum_l (l + 1) 2^(4 - mean kernel bits of l) - (8 - act bits of l) / 4, from the
// assignment alone (a layer-wise one at 8-bit activations, as evaluate() hands it on).
class KernelOracle final : public quant::AccuracyOracle {
public:
    std::string identity() const override { return "kernel-fake"; }
    std::string name() const override { return identity(); }
    int layer_count() const override { return 4; }
    double reference_accuracy_percent() override { return 99.0; }
    static double accuracy(const KernelBits& b) {
        double acc = 99.0;
        const auto means = b.mean_weight_bits();
        for (std::size_t l = 0; l < b.size(); ++l) {
            acc -= double(l + 1) * std::pow(2.0, 4 - means[l]);
            acc -= (8 - (b.activation(l) ? b.activation(l) : 8)) / 4.0;
        }
        return std::max(acc, 5.0);
    }
    long long calls = 0;

protected:
    quant::AccuracyResult evaluate_checked(const LayerBits& bits) override {
        return evaluate_kernels_checked(KernelBits::from_layer_bits(bits, {20, 50, 500, 10}));
    }
    quant::AccuracyResult evaluate_kernels_checked(const KernelBits& bits) override {
        ++calls;
        quant::AccuracyResult r;
        r.accuracy_percent = accuracy(bits);
        return r;
    }
};

struct AutoqRun {
    Network net = load_network(std::string(SERIALQ_SOURCE_DIR) + "/traces/lenet.yaml");
    sim::AcceleratorConfig accel =
        sim::load_accelerator_config(std::string(SERIALQ_SOURCE_DIR) + "/configs/accel/loom.yaml");
    std::unique_ptr<sim::HardwareModel> hw = sim::make_hardware_model("analytic", accel);
    KernelOracle oracle;
    agent::SearchConfig config;
    agent::SearchSettings settings;

    explicit AutoqRun(const std::string& dir) {
        config.haq.actor_hidden = {16};
        config.haq.critic_hidden = {16};
        config.haq.warmup_episodes = 5;
        config.autoq.llc_hidden = {16};
        config.autoq.llc_updates_per_episode = 8;
        settings.strategy = "autoq";
        settings.objective.kind = agent::ObjectiveKind::Latency;
        settings.objective.max_loss_points = 2;
        settings.episodes = 12;
        settings.seed = 7;
        settings.trace = "traces/lenet.yaml";
        settings.oracle = "kernel-fake";
        settings.accelerator = "configs/accel/loom.yaml";
        settings.hardware_model = "analytic";
        settings.out_dir = std::filesystem::temp_directory_path() / ("serialq-autoq-" + dir);
        std::filesystem::remove_all(settings.out_dir);
    }
    ~AutoqRun() { std::filesystem::remove_all(settings.out_dir); }
    agent::AutoqSummary go() { return agent::run_autoq(net, oracle, *hw, config, settings); }
    std::string file(const char* name) const { return read_file(settings.out_dir / name); }
};

}  // namespace

TEST_CASE("autoq: one seed gives one search, byte for byte", "[agent][autoq]") {
    AutoqRun a("seed-a"), b("seed-b"), c("seed-c");
    c.settings.seed = 8;
    const auto sa = a.go(), sb = b.go(), sc = c.go();
    CHECK(sa.best.bits == sb.best.bits);
    CHECK(a.file("episodes.csv") == b.file("episodes.csv"));
    CHECK(a.file("episodes.csv") != c.file("episodes.csv"));
    CHECK(sa.episodes == 12);
    CHECK(sa.distinct_oracle_calls == a.oracle.calls);
}

TEST_CASE("autoq: every kernel takes one of its layer's choices, activations one of autoq's",
          "[agent][autoq]") {
    AutoqRun r("choices");
    r.config.environment.layer_bits["fc2"] = {8};  // a pinned layer stays pinned
    r.config.autoq.act_bits = {5, 6, 8};
    const auto s = r.go();
    const KernelBits& b = s.best.bits;
    b.expect(r.net, "test", {2, 8}, {5, 8});
    for (std::size_t l = 0; l < b.size(); ++l)
        for (int k : b.weights(l)) CHECK((l == 3 ? k == 8 : (k >= 2 && k <= 8)));
    CHECK(b.activation(0) == 8);  // the image's layer: the widest activation choice
    for (std::size_t l = 1; l < b.size(); ++l) {
        const int a = b.activation(l);
        CHECK((a == 5 || a == 6 || a == 8));
    }
    REQUIRE(s.best.goals_bits.size() == 4);
    CHECK(s.best.goals_bits[3] == 8.0);
}

TEST_CASE(
    "autoq: best.json holds the assignment, and its figures are the simulator's and the "
    "oracle's",
    "[agent][autoq]") {
    AutoqRun r("best");
    const auto s = r.go();
    const auto doc = nlohmann::json::parse(r.file("best.json"));
    const KernelBits read = kernel_bits_from_json(doc, r.net, "best.json");
    CHECK(read == s.best.bits);
    const sim::NetworkReport rep = r.hw->simulate(r.net, read);
    CHECK(doc["best"]["total_cycles"].get<long long>() == rep.total.total_cycles);
    CHECK(doc["best"]["energy_pj"].get<double>() == Approx(rep.total.energy_pj()).epsilon(1e-12));
    CHECK(doc["best"]["accuracy_percent"].get<double>() == KernelOracle::accuracy(read));
    CHECK(doc["run"]["strategy"] == "autoq");
    CHECK(doc["run"]["seed"] == 7);
    CHECK(doc["complete"] == true);
    CHECK(doc["episodes"] == 12);
    // The baseline is every layer at 8 bits at the accelerator's activations.
    const sim::NetworkReport base = r.hw->simulate(r.net, LayerBits(std::vector<int>(4, 8)));
    CHECK(s.baseline.cycles == base.total.total_cycles);
    CHECK(s.speedup == Approx(double(base.total.total_cycles) / double(rep.total.total_cycles)));
}

TEST_CASE("KernelJudge: a uniform assignment is judged as its layer-wise bits are",
          "[agent][autoq]") {
    AutoqRun r("judge");
    agent::KernelJudge judge(r.net, r.oracle, *r.hw, r.settings.objective, 8, LayerBits{}, {});
    const LayerBits four(std::vector<int>(4, 4));
    const auto e = judge.evaluate(KernelBits::from_layer_bits(four, agent::channel_counts(r.net)));
    const sim::NetworkReport rep = r.hw->simulate(r.net, four);
    CHECK(e.cycles == rep.total.total_cycles);
    CHECK(e.weight_bits == r.net.total_weights() * 4);
    CHECK(e.cost_x == Approx(double(rep.total.total_cycles) / double(judge.baseline().cycles)));
    CHECK(e.accuracy_percent ==
          KernelOracle::accuracy(KernelBits::from_layer_bits(four, agent::channel_counts(r.net))));
    // Asked again, the oracle is not.
    const long long calls = r.oracle.calls;
    judge.evaluate(KernelBits::from_layer_bits(four, agent::channel_counts(r.net)));
    CHECK(r.oracle.calls == calls);
}

TEST_CASE("autoq refuses what it cannot do, before it starts", "[agent][autoq]") {
    AutoqRun r("refuse");
    r.settings.resume = true;
    CHECK_THROWS_WITH(r.go(), "--resume: strategy autoq writes no checkpoint; start a new run");
    r.settings.resume = false;
    r.settings.objective.kind = agent::ObjectiveKind::Reward;
    CHECK_THROWS_WITH(r.go(), Catch::Contains("found --objective reward"));
    r.settings.objective.kind = agent::ObjectiveKind::Latency;
    r.accel.activation_bits = 6;  // Loom's activations then run at 1..6 bits
    r.hw = sim::make_hardware_model("analytic", r.accel);
    CHECK_THROWS_WITH(r.go(), Catch::Contains("autoq.act_bits: 7 is outside the range 1..6"));
    r.config.autoq.act_bits = {8, 4};
    CHECK_THROWS_WITH(r.go(), Catch::Contains("autoq.act_bits: found 4 after 8"));
    CHECK(r.oracle.calls == 0);
}

// Uniformly random kernel bits (the warm-up's) almost never keep this oracle's accuracy: the
// mean of a layer's kernels concentrates near 5 bits, which loses 5 points. A learner that finds
// a feasible assignment has learnt to raise them.
TEST_CASE(
    "autoq learns: with a size objective it finds a feasible assignment random play does "
    "not",
    "[agent][autoq]") {
    AutoqRun learner("learns"), random("random");
    for (AutoqRun* r : {&learner, &random}) {
        r->settings.objective.kind = agent::ObjectiveKind::Size;
        r->settings.episodes = 200;
    }
    random.config.haq.warmup_episodes = 200;  // every episode uniform, no update
    const auto s = learner.go();
    CHECK(s.best_feasible);
    CHECK(s.best.cost_x < 0.9);
    CHECK(s.best.accuracy_percent >= 97.0);
    CHECK(!random.go().best_feasible);
}
