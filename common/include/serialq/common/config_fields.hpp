#pragma once
// A configuration field declared once - key, member, range, help - and everything else derived
// from that one declaration: the YAML reader (through YamlMap, so errors keep the form
// "FILE:LINE: key: found X, expected Y"), the checks a struct's check() runs, the values a run
// records, and the help and docs tables. Ramulator 2's parameter declarations and DRAMSys's
// JSON-able structs are the models.
//
//   const ConfigFields<PpoParams>& ppo_fields() {
//       static const ConfigFields<PpoParams> f{
//           integer({"epochs", "Adam steps per batch"}, &PpoParams::epochs, 1, 1000),
//           number({"clip", "ε of the ratio clip"}, &PpoParams::clip, open(0, 1)),
//       };
//       return f;
//   }
//   load_fields(yaml_map, ppo_fields(), params);     // reads, range-checks, rejects unknown keys
//   check_fields(ppo_fields(), params, "ppo.");      // the same ranges, for a struct built in code
//   field_values(ppo_fields(), params);              // {{"epochs", "3"}, {"clip", "0.1"}}
//   field_docs(ppo_fields());                        // key, default, range, help per field
//
// Defaults stay the struct's member initializers: docs read them from a default-constructed
// struct. A key is the member's name unless the declaration says why not (Doc::why_key).
#include "serialq/common/enum_names.hpp"
#include "serialq/common/text.hpp"

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace serialq {

class YamlMap;

// A real interval, either end open; `note` explains a special value ("0: no clip").
struct Range {
    double min = 0, max = 0;
    bool open_min = false, open_max = false;
    const char* note = "";
    constexpr bool contains(double v) const {
        return (open_min ? v > min : v >= min) && (open_max ? v < max : v <= max);
    }
};
constexpr Range closed(double a, double b, const char* note = "") {
    return {a, b, false, false, note};
}
constexpr Range open(double a, double b, const char* note = "") { return {a, b, true, true, note}; }
constexpr Range open_closed(double a, double b, const char* note = "") {
    return {a, b, true, false, note};
}
constexpr Range closed_open(double a, double b, const char* note = "") {
    return {a, b, false, true, note};
}

// How a field's value is typed (for writers that keep types, such as JSON).
enum class FieldKind { Integer, Number, Boolean, Choice, IntegerList, Text, Custom };

// What a declaration says besides the member: the key, the help, and why the key differs from
// the member's name (empty when it does not).
struct Doc {
    std::string key;
    std::string help;
    std::string why_key = {};
};

template <class S>
struct ConfigField {
    Doc doc;  // doc.key: the dotted key path relative to S ("clip", "ppo.clip")
    FieldKind kind = FieldKind::Custom;
    std::string range;  // the valid values, short: "1..64", "(0, 1)", "relu, tanh"
    std::string expected;  // the same in error wording: "an integer in 1..64"
    std::function<void(YamlMap&, std::string_view leaf, S&)> read;  // reads `leaf` if present
    std::function<std::string(const S&)> write;  // the value as YAML text
    std::function<std::optional<std::string>(const S&)> problem;  // what was found, if invalid
};
template <class S>
using ConfigFields = std::vector<ConfigField<S>>;

// ---- wording and readers, shared by every builder (config_fields.cpp) -------------------
namespace fields_detail {
std::string range_text(const Range& r);  // "(0, 1]" (+ " (note)")
std::string integer_range_text(long long min, long long max);  // "1..64"
std::string list_text(const std::vector<long long>& values);  // "[2, 3, 4]"
std::string choices_text(const std::vector<std::string>& names);  // "relu, tanh"
bool present(YamlMap& m, std::string_view leaf);  // false (and the key allowed) if absent
long long read_integer(YamlMap& m, std::string_view leaf, long long min, long long max);
double read_number(YamlMap& m, std::string_view leaf, const Range& r, const std::string& expected);
bool read_boolean(YamlMap& m, std::string_view leaf);
std::string read_choice(YamlMap& m, std::string_view leaf, const std::vector<std::string>& names);
std::string read_text(YamlMap& m, std::string_view leaf);
std::vector<long long> read_integer_list(YamlMap& m, std::string_view leaf, long long min,
                                         long long max, bool non_empty,
                                         const std::string& expected);
std::optional<std::string> list_problem(const std::vector<long long>& values, long long min,
                                        long long max, bool non_empty);
// Reads the mapping `group` of `m` if present with `read`, then rejects its unread keys.
void read_group(YamlMap& m, std::string_view group, const std::function<void(YamlMap&)>& read);
[[noreturn]] void throw_problem(const std::string& key, const std::string& found,
                                const std::string& expected);
}  // namespace fields_detail

// ---- builders: one per kind of value ----------------------------------------------------
template <class S, class I>
ConfigField<S> integer(Doc doc, I S::*member, long long min, long long max) {
    namespace d = fields_detail;
    return {std::move(doc),
            FieldKind::Integer,
            d::integer_range_text(min, max),
            "an integer in " + d::integer_range_text(min, max),
            [=](YamlMap& m, std::string_view leaf, S& s) {
                if (d::present(m, leaf))
                    s.*member = static_cast<I>(d::read_integer(m, leaf, min, max));
            },
            [=](const S& s) { return std::to_string(s.*member); },
            [=](const S& s) -> std::optional<std::string> {
                const long long v = s.*member;
                if (v >= min && v <= max) return std::nullopt;
                return std::to_string(v);
            }};
}

template <class S>
ConfigField<S> number(Doc doc, double S::*member, Range r) {
    namespace d = fields_detail;
    const std::string expected = "a number in " + d::range_text(r);
    return {std::move(doc),
            FieldKind::Number,
            d::range_text(r),
            expected,
            [=](YamlMap& m, std::string_view leaf, S& s) {
                if (d::present(m, leaf)) s.*member = d::read_number(m, leaf, r, expected);
            },
            [=](const S& s) { return round_trip_text(s.*member); },
            [=](const S& s) -> std::optional<std::string> {
                if (r.contains(s.*member)) return std::nullopt;
                return round_trip_text(s.*member);
            }};
}

template <class S>
ConfigField<S> boolean(Doc doc, bool S::*member) {
    namespace d = fields_detail;
    return {std::move(doc),
            FieldKind::Boolean,
            "true, false",
            "true or false",
            [=](YamlMap& m, std::string_view leaf, S& s) {
                if (d::present(m, leaf)) s.*member = d::read_boolean(m, leaf);
            },
            [=](const S& s) { return std::string(s.*member ? "true" : "false"); },
            [](const S&) -> std::optional<std::string> { return std::nullopt; }};
}

// A word from `names`, kept as a string member.
template <class S>
ConfigField<S> choice(Doc doc, std::string S::*member, std::vector<std::string> names) {
    namespace d = fields_detail;
    const std::string shown = d::choices_text(names);
    return {std::move(doc),
            FieldKind::Choice,
            shown,
            "one of " + shown,
            [=](YamlMap& m, std::string_view leaf, S& s) {
                if (d::present(m, leaf)) s.*member = d::read_choice(m, leaf, names);
            },
            [=](const S& s) { return s.*member; },
            [=](const S& s) -> std::optional<std::string> {
                for (const auto& n : names)
                    if (n == s.*member) return std::nullopt;
                return "'" + s.*member + "'";
            }};
}

// An enum member named through its table; `allowed` (default: every name) limits the names a
// configuration may use.
template <class S, class E, std::size_t N>
ConfigField<S> choice(Doc doc, E S::*member, const EnumNames<E, N>& table,
                      std::vector<std::string> allowed = {}) {
    namespace d = fields_detail;
    if (allowed.empty()) allowed = table.names();
    const std::string shown = d::choices_text(allowed);
    return {std::move(doc),
            FieldKind::Choice,
            shown,
            "one of " + shown,
            [=](YamlMap& m, std::string_view leaf, S& s) {
                if (d::present(m, leaf))
                    s.*member = table.parse(d::read_choice(m, leaf, allowed), leaf);
            },
            [=](const S& s) { return std::string(table.name(s.*member)); },
            [=](const S& s) -> std::optional<std::string> {
                const std::string name = table.name(s.*member);
                for (const auto& n : allowed)
                    if (n == name) return std::nullopt;
                return "'" + name + "'";
            }};
}

template <class S, class I>
ConfigField<S> integer_list(Doc doc, std::vector<I> S::*member, long long min, long long max,
                            bool non_empty = false) {
    namespace d = fields_detail;
    const std::string range = d::integer_range_text(min, max);
    const std::string expected =
        std::string(non_empty ? "a list of 1 or more integers in " : "a list of integers in ") +
        range;
    auto as_long = [member](const S& s) {
        return std::vector<long long>((s.*member).begin(), (s.*member).end());
    };
    return {std::move(doc),
            FieldKind::IntegerList,
            (non_empty ? "1 or more of " : "list of ") + range,
            expected,
            [=](YamlMap& m, std::string_view leaf, S& s) {
                if (!d::present(m, leaf)) return;
                const auto v = d::read_integer_list(m, leaf, min, max, non_empty, expected);
                s.*member = std::vector<I>(v.begin(), v.end());
            },
            [=](const S& s) { return d::list_text(as_long(s)); },
            [=](const S& s) { return d::list_problem(as_long(s), min, max, non_empty); }};
}

template <class S>
ConfigField<S> text(Doc doc, std::string S::*member) {
    namespace d = fields_detail;
    return {std::move(doc),
            FieldKind::Text,
            "text",
            "a string",
            [=](YamlMap& m, std::string_view leaf, S& s) {
                if (d::present(m, leaf)) s.*member = d::read_text(m, leaf);
            },
            [=](const S& s) { return s.*member; },
            [](const S&) -> std::optional<std::string> { return std::nullopt; }};
}

// A value with a shape of its own (a mapping of layer names, say): reader, writer and check
// written by hand, still declared here so that help, docs and the unknown-key check know it.
template <class S>
ConfigField<S> custom(Doc doc, std::string range, std::string expected,
                      std::function<void(YamlMap&, std::string_view, S&)> read,
                      std::function<std::string(const S&)> write,
                      std::function<std::optional<std::string>(const S&)> problem = nullptr) {
    if (!problem) problem = [](const S&) -> std::optional<std::string> { return std::nullopt; };
    return {std::move(doc),  FieldKind::Custom, std::move(range),  std::move(expected),
            std::move(read), std::move(write),  std::move(problem)};
}

// ---- composition ------------------------------------------------------------------------
// `f`, a field of the member struct M, as a field of S under `prefix` ("ppo." or "").
template <class S, class M>
ConfigField<S> lift(M S::*member, const ConfigField<M>& f, const std::string& prefix = "") {
    ConfigField<S> out{f.doc, f.kind, f.range, f.expected, nullptr, nullptr, nullptr};
    out.doc.key = prefix + f.doc.key;
    out.read = [member, r = f.read](YamlMap& m, std::string_view leaf, S& s) {
        r(m, leaf, s.*member);
    };
    out.write = [member, w = f.write](const S& s) { return w(s.*member); };
    out.problem = [member, p = f.problem](const S& s) { return p(s.*member); };
    return out;
}

// Every field of `sub` as fields of S under `group` (a YAML mapping), or at S's own level if
// `group` is empty.
template <class S, class M>
ConfigFields<S> nest(const std::string& group, M S::*member, const ConfigFields<M>& sub) {
    ConfigFields<S> out;
    for (const auto& f : sub) out.push_back(lift(member, f, group.empty() ? "" : group + "."));
    return out;
}

// The field of `fields` with `key`, under another key (why_key says why).
template <class S>
ConfigField<S> rekeyed(const ConfigFields<S>& fields, std::string_view key, std::string new_key,
                       std::string why) {
    for (const auto& f : fields)
        if (f.doc.key == key) {
            ConfigField<S> out = f;
            out.doc.key = std::move(new_key);
            out.doc.why_key = std::move(why);
            return out;
        }
    fields_detail::throw_problem(std::string(key), "no such field", "a declared key");
}

template <class S>
void append(ConfigFields<S>& to, const ConfigFields<S>& more) {
    to.insert(to.end(), more.begin(), more.end());
}

// ---- what a declaration list gives ------------------------------------------------------
// Reads every declared key of `m` (dotted keys from nested mappings), each checked against its
// range as it is read (FILE:LINE: key: found X, expected Y); keys are optional, so `s` keeps
// its value for a missing one. Then rejects any key `m` has that no field declares.
template <class S>
void load_fields(YamlMap& m, const ConfigFields<S>& fields, S& s);

// Throws ConfigError "<prefix><key>: found X, expected Y" for the first field out of range.
template <class S>
void check_fields(const ConfigFields<S>& fields, const S& s, const std::string& prefix = "") {
    for (const auto& f : fields)
        if (auto found = f.problem(s))
            fields_detail::throw_problem(prefix + f.doc.key, *found, f.expected);
}

// Every field as {dotted key, value text}, in declaration order.
template <class S>
std::vector<std::pair<std::string, std::string>> field_values(const ConfigFields<S>& fields,
                                                              const S& s) {
    std::vector<std::pair<std::string, std::string>> out;
    for (const auto& f : fields) out.emplace_back(f.doc.key, f.write(s));
    return out;
}

struct FieldDoc {
    std::string key, default_text, range, help, why_key;
};

template <class S>
std::vector<FieldDoc> field_docs(const ConfigFields<S>& fields, const S& defaults = S{}) {
    std::vector<FieldDoc> out;
    for (const auto& f : fields)
        out.push_back({f.doc.key, f.write(defaults), f.range, f.doc.help, f.doc.why_key});
    return out;
}

// A Markdown table | key | default | range | meaning | (docs), and the same as indented text
// lines for a command's --help.
std::string fields_markdown(const std::vector<FieldDoc>& docs);
std::string fields_help(const std::vector<FieldDoc>& docs);

// ---- load_fields: one level of the YAML at a time ---------------------------------------
namespace fields_detail {
template <class S>
using Pending = std::vector<std::pair<std::string_view, const ConfigField<S>*>>;  // key left, field

void finish_map(YamlMap& m);

template <class S>
void read_level(YamlMap& m, const Pending<S>& pending, S& s, bool finish) {
    std::vector<std::string_view> groups;  // in declaration order
    for (const auto& [rest, f] : pending) {
        const auto dot = rest.find('.');
        if (dot == std::string_view::npos) {
            f->read(m, rest, s);
            continue;
        }
        const auto g = rest.substr(0, dot);
        bool seen = false;
        for (auto x : groups) seen = seen || x == g;
        if (!seen) groups.push_back(g);
    }
    for (auto g : groups) {
        Pending<S> inner;
        for (const auto& [rest, f] : pending)
            if (rest.size() > g.size() && rest.substr(0, g.size()) == g && rest[g.size()] == '.')
                inner.emplace_back(rest.substr(g.size() + 1), f);
        read_group(m, g, [&](YamlMap& sub) { read_level(sub, inner, s, false); });
    }
    if (finish) finish_map(m);
}
}  // namespace fields_detail

template <class S>
void load_fields(YamlMap& m, const ConfigFields<S>& fields, S& s) {
    fields_detail::Pending<S> pending;
    for (const auto& f : fields) pending.emplace_back(f.doc.key, &f);
    fields_detail::read_level(m, pending, s, true);
}

}  // namespace serialq
