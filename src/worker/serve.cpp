#include "worker/serve.hpp"

#include <sys/syscall.h>
#include <unistd.h>

#include <cstdio>
#include <ctime>
#include <filesystem>

#include "core/error.hpp"
#include "trials/mongo/mongo_store.hpp"

namespace hopt::worker {

namespace {

void check(const Registry &registry, const Options &o) {
    if (registry.empty())
        fail(HOPT_EINVAL, "the worker has no objectives: register some (hopt_registry_add, "
                          "hopt_registry_add_command, hopt_registry_load_plugin) before running it");
    if (!o.workdir.empty() && o.isolation == Isolation::InProcess && !registry.only_commands())
        fail(HOPT_EINVAL, "a workdir needs process isolation: in-process objectives would need chdir() of the "
                          "whole process, under its other threads; change directory before running the "
                          "worker instead, or use process isolation");
}

// The workdir, created if missing (as hyperopt does) and made absolute so
// that it means the same in every child.
std::string prepare_workdir(const std::string &dir) {
    if (dir.empty()) return dir;
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    if (ec) fail(HOPT_EINVAL, "cannot create workdir '" + dir + "': " + ec.message());
    if (!std::filesystem::is_directory(dir, ec)) fail(HOPT_EINVAL, "workdir '" + dir + "' is not a directory");
    return std::filesystem::absolute(dir, ec).string();
}

}  // namespace

Options serve_defaults() {
    Options o;
    o.poll_interval = 0.1;
    o.reserve_timeout = 120;
    o.max_consecutive_failures = 4;
    o.isolation = Isolation::Process;
    o.heartbeat_interval = 2;
    o.recovery = trials::RecoveryPolicy{30, 3};
    o.stop_grace = 10;
    o.store_retry = 60;
    o.log = log_to_stderr;
    return o;
}

std::string default_owner() {
    char host[256] = "localhost";
    gethostname(host, sizeof host - 1);
    host[sizeof host - 1] = '\0';
    return std::string(host) + ":" + std::to_string(getpid()) + ":" + std::to_string(syscall(SYS_gettid));
}

void log_to_stderr(const std::string &line) {
    char stamp[32] = "";
    const std::time_t now = std::time(nullptr);
    std::tm tm{};
    if (gmtime_r(&now, &tm)) std::strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%SZ", &tm);
    std::fprintf(stderr, "%s hopt-worker[%ld]: %s\n", stamp, static_cast<long>(getpid()), line.c_str());
}

RunSummary serve(const std::string &url, const Registry &registry, Options options) {
    check(registry, options);
    options.workdir = prepare_workdir(options.workdir);
    if (options.owner.empty()) options.owner = default_owner();
    trials::mongo::MongoStore store(url, std::nullopt);
    // Documents the worker passes over are reported in its own log.
    if (options.log) store.set_warn(options.log);
    if (options.log)
        options.log("worker " + options.owner + " serving " + store.address().display + ", experiment " +
                    (options.exp_key ? "'" + *options.exp_key + "'" : "any") + ", objectives: " + registry.describe() +
                    (options.isolation == Isolation::Process ? "; each trial in its own process" : "; trials in this process"));
    return Worker(store, registry, std::move(options)).run();
}

}  // namespace hopt::worker
