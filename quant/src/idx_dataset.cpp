#include "serialq/quant/idx_dataset.hpp"

#include "serialq/common/error.hpp"

#include <zlib.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <memory>

namespace serialq::quant {

namespace {

constexpr const char* kPackageHint =
    " (Fashion-MNIST comes from the Debian package dataset-fashion-mnist: "
    "apt-get install dataset-fashion-mnist)";

struct GzCloser {
    void operator()(gzFile f) const { gzclose(f); }
};
using GzFile = std::unique_ptr<std::remove_pointer_t<gzFile>, GzCloser>;

std::uint32_t data_crc(const Dataset& d) {
    uLong c = crc32(0L, Z_NULL, 0);
    c = crc32_z(c, d.pixels.data(), d.pixels.size());
    c = crc32_z(c, d.labels.data(), d.labels.size());
    return static_cast<std::uint32_t>(c);
}

class IdxReader {
public:
    explicit IdxReader(const std::filesystem::path& path) : path_(path.string()) {
        if (!std::filesystem::exists(path)) fail("file not found");
        file_.reset(gzopen(path_.c_str(), "rb"));
        if (!file_) fail(std::string("cannot open: ") + std::strerror(errno));
        gzbuffer(file_.get(), 1 << 18);
    }

    // Reads the header; checks the type byte (0x08: unsigned byte) and the number of dims.
    std::vector<std::uint32_t> header(int expected_dims) {
        std::array<unsigned char, 4> magic{};
        read(magic.data(), 4, "the header");
        if (magic[0] != 0 || magic[1] != 0 || magic[2] != 0x08 || magic[3] != expected_dims)
            fail("not an IDX file of unsigned bytes with " + std::to_string(expected_dims) +
                 " dimensions (bad magic number)");
        std::vector<std::uint32_t> dims(static_cast<std::size_t>(expected_dims));
        for (auto& d : dims) {
            std::array<unsigned char, 4> b{};
            read(b.data(), 4, "the header");
            d = (std::uint32_t{b[0]} << 24) | (std::uint32_t{b[1]} << 16) |
                (std::uint32_t{b[2]} << 8) | b[3];
        }
        return dims;
    }

    void read(void* out, std::size_t bytes, const std::string& what) {
        auto* dst = static_cast<unsigned char*>(out);
        std::size_t done = 0;
        while (done < bytes) {
            const unsigned chunk =
                static_cast<unsigned>(std::min<std::size_t>(bytes - done, 1u << 30));
            const int n = gzread(file_.get(), dst + done, chunk);
            if (n <= 0) {
                // zlib reports a gzip stream cut short as Z_BUF_ERROR ("unexpected end of
                // file"), and the end of a plain file as 0 bytes read.
                int code = Z_OK;
                const char* msg = gzerror(file_.get(), &code);
                if (n == 0 || code == Z_BUF_ERROR)
                    fail("truncated while reading " + what + " (" + std::to_string(bytes) +
                         " bytes expected, " + std::to_string(done) + " found)");
                fail("corrupt gzip data while reading " + what + " (" + msg + ")");
            }
            done += static_cast<std::size_t>(n);
        }
    }

    [[noreturn]] void fail(const std::string& what) const {
        throw InputError(path_ + ": " + what + kPackageHint);
    }

private:
    std::string path_;
    GzFile file_;
};

}  // namespace

Dataset read_idx(const std::filesystem::path& images, const std::filesystem::path& labels) {
    Dataset d;
    IdxReader img(images);
    const auto idims = img.header(3);
    IdxReader lab(labels);
    const auto ldims = lab.header(1);
    if (idims[0] != ldims[0])
        lab.fail("holds " + std::to_string(ldims[0]) + " labels, expected " +
                 std::to_string(idims[0]) + " (one per image in " + images.string() + ")");
    if (idims[1] == 0 || idims[2] == 0 || idims[1] > 4096 || idims[2] > 4096)
        img.fail("image size " + std::to_string(idims[1]) + "x" + std::to_string(idims[2]) +
                 ", expected 1..4096 on each side");
    if (std::uint64_t{idims[0]} * idims[1] * idims[2] > (std::uint64_t{1} << 32))
        img.fail(std::to_string(idims[0]) + " images of " + std::to_string(idims[1]) + "x" +
                 std::to_string(idims[2]) +
                 ", expected at most 4 GiB of pixels (a corrupt header?)");
    d.rows = static_cast<int>(idims[1]);
    d.cols = static_cast<int>(idims[2]);
    d.pixels.resize(static_cast<std::size_t>(idims[0]) * idims[1] * idims[2]);
    d.labels.resize(ldims[0]);
    img.read(d.pixels.data(), d.pixels.size(), std::to_string(idims[0]) + " images");
    lab.read(d.labels.data(), d.labels.size(), std::to_string(ldims[0]) + " labels");
    for (std::size_t i = 0; i < d.labels.size(); ++i)
        if (d.labels[i] > 9)
            lab.fail("label " + std::to_string(d.labels[i]) + " at index " + std::to_string(i) +
                     ", expected a class 0..9");
    d.description = images.string();
    d.crc32 = data_crc(d);
    return d;
}

namespace {
Dataset slice(const Dataset& d, std::int64_t begin, std::int64_t end, std::string description) {
    Dataset s;
    s.description = std::move(description);
    s.rows = d.rows;
    s.cols = d.cols;
    const std::int64_t px = d.pixels_per_image();
    s.pixels.assign(d.pixels.begin() + begin * px, d.pixels.begin() + end * px);
    s.labels.assign(d.labels.begin() + begin, d.labels.begin() + end);
    s.crc32 = data_crc(s);
    return s;
}
}  // namespace

Dataset load_fashion_mnist(const std::filesystem::path& dir, Split split) {
    if (split == Split::Test) {
        Dataset d = read_idx(dir / "t10k-images-idx3-ubyte.gz", dir / "t10k-labels-idx1-ubyte.gz");
        if (d.size() != kTestImages)
            throw InputError((dir / "t10k-images-idx3-ubyte.gz").string() + ": holds " +
                             std::to_string(d.size()) + " images, expected " +
                             std::to_string(kTestImages) + " (the Fashion-MNIST test set)" +
                             kPackageHint);
        d.description = "fashion-mnist/test (" + std::to_string(d.size()) + " test images)";
        return d;
    }
    TrainingSplits both = load_fashion_mnist_training(dir);
    return split == Split::Train ? std::move(both.train) : std::move(both.validation);
}

TrainingSplits load_fashion_mnist_training(const std::filesystem::path& dir) {
    const auto images = dir / "train-images-idx3-ubyte.gz";
    const Dataset all = read_idx(images, dir / "train-labels-idx1-ubyte.gz");
    if (all.size() != kTrainImages + kValidationImages)
        throw InputError(images.string() + ": holds " + std::to_string(all.size()) +
                         " images, expected " + std::to_string(kTrainImages + kValidationImages) +
                         " (the Fashion-MNIST training set)" + kPackageHint);
    TrainingSplits s;
    s.train =
        slice(all, 0, kTrainImages,
              "fashion-mnist/train (training images 0.." + std::to_string(kTrainImages - 1) + ")");
    s.validation =
        slice(all, kTrainImages, all.size(),
              "fashion-mnist/validation (training images " + std::to_string(kTrainImages) + ".." +
                  std::to_string(all.size() - 1) + ", held out from training)");
    return s;
}

Dataset head(const Dataset& data, std::int64_t count) {
    if (count <= 0 || count >= data.size()) return data;
    return slice(data, 0, count, data.description + ", first " + std::to_string(count));
}

}  // namespace serialq::quant
