#include "serialq/common/yaml_fields.hpp"

#include "serialq/common/atomic_file.hpp"
#include "serialq/common/error.hpp"
#include "serialq/common/shipped_files.hpp"
#include "serialq/common/text.hpp"

#include <cmath>
#include <fstream>
#include <sstream>

namespace serialq {

YAML::Node load_yaml_file(const std::filesystem::path& given) {
    const std::filesystem::path path = resolve_input(given);
    const std::string file = path.string();
    std::ifstream in(path);
    if (!in) throw InputError(file + ": cannot open file (does it exist?)" + where_looked(path));
    std::ostringstream ss;
    ss << in.rdbuf();
    const std::string text = ss.str();
    // yaml-cpp keeps a few hundred bytes per node: a 1 MB flow list already takes 230 MB, and
    // a 3 MB line took 2.9 GB before any error.
    if (text.size() > kMaxYamlBytes)
        throw ConfigError(file + ": " + std::to_string(text.size()) + " bytes, expected at most " +
                          std::to_string(kMaxYamlBytes) +
                          " (a configuration or trace is a few kilobytes)");
    YAML::Node root;
    try {
        root = YAML::Load(text);
    } catch (const YAML::Exception& e) {
        throw ConfigError(file + ":" + std::to_string(e.mark.line + 1) + ":" +
                          std::to_string(e.mark.column + 1) + ": not valid YAML: " + e.msg);
    }
    if (!root || root.IsNull()) throw ConfigError(file + ": empty file, expected a YAML mapping");
    if (!root.IsMap())
        throw ConfigError(file + ": found " + describe_node(root) +
                          " at the top, expected a YAML mapping of keys");
    return root;
}

std::string describe_node(const YAML::Node& node) {
    if (!node || node.IsNull()) return "nothing";
    if (node.IsSequence()) return "a list";
    if (node.IsMap()) return "a mapping";
    return "'" + node.Scalar() + "'";
}

YamlMap::YamlMap(YAML::Node node, std::string file, std::string path)
    : node_(std::move(node)), file_(std::move(file)), path_(std::move(path)) {
    if (!node_.IsMap()) {
        throw ConfigError(location(node_) + (path_.empty() ? "top level" : path_) + ": found " +
                          describe_node(node_) + ", expected a mapping of keys");
    }
}

std::string YamlMap::key_path(std::string_view key) const {
    if (path_.empty()) return std::string(key);
    if (key.empty()) return path_;
    return path_ + "." + std::string(key);
}

std::string YamlMap::location(const YAML::Node& node) const {
    const auto mark = node.Mark();
    if (mark.line < 0) return file_ + ": ";
    return file_ + ":" + std::to_string(mark.line + 1) + ": ";
}

bool YamlMap::has(std::string_view key) const {
    const YAML::Node n = node_[std::string(key)];
    return n.IsDefined() && !n.IsNull();
}

void YamlMap::fail(std::string_view key, const std::string& found,
                   const std::string& expected) const {
    // A missing key is located at its mapping. No Node assignment here: assigning to the
    // invalid node a const lookup returns for a missing key throws YAML::InvalidNode, and
    // assigning to a defined one rewrites the document.
    const YAML::Node at = key.empty() ? node_ : node_[std::string(key)];
    throw ConfigError(location(at.IsDefined() ? at : node_) + key_path(key) + ": found " + found +
                      ", expected " + expected);
}

YAML::Node YamlMap::get(std::string_view key) {
    used_.insert(std::string(key));
    return node_[std::string(key)];
}

YAML::Node YamlMap::raw(std::string_view key) { return get(key); }

namespace {
// Numbers are read as text.hpp reads every number serialq takes (base 10, the whole text):
// stoll's base 0 read 010 as 8 (octal) and took 0x10, stod took hexadecimal floats. YAML's
// spellings of NaN and infinity, and any number past a double, are refused here.
bool parse_integer(const std::string& s, long long& out) {
    const std::optional<long long> v = serialq::parse_integer(s);
    if (v) out = *v;
    return v.has_value();
}
bool parse_number(const std::string& s, double& out) {
    const std::optional<double> v = serialq::parse_number(s);
    if (!v || !std::isfinite(*v)) return false;
    out = *v;
    return true;
}
std::string range_text(long long min, long long max) {
    return std::to_string(min) + ".." + std::to_string(max);
}
std::string number_text(double v) {
    std::ostringstream ss;
    ss << v;
    return ss.str();
}
}  // namespace

std::optional<double> scalar_number(const YAML::Node& node) {
    double v = 0;
    if (!node.IsScalar() || !parse_number(node.Scalar(), v)) return std::nullopt;
    return v;
}

long long YamlMap::integer(std::string_view key, long long min, long long max) {
    const YAML::Node n = get(key);
    const std::string expected = "an integer in " + range_text(min, max);
    if (!n.IsDefined() || n.IsNull()) fail(key, "nothing (the key is missing)", expected);
    long long v = 0;
    if (!n.IsScalar() || !parse_integer(n.Scalar(), v)) fail(key, describe_node(n), expected);
    if (v < min || v > max) fail(key, describe_node(n), expected);
    return v;
}

long long YamlMap::integer_or(std::string_view key, long long fallback, long long min,
                              long long max) {
    if (!has(key)) {
        used_.insert(std::string(key));
        return fallback;
    }
    return integer(key, min, max);
}

double YamlMap::number(std::string_view key, double min, double max) {
    const YAML::Node n = get(key);
    const std::string expected = "a number in [" + number_text(min) + ", " + number_text(max) + "]";
    if (!n.IsDefined() || n.IsNull()) fail(key, "nothing (the key is missing)", expected);
    double v = 0;
    if (!n.IsScalar() || !parse_number(n.Scalar(), v)) fail(key, describe_node(n), expected);
    if (v < min || v > max) fail(key, describe_node(n), expected);
    return v;
}

double YamlMap::number_or(std::string_view key, double fallback, double min, double max) {
    if (!has(key)) {
        used_.insert(std::string(key));
        return fallback;
    }
    return number(key, min, max);
}

std::string YamlMap::string(std::string_view key) {
    const YAML::Node n = get(key);
    if (!n.IsDefined() || n.IsNull()) fail(key, "nothing (the key is missing)", "a string");
    if (!n.IsScalar()) fail(key, describe_node(n), "a string");
    return n.Scalar();
}

std::string YamlMap::string_or(std::string_view key, std::string fallback) {
    if (!has(key)) {
        used_.insert(std::string(key));
        return fallback;
    }
    return string(key);
}

bool YamlMap::boolean_or(std::string_view key, bool fallback) {
    if (!has(key)) {
        used_.insert(std::string(key));
        return fallback;
    }
    const YAML::Node n = get(key);
    if (n.IsScalar()) {
        const std::string& s = n.Scalar();
        if (s == "true" || s == "yes" || s == "on") return true;
        if (s == "false" || s == "no" || s == "off") return false;
    }
    fail(key, describe_node(n), "true or false");
}

std::string YamlMap::choice(std::string_view key, const std::vector<std::string>& options) {
    std::string expected = "one of";
    for (std::size_t i = 0; i < options.size(); ++i) expected += (i ? ", " : " ") + options[i];
    const YAML::Node n = get(key);
    if (!n.IsDefined() || n.IsNull()) fail(key, "nothing (the key is missing)", expected);
    if (n.IsScalar())
        for (const auto& o : options)
            if (n.Scalar() == o) return o;
    fail(key, describe_node(n), expected);
}

std::string YamlMap::choice_or(std::string_view key, std::string fallback,
                               const std::vector<std::string>& options) {
    if (!has(key)) {
        used_.insert(std::string(key));
        return fallback;
    }
    return choice(key, options);
}

std::pair<int, int> YamlMap::int_pair_or(std::string_view key, std::pair<int, int> fallback,
                                         int min, int max) {
    if (!has(key)) {
        used_.insert(std::string(key));
        return fallback;
    }
    const YAML::Node n = get(key);
    const std::string expected =
        "an integer in " + range_text(min, max) + " or a pair [height, width] of them";
    long long a = 0, b = 0;
    if (n.IsScalar() && parse_integer(n.Scalar(), a) && a >= min && a <= max)
        return {static_cast<int>(a), static_cast<int>(a)};
    if (n.IsSequence() && n.size() == 2 && n[0].IsScalar() && n[1].IsScalar() &&
        parse_integer(n[0].Scalar(), a) && parse_integer(n[1].Scalar(), b) && a >= min &&
        a <= max && b >= min && b <= max)
        return {static_cast<int>(a), static_cast<int>(b)};
    std::string found = describe_node(n);
    if (n.IsSequence()) {
        found = "[";
        for (std::size_t i = 0; i < n.size(); ++i)
            found += (i ? ", " : "") + (n[i].IsScalar() ? n[i].Scalar() : describe_node(n[i]));
        found += "]";
    }
    fail(key, found, expected);
}

std::vector<long long> YamlMap::integer_list(std::string_view key, long long min, long long max) {
    const YAML::Node n = get(key);
    const std::string expected = "a list of integers in " + range_text(min, max);
    if (!n.IsDefined() || n.IsNull()) fail(key, "nothing (the key is missing)", expected);
    if (!n.IsSequence()) fail(key, describe_node(n), expected);
    std::vector<long long> out;
    for (std::size_t i = 0; i < n.size(); ++i) {
        long long v = 0;
        if (!n[i].IsScalar() || !parse_integer(n[i].Scalar(), v) || v < min || v > max)
            fail(key, describe_node(n[i]) + " at position " + std::to_string(i), expected);
        out.push_back(v);
    }
    return out;
}

YamlMap YamlMap::map(std::string_view key) {
    const YAML::Node n = get(key);
    if (!n.IsDefined() || n.IsNull()) fail(key, "nothing (the key is missing)", "a mapping");
    if (!n.IsMap()) fail(key, describe_node(n), "a mapping of keys");
    return YamlMap(n, file_, key_path(key));
}

std::optional<YamlMap> YamlMap::map_if_present(std::string_view key) {
    if (!has(key)) {
        used_.insert(std::string(key));
        return std::nullopt;
    }
    return map(key);
}

YAML::Node YamlMap::sequence(std::string_view key) {
    const YAML::Node n = get(key);
    if (!n.IsDefined() || n.IsNull()) fail(key, "nothing (the key is missing)", "a list");
    if (!n.IsSequence()) fail(key, describe_node(n), "a list");
    return n;
}

YamlMap YamlMap::element(const YAML::Node& sequence, std::string_view key, std::size_t index) {
    const YAML::Node n = sequence[index];
    const std::string p = key_path(key) + "[" + std::to_string(index) + "]";
    if (!n.IsMap())
        throw ConfigError(location(n) + p + ": found " + describe_node(n) +
                          ", expected a mapping of keys");
    return YamlMap(n, file_, p);
}

void YamlMap::finish() const {
    for (const auto& kv : node_) {
        const std::string key = kv.first.Scalar();
        if (used_.count(key)) continue;
        std::string valid;
        for (const auto& k : used_) valid += (valid.empty() ? "" : ", ") + k;
        throw ConfigError(location(kv.first) + key_path(key) + ": unknown key, expected one of " +
                          valid);
    }
}

}  // namespace serialq
