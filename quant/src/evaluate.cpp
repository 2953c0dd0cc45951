// Splitting an evaluation over threads at batch boundaries.
#include "serialq/quant/inference.hpp"

#include <algorithm>
#include <thread>

namespace serialq::quant {

namespace {
int resolve_threads(int threads) {
    if (threads > 0) return threads;
    return static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
}
}  // namespace

std::vector<int> predict_all(const InferenceEngine& engine, const Dataset& data, std::int64_t begin,
                             std::int64_t end, int threads) {
    std::vector<int> out(static_cast<std::size_t>(std::max<std::int64_t>(0, end - begin)));
    if (end <= begin) return out;
    const std::int64_t batch = engine.batch_size();
    const std::int64_t batches = (end - begin + batch - 1) / batch;
    const int t = static_cast<int>(std::min<std::int64_t>(resolve_threads(threads), batches));
    // Thread k takes whole batches [k*batches/t, (k+1)*batches/t): the same batches whatever t.
    auto run = [&](int k) {
        const std::int64_t first = begin + (k * batches / t) * batch;
        const std::int64_t last = std::min(end, begin + ((k + 1) * batches / t) * batch);
        if (first < last) engine.predict(data, first, last, out.data() + (first - begin));
    };
    std::vector<std::thread> workers;
    for (int k = 1; k < t; ++k) workers.emplace_back(run, k);
    run(0);
    for (auto& w : workers) w.join();
    return out;
}

std::int64_t count_correct(const InferenceEngine& engine, const Dataset& data, std::int64_t begin,
                           std::int64_t end, int threads) {
    const std::vector<int> p = predict_all(engine, data, begin, end, threads);
    std::int64_t correct = 0;
    for (std::size_t i = 0; i < p.size(); ++i)
        correct += p[i] == data.labels[static_cast<std::size_t>(begin) + i];
    return correct;
}

}  // namespace serialq::quant
