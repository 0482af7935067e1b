// hopt_registry_*, hopt_worker_options_* and hopt_worker_run: the worker
// behind the C ABI. The loop itself is src/worker's (serve()), shared with
// the bindings.
#include <cmath>
#include <cstring>
#include <limits>

#include "capi/guard.hpp"
#include "capi/handles.hpp"
#include "worker/command.hpp"
#include "worker/plugin.hpp"
#include "worker/serve.hpp"

using namespace hopt;
using capi::guard;
using capi::require;

// The callbacks' user data is held by the std::functions of `options`
// (shared_ptr<hopt_user_data>), so it is released once the options and every
// copy a running worker made of them are gone.
struct hopt_worker_options {
    worker::Options options = worker::serve_defaults();
};

namespace {

// The signature plugins export.
using plugin_register_fn = int (*)(hopt_registry *);

hopt_worker_options &opts_of(hopt_worker_options *o) { return *require(o, "options"); }

std::string number_text(double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%g", v);
    return buf;
}

// Error(HOPT_EINVAL) unless `v` is a finite number of seconds > 0 (>= 0 with
// zero_ok), naming the option and saying what zero would mean.
void check_seconds(const char *option, double v, bool zero_ok) {
    if (std::isfinite(v) && (v > 0 || (zero_ok && v == 0))) return;
    fail(HOPT_EINVAL, std::string(option) + " must be a finite number of seconds " + (zero_ok ? ">= 0" : "> 0") +
                          ", got " + number_text(v));
}

bool is_status(int rc) { return rc < 0 && std::string(hopt_status_name(rc)) != "HOPT_UNKNOWN"; }

// Load a plugin into `into`: its register function fills a scratch registry,
// whose entries join `into` only if it succeeds and no name clashes, each
// holding the library loaded and labelled with its path.
void load_plugin(worker::Registry &into, const std::string &path) {
    auto library = std::make_shared<worker::SharedLibrary>(path);
    auto fn = reinterpret_cast<plugin_register_fn>(library->symbol("hopt_plugin_register"));
    if (!fn)
        fail(HOPT_EINVAL, "plugin '" + path + "' does not export hopt_plugin_register (a hopt plugin defines "
                          "int hopt_plugin_register(hopt_registry *registry))");
    hopt_registry scratch{{}, "plugin " + path};
    capi::set_error("");  // so that a stale message is not taken for the plugin's
    const int rc = fn(&scratch);
    if (rc != HOPT_OK)
        fail(is_status(rc) ? rc : HOPT_EINVAL,
             "plugin '" + path + "': hopt_plugin_register returned " + std::to_string(rc) +
                 (is_status(rc) ? " (" + std::string(hopt_status_name(rc)) + ")" : "") +
                 (*hopt_errmsg() ? ": " + std::string(hopt_errmsg()) : ""));
    if (scratch.registry.empty()) fail(HOPT_EINVAL, "plugin '" + path + "' registered no objectives");
    worker::Registry loaded;
    for (const auto &[name, entry] : scratch.registry.entries()) {
        if (entry.command) loaded.add_command(entry.command);
        else loaded.add(std::make_shared<worker::PluginObjective>(library, entry.objective), entry.source);
    }
    into.merge(loaded);
}

}  // namespace

extern "C" {

HOPT_API int hopt_registry_new(hopt_registry **out) {
    return guard([&] {
        require(out, "out");  // first: in `*require(out) = new T`, the new runs before require
        *out = new hopt_registry{};
    }, out);
}

HOPT_API void hopt_registry_free(hopt_registry *registry) { delete registry; }

HOPT_API int hopt_registry_add(hopt_registry *registry, const hopt_objective *objective) {
    return guard([&] {
        require(registry, "registry");
        registry->registry.add(require(objective, "objective")->objective, registry->source);
    });
}

HOPT_API int hopt_registry_add_command(hopt_registry *registry, const char *name, const char *command) {
    return guard([&] {
        require(registry, "registry");
        registry->registry.add_command(
            std::make_shared<worker::CommandObjective>(require(name, "name"), require(command, "command")));
    });
}

HOPT_API int hopt_registry_load_plugin(hopt_registry *registry, const char *path) {
    return guard([&] { load_plugin(require(registry, "registry")->registry, require(path, "path")); });
}

HOPT_API int hopt_registry_names(const hopt_registry *registry, char **out) {
    return guard([&] {
        require(out, "out");
        *out = capi::dup_string(dump_json(Json(require(registry, "registry")->registry.names())));
    }, out);
}

HOPT_API int hopt_worker_options_new(hopt_worker_options **out) {
    return guard([&] {
        require(out, "out");  // first: in `*require(out) = new T`, the new runs before require
        *out = new hopt_worker_options{};
    }, out);
}

HOPT_API void hopt_worker_options_free(hopt_worker_options *opts) { delete opts; }

HOPT_API int hopt_worker_options_set_exp_key(hopt_worker_options *opts, const char *exp_key) {
    return guard([&] {
        auto &o = opts_of(opts).options;
        o.exp_key = exp_key ? std::optional<std::string>(exp_key) : std::nullopt;
    });
}

HOPT_API int hopt_worker_options_set_poll_interval(hopt_worker_options *opts, double seconds) {
    return guard([&] {
        auto &o = opts_of(opts).options;
        check_seconds("poll_interval", seconds, false);
        o.poll_interval = seconds;
    });
}

HOPT_API int hopt_worker_options_set_max_jobs(hopt_worker_options *opts, int64_t n) {
    return guard([&] {
        auto &o = opts_of(opts).options;
        if (n < 1) fail(HOPT_EINVAL, "max_jobs must be >= 1, got " + std::to_string(n));
        o.max_jobs = n;
    });
}

HOPT_API int hopt_worker_options_set_max_consecutive_failures(hopt_worker_options *opts, int n) {
    return guard([&] {
        auto &o = opts_of(opts).options;
        if (n < 1) fail(HOPT_EINVAL, "max_consecutive_failures must be >= 1, got " + std::to_string(n));
        o.max_consecutive_failures = n;
    });
}

HOPT_API int hopt_worker_options_set_reserve_timeout(hopt_worker_options *opts, double seconds) {
    return guard([&] {
        auto &o = opts_of(opts).options;
        check_seconds("reserve_timeout", seconds, true);
        o.reserve_timeout = seconds;
    });
}

HOPT_API int hopt_worker_options_set_last_job_timeout(hopt_worker_options *opts, double seconds) {
    return guard([&] {
        auto &o = opts_of(opts).options;
        check_seconds("last_job_timeout", seconds, false);
        o.last_job_timeout = seconds;
    });
}

HOPT_API int hopt_worker_options_set_workdir(hopt_worker_options *opts, const char *path) {
    return guard([&] {
        auto &o = opts_of(opts).options;
        if (path && !*path) fail(HOPT_EINVAL, "workdir must not be empty (NULL means the worker's own directory)");
        o.workdir = path ? path : "";
    });
}

HOPT_API int hopt_worker_options_set_isolation(hopt_worker_options *opts, hopt_isolation isolation) {
    return guard([&] {
        auto &o = opts_of(opts).options;
        // A C caller may pass any int: read it as one, since loading an
        // out-of-range value through the C++ enum type is undefined.
        static_assert(sizeof isolation == sizeof(int));
        int value;
        std::memcpy(&value, &isolation, sizeof value);
        if (value != HOPT_ISOLATE_PROCESS && value != HOPT_ISOLATE_NONE)
            fail(HOPT_EINVAL, "isolation must be HOPT_ISOLATE_PROCESS or HOPT_ISOLATE_NONE, got " + std::to_string(value));
        o.isolation = value == HOPT_ISOLATE_PROCESS ? worker::Isolation::Process : worker::Isolation::InProcess;
    });
}

HOPT_API int hopt_worker_options_set_trial_timeout(hopt_worker_options *opts, double seconds) {
    return guard([&] {
        auto &o = opts_of(opts).options;
        check_seconds("trial_timeout", seconds, true);
        o.trial_timeout = seconds > 0 ? std::optional<double>(seconds) : std::nullopt;
    });
}

HOPT_API int hopt_worker_options_set_memory_limit(hopt_worker_options *opts, int64_t bytes) {
    return guard([&] {
        auto &o = opts_of(opts).options;
        if (bytes < 0) fail(HOPT_EINVAL, "memory_limit must be >= 0 bytes (0: none), got " + std::to_string(bytes));
        if (bytes > 0 && bytes < (int64_t{1} << 20))
            fail(HOPT_EINVAL, "memory_limit of " + std::to_string(bytes) +
                                  " bytes is too small for any process to start (give at least 1 MiB)");
        o.memory_limit = bytes > 0 ? std::optional<int64_t>(bytes) : std::nullopt;
    });
}

HOPT_API int hopt_worker_options_set_server_timeout(hopt_worker_options *opts, double seconds) {
    return guard([&] {
        auto &o = opts_of(opts).options;
        check_seconds("server_timeout", seconds, true);
        o.server_timeout = seconds;
    });
}

HOPT_API int hopt_worker_options_set_heartbeat(hopt_worker_options *opts, double interval, double timeout,
                                               int max_attempts) {
    return guard([&] {
        auto &o = opts_of(opts).options;
        check_seconds("heartbeat interval", interval, false);
        check_seconds("heartbeat timeout", timeout, false);
        if (timeout <= interval)
            fail(HOPT_EINVAL, "heartbeat timeout (" + number_text(timeout) + " s) must exceed the interval (" +
                                  number_text(interval) + " s), or live jobs would be recovered as abandoned");
        if (max_attempts < 1) fail(HOPT_EINVAL, "max_attempts must be >= 1, got " + std::to_string(max_attempts));
        o.heartbeat_interval = interval;
        o.recovery = trials::RecoveryPolicy{timeout, max_attempts};
    });
}

HOPT_API int hopt_worker_options_set_key_file(hopt_worker_options *opts, const char *path) {
    return guard([&] {
        auto &o = opts_of(opts).options;
        if (path && !*path) fail(HOPT_EINVAL, "key file path must not be empty (NULL means the default)");
        o.trust.key.file = path ? path : "";
    });
}

HOPT_API int hopt_worker_options_set_insecure(hopt_worker_options *opts, int on) {
    return guard([&] { opts_of(opts).options.trust.key.insecure = on != 0; });
}

HOPT_API int hopt_worker_options_allow_objective(hopt_worker_options *opts, const char *pattern) {
    return guard([&] {
        auto &o = opts_of(opts).options;
        if (!*require(pattern, "pattern")) fail(HOPT_EINVAL, "an allow-list pattern must not be empty");
        o.trust.allow.emplace_back(pattern);
    });
}

HOPT_API int hopt_worker_options_set_stop_check(hopt_worker_options *opts, int (*should_stop)(void *user), void *user,
                                                void (*user_free)(void *user)) {
    auto owned = std::make_shared<hopt_user_data>(user, user_free);
    return guard([&] {
        auto &o = opts_of(opts).options;
        if (!should_stop) o.should_stop = nullptr;
        else o.should_stop = [should_stop, owned] { return should_stop(owned->user) != 0; };
    });
}

HOPT_API int hopt_worker_options_set_log(hopt_worker_options *opts, void (*fn)(const char *line, void *user),
                                         void *user, void (*user_free)(void *user)) {
    auto owned = std::make_shared<hopt_user_data>(user, user_free);
    return guard([&] {
        auto &o = opts_of(opts).options;
        if (!fn) o.log = worker::log_to_stderr;
        else o.log = [fn, owned](const std::string &line) { fn(line.c_str(), owned->user); };
    });
}

HOPT_API int hopt_worker_run(const char *url, const hopt_registry *registry, const hopt_worker_options *opts,
                             int64_t *jobs_done) {
    return guard([&] {
        const worker::Options options = opts ? opts->options : worker::serve_defaults();
        const worker::RunSummary sum =
            worker::serve(require(url, "url"), require(registry, "registry")->registry, options);
        if (jobs_done) *jobs_done = sum.jobs;
        if (sum.reason == worker::ExitReason::TooManyFailures) fail(HOPT_EOBJECTIVE, "the worker stopped: " + sum.message);
    }, jobs_done);
}

}  // extern "C"
