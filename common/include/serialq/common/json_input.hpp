#pragma once
// Every JSON document serialq reads (its own outputs read back, an evaluator's replies) goes
// through here: parsed with a nesting limit, and any parse error turned into serialq's one-line
// InputError naming the source and what was expected, never nlohmann's exception text.
//
// The nesting limit exists because nlohmann's parser is iterative but its dump(), copies and
// comparisons recurse: a document nested a few hundred thousand levels deep would overflow the
// stack in whatever code touched it next. serialq writes nothing nested more than 8 deep.
#include <nlohmann/json.hpp>

#include <string>
#include <string_view>

namespace serialq {

inline constexpr int kMaxJsonDepth = 64;

// The byte offset of the first array or object opened deeper than `max_depth` (strings
// skipped), or std::string_view::npos if there is none.
std::size_t json_too_deep_at(std::string_view text, int max_depth = kMaxJsonDepth);

// Parses `text` read from `source`. Throws InputError
// "<source>: not valid JSON (<why>), expected <expected>" for malformed or too deeply nested
// text.
nlohmann::json parse_json(std::string_view text, const std::string& source,
                          const std::string& expected);
nlohmann::ordered_json parse_ordered_json(std::string_view text, const std::string& source,
                                          const std::string& expected);

}  // namespace serialq
