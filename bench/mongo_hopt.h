/*
 * hopt's side of the MongoDB benchmarks that run fmin against real hyperopt-mongo-worker
 * processes (bench/mongo_throughput.c, bench/mongo_driver_cpu.c): the fmin they run, a
 * measurement's database, log and workers, and what a timed window costs the driver, the
 * workers and the server. Header-only, as mongo_common.h.
 */
#ifndef HOPT_BENCH_MONGO_HOPT_H
#define HOPT_BENCH_MONGO_HOPT_H

#include "mongo_common.h"

#include <hopt/hopt.h>

#define BM_CHECK(call)                                                                                \
    do {                                                                                              \
        int rc_ = (call);                                                                             \
        if (rc_ != HOPT_OK) bm_die("%s failed: %s: %s", #call, hopt_status_name(rc_), hopt_errmsg()); \
    } while (0)

/* The admin connection: the server's counters, dropping databases. */
static mongoc_client_t *bm_admin_client(const char *server) {
    mongoc_init();
    char uri[300];
    snprintf(uri, sizeof uri, "mongodb://%s/?appname=bench-admin", server);
    mongoc_client_t *admin = mongoc_client_new(uri);
    if (!admin) bm_die("bad server address %s", server);
    return admin;
}

static int bm_dummy_objective(const hopt_point *point, hopt_result *result, void *user) {
    /* Never called: the workers evaluate "trivial" with their plugin. */
    (void)user;
    double x = 0;
    hopt_point_get_double(point, "", &x);
    return hopt_result_set_loss(result, x);
}

/* fmin's arguments: x ~ uniform(-2, 2) for objective "trivial", seed 42, no progress bar,
 * a 300 s timeout. */
typedef struct {
    hopt_space *space;
    hopt_objective *fn;
    hopt_algo *algo;
    hopt_fmin_options *opts;
} bm_fmin;

static void bm_fmin_new(bm_fmin *f, const char *algo) {
    BM_CHECK(hopt_space_from_json("{\"hp\": \"uniform\", \"label\": \"x\", \"low\": -2, \"high\": 2}", &f->space));
    BM_CHECK(hopt_objective_new("trivial", bm_dummy_objective, NULL, NULL, &f->fn));
    BM_CHECK(hopt_algo_new(algo, &f->algo));
    BM_CHECK(hopt_fmin_options_new(&f->opts));
    BM_CHECK(hopt_fmin_options_set_seed(f->opts, 42));
    BM_CHECK(hopt_fmin_options_set_show_progress(f->opts, 0));
    BM_CHECK(hopt_fmin_options_set_timeout(f->opts, 300));
}

static void bm_fmin_free(bm_fmin *f) {
    hopt_fmin_options_free(f->opts);
    hopt_algo_free(f->algo);
    hopt_objective_free(f->fn);
    hopt_space_free(f->space);
}

/* One measurement's database (`db`, named by the caller), fmin's URL for it, the workers'
 * --mongo and --plugin arguments and their log (in log_dir, default /tmp). */
typedef struct {
    char db[128], url[256], mongo_arg[300], plugin_arg[1100], log[1100];
} bm_run;

/* Fill in everything but `db`, and start from an empty database and log. */
static void bm_run_prepare(bm_run *r, mongoc_client_t *admin, const char *server, const char *plugin,
                           const char *log_dir) {
    snprintf(r->url, sizeof r->url, "mongodb://%s/%s", server, r->db);
    snprintf(r->mongo_arg, sizeof r->mongo_arg, "--mongo=%s/%s", server, r->db);
    snprintf(r->plugin_arg, sizeof r->plugin_arg, "--plugin=%s", plugin);
    snprintf(r->log, sizeof r->log, "%s/%s.log", log_dir ? log_dir : "/tmp", r->db);
    unlink(r->log);
    bm_drop_database(admin, r->db);
}

/* Drop the database and the log, unless kept for a look. */
static void bm_run_finish(const bm_run *r, mongoc_client_t *admin, int keep) {
    if (keep) return;
    bm_drop_database(admin, r->db);
    unlink(r->log);
}

/* Start `n` workers as the tutorial runs them (--poll-interval=0.1), each trial in a forked
 * child or, `in_process`, in the worker itself (--no-subprocesses), and wait until every
 * one is polling. */
static void bm_start_workers(const bm_run *r, const char *worker, int n, int reserve_timeout, int in_process,
                             pid_t *pids) {
    char reserve_arg[64];
    snprintf(reserve_arg, sizeof reserve_arg, "--reserve-timeout=%d", reserve_timeout);
    for (int i = 0; i < n; ++i) {
        char *argv[] = {(char *)worker, (char *)r->mongo_arg, "--exp-key=bench", "--poll-interval=0.1",
                        (char *)r->plugin_arg, reserve_arg, in_process ? "--no-subprocesses" : NULL, NULL};
        pids[i] = bm_spawn(argv, r->log);
    }
    const double wait_until = bm_now() + 20;
    while (bm_count_lines(r->log, " serving ") < n) {
        if (bm_now() > wait_until) bm_die("workers did not start; see %s", r->log);
        bm_sleep(0.02);
    }
}

/* A timed window: wall clock, CPU of this process (the driver, getrusage), of the workers
 * and of the server (/proc; -1 without its pid), the server's commands. */
typedef struct {
    mongoc_client_t *admin;
    const pid_t *pids;
    int n_workers;
    pid_t server_pid;
    double t0, t1, cpu0, cpu1, server0, server1, workers0[64], workers;
    bm_cmds cmd0, cmd1;
} bm_window;

static void bm_window_begin(bm_window *w, mongoc_client_t *admin, const pid_t *pids, int n_workers, pid_t server_pid) {
    w->admin = admin;
    w->pids = pids;
    w->n_workers = n_workers;
    w->server_pid = server_pid;
    for (int i = 0; i < n_workers; ++i) w->workers0[i] = bm_proc_cpu(pids[i]);
    w->server0 = server_pid > 0 ? bm_proc_cpu(server_pid) : -1;
    w->cmd0 = bm_server_commands(admin);
    w->cpu0 = bm_self_cpu();
    w->t0 = bm_now();
}

static void bm_window_end(bm_window *w) {
    w->t1 = bm_now();
    w->cpu1 = bm_self_cpu();
    w->cmd1 = bm_server_commands(w->admin);
    w->server1 = w->server_pid > 0 ? bm_proc_cpu(w->server_pid) : -1;
    w->workers = 0;
    for (int i = 0; i < w->n_workers; ++i) w->workers += bm_proc_cpu(w->pids[i]) - w->workers0[i];
}

static double bm_window_seconds(const bm_window *w) { return w->t1 - w->t0; }
static double bm_window_driver_cpu(const bm_window *w) { return w->cpu1 - w->cpu0; }
/* -1 without the server's pid. */
static double bm_window_server_ms_per_trial(const bm_window *w, double trials) {
    return w->server0 >= 0 ? 1e3 * (w->server1 - w->server0) / trials : -1.0;
}

/* The fields every measurement's JSON line ends with, per trial of `trials`, and the end of
 * the line. */
static void bm_window_print(const bm_window *w, double trials) {
    const double secs = bm_window_seconds(w);
    printf("\"seconds\": %.3f, \"trials_per_s\": %.2f, \"driver_cpu_ms_per_trial\": %.3f, "
           "\"workers_cpu_ms_per_trial\": %.3f, \"server_cpu_ms_per_trial\": %.3f, \"commands_per_trial\": ",
           secs, trials / secs, 1e3 * bm_window_driver_cpu(w) / trials, 1e3 * w->workers / trials,
           bm_window_server_ms_per_trial(w, trials));
    bm_print_cmds(stdout, &w->cmd0, &w->cmd1, trials);
    printf("}\n");
    fflush(stdout);
}

#endif
