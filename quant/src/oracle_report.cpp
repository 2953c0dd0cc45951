#include "serialq/quant/oracle_report.hpp"

namespace serialq::quant {

nlohmann::ordered_json eval_report_json(const EvalReport& r) {
    using json = nlohmann::ordered_json;
    const std::string kind = r.spec.substr(0, r.spec.find(':'));
    const EvaluationSettings& ev = r.options.evaluation;
    const EarlyStopOptions& es = r.options.early_stop;
    json j;
    j["oracle"] = r.spec;
    j["identity"] = r.identity;
    j["cache"] = r.options.cache_file.empty() ? json(nullptr) : json(r.options.cache_file.string());
    if (kind == "builtin")
        j["options"] = {{"split", to_string(ev.split)},
                        {"quantizer", ev.quantizer},
                        {"activation_bits", ev.activation_bits},
                        {"finetune_steps", ev.finetune.steps},
                        {"finetune_batch", ev.finetune.batch},
                        {"finetune_learning_rate", ev.finetune.learning_rate},
                        {"seed", ev.finetune.seed},
                        {"early_stop_below_percent", es.threshold_percent},
                        {"early_stop_confidence", es.confidence},
                        {"early_stop_first_samples", es.first_samples}};
    if (kind == "exec") j["options"] = {{"timeout_seconds", r.options.timeout_seconds}};
    j["results"] = json::array();
    for (std::size_t i = 0; i < r.results.size(); ++i) {
        json row = {{"bits", r.bits[i].values()}};
        if (i < r.assignments.size() && !r.assignments[i].empty())
            row["assignment"] = r.assignments[i];
        row["accuracy_percent"] = r.results[i].accuracy_percent;
        row["samples"] = r.results[i].samples_evaluated;
        row["seconds"] = r.results[i].seconds;
        row["is_upper_bound"] = r.results[i].is_upper_bound;
        row["from_cache"] = r.results[i].from_cache;
        j["results"].push_back(std::move(row));
    }
    if (r.reference_accuracy_percent)
        j["reference_accuracy_percent"] = *r.reference_accuracy_percent;
    return j;
}

}  // namespace serialq::quant
