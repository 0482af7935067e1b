// hopt_fmin and its options.
#include <cmath>

#include "capi/guard.hpp"
#include "capi/handles.hpp"
#include "trials/memory_store.hpp"

using namespace hopt;
using capi::guard;
using capi::require;

extern "C" {

HOPT_API int hopt_fmin_options_new(hopt_fmin_options **out) {
    return guard([&] {
        require(out, "out");  // first: in `*require(out) = new T`, the new runs before require
        *out = new hopt_fmin_options();
    }, out);
}

HOPT_API void hopt_fmin_options_free(hopt_fmin_options *opts) { delete opts; }

HOPT_API int hopt_fmin_options_set_seed(hopt_fmin_options *opts, uint64_t seed) {
    return guard([&] { require(opts, "opts")->options.seed = seed; });
}

HOPT_API int hopt_fmin_options_set_timeout(hopt_fmin_options *opts, double seconds) {
    return guard([&] {
        require(opts, "opts");
        if (!(seconds >= 0) || std::isinf(seconds))
            fail(HOPT_EINVAL, "timeout must be a finite number of seconds >= 0 (0: none), got " + std::to_string(seconds));
        opts->options.timeout = seconds;
    });
}

HOPT_API int hopt_fmin_options_set_loss_threshold(hopt_fmin_options *opts, double threshold) {
    return guard([&] {
        require(opts, "opts");
        if (!std::isfinite(threshold)) fail(HOPT_EINVAL, "loss_threshold must be a finite number");
        opts->options.loss_threshold = threshold;
    });
}

HOPT_API int hopt_fmin_options_set_return_argmin(hopt_fmin_options *opts, int on) {
    return guard([&] { require(opts, "opts")->options.return_argmin = on != 0; });
}

HOPT_API int hopt_fmin_options_set_catch_eval_exceptions(hopt_fmin_options *opts, int on) {
    return guard([&] { require(opts, "opts")->options.catch_eval_exceptions = on != 0; });
}

HOPT_API int hopt_fmin_options_set_show_progress(hopt_fmin_options *opts, int on) {
    return guard([&] { require(opts, "opts")->options.show_progress = on != 0; });
}

HOPT_API int hopt_fmin_options_set_threads(hopt_fmin_options *opts, int n) {
    return guard([&] {
        require(opts, "opts");
        if (n < 1 || n > 4096) fail(HOPT_EINVAL, "threads must be in [1, 4096], got " + std::to_string(n));
        opts->options.threads = n;
    });
}

HOPT_API int hopt_fmin_options_set_max_queue_len(hopt_fmin_options *opts, int n) {
    return guard([&] {
        require(opts, "opts");
        if (n < 1) fail(HOPT_EINVAL, "max_queue_len must be >= 1, got " + std::to_string(n));
        opts->options.max_queue_len = n;
    });
}

HOPT_API int hopt_fmin_options_set_poll_interval(hopt_fmin_options *opts, double seconds) {
    return guard([&] {
        require(opts, "opts");
        if (!(seconds > 0 && seconds <= 3600))
            fail(HOPT_EINVAL, "poll_interval must be in (0, 3600] seconds, got " + std::to_string(seconds));
        opts->options.poll_interval = seconds;
    });
}

HOPT_API int hopt_fmin_options_set_recovery(hopt_fmin_options *opts, double heartbeat_timeout, int max_attempts) {
    return guard([&] {
        require(opts, "opts");
        if (!(heartbeat_timeout > 0) || std::isinf(heartbeat_timeout))
            fail(HOPT_EINVAL, "heartbeat_timeout must be a positive number of seconds, got " +
                                  std::to_string(heartbeat_timeout));
        if (max_attempts < 1) fail(HOPT_EINVAL, "max_attempts must be >= 1, got " + std::to_string(max_attempts));
        opts->options.recovery = {heartbeat_timeout, max_attempts};
    });
}

HOPT_API int hopt_fmin_options_set_key_file(hopt_fmin_options *opts, const char *path) {
    return guard([&] {
        require(opts, "opts");
        if (path && !*path) fail(HOPT_EINVAL, "key file path must not be empty (NULL means the default)");
        opts->options.signing.file = path ? path : "";
    });
}

HOPT_API int hopt_fmin_options_set_insecure(hopt_fmin_options *opts, int on) {
    return guard([&] { require(opts, "opts")->options.signing.insecure = on != 0; });
}

HOPT_API int hopt_fmin_options_set_server_timeout(hopt_fmin_options *opts, double seconds) {
    return guard([&] {
        require(opts, "opts");
        if (!(seconds >= 0) || std::isinf(seconds))
            fail(HOPT_EINVAL, "server_timeout must be a finite number of seconds >= 0, got " + std::to_string(seconds));
        opts->options.server_timeout = seconds;
    });
}

HOPT_API int hopt_fmin_options_set_points_to_evaluate(hopt_fmin_options *opts, const char *json) {
    return guard([&] {
        require(opts, "opts");
        Json points = parse_json(require(json, "json"), "points_to_evaluate");
        if (!points.is_array()) fail(HOPT_EJSON, "points_to_evaluate must be a JSON array of vals objects");
        for (const Json &p : points)
            if (!p.is_object()) fail(HOPT_EJSON, "each point to evaluate must be a JSON object (label -> value)");
        opts->options.points_to_evaluate = std::move(points);
    });
}

HOPT_API int hopt_fmin_options_set_early_stop(hopt_fmin_options *opts, hopt_early_stop_fn fn, void *user,
                                              void (*user_free)(void *)) {
    auto owned = std::make_shared<hopt_user_data>(user, user_free);
    return guard([&] {
        require(opts, "opts");
        opts->early_stop_fn = fn;
        opts->early_stop_user = fn ? std::move(owned) : nullptr;
        opts->no_progress_loss.reset();
    });
}

HOPT_API int hopt_fmin_options_set_no_progress_loss(hopt_fmin_options *opts, int iteration_stop_count,
                                                    double percent_increase) {
    return guard([&] {
        require(opts, "opts");
        if (iteration_stop_count < 1) fail(HOPT_EINVAL, "iteration_stop_count must be >= 1");
        if (!std::isfinite(percent_increase) || percent_increase < 0)
            fail(HOPT_EINVAL, "percent_increase must be a finite number >= 0");
        opts->no_progress_loss = std::make_pair(iteration_stop_count, percent_increase);
        opts->early_stop_fn = nullptr;
        opts->early_stop_user.reset();
    });
}

HOPT_API int hopt_fmin(hopt_objective *objective, const hopt_space *space, const hopt_algo *algo, int64_t max_evals,
                       hopt_trials *trials, const hopt_fmin_options *opts, char **best_out) {
    return guard([&] {
        require(objective, "objective");
        require(space, "space");
        const hopt_fmin_options defaults;
        const hopt_fmin_options &o = opts ? *opts : defaults;
        hopt_trials temporary{nullptr};
        if (!trials) {
            temporary.store = std::make_shared<trials::MemoryStore>(std::nullopt);
            trials = &temporary;
        }
        fmin::Options options = o.options;
        options.max_evals = max_evals;
        if (o.early_stop_fn) {
            auto fn = o.early_stop_fn;
            auto user = o.early_stop_user;
            options.early_stop = [fn, user, trials](const std::vector<trials::TrialPtr> &) {
                int stop = 0;
                const int rc = fn(trials, &stop, user ? user->user : nullptr);
                if (rc != 0) fail(HOPT_ECANCELLED, "the early-stop callback returned " + std::to_string(rc));
                return stop != 0;
            };
        } else if (o.no_progress_loss) {
            options.early_stop = fmin::NoProgressLoss(o.no_progress_loss->first, o.no_progress_loss->second);
        }
        std::unique_ptr<algo::Algorithm> default_algo;
        if (!algo) default_algo = algo::make("tpe");
        const algo::Algorithm &a = algo ? *algo->algo : *default_algo;
        const Json best = fmin::fmin(objective->objective, *space->space, a, *trials->store, options);
        capi::give_string(best_out, dump_json(best));
    }, best_out);
}

}  // extern "C"
