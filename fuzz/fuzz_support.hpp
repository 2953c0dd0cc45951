#pragma once
// What every fuzz target shares. A target hands the input to one of serialq's parsers; a
// serialq::Error (ConfigError, InputError: the documented refusals, common/error.hpp) is a clean
// refusal and the input is simply done with. Anything else - another exception, a crash, a
// sanitizer report, a leak - escapes and is a finding libFuzzer stops on.
#include "serialq/common/error.hpp"

#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>

namespace serialq::fuzz {

inline std::string_view as_text(const std::uint8_t* data, std::size_t size) {
    return {reinterpret_cast<const char*>(data), size};
}

// A directory of this process's own under $TMPDIR (or /tmp), created once.
inline const std::filesystem::path& scratch_dir() {
    static const std::filesystem::path dir = [] {
        const char* t = std::getenv("TMPDIR");
        std::filesystem::path d = std::filesystem::path(t && *t ? t : "/tmp") /
                                  ("serialq-fuzz-" + std::to_string(::getpid()));
        std::filesystem::create_directories(d);
        return d;
    }();
    return dir;
}

// Writes `bytes` to scratch_dir()/name (for the parsers whose API takes a path).
inline std::filesystem::path write_scratch(const std::string& name, std::string_view bytes) {
    const std::filesystem::path p = scratch_dir() / name;
    std::filesystem::create_directories(p.parent_path());
    std::ofstream out(p, std::ios::binary | std::ios::trunc);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    return p;
}

// Runs `parse`; serialq's own errors are a clean refusal.
template <typename F>
int refuse_cleanly(F&& parse) {
    try {
        parse();
    } catch (const serialq::Error&) {}
    return 0;
}

}  // namespace serialq::fuzz
