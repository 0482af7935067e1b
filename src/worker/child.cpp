#include "worker/child.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/socket.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>

#include "core/clock.hpp"
#include "core/error.hpp"

namespace hopt::worker {

namespace {

// A file descriptor, closed when it goes out of scope.
class Fd {
public:
    Fd() = default;
    explicit Fd(int fd) : fd_(fd) {}
    Fd(Fd &&o) noexcept : fd_(o.fd_) { o.fd_ = -1; }
    Fd &operator=(Fd &&o) noexcept {
        if (this != &o) {
            reset();
            fd_ = o.fd_;
            o.fd_ = -1;
        }
        return *this;
    }
    ~Fd() { reset(); }
    int get() const { return fd_; }
    bool open() const { return fd_ >= 0; }
    void reset() {
        if (fd_ >= 0) ::close(fd_);
        fd_ = -1;
    }

private:
    int fd_ = -1;
};

[[noreturn]] void fail_errno(const std::string &what) {
    fail(HOPT_EINTERNAL, "cannot start the objective's process: " + what + ": " + std::strerror(errno));
}

// Both ends close on exec: the child dup2()s what it needs onto 0, 1, 2.
std::pair<Fd, Fd> make_pipe() {
    int p[2];
    if (::pipe2(p, O_CLOEXEC) != 0) fail_errno("pipe");
    return {Fd(p[0]), Fd(p[1])};
}

// The command's stdin is a socket so that the parent can write with
// MSG_NOSIGNAL: a command that exits without reading its input must not kill
// the worker with SIGPIPE, and the worker must not change the process-wide
// SIGPIPE disposition behind its embedder's back.
std::pair<Fd, Fd> make_socketpair() {
    int s[2];
    if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, s) != 0) fail_errno("socketpair");
    return {Fd(s[0]), Fd(s[1])};
}

void set_nonblocking(const Fd &fd) {
    if (fd.open()) ::fcntl(fd.get(), F_SETFL, ::fcntl(fd.get(), F_GETFL) | O_NONBLOCK);
}

// --- in the child: async-signal-safe calls only until exec ---------------

// Why the child could not start, for the parent: the step and errno.
struct SetupFailure {
    char step;  // 'c' chdir, 'e' exec, 'n' /dev/null
    int err;
};

[[noreturn]] void report_setup_failure(int fd, char step) {
    const SetupFailure f{step, errno};
    ssize_t ignored = ::write(fd, &f, sizeof f);
    (void)ignored;
    ::_exit(127);
}

void reset_signals() {
    // Handlers of the worker or its embedder (a graceful stop on SIGTERM, a
    // crash reporter on SIGSEGV) must not run in the objective's process: a
    // crash must end it with the signal, for the worker to report. Ignored
    // signals a command expects at their default are reset too.
    struct sigaction dfl {};
    dfl.sa_handler = SIG_DFL;
    for (int sig = 1; sig < NSIG; ++sig) {
        struct sigaction cur {};
        if (::sigaction(sig, nullptr, &cur) != 0) continue;
        const bool handled = (cur.sa_flags & SA_SIGINFO) || (cur.sa_handler != SIG_DFL && cur.sa_handler != SIG_IGN);
        if (handled) ::sigaction(sig, &dfl, nullptr);
    }
    for (int sig : {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGPIPE, SIGCHLD}) ::sigaction(sig, &dfl, nullptr);
    sigset_t none;
    sigemptyset(&none);
    ::sigprocmask(SIG_SETMASK, &none, nullptr);
}

// --- in the parent -------------------------------------------------------

// Kills and reaps the child if the parent leaves early (an exception).
class Reaper {
public:
    explicit Reaper(pid_t pid) : pid_(pid) {}
    ~Reaper() {
        if (pid_ <= 0) return;
        ::kill(-pid_, SIGKILL);
        int status;
        while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
        }
    }
    void kill_group() const { ::kill(-pid_, SIGKILL); }
    // Wait for the child to end; returns its wait status.
    int wait() {
        int status = 0;
        while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
        }
        pid_ = 0;
        return status;
    }
    // The wait status if the child has ended.
    std::optional<int> poll() {
        int status = 0;
        if (::waitpid(pid_, &status, WNOHANG) != pid_) return std::nullopt;
        pid_ = 0;
        return status;
    }

private:
    pid_t pid_;
};

// Collects a child's output channels without blocking.
class Readers {
public:
    struct Channel {
        Fd fd;
        std::string *buf;
        size_t cap;        // keep at most this much...
        bool keep_tail;    // ...from the end (stderr) or from the start
        bool *truncated;
    };
    void add(Fd fd, std::string *buf, size_t cap, bool keep_tail, bool *truncated = nullptr) {
        if (!fd.open()) return;
        set_nonblocking(fd);
        channels_.push_back({std::move(fd), buf, cap, keep_tail, truncated});
    }
    void add_polls(std::vector<pollfd> &fds) const {
        for (const auto &c : channels_)
            if (c.fd.open()) fds.push_back({c.fd.get(), POLLIN, 0});
    }
    // Read what is available on every open channel; EOF closes it.
    void drain() {
        char chunk[65536];
        for (auto &c : channels_) {
            while (c.fd.open()) {
                const ssize_t n = ::read(c.fd.get(), chunk, sizeof chunk);
                if (n > 0) {
                    keep(c, chunk, static_cast<size_t>(n));
                } else if (n == 0 || (errno != EINTR && errno != EAGAIN && errno != EWOULDBLOCK)) {
                    c.fd.reset();
                } else if (errno != EINTR) {
                    break;
                }
            }
        }
    }
    bool any_open() const {
        return std::any_of(channels_.begin(), channels_.end(), [](const Channel &c) { return c.fd.open(); });
    }

private:
    static void keep(Channel &c, const char *data, size_t n) {
        if (c.keep_tail) {
            c.buf->append(data, n);
            if (c.buf->size() > 2 * c.cap) c.buf->erase(0, c.buf->size() - c.cap);
            return;
        }
        const size_t room = c.cap - std::min(c.cap, c.buf->size());
        c.buf->append(data, std::min(room, n));
        if (n > room && c.truncated) *c.truncated = true;
    }
    std::vector<Channel> channels_;
};

std::string format_seconds(double s) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%g", s);
    return buf;
}

}  // namespace

std::string signal_name(int sig) {
#if defined(__GLIBC__) && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 32))
    if (const char *abbrev = ::sigabbrev_np(sig)) return std::string("SIG") + abbrev;
#endif
    return "signal " + std::to_string(sig);
}

std::string ChildEnd::describe() const {
    // A process out of address space fails in whatever way its allocation
    // failure leads to: say that it had a limit, so the reader can tell.
    const std::string limit =
        memory_limit ? "; it ran under a memory limit of " + format_seconds(static_cast<double>(*memory_limit) / (1 << 20)) +
                           " MiB (memory_limit), which it may have exceeded"
                     : "";
    switch (how) {
    case How::Exited:
        return code == 0 ? "exited normally" : "exited with status " + std::to_string(code) + limit;
    case How::Signalled:
        return "was killed by signal " + std::to_string(code) + " (" + signal_name(code) + ")" + limit;
    case How::TimedOut:
        return "timed out after " + format_seconds(seconds) + " s; its process group was killed";
    case How::SetupFailed:
        return "could not start: " + setup_error;
    }
    return "ended";
}

ChildEnd run_child(const ChildProgram &program, const ChildLimits &limits) {
    const bool command = !program.argv.empty();
    if (command == static_cast<bool>(program.body))
        fail(HOPT_EINTERNAL, "run_child needs either a command or a function");

    // Everything the child needs is prepared here: after fork() a threaded
    // process may only make async-signal-safe calls before exec.
    std::vector<char *> argv, envp;
    for (const auto &a : program.argv) argv.push_back(const_cast<char *>(a.c_str()));
    for (const auto &e : program.envp) envp.push_back(const_cast<char *>(e.c_str()));
    argv.push_back(nullptr);
    envp.push_back(nullptr);
    const char *workdir = limits.workdir.empty() ? nullptr : limits.workdir.c_str();

    auto [out_r, out_w] = make_pipe();
    auto [setup_r, setup_w] = make_pipe();
    Fd err_r, err_w, in_parent, in_child;
    if (command) {
        std::tie(err_r, err_w) = make_pipe();
        std::tie(in_parent, in_child) = make_socketpair();
    }

    // Unflushed stdio buffers would otherwise be written twice, once by the
    // child when it flushes its copy.
    std::fflush(nullptr);
    const Stopwatch clock;
    [[maybe_unused]] const pid_t parent = ::getpid();
    const pid_t pid = ::fork();
    if (pid < 0) fail_errno("fork");
    if (pid == 0) {
        ::setpgid(0, 0);
#ifdef __linux__
        // A worker killed outright (SIGKILL, a second Ctrl-C) must not leave
        // its trial's process running on: the job is recovered elsewhere.
        ::prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (::getppid() != parent) ::_exit(127);
#endif
        reset_signals();
        if (limits.memory_limit) {
            const rlimit rl{static_cast<rlim_t>(*limits.memory_limit), static_cast<rlim_t>(*limits.memory_limit)};
            ::setrlimit(RLIMIT_AS, &rl);
        }
        if (command) {
            ::dup2(in_child.get(), 0);
            ::dup2(out_w.get(), 1);
            ::dup2(err_w.get(), 2);
        } else {
            const int devnull = ::open("/dev/null", O_RDONLY);
            if (devnull < 0) report_setup_failure(setup_w.get(), 'n');
            ::dup2(devnull, 0);
        }
        if (workdir && ::chdir(workdir) != 0) report_setup_failure(setup_w.get(), 'c');
        if (command) {
            ::execve(argv[0], argv.data(), envp.data());
            report_setup_failure(setup_w.get(), 'e');
        }
        // Function form: the objective runs here, in a copy of the worker.
        int rc = 70;
        try {
            out_r.reset();
            setup_r.reset();
            rc = program.body(out_w.get());
        } catch (...) {
        }
        std::fflush(nullptr);
        ::_exit(rc);
    }

    Reaper child(pid);
    // Also from this side: kill(-pid) must reach the group even if the
    // child has not run setpgid yet.
    ::setpgid(pid, pid);
    if (limits.on_start) limits.on_start();
    out_w.reset();
    setup_w.reset();
    err_w.reset();
    in_child.reset();

    ChildEnd end;
    end.memory_limit = limits.memory_limit;
    std::string setup_bytes;
    Readers readers;
    readers.add(std::move(out_r), &end.output, kMaxChildOutput, false, &end.output_truncated);
    readers.add(std::move(err_r), &end.error_tail, kStderrTail, true);
    readers.add(std::move(setup_r), &setup_bytes, sizeof(SetupFailure), false);
    set_nonblocking(in_parent);
    size_t input_sent = 0;
    if (command && program.input.empty()) in_parent.reset();

    int idle_ms = 1;
    std::optional<int> status;
    while (!status) {
        std::vector<pollfd> fds;
        if (in_parent.open()) fds.push_back({in_parent.get(), POLLOUT, 0});
        readers.add_polls(fds);
        int wait_ms = 100;
        if (fds.empty()) {
            // Only the exit is left to notice: poll for it quickly at first.
            wait_ms = idle_ms;
            idle_ms = std::min(idle_ms * 2, 100);
        }
        if (limits.timeout) {
            const double left = *limits.timeout - clock.seconds();
            wait_ms = std::clamp(static_cast<int>(std::ceil(left * 1000)), 0, wait_ms);
        }
        ::poll(fds.empty() ? nullptr : fds.data(), fds.size(), wait_ms);

        if (in_parent.open()) {
            const ssize_t n = ::send(in_parent.get(), program.input.data() + input_sent,
                                     program.input.size() - input_sent, MSG_NOSIGNAL | MSG_DONTWAIT);
            if (n > 0) input_sent += static_cast<size_t>(n);
            // Done, or the command stopped reading (EPIPE): either way, EOF.
            if (input_sent == program.input.size() || (n < 0 && errno != EAGAIN && errno != EINTR)) in_parent.reset();
        }
        readers.drain();

        status = child.poll();
        if (status) break;
        if (limits.abandon && limits.abandon()) {
            child.kill_group();
            child.wait();
            throw Abandoned();
        }
        if (limits.timeout && clock.seconds() >= *limits.timeout) {
            child.kill_group();
            child.wait();
            end.how = ChildEnd::How::TimedOut;
            end.seconds = *limits.timeout;
            return end;
        }
    }
    // What the child wrote before it exited is in the pipes; descendants
    // that still hold them open are not waited for.
    readers.drain();
    end.seconds = clock.seconds();

    if (setup_bytes.size() == sizeof(SetupFailure)) {
        SetupFailure f;
        std::memcpy(&f, setup_bytes.data(), sizeof f);
        const std::string what = f.step == 'c'   ? "chdir(" + limits.workdir + ")"
                                 : f.step == 'e' ? "exec " + program.argv[0]
                                                 : "open /dev/null";
        end.how = ChildEnd::How::SetupFailed;
        end.setup_error = what + ": " + std::strerror(f.err);
    } else if (WIFSIGNALED(*status)) {
        end.how = ChildEnd::How::Signalled;
        end.code = WTERMSIG(*status);
    } else {
        end.how = ChildEnd::How::Exited;
        end.code = WEXITSTATUS(*status);
    }
    return end;
}

}  // namespace hopt::worker
