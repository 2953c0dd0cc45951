#pragma once
// A strict XML well-formedness check for the SVG and XHTML-compatible HTML the reports write:
// one root element, properly nested and closed tags, quoted and unique attributes, no stray '<'
// or '&' (only the five predefined entities and numeric references). Comments, an XML
// declaration and a <!DOCTYPE html> are accepted. Counts elements by name for the tests.
#include <cctype>
#include <map>
#include <set>
#include <string>
#include <vector>

namespace serialq::workflow::test {

struct XmlCheck {
    std::string error;  // empty when well-formed
    std::map<std::string, int> elements;
    bool ok() const { return error.empty(); }
    int count(const std::string& name) const {
        auto it = elements.find(name);
        return it == elements.end() ? 0 : it->second;
    }
};

inline XmlCheck check_xml(const std::string& doc) {
    XmlCheck r;
    std::size_t i = 0;
    std::vector<std::string> open;
    bool seen_root = false;
    auto fail = [&](const std::string& what) {
        if (r.error.empty()) r.error = what + " at offset " + std::to_string(i);
        return r;
    };
    auto name_start = [](char c) {
        return std::isalpha(static_cast<unsigned char>(c)) || c == '_' || c == ':';
    };
    auto name_char = [&](char c) {
        return name_start(c) || std::isdigit(static_cast<unsigned char>(c)) || c == '-' || c == '.';
    };
    auto read_name = [&]() {
        std::size_t s = i;
        if (i >= doc.size() || !name_start(doc[i])) return std::string();
        while (i < doc.size() && name_char(doc[i])) ++i;
        return doc.substr(s, i - s);
    };
    auto skip_space = [&]() {
        while (i < doc.size() && std::isspace(static_cast<unsigned char>(doc[i]))) ++i;
    };
    auto reference_ok = [&](std::size_t at) {  // doc[at] == '&'
        const std::size_t end = doc.find(';', at);
        if (end == std::string::npos || end - at > 10) return false;
        const std::string ref = doc.substr(at + 1, end - at - 1);
        static const std::set<std::string> named = {"amp", "lt", "gt", "quot", "apos"};
        if (named.count(ref)) return true;
        if (ref.size() > 1 && ref[0] == '#') {
            const bool hex = ref[1] == 'x';
            const std::string digits = ref.substr(hex ? 2 : 1);
            if (digits.empty()) return false;
            for (char c : digits)
                if (!(hex ? std::isxdigit(static_cast<unsigned char>(c))
                          : std::isdigit(static_cast<unsigned char>(c))))
                    return false;
            return true;
        }
        return false;
    };
    while (i < doc.size()) {
        if (doc[i] != '<') {
            if (doc[i] == '&' && !reference_ok(i)) return fail("bad entity reference");
            if (open.empty() && !std::isspace(static_cast<unsigned char>(doc[i])))
                return fail("text outside the root element");
            ++i;
            continue;
        }
        if (doc.compare(i, 4, "<!--") == 0) {
            const std::size_t end = doc.find("-->", i + 4);
            if (end == std::string::npos) return fail("unterminated comment");
            i = end + 3;
            continue;
        }
        if (doc.compare(i, 5, "<?xml") == 0) {
            if (i != 0) return fail("XML declaration not at the start");
            const std::size_t end = doc.find("?>", i);
            if (end == std::string::npos) return fail("unterminated XML declaration");
            i = end + 2;
            continue;
        }
        if (doc.compare(i, 9, "<!DOCTYPE") == 0) {
            if (seen_root) return fail("DOCTYPE after the root element");
            const std::size_t end = doc.find('>', i);
            if (end == std::string::npos) return fail("unterminated DOCTYPE");
            i = end + 1;
            continue;
        }
        if (doc.compare(i, 2, "</") == 0) {
            i += 2;
            const std::string name = read_name();
            skip_space();
            if (i >= doc.size() || doc[i] != '>') return fail("malformed end tag");
            if (open.empty() || open.back() != name)
                return fail("end tag </" + name + "> does not match <" +
                            (open.empty() ? std::string("nothing") : open.back()) + ">");
            open.pop_back();
            ++i;
            continue;
        }
        ++i;  // '<'
        const std::string name = read_name();
        if (name.empty()) return fail("'<' that starts no tag");
        if (open.empty() && seen_root) return fail("second root element <" + name + ">");
        seen_root = true;
        ++r.elements[name];
        std::set<std::string> attributes;
        for (;;) {
            const std::size_t before = i;
            skip_space();
            if (i >= doc.size()) return fail("unterminated tag <" + name + ">");
            if (doc[i] == '>') {
                open.push_back(name);
                ++i;
                break;
            }
            if (doc.compare(i, 2, "/>") == 0) {
                i += 2;
                break;
            }
            if (i == before) return fail("attributes of <" + name + "> not separated by space");
            const std::string attribute = read_name();
            if (attribute.empty()) return fail("malformed attribute in <" + name + ">");
            if (!attributes.insert(attribute).second)
                return fail("duplicate attribute " + attribute + " in <" + name + ">");
            skip_space();
            if (i >= doc.size() || doc[i] != '=')
                return fail("attribute " + attribute + " without a value");
            ++i;
            skip_space();
            if (i >= doc.size() || (doc[i] != '"' && doc[i] != '\''))
                return fail("unquoted attribute " + attribute);
            const char quote = doc[i++];
            const std::size_t end = doc.find(quote, i);
            if (end == std::string::npos) return fail("unterminated attribute " + attribute);
            for (std::size_t k = i; k < end; ++k) {
                if (doc[k] == '<') return fail("'<' in attribute " + attribute);
                if (doc[k] == '&' && !reference_ok(k))
                    return fail("bad entity in attribute " + attribute);
            }
            i = end + 1;
        }
    }
    if (!open.empty()) return fail("unclosed element <" + open.back() + ">");
    if (!seen_root) return fail("no root element");
    return r;
}

}  // namespace serialq::workflow::test
