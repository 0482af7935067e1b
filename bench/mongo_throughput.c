/*
 * Trials per second through a MongoDB server (FerretDB in bench/run_mongo_throughput.sh),
 * end to end: hopt's fmin (hopt_trials_mongo_open) queues trials of a trivial objective,
 * N real `hyperopt-mongo-worker` processes evaluate them (objective "trivial" from
 * bench/mongo_plugin_trivial.c), and the clock runs from the fmin call (its first action
 * after storing the domain is to queue trials) to fmin's return with every trial DONE.
 *
 * For each algorithm x isolation x worker count: a fresh database, N workers started and
 * idle (polling), then fmin(max_evals = --trials) with hopt's defaults for a MongoDB store
 * (queue target max(4, 2 x running), polling every 20 ms while trials finish, backing off to
 * 0.5 s when nothing changes).
 * Workers run as the tutorial runs them: --poll-interval=0.1, each trial in a forked
 * child ("process", the default) or in the worker's own process ("none",
 * --no-subprocesses).
 *
 * Printed per configuration (one JSON line): trials/s, and per trial the CPU of the driver
 * (this process, getrusage), of the workers (/proc: their threads and their waited-for
 * children, over the timed window), of the server (/proc of --server-pid), and the server's
 * commands (serverStatus.metrics.commands deltas; FerretDB and MongoDB both count them).
 *
 * Usage: bench_mongo_throughput --server HOST:PORT --worker PATH --plugin PATH
 *          [--workers 1,2,4] [--isolation process,none] [--algo rand,tpe] [--trials 400]
 *          [--server-pid PID] [--log-dir DIR] [--keep] [--index-hook CMD]
 *
 * --index-hook CMD: before the workers start, create every collection of the protocol and
 * run `CMD DB` (bench/mongo_ferretdb_id_index.py DATA_DIR: FerretDB's tables get the index
 * their `_id` lookups can use; without it every lookup by _id scans the collection).
 */
#include "mongo_common.h"

#include <getopt.h>

#include <hopt/hopt.h>

static int dummy_objective(const hopt_point *point, hopt_result *result, void *user) {
    /* Never called: the workers evaluate "trivial" with their plugin. */
    (void)user;
    double x = 0;
    hopt_point_get_double(point, "", &x);
    return hopt_result_set_loss(result, x);
}

#define CHECK(call)                                                                                   \
    do {                                                                                              \
        int rc_ = (call);                                                                             \
        if (rc_ != HOPT_OK) bm_die("%s failed: %s: %s", #call, hopt_status_name(rc_), hopt_errmsg()); \
    } while (0)

struct config {
    const char *server, *worker, *plugin, *log_dir, *hook;
    int trials;
    pid_t server_pid;
    int keep;
};

static void run_one(const struct config *cfg, mongoc_client_t *admin, const char *algo_name, int in_process,
                    int n_workers) {
    char db[128], url[256], mongo_arg[300], plugin_arg[1100], log[1100];
    snprintf(db, sizeof db, "bench_tp_%s_%s_w%d%s_%d", algo_name, in_process ? "none" : "process", n_workers,
             cfg->hook ? "_idx" : "", (int)getpid());
    snprintf(url, sizeof url, "mongodb://%s/%s", cfg->server, db);
    snprintf(mongo_arg, sizeof mongo_arg, "--mongo=%s/%s", cfg->server, db);
    snprintf(plugin_arg, sizeof plugin_arg, "--plugin=%s", cfg->plugin);
    snprintf(log, sizeof log, "%s/%s.log", cfg->log_dir ? cfg->log_dir : "/tmp", db);
    unlink(log);
    bm_drop_database(admin, db);

    /* The store first (it creates the collections' indexes), then the workers. */
    hopt_trials *trials;
    CHECK(hopt_trials_mongo_open(url, "bench", &trials));
    if (cfg->hook) {
        bm_create_collections(admin, db);
        bm_run_hook(cfg->hook, db);
    }
    pid_t pids[64];
    for (int i = 0; i < n_workers; ++i) {
        char *argv[] = {(char *)cfg->worker, mongo_arg, "--exp-key=bench", "--poll-interval=0.1", plugin_arg,
                        "--reserve-timeout=600", in_process ? "--no-subprocesses" : NULL, NULL};
        pids[i] = bm_spawn(argv, log);
    }
    /* Wait until every worker is polling. */
    const double wait_until = bm_now() + 20;
    while (bm_count_lines(log, " serving ") < n_workers) {
        if (bm_now() > wait_until) bm_die("workers did not start; see %s", log);
        bm_sleep(0.02);
    }
    bm_sleep(0.3);

    hopt_space *space;
    hopt_objective *fn;
    hopt_algo *algo;
    hopt_fmin_options *opts;
    CHECK(hopt_space_from_json("{\"hp\": \"uniform\", \"label\": \"x\", \"low\": -2, \"high\": 2}", &space));
    CHECK(hopt_objective_new("trivial", dummy_objective, NULL, NULL, &fn));
    CHECK(hopt_algo_new(algo_name, &algo));
    CHECK(hopt_fmin_options_new(&opts));
    CHECK(hopt_fmin_options_set_seed(opts, 42));
    CHECK(hopt_fmin_options_set_show_progress(opts, 0));
    CHECK(hopt_fmin_options_set_timeout(opts, 300));

    double wcpu0[64];
    for (int i = 0; i < n_workers; ++i) wcpu0[i] = bm_proc_cpu(pids[i]);
    const double scpu0 = cfg->server_pid > 0 ? bm_proc_cpu(cfg->server_pid) : -1;
    const bm_cmds cmd0 = bm_server_commands(admin);
    const double cpu0 = bm_self_cpu();
    const double t0 = bm_now();
    char *best = NULL;
    const int rc = hopt_fmin(fn, space, algo, cfg->trials, trials, opts, &best);
    const double t1 = bm_now();
    const double cpu1 = bm_self_cpu();
    const bm_cmds cmd1 = bm_server_commands(admin);
    const double scpu1 = cfg->server_pid > 0 ? bm_proc_cpu(cfg->server_pid) : -1;
    double wcpu = 0;
    for (int i = 0; i < n_workers; ++i) wcpu += bm_proc_cpu(pids[i]) - wcpu0[i];
    if (rc != HOPT_OK) fprintf(stderr, "bench: fmin: %s: %s\n", hopt_status_name(rc), hopt_errmsg());

    int64_t done = 0, errors = 0;
    CHECK(hopt_trials_count(trials, HOPT_STATE_DONE, &done));
    CHECK(hopt_trials_count(trials, HOPT_STATE_ERROR, &errors));
    bm_stop_all(pids, n_workers, 15);
    const int evaluations = bm_count_lines(log, "job finished");

    const double secs = t1 - t0, n = (double)done;
    printf("{\"bench\": \"mongo_throughput\", \"impl\": \"hopt\", \"version\": \"%s\", \"algo\": \"%s\", "
           "\"isolation\": \"%s\", \"id_index\": %s, \"workers\": %d, \"trials\": %d, \"done\": %lld, \"errors\": %lld, "
           "\"evaluations\": %d, \"seconds\": %.3f, \"trials_per_s\": %.2f, \"driver_cpu_ms_per_trial\": %.3f, "
           "\"workers_cpu_ms_per_trial\": %.3f, \"server_cpu_ms_per_trial\": %.3f, \"commands_per_trial\": ",
           hopt_version(), algo_name, in_process ? "none" : "process", cfg->hook ? "true" : "false", n_workers, cfg->trials, (long long)done,
           (long long)errors, evaluations, secs, n / secs, 1e3 * (cpu1 - cpu0) / n, 1e3 * wcpu / n,
           scpu0 >= 0 ? 1e3 * (scpu1 - scpu0) / n : -1.0);
    bm_print_cmds(stdout, &cmd0, &cmd1, n);
    printf("}\n");
    fflush(stdout);
    fprintf(stderr, "hopt %-4s isolation=%-7s workers=%d: %lld/%d trials in %.2f s = %.1f trials/s\n", algo_name,
            in_process ? "none" : "process", n_workers, (long long)done, cfg->trials, secs, n / secs);

    hopt_free(best);
    hopt_fmin_options_free(opts);
    hopt_algo_free(algo);
    hopt_objective_free(fn);
    hopt_space_free(space);
    hopt_trials_free(trials);
    if (!cfg->keep) {
        bm_drop_database(admin, db);
        unlink(log);
    }
}

int main(int argc, char **argv) {
    struct config cfg = {NULL, NULL, NULL, NULL, NULL, 400, 0, 0};
    const char *workers = "1,2,4", *isolation = "process,none", *algos = "rand,tpe";
    static const struct option longopts[] = {
        {"server", required_argument, NULL, 's'},  {"worker", required_argument, NULL, 'w'},
        {"plugin", required_argument, NULL, 'p'},  {"workers", required_argument, NULL, 'n'},
        {"isolation", required_argument, NULL, 'i'}, {"algo", required_argument, NULL, 'a'},
        {"trials", required_argument, NULL, 't'},  {"server-pid", required_argument, NULL, 'P'},
        {"log-dir", required_argument, NULL, 'l'}, {"keep", no_argument, NULL, 'k'},
        {"index-hook", required_argument, NULL, 'H'},
        {NULL, 0, NULL, 0}};
    int c;
    while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
        switch (c) {
        case 's': cfg.server = optarg; break;
        case 'w': cfg.worker = optarg; break;
        case 'p': cfg.plugin = optarg; break;
        case 'n': workers = optarg; break;
        case 'i': isolation = optarg; break;
        case 'a': algos = optarg; break;
        case 't': cfg.trials = atoi(optarg); break;
        case 'P': cfg.server_pid = (pid_t)atoi(optarg); break;
        case 'l': cfg.log_dir = optarg; break;
        case 'k': cfg.keep = 1; break;
        case 'H': cfg.hook = optarg; break;
        default: return 2;
        }
    }
    if (!cfg.server || !cfg.worker || !cfg.plugin) {
        fprintf(stderr, "usage: %s --server HOST:PORT --worker PATH --plugin PATH [--workers 1,2,4] "
                        "[--isolation process,none] [--algo rand,tpe] [--trials 400] [--server-pid PID] "
                        "[--log-dir DIR] [--keep] [--index-hook CMD]\n", argv[0]);
        return 2;
    }
    int ns[16];
    const int n_counts = bm_parse_list(workers, ns, 16);

    mongoc_init();
    char uri[300];
    snprintf(uri, sizeof uri, "mongodb://%s/?appname=bench-admin", cfg.server);
    mongoc_client_t *admin = mongoc_client_new(uri);
    if (!admin) bm_die("bad server address %s", cfg.server);

    char algo_list[256], iso_list[256];
    snprintf(algo_list, sizeof algo_list, "%s", algos);
    for (char *sa = NULL, *a = strtok_r(algo_list, ",", &sa); a; a = strtok_r(NULL, ",", &sa)) {
        snprintf(iso_list, sizeof iso_list, "%s", isolation);
        for (char *si = NULL, *iso = strtok_r(iso_list, ",", &si); iso; iso = strtok_r(NULL, ",", &si)) {
            if (strcmp(iso, "process") != 0 && strcmp(iso, "none") != 0) bm_die("--isolation: process or none");
            for (int k = 0; k < n_counts; ++k) run_one(&cfg, admin, a, strcmp(iso, "none") == 0, ns[k]);
        }
    }
    mongoc_client_destroy(admin);
    mongoc_cleanup();
    return 0;
}
