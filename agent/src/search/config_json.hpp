#pragma once
// The search configuration as JSON, as recorded in best.json and in checkpoints (private to
// agent/src): every field of search_config_fields() under its YAML key, typed by its kind.
#include "serialq/agent/search_config.hpp"

#include <nlohmann/json.hpp>

#include <string>

namespace serialq::agent::detail {

inline nlohmann::ordered_json search_options_json(const SearchConfig& c) {
    nlohmann::ordered_json j = nlohmann::ordered_json::object();
    for (const auto& [option, value] : c.search_options) j[option] = value;
    return j;
}

inline nlohmann::ordered_json field_json(const ConfigField<SearchConfig>& f,
                                         const SearchConfig& c) {
    const std::string text = f.write(c);
    switch (f.kind) {
        case FieldKind::Integer:
            return std::stoll(text);
        case FieldKind::Number:
            return std::stod(text);  // the text reads back exactly
        case FieldKind::Boolean:
            return text == "true";
        case FieldKind::IntegerList:
            return nlohmann::ordered_json::parse(text);
        case FieldKind::Choice:
        case FieldKind::Text:
            return text;
        case FieldKind::Custom:
            break;
    }
    // The two mappings of their own shape (search_config.cpp's custom fields).
    if (f.doc.key == "layers") return c.environment.layer_bits;
    return search_options_json(c);
}

inline nlohmann::ordered_json config_json(const SearchConfig& c) {
    nlohmann::ordered_json j = {{"file", c.file}};
    for (const auto& f : search_config_fields()) {
        nlohmann::ordered_json* at = &j;
        std::string key = f.doc.key;
        for (auto dot = key.find('.'); dot != std::string::npos; dot = key.find('.')) {
            at = &(*at)[key.substr(0, dot)];
            key = key.substr(dot + 1);
        }
        (*at)[key] = field_json(f, c);
    }
    return j;
}

}  // namespace serialq::agent::detail
