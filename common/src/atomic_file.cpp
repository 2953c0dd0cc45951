#include "serialq/common/atomic_file.hpp"

#include "serialq/common/error.hpp"

#include <algorithm>
#include <atomic>
#include <cctype>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <sstream>
#include <sys/stat.h>
#include <unistd.h>

namespace serialq {

namespace {
[[noreturn]] void fail(const std::filesystem::path& path, const std::string& what) {
    throw InputError(path.string() + ": " + what + ": " + std::strerror(errno));
}

constexpr unsigned kMaxNameAttempts = 1000;  // taken names skipped before giving up

// This machine's name as it appears in temporary names: a shared folder (NFS, a cluster's
// scratch) holds temporary files of other hosts, whose process ids mean nothing here.
const std::string& host_tag() {
    static const std::string tag = [] {
        char name[256] = {};
        if (::gethostname(name, sizeof name - 1) != 0 || name[0] == '\0')
            return std::string("host");
        std::string t;
        for (const char* c = name; *c && t.size() < 64; ++c)
            t += std::isalnum(static_cast<unsigned char>(*c)) ? *c : '-';
        return t;
    }();
    return tag;
}

std::atomic<unsigned long long> next_temporary{0};

bool all_digits(std::string_view s) {
    return !s.empty() && s.size() <= 19 &&
           std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// The process id of a name temporary_path made on this host, or 0.
long stale_candidate_pid(const std::string& name) {
    // <target>.tmp.<host>.<pid>.<n>, read from the right: the target's name may hold dots.
    const auto last = name.rfind('.');
    if (last == std::string::npos || !all_digits(std::string_view(name).substr(last + 1))) return 0;
    const auto before_n = name.rfind('.', last - 1);
    if (before_n == std::string::npos) return 0;
    const std::string pid = name.substr(before_n + 1, last - before_n - 1);
    if (!all_digits(pid) || pid.size() > 9 || pid[0] == '0') return 0;
    const std::string suffix = ".tmp." + host_tag() + "." + pid;
    const std::string head = name.substr(0, last);
    if (head.size() <= suffix.size() ||
        head.compare(head.size() - suffix.size(), suffix.size(), suffix) != 0)
        return 0;
    return std::stol(pid);
}

}  // namespace

std::filesystem::path temporary_path(const std::filesystem::path& target, unsigned long long n) {
    return target.string() + ".tmp." + host_tag() + "." +
           std::to_string(static_cast<long>(::getpid())) + "." + std::to_string(n);
}

std::size_t remove_stale_temporary_files(const std::filesystem::path& dir) {
    std::size_t removed = 0;
    std::error_code ec;
    std::filesystem::directory_iterator it(dir.empty() ? "." : dir, ec), end;
    for (; !ec && it != end; it.increment(ec)) {
        const std::string name = it->path().filename().string();
        const long pid = stale_candidate_pid(name);
        if (pid <= 0 || pid == static_cast<long>(::getpid())) continue;
        struct stat st {};
        if (::lstat(it->path().c_str(), &st) != 0 || !S_ISREG(st.st_mode) ||
            st.st_uid != ::geteuid())
            continue;
        // Alive (or of another user: EPERM) means in use, however old the file.
        if (::kill(static_cast<pid_t>(pid), 0) == 0 || errno != ESRCH) continue;
        if (::unlink(it->path().c_str()) == 0) ++removed;
    }
    return removed;
}

namespace {

// Gives up on a temporary file: closes it (if still open) and removes it, then throws with the
// error of the step that failed (closing and unlinking may overwrite errno).
[[noreturn]] void abandon(int fd, const std::filesystem::path& tmp, const std::string& what) {
    const int error = errno;
    if (fd >= 0) ::close(fd);
    ::unlink(tmp.c_str());
    errno = error;
    fail(tmp, what);
}

// Creates the first free temporary name for `path` exclusively; returns its descriptor.
int create_temporary(const std::filesystem::path& path, std::filesystem::path& tmp) {
    for (unsigned attempt = 0;; ++attempt) {
        tmp = temporary_path(path, next_temporary++);
        const int fd =
            ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
        if (fd >= 0) return fd;
        if (errno != EEXIST || attempt + 1 >= kMaxNameAttempts) fail(tmp, "cannot create");
    }
}

}  // namespace

void write_file_atomically(const std::filesystem::path& path, std::string_view content) {
    std::error_code ec;
    if (path.has_parent_path()) std::filesystem::create_directories(path.parent_path(), ec);
    std::filesystem::path tmp;
    const int fd = create_temporary(path, tmp);
    for (std::size_t done = 0; done < content.size();) {
        const ssize_t n = ::write(fd, content.data() + done, content.size() - done);
        if (n < 0 && errno != EINTR) abandon(fd, tmp, "cannot write");
        if (n > 0) done += static_cast<std::size_t>(n);
    }
    // The descriptor is closed whether fsync succeeded or not (it leaked when fsync failed).
    if (::fsync(fd) != 0) abandon(fd, tmp, "cannot flush");
    if (::close(fd) != 0) abandon(-1, tmp, "cannot flush");
    if (::rename(tmp.c_str(), path.c_str()) != 0) {
        const int error = errno;
        ::unlink(tmp.c_str());
        errno = error;
        fail(path, "cannot rename temporary file into place");
    }
}

std::string read_file(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) fail(path, "cannot open");
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

}  // namespace serialq
