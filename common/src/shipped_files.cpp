#include "serialq/common/shipped_files.hpp"

#include <dlfcn.h>

#include <cstdlib>
#include <system_error>

namespace serialq {

namespace fs = std::filesystem;

namespace {

bool is_dir(const fs::path& p) {
    std::error_code ec;
    return fs::is_directory(p, ec);
}

// The executable or shared object (the Python module) this function was linked into.
fs::path this_object() {
    Dl_info info{};
    if (dladdr(reinterpret_cast<void*>(&this_object), &info) == 0 || !info.dli_fname) return {};
    std::error_code ec;
    fs::path p = fs::canonical(info.dli_fname, ec);
    return ec ? fs::path() : p;
}

// <prefix>/bin/serialq and <prefix>/lib/python3/dist-packages/serialq/_serialq.so both find
// <prefix>/share/serialq by walking up.
fs::path installed_root() {
    for (fs::path dir = this_object().parent_path(); !dir.empty(); dir = dir.parent_path()) {
        if (is_dir(dir / "share" / "serialq")) return dir / "share" / "serialq";
        if (dir == dir.root_path()) break;
    }
    return {};
}

std::vector<fs::path> find_roots() {
    std::vector<fs::path> roots;
    if (const char* env = std::getenv("SERIALQ_DATA_DIR"); env && *env && is_dir(env))
        roots.emplace_back(env);
    // An installed program uses its installed files only, even where its sources still are.
    if (fs::path r = installed_root(); !r.empty()) {
        roots.push_back(r);
        return roots;
    }
#ifdef SERIALQ_SOURCE_TREE
    if (is_dir(SERIALQ_SOURCE_TREE "/configs")) roots.emplace_back(SERIALQ_SOURCE_TREE);
#endif
    return roots;
}

}  // namespace

const std::vector<fs::path>& shipped_roots() {
    static const std::vector<fs::path> roots = find_roots();
    return roots;
}

fs::path resolve_input(const fs::path& path) {
    std::error_code ec;
    if (path.empty() || path.is_absolute() || fs::exists(path, ec)) return path;
    for (const auto& root : shipped_roots())
        if (fs::exists(root / path, ec)) return root / path;
    return path;
}

std::string where_looked(const fs::path& path) {
    if (path.is_absolute() || shipped_roots().empty()) return "";
    std::string list;
    for (const auto& r : shipped_roots()) list += (list.empty() ? "" : ", ") + r.string();
    return " (looked for in the current folder and in " + list + ")";
}

}  // namespace serialq
