#include "serialq/common/json_input.hpp"

#include "serialq/common/error.hpp"

namespace serialq {

std::size_t json_too_deep_at(std::string_view text, int max_depth) {
    int depth = 0;
    bool in_string = false;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (in_string) {
            if (c == '\\')
                ++i;  // the escaped character cannot end the string
            else if (c == '"')
                in_string = false;
        } else if (c == '"') {
            in_string = true;
        } else if (c == '[' || c == '{') {
            if (++depth > max_depth) return i;
        } else if ((c == ']' || c == '}') && depth > 0) {
            --depth;
        }
    }
    return std::string_view::npos;
}

namespace {

template <typename Json>
Json parse_checked(std::string_view text, const std::string& source, const std::string& expected) {
    const auto fail = [&](const std::string& why) {
        return InputError(source + ": not valid JSON (" + why + "), expected " + expected);
    };
    if (const std::size_t at = json_too_deep_at(text); at != std::string_view::npos)
        throw fail("nested more than " + std::to_string(kMaxJsonDepth) + " levels deep at byte " +
                   std::to_string(at + 1));
    try {
        return Json::parse(text);
    } catch (const nlohmann::json::exception& e) {  // parse_error, or out_of_range for 1e999
        // nlohmann's text is "[json.exception.parse_error.101] parse error at line 1, column
        // 2: syntax error while parsing value - invalid literal; last read: 'x'": keep what
        // follows the bracketed id.
        std::string why = e.what();
        if (const auto close = why.find("] "); close != std::string::npos)
            why = why.substr(close + 2);
        if (why.size() > 200) why = why.substr(0, 200) + "...";
        throw fail(why);
    }
}

}  // namespace

nlohmann::json parse_json(std::string_view text, const std::string& source,
                          const std::string& expected) {
    return parse_checked<nlohmann::json>(text, source, expected);
}

nlohmann::ordered_json parse_ordered_json(std::string_view text, const std::string& source,
                                          const std::string& expected) {
    return parse_checked<nlohmann::ordered_json>(text, source, expected);
}

}  // namespace serialq
