#include "serialq/workflow/sweep_spec.hpp"

#include "serialq/common/error.hpp"
#include "serialq/common/yaml_fields.hpp"

#include <set>
#include <sstream>

namespace serialq::workflow {

namespace {

std::vector<std::string> split_commas(const std::string& text) {
    std::vector<std::string> items;
    std::stringstream ss(text);
    std::string item;
    while (std::getline(ss, item, ',')) items.push_back(item);
    if (!text.empty() && text.back() == ',') items.emplace_back();
    return items;
}

// A scalar or a list of scalars, as text.
std::vector<std::string> scalars(YamlMap& m, const char* key) {
    const YAML::Node n = m.raw(key);
    std::vector<std::string> out;
    if (n.IsScalar()) {
        out.push_back(n.Scalar());
    } else if (n.IsSequence()) {
        for (std::size_t i = 0; i < n.size(); ++i) {
            if (!n[i].IsScalar())
                m.fail(key, describe_node(n[i]) + " at position " + std::to_string(i),
                       "a value (a number or a word)");
            out.push_back(n[i].Scalar());
        }
    } else {
        m.fail(key, describe_node(n), "a value or a list of values");
    }
    if (out.empty()) m.fail(key, "an empty list", "at least one value");
    return out;
}

}  // namespace

SweepAxis parse_sweep_axis(const std::string& text, const std::string& what) {
    const auto eq = text.find('=');
    if (eq == std::string::npos || eq == 0)
        throw ConfigError(what + ": found '" + text +
                          "', expected key=value[,value...] (e.g. "
                          "off_chip.bandwidth_gb_per_s=64,128,256)");
    SweepAxis axis{text.substr(0, eq), split_commas(text.substr(eq + 1))};
    for (const auto& v : axis.values)
        if (v.empty())
            throw ConfigError(what + " " + axis.key + ": found an empty value in '" +
                              text.substr(eq + 1) + "', expected comma-separated values");
    return axis;
}

void SweepSpec::check() const {
    const std::string where = file.empty() ? "" : file + ": ";
    auto need = [&](bool ok, const std::string& what, const std::string& option) {
        if (!ok)
            throw ConfigError(where + what + ": found nothing, expected at least one (" + option +
                              ")");
    };
    need(!accels.empty(), "accel", "--accel A.yaml");
    need(!traces.empty(), "trace", "--trace T.yaml");
    need(!bits.empty(), "bits", "--bits uniform:8");
    need(!models.empty(), "model", "--model analytic");
    for (const auto& m : models)
        if (m != "analytic" && m != "cycle")
            throw ConfigError(where + "model: found '" + m + "', expected analytic or cycle");
    std::set<std::string> keys;
    for (const auto& a : axes) {
        if (a.values.empty())
            throw ConfigError(where + "set " + a.key + ": found no values, expected at least one");
        if (!keys.insert(a.key).second)
            throw ConfigError(where + "set " + a.key +
                              ": found twice, expected each key once "
                              "(give all its values in one list)");
    }
}

std::size_t SweepSpec::point_count() const {
    std::size_t n = accels.size() * models.size() * traces.size() * bits.size() *
                    std::max<std::size_t>(1, act_bits.size());
    for (const auto& a : axes) n *= a.values.size();
    return n;
}

SweepSpec load_sweep_spec(const std::filesystem::path& yaml) {
    SweepSpec s;
    s.file = yaml.string();
    YamlMap root(load_yaml_file(yaml), yaml.string());
    s.accels = scalars(root, "accel");
    s.traces = scalars(root, "trace");
    if (root.has("model")) s.models = scalars(root, "model");
    if (root.has("bits")) s.bits = scalars(root, "bits");
    if (root.has("act_bits")) s.act_bits = scalars(root, "act_bits");
    s.baseline = root.string_or("baseline", s.baseline);
    if (auto set = root.map_if_present("set")) {
        // Axes keep the file's order: it is the order of the points and of the columns.
        for (const auto& kv : root.raw("set")) {
            const std::string key = kv.first.Scalar();
            s.axes.push_back({key, scalars(*set, key.c_str())});
        }
        set->finish();
    }
    root.allow("description");  // free text for people
    root.finish();
    s.check();
    return s;
}

}  // namespace serialq::workflow
