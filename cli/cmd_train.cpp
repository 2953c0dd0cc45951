// serialq train: trains the built-in model of a trace on Fashion-MNIST and writes its weights
// file (atomically), recording in it the command that reproduces it.
#include "command.hpp"
#include "options.hpp"
#include "table.hpp"

#include "serialq/common/error.hpp"
#include "serialq/common/network_loader.hpp"
#include "serialq/quant/idx_dataset.hpp"
#include "serialq/quant/inference.hpp"
#include "serialq/quant/model.hpp"
#include "serialq/quant/trainer.hpp"
#include "serialq/quant/weights_file.hpp"

#include <nlohmann/json.hpp>

#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <iostream>
#include <sstream>

namespace serialq::cli {

namespace {

// "12.5" rather than "12.500000"; the shortest text that reads back as the same double.
std::string number_text(double v) {
    std::ostringstream o;
    o.precision(17);
    o << v;
    std::string s = o.str();
    for (int p = 1; p <= 17; ++p) {
        std::ostringstream t;
        t.precision(p);
        t << v;
        if (std::stod(t.str()) == v) return t.str();
    }
    return s;
}

// A progress bar on stderr, redrawn at most ten times a second.
class ProgressBar {
public:
    explicit ProgressBar(bool enabled) : enabled_(enabled) {}

    void update(const quant::TrainProgress& p) {
        if (!enabled_) return;
        const auto now = std::chrono::steady_clock::now();
        const bool last = p.step == p.steps_per_epoch;
        if (!last && now - drawn_ < std::chrono::milliseconds(100)) return;
        drawn_ = now;
        constexpr int kWidth = 30;
        const double done = static_cast<double>(p.step) / static_cast<double>(p.steps_per_epoch);
        const int filled = static_cast<int>(done * kWidth);
        std::string bar(static_cast<std::size_t>(filled), '#');
        bar.resize(kWidth, '.');
        std::fprintf(stderr, "\repoch %d/%d [%s] %3d%%  loss %.4f  %.0f s", p.epoch, p.epochs,
                     bar.c_str(), static_cast<int>(done * 100), p.mean_loss, p.seconds);
        std::fflush(stderr);
    }

    void epoch_done(const quant::EpochReport& r) {
        if (!enabled_) return;
        std::fprintf(stderr, "  validation %.2f %%\n", r.validation_accuracy_percent);
        std::fflush(stderr);
    }

private:
    bool enabled_;
    std::chrono::steady_clock::time_point drawn_{};
};

int train_main(const Args& args) {
    const quant::TrainOptions defaults;
    quant::TrainOptions options;
    std::string trace, out, optimizer = "adam", data_dir = quant::kDefaultFashionMnistDir.string();
    po::options_description opts("serialq train options");
    opts.add_options()
        ("trace", po::value(&trace)->required(), "network trace (YAML) of the built-in model")
        ("out", po::value(&out)->required(), "weights file to write (atomically)")
        ("epochs", po::value(&options.epochs)->default_value(defaults.epochs), "passes over the training split")
        ("seed", po::value(&options.seed)->default_value(defaults.seed), "initial weights and batch order")
        ("batch", po::value(&options.batch)->default_value(defaults.batch), "images per step")
        ("optimizer", po::value(&optimizer)->default_value(optimizer), "adam or sgd (with momentum)")
        ("lr", po::value(&options.learning_rate)->default_value(defaults.learning_rate),
         "step size at the start (cosine decay to 0)")
        ("momentum", po::value(&options.momentum)->default_value(defaults.momentum), "SGD's momentum")
        ("weight-decay", po::value(&options.weight_decay)->default_value(defaults.weight_decay),
         "L2 penalty on the conv/fc weights")
        ("augment", "shift images by up to 2 pixels and mirror them left-right at random")
        ("ghost-batch", po::value(&options.ghost_batch)->default_value(defaults.ghost_batch),
         "images per batch-norm batch, each on a thread of its own (0: the whole step)")
        ("max-samples", po::value(&options.max_samples)->default_value(defaults.max_samples),
         "train on the first N training images only (0: all 55,000)")
        ("threads", po::value(&options.threads)->default_value(defaults.threads),
         "threads for ghost batches and evaluations (0: all cores); never changes the weights")
        ("data-dir", po::value(&data_dir)->default_value(data_dir), "Fashion-MNIST IDX files")
        ("progress", "draw the progress bar even when stderr is not a terminal");
    po::positional_options_description pos;
    po::variables_map vm;
    if (!parse_command_line("serialq train --trace <trace.yaml> --out <weights.sqw> [--epochs N] "
                            "[--seed S] [options]",
                            opts, pos, args, vm))
        return 0;
    if (optimizer == "sgd")
        options.optimizer = quant::Optimizer::Sgd;
    else if (optimizer != "adam")
        throw UsageError("--optimizer: found '" + optimizer + "', expected adam or sgd");
    options.augment = vm.count("augment") > 0;
    try {
        options.check();
    } catch (const ConfigError& e) {
        // The library names the struct's fields ("train.learning_rate: ..."); say the options.
        std::string m = e.what();
        for (const auto& [field, option] :
             {std::pair<std::string, std::string>{"train.epochs", "--epochs"},
              {"train.batch", "--batch"},
              {"train.learning_rate", "--lr"},
              {"train.weight_decay", "--weight-decay"},
              {"train.max_samples", "--max-samples"},
              {"train.momentum", "--momentum"},
              {"train.ghost_batch", "--ghost-batch"},
              {"train.threads", "--threads"}})
            if (m.rfind(field + ":", 0) == 0) m = option + m.substr(field.size());
        throw UsageError(m);
    }

    quant::Model model = quant::build_model(load_network(trace));
    quant::TrainingSplits splits = quant::load_fashion_mnist_training(data_dir);
    const quant::Dataset test = quant::load_fashion_mnist(data_dir, quant::Split::Test);

    const bool show_progress = vm.count("progress") > 0 || ::isatty(STDERR_FILENO);
    ProgressBar bar(show_progress);
    const auto start = std::chrono::steady_clock::now();
    const std::vector<quant::EpochReport> reports = quant::train_model(
        model, splits.train, &splits.validation, options,
        [&](const quant::TrainProgress& p) { bar.update(p); },
        [&](const quant::EpochReport& r) { bar.epoch_done(r); });
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    const quant::FloatEngine engine(model);  // folds batch norm with the running statistics
    const double test_accuracy =
        100.0 * static_cast<double>(quant::count_correct(engine, test, 0, test.size(), options.threads)) /
        static_cast<double>(test.size());
    const double validation_accuracy = reports.back().validation_accuracy_percent;

    // The command that reproduces the file, every setting spelled out.
    std::string command = "serialq train --trace " + trace + " --epochs " + std::to_string(options.epochs) +
                          " --seed " + std::to_string(options.seed) + " --batch " +
                          std::to_string(options.batch) + " --optimizer " + optimizer + " --lr " +
                          number_text(options.learning_rate);
    if (options.optimizer == quant::Optimizer::Sgd) command += " --momentum " + number_text(options.momentum);
    command += " --weight-decay " + number_text(options.weight_decay);
    if (options.augment) command += " --augment";
    if (options.ghost_batch > 0) command += " --ghost-batch " + std::to_string(options.ghost_batch);
    if (options.max_samples > 0) command += " --max-samples " + std::to_string(options.max_samples);
    command += " --out " + out;

    // Metadata: deterministic (no clock, no host), so that the command reproduces the file byte
    // for byte on the same build and CPU; the checksum then identifies the weights.
    nlohmann::ordered_json epochs = nlohmann::ordered_json::array();
    for (const auto& r : reports)
        epochs.push_back({{"epoch", r.epoch},
                          {"mean_train_loss", r.mean_loss},
                          {"validation_accuracy_percent", r.validation_accuracy_percent}});
    const nlohmann::ordered_json meta = {
        {"network", model.name},
        {"trace", trace},
        {"command", command},
        {"trainer", options.optimizer == quant::Optimizer::Sgd
                        ? "softmax cross-entropy, SGD with momentum, cosine decay to 0, He-uniform init"
                        : "softmax cross-entropy, Adam (0.9, 0.999), cosine decay to 0, He-uniform init"},
        {"optimizer", optimizer},
        {"momentum", options.optimizer == quant::Optimizer::Sgd ? options.momentum : 0.0},
        {"augment", options.augment},
        {"ghost_batch", options.ghost_batch},
        {"seed", options.seed},
        {"epochs", options.epochs},
        {"batch", options.batch},
        {"learning_rate", options.learning_rate},
        {"weight_decay", options.weight_decay},
        {"train_images", options.max_samples > 0 ? std::min(options.max_samples, splits.train.size())
                                                 : splits.train.size()},
        {"data", {{"train", splits.train.description},
                  {"validation", splits.validation.description},
                  {"test", test.description}}},
        {"validation_accuracy_percent", validation_accuracy},
        {"test_accuracy_percent", test_accuracy},
        {"per_epoch", epochs}};
    quant::WeightsFile file = quant::to_weights_file(model, meta.dump());
    quant::write_weights_file(out, file);

    Table t({"epoch", "mean_train_loss", "validation_accuracy_percent", "seconds"});
    for (const auto& r : reports)
        t.add_row({std::to_string(r.epoch), fixed(r.mean_loss, 4),
                   fixed(r.validation_accuracy_percent, 2), fixed(r.seconds, 1)});
    std::cout << t.text() << "\n"
              << "test accuracy (full precision, " << test.size() << " images): "
              << fixed(test_accuracy, 2) << " %\n"
              << "validation accuracy: " << fixed(validation_accuracy, 2) << " %\n"
              << "training time: " << fixed(seconds, 1) << " s\n";
    char crc[16];
    std::snprintf(crc, sizeof crc, "%08x", file.crc32);
    std::cout << "wrote " << out << " (crc32 " << crc << ")\nreproduce with: " << command << "\n";
    return 0;
}

const RegisterCommand registered{
    {"train", "train the built-in model of a trace on Fashion-MNIST and write its weights", &train_main}};

}  // namespace

}  // namespace serialq::cli
