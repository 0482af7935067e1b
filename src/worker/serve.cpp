#include "worker/serve.hpp"

#include <sys/syscall.h>
#include <unistd.h>

#include <cstdio>
#include <ctime>
#include <filesystem>
#include <memory>

#include "core/error.hpp"
#include "trials/open.hpp"

namespace hopt::worker {

namespace {

void check(const Registry &registry, const Options &o) {
    if (registry.empty() && !registry.resolves())
        fail(HOPT_EINVAL, "the worker has no objectives: register some (hopt_registry_add, "
                          "hopt_registry_add_command, hopt_registry_load_plugin) before running it");
    if (!o.workdir.empty() && o.isolation == Isolation::InProcess && !registry.only_commands())
        fail(HOPT_EINVAL, "a workdir needs process isolation: in-process objectives would need chdir() of the "
                          "whole process, under its other threads; change directory before running the "
                          "worker instead, or use process isolation");
    if (o.memory_limit && o.isolation == Isolation::InProcess && !registry.only_commands())
        fail(HOPT_EINVAL, "a memory limit needs process isolation: it bounds each trial's own process, and "
                          "in-process objectives have none");
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
    o.server_timeout = 60;
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
    // The key first: a configuration error is reported before any network wait.
    if (!options.gate) options.gate = std::make_shared<const ExperimentGate>(options.trust);
    // A worker started while the server is away waits for it as a running
    // one does (docs/reliability.md), unless the address itself is wrong.
    // The store retries while the server is away; the worker gives up when
    // the store does. Outages and the documents the worker passes over are
    // reported in its own log.
    auto owned = trials::open_mongo(url, std::nullopt, {options.server_timeout, true, options.log});
    trials::mongo::MongoStore &store = *owned;
    if (options.log)
        options.log("worker " + options.owner + " serving " + store.address().display + ", experiment " +
                    (options.exp_key ? "'" + *options.exp_key + "'" : "any") + ", objectives: " + registry.describe() +
                    (options.isolation == Isolation::Process ? "; each trial in its own process" : "; trials in this process"));
    if (options.log)
        for (const std::string &line : options.gate->describe()) options.log(line);
    return Worker(store, registry, std::move(options)).run();
}

}  // namespace hopt::worker
