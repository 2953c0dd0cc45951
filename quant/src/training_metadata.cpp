#include "serialq/quant/trainer.hpp"

#include <nlohmann/json.hpp>

namespace serialq::quant {

std::string training_metadata(const TrainingRecord& r) {
    const TrainOptions& o = r.options;
    const bool sgd = o.optimizer == Optimizer::Sgd;
    nlohmann::ordered_json epochs = nlohmann::ordered_json::array();
    for (const auto& e : r.epochs)
        epochs.push_back({{"epoch", e.epoch},
                          {"mean_train_loss", e.mean_loss},
                          {"validation_accuracy_percent", e.validation_accuracy_percent}});
    const nlohmann::ordered_json meta = {
        {"network", r.network},
        {"trace", r.trace},
        {"command", r.command},
        {"trainer",
         sgd ? "softmax cross-entropy, SGD with momentum, cosine decay to 0, He-uniform init"
             : "softmax cross-entropy, Adam (0.9, 0.999), cosine decay to 0, He-uniform init"},
        {"optimizer", sgd ? "sgd" : "adam"},
        {"momentum", sgd ? o.momentum : 0.0},
        {"augment", o.augment},
        {"ghost_batch", o.ghost_batch},
        {"seed", o.seed},
        {"epochs", o.epochs},
        {"batch", o.batch},
        {"learning_rate", o.learning_rate},
        {"weight_decay", o.weight_decay},
        {"train_images", r.train_images},
        {"data",
         {{"train", r.train_data}, {"validation", r.validation_data}, {"test", r.test_data}}},
        {"validation_accuracy_percent",
         r.epochs.empty() ? -1.0 : r.epochs.back().validation_accuracy_percent},
        {"test_accuracy_percent", r.test_accuracy_percent},
        {"per_epoch", epochs}};
    return meta.dump();
}

}  // namespace serialq::quant
