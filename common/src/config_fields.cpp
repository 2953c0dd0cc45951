// The non-template half of config_fields.hpp: wording, the per-kind readers over YamlMap, and
// the help and docs tables.
#include "serialq/common/config_fields.hpp"

#include "serialq/common/error.hpp"
#include "serialq/common/yaml_fields.hpp"

namespace serialq::fields_detail {

std::string range_text(const Range& r) {
    std::string s = std::string(r.open_min ? "(" : "[") + round_trip_text(r.min) + ", " +
                    round_trip_text(r.max) + (r.open_max ? ")" : "]");
    if (*r.note) s += std::string(" (") + r.note + ")";
    return s;
}

std::string integer_range_text(long long min, long long max) {
    return std::to_string(min) + ".." + std::to_string(max);
}

std::string list_text(const std::vector<long long>& values) {
    std::string s = "[";
    for (std::size_t i = 0; i < values.size(); ++i)
        s += (i ? ", " : "") + std::to_string(values[i]);
    return s + "]";
}

std::string choices_text(const std::vector<std::string>& names) {
    std::string s;
    for (const auto& n : names) s += (s.empty() ? "" : ", ") + n;
    return s;
}

bool present(YamlMap& m, std::string_view leaf) {
    if (m.has(leaf)) return true;
    m.allow(leaf);
    return false;
}

long long read_integer(YamlMap& m, std::string_view leaf, long long min, long long max) {
    return m.integer(leaf, min, max);
}

double read_number(YamlMap& m, std::string_view leaf, const Range& r, const std::string& expected) {
    const YAML::Node n = m.raw(leaf);
    const auto v = scalar_number(n);
    if (!v || !r.contains(*v)) m.fail(leaf, describe_node(n), expected);
    return *v;
}

bool read_boolean(YamlMap& m, std::string_view leaf) { return m.boolean_or(leaf, false); }

std::string read_choice(YamlMap& m, std::string_view leaf, const std::vector<std::string>& names) {
    return m.choice(leaf, names);
}

std::string read_text(YamlMap& m, std::string_view leaf) { return m.string(leaf); }

std::vector<long long> read_integer_list(YamlMap& m, std::string_view leaf, long long min,
                                         long long max, bool non_empty,
                                         const std::string& expected) {
    auto v = m.integer_list(leaf, min, max);
    if (non_empty && v.empty()) m.fail(leaf, "an empty list", expected);
    return v;
}

std::optional<std::string> list_problem(const std::vector<long long>& values, long long min,
                                        long long max, bool non_empty) {
    if (non_empty && values.empty()) return "an empty list";
    for (std::size_t i = 0; i < values.size(); ++i)
        if (values[i] < min || values[i] > max)
            return "'" + std::to_string(values[i]) + "' at position " + std::to_string(i);
    return std::nullopt;
}

void read_group(YamlMap& m, std::string_view group, const std::function<void(YamlMap&)>& read) {
    if (auto sub = m.map_if_present(group)) {
        read(*sub);
        sub->finish();
    }
}

void finish_map(YamlMap& m) { m.finish(); }

void throw_problem(const std::string& key, const std::string& found, const std::string& expected) {
    throw ConfigError(key + ": found " + found + ", expected " + expected);
}

}  // namespace serialq::fields_detail

namespace serialq {

namespace {
// A table cell: '|' would end the cell.
std::string cell(const std::string& s) {
    std::string out;
    for (char c : s) out += c == '|' ? std::string("\\|") : std::string(1, c);
    return out;
}
}  // namespace

std::string fields_markdown(const std::vector<FieldDoc>& docs) {
    std::string s = "| key | default | range | meaning |\n|---|---|---|---|\n";
    for (const auto& d : docs) {
        std::string meaning = d.help;
        if (!d.why_key.empty()) meaning += " (key: " + d.why_key + ")";
        s += "| `" + d.key + "` | " + cell(d.default_text) + " | " + cell(d.range) + " | " +
             cell(meaning) + " |\n";
    }
    return s;
}

std::string fields_help(const std::vector<FieldDoc>& docs) {
    std::string s;
    for (const auto& d : docs) {
        s += "  " + d.key + " = " + d.default_text + "  (" + d.range + ")\n      " + d.help + "\n";
        if (!d.why_key.empty()) s += "      key: " + d.why_key + "\n";
    }
    return s;
}

}  // namespace serialq
