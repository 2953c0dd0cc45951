#pragma once
// Fashion-MNIST from Debian's dataset-fashion-mnist package: gzip-compressed IDX files
// (idx3 images of 28x28 unsigned bytes, idx1 labels 0..9).
//
// Splits. The 60,000 training images are divided once and for all, in file order: the first
// 55,000 train the model ("train"), the last 5,000 are held out as "validation", on which the
// search measures accuracy. The 10,000 test images ("test") are only for final reports, so a configuration
// chosen on validation is reported on data the search never saw.
#include <cstdint>
#include "serialq/common/enum_names.hpp"

#include <filesystem>
#include <string>
#include <vector>

namespace serialq::quant {

enum class Split { Train, Validation, Test };

inline constexpr EnumNames<Split, 3> kSplitNames{
    {{{Split::Train, "train"}, {Split::Validation, "validation"}, {Split::Test, "test"}}}};

inline const char* to_string(Split split) { return kSplitNames.name(split); }
// "train", "validation" or "test"; anything else is a ConfigError naming `what`.
inline Split parse_split(const std::string& text, const std::string& what = "split") {
    return kSplitNames.parse(text, what);
}

inline constexpr std::int64_t kTrainImages = 55'000;
inline constexpr std::int64_t kValidationImages = 5'000;
inline constexpr std::int64_t kTestImages = 10'000;
inline const std::filesystem::path kDefaultFashionMnistDir = "/usr/share/datasets/fashion-mnist";

struct Dataset {
    std::string description;  // "fashion-mnist/validation (training images 55000..59999, ...)"
    int rows = 0;
    int cols = 0;
    std::vector<std::uint8_t> pixels;  // size() x rows x cols, row-major per image
    std::vector<std::uint8_t> labels;
    std::uint32_t crc32 = 0;  // of pixels and labels: identifies the data in cache keys

    std::int64_t size() const { return static_cast<std::int64_t>(labels.size()); }
    std::int64_t pixels_per_image() const { return static_cast<std::int64_t>(rows) * cols; }
    const std::uint8_t* image(std::int64_t i) const {
        return pixels.data() + i * pixels_per_image();
    }
};

// Reads one pair of IDX files (gzip or plain). A missing, truncated or malformed file is a
// one-line InputError naming the file and the Debian package dataset-fashion-mnist.
Dataset read_idx(const std::filesystem::path& images, const std::filesystem::path& labels);

// One split of Fashion-MNIST from `dir` (train-*/t10k-*-idx?-ubyte.gz).
Dataset load_fashion_mnist(const std::filesystem::path& dir, Split split);

// The train and validation splits from one read of the training files.
struct TrainingSplits {
    Dataset train;
    Dataset validation;
};
TrainingSplits load_fashion_mnist_training(const std::filesystem::path& dir);

// The first `count` samples (all if count <= 0 or larger than the set).
Dataset head(const Dataset& data, std::int64_t count);

}  // namespace serialq::quant
