// One quantized evaluation of a built-in network on the 10,000 Fashion-MNIST test images: the
// float engine (full precision, and quantized: what the builtin oracle runs), the integer
// engine, and the whole ModelEvaluator path (quantize + calibrate + count). Prints the minimum
// and median of several repetitions, the machine, and the network's MACs (the arithmetic a
// FLOP limit applies to). bench/quant/side-by-side runs it beside PyTorch.
//
//   bench_quant_model_eval_bench [trace] [threads] [repetitions] [quantizer] [integer: yes|no]
#include "../machine.hpp"

#include "serialq/quant/evaluation.hpp"
#include "serialq/quant/inference.hpp"
#include "serialq/quant/quantized_network.hpp"

#include <oneapi/dnnl/dnnl.hpp>
#include <omp.h>
#include <time.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <functional>
#include <string>
#include <thread>
#include <vector>

using namespace serialq::quant;

namespace {

struct Timing {
    double wall_min = 0, wall_median = 0;  // seconds
    double cpu_min = 0;  // seconds of CPU, all threads together
};

double cpu_seconds() {
    timespec t{};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    return static_cast<double>(t.tv_sec) + 1e-9 * static_cast<double>(t.tv_nsec);
}

// Runs `f` `reps` times. The CPU time tells what the work costs when the machine is shared:
// on an idle machine the wall time of an evaluation split over k cores is about cpu / k.
Timing time_it(int reps, const std::function<void()>& f) {
    std::vector<double> wall, cpu;
    for (int r = 0; r < reps; ++r) {
        const double c0 = cpu_seconds();
        const auto start = std::chrono::steady_clock::now();
        f();
        wall.push_back(
            std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
        cpu.push_back(cpu_seconds() - c0);
    }
    std::sort(wall.begin(), wall.end());
    std::sort(cpu.begin(), cpu.end());
    return {wall.front(), wall[wall.size() / 2], cpu.front()};
}

void report(const std::string& what, const Timing& t, double accuracy) {
    std::printf("%-58s wall min %7.4f s  median %7.4f s  cpu min %7.4f s  accuracy %6.2f %%\n",
                what.c_str(), t.wall_min, t.wall_median, t.cpu_min, accuracy);
}

// Runs `work(t)` on `threads` threads at once, `reps` times; the best wall time.
double parallel_best(int threads, int reps, const std::function<void(int)>& work) {
    return time_it(reps,
                   [&] {
                       std::vector<std::thread> ts;
                       for (int t = 0; t < threads; ++t) ts.emplace_back(work, t);
                       for (auto& t : ts) t.join();
                   })
        .wall_min;
}

// The machine's attainable rates, against which an evaluation's MACs are set: a large square
// GEMM on every thread at once (one core each), in float (Eigen, the engines' full-precision
// GEMM) and in int8 (oneDNN's u8 x s8 -> s32 matmul, the kernels the quantized engine's
// convolutions use; OpenMP held to one thread per caller, as in quant/src/dnnl_conv.cpp).
void attainable_rates(int threads) {
    const int n =
        threads > 0 ? threads : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
    constexpr int kSide = 1024, kRuns = 4;
    const double flop = 2.0 * kSide * kSide * kSide * kRuns * n;
    std::vector<Eigen::MatrixXf> a(static_cast<std::size_t>(n),
                                   Eigen::MatrixXf::Random(kSide, kSide));
    std::vector<Eigen::MatrixXf> c(static_cast<std::size_t>(n), Eigen::MatrixXf(kSide, kSide));
    const double f32 = parallel_best(n, 3, [&](int t) {
        for (int r = 0; r < kRuns; ++r)
            c[static_cast<std::size_t>(t)].noalias() =
                a[static_cast<std::size_t>(t)] * a[static_cast<std::size_t>(t)];
    });
    dnnl::engine engine(dnnl::engine::kind::cpu, 0);
    const dnnl::memory::dims dims{kSide, kSide};
    using dt = dnnl::memory::data_type;
    using tag = dnnl::memory::format_tag;
    const dnnl::matmul::primitive_desc pd(
        dnnl::matmul::desc(dnnl::memory::desc(dims, dt::u8, tag::ab),
                           dnnl::memory::desc(dims, dt::s8, tag::ab),
                           dnnl::memory::desc(dims, dt::s32, tag::ab)),
        engine);
    // Operands and the primitive made before the clock starts: only the products are timed.
    const dnnl::matmul mm(pd);
    struct Operands {
        dnnl::memory x, w, y;
    };
    std::vector<Operands> ops;
    for (int t = 0; t < n; ++t) {
        Operands o{dnnl::memory(pd.src_desc(), engine), dnnl::memory(pd.weights_desc(), engine),
                   dnnl::memory(pd.dst_desc(), engine)};
        std::fill_n(static_cast<std::uint8_t*>(o.x.get_data_handle()), kSide * kSide,
                    std::uint8_t{3});
        std::fill_n(static_cast<std::int8_t*>(o.w.get_data_handle()), kSide * kSide,
                    std::int8_t{-2});
        ops.push_back(o);
    }
    const double s8 = parallel_best(n, 3, [&](int t) {
        omp_set_num_threads(1);
        const Operands& o = ops[static_cast<std::size_t>(t)];
        dnnl::stream stream(engine);
        for (int r = 0; r < kRuns; ++r)
            mm.execute(stream, {{DNNL_ARG_SRC, o.x}, {DNNL_ARG_WEIGHTS, o.w}, {DNNL_ARG_DST, o.y}});
        stream.wait();
    });
    std::printf(
        "attainable: %.1f GFLOP/s float (Eigen GEMM), %.1f GOP/s int8 (oneDNN matmul %s); "
        "%dx%d, %d threads, best of 3\n",
        1e-9 * flop / f32, 1e-9 * flop / s8, pd.impl_info_str(), kSide, kSide, n);
}

}  // namespace

int main(int argc, char** argv) {
    const std::string trace = argc > 1 ? argv[1] : SERIALQ_SOURCE_DIR "/traces/lenet.yaml";
    const int threads = argc > 2 ? std::stoi(argv[2]) : 0;
    const int reps = argc > 3 ? std::stoi(argv[3]) : 7;
    const std::string quantizer_name = argc > 4 ? argv[4] : "wrpn";
    const bool with_integer = argc > 5 ? std::string(argv[5]) != "no" : true;
    std::printf("machine: %s, load average %s; evaluation threads: %d (0 = all)\n",
                serialq::bench::machine().c_str(), serialq::bench::load_average().c_str(), threads);

    attainable_rates(threads);

    EvaluationSettings settings;
    settings.split = Split::Test;
    settings.threads = threads;
    settings.quantizer = quantizer_name;
    settings.prefix_memory_bytes = 0;  // every evaluation from scratch: the cold cost
    const ModelEvaluator evaluator(trace, settings);
    const Model& model = evaluator.model();
    const Dataset& test = evaluator.data();
    const std::int64_t n = test.size();
    std::int64_t macs = 0;
    for (const auto& l : model.layers)
        if (l.param >= 0) macs += l.reduction() * l.output.elements();
    std::printf(
        "model %s (%s), %lld test images, quantizer %s, 8-bit activations, %lld MACs "
        "per image (%.1f G for the test set)\n\n",
        model.name.c_str(), trace.c_str(), static_cast<long long>(n), settings.quantizer.c_str(),
        static_cast<long long>(macs), 1e-9 * static_cast<double>(macs) * static_cast<double>(n));
    const auto percent = [&](std::int64_t correct) {
        return 100.0 * static_cast<double>(correct) / static_cast<double>(n);
    };

    std::int64_t correct = 0;
    const FloatEngine full(model);
    Timing t = time_it(reps, [&] { correct = count_correct(full, test, 0, n, threads); });
    report("float engine, full precision", t, percent(correct));

    const auto quantizer = make_quantizer(settings.quantizer);
    const Dataset calibration =
        head(load_fashion_mnist(kDefaultFashionMnistDir, Split::Train), kCalibrationImages);
    const std::size_t layers = model.weight_layer_count();
    // 4 bits is where the searches spend their time; 8 bits the widest they ask for.
    for (int uniform : {8, 4}) {
        const std::vector<int> bits(layers, uniform);
        const QuantizedNetwork q =
            quantize_network(model, serialq::LayerBits(bits), *quantizer, 8, calibration);
        const FloatEngine fake(model, q);
        const std::string b = "uniform:" + std::to_string(uniform);
        t = time_it(reps, [&] { correct = count_correct(fake, test, 0, n, threads); });
        report("float engine, quantized " + b + " (exact: " + (fake.exact() ? "yes" : "no") + ")",
               t, percent(correct));
        // The integer engine is the reference, not a target (minutes on ResNet-20): one run.
        if (!with_integer) continue;
        const IntegerEngine integer(model, q);
        t = time_it(1, [&] { correct = count_correct(integer, test, 0, n, threads); });
        report("integer engine, quantized " + b + " (one run)", t, percent(correct));
    }
    const std::vector<int> eights(layers, 8);
    t = time_it(
        reps, [&] { correct = evaluator.prepare(serialq::LayerBits(eights)).count_correct(0, n); });
    report("ModelEvaluator: prepare uniform:8 + count_correct(0, 10000)", t, percent(correct));
    t = time_it(reps, [&] { evaluator.prepare(serialq::LayerBits(eights)); });
    report("ModelEvaluator: prepare uniform:8 only", t, 0.0);
    return 0;
}
