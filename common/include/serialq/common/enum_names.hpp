#pragma once
// One table per enum maps its values to the names configurations and outputs use, so that
// reading, writing and the list of valid names never drift apart (DRAMSys serializes its enums
// from one table in the same way):
//
//   inline constexpr EnumNames<Split, 3> kSplitNames{{{
//       {Split::Train, "train"}, {Split::Validation, "validation"}, {Split::Test, "test"}}}};
//   kSplitNames.name(Split::Test)          // "test"
//   kSplitNames.parse("tset", "--split")   // ConfigError "--split: found 'tset', expected one
//                                          //   of train, validation, test"
#include "serialq/common/error.hpp"

#include <array>
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace serialq {

template <class E>
struct EnumName {
    E value;
    const char* name;  // a literal: callers keep the pointer
};

template <class E, std::size_t N>
struct EnumNames {
    std::array<EnumName<E>, N> entries;

    // "?" for a value the table lacks (a table is complete for the values it is used with).
    constexpr const char* name(E value) const {
        for (const auto& e : entries)
            if (e.value == value) return e.name;
        return "?";
    }
    bool has(std::string_view text) const {
        for (const auto& e : entries)
            if (text == e.name) return true;
        return false;
    }
    E parse(std::string_view text, std::string_view what) const {
        for (const auto& e : entries)
            if (text == e.name) return e.value;
        throw ConfigError(std::string(what) + ": found '" + std::string(text) + "', expected " +
                          expected());
    }
    std::vector<std::string> names() const {
        std::vector<std::string> out;
        for (const auto& e : entries) out.emplace_back(e.name);
        return out;
    }
    // "one of a, b, c": the wording of YamlMap::choice.
    std::string expected() const {
        std::string s = "one of";
        for (std::size_t i = 0; i < N; ++i) s += (i ? ", " : " ") + std::string(entries[i].name);
        return s;
    }
};

}  // namespace serialq
