// Short quantization-aware fine-tuning (ReLeQ's "short retraining"): it recovers accuracy that
// quantization lost, and it is a function of its seed alone (not of threads or of the run).
#include "serialq/quant/evaluation.hpp"
#include "serialq/quant/trainer.hpp"

#include <catch2/catch.hpp>

#include <filesystem>

using namespace serialq::quant;

namespace {

const std::filesystem::path kLenet =
    std::filesystem::path(SERIALQ_SOURCE_DIR) / "traces" / "lenet.yaml";

EvaluationSettings tuned(int steps, std::uint64_t seed, int threads) {
    EvaluationSettings s;
    s.quantizer = "wrpn";
    s.finetune.steps = steps;
    s.finetune.seed = seed;
    s.threads = threads;
    return s;
}

bool same_parameters(const Model& a, const Model& b) {
    if (a.params.size() != b.params.size()) return false;
    for (std::size_t i = 0; i < a.params.size(); ++i)
        if (a.params[i].weight != b.params[i].weight || a.params[i].bias != b.params[i].bias)
            return false;
    return true;
}

}  // namespace

TEST_CASE("fine-tuning: recovers accuracy lost to quantization", "[quant][finetune]") {
    // WRPN at 3 bits costs the shipped LeNet about half its accuracy (48 % on the validation
    // split); 100 steps bring it to 84 % (docs/quant.md). 40 steps on 1,000 images keep the
    // test short and still show a large, unambiguous gain.
    const std::vector<int> bits = {3, 3, 3, 3};
    const ModelEvaluator plain(kLenet, tuned(0, 1, 0));
    const ModelEvaluator retrained(kLenet, tuned(40, 1, 0));
    const double before =
        static_cast<double>(plain.prepare(serialq::LayerBits(bits)).count_correct(0, 1000)) / 10.0;
    const PreparedConfiguration c = retrained.prepare(serialq::LayerBits(bits));
    const double after = static_cast<double>(c.count_correct(0, 1000)) / 10.0;
    INFO("accuracy " << before << " % -> " << after << " %, loss " << c.finetune_first_loss()
                     << " -> " << c.finetune_last_loss());
    CHECK(after > before + 15.0);
    CHECK(c.finetune_last_loss() < c.finetune_first_loss());
    // The fine-tuned weights are a copy: the evaluator's model is untouched.
    CHECK(same_parameters(retrained.model(), plain.model()));
    CHECK_FALSE(same_parameters(c.model(), plain.model()));
    // The settings are part of the cache identity.
    CHECK(retrained.identity() != plain.identity());
    CHECK(retrained.identity().find("finetune=ste,steps=40") != std::string::npos);
}

TEST_CASE("fine-tuning: deterministic for a seed, whatever the threads", "[quant][finetune]") {
    const std::vector<int> bits = {4, 3, 3, 5};
    const ModelEvaluator one_thread(kLenet, tuned(12, 7, 1));
    const ModelEvaluator all_threads(kLenet, tuned(12, 7, 0));
    const ModelEvaluator other_seed(kLenet, tuned(12, 8, 0));
    const PreparedConfiguration a = one_thread.prepare(serialq::LayerBits(bits));
    const PreparedConfiguration b = all_threads.prepare(serialq::LayerBits(bits));
    const PreparedConfiguration again = all_threads.prepare(serialq::LayerBits(bits));
    const PreparedConfiguration c = other_seed.prepare(serialq::LayerBits(bits));
    CHECK(same_parameters(a.model(), b.model()));
    CHECK(same_parameters(b.model(), again.model()));
    CHECK(a.finetune_last_loss() == b.finetune_last_loss());
    CHECK(a.predict(0, 500) == again.predict(0, 500));
    // Another seed draws other batches, so other weights.
    CHECK_FALSE(same_parameters(a.model(), c.model()));
    // Same seed, same identity whatever the threads (threads never change an answer).
    CHECK(one_thread.identity() == all_threads.identity());
    CHECK(other_seed.identity() != all_threads.identity());
}
