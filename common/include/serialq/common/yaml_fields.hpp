#pragma once
// A checked reader for YAML mappings, used only at the configuration edge: every loader reads
// its keys through it, so every error names the file, the line, the key path, what was found
// and what was expected, and unknown keys are errors rather than silently ignored.
//
//   YamlMap m(load_yaml_file(path), path.string());
//   cfg.tiles = m.integer_or("tiles", cfg.tiles, 1, 4096);
//   m.finish();   // throws on any key that was not read
#include <yaml-cpp/yaml.h>

#include <filesystem>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace serialq {

// The largest YAML file serialq reads: 50 times its largest shipped one (docs/reliability.md).
inline constexpr std::size_t kMaxYamlBytes = 256 * 1024;

// Loads one YAML document. Throws InputError for a missing file and ConfigError for a file
// larger than kMaxYamlBytes, an empty file, a parse error (with line and column), or a
// document whose top is not a mapping.
YAML::Node load_yaml_file(const std::filesystem::path& path);

class YamlMap {
public:
    // `node` must be a mapping; `path` is the key path of this mapping ("" at the root).
    YamlMap(YAML::Node node, std::string file, std::string path = "");

    const std::string& file() const { return file_; }
    const std::string& path() const { return path_; }
    std::string key_path(std::string_view key) const;
    bool has(std::string_view key) const;

    // Integers within [min, max]; a fraction, a string or an out-of-range value is an error.
    long long integer(std::string_view key, long long min, long long max);
    long long integer_or(std::string_view key, long long fallback, long long min, long long max);
    // Real numbers within [min, max].
    double number(std::string_view key, double min, double max);
    double number_or(std::string_view key, double fallback, double min, double max);
    std::string string(std::string_view key);
    std::string string_or(std::string_view key, std::string fallback);
    bool boolean_or(std::string_view key, bool fallback);
    // One of a fixed set of words.
    std::string choice(std::string_view key, const std::vector<std::string>& options);
    std::string choice_or(std::string_view key, std::string fallback,
                          const std::vector<std::string>& options);
    // A positive integer or a pair [h, w] of them (kernel, stride, padding).
    std::pair<int, int> int_pair_or(std::string_view key, std::pair<int, int> fallback, int min,
                                    int max);
    // A list of integers.
    std::vector<long long> integer_list(std::string_view key, long long min, long long max);

    YamlMap map(std::string_view key);
    std::optional<YamlMap> map_if_present(std::string_view key);
    // A sequence; each element is read with element().
    YAML::Node sequence(std::string_view key);
    YamlMap element(const YAML::Node& sequence, std::string_view key, std::size_t index);
    // The raw node (marked as read); for values with a shape of their own.
    YAML::Node raw(std::string_view key);

    // Throws ConfigError naming the first key that no reader asked for, with the valid keys.
    void finish() const;
    // Declares keys that are valid even if this loader did not read them.
    void allow(std::string_view key) { used_.insert(std::string(key)); }

    // Throws a ConfigError located at `key` (or at this mapping if key is empty).
    [[noreturn]] void fail(std::string_view key, const std::string& found,
                           const std::string& expected) const;

private:
    YAML::Node get(std::string_view key);
    std::string location(const YAML::Node& node) const;

    YAML::Node node_;
    std::string file_;
    std::string path_;
    std::set<std::string> used_;
};

// A scalar's finite real value, or nothing (a list, a word, inf, nan).
std::optional<double> scalar_number(const YAML::Node& node);

// How a node reads in an error message: "'abc'", "a list", "a mapping", "nothing".
std::string describe_node(const YAML::Node& node);

}  // namespace serialq
