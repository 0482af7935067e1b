/*
 * The physical bound for bench_mongo_throughput: a tight libmongoc loop that sends exactly
 * the database operations of hopt's job protocol (docs/mongo-protocol.md,
 * src/trials/mongo/mongo_store.cpp, src/fmin/fmin.cpp, src/worker/worker.cpp), with the
 * same documents, the same filters and the same indexes, and no engine work at all: no
 * JSON, no search space, no suggestion, no objective, no process per trial. A driver thread
 * and N "worker" threads, each with its own mongoc_client_t, as hopt's driver process and
 * N worker processes. Trials/s from the driver's first insert until it has seen every trial
 * DONE, as bench_mongo_throughput times fmin.
 *
 * The operations, in the order hopt sends them (collection, filter, what hopt calls it):
 *
 *   driver, per trial queued (fmin -> MongoStore::new_tids, MongoStore::insert)
 *     D1  insert hopt_tids    {_id: tid}                                        new_tids
 *     D2  insert jobs         hyperopt's trial document, state NEW, claim 0     insert
 *     D3  insert hopt_queue   {_id, tid, exp_key, objective, claim}              insert
 *   driver, per poll (fmin's loop: sleep, recover_stale, refresh -> refresh_incremental)
 *     P0  find   hopt_queue {} projection tid/claim  (every experiment; at most
 *                once a second, as recover_stale is rate-limited)           recover_stranded
 *     P1  find   hopt_running {}   (every experiment; with P0, once a second)   recover_stale
 *     P2  find   hopt_experiments {_id: "k:<exp_key>"}    (generation token)    read_generation
 *     P3  find   hopt_queue   {exp_key}  projection tid/claim/owner             refresh_incremental
 *     P4  find   hopt_running {exp_key}  projection tid/claim/owner             refresh_incremental
 *     P5  find   jobs {_id} limit 1, for each trial whose place (queued, running, neither)
 *                no longer matches its cached state: once when it is seen running (if the
 *                poll catches it), once when it has finished                    refresh_incremental
 *     P6  find   hopt_results {_id}, only for a trial that is in neither place but whose
 *                job document is not final yet (worker between D8 and W9)       refresh_incremental
 *   worker, per trial (Worker::step -> MongoStore::reserve, get_domain, complete)
 *     W1  find   hopt_queue {exp_key, objective: {$in: [...]}} sort tid, limit 16   reserve
 *     W2  insert hopt_claims  {_id: "<tid>/<claim>", owner, kind, at}               reserve (claim)
 *     W4  replace hopt_running {_id} upsert {_id, tid, exp_key, owner, claim, beat, at}  reserve
 *     W3  delete hopt_queue   {_id}                                                 reserve
 *     W5  update jobs {_id} $set state RUNNING, owner, book_time, refresh_time, result; $inc version
 *     W6  find   jobs {_id} limit 1                                                 reserve
 *     W7  find   hopt_experiments {_id}   (the domain, once per trial)              get_domain
 *         (evaluate: nothing here)
 *     W8  insert hopt_results {_id, tid, exp_key, claim, owner, state, error, at, result}  complete
 *     W9  update jobs {_id} $set state, refresh_time, owner, result; $inc version   complete (write_outcome)
 *     W10 delete hopt_running {_id, claim}                                          complete
 *     W11 delete hopt_queue   {_id}, only if W10 deleted nothing (requeued meanwhile)  complete
 *   worker with an empty queue (Worker::run): W0 = P0 + P1 (recover_stale; at once, then at
 *   most every 5 s), then W1 again after --idle-sleep (hopt's worker: --poll-interval, 0.1 s
 *   as in the tutorial).
 *   Not sent: heartbeats (one per 2 s of evaluation; trials here take microseconds).
 *
 * The waiting is hopt's too, so that only the engine's work differs: the driver keeps
 * max(4, 2 x running) trials queued, as fmin does, and sleeps between polls as fmin does:
 * --poll-sleep (20 ms) after a poll that saw trials start or finish, doubling up to
 * --poll-max (0.5 s) while nothing changes. Waiting less does not help on FerretDB: with
 * the 5 ms that fmin used before, and idle workers retrying every 1 ms, this loop was no
 * faster, within the noise, and sent 5-25% more commands. So per trial: 5 inserts, 3
 * updates (W4 counts as one), 2 deletes, 3 worker reads and the driver's polls; the program
 * prints the server's own counts.
 *
 * --lean drops what the protocol could still avoid, to show what changing it would buy:
 *   W6   the point travels in the queue entry (D3 carries misc.vals), so the job is not read;
 *   W7   the domain is read once per worker, not once per trial;
 *   P5   not when a trial is seen running (its running entry says so): only once finished.
 *
 * Usage: bench_mongo_raw_bound --server HOST:PORT [--workers 1,2,4] [--trials 400]
 *          [--poll-sleep 0.02] [--poll-max 0.5] [--idle-sleep 0.1] [--server-pid PID] [--keep]
 *          [--index-hook CMD]   (as bench_mongo_throughput's) [--lean]
 * Output: one JSON line per worker count, as bench_mongo_throughput's.
 */
#include "mongo_common.h"

#include <getopt.h>
#include <pthread.h>
#include <stdatomic.h>

static const char *g_server;
static char g_db[128];
static int g_trials = 400;
/* fmin's polling (src/fmin/fmin.cpp): 20 ms after a poll that saw progress, doubling up to
 * poll_interval (0.5 s for MongoDB) while nothing changes. Worker: --poll-interval 0.1 s.
 * recover_stale (P0, P1) runs at most once a second. */
static double g_poll_sleep = 0.02, g_poll_max = 0.5, g_idle_sleep = 0.1;
static const double kRecoverEvery = 1.0;
static atomic_int g_stop;
static const char *g_hook;
static int g_lean;

static const char *const kExpKey = "bench";
static const char *const kObjective = "trivial";

static mongoc_client_t *new_client(void) {
    char uri[300];
    snprintf(uri, sizeof uri, "mongodb://%s/?appname=raw-bound", g_server);
    mongoc_client_t *c = mongoc_client_new(uri);
    if (!c) bm_die("bad server address %s", g_server);
    mongoc_client_set_error_api(c, MONGOC_ERROR_API_VERSION_2);
    return c;
}

static void tid_key(int64_t tid, char out[24]) { snprintf(out, 24, "%012lld", (long long)tid); }

static int64_t now_ms(void) {
    struct timeval tv;
    gettimeofday(&tv, NULL);
    return (int64_t)tv.tv_sec * 1000 + tv.tv_usec / 1000;
}

/* insert: 1 ok, 0 duplicate key; dies on anything else */
static int insert(mongoc_collection_t *coll, const bson_t *doc) {
    bson_error_t error;
    if (mongoc_collection_insert_one(coll, doc, NULL, NULL, &error)) return 1;
    if (error.code == 11000) return 0;
    bm_die("insert: %s", error.message);
}

static void check(bool ok, const bson_error_t *error, const char *what) {
    if (!ok) bm_die("%s: %s", what, error->message);
}

/* find, calling `each` on every document; returns the count */
static int find(mongoc_collection_t *coll, const bson_t *filter, const bson_t *opts,
                void (*each)(const bson_t *, void *), void *user) {
    mongoc_cursor_t *cur = mongoc_collection_find_with_opts(coll, filter, opts, NULL);
    const bson_t *doc;
    int n = 0;
    while (mongoc_cursor_next(cur, &doc)) {
        ++n;
        if (each) each(doc, user);
    }
    bson_error_t error;
    if (mongoc_cursor_error(cur, &error)) bm_die("find: %s", error.message);
    mongoc_cursor_destroy(cur);
    return n;
}

static int64_t get_int(const bson_t *doc, const char *key, int64_t dflt) {
    bson_iter_t it;
    if (bson_iter_init_find(&it, doc, key) && BSON_ITER_HOLDS_NUMBER(&it)) return bson_iter_as_int64(&it);
    return dflt;
}

/* ------------------------------------------------------------------------ */
/* worker                                                                   */

struct candidate {
    char key[24];
    int64_t tid, claim;
    double x; /* --lean: the point travels in the queue entry */
};
struct candidates {
    struct candidate c[16];
    int n;
};

static void collect_candidate(const bson_t *doc, void *user) {
    struct candidates *cs = user;
    if (cs->n >= 16) return;
    bson_iter_t it;
    if (!bson_iter_init_find(&it, doc, "_id") || !BSON_ITER_HOLDS_UTF8(&it)) return;
    struct candidate *c = &cs->c[cs->n++];
    snprintf(c->key, sizeof c->key, "%s", bson_iter_utf8(&it, NULL));
    c->tid = get_int(doc, "tid", -1);
    c->claim = get_int(doc, "claim", 0);
    c->x = 0;
    bson_iter_t v;
    if (bson_iter_init(&v, doc) && bson_iter_find_descendant(&v, "vals.x.0", &v) && BSON_ITER_HOLDS_NUMBER(&v))
        c->x = bson_iter_as_double(&v);
}

static void *worker_main(void *arg) {
    const int index = (int)(intptr_t)arg;
    char owner[64];
    snprintf(owner, sizeof owner, "raw:%d:%d", (int)getpid(), index);
    unsigned seed = (unsigned)index * 7919u + 17u;
    mongoc_client_t *client = new_client();
    mongoc_collection_t *queue = mongoc_client_get_collection(client, g_db, "hopt_queue");
    mongoc_collection_t *claims = mongoc_client_get_collection(client, g_db, "hopt_claims");
    mongoc_collection_t *running = mongoc_client_get_collection(client, g_db, "hopt_running");
    mongoc_collection_t *jobs = mongoc_client_get_collection(client, g_db, "jobs");
    mongoc_collection_t *experiments = mongoc_client_get_collection(client, g_db, "hopt_experiments");
    mongoc_collection_t *results = mongoc_client_get_collection(client, g_db, "hopt_results");
    bson_t *w1_filter = BCON_NEW("exp_key", BCON_UTF8(kExpKey), "objective", "{", "$in", "[", BCON_UTF8(kObjective),
                                 "]", "}");
    bson_t *w1_opts = BCON_NEW("sort", "{", "tid", BCON_INT32(1), "}", "limit", BCON_INT64(16));
    bson_t *limit1 = BCON_NEW("limit", BCON_INT64(1));
    bson_t *upsert = BCON_NEW("upsert", BCON_BOOL(true));
    char exp_id[64];
    snprintf(exp_id, sizeof exp_id, "k:%s", kExpKey);
    bson_error_t error;
    bson_t *empty = bson_new();
    bson_t *recover_proj = BCON_NEW("projection", "{", "tid", BCON_INT32(1), "claim", BCON_INT32(1), "}");
    double last_recovery = -1;
    int have_domain = 0;

    while (!atomic_load(&g_stop)) {
        struct candidates cs = {.n = 0};
        find(queue, w1_filter, w1_opts, collect_candidate, &cs); /* W1 */
        if (cs.n == 0) {
            if (last_recovery < 0 || bm_now() - last_recovery >= 5) {
                find(queue, empty, recover_proj, NULL, NULL); /* W0: P0 */
                find(running, empty, NULL, NULL, NULL);       /* W0: P1 */
                last_recovery = bm_now();
            }
            bm_sleep(g_idle_sleep);
            continue;
        }
        const int start = cs.n > 1 ? (int)(rand_r(&seed) % (unsigned)(cs.n < 4 ? cs.n : 4)) : 0;
        for (int k = 0; k < cs.n; ++k) {
            const struct candidate *c = &cs.c[(start + k) % cs.n];
            char claim_id[40];
            snprintf(claim_id, sizeof claim_id, "%s/%lld", c->key, (long long)c->claim);
            bson_t *claim = BCON_NEW("_id", BCON_UTF8(claim_id), "owner", BCON_UTF8(owner), "kind",
                                     BCON_UTF8("reserve"), "at", BCON_DATE_TIME(now_ms()));
            const int won = insert(claims, claim); /* W2 */
            bson_destroy(claim);
            if (!won) continue;
            bson_t *by_id = BCON_NEW("_id", BCON_UTF8(c->key));
            bson_t *run = BCON_NEW("_id", BCON_UTF8(c->key), "tid", BCON_INT64(c->tid), "exp_key", BCON_UTF8(kExpKey),
                                   "owner", BCON_UTF8(owner), "claim", BCON_INT64(c->claim), "beat", BCON_INT64(0), "at",
                                   BCON_DATE_TIME(now_ms()));
            check(mongoc_collection_replace_one(running, by_id, run, upsert, NULL, &error), &error, "W4"); /* W4 */
            bson_destroy(run);
            check(mongoc_collection_delete_many(queue, by_id, NULL, NULL, &error), &error, "W3"); /* W3 */
            const int64_t now = now_ms();
            bson_t *set_running = BCON_NEW("$set", "{", "state", BCON_INT32(1), "owner", BCON_UTF8(owner), "book_time",
                                           BCON_DATE_TIME(now), "refresh_time", BCON_DATE_TIME(now), "result", "{",
                                           "status", BCON_UTF8("running"), "}", "}", "$inc", "{", "version",
                                           BCON_INT32(1), "}");
            check(mongoc_collection_update_one(jobs, by_id, set_running, NULL, NULL, &error), &error, "W5"); /* W5 */
            bson_destroy(set_running);
            double x = c->x;
            if (!g_lean) {
                /* W6: the job, to read its point */
                mongoc_cursor_t *cur = mongoc_collection_find_with_opts(jobs, by_id, limit1, NULL);
                const bson_t *doc;
                if (mongoc_cursor_next(cur, &doc)) {
                    bson_iter_t it;
                    if (bson_iter_init(&it, doc) && bson_iter_find_descendant(&it, "misc.vals.x.0", &it) &&
                        BSON_ITER_HOLDS_NUMBER(&it))
                        x = bson_iter_as_double(&it);
                }
                mongoc_cursor_destroy(cur);
            }
            if (!g_lean || !have_domain) {
                bson_t *exp_filter = BCON_NEW("_id", BCON_UTF8(exp_id));
                find(experiments, exp_filter, limit1, NULL, NULL); /* W7 */
                bson_destroy(exp_filter);
                have_domain = 1;
            }
            /* the objective: loss = x */
            bson_t *outcome = BCON_NEW("_id", BCON_UTF8(c->key), "tid", BCON_INT64(c->tid), "exp_key",
                                       BCON_UTF8(kExpKey), "claim", BCON_INT64(c->claim), "owner", BCON_UTF8(owner),
                                       "state", BCON_INT32(2), "error", BCON_NULL, "at", BCON_DATE_TIME(now_ms()),
                                       "result", "{", "loss", BCON_DOUBLE(x), "status", BCON_UTF8("ok"), "}");
            insert(results, outcome); /* W8 */
            bson_destroy(outcome);
            bson_t *set_done = BCON_NEW("$set", "{", "state", BCON_INT32(2), "refresh_time", BCON_DATE_TIME(now_ms()),
                                        "owner", BCON_UTF8(owner), "result", "{", "loss", BCON_DOUBLE(x), "status",
                                        BCON_UTF8("ok"), "}", "}", "$inc", "{", "version", BCON_INT32(1), "}");
            check(mongoc_collection_update_one(jobs, by_id, set_done, NULL, NULL, &error), &error, "W9"); /* W9 */
            bson_destroy(set_done);
            bson_t *run_filter = BCON_NEW("_id", BCON_UTF8(c->key), "claim", BCON_INT64(c->claim));
            bson_t reply;
            check(mongoc_collection_delete_many(running, run_filter, NULL, &reply, &error), &error, "W10"); /* W10 */
            const int64_t deleted = get_int(&reply, "deletedCount", 0);
            bson_destroy(&reply);
            bson_destroy(run_filter);
            if (deleted == 0)
                check(mongoc_collection_delete_many(queue, by_id, NULL, NULL, &error), &error, "W11"); /* W11 */
            bson_destroy(by_id);
            break;
        }
    }
    bson_destroy(empty);
    bson_destroy(recover_proj);
    bson_destroy(w1_filter);
    bson_destroy(w1_opts);
    bson_destroy(limit1);
    bson_destroy(upsert);
    mongoc_collection_destroy(queue);
    mongoc_collection_destroy(claims);
    mongoc_collection_destroy(running);
    mongoc_collection_destroy(jobs);
    mongoc_collection_destroy(experiments);
    mongoc_collection_destroy(results);
    mongoc_client_destroy(client);
    return NULL;
}

/* ------------------------------------------------------------------------ */
/* driver                                                                   */

enum { S_NEW = 0, S_RUNNING = 1, S_DONE = 2 };

struct tidset {
    unsigned char *in; /* indexed by tid */
};

static void mark_tid(const bson_t *doc, void *user) {
    struct tidset *s = user;
    int64_t tid = get_int(doc, "tid", -1);
    if (tid >= 0 && tid < g_trials) s->in[tid] = 1;
}

static void insert_trial(mongoc_collection_t *tids, mongoc_collection_t *jobs, mongoc_collection_t *queue, int64_t tid,
                         double x) {
    char key[24];
    tid_key(tid, key);
    bson_t *t = BCON_NEW("_id", BCON_UTF8(key), "at", BCON_DATE_TIME(now_ms()));
    if (!insert(tids, t)) bm_die("tid %lld taken", (long long)tid); /* D1 */
    bson_destroy(t);
    /* hyperopt's trial document as hopt writes it (trial_to_bson + claim/attempts/objective) */
    bson_t *job = BCON_NEW("_id", BCON_UTF8(key), "attempts", BCON_INT64(0), "book_time", BCON_NULL, "claim",
                           BCON_INT64(0), "exp_key", BCON_UTF8(kExpKey), "misc", "{", "cmd", "[",
                           BCON_UTF8("hopt_domain"), BCON_UTF8(kObjective), "]", "idxs", "{", "x", "[", BCON_INT64(tid),
                           "]", "}", "tid", BCON_INT64(tid), "vals", "{", "x", "[", BCON_DOUBLE(x), "]", "}", "workdir",
                           BCON_NULL, "}", "objective", BCON_UTF8(kObjective), "owner", BCON_NULL, "refresh_time",
                           BCON_NULL, "result", "{", "status", BCON_UTF8("new"), "}", "spec", BCON_NULL, "state",
                           BCON_INT32(0), "tid", BCON_INT64(tid), "version", BCON_INT32(0));
    if (!insert(jobs, job)) bm_die("job %lld exists", (long long)tid); /* D2 */
    bson_destroy(job);
    bson_t *q = BCON_NEW("_id", BCON_UTF8(key), "tid", BCON_INT64(tid), "exp_key", BCON_UTF8(kExpKey), "objective",
                         BCON_UTF8(kObjective), "claim", BCON_INT64(0));
    if (g_lean) {
        bson_t vals, arr;
        BSON_APPEND_DOCUMENT_BEGIN(q, "vals", &vals);
        BSON_APPEND_ARRAY_BEGIN(&vals, "x", &arr);
        BSON_APPEND_DOUBLE(&arr, "0", x);
        bson_append_array_end(&vals, &arr);
        bson_append_document_end(q, &vals);
    }
    insert(queue, q); /* D3 */
    bson_destroy(q);
}

static void create_index(mongoc_client_t *client, const char *coll, const char *name, const char *field) {
    mongoc_collection_t *c = mongoc_client_get_collection(client, g_db, coll);
    bson_t *cmd = BCON_NEW("createIndexes", BCON_UTF8(coll), "indexes", "[", "{", "key", "{", field, BCON_INT32(1), "}",
                           "name", BCON_UTF8(name), "}", "]");
    bson_error_t error;
    check(mongoc_collection_write_command_with_opts(c, cmd, NULL, NULL, &error), &error, "createIndexes");
    bson_destroy(cmd);
    mongoc_collection_destroy(c);
}

static void run_one(mongoc_client_t *admin, int n_workers, pid_t server_pid, int keep) {
    snprintf(g_db, sizeof g_db, "bench_raw%s_w%d%s_%d", g_lean ? "_lean" : "", n_workers, g_hook ? "_idx" : "",
             (int)getpid());
    bm_drop_database(admin, g_db);
    mongoc_client_t *client = new_client();
    /* hopt's MongoStore constructor: the same indexes */
    create_index(client, "jobs", "exp_key_1", "exp_key");
    create_index(client, "jobs", "tid_1", "tid");
    create_index(client, "hopt_queue", "exp_key_1", "exp_key");
    if (g_hook) {
        bm_create_collections(client, g_db);
        bm_run_hook(g_hook, g_db);
    }
    mongoc_collection_t *tids = mongoc_client_get_collection(client, g_db, "hopt_tids");
    mongoc_collection_t *jobs = mongoc_client_get_collection(client, g_db, "jobs");
    mongoc_collection_t *queue = mongoc_client_get_collection(client, g_db, "hopt_queue");
    mongoc_collection_t *running = mongoc_client_get_collection(client, g_db, "hopt_running");
    mongoc_collection_t *experiments = mongoc_client_get_collection(client, g_db, "hopt_experiments");
    mongoc_collection_t *results = mongoc_client_get_collection(client, g_db, "hopt_results");
    char exp_id[64];
    snprintf(exp_id, sizeof exp_id, "k:%s", kExpKey);
    {
        /* fmin's put_domain */
        bson_t *f = BCON_NEW("_id", BCON_UTF8(exp_id));
        bson_t *u = BCON_NEW("$set", "{", "exp_key", BCON_UTF8(kExpKey), "space",
                             BCON_UTF8("{\"high\":2.0,\"hp\":\"uniform\",\"label\":\"x\",\"low\":-2.0}"), "objective",
                             BCON_UTF8(kObjective), "settings", BCON_UTF8("{}"), "updated", BCON_DATE_TIME(now_ms()), "}");
        bson_t *o = BCON_NEW("upsert", BCON_BOOL(true));
        bson_error_t error;
        check(mongoc_collection_update_one(experiments, f, u, o, NULL, &error), &error, "put_domain");
        bson_destroy(f);
        bson_destroy(u);
        bson_destroy(o);
    }

    atomic_store(&g_stop, 0);
    pthread_t threads[64];
    for (int i = 0; i < n_workers; ++i) pthread_create(&threads[i], NULL, worker_main, (void *)(intptr_t)i);
    bm_sleep(0.2); /* workers connected and polling, as bench_mongo_throughput's */

    unsigned char *state = calloc((size_t)g_trials, 1);
    unsigned char *queued_in = calloc((size_t)g_trials, 1), *running_in = calloc((size_t)g_trials, 1);
    bson_t *empty = bson_new();
    bson_t *exp_filter = BCON_NEW("exp_key", BCON_UTF8(kExpKey));
    bson_t *proj = BCON_NEW("projection", "{", "tid", BCON_INT32(1), "claim", BCON_INT32(1), "owner", BCON_INT32(1), "}");
    bson_t *limit1 = BCON_NEW("limit", BCON_INT64(1));
    bson_t *gen_filter = BCON_NEW("_id", BCON_UTF8(exp_id));
    unsigned seed = 12345;

    const double scpu0 = server_pid > 0 ? bm_proc_cpu(server_pid) : -1;
    const bm_cmds cmd0 = bm_server_commands(admin);
    const double cpu0 = bm_self_cpu();
    const double t0 = bm_now();
    int64_t issued = 0, done = 0, n_running = 0, n_new = 0;
    int polls = 0;
    double sleep_s = g_poll_sleep, last_recovery = -1e9;
    int64_t last_finished = -1;
    bson_t *recover_proj = BCON_NEW("projection", "{", "tid", BCON_INT32(1), "claim", BCON_INT32(1), "}");
    while (done < g_trials) {
        const int64_t target = n_running * 2 > 4 ? n_running * 2 : 4;
        while (n_new < target && issued < g_trials) {
            insert_trial(tids, jobs, queue, issued, -2 + 4 * (double)rand_r(&seed) / RAND_MAX);
            state[issued] = S_NEW;
            ++issued;
            ++n_new;
        }
        bm_sleep(sleep_s);
        ++polls;
        memset(queued_in, 0, (size_t)g_trials);
        memset(running_in, 0, (size_t)g_trials);
        struct tidset qs = {queued_in}, rs = {running_in};
        if (bm_now() - last_recovery >= kRecoverEvery) {
            find(queue, empty, recover_proj, NULL, NULL);   /* P0 */
            find(running, empty, NULL, NULL, NULL);         /* P1 */
            last_recovery = bm_now();
        }
        find(experiments, gen_filter, limit1, NULL, NULL);  /* P2 */
        find(queue, exp_filter, proj, mark_tid, &qs);       /* P3 */
        find(running, exp_filter, proj, mark_tid, &rs);     /* P4 */
        n_new = n_running = 0;
        for (int64_t tid = 0; tid < issued; ++tid) {
            const int st = state[tid];
            if (st == S_DONE) continue;
            int stale = queued_in[tid] ? st != S_NEW : running_in[tid] ? st != S_RUNNING : 1;
            if (g_lean && running_in[tid] && stale) {
                state[tid] = S_RUNNING; /* --lean: the running entry says so; read the job when it leaves */
                stale = 0;
            }
            if (stale) {
                char key[24];
                tid_key(tid, key);
                bson_t *by_id = BCON_NEW("_id", BCON_UTF8(key));
                int64_t s = -1;
                mongoc_cursor_t *cur = mongoc_collection_find_with_opts(jobs, by_id, limit1, NULL); /* P5 */
                const bson_t *doc;
                if (mongoc_cursor_next(cur, &doc)) s = get_int(doc, "state", -1);
                mongoc_cursor_destroy(cur);
                if ((s == S_NEW || s == S_RUNNING) && !queued_in[tid] && !running_in[tid]) {
                    cur = mongoc_collection_find_with_opts(results, by_id, limit1, NULL); /* P6 */
                    if (mongoc_cursor_next(cur, &doc)) s = get_int(doc, "state", S_DONE);
                    mongoc_cursor_destroy(cur);
                }
                bson_destroy(by_id);
                if (s >= 0) state[tid] = (unsigned char)s;
            }
            if (state[tid] == S_DONE) ++done;
            else if (state[tid] == S_RUNNING) ++n_running;
            else ++n_new;
        }
        const int64_t finished = done + n_running;
        sleep_s = finished != last_finished ? g_poll_sleep : (2 * sleep_s < g_poll_max ? 2 * sleep_s : g_poll_max);
        last_finished = finished;
    }
    const double t1 = bm_now();
    const double cpu1 = bm_self_cpu();
    const bm_cmds cmd1 = bm_server_commands(admin);
    const double scpu1 = server_pid > 0 ? bm_proc_cpu(server_pid) : -1;
    atomic_store(&g_stop, 1);
    for (int i = 0; i < n_workers; ++i) pthread_join(threads[i], NULL);

    const double secs = t1 - t0, n = (double)g_trials;
    printf("{\"bench\": \"mongo_throughput\", \"impl\": \"raw\", \"variant\": \"%s\", \"id_index\": %s, \"workers\": %d, \"trials\": %d, \"done\": %lld, "
           "\"seconds\": %.3f, \"trials_per_s\": %.2f, \"polls\": %d, \"client_cpu_ms_per_trial\": %.3f, "
           "\"server_cpu_ms_per_trial\": %.3f, \"commands_per_trial\": ",
           g_lean ? "lean" : "hopt", g_hook ? "true" : "false", n_workers, g_trials, (long long)done, secs, n / secs, polls, 1e3 * (cpu1 - cpu0) / n,
           scpu0 >= 0 ? 1e3 * (scpu1 - scpu0) / n : -1.0);
    bm_print_cmds(stdout, &cmd0, &cmd1, n);
    printf("}\n");
    fflush(stdout);
    fprintf(stderr, "raw bound%s workers=%d: %d trials in %.2f s = %.1f trials/s\n", g_lean ? " (lean)" : "", n_workers,
            g_trials, secs, n / secs);

    free(state);
    free(queued_in);
    free(running_in);
    bson_destroy(empty);
    bson_destroy(exp_filter);
    bson_destroy(proj);
    bson_destroy(limit1);
    bson_destroy(gen_filter);
    bson_destroy(recover_proj);
    mongoc_collection_destroy(tids);
    mongoc_collection_destroy(jobs);
    mongoc_collection_destroy(queue);
    mongoc_collection_destroy(running);
    mongoc_collection_destroy(experiments);
    mongoc_collection_destroy(results);
    mongoc_client_destroy(client);
    if (!keep) bm_drop_database(admin, g_db);
}

static void quiet_log(mongoc_log_level_t level, const char *domain, const char *message, void *user) {
    (void)user;
    if (level <= MONGOC_LOG_LEVEL_WARNING && !strstr(message, "endSessions"))
        fprintf(stderr, "mongoc %s: %s\n", domain, message);
}

int main(int argc, char **argv) {
    const char *workers = "1,2,4";
    pid_t server_pid = 0;
    int keep = 0;
    static const struct option longopts[] = {{"server", required_argument, NULL, 's'},
                                             {"workers", required_argument, NULL, 'n'},
                                             {"trials", required_argument, NULL, 't'},
                                             {"poll-sleep", required_argument, NULL, 'p'},
                                             {"poll-max", required_argument, NULL, 'm'},
                                             {"idle-sleep", required_argument, NULL, 'i'},
                                             {"server-pid", required_argument, NULL, 'P'},
                                             {"keep", no_argument, NULL, 'k'},
                                             {"index-hook", required_argument, NULL, 'H'},
                                             {"lean", no_argument, NULL, 'L'},
                                             {NULL, 0, NULL, 0}};
    int c;
    while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
        switch (c) {
        case 's': g_server = optarg; break;
        case 'n': workers = optarg; break;
        case 't': g_trials = atoi(optarg); break;
        case 'p': g_poll_sleep = atof(optarg); break;
        case 'm': g_poll_max = atof(optarg); break;
        case 'i': g_idle_sleep = atof(optarg); break;
        case 'P': server_pid = (pid_t)atoi(optarg); break;
        case 'k': keep = 1; break;
        case 'H': g_hook = optarg; break;
        case 'L': g_lean = 1; break;
        default: return 2;
        }
    }
    if (!g_server || g_trials < 1) {
        fprintf(stderr, "usage: %s --server HOST:PORT [--workers 1,2,4] [--trials 400] [--poll-sleep S] "
                        "[--poll-max S] [--idle-sleep S] [--server-pid PID] [--keep] [--index-hook CMD] [--lean]\n", argv[0]);
        return 2;
    }
    int ns[16];
    const int n_counts = bm_parse_list(workers, ns, 16);
    mongoc_init();
    mongoc_log_set_handler(quiet_log, NULL);
    char uri[300];
    snprintf(uri, sizeof uri, "mongodb://%s/?appname=bench-admin", g_server);
    mongoc_client_t *admin = mongoc_client_new(uri);
    for (int k = 0; k < n_counts; ++k) run_one(admin, ns[k], server_pid, keep);
    mongoc_client_destroy(admin);
    mongoc_cleanup();
    return 0;
}
