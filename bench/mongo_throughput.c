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
#include "mongo_hopt.h"

#include <getopt.h>

struct config {
    const char *server, *worker, *plugin, *log_dir, *hook;
    int trials;
    pid_t server_pid;
    int keep;
};

static void run_one(const struct config *cfg, mongoc_client_t *admin, const char *algo_name, int in_process,
                    int n_workers) {
    bm_run r;
    snprintf(r.db, sizeof r.db, "bench_tp_%s_%s_w%d%s_%d", algo_name, in_process ? "none" : "process", n_workers,
             cfg->hook ? "_idx" : "", (int)getpid());
    bm_run_prepare(&r, admin, cfg->server, cfg->plugin, cfg->log_dir);

    /* The store first (it creates the collections' indexes), then the workers. */
    hopt_trials *trials;
    BM_CHECK(hopt_trials_mongo_open(r.url, "bench", &trials));
    if (cfg->hook) {
        bm_create_collections(admin, r.db);
        bm_run_hook(cfg->hook, r.db);
    }
    pid_t pids[64];
    bm_start_workers(&r, cfg->worker, n_workers, 600, in_process, pids);
    bm_sleep(0.3);

    bm_fmin f;
    bm_fmin_new(&f, algo_name);
    bm_window w;
    bm_window_begin(&w, admin, pids, n_workers, cfg->server_pid);
    char *best = NULL;
    const int rc = hopt_fmin(f.fn, f.space, f.algo, cfg->trials, trials, f.opts, &best);
    bm_window_end(&w);
    if (rc != HOPT_OK) fprintf(stderr, "bench: fmin: %s: %s\n", hopt_status_name(rc), hopt_errmsg());

    int64_t done = 0, errors = 0;
    BM_CHECK(hopt_trials_count(trials, HOPT_STATE_DONE, &done));
    BM_CHECK(hopt_trials_count(trials, HOPT_STATE_ERROR, &errors));
    bm_stop_all(pids, n_workers, 15);
    const int evaluations = bm_count_lines(r.log, "job finished");

    const double secs = bm_window_seconds(&w), n = (double)done;
    printf("{\"bench\": \"mongo_throughput\", \"impl\": \"hopt\", \"version\": \"%s\", \"algo\": \"%s\", "
           "\"isolation\": \"%s\", \"id_index\": %s, \"workers\": %d, \"trials\": %d, \"done\": %lld, \"errors\": %lld, "
           "\"evaluations\": %d, ",
           hopt_version(), algo_name, in_process ? "none" : "process", cfg->hook ? "true" : "false", n_workers, cfg->trials, (long long)done,
           (long long)errors, evaluations);
    bm_window_print(&w, n);
    fprintf(stderr, "hopt %-4s isolation=%-7s workers=%d: %lld/%d trials in %.2f s = %.1f trials/s\n", algo_name,
            in_process ? "none" : "process", n_workers, (long long)done, cfg->trials, secs, n / secs);

    hopt_free(best);
    bm_fmin_free(&f);
    hopt_trials_free(trials);
    bm_run_finish(&r, admin, cfg->keep);
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

    mongoc_client_t *admin = bm_admin_client(cfg.server);

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
