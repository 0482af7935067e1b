/*
 * hopt — distributed, asynchronous hyperparameter optimisation.
 *
 * This is the only header users compile against. Conventions (see docs/api.md):
 *
 *  - Every fallible function returns an int status: HOPT_OK (0) or a negative
 *    HOPT_E* code. The message of the calling thread's last failure is
 *    hopt_errmsg(); it stays valid until the thread's next failing call.
 *  - Handles are opaque and come in create/free pairs; every *_free(NULL) is a
 *    no-op. Handles may be used from several threads only where stated.
 *  - Strings the library returns through `char **out` are owned by the caller
 *    and released with hopt_free(). `const char *` results are borrowed and
 *    documented with their lifetime.
 *  - A call that fails leaves its out-parameters cleared: NULL for handles and
 *    strings, 0 for numbers (hopt_ask's tid: -1), so freeing them is safe.
 *  - Callbacks take a trailing `void *user`; each registration also takes a
 *    `void (*user_free)(void *user)` (may be NULL) that the library calls
 *    exactly once, when it no longer needs `user` (also when the registering
 *    call fails).
 *  - Spaces, points, trial documents and results cross the ABI as JSON text
 *    (UTF-8); docs/space-json.md and docs/trials.md describe the formats.
 *  - No exception crosses this ABI; no global state exists apart from the
 *    per-thread error message.
 */
#ifndef HOPT_HOPT_H
#define HOPT_HOPT_H

#include <stddef.h>
#include <stdint.h>

#include "hopt/version.h"

#if defined(_WIN32)
#  if defined(HOPT_BUILDING)
#    define HOPT_API __declspec(dllexport)
#  else
#    define HOPT_API __declspec(dllimport)
#  endif
#else
#  define HOPT_API __attribute__((visibility("default")))
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------------------ */
/* Status codes                                                             */
/* ------------------------------------------------------------------------ */

typedef enum hopt_status {
    HOPT_OK = 0,
    HOPT_EINVAL = -1,      /* an argument is invalid (NULL handle, bad option value) */
    HOPT_ESPACE = -2,      /* the search space is invalid; the message names the label */
    HOPT_EJSON = -3,       /* malformed JSON, or JSON of the wrong shape */
    HOPT_ENOMEM = -4,      /* out of memory */
    HOPT_EOBJECTIVE = -5,  /* the objective failed and catch_eval_exceptions is off */
    HOPT_EALLFAILED = -6,  /* no trial finished with status "ok" and a finite loss */
    HOPT_ENOTFOUND = -7,   /* no such trial id, label, objective or option */
    HOPT_ESTATE = -8,      /* the object is not in a state that allows the call */
    HOPT_EEMPTY = -9,      /* there are no trials to answer from */
    HOPT_EDATABASE = -10,  /* the trials store (database) refused or failed an operation */
    HOPT_ECONNECT = -11,   /* the trials store could not be reached in time */
    HOPT_ETIMEOUT = -12,   /* an operation did not finish within its time limit */
    HOPT_ECANCELLED = -13, /* a callback asked to stop, or the run was interrupted */
    HOPT_EINTERNAL = -99   /* a bug in hopt: please report it with the message */
} hopt_status;

/* Message of the calling thread's most recent failure ("" if none). Borrowed:
 * valid until the next hopt call on this thread that fails. */
HOPT_API const char *hopt_errmsg(void);

/* Symbolic name of a status code ("HOPT_ESPACE"); static storage. */
HOPT_API const char *hopt_status_name(int status);

/* Runtime library version, "MAJOR.MINOR.PATCH"; static storage. Compare with
 * the HOPT_VERSION_* macros to detect a header/library mismatch. */
HOPT_API const char *hopt_version(void);
/* HOPT_VERSION_NUMBER of the loaded library. */
HOPT_API int hopt_version_number(void);

/* Release memory that hopt returned through a `char **` or `double **`
 * out-parameter. hopt_free(NULL) is a no-op. */
HOPT_API void hopt_free(void *ptr);

/* ------------------------------------------------------------------------ */
/* Search spaces                                                            */
/* ------------------------------------------------------------------------ */

/* An immutable search space. Thread-safe: a space may be shared by threads. */
typedef struct hopt_space hopt_space;

/* Parse a space from its JSON description (docs/space-json.md). Example:
 *   {"hp": "uniform", "label": "x", "low": -2, "high": 2}
 * On failure *out is NULL and the message names the offending label. */
HOPT_API int hopt_space_from_json(const char *json, hopt_space **out);
HOPT_API void hopt_space_free(hopt_space *space);

/* Canonical JSON of the space; parsing it gives an identical space.
 * *out is the caller's, freed with hopt_free(). */
HOPT_API int hopt_space_to_json(const hopt_space *space, char **out);

/* JSON array of the space's labels in order of first appearance (depth
 * first, dict keys sorted; a {"ref"} before the definition counts).
 * Caller frees. */
HOPT_API int hopt_space_labels(const hopt_space *space, char **out);

/* Draw one point from the prior. *vals_out (may be NULL) receives the flat
 * `vals` object (label -> value, choice -> index, inactive labels absent);
 * *point_out (may be NULL) the evaluated point. Caller frees both. */
HOPT_API int hopt_space_sample(const hopt_space *space, uint64_t seed,
                               char **vals_out, char **point_out);

/* hyperopt's space_eval: the point the objective receives for `vals_json`
 * (flat label -> value with choices as indices). Labels the point does not
 * need are ignored; a needed label that is missing is an error naming it. */
HOPT_API int hopt_space_eval(const hopt_space *space, const char *vals_json,
                             char **point_out);

/* ------------------------------------------------------------------------ */
/* Objectives                                                               */
/* ------------------------------------------------------------------------ */

/* The point being evaluated, borrowed for the duration of the callback. */
typedef struct hopt_point hopt_point;
/* The result being filled in, borrowed for the duration of the callback. */
typedef struct hopt_result hopt_result;

/* JSON of the evaluated point (what hyperopt passes to the objective). */
HOPT_API const char *hopt_point_json(const hopt_point *point);
/* JSON of the flat vals (label -> value, choices as indices). */
HOPT_API const char *hopt_point_vals_json(const hopt_point *point);
/* JSON of the search space the point was drawn from (docs/space-json.md), as
 * stored with its experiment: lets an objective see what the point's JSON
 * flattens, e.g. which lists are tuples. fmin and workers always set it;
 * NULL when the point carries no space. */
HOPT_API const char *hopt_point_space_json(const hopt_point *point);
/* Trial id of the point. */
HOPT_API int64_t hopt_point_tid(const hopt_point *point);
/* Read a number from the evaluated point. `path` selects a member: "" is the
 * whole point, "a.b.0" is key a, key b, element 0. Integers and booleans
 * convert; HOPT_ENOTFOUND if absent, HOPT_EINVAL if not a number. */
HOPT_API int hopt_point_get_double(const hopt_point *point, const char *path,
                                   double *out);
HOPT_API int hopt_point_get_int(const hopt_point *point, const char *path,
                                int64_t *out);
/* A string member; *out is borrowed for the duration of the callback. */
HOPT_API int hopt_point_get_string(const hopt_point *point, const char *path,
                                   const char **out);

/* Result status, as hyperopt's STATUS_OK / STATUS_FAIL. */
typedef enum hopt_result_status {
    HOPT_STATUS_OK = 0,
    HOPT_STATUS_FAIL = 1
} hopt_result_status;

/* The loss to minimise. A NaN or infinite loss is recorded as a failed trial
 * (status "fail", the value kept as text under "loss_raw"); see docs/trials.md. */
HOPT_API int hopt_result_set_loss(hopt_result *result, double loss);
HOPT_API int hopt_result_set_status(hopt_result *result, hopt_result_status status);
HOPT_API int hopt_result_set_true_loss(hopt_result *result, double true_loss);
HOPT_API int hopt_result_set_loss_variance(hopt_result *result, double variance);
/* Store an extra key in the result document; `json` is any JSON value.
 * Reserved keys (status, loss, ...) are refused. */
HOPT_API int hopt_result_set_json(hopt_result *result, const char *key,
                                  const char *json);
/* Replace the whole result with a hyperopt result dict, e.g.
 * {"loss": 0.5, "status": "ok", "eval_time": 3}. */
HOPT_API int hopt_result_set_document(hopt_result *result, const char *json);
/* Explain a failure: the objective returns non-zero after calling this. */
HOPT_API int hopt_result_set_error(hopt_result *result, const char *message);

/* An objective: fill `result` for `point` and return 0; return non-zero to
 * signal an exception (the trial becomes ERROR with the message given to
 * hopt_result_set_error). Called from worker threads when evaluations run in
 * parallel: it must then be thread-safe. */
typedef int (*hopt_objective_fn)(const hopt_point *point, hopt_result *result,
                                 void *user);

/* A named objective. `name` identifies it to workers (hyperopt's domain);
 * NULL means "objective". user_free(user) runs when the objective is freed,
 * and also if this call fails. */
typedef struct hopt_objective hopt_objective;
HOPT_API int hopt_objective_new(const char *name, hopt_objective_fn fn, void *user,
                                void (*user_free)(void *user), hopt_objective **out);
HOPT_API void hopt_objective_free(hopt_objective *objective);

/* ------------------------------------------------------------------------ */
/* Search algorithms                                                        */
/* ------------------------------------------------------------------------ */

/* An algorithm and its parameters. Names: "mtpe" (hopt's recommended
 * search), "tpe", "rand", "anneal".
 * Parameters (hyperopt's names and defaults for tpe and anneal; list any
 * algorithm's with hopt_algo_param_count and hopt_algo_param_info):
 *   mtpe:   n_startup_jobs (10), n_EI_candidates (100), gamma (0.1),
 *           gamma_cap (25), prior_weight (1.0), linear_forgetting (25),
 *           bandwidth_rule (1), bandwidth (0.2), min_bandwidth (0.01),
 *           magic_clip (1), adaptive_bandwidth (0),
 *           categorical_smoothing (0.3), constant_liar (1)
 *   tpe:    n_startup_jobs (20), n_EI_candidates (24), gamma (0.25),
 *           prior_weight (1.0), linear_forgetting (25)
 *   anneal: avg_best_idx (2.0), shrink_coef (0.1)
 * Not thread-safe to modify; read-only use from several threads is fine. */
typedef struct hopt_algo hopt_algo;
HOPT_API int hopt_algo_new(const char *name, hopt_algo **out);
HOPT_API void hopt_algo_free(hopt_algo *algo);
/* Set a numeric parameter; HOPT_ENOTFOUND for a name the algorithm lacks,
 * HOPT_EINVAL for an out-of-range value (the message says the range). */
HOPT_API int hopt_algo_set(hopt_algo *algo, const char *param, double value);
HOPT_API int hopt_algo_get(const hopt_algo *algo, const char *param, double *out);
/* The algorithm's name; borrowed, valid while `algo` lives. */
HOPT_API const char *hopt_algo_name(const hopt_algo *algo);
/* How many parameters the algorithm has (0 for rand). */
HOPT_API int hopt_algo_param_count(const hopt_algo *algo, size_t *out);
/* Parameter `index` (0 .. count - 1): its name (borrowed, valid while `algo`
 * lives), default, current value, the closed range [min, max] hopt_algo_set
 * accepts, and whether only integers are (1) or any number in the range (0).
 * Any out-pointer may be NULL. HOPT_EINVAL when index >= count. */
HOPT_API int hopt_algo_param_info(const hopt_algo *algo, size_t index, const char **name, double *default_value,
                                  double *value, double *min, double *max, int *integer);

/* ------------------------------------------------------------------------ */
/* Trials                                                                   */
/* ------------------------------------------------------------------------ */

/* Job states of trial documents (hyperopt's JOB_STATE_*). */
typedef enum hopt_job_state {
    HOPT_STATE_NEW = 0,
    HOPT_STATE_RUNNING = 1,
    HOPT_STATE_DONE = 2,
    HOPT_STATE_ERROR = 3,
    HOPT_STATE_CANCEL = 4
} hopt_job_state;

/* A store of trial documents: in memory (hopt_trials_new) or in MongoDB
 * (hopt_trials_mongo_open). Thread-safe. The query functions below read the
 * store's current contents. */
typedef struct hopt_trials hopt_trials;

/* An empty in-memory store. exp_key may be NULL. */
HOPT_API int hopt_trials_new(const char *exp_key, hopt_trials **out);
HOPT_API void hopt_trials_free(hopt_trials *trials);

/* Number of trials in `state` (a hopt_job_state), or in any state if -1. */
HOPT_API int hopt_trials_count(const hopt_trials *trials, int state, int64_t *out);

/* The losses of the trials that count (NEW, RUNNING, DONE; hyperopt's
 * `trials.trials`), in tid order; NaN where a trial has no loss. *losses is
 * the caller's (hopt_free); *n its length. */
HOPT_API int hopt_trials_losses(const hopt_trials *trials, double **losses, size_t *n);

/* JSON array of the result statuses ("new", "ok", "fail", ...) of those trials. */
HOPT_API int hopt_trials_statuses(const hopt_trials *trials, char **out);

/* JSON of the best trial document (status ok, smallest finite loss; first on
 * ties). HOPT_EALLFAILED if there is none. Caller frees. */
HOPT_API int hopt_trials_best_trial(const hopt_trials *trials, char **out);

/* hyperopt's trials.argmin: flat vals of the best trial (choices as indices,
 * inactive labels absent). HOPT_EALLFAILED if there is none. Caller frees. */
HOPT_API int hopt_trials_argmin(const hopt_trials *trials, char **out);

/* JSON array of every trial document, all states, in tid order. Caller frees. */
HOPT_API int hopt_trials_export(const hopt_trials *trials, char **out);

/* Import trial documents (a JSON array as written by hopt_trials_export or by
 * Python hyperopt). Tids must not collide with stored ones; nothing is
 * imported if any document is invalid. */
HOPT_API int hopt_trials_import(hopt_trials *trials, const char *json);

/* JSON of the trial with this tid. HOPT_ENOTFOUND if there is none. */
HOPT_API int hopt_trials_get(const hopt_trials *trials, int64_t tid, char **out);

/* Remove every trial (of this store's exp_key) and the stored domain. */
HOPT_API int hopt_trials_delete_all(hopt_trials *trials);

/* The store's exp_key, or NULL. Borrowed, valid while `trials` lives. */
HOPT_API const char *hopt_trials_exp_key(const hopt_trials *trials);

/* Open the trials of experiment `exp_key` (NULL: hyperopt's exp_key=None) in
 * a MongoDB database, hyperopt's MongoTrials. `url` is hyperopt's
 * "mongo://host:port/db/jobs" or a standard "mongodb://[user:pass@]host
 * [:port][,...]/db[?options]" URI (credentials, authSource, TLS options go
 * to the driver). Fails with HOPT_EINVAL for a malformed URL (the message
 * says which part) and HOPT_ECONNECT when the server does not answer within
 * serverSelectionTimeoutMS (default 5 s). fmin on such a store queues trials
 * for workers (hyperopt-mongo-worker, hopt_worker_run) and waits. Once open,
 * the store's operations retry connection failures with backoff until the
 * server has been unreachable for 60 s (hopt_fmin_options_set_server_timeout
 * changes it), then fail with HOPT_ECONNECT; docs/reliability.md. */
HOPT_API int hopt_trials_mongo_open(const char *url, const char *exp_key, hopt_trials **out);

/* ------------------------------------------------------------------------ */
/* fmin                                                                     */
/* ------------------------------------------------------------------------ */

/* Options of hopt_fmin. Defaults follow hyperopt; unset options keep them. */
typedef struct hopt_fmin_options hopt_fmin_options;
HOPT_API int hopt_fmin_options_new(hopt_fmin_options **out);
HOPT_API void hopt_fmin_options_free(hopt_fmin_options *opts);

/* Seed of the run (default: drawn from the clock, or $HOPT_FMIN_SEED or
 * $HYPEROPT_FMIN_SEED when set). Same seed, same space, same algorithm and
 * same results -> the same suggestions on every platform. */
HOPT_API int hopt_fmin_options_set_seed(hopt_fmin_options *opts, uint64_t seed);
/* Stop suggesting after this many seconds of wall time (> 0; 0 = none). */
HOPT_API int hopt_fmin_options_set_timeout(hopt_fmin_options *opts, double seconds);
/* Stop as soon as the best loss is below `threshold` (finite). */
HOPT_API int hopt_fmin_options_set_loss_threshold(hopt_fmin_options *opts, double threshold);
/* 1 (default): hopt_fmin returns the argmin (choices as indices); 0: returns
 * the evaluated best point, as space_eval(space, argmin). */
HOPT_API int hopt_fmin_options_set_return_argmin(hopt_fmin_options *opts, int on);
/* 0 (default): an objective failure ends fmin with HOPT_EOBJECTIVE;
 * 1: it is recorded (state ERROR) and the search goes on. */
HOPT_API int hopt_fmin_options_set_catch_eval_exceptions(hopt_fmin_options *opts, int on);
/* Progress line on stderr (count, best loss, rate); default on. */
HOPT_API int hopt_fmin_options_set_show_progress(hopt_fmin_options *opts, int on);
/* Evaluate with `n` threads in this process through the asynchronous job
 * queue (default 1 = serial, in the calling thread). The objective must be
 * thread-safe when n > 1. */
HOPT_API int hopt_fmin_options_set_threads(hopt_fmin_options *opts, int n);
/* Most trials kept queued (state NEW) ahead of the evaluators; default:
 * the number of threads (in memory), or for MongoDB twice the number of
 * trials seen running, at least 4 (fmin does not know how many workers
 * there are; this keeps one waiting for each). */
HOPT_API int hopt_fmin_options_set_max_queue_len(hopt_fmin_options *opts, int n);
/* Seconds between polls of an asynchronous store (default 0.1 in memory,
 * 0.5 for MongoDB). */
HOPT_API int hopt_fmin_options_set_poll_interval(hopt_fmin_options *opts, double seconds);
/* Workers of a MongoDB store heartbeat while they evaluate; fmin requeues a
 * RUNNING trial whose heartbeat has not changed for `heartbeat_timeout`
 * seconds (default 30) and marks it ERROR once it has been abandoned
 * `max_attempts` times (default 3). */
HOPT_API int hopt_fmin_options_set_recovery(hopt_fmin_options *opts, double heartbeat_timeout, int max_attempts);
/* MongoDB stores: how long the server may stay unreachable during fmin
 * (default 60 s, the store's). Meanwhile every operation is retried with
 * backoff and fmin carries on when the server is back; after it, hopt_fmin
 * fails with HOPT_ECONNECT and the trials stay as they were (queued trials
 * stay queued for a later run). 0: fail at the first connection error. The
 * setting stays with the store after fmin returns. docs/reliability.md. */
HOPT_API int hopt_fmin_options_set_server_timeout(hopt_fmin_options *opts, double seconds);
/* Points evaluated before the search, as a JSON array of vals objects
 * (choices as indices): [{"x": 0.0}, {"x": 1.5}]. They are added only to an
 * empty store and come on top of max_evals, as in hyperopt. */
HOPT_API int hopt_fmin_options_set_points_to_evaluate(hopt_fmin_options *opts, const char *json);
/* Signing (MongoDB stores only: fmin on an in-memory store reads no key;
 * docs/threat-model.md). Workers run only
 * experiments signed with the key they share with fmin, so that whoever can
 * write to the database cannot choose what they run. fmin signs the
 * experiment (exp_key, space, objective name, settings) with the key in
 * `path`; NULL (the default) means $HOPT_KEY_FILE, else
 * $XDG_CONFIG_HOME/hopt/key or ~/.config/hopt/key. A missing key file is
 * created (mode 0600, 32 random bytes as hex), so that fmin and workers on
 * one machine agree with no setup; copy it to the machines of a cluster like
 * an ssh key. fmin fails with HOPT_EINVAL if the file cannot be read or
 * created, is accessible by other users, or holds no key. */
HOPT_API int hopt_fmin_options_set_key_file(hopt_fmin_options *opts, const char *path);
/* 1: do not sign (only workers run with hopt_worker_options_set_insecure
 * will evaluate the trials); a warning goes to stderr. Default 0. */
HOPT_API int hopt_fmin_options_set_insecure(hopt_fmin_options *opts, int on);

/* Early stopping: called after each completed trial (serial) or poll
 * (asynchronous); set *stop to 1 to end the search. Return non-zero to abort
 * fmin with HOPT_ECANCELLED. Replaces any earlier early-stop setting. */
typedef int (*hopt_early_stop_fn)(const hopt_trials *trials, int *stop, void *user);
HOPT_API int hopt_fmin_options_set_early_stop(hopt_fmin_options *opts, hopt_early_stop_fn fn,
                                              void *user, void (*user_free)(void *user));
/* hyperopt's early_stop.no_progress_loss: stop after `iteration_stop_count`
 * trials without the loss improving by more than `percent_increase` percent. */
HOPT_API int hopt_fmin_options_set_no_progress_loss(hopt_fmin_options *opts,
                                                    int iteration_stop_count,
                                                    double percent_increase);

/* Minimise `objective` over `space` with `algo` until `trials` holds
 * `max_evals` trials (trials already present count, so calling again with the
 * same value returns at once; a larger one extends the search). `trials` may
 * be NULL (a temporary in-memory store); `algo` NULL means tpe; `opts` NULL
 * means defaults. On success *best_out (may be NULL) receives the argmin JSON
 * (or the best point, see set_return_argmin); caller frees. */
HOPT_API int hopt_fmin(hopt_objective *objective, const hopt_space *space, const hopt_algo *algo,
                       int64_t max_evals, hopt_trials *trials, const hopt_fmin_options *opts,
                       char **best_out);

/* ------------------------------------------------------------------------ */
/* Workers: evaluate the trials fmin queues in a MongoDB store              */
/* ------------------------------------------------------------------------ */

/* The objectives a worker may run, by name. A trial names its objective;
 * the worker runs it only if it is in the registry (nothing executable is
 * ever read from the database). Not thread-safe to modify. */
typedef struct hopt_registry hopt_registry;
HOPT_API int hopt_registry_new(hopt_registry **out);
HOPT_API void hopt_registry_free(hopt_registry *registry);
/* Add an objective under its name; the registry keeps its own reference, so
 * the caller may free `objective` afterwards. HOPT_EINVAL if the name is
 * taken. */
HOPT_API int hopt_registry_add(hopt_registry *registry, const hopt_objective *objective);
/* A command objective: `command` runs under /bin/sh with the point's JSON on
 * stdin and prints the result on stdout, either a number (the loss) or a
 * hyperopt result object such as {"loss": 0.5, "status": "ok"}. */
HOPT_API int hopt_registry_add_command(hopt_registry *registry, const char *name, const char *command);
/* Load a plugin: a shared library exporting
 *     int hopt_plugin_register(hopt_registry *registry);
 * which adds its objectives (hopt_objective_new + hopt_registry_add) and
 * returns HOPT_OK. If loading or registering fails, the registry is left
 * as it was. */
HOPT_API int hopt_registry_load_plugin(hopt_registry *registry, const char *path);
/* JSON array of the registered names. Caller frees. */
HOPT_API int hopt_registry_names(const hopt_registry *registry, char **out);

/* Resolve names the registry lacks: when a trial names an objective that was
 * not added, the worker calls fn(name, &objective, user). fn returns HOPT_OK
 * with a new objective named `name` (hopt_objective_new; the registry takes
 * it and frees it), or any other status (HOPT_ENOTFOUND) with *out left NULL
 * when it knows no such objective: the worker then leaves the trial to
 * other workers. An answer is kept, so fn runs once per name it resolves.
 * Bindings use this to serve objectives by importable name (Python's
 * "module:qualname"); it is a plain lookup, run only for trials the worker
 * has accepted. A worker with a resolver takes trials of every objective.
 * fn NULL removes the resolver. user_free(user) runs when the registry is
 * freed or the resolver replaced (also if this call fails). */
typedef int (*hopt_objective_resolver_fn)(const char *name, hopt_objective **out, void *user);
HOPT_API int hopt_registry_set_resolver(hopt_registry *registry, hopt_objective_resolver_fn fn, void *user,
                                        void (*user_free)(void *user));

/* How objectives run in a worker. */
typedef enum hopt_isolation {
    HOPT_ISOLATE_PROCESS = 0, /* a child process per trial (default): a crash fails only that trial */
    HOPT_ISOLATE_NONE = 1     /* in the worker's own process: faster, a crash ends the worker */
} hopt_isolation;

/* Options of hopt_worker_run, with hyperopt-mongo-worker's meanings. */
typedef struct hopt_worker_options hopt_worker_options;
HOPT_API int hopt_worker_options_new(hopt_worker_options **out);
HOPT_API void hopt_worker_options_free(hopt_worker_options *opts);
/* Only trials of this experiment (default: any experiment in the database). */
HOPT_API int hopt_worker_options_set_exp_key(hopt_worker_options *opts, const char *exp_key);
/* Seconds between reservation attempts when idle (default 0.1; > 0). */
HOPT_API int hopt_worker_options_set_poll_interval(hopt_worker_options *opts, double seconds);
/* Stop after this many trials (default: no limit). */
HOPT_API int hopt_worker_options_set_max_jobs(hopt_worker_options *opts, int64_t n);
/* Stop after this many consecutive failed trials (default 4; >= 1). */
HOPT_API int hopt_worker_options_set_max_consecutive_failures(hopt_worker_options *opts, int n);
/* Stop after this many seconds without finding a trial (default 120; 0: never). */
HOPT_API int hopt_worker_options_set_reserve_timeout(hopt_worker_options *opts, double seconds);
/* Reserve no new trial once this many seconds have passed since the start (default: none). */
HOPT_API int hopt_worker_options_set_last_job_timeout(hopt_worker_options *opts, double seconds);
/* Run objectives in this directory (default: the worker's own). The library
 * never changes the directory of the calling process: with in-process
 * isolation this is refused unless every objective is a command. */
HOPT_API int hopt_worker_options_set_workdir(hopt_worker_options *opts, const char *path);
HOPT_API int hopt_worker_options_set_isolation(hopt_worker_options *opts, hopt_isolation isolation);
/* Fail a trial whose objective runs longer than this (process isolation and
 * commands only; default 0: none). */
HOPT_API int hopt_worker_options_set_trial_timeout(hopt_worker_options *opts, double seconds);
/* Limit the address space of each trial's process to `bytes` (setrlimit
 * RLIMIT_AS in the child; default 0: no limit). An objective that allocates
 * beyond it gets allocation failures and usually dies: its trial is ERROR and
 * the message names the limit; the worker goes on. Process isolation and
 * commands only (refused with HOPT_ISOLATE_NONE unless every objective is a
 * command). Under AddressSanitizer the child fails earlier than the limit
 * suggests (its runtime needs address space of its own). */
HOPT_API int hopt_worker_options_set_memory_limit(hopt_worker_options *opts, int64_t bytes);
/* How long the database may stay unreachable (default 60 s): meanwhile every
 * operation is retried with backoff (0.1 s doubling to 2 s) and the worker
 * carries on when the server is back, writing results computed meanwhile;
 * after it, hopt_worker_run fails with HOPT_ECONNECT. 0: fail at the first
 * connection error. docs/reliability.md. */
HOPT_API int hopt_worker_options_set_server_timeout(hopt_worker_options *opts, double seconds);
/* Heartbeat every `interval` seconds while evaluating (default 2); recover
 * other workers' trials silent for `timeout` seconds (default 30), failing
 * them after `max_attempts` abandonments (default 3). */
HOPT_API int hopt_worker_options_set_heartbeat(hopt_worker_options *opts, double interval, double timeout,
                                               int max_attempts);
/* Trust (docs/threat-model.md). Before it looks up a trial's objective, a
 * worker checks that the trial's experiment was signed by fmin with the
 * shared key (see hopt_fmin_options_set_key_file; same default path, created
 * on first use). A trial of an experiment that is unsigned, signed with
 * another key or changed since it was signed is refused: it is left in the
 * queue for other workers, the reason is logged once, and the worker skips
 * that experiment until its stored domain changes. The key file is read when
 * hopt_worker_run starts, which fails with HOPT_EINVAL if it is unusable. */
HOPT_API int hopt_worker_options_set_key_file(hopt_worker_options *opts, const char *path);
/* 1: check no signature (trusted databases only); logged as a warning when
 * the worker starts. The allow-list still applies. Default 0. */
HOPT_API int hopt_worker_options_set_insecure(hopt_worker_options *opts, int on);
/* Add a pattern (fnmatch(3): *, ?, [...]) to the worker's allow-list: once
 * it has one, the worker runs only objectives whose whole names match a
 * pattern, even in signed experiments. Repeatable. A resolver must give only
 * an objective defined under the very name it was asked for (the Python
 * binding's does), so that the name matched is that of the code that runs
 * (docs/threat-model.md). */
HOPT_API int hopt_worker_options_allow_objective(hopt_worker_options *opts, const char *pattern);
/* Polled between trials, while idle and while a child process evaluates;
 * return non-zero to stop the worker (e.g. on a signal): a trial running in
 * a child is given a grace of 10 s, then put back in the queue. */
HOPT_API int hopt_worker_options_set_stop_check(hopt_worker_options *opts, int (*should_stop)(void *user),
                                                void *user, void (*user_free)(void *user));
/* Log lines (one per event: trial reserved, finished, failed...) go to
 * `fn`; default (and fn NULL): stderr. */
HOPT_API int hopt_worker_options_set_log(hopt_worker_options *opts, void (*fn)(const char *line, void *user),
                                         void *user, void (*user_free)(void *user));

/* Serve the trials of the MongoDB store at `url` (hyperopt-mongo-worker's
 * --mongo form "host:port/db", or any form hopt_trials_mongo_open takes)
 * with the objectives of `registry` until a stop condition of `opts` holds.
 * *jobs_done (may be NULL) receives the number of trials evaluated. Returns
 * HOPT_OK on a normal stop, HOPT_EOBJECTIVE after max_consecutive_failures,
 * HOPT_ECONNECT/HOPT_EDATABASE when the store fails. */
HOPT_API int hopt_worker_run(const char *url, const hopt_registry *registry, const hopt_worker_options *opts,
                             int64_t *jobs_done);

/* ------------------------------------------------------------------------ */
/* Ask and tell: the caller runs the evaluations                            */
/* ------------------------------------------------------------------------ */

/* An optimiser that suggests points on request and takes their results.
 * Not thread-safe: use one optimiser from one thread at a time. */
typedef struct hopt_optimizer hopt_optimizer;

/* `trials` may be NULL (a new in-memory store owned by the optimiser); else it
 * is borrowed and must outlive the optimiser. `algo` NULL means tpe. */
HOPT_API int hopt_optimizer_new(const hopt_space *space, const hopt_algo *algo, hopt_trials *trials,
                                uint64_t seed, hopt_optimizer **out);
HOPT_API void hopt_optimizer_free(hopt_optimizer *opt);

/* Suggest the next point. The trial is stored as RUNNING until told. Each of
 * the out-parameters may be NULL; strings are the caller's (hopt_free). On
 * failure *tid is -1 (0 is a trial id) and the strings NULL. */
HOPT_API int hopt_ask(hopt_optimizer *opt, int64_t *tid, char **vals_out, char **point_out);

/* Report the loss of an asked trial (status "ok"; non-finite -> "fail"). */
HOPT_API int hopt_tell(hopt_optimizer *opt, int64_t tid, double loss);
/* Report a whole hyperopt result dict, e.g. {"status": "fail"}. */
HOPT_API int hopt_tell_result(hopt_optimizer *opt, int64_t tid, const char *result_json);
/* Report that the evaluation raised: the trial becomes ERROR with `message`. */
HOPT_API int hopt_tell_error(hopt_optimizer *opt, int64_t tid, const char *message);

/* The trials the optimiser reads and writes; borrowed, valid while it lives. */
HOPT_API hopt_trials *hopt_optimizer_trials(hopt_optimizer *opt);

#ifdef __cplusplus
}
#endif

#endif /* HOPT_HOPT_H */
