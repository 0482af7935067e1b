/*
 * Driver CPU per trial against the number of trials already stored: does fmin's refresh of a
 * MongoDB store stay incremental? For each --stored N (e.g. 1,000 and 50,000):
 *
 *  1. a fresh database; fmin (rand) runs 2 trials through the real workers, so that every
 *     collection holds documents exactly as hopt writes them (jobs, hopt_tids, hopt_claims,
 *     hopt_results, hopt_experiments; the queue and running collections end empty);
 *  2. trials 2 .. N-1 are added as copies of trial 0's documents with their own tid, point
 *     and loss (bulk inserts into the same four collections: what the protocol leaves behind
 *     for a DONE trial);
 *  3. a new store handle is opened and loaded (hopt_trials_count: the full read of `jobs` a
 *     process does once per experiment), timed on its own ("open"); then 20 more
 *     hopt_trials_count calls while nothing changes, each an incremental refresh, give the
 *     CPU and wall time of one idle poll ("refresh");
 *  4. fmin(rand, max_evals = stored + A) adds A trials (--add, one value per N) through
 *     --workers in-process workers; over that call we take the CPU time of this process
 *     (getrusage: the driver with its libmongoc threads), of the workers and of the server
 *     (/proc), the server's commands and the wall time, each per added trial;
 *  5. with --index-hook CMD: `CMD DB` gives FerretDB's tables the index their _id lookups
 *     can use (bench/mongo_ferretdb_id_index.py), and steps 3's refresh timing and 4 run
 *     again on the same data (--add-indexed trials): what the driver costs when the server's
 *     _id lookups do not grow with the collection, as on MongoDB.
 *
 * Usage: bench_mongo_driver_cpu --server HOST:PORT --worker PATH --plugin PATH
 *          [--stored 1000,50000] [--add 200,20] [--workers 2] [--server-pid PID] [--log-dir DIR]
 *          [--keep] [--index-hook CMD [--add-indexed 200]]
 * Output: one JSON line per N and phase ("id_index": false, then true).
 */
#include "mongo_hopt.h"

#include <getopt.h>

static void tid_key(int64_t tid, char out[24]) { snprintf(out, 24, "%012lld", (long long)tid); }

/* Copy `src` into `dst` with the trial's own identity: _id, tid, misc.tid, misc.idxs.*,
 * misc.vals.*, result.loss (and, for claims, an _id "<key>/0"). */
static void clone_doc(const bson_t *src, bson_t *dst, const char *id, int64_t tid, double x, int depth,
                      const char *parent) {
    bson_iter_t it;
    bson_iter_init(&it, src);
    while (bson_iter_next(&it)) {
        const char *k = bson_iter_key(&it);
        if (depth == 0 && strcmp(k, "_id") == 0) {
            BSON_APPEND_UTF8(dst, k, id);
        } else if (strcmp(k, "tid") == 0 && BSON_ITER_HOLDS_NUMBER(&it)) {
            BSON_APPEND_INT64(dst, k, tid);
        } else if (depth == 1 && strcmp(parent, "result") == 0 && strcmp(k, "loss") == 0) {
            BSON_APPEND_DOUBLE(dst, k, x);
        } else if (depth == 2 && (strcmp(parent, "idxs") == 0 || strcmp(parent, "vals") == 0) &&
                   BSON_ITER_HOLDS_ARRAY(&it)) {
            bson_t arr;
            BSON_APPEND_ARRAY_BEGIN(dst, k, &arr);
            if (strcmp(parent, "idxs") == 0) BSON_APPEND_INT64(&arr, "0", tid);
            else BSON_APPEND_DOUBLE(&arr, "0", x);
            bson_append_array_end(dst, &arr);
        } else if (BSON_ITER_HOLDS_DOCUMENT(&it) && depth < 2) {
            uint32_t len;
            const uint8_t *data;
            bson_iter_document(&it, &len, &data);
            bson_t sub, child;
            bson_init_static(&sub, data, len);
            BSON_APPEND_DOCUMENT_BEGIN(dst, k, &child);
            clone_doc(&sub, &child, id, tid, x, depth + 1, k);
            bson_append_document_end(dst, &child);
        } else {
            bson_append_iter(dst, k, -1, &it);
        }
    }
}

static bson_t *find_template(mongoc_database_t *db, const char *coll, const char *id) {
    mongoc_collection_t *c = mongoc_database_get_collection(db, coll);
    bson_t *filter = BCON_NEW("_id", BCON_UTF8(id));
    mongoc_cursor_t *cur = mongoc_collection_find_with_opts(c, filter, NULL, NULL);
    const bson_t *doc;
    bson_t *out = NULL;
    if (mongoc_cursor_next(cur, &doc)) out = bson_copy(doc);
    mongoc_cursor_destroy(cur);
    bson_destroy(filter);
    mongoc_collection_destroy(c);
    if (!out) bm_die("no template document %s in %s", id, coll);
    return out;
}

/* Trials [from, to) as copies of the templates, in unordered bulk inserts of 1,000. */
static void fill(mongoc_database_t *db, int64_t from, int64_t to) {
    const char *colls[4] = {"jobs", "hopt_tids", "hopt_claims", "hopt_results"};
    char key0[24], claim0[40];
    tid_key(0, key0);
    snprintf(claim0, sizeof claim0, "%s/0", key0);
    bson_t *templ[4] = {find_template(db, "jobs", key0), find_template(db, "hopt_tids", key0),
                        find_template(db, "hopt_claims", claim0), find_template(db, "hopt_results", key0)};
    unsigned seed = 7;
    for (int c = 0; c < 4; ++c) {
        mongoc_collection_t *coll = mongoc_database_get_collection(db, colls[c]);
        unsigned s = seed;
        for (int64_t start = from; start < to; start += 1000) {
            bson_t *opts = BCON_NEW("ordered", BCON_BOOL(false));
            mongoc_bulk_operation_t *bulk = mongoc_collection_create_bulk_operation_with_opts(coll, opts);
            for (int64_t tid = start; tid < to && tid < start + 1000; ++tid) {
                char key[24], id[40];
                tid_key(tid, key);
                if (c == 2) snprintf(id, sizeof id, "%s/0", key);
                else snprintf(id, sizeof id, "%s", key);
                const double x = -2 + 4 * (double)rand_r(&s) / RAND_MAX;
                bson_t doc = BSON_INITIALIZER;
                clone_doc(templ[c], &doc, id, tid, x, 0, "");
                mongoc_bulk_operation_insert(bulk, &doc);
                bson_destroy(&doc);
            }
            bson_t reply;
            bson_error_t error;
            if (!mongoc_bulk_operation_execute(bulk, &reply, &error)) bm_die("bulk insert into %s: %s", colls[c], error.message);
            bson_destroy(&reply);
            mongoc_bulk_operation_destroy(bulk);
            bson_destroy(opts);
        }
        mongoc_collection_destroy(coll);
    }
    for (int c = 0; c < 4; ++c) bson_destroy(templ[c]);
}

struct config {
    const char *server, *worker, *plugin, *log_dir, *hook;
    int workers, keep;
    pid_t server_pid;
};

static void run_one(const struct config *cfg, mongoc_client_t *admin, int64_t stored, int add_stock, int add_indexed) {
    bm_run r;
    snprintf(r.db, sizeof r.db, "bench_cpu_%lld_%d", (long long)stored, (int)getpid());
    bm_run_prepare(&r, admin, cfg->server, cfg->plugin, cfg->log_dir);

    bm_fmin f;
    bm_fmin_new(&f, "rand");
    hopt_trials *trials;
    BM_CHECK(hopt_trials_mongo_open(r.url, "bench", &trials));
    pid_t pids[64];
    bm_start_workers(&r, cfg->worker, cfg->workers, 900, 1, pids);

    /* 1. two real trials; 2. the rest as copies */
    BM_CHECK(hopt_fmin(f.fn, f.space, f.algo, 2, trials, f.opts, NULL));
    hopt_trials_free(trials);
    const double f0 = bm_now();
    mongoc_database_t *database = mongoc_client_get_database(admin, r.db);
    if (stored > 2) fill(database, 2, stored);
    mongoc_database_destroy(database);
    const double fill_s = bm_now() - f0;

    /* 3. a new handle, loaded once */
    const double o_cpu0 = bm_self_cpu(), o0 = bm_now();
    BM_CHECK(hopt_trials_mongo_open(r.url, "bench", &trials));
    int64_t n0 = 0;
    BM_CHECK(hopt_trials_count(trials, -1, &n0));
    const double open_s = bm_now() - o0, open_cpu = bm_self_cpu() - o_cpu0;
    if (n0 != stored) bm_die("expected %lld stored trials, found %lld", (long long)stored, (long long)n0);

    /* 4. on the server as it is, then (--index-hook) with FerretDB's _id lookups indexed */
    for (int phase = 0; phase < (cfg->hook ? 2 : 1); ++phase) {
        const int add = phase == 0 ? add_stock : add_indexed;
        if (phase == 1) bm_run_hook(cfg->hook, r.db);
        int64_t before = 0;
        BM_CHECK(hopt_trials_count(trials, -1, &before));
        const int n_refresh = 20;
        const double r_cpu0 = bm_self_cpu(), r0 = bm_now();
        for (int i = 0; i < n_refresh; ++i) BM_CHECK(hopt_trials_count(trials, -1, &n0));
        const double refresh_s = (bm_now() - r0) / n_refresh, refresh_cpu = (bm_self_cpu() - r_cpu0) / n_refresh;

        bm_window w;
        bm_window_begin(&w, admin, pids, cfg->workers, cfg->server_pid);
        const int rc = hopt_fmin(f.fn, f.space, f.algo, before + add, trials, f.opts, NULL);
        bm_window_end(&w);
        if (rc != HOPT_OK) fprintf(stderr, "bench: fmin: %s: %s\n", hopt_status_name(rc), hopt_errmsg());
        int64_t after = 0;
        BM_CHECK(hopt_trials_count(trials, HOPT_STATE_DONE, &after));

        const double added = (double)(after - before);
        printf("{\"bench\": \"mongo_driver_cpu\", \"impl\": \"hopt\", \"algo\": \"rand\", \"id_index\": %s, "
               "\"workers\": %d, \"stored\": %lld, \"added\": %.0f, \"fill_seconds\": %.2f, \"open_seconds\": %.3f, "
               "\"open_cpu_seconds\": %.3f, \"refresh_ms\": %.3f, \"refresh_cpu_ms\": %.3f, ",
               phase ? "true" : "false", cfg->workers, (long long)before, added, fill_s, open_s, open_cpu,
               1e3 * refresh_s, 1e3 * refresh_cpu);
        bm_window_print(&w, added);
        fprintf(stderr, "driver cpu, %lld stored%s: fill %.1f s, open %.2f s, idle refresh %.2f ms (%.2f ms CPU); "
                        "%.0f trials added in %.2f s, driver %.2f ms CPU per trial, server %.1f ms\n",
                (long long)before, phase ? " (id index)" : "", fill_s, open_s, 1e3 * refresh_s, 1e3 * refresh_cpu,
                added, bm_window_seconds(&w), 1e3 * bm_window_driver_cpu(&w) / added,
                bm_window_server_ms_per_trial(&w, added));
    }
    bm_stop_all(pids, cfg->workers, 15);

    bm_fmin_free(&f);
    hopt_trials_free(trials);
    bm_run_finish(&r, admin, cfg->keep);
}

int main(int argc, char **argv) {
    struct config cfg = {NULL, NULL, NULL, NULL, NULL, 2, 0, 0};
    const char *stored = "1000,50000", *adds = "200,20", *adds_indexed = "200";
    static const struct option longopts[] = {
        {"server", required_argument, NULL, 's'}, {"worker", required_argument, NULL, 'w'},
        {"plugin", required_argument, NULL, 'p'}, {"stored", required_argument, NULL, 'N'},
        {"add", required_argument, NULL, 'a'},    {"workers", required_argument, NULL, 'n'},
        {"server-pid", required_argument, NULL, 'P'}, {"log-dir", required_argument, NULL, 'l'},
        {"keep", no_argument, NULL, 'k'},         {"index-hook", required_argument, NULL, 'H'},
        {"add-indexed", required_argument, NULL, 'A'},
        {NULL, 0, NULL, 0}};
    int c;
    while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
        switch (c) {
        case 's': cfg.server = optarg; break;
        case 'w': cfg.worker = optarg; break;
        case 'p': cfg.plugin = optarg; break;
        case 'N': stored = optarg; break;
        case 'a': adds = optarg; break;
        case 'A': adds_indexed = optarg; break;
        case 'n': cfg.workers = atoi(optarg); break;
        case 'P': cfg.server_pid = (pid_t)atoi(optarg); break;
        case 'l': cfg.log_dir = optarg; break;
        case 'k': cfg.keep = 1; break;
        case 'H': cfg.hook = optarg; break;
        default: return 2;
        }
    }
    if (!cfg.server || !cfg.worker || !cfg.plugin || cfg.workers < 1 || cfg.workers > 64) {
        fprintf(stderr, "usage: %s --server HOST:PORT --worker PATH --plugin PATH [--stored 1000,50000] "
                        "[--add 200,20] [--workers 2] [--server-pid PID] [--log-dir DIR] [--keep] "
                        "[--index-hook CMD [--add-indexed 200]]\n", argv[0]);
        return 2;
    }
    int ns[16], as[16], ai[16];
    const int n = bm_parse_list(stored, ns, 16), n_adds = bm_parse_list(adds, as, 16);
    const int n_ai = bm_parse_list(adds_indexed, ai, 16);
    mongoc_client_t *admin = bm_admin_client(cfg.server);
    for (int k = 0; k < n; ++k) {
        if (ns[k] < 2) bm_die("--stored: at least 2");
        const int add = as[k < n_adds ? k : n_adds - 1], add_indexed = ai[k < n_ai ? k : n_ai - 1];
        if (add < 1 || add_indexed < 1) bm_die("--add, --add-indexed: at least 1");
        run_one(&cfg, admin, ns[k], add, add_indexed);
    }
    mongoc_client_destroy(admin);
    mongoc_cleanup();
    return 0;
}
