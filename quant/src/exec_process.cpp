// fork/exec with pipes, poll-based deadlines, and reaping on every path.
#include "exec_process.hpp"

#include "serialq/common/error.hpp"

#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

namespace serialq::quant {

namespace {

constexpr std::size_t kMaxLine = 1 << 20;  // a reply longer than this is malformed
constexpr std::size_t kStderrTail = 4096;  // stderr kept for messages
constexpr double kExitGraceSeconds = 2.0;  // after closing stdin, before SIGKILL

using Clock = std::chrono::steady_clock;

Clock::time_point after(double seconds) {
    return Clock::now() +
           std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds));
}

// Rounded up, so that 0 means the deadline has passed: rounded down, a deadline 0.4 ms away
// read as 0 and the timeout was declared before it had elapsed.
int remaining_ms(Clock::time_point deadline) {
    const auto left = std::chrono::ceil<std::chrono::milliseconds>(deadline - Clock::now());
    return left.count() < 0 ? 0 : static_cast<int>(std::min<long long>(left.count(), 1 << 30));
}

std::string one_line(std::string s, std::size_t max = 200) {
    for (char& c : s)
        if (c == '\n' || c == '\r') c = ' ';
    if (s.size() > max) s = s.substr(0, max) + "...";
    return s;
}

void close_fd(int& fd) {
    if (fd >= 0) ::close(fd);
    fd = -1;
}

}  // namespace

ExecProcess::ExecProcess(std::string command, std::string name)
    : command_(std::move(command)), name_(std::move(name)) {}

ExecProcess::~ExecProcess() {
    if (!running()) return;
    close_fd(in_);  // end of input: a well-behaved evaluator exits now
    const auto deadline = after(kExitGraceSeconds);
    while (Clock::now() < deadline) {
        int status = 0;
        const pid_t r = ::waitpid(pid_, &status, WNOHANG);
        if (r == pid_ || (r < 0 && errno != EINTR)) {
            pid_ = -1;
            break;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    stop();
}

void ExecProcess::start() {
    if (running()) return;
    int in_pair[2], out_pipe[2], err_pipe[2];
    if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, in_pair) != 0)
        throw InputError(name_ + ": cannot create a socket pair: " + std::strerror(errno));
    if (::pipe2(out_pipe, O_CLOEXEC) != 0) {
        ::close(in_pair[0]);
        ::close(in_pair[1]);
        throw InputError(name_ + ": cannot create a pipe: " + std::strerror(errno));
    }
    if (::pipe2(err_pipe, O_CLOEXEC) != 0) {
        for (int fd : {in_pair[0], in_pair[1], out_pipe[0], out_pipe[1]}) ::close(fd);
        throw InputError(name_ + ": cannot create a pipe: " + std::strerror(errno));
    }
    const char* cmd = command_.c_str();
    const pid_t pid = ::fork();
    if (pid < 0) {
        for (int fd : {in_pair[0], in_pair[1], out_pipe[0], out_pipe[1], err_pipe[0], err_pipe[1]})
            ::close(fd);
        throw InputError(name_ + ": cannot fork: " + std::strerror(errno));
    }
    if (pid == 0) {
        // Child: only async-signal-safe calls until exec.
        ::setpgid(0, 0);
        ::dup2(in_pair[1], 0);
        ::dup2(out_pipe[1], 1);
        ::dup2(err_pipe[1], 2);
        ::close_range(3, ~0U, 0);
        sigset_t none;
        sigemptyset(&none);
        ::sigprocmask(SIG_SETMASK, &none, nullptr);
        ::signal(SIGPIPE, SIG_DFL);
        ::execl("/bin/sh", "sh", "-c", cmd, static_cast<char*>(nullptr));
        ::_exit(127);
    }
    ::setpgid(pid, pid);  // also from here, so that stop() works whichever side runs first
    ::close(in_pair[1]);
    ::close(out_pipe[1]);
    ::close(err_pipe[1]);
    pid_ = pid;
    in_ = in_pair[0];
    out_ = out_pipe[0];
    err_ = err_pipe[0];
    ::fcntl(out_, F_SETFL, O_NONBLOCK);
    ::fcntl(err_, F_SETFL, O_NONBLOCK);
    out_buffer_.clear();
    err_tail_.clear();
}

void ExecProcess::stop() {
    if (pid_ > 0) {
        ::kill(-pid_, SIGKILL);
        ::kill(pid_, SIGKILL);
        int status = 0;
        while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {}
        pid_ = -1;
    }
    close_fd(in_);
    close_fd(out_);
    close_fd(err_);
}

void ExecProcess::read_stderr() {
    if (err_ < 0) return;
    char buf[4096];
    for (;;) {
        const ssize_t n = ::read(err_, buf, sizeof buf);
        if (n > 0) {
            err_tail_.append(buf, static_cast<std::size_t>(n));
            if (err_tail_.size() > 2 * kStderrTail)
                err_tail_.erase(0, err_tail_.size() - kStderrTail);
            continue;
        }
        if (n < 0 && errno == EINTR) continue;
        if (n == 0) close_fd(err_);  // end of file
        return;  // EAGAIN: nothing more for now
    }
}

std::string ExecProcess::stderr_last_line() const {
    std::string s = err_tail_;
    while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == ' ')) s.pop_back();
    const auto nl = s.find_last_of('\n');
    if (nl != std::string::npos) s = s.substr(nl + 1);
    return one_line(s);
}

std::string ExecProcess::exit_text(int status) const {
    if (WIFEXITED(status)) return "exited with status " + std::to_string(WEXITSTATUS(status));
    if (WIFSIGNALED(status))
        return "was killed by signal " + std::to_string(WTERMSIG(status)) + " (" +
               strsignal(WTERMSIG(status)) + ")";
    return "stopped";
}

void ExecProcess::fail(const std::string& what) {
    read_stderr();
    stop();
    const std::string last = stderr_last_line();
    throw InputError(name_ + ": " + what +
                     (last.empty() ? "" : " (its stderr ends: " + last + ")"));
}

std::string ExecProcess::pending_output() {
    if (out_ < 0) return out_buffer_;
    char buf[65536];
    while (out_buffer_.size() <= kMaxLine) {
        const ssize_t n = ::read(out_, buf, sizeof buf);
        if (n > 0) {
            out_buffer_.append(buf, static_cast<std::size_t>(n));
            continue;
        }
        if (n < 0 && errno == EINTR) continue;
        break;  // EAGAIN (nothing more now), end of file, or an error round_trip will report
    }
    return out_buffer_;
}

std::string ExecProcess::round_trip(const std::string& request, double timeout_seconds) {
    if (!running()) start();
    const auto deadline = after(timeout_seconds);
    const std::string line = request + "\n";
    const std::string shown = one_line(request, 120);

    // Send. The socket buffer holds any sane request at once; poll only if it is full.
    std::size_t sent = 0;
    while (sent < line.size()) {
        const ssize_t n =
            ::send(in_, line.data() + sent, line.size() - sent, MSG_NOSIGNAL | MSG_DONTWAIT);
        if (n > 0) {
            sent += static_cast<std::size_t>(n);
            continue;
        }
        if (n < 0 && errno == EINTR) continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            pollfd p{in_, POLLOUT, 0};
            if (::poll(&p, 1, remaining_ms(deadline)) == 0)
                fail("does not read its input: no room for " + shown + " within " +
                     std::to_string(timeout_seconds) + " s; the evaluator was stopped");
            continue;
        }
        // EPIPE / ECONNRESET: the child is gone. Find out how.
        int status = 0;
        if (::waitpid(pid_, &status, 0) == pid_) {
            pid_ = -1;
            fail("the evaluator " + exit_text(status) + " before reading " + shown);
        }
        fail("cannot send " + shown + ": " + std::strerror(errno));
    }

    // Receive one line, draining stderr meanwhile.
    for (;;) {
        const auto nl = out_buffer_.find('\n');
        if (nl != std::string::npos) {
            std::string reply = out_buffer_.substr(0, nl);
            out_buffer_.erase(0, nl + 1);
            if (!reply.empty() && reply.back() == '\r') reply.pop_back();
            return reply;
        }
        if (out_buffer_.size() > kMaxLine)
            fail("reply to " + shown + " is longer than " + std::to_string(kMaxLine) +
                 " bytes without a line end; the evaluator was stopped");
        const int wait_ms = remaining_ms(deadline);
        if (wait_ms == 0) {
            char seconds[32];
            std::snprintf(seconds, sizeof seconds, "%g", timeout_seconds);
            fail(std::string("no reply to ") + shown + " within " + seconds +
                 " s (the timeout); the evaluator was stopped");
        }
        pollfd p[2] = {{out_, POLLIN, 0}, {err_, POLLIN, 0}};
        const int ready = ::poll(p, err_ >= 0 ? 2 : 1, wait_ms);
        if (ready < 0 && errno != EINTR) fail(std::string("poll failed: ") + std::strerror(errno));
        if (ready <= 0) continue;
        if (err_ >= 0 && p[1].revents) read_stderr();
        if (p[0].revents) {
            char buf[65536];
            const ssize_t n = ::read(out_, buf, sizeof buf);
            if (n > 0) {
                out_buffer_.append(buf, static_cast<std::size_t>(n));
            } else if (n == 0) {
                // stdout closed: the child is exiting (or closed it and lives on; then it is
                // of no more use and is killed).
                const auto grace = std::min(deadline, after(1.0));
                int status = 0;
                while (Clock::now() < grace) {
                    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
                        pid_ = -1;
                        break;
                    }
                    std::this_thread::sleep_for(std::chrono::milliseconds(2));
                }
                if (pid_ < 0) {
                    // Collect what it said on the way out.
                    read_stderr();
                    fail("the evaluator " + exit_text(status) + " without replying to " + shown);
                }
                fail("the evaluator closed its output without replying to " + shown +
                     "; it was stopped");
            } else if (errno != EAGAIN && errno != EINTR) {
                fail(std::string("cannot read the reply: ") + std::strerror(errno));
            }
        }
    }
}

}  // namespace serialq::quant
