// One trial's objective in a child process: a forked copy of the worker
// running a function (process isolation) or a command run through execve.
// The child leads its own process group, so a timeout or an abandoned trial
// kills everything it started, and a Ctrl-C meant for the worker does not
// reach it.
#pragma once

#include <cstdint>
#include <exception>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace hopt::worker {

// What bounds a child's run.
struct ChildLimits {
    std::string workdir;            // the child's current directory; "" keeps the worker's
    std::optional<double> timeout;  // seconds, then the process group is killed
    // Polled about every 0.1 s while the child runs: true kills the process
    // group at once and makes run_child throw Abandoned.
    std::function<bool()> abandon;
    // Called in the parent as soon as the child exists. Threads the caller
    // needs during the run (a heartbeat) are best started here rather than
    // before: a thread being created or allocating while fork() copies the
    // process can leave locks held in the child (glibc's malloc guards
    // against it; the sanitizers' allocators do not).
    std::function<void()> on_start;
    // Bytes of address space the child may use (setrlimit RLIMIT_AS): a
    // leaking objective fails its own trial, not the machine.
    std::optional<int64_t> memory_limit;
};

// The run was abandoned (ChildLimits::abandon returned true): the trial has
// no outcome.
class Abandoned : public std::exception {
public:
    const char *what() const noexcept override { return "the trial was abandoned"; }
};

// What runs in the child: a command (argv/envp, prepared before the fork,
// since only async-signal-safe calls are allowed between fork and exec in a
// threaded process) or a function.
struct ChildProgram {
    std::vector<std::string> argv;  // command form: argv[0] is the path to exec
    std::vector<std::string> envp;  // command form: the whole environment
    std::string input;              // command form: written to its stdin
    // Function form: runs in the forked child, writes its result to `out_fd`
    // and returns the exit status. Exceptions become exit status 70.
    std::function<int(int out_fd)> body;
};

// How a child ended.
struct ChildEnd {
    enum class How { Exited, Signalled, TimedOut, SetupFailed };
    How how = How::Exited;
    int code = 0;               // exit status, or signal number
    std::string output;         // its stdout (command) or result channel (function)
    bool output_truncated = false;
    std::string error_tail;     // the end of its stderr (command form only)
    std::string setup_error;    // why it could not start (chdir, exec)
    double seconds = 0;         // wall time
    std::optional<int64_t> memory_limit;  // the limit it ran under, named when it failed

    bool ok() const { return how == How::Exited && code == 0; }
    // What the process did, to follow its name: "was killed by signal 11
    // (SIGSEGV)", "exited with status 3", "timed out after 2 s; ...",
    // "could not start: chdir(/x): No such file or directory".
    std::string describe() const;
};

// Bytes of output kept from a child; more is a failure (output_truncated).
inline constexpr size_t kMaxChildOutput = 16u << 20;
// Bytes of a command's stderr kept for the error message.
inline constexpr size_t kStderrTail = 2000;

// Run `program` under `limits` and wait for it. Throws Abandoned, or
// Error(HOPT_EINTERNAL) when the process cannot be created at all.
ChildEnd run_child(const ChildProgram &program, const ChildLimits &limits);

// "SIGSEGV" for 11 ("signal 77" for an unknown number).
std::string signal_name(int sig);

}  // namespace hopt::worker
