// The accuracy oracle's costs, as docs/performance.md (## quant) reports them:
//   1. a cache hit (target < 20 us): CachedOracle::evaluate on a warm cache of a realistic size;
//   2. one builtin evaluation of quantized LeNet on the 10,000 test images (target < 0.2 s);
//   3. what early termination saves on a batch of poor configurations (2-bit first layers).
//
//   bench_quant_oracle_bench [--trace traces/lenet.yaml] [--threads N] [--threshold PERCENT]
//
// Parts 2 and 3 need the trace's trained weights; without them part 2 runs on seeded untrained
// weights (the arithmetic, hence the time, is the same) and part 3 is skipped, saying so.
#include "serialq/common/atomic_file.hpp"
#include "serialq/common/bits_spec.hpp"
#include "serialq/common/network_loader.hpp"
#include "serialq/quant/oracle_builtin.hpp"
#include "serialq/quant/oracle_cache.hpp"
#include "serialq/quant/oracle_table.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <regex>
#include <string>
#include <thread>
#include <time.h>
#include <unistd.h>

using namespace serialq;
using namespace serialq::quant;
using Clock = std::chrono::steady_clock;

namespace {

double since(Clock::time_point t) {
    return std::chrono::duration<double>(Clock::now() - t).count();
}

// CPU seconds of this process (all threads): on a machine shared with other jobs, wall time
// measures the neighbours too; CPU time measures us.
double cpu_seconds() {
    timespec ts{};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) + 1e-9 * static_cast<double>(ts.tv_nsec);
}

std::string first_line_of(const char* file, const char* key) {
    std::ifstream in(file);
    std::string line;
    while (std::getline(in, line))
        if (line.rfind(key, 0) == 0) return line.substr(line.find(':') + 2);
    return "?";
}

std::string load_average() {
    std::ifstream in("/proc/loadavg");
    std::string a, b, c;
    in >> a >> b >> c;
    return a + " " + b + " " + c;
}

double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
}

void cache_hit(const std::filesystem::path& dir) {
    std::printf("\n## 1. cache hit\n");
    const std::filesystem::path table = std::filesystem::path(SERIALQ_SOURCE_DIR) /
                                        "tests/data/quant/releq-lenet-mnist-accuracy.csv";
    auto cache = std::make_shared<OracleCache>(dir / "bench-cache.sqlite");
    // A cache of realistic size: the 625 table answers plus 100,000 entries of other oracles.
    const auto fill = Clock::now();
    {
        AccuracyResult r;
        r.samples_evaluated = 10000;
        r.seconds = 0.1;
        for (int i = 0; i < 100000; ++i) {
            r.accuracy_percent = i % 100;
            cache->store("bench:other-" + std::to_string(i % 7), std::to_string(i), r);
        }
    }
    const double fill_s = since(fill);
    CachedOracle oracle(std::make_unique<TableOracle>(table), cache, "table:bench", 0);
    const auto rows = TableOracle(table).table().rows;
    const auto first = Clock::now();
    for (const auto& row : rows) oracle.evaluate(LayerBits(row.bits));
    const double miss_s = since(first);
    std::printf(
        "filled 100,000 entries in %.2f s (%.1f us per committed entry); 625 misses "
        "(table lookup + store) %.1f us each\n",
        fill_s, 1e6 * fill_s / 100000, 1e6 * miss_s / 625);

    // Hits, in rounds of all 625 configurations in a shuffled order.
    std::mt19937_64 rng(1);
    std::vector<double> per_round_us, per_round_cpu_us;
    long long hits = 0;
    for (int round = 0; round < 200; ++round) {
        std::vector<TableRow> order = rows;
        std::shuffle(order.begin(), order.end(), rng);
        const auto t = Clock::now();
        const double c = cpu_seconds();
        for (const auto& row : order) hits += oracle.evaluate(LayerBits(row.bits)).from_cache;
        per_round_cpu_us.push_back(1e6 * (cpu_seconds() - c) / static_cast<double>(order.size()));
        per_round_us.push_back(1e6 * since(t) / static_cast<double>(order.size()));
    }
    std::printf(
        "cache hit (CachedOracle::evaluate, %lld hits of %zu): median %.2f us wall, "
        "%.2f us CPU; best round %.2f us wall per hit (target < 20 us)\n",
        hits, 200 * rows.size(), median(per_round_us), median(per_round_cpu_us),
        *std::min_element(per_round_us.begin(), per_round_us.end()));
    std::vector<double> raw, raw_cpu;
    for (int round = 0; round < 50; ++round) {
        const auto t = Clock::now();
        const double c = cpu_seconds();
        for (int i = 0; i < 2000; ++i) cache->lookup("bench:other-3", std::to_string(7 * i + 3));
        raw_cpu.push_back(1e6 * (cpu_seconds() - c) / 2000);
        raw.push_back(1e6 * since(t) / 2000);
    }
    std::printf(
        "raw OracleCache::lookup in a 100,000-entry cache: median %.2f us wall, %.2f us "
        "CPU\n",
        median(raw), median(raw_cpu));
}

// The trace's weights if it has them; else seeded untrained weights beside a copy.
std::filesystem::path trace_with_weights(const std::filesystem::path& trace,
                                         const std::filesystem::path& dir, bool& trained) {
    trained = true;
    try {
        load_model(trace);
        return trace;
    } catch (const std::exception& e) {
        std::printf("(%s: %s; using seeded untrained weights: same arithmetic, same time)\n",
                    trace.c_str(), e.what());
    }
    trained = false;
    const std::string source = read_file(trace);
    const auto copy = dir / "lenet.yaml";
    write_file_atomically(copy, std::regex_replace(source, std::regex("\nweights:[^\n]*"), "") +
                                    "weights: lenet.sqw\n");
    Model m = build_model(load_network(copy));
    std::mt19937_64 rng(7);
    initialize_parameters(m, rng);
    WeightsFile f = to_weights_file(m, "{}");
    write_weights_file(dir / "lenet.sqw", f);
    return copy;
}

void builtin_evaluation(const std::filesystem::path& trace, int threads) {
    std::printf("\n## 2. one builtin evaluation on the 10,000 test images\n");
    OracleOptions o;
    o.evaluation.split = Split::Test;
    o.evaluation.threads = threads;
    const auto load = Clock::now();
    BuiltinOracle oracle(trace, o);
    std::printf("model and data loaded in %.2f s (once per process)\n", since(load));
    for (const std::vector<int>& bits :
         {std::vector<int>{8, 8, 8, 8}, std::vector<int>{4, 2, 2, 4}}) {
        std::vector<double> total, prepare, cpu;
        double accuracy = 0;
        for (int rep = 0; rep < 7; ++rep) {
            const double c = cpu_seconds();
            const AccuracyResult r = oracle.evaluate(LayerBits(bits));
            cpu.push_back(cpu_seconds() - c);
            total.push_back(r.seconds);
            prepare.push_back(oracle.evaluator().prepare(LayerBits(bits)).prepare_seconds());
            accuracy = r.accuracy_percent;
        }
        std::printf(
            "bits %s: %.2f %% on %lld images; evaluate() median %.3f s wall, best %.3f s, "
            "median %.3f CPU-s (%.3f s on 2 idle cores); preparing (quantize + "
            "calibrate) median %.3f s wall (target < 0.2 s)\n",
            format_bits(bits).c_str(), accuracy,
            static_cast<long long>(oracle.evaluator().sample_count()), median(total),
            *std::min_element(total.begin(), total.end()), median(cpu), median(cpu) / 2,
            median(prepare));
    }
}

void early_termination(const std::filesystem::path& trace, int threads, double threshold) {
    std::printf("\n## 3. early termination on a batch of poor configurations (validation split)\n");
    OracleOptions o;
    o.evaluation.threads = threads;
    auto evaluator = std::make_shared<const ModelEvaluator>(trace, builtin_settings(o));
    BuiltinOracle exact(evaluator, trace.string(), EarlyStopOptions{});
    BuiltinOracle early(evaluator, trace.string(), EarlyStopOptions{threshold, 0.99, 500});
    std::printf(
        "reference (full precision): %.2f %%; threshold %.1f %%, confidence 99 %%, "
        "subsets 500, 1000, 2000, 4000, 5000\n",
        exact.reference_accuracy_percent(), threshold);
    // 2-bit (and 1-bit) first layers, the rest at assorted widths.
    std::vector<std::vector<int>> batch;
    for (int b0 : {1, 2})
        for (int b1 : {1, 2, 3})
            for (int b2 : {2, 4, 8}) batch.push_back({b0, b1, b2, 8});
    double exact_s = 0, early_s = 0, exact_cpu = 0, early_cpu = 0;
    long long exact_n = 0, early_n = 0, bounds = 0, wrong = 0;
    std::printf("%-10s %14s %10s %14s %10s %8s\n", "bits", "exact_percent", "exact_s",
                "early_percent", "early_s", "samples");
    for (const auto& bits : batch) {
        double c = cpu_seconds();
        const AccuracyResult e = exact.evaluate(LayerBits(bits));
        exact_cpu += cpu_seconds() - c;
        c = cpu_seconds();
        const AccuracyResult f = early.evaluate(LayerBits(bits));
        early_cpu += cpu_seconds() - c;
        exact_s += e.seconds;
        early_s += f.seconds;
        exact_n += e.samples_evaluated;
        early_n += f.samples_evaluated;
        bounds += f.is_upper_bound;
        // A stop is wrong if the exact accuracy is at or above the threshold.
        wrong += f.is_upper_bound && e.accuracy_percent >= threshold;
        std::printf("%-10s %14.2f %10.3f %13.2f%s %10.3f %8lld\n", format_bits(bits).c_str(),
                    e.accuracy_percent, e.seconds, f.accuracy_percent, f.is_upper_bound ? "<" : " ",
                    f.seconds, static_cast<long long>(f.samples_evaluated));
    }
    std::printf(
        "batch of %zu: exact %.2f s wall / %.2f CPU-s (%lld images), early termination "
        "%.2f s wall / %.2f CPU-s (%lld images): %.1fx less CPU, %.0f %% fewer images; "
        "%lld answers are bounds, %lld stopped wrongly\n",
        batch.size(), exact_s, exact_cpu, exact_n, early_s, early_cpu, early_n,
        exact_cpu / early_cpu,
        100.0 * (1.0 - static_cast<double>(early_n) / static_cast<double>(exact_n)), bounds, wrong);
}

}  // namespace

int main(int argc, char** argv) {
    std::filesystem::path trace = std::filesystem::path(SERIALQ_SOURCE_DIR) / "traces/lenet.yaml";
    int threads = 0;
    double threshold = 80;
    for (int i = 1; i + 1 < argc; i += 2) {
        const std::string a = argv[i];
        if (a == "--trace")
            trace = argv[i + 1];
        else if (a == "--threads")
            threads = std::atoi(argv[i + 1]);
        else if (a == "--threshold")
            threshold = std::atof(argv[i + 1]);
        else {
            std::fprintf(stderr, "usage: %s [--trace T] [--threads N] [--threshold PERCENT]\n",
                         argv[0]);
            return 2;
        }
    }
    std::printf("# oracle benchmark\nmachine: %s, %u hardware threads, load average %s\n",
                first_line_of("/proc/cpuinfo", "model name").c_str(),
                std::thread::hardware_concurrency(), load_average().c_str());
    char tmpl[] = "/tmp/serialq-oracle-bench-XXXXXX";
    if (!::mkdtemp(tmpl)) return 1;
    const std::filesystem::path dir = tmpl;
    int rc = 0;
    try {
        cache_hit(dir);
        bool trained = false;
        const auto weighted = trace_with_weights(trace, dir, trained);
        builtin_evaluation(weighted, threads);
        if (trained)
            early_termination(weighted, threads, threshold);
        else
            std::printf("\n## 3. early termination: skipped (needs trained weights)\n");
    } catch (const std::exception& e) {
        std::fprintf(stderr, "oracle_bench: error: %s\n", e.what());
        rc = 1;
    }
    std::printf("load average at the end: %s\n", load_average().c_str());
    std::filesystem::remove_all(dir);
    return rc;
}
