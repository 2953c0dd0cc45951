#pragma once
// A child process that speaks lines over its stdin and stdout: the exec: oracle's evaluator.
//
// Started once by `/bin/sh -c <command>` in its own process group, so that stopping it also
// stops whatever the shell started. Its stdin is one end of a socket pair (written with
// MSG_NOSIGNAL: a dead child gives an error, not SIGPIPE), its stdout and stderr are pipes.
// stderr is drained while waiting for a reply (so a chatty child never blocks on a full pipe)
// and its last line is kept for error messages. Every wait has a deadline; a child that misses
// one, or dies, is killed and reaped before the error reaches the caller.
#include <string>
#include <sys/types.h>

namespace serialq::quant {

class ExecProcess {
public:
    // `name` prefixes every error ("exec:<command>").
    ExecProcess(std::string command, std::string name);
    ~ExecProcess();  // closes stdin, gives the child a moment to exit, then kills it
    ExecProcess(const ExecProcess&) = delete;
    ExecProcess& operator=(const ExecProcess&) = delete;

    void start();
    bool running() const { return pid_ > 0; }
    pid_t pid() const { return pid_; }

    // Sends `request` (one line, no newline) and returns the child's next line. Throws
    // InputError (after stopping the child) on a crash, a closed stdout, or no full line within
    // `timeout_seconds`.
    std::string round_trip(const std::string& request, double timeout_seconds);

    // What the child has written to stdout beyond the lines round_trip returned: the rest of
    // the buffer and whatever can be read without waiting. Empty for a child that keeps to one
    // line per request. Kept in the buffer (the caller stops the child if it is not empty).
    std::string pending_output();

    // Kills the process group and reaps the child (no-op if not running).
    void stop();

private:
    [[noreturn]] void fail(const std::string& what);
    void read_stderr();
    std::string exit_text(int status) const;
    std::string stderr_last_line() const;

    std::string command_, name_;
    pid_t pid_ = -1;
    int in_ = -1, out_ = -1, err_ = -1;  // our ends
    std::string out_buffer_, err_tail_;
};

}  // namespace serialq::quant
