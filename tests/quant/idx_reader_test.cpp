// The IDX reader: small files written by the test (plain and gzip), every way a file can be
// missing, cut short or damaged, and the real Fashion-MNIST splits.
#include "../common/temp_file.hpp"

#include "serialq/common/error.hpp"
#include "serialq/quant/idx_dataset.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <array>
#include <cstdint>

using namespace serialq::quant;
using serialq::test::TempDir;

namespace {

void put_be32(std::string& out, std::uint32_t v) {
    for (int shift = 24; shift >= 0; shift -= 8)
        out.push_back(static_cast<char>((v >> shift) & 0xff));
}

std::string idx_images(std::uint32_t count, std::uint32_t rows, std::uint32_t cols,
                       std::uint8_t seed) {
    std::string b("\0\0\x08\x03", 4);
    put_be32(b, count);
    put_be32(b, rows);
    put_be32(b, cols);
    for (std::uint32_t i = 0; i < count * rows * cols; ++i)
        b.push_back(static_cast<char>((i * 37 + seed) & 0xff));
    return b;
}

std::string idx_labels(const std::vector<std::uint8_t>& labels) {
    std::string b("\0\0\x08\x01", 4);
    put_be32(b, static_cast<std::uint32_t>(labels.size()));
    for (auto l : labels) b.push_back(static_cast<char>(l));
    return b;
}

// CRC-32 (IEEE 802.3), bit by bit: an encoder independent of the zlib the reader uses.
std::uint32_t crc32_ieee(const std::string& data) {
    std::uint32_t c = 0xffffffffu;
    for (unsigned char byte : data) {
        c ^= byte;
        for (int k = 0; k < 8; ++k) c = (c >> 1) ^ (0xedb88320u & (0u - (c & 1u)));
    }
    return ~c;
}

void put_le32(std::string& out, std::uint32_t v) {
    for (int shift = 0; shift <= 24; shift += 8)
        out.push_back(static_cast<char>((v >> shift) & 0xff));
}

// A gzip member (RFC 1952) holding `data` in stored (uncompressed) deflate blocks (RFC 1951).
std::string gzip_stored(const std::string& data) {
    std::string out("\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xff", 10);
    std::size_t at = 0;
    do {
        const std::size_t n = std::min<std::size_t>(65535, data.size() - at);
        const bool final = at + n == data.size();
        out.push_back(final ? '\x01' : '\x00');
        const auto len = static_cast<std::uint16_t>(n);
        const auto nlen = static_cast<std::uint16_t>(~len);
        out.push_back(static_cast<char>(len & 0xff));
        out.push_back(static_cast<char>(len >> 8));
        out.push_back(static_cast<char>(nlen & 0xff));
        out.push_back(static_cast<char>(nlen >> 8));
        out.append(data, at, n);
        at += n;
    } while (at < data.size());
    put_le32(out, crc32_ieee(data));
    put_le32(out, static_cast<std::uint32_t>(data.size()));
    return out;
}

const std::string kPackage = "dataset-fashion-mnist";

// The error of read_idx(images, labels) as text, checking that it is one line.
std::string idx_error(const std::filesystem::path& images, const std::filesystem::path& labels) {
    try {
        read_idx(images, labels);
    } catch (const serialq::InputError& e) {
        const std::string m = e.what();
        CHECK(m.find('\n') == std::string::npos);
        CHECK(m.find(kPackage) != std::string::npos);
        return m;
    }
    FAIL("read_idx did not throw an InputError");
    return "";
}

}  // namespace

TEST_CASE("idx: plain and gzip files read the same images and labels", "[quant][idx]") {
    TempDir dir;
    const std::vector<std::uint8_t> labels = {3, 0, 9};
    const std::string images = idx_images(3, 4, 5, 11);
    // Large enough for several stored blocks.
    const std::string big = idx_images(2000, 8, 8, 5);
    const auto plain_i = dir.write("i", images), plain_l = dir.write("l", idx_labels(labels));
    const auto gz_i = dir.write("i.gz", gzip_stored(images));
    const auto gz_l = dir.write("l.gz", gzip_stored(idx_labels(labels)));
    const Dataset a = read_idx(plain_i, plain_l);
    const Dataset b = read_idx(gz_i, gz_l);
    for (const Dataset* d : {&a, &b}) {
        CHECK(d->size() == 3);
        CHECK(d->rows == 4);
        CHECK(d->cols == 5);
        CHECK(d->pixels_per_image() == 20);
        CHECK(d->labels == labels);
        REQUIRE(d->pixels.size() == 60);
        CHECK(std::equal(d->pixels.begin(), d->pixels.end(),
                         reinterpret_cast<const std::uint8_t*>(images.data()) + 16));
        CHECK(d->image(2)[0] == static_cast<std::uint8_t>(images[16 + 40]));
    }
    CHECK(a.crc32 == b.crc32);
    CHECK(a.crc32 != 0);

    const Dataset many =
        read_idx(dir.write("big.gz", gzip_stored(big)),
                 dir.write("bl.gz", gzip_stored(idx_labels(std::vector<std::uint8_t>(2000, 7)))));
    CHECK(many.size() == 2000);
    CHECK(std::equal(many.pixels.begin(), many.pixels.end(),
                     reinterpret_cast<const std::uint8_t*>(big.data()) + 16));
}

TEST_CASE("idx: a missing file names itself and the Debian package", "[quant][idx]") {
    TempDir dir;
    const auto labels = dir.write("l", idx_labels({1}));
    const auto missing = dir.path() / "train-images-idx3-ubyte.gz";
    CHECK(idx_error(missing, labels) ==
          missing.string() +
              ": file not found (Fashion-MNIST comes from the Debian package "
              "dataset-fashion-mnist: apt-get install dataset-fashion-mnist)");
    const auto images = dir.write("i", idx_images(1, 2, 2, 0));
    CHECK(idx_error(images, dir.path() / "nolabels")
              .rfind((dir.path() / "nolabels").string() + ": file not found", 0) == 0);
}

TEST_CASE("idx: truncated files are errors, gzip or plain, header or data", "[quant][idx]") {
    TempDir dir;
    const auto labels = dir.write("l", idx_labels({1, 2, 3}));
    const std::string images = idx_images(3, 4, 5, 1);
    // Data cut short: plain.
    const auto cut = dir.write("cut", images.substr(0, images.size() - 7));
    CHECK_THAT(idx_error(cut, labels),
               Catch::Matchers::StartsWith(cut.string() + ": truncated while reading 3 images "
                                                          "(60 bytes expected, 53 found)"));
    // Data cut short: a gzip stream that stops mid-block (no trailer).
    const std::string gz = gzip_stored(images);
    const auto cut_gz = dir.write("cut.gz", gz.substr(0, gz.size() - 20));
    CHECK_THAT(idx_error(cut_gz, labels),
               Catch::Matchers::StartsWith(cut_gz.string() + ": truncated while reading 3 images"));
    // Header cut short.
    const auto stub = dir.write("stub", images.substr(0, 10));
    CHECK_THAT(idx_error(stub, labels),
               Catch::Matchers::StartsWith(stub.string() + ": truncated while reading the header"));
    const auto empty = dir.write("empty.gz", "");
    CHECK_THAT(idx_error(empty, labels), Catch::Matchers::Contains("truncated"));
    // Labels cut short.
    const std::string lab = idx_labels({1, 2, 3});
    const auto cut_l = dir.write("cut_l", lab.substr(0, lab.size() - 1));
    const auto good_i = dir.write("good_i", images);
    CHECK_THAT(idx_error(good_i, cut_l),
               Catch::Matchers::StartsWith(cut_l.string() + ": truncated while reading 3 labels"));
}

TEST_CASE("idx: corrupt or foreign files are errors, never data", "[quant][idx]") {
    TempDir dir;
    const std::string images = idx_images(3, 4, 5, 1);
    const auto labels = dir.write("l", idx_labels({1, 2, 3}));
    // A deflate block of the reserved type 3.
    std::string gz = gzip_stored(images);
    gz[10] = '\x07';
    const auto bad_block = dir.write("bad.gz", gz);
    CHECK_THAT(
        idx_error(bad_block, labels),
        Catch::Matchers::StartsWith(bad_block.string() + ": corrupt gzip data while reading"));
    // A labels file where images are expected, and the other way round.
    CHECK_THAT(idx_error(labels, labels),
               Catch::Matchers::Contains("not an IDX file of unsigned bytes with 3 dimensions"));
    const auto good_i = dir.write("i", images);
    CHECK_THAT(idx_error(good_i, good_i),
               Catch::Matchers::StartsWith(
                   good_i.string() + ": not an IDX file of unsigned bytes with 1 dimensions"));
    // Text.
    const auto text = dir.write("readme.gz", "this is not a data set, just text\n");
    CHECK_THAT(idx_error(text, labels), Catch::Matchers::Contains("bad magic number"));
    // Counts that disagree, classes out of range, absurd sizes.
    const auto two = dir.write("two", idx_labels({1, 2}));
    CHECK_THAT(idx_error(good_i, two),
               Catch::Matchers::StartsWith(two.string() + ": holds 2 labels, expected 3"));
    const auto ten = dir.write("ten", idx_labels({1, 10, 2}));
    CHECK_THAT(
        idx_error(good_i, ten),
        Catch::Matchers::StartsWith(ten.string() + ": label 10 at index 1, expected a class 0..9"));
    std::string huge = idx_images(1, 4, 5, 0);
    huge[8] = huge[9] = huge[10] = huge[11] = '\xff';  // rows = 2^32 - 1
    const auto wide = dir.write("wide", huge);
    CHECK_THAT(idx_error(wide, dir.write("one", idx_labels({1}))),
               Catch::Matchers::Contains("expected 1..4096 on each side"));
}

TEST_CASE("idx: a directory without Fashion-MNIST's files names the package", "[quant][idx]") {
    TempDir dir;
    for (Split split : {Split::Train, Split::Validation, Split::Test}) {
        try {
            load_fashion_mnist(dir.path(), split);
            FAIL("no error");
        } catch (const serialq::InputError& e) {
            CHECK_THAT(e.what(), Catch::Matchers::Contains("file not found") &&
                                     Catch::Matchers::Contains(kPackage));
        }
    }
    // The right names, the wrong sizes.
    dir.write("t10k-images-idx3-ubyte.gz", gzip_stored(idx_images(3, 28, 28, 0)));
    dir.write("t10k-labels-idx1-ubyte.gz", gzip_stored(idx_labels({1, 2, 3})));
    CHECK_THROWS_WITH(load_fashion_mnist(dir.path(), Split::Test),
                      Catch::Matchers::Contains("holds 3 images, expected 10000 (the Fashion-MNIST "
                                                "test set)") &&
                          Catch::Matchers::Contains(kPackage));
}

TEST_CASE("idx: split names", "[quant][idx]") {
    for (Split s : {Split::Train, Split::Validation, Split::Test})
        CHECK(parse_split(to_string(s)) == s);
    CHECK_THROWS_MATCHES(parse_split("valid", "--split"), serialq::ConfigError,
                         Catch::Matchers::Message(
                             "--split: found 'valid', expected one of train, validation, test"));
}

TEST_CASE("idx: Fashion-MNIST's splits: 55,000 train, the last 5,000 for validation, 10,000 test",
          "[quant][idx][fashion-mnist]") {
    const Dataset test = load_fashion_mnist(kDefaultFashionMnistDir, Split::Test);
    CHECK(test.size() == 10'000);
    CHECK(test.rows == 28);
    CHECK(test.cols == 28);
    std::array<int, 10> per_class{};
    for (auto l : test.labels) ++per_class[l];
    for (int c : per_class) CHECK(c == 1000);

    const Dataset train = load_fashion_mnist(kDefaultFashionMnistDir, Split::Train);
    const Dataset validation = load_fashion_mnist(kDefaultFashionMnistDir, Split::Validation);
    CHECK(train.size() == 55'000);
    CHECK(validation.size() == 5'000);
    const Dataset all = read_idx(kDefaultFashionMnistDir / "train-images-idx3-ubyte.gz",
                                 kDefaultFashionMnistDir / "train-labels-idx1-ubyte.gz");
    REQUIRE(all.size() == 60'000);
    CHECK(std::equal(train.pixels.begin(), train.pixels.end(), all.pixels.begin()));
    CHECK(std::equal(validation.pixels.begin(), validation.pixels.end(),
                     all.pixels.begin() + 55'000 * 784));
    CHECK(std::equal(validation.labels.begin(), validation.labels.end(),
                     all.labels.begin() + 55'000));
    // Every class is in the validation split, none in less than a sixth of its fair share, so
    // prefixes of it (early termination evaluates growing prefixes) are mixed.
    std::array<int, 10> val_class{};
    for (std::size_t i = 0; i < 1000; ++i) ++val_class[validation.labels[i]];
    for (int c : val_class) CHECK(c > 60);
    // Distinct data, distinct identities.
    CHECK(train.crc32 != validation.crc32);
    CHECK(validation.crc32 != test.crc32);

    const Dataset first = head(validation, 100);
    CHECK(first.size() == 100);
    CHECK(std::equal(first.labels.begin(), first.labels.end(), validation.labels.begin()));
    CHECK(head(validation, 0).size() == 5'000);
}
