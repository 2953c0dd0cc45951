// serialq train: trains the built-in model of a trace on Fashion-MNIST and writes its weights
// file (atomically), recording in it the command that reproduces it.
#include "command.hpp"
#include "options.hpp"
#include "table.hpp"

#include "serialq/common/error.hpp"
#include "serialq/common/network_loader.hpp"
#include "serialq/common/text.hpp"
#include "serialq/quant/idx_dataset.hpp"
#include "serialq/quant/inference.hpp"
#include "serialq/quant/model.hpp"
#include "serialq/quant/trainer.hpp"
#include "serialq/quant/weights_file.hpp"

#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <iostream>

namespace serialq::cli {

namespace {

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

// "0.0005" rather than "5e-04" (shortest_number's choice): the shortest %g text that reads back
// as the same double. The shipped weights files record their commands in this form, so a rerun
// of one reproduces its metadata byte for byte.
std::string number_text(double v) {
    for (int p = 1; p <= 17; ++p) {
        char buf[64];
        std::snprintf(buf, sizeof buf, "%.*g", p, v);
        if (std::strtod(buf, nullptr) == v) return buf;
    }
    return shortest_number(v);
}

// The options as given; `options` holds every training setting.
struct TrainArgs {
    quant::TrainOptions options;
    std::string trace, out, optimizer = "adam", data_dir = quant::kDefaultFashionMnistDir.string();
    bool progress = false;
};

// The library names the struct's fields ("train.learning_rate: ..."); the message names the
// options.
void check_train_options(const quant::TrainOptions& options) {
    try {
        options.check();
    } catch (const ConfigError& e) {
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
}

// False when the command line only asked for --help.
bool parse_train_args(const Args& args, TrainArgs& a) {
    const quant::TrainOptions defaults;
    quant::TrainOptions& options = a.options;
    po::options_description opts("serialq train options");
    // One option per line, as --help lists them.
    // clang-format off
    opts.add_options()
        ("trace", po::value(&a.trace)->required(), "network trace (YAML) of the built-in model")
        ("out", po::value(&a.out)->required(), "weights file to write (atomically)")
        ("epochs", po::value(&options.epochs)->default_value(defaults.epochs), "passes over the training split")
        ("seed", po::value(&options.seed)->default_value(defaults.seed), "initial weights and batch order")
        ("batch", po::value(&options.batch)->default_value(defaults.batch), "images per step")
        ("optimizer", po::value(&a.optimizer)->default_value(a.optimizer), "adam or sgd (with momentum)")
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
        ("data-dir", po::value(&a.data_dir)->default_value(a.data_dir), "Fashion-MNIST IDX files")
        ("progress", "draw the progress bar even when stderr is not a terminal");
    // clang-format on
    po::variables_map vm;
    if (!parse_command_line("serialq train --trace <trace.yaml> --out <weights.sqw> [--epochs N] "
                            "[--seed S] [options]",
                            opts, {}, args, vm))
        return false;
    if (a.optimizer == "sgd")
        options.optimizer = quant::Optimizer::Sgd;
    else if (a.optimizer != "adam")
        throw UsageError("--optimizer: found '" + a.optimizer + "', expected adam or sgd");
    options.augment = vm.count("augment") > 0;
    a.progress = vm.count("progress") > 0;
    check_train_options(options);
    return true;
}

// The command that reproduces the file, every setting spelled out.
std::string reproduce_command(const TrainArgs& a) {
    const quant::TrainOptions& o = a.options;
    std::string command = "serialq train --trace " + a.trace + " --epochs " +
                          std::to_string(o.epochs) + " --seed " + std::to_string(o.seed) +
                          " --batch " + std::to_string(o.batch) + " --optimizer " + a.optimizer +
                          " --lr " + number_text(o.learning_rate);
    if (o.optimizer == quant::Optimizer::Sgd) command += " --momentum " + number_text(o.momentum);
    command += " --weight-decay " + number_text(o.weight_decay);
    if (o.augment) command += " --augment";
    if (o.ghost_batch > 0) command += " --ghost-batch " + std::to_string(o.ghost_batch);
    if (o.max_samples > 0) command += " --max-samples " + std::to_string(o.max_samples);
    return command + " --out " + a.out;
}

int train_main(const Args& args) {
    TrainArgs a;
    if (!parse_train_args(args, a)) return 0;
    const quant::TrainOptions& options = a.options;
    quant::Model model = quant::build_model(load_network(a.trace));
    quant::TrainingSplits splits = quant::load_fashion_mnist_training(a.data_dir);
    const quant::Dataset test = quant::load_fashion_mnist(a.data_dir, quant::Split::Test);

    ProgressBar bar(a.progress || ::isatty(STDERR_FILENO));
    const auto start = std::chrono::steady_clock::now();
    quant::TrainingRecord record;
    record.epochs = quant::train_model(
        model, splits.train, &splits.validation, options,
        [&](const quant::TrainProgress& p) { bar.update(p); },
        [&](const quant::EpochReport& r) { bar.epoch_done(r); });
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    const quant::FloatEngine engine(model);  // folds batch norm with the running statistics
    record.test_accuracy_percent =
        100.0 *
        static_cast<double>(quant::count_correct(engine, test, 0, test.size(), options.threads)) /
        static_cast<double>(test.size());
    record.network = model.name;
    record.trace = a.trace;
    record.command = reproduce_command(a);
    record.options = options;
    record.train_images = options.max_samples > 0
                              ? std::min(options.max_samples, splits.train.size())
                              : splits.train.size();
    record.train_data = splits.train.description;
    record.validation_data = splits.validation.description;
    record.test_data = test.description;
    quant::WeightsFile file = quant::to_weights_file(model, quant::training_metadata(record));
    quant::write_weights_file(a.out, file);

    Table t({"epoch", "mean_train_loss", "validation_accuracy_percent", "seconds"});
    for (const auto& r : record.epochs)
        t.add_row({std::to_string(r.epoch), fixed(r.mean_loss, 4),
                   fixed(r.validation_accuracy_percent, 2), fixed(r.seconds, 1)});
    char crc[16];
    std::snprintf(crc, sizeof crc, "%08x", file.crc32);
    std::cout << t.text() << "\n"
              << "test accuracy (full precision, " << test.size()
              << " images): " << fixed(record.test_accuracy_percent, 2) << " %\n"
              << "validation accuracy: "
              << fixed(record.epochs.back().validation_accuracy_percent, 2) << " %\n"
              << "training time: " << fixed(seconds, 1) << " s\n"
              << "wrote " << a.out << " (crc32 " << crc << ")\nreproduce with: " << record.command
              << "\n";
    return 0;
}

const RegisterCommand registered{
    {"train", "train the built-in model of a trace on Fashion-MNIST and write its weights",
     &train_main}};

}  // namespace

}  // namespace serialq::cli
