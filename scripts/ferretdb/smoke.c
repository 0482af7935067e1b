//go:build ignore

// (The line above keeps the go tool from treating this C file as part of the Go package.)

/* smoke.c - checks what FerretDB (hopt's test server) does through libmongoc 1.23.
 *
 * Not part of any CMake build. Build and run (Debian 12: apt-get install libmongoc-dev libbson-dev):
 *
 *   gcc -O2 -Wall -o build/ferretdb/smoke scripts/ferretdb/smoke.c \
 *       $(pkg-config --cflags --libs libmongoc-1.0) -lpthread
 *   PORT=$(scripts/ferretdb-start.sh | sed 's/.*://')
 *   build/ferretdb/smoke "$PORT"                 # all checks; exit 0 if they ran
 *   build/ferretdb/smoke "$PORT" persist-write   # write a marker document
 *   build/ferretdb/smoke "$PORT" persist-check   # exit 0 iff the marker is there
 *
 * Works against a real MongoDB too (compare). Every server-side error is printed with its
 * domain and code (error API v2: server codes arrive in domain 17 MONGOC_ERROR_SERVER).
 * Uses database "hopt_smoke" (dropped at start of the full run).
 */
#include <mongoc/mongoc.h>

#include <math.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#define DB "hopt_smoke"
#define NTHREADS 8
#define NJOBS 200
#define ROUNDS 5

static char g_uri[256];
static int g_fail = 0;

static double now_s (void)
{
   struct timespec ts;
   clock_gettime (CLOCK_MONOTONIC, &ts);
   return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void log_handler (mongoc_log_level_t level, const char *domain, const char *msg, void *ud)
{
   (void) ud;
   if (level <= MONGOC_LOG_LEVEL_WARNING) {
      fprintf (stderr, "  [libmongoc %s %s] %s\n", mongoc_log_level_str (level), domain, msg);
   }
}

static void section (const char *title)
{
   printf ("\n== %s\n", title);
}

static void print_err (const char *what, const bson_error_t *err)
{
   printf ("  %s: ERROR domain=%u code=%u msg=\"%s\"\n", what, err->domain, err->code, err->message);
}

static void print_json (const char *what, const bson_t *b)
{
   char *s = bson_as_relaxed_extended_json (b, NULL);
   printf ("  %s: %s\n", what, s ? s : "(unprintable)");
   bson_free (s);
}

static mongoc_client_t *new_client (const char *uri_str)
{
   bson_error_t err;
   mongoc_uri_t *uri = mongoc_uri_new_with_error (uri_str, &err);
   if (!uri) {
      print_err ("uri", &err);
      exit (2);
   }
   mongoc_client_t *c = mongoc_client_new_from_uri_with_error (uri, &err);
   mongoc_uri_destroy (uri);
   if (!c) {
      print_err ("client", &err);
      exit (2);
   }
   mongoc_client_set_error_api (c, MONGOC_ERROR_API_VERSION_2);
   mongoc_client_set_appname (c, "hopt-smoke");
   return c;
}

static bool ping (mongoc_client_t *c, bson_error_t *err)
{
   bson_t *cmd = BCON_NEW ("ping", BCON_INT32 (1));
   bool ok = mongoc_client_command_simple (c, "admin", cmd, NULL, NULL, err);
   bson_destroy (cmd);
   return ok;
}

/* insert_one; prints the outcome; returns success. opts may be NULL. */
static bool try_insert (mongoc_collection_t *coll, const char *label, bson_t *doc, const bson_t *opts)
{
   bson_error_t err;
   bson_t reply;
   bool ok = mongoc_collection_insert_one (coll, doc, opts, &reply, &err);
   if (ok) {
      printf ("  %s: inserted OK\n", label);
   } else {
      print_err (label, &err);
   }
   bson_destroy (&reply);
   return ok;
}

static int64_t count_docs (mongoc_collection_t *coll, const bson_t *filter)
{
   bson_error_t err;
   int64_t n = mongoc_collection_count_documents (coll, filter, NULL, NULL, NULL, &err);
   if (n < 0) {
      print_err ("countDocuments", &err);
   }
   return n;
}

static void drop_coll (mongoc_database_t *db, const char *name)
{
   mongoc_collection_t *c = mongoc_database_get_collection (db, name);
   bson_error_t err;
   mongoc_collection_drop_with_opts (c, NULL, &err); /* ignore "ns not found" */
   mongoc_collection_destroy (c);
}

static bool create_unique_index (mongoc_database_t *db, const char *coll, const char *field,
                                 const char *name, bool print)
{
   bson_t *cmd = BCON_NEW ("createIndexes", BCON_UTF8 (coll), "indexes", "[", "{", "key", "{", field,
                           BCON_INT32 (1), "}", "name", BCON_UTF8 (name), "unique", BCON_BOOL (true),
                           "}", "]");
   bson_t reply;
   bson_error_t err;
   bool ok = mongoc_database_write_command_with_opts (db, cmd, NULL, &reply, &err);
   if (print) {
      if (ok) {
         print_json ("createIndexes reply", &reply);
      } else {
         print_err ("createIndexes", &err);
      }
   }
   bson_destroy (&reply);
   bson_destroy (cmd);
   return ok;
}

/* ------------------------------------------------------------------------------------------ */
/* Concurrency races                                                                          */

typedef enum { RACE_FAM, RACE_CLAIM_ID, RACE_CLAIM_UNIQUE, RACE_CAS_UPDATE, RACE_INC } race_kind_t;

typedef struct {
   race_kind_t kind;
   int round;
   pthread_barrier_t barrier;
   pthread_mutex_t mu;
   int handed[NJOBS]; /* how many threads were told "you got job i" */
   int total_ok;
   int errors;
   bson_error_t first_err;
} race_t;

typedef struct {
   race_t *race;
   int id;
} race_arg_t;

static void race_record (race_t *r, int job, bool ok, const bson_error_t *err)
{
   pthread_mutex_lock (&r->mu);
   if (ok) {
      if (job >= 0 && job < NJOBS) {
         r->handed[job]++;
      }
      r->total_ok++;
   } else if (err) {
      if (r->errors++ == 0) {
         r->first_err = *err;
      }
   }
   pthread_mutex_unlock (&r->mu);
}

static void *race_thread (void *p)
{
   race_arg_t *a = p;
   race_t *r = a->race;
   mongoc_client_t *c = new_client (g_uri);
   bson_error_t err;
   if (!ping (c, &err)) {
      print_err ("race ping", &err);
   }
   mongoc_collection_t *jobs = mongoc_client_get_collection (c, DB, "race_jobs");
   mongoc_collection_t *claims = mongoc_client_get_collection (c, DB, "race_claims");
   char owner[32];
   snprintf (owner, sizeof owner, "w%d", a->id);

   pthread_barrier_wait (&r->barrier);

   switch (r->kind) {
   case RACE_FAM: {
      /* findAndModify {state:0} -> {$set:{state:1, owner:me}}, new:true, until nothing is left. */
      bson_t *query = BCON_NEW ("state", BCON_INT32 (0));
      bson_t *update = BCON_NEW ("$set", "{", "state", BCON_INT32 (1), "owner", BCON_UTF8 (owner), "}");
      mongoc_find_and_modify_opts_t *fam = mongoc_find_and_modify_opts_new ();
      mongoc_find_and_modify_opts_set_update (fam, update);
      mongoc_find_and_modify_opts_set_flags (fam, MONGOC_FIND_AND_MODIFY_RETURN_NEW);
      for (int iter = 0; iter < 10 * NJOBS; iter++) {
         bson_t reply;
         bool ok = mongoc_collection_find_and_modify_with_opts (jobs, query, fam, &reply, &err);
         if (!ok) {
            race_record (r, -1, false, &err);
            bson_destroy (&reply);
            continue;
         }
         bson_iter_t it, idit;
         int job = -1;
         if (bson_iter_init_find (&it, &reply, "value") && BSON_ITER_HOLDS_DOCUMENT (&it) &&
             bson_iter_recurse (&it, &idit) && bson_iter_find (&idit, "_id")) {
            job = bson_iter_as_int64 (&idit);
         }
         bson_destroy (&reply);
         if (job < 0) {
            break; /* value: null -> no job left */
         }
         race_record (r, job, true, NULL);
      }
      mongoc_find_and_modify_opts_destroy (fam);
      bson_destroy (query);
      bson_destroy (update);
      break;
   }
   case RACE_CLAIM_ID:
   case RACE_CLAIM_UNIQUE:
      /* Every thread tries to claim every job in the same order; success = insert accepted. */
      for (int job = 0; job < NJOBS; job++) {
         bson_t *doc = r->kind == RACE_CLAIM_ID
                          ? BCON_NEW ("_id", BCON_INT32 (job), "owner", BCON_UTF8 (owner))
                          : BCON_NEW ("job", BCON_INT32 (job), "owner", BCON_UTF8 (owner));
         bool ok = mongoc_collection_insert_one (claims, doc, NULL, NULL, &err);
         bson_destroy (doc);
         if (ok) {
            race_record (r, job, true, NULL);
         } else if (err.code != 11000) {
            race_record (r, job, false, &err);
         }
      }
      break;
   case RACE_CAS_UPDATE:
      /* "compare-and-set" with updateOne {_id:job, state:0} -> {$set:{state:1}}: winner = modifiedCount 1 */
      for (int job = 0; job < NJOBS; job++) {
         bson_t *sel = BCON_NEW ("_id", BCON_INT32 (job), "state", BCON_INT32 (0));
         bson_t *upd = BCON_NEW ("$set", "{", "state", BCON_INT32 (1), "owner", BCON_UTF8 (owner), "}");
         bson_t reply;
         bool ok = mongoc_collection_update_one (jobs, sel, upd, NULL, &reply, &err);
         bson_iter_t it;
         int64_t modified = 0;
         if (ok && bson_iter_init_find (&it, &reply, "modifiedCount")) {
            modified = bson_iter_as_int64 (&it);
         }
         bson_destroy (&reply);
         bson_destroy (sel);
         bson_destroy (upd);
         if (!ok) {
            race_record (r, job, false, &err);
         } else if (modified == 1) {
            race_record (r, job, true, NULL);
         }
      }
      break;
   case RACE_INC:
      /* 100 x updateOne {_id:"ctr"} {$inc:{n:1}} per thread */
      for (int i = 0; i < 100; i++) {
         bson_t *sel = BCON_NEW ("_id", BCON_UTF8 ("ctr"));
         bson_t *upd = BCON_NEW ("$inc", "{", "n", BCON_INT32 (1), "}");
         bool ok = mongoc_collection_update_one (jobs, sel, upd, NULL, NULL, &err);
         bson_destroy (sel);
         bson_destroy (upd);
         race_record (r, -1, ok, ok ? NULL : &err);
      }
      break;
   }

   mongoc_collection_destroy (jobs);
   mongoc_collection_destroy (claims);
   mongoc_client_destroy (c);
   return NULL;
}

/* Runs one race round; returns the number of jobs handed out more than once (or lost incs). */
static int run_race (mongoc_client_t *c, race_kind_t kind, int round, int *total_ok_out, double *secs)
{
   mongoc_database_t *db = mongoc_client_get_database (c, DB);
   mongoc_collection_t *jobs = mongoc_client_get_collection (c, DB, "race_jobs");
   bson_error_t err;
   drop_coll (db, "race_jobs");
   drop_coll (db, "race_claims");
   if (kind == RACE_FAM || kind == RACE_CAS_UPDATE) {
      for (int i = 0; i < NJOBS; i++) {
         bson_t *d = BCON_NEW ("_id", BCON_INT32 (i), "state", BCON_INT32 (0));
         if (!mongoc_collection_insert_one (jobs, d, NULL, NULL, &err)) {
            print_err ("race setup insert", &err);
         }
         bson_destroy (d);
      }
   } else if (kind == RACE_CLAIM_UNIQUE) {
      create_unique_index (db, "race_claims", "job", "job_unique", false);
   } else if (kind == RACE_INC) {
      bson_t *d = BCON_NEW ("_id", BCON_UTF8 ("ctr"), "n", BCON_INT32 (0));
      mongoc_collection_insert_one (jobs, d, NULL, NULL, &err);
      bson_destroy (d);
   }

   race_t *r = calloc (1, sizeof *r);
   r->kind = kind;
   r->round = round;
   pthread_barrier_init (&r->barrier, NULL, NTHREADS + 1);
   pthread_mutex_init (&r->mu, NULL);
   pthread_t th[NTHREADS];
   race_arg_t args[NTHREADS];
   for (int i = 0; i < NTHREADS; i++) {
      args[i].race = r;
      args[i].id = i;
      pthread_create (&th[i], NULL, race_thread, &args[i]);
   }
   pthread_barrier_wait (&r->barrier);
   double t0 = now_s ();
   for (int i = 0; i < NTHREADS; i++) {
      pthread_join (th[i], NULL);
   }
   *secs = now_s () - t0;

   int bad = 0;
   if (kind == RACE_INC) {
      bson_t *q = BCON_NEW ("_id", BCON_UTF8 ("ctr"));
      mongoc_cursor_t *cur = mongoc_collection_find_with_opts (jobs, q, NULL, NULL);
      const bson_t *doc;
      int64_t n = -1;
      bson_iter_t it;
      if (mongoc_cursor_next (cur, &doc) && bson_iter_init_find (&it, doc, "n")) {
         n = bson_iter_as_int64 (&it);
      }
      mongoc_cursor_destroy (cur);
      bson_destroy (q);
      bad = (int) (NTHREADS * 100 - n); /* lost increments */
   } else {
      for (int i = 0; i < NJOBS; i++) {
         if (r->handed[i] > 1) {
            bad++;
         }
         if (r->handed[i] == 0) {
            printf ("    job %d was never handed out!\n", i);
         }
      }
   }
   if (r->errors) {
      printf ("    %d unexpected errors; first: domain=%u code=%u %s\n", r->errors, r->first_err.domain,
              r->first_err.code, r->first_err.message);
   }
   *total_ok_out = r->total_ok;
   pthread_barrier_destroy (&r->barrier);
   pthread_mutex_destroy (&r->mu);
   free (r);
   mongoc_collection_destroy (jobs);
   mongoc_database_destroy (db);
   return bad;
}

static void races (mongoc_client_t *c)
{
   struct {
      race_kind_t kind;
      const char *title;
   } kinds[] = {
      {RACE_FAM, "findAndModify {state:0} -> $set{state:1,owner}, new:true (200 jobs)"},
      {RACE_CAS_UPDATE, "updateOne {_id:j,state:0} -> $set{state:1}; winner = modifiedCount==1 (200 jobs)"},
      {RACE_CLAIM_ID, "insertOne claim {_id: j} (200 jobs, every thread tries every job)"},
      {RACE_CLAIM_UNIQUE, "insertOne claim {job: j} with unique index on job (200 jobs)"},
      {RACE_INC, "updateOne {$inc:{n:1}} x100 per thread on one document (expect n=800)"},
   };
   for (size_t k = 0; k < sizeof kinds / sizeof kinds[0]; k++) {
      section (kinds[k].title);
      printf ("  %d threads, one mongoc_client_t each, %d rounds\n", NTHREADS, ROUNDS);
      int sum_bad = 0;
      for (int round = 0; round < ROUNDS; round++) {
         int total_ok;
         double secs;
         int bad = run_race (c, kinds[k].kind, round, &total_ok, &secs);
         sum_bad += bad;
         if (kinds[k].kind == RACE_INC) {
            printf ("  round %d: %d successful $inc replies, final n = %d, LOST increments = %d (%.2f s)\n",
                    round, total_ok, NTHREADS * 100 - bad, bad, secs);
         } else {
            printf ("  round %d: %d grants for %d jobs, jobs granted to >1 worker = %d (%.2f s)\n", round,
                    total_ok, NJOBS, bad, secs);
         }
      }
      printf ("  RESULT: %s over %d rounds: %d\n",
              kinds[k].kind == RACE_INC ? "lost increments" : "double grants", ROUNDS, sum_bad);
   }
}

/* ------------------------------------------------------------------------------------------ */

static int free_port (void)
{
   int s = socket (AF_INET, SOCK_STREAM, 0);
   struct sockaddr_in a = {0};
   a.sin_family = AF_INET;
   a.sin_addr.s_addr = htonl (INADDR_LOOPBACK);
   a.sin_port = 0;
   socklen_t len = sizeof a;
   if (bind (s, (struct sockaddr *) &a, sizeof a) != 0 || getsockname (s, (struct sockaddr *) &a, &len) != 0) {
      close (s);
      return 1; /* port 1: nothing listens there either */
   }
   int port = ntohs (a.sin_port);
   close (s);
   return port;
}

static void no_server_timing (void)
{
   section ("connection attempt to a port with no server (serverSelectionTimeoutMS=2000)");
   char uri[256];
   int port = free_port ();
   snprintf (uri, sizeof uri, "mongodb://127.0.0.1:%d/?serverSelectionTimeoutMS=2000", port);
   printf ("  uri %s\n", uri);
   bson_error_t err;

   mongoc_client_t *c = new_client (uri);
   double t0 = now_s ();
   bool ok = ping (c, &err);
   double t1 = now_s ();
   printf ("  single client ping: %s after %.3f s\n", ok ? "SUCCEEDED?!" : "failed", t1 - t0);
   if (!ok) {
      print_err ("  single client", &err);
   }
   t0 = now_s ();
   ok = ping (c, &err);
   printf ("  single client 2nd ping: failed after %.3f s (domain=%u code=%u)\n", now_s () - t0, err.domain,
           err.code);
   mongoc_client_destroy (c);

   mongoc_uri_t *u = mongoc_uri_new (uri);
   mongoc_client_pool_t *pool = mongoc_client_pool_new (u);
   mongoc_client_pool_set_error_api (pool, MONGOC_ERROR_API_VERSION_2);
   mongoc_client_t *pc = mongoc_client_pool_pop (pool);
   t0 = now_s ();
   ok = ping (pc, &err);
   t1 = now_s ();
   printf ("  pooled client ping: %s after %.3f s\n", ok ? "SUCCEEDED?!" : "failed", t1 - t0);
   if (!ok) {
      print_err ("  pooled client", &err);
   }
   mongoc_client_pool_push (pool, pc);
   mongoc_client_pool_destroy (pool);
   mongoc_uri_destroy (u);

   snprintf (uri, sizeof uri, "mongodb://127.0.0.1:%d/?serverSelectionTimeoutMS=2000&serverSelectionTryOnce=false", port);
   c = new_client (uri);
   t0 = now_s ();
   ok = ping (c, &err);
   printf ("  single client with serverSelectionTryOnce=false: failed after %.3f s (domain=%u code=%u)\n",
           now_s () - t0, err.domain, err.code);
   mongoc_client_destroy (c);
}

static void latency (mongoc_client_t *c)
{
   section ("latency, single client, sequential");
   mongoc_collection_t *coll = mongoc_client_get_collection (c, DB, "lat");
   bson_error_t err;
   {
      mongoc_database_t *db = mongoc_client_get_database (c, DB);
      drop_coll (db, "lat");
      drop_coll (db, "lat_str");
      mongoc_database_destroy (db);
   }
   const int N = 1000;
   double t0 = now_s ();
   for (int i = 0; i < N; i++) {
      bson_t *d = BCON_NEW ("_id", BCON_INT32 (i), "x", BCON_DOUBLE (i * 0.5), "s", BCON_UTF8 ("abc"));
      if (!mongoc_collection_insert_one (coll, d, NULL, NULL, &err)) {
         print_err ("lat insert", &err);
      }
      bson_destroy (d);
   }
   double t1 = now_s ();
   printf ("  insertOne:          %6.0f ops/s  (%.0f us/op, %d ops)\n", N / (t1 - t0), (t1 - t0) / N * 1e6, N);

   bson_t *fopts = BCON_NEW ("limit", BCON_INT64 (1));
   t0 = now_s ();
   for (int i = 0; i < N; i++) {
      bson_t *q = BCON_NEW ("_id", BCON_INT32 (i));
      mongoc_cursor_t *cur = mongoc_collection_find_with_opts (coll, q, fopts, NULL);
      const bson_t *doc;
      if (!mongoc_cursor_next (cur, &doc)) {
         if (mongoc_cursor_error (cur, &err)) {
            print_err ("lat find", &err);
         }
      }
      mongoc_cursor_destroy (cur);
      bson_destroy (q);
   }
   t1 = now_s ();
   printf ("  find {_id} limit 1: %6.0f ops/s  (%.0f us/op; 1000-doc collection)\n", N / (t1 - t0),
           (t1 - t0) / N * 1e6);

   const int M = 200;
   t0 = now_s ();
   for (int i = 0; i < M; i++) {
      bson_t *q = BCON_NEW ("x", BCON_DOUBLE (i * 0.5));
      mongoc_cursor_t *cur = mongoc_collection_find_with_opts (coll, q, fopts, NULL);
      const bson_t *doc;
      mongoc_cursor_next (cur, &doc);
      mongoc_cursor_destroy (cur);
      bson_destroy (q);
   }
   t1 = now_s ();
   printf ("  find {x} limit 1:   %6.0f ops/s  (%.0f us/op; non-_id filter = full scan in Go)\n", M / (t1 - t0),
           (t1 - t0) / M * 1e6);

   t0 = now_s ();
   for (int i = 0; i < M; i++) {
      bson_t *q = BCON_NEW ("_id", BCON_INT32 (i));
      bson_t *u = BCON_NEW ("$set", "{", "s", BCON_UTF8 ("def"), "}");
      if (!mongoc_collection_update_one (coll, q, u, NULL, NULL, &err)) {
         print_err ("lat update", &err);
      }
      bson_destroy (q);
      bson_destroy (u);
   }
   t1 = now_s ();
   printf ("  updateOne {_id:int}:%6.0f ops/s  (%.0f us/op)\n", M / (t1 - t0), (t1 - t0) / M * 1e6);

   t0 = now_s ();
   for (int i = 0; i < M; i++) {
      bson_t *cmd = BCON_NEW ("ping", BCON_INT32 (1));
      mongoc_client_command_simple (c, "admin", cmd, NULL, NULL, &err);
      bson_destroy (cmd);
   }
   t1 = now_s ();
   printf ("  ping:               %6.0f ops/s  (%.0f us/op)\n", M / (t1 - t0), (t1 - t0) / M * 1e6);

   t0 = now_s ();
   int64_t n = 0;
   for (int i = 0; i < 20; i++) {
      mongoc_cursor_t *cur = mongoc_collection_find_with_opts (coll, &(bson_t) BSON_INITIALIZER, NULL, NULL);
      const bson_t *doc;
      while (mongoc_cursor_next (cur, &doc)) {
         n++;
      }
      mongoc_cursor_destroy (cur);
   }
   t1 = now_s ();
   printf ("  find {} (1000 docs, full iteration): %.1f ms per scan (%lld docs read)\n", (t1 - t0) / 20 * 1e3,
           (long long) n);
   /* Same with string _ids: FerretDB's SQLite backend pushes down only {_id: <string|ObjectId>} */
   mongoc_collection_t *scoll = mongoc_client_get_collection (c, DB, "lat_str");
   char key[32];
   t0 = now_s ();
   for (int i = 0; i < N; i++) {
      snprintf (key, sizeof key, "t%d", i);
      bson_t *d = BCON_NEW ("_id", BCON_UTF8 (key), "x", BCON_DOUBLE (i * 0.5), "s", BCON_UTF8 ("abc"));
      if (!mongoc_collection_insert_one (scoll, d, NULL, NULL, &err)) {
         print_err ("lat insert str", &err);
      }
      bson_destroy (d);
   }
   t1 = now_s ();
   printf ("  insertOne {_id:str}:%6.0f ops/s  (%.0f us/op)\n", N / (t1 - t0), (t1 - t0) / N * 1e6);
   t0 = now_s ();
   for (int i = 0; i < N; i++) {
      snprintf (key, sizeof key, "t%d", i);
      bson_t *q = BCON_NEW ("_id", BCON_UTF8 (key));
      mongoc_cursor_t *cur = mongoc_collection_find_with_opts (scoll, q, fopts, NULL);
      const bson_t *doc;
      if (!mongoc_cursor_next (cur, &doc) && mongoc_cursor_error (cur, &err)) {
         print_err ("lat find str", &err);
      }
      mongoc_cursor_destroy (cur);
      bson_destroy (q);
   }
   t1 = now_s ();
   printf ("  find {_id:str} limit 1: %6.0f ops/s  (%.0f us/op; 1000-doc collection, pushed down)\n",
           N / (t1 - t0), (t1 - t0) / N * 1e6);
   t0 = now_s ();
   for (int i = 0; i < M; i++) {
      snprintf (key, sizeof key, "t%d", i);
      bson_t *q = BCON_NEW ("_id", BCON_UTF8 (key));
      bson_t *u = BCON_NEW ("$set", "{", "s", BCON_UTF8 ("def"), "}");
      if (!mongoc_collection_update_one (scoll, q, u, NULL, NULL, &err)) {
         print_err ("lat update str", &err);
      }
      bson_destroy (q);
      bson_destroy (u);
   }
   t1 = now_s ();
   printf ("  updateOne {_id:str}:%6.0f ops/s  (%.0f us/op)\n", M / (t1 - t0), (t1 - t0) / M * 1e6);
   mongoc_collection_destroy (scoll);

   bson_destroy (fopts);
   mongoc_collection_destroy (coll);
}

static int persist (mongoc_client_t *c, bool write)
{
   mongoc_collection_t *coll = mongoc_client_get_collection (c, DB "_persist", "marker");
   bson_error_t err;
   int rc = 0;
   if (write) {
      bson_t *sel = BCON_NEW ("_id", BCON_UTF8 ("marker"));
      bson_t *doc = BCON_NEW ("_id", BCON_UTF8 ("marker"), "written", BCON_DATE_TIME (time (NULL) * 1000LL));
      bson_t *opts = BCON_NEW ("upsert", BCON_BOOL (true));
      if (!mongoc_collection_replace_one (coll, sel, doc, opts, NULL, &err)) {
         print_err ("persist-write", &err);
         rc = 1;
      } else {
         print_json ("persist-write: wrote", doc);
      }
      bson_destroy (sel);
      bson_destroy (doc);
      bson_destroy (opts);
   } else {
      bson_t *q = BCON_NEW ("_id", BCON_UTF8 ("marker"));
      mongoc_cursor_t *cur = mongoc_collection_find_with_opts (coll, q, NULL, NULL);
      const bson_t *doc;
      if (mongoc_cursor_next (cur, &doc)) {
         print_json ("persist-check: found", doc);
      } else {
         if (mongoc_cursor_error (cur, &err)) {
            print_err ("persist-check", &err);
         } else {
            printf ("  persist-check: marker NOT found\n");
         }
         rc = 1;
      }
      mongoc_cursor_destroy (cur);
      bson_destroy (q);
   }
   mongoc_collection_destroy (coll);
   return rc;
}

int main (int argc, char **argv)
{
   if (argc < 2) {
      fprintf (stderr, "usage: %s PORT|URI [all|basic|races|timing|persist-write|persist-check]\n", argv[0]);
      return 2;
   }
   if (strncmp (argv[1], "mongodb://", 10) == 0) {
      snprintf (g_uri, sizeof g_uri, "%s", argv[1]);
   } else {
      snprintf (g_uri, sizeof g_uri, "mongodb://127.0.0.1:%s/?serverSelectionTimeoutMS=2000", argv[1]);
   }
   const char *mode = argc > 2 ? argv[2] : "all";
   bool all = strcmp (mode, "all") == 0;

   mongoc_log_set_handler (log_handler, NULL);
   mongoc_init ();
   printf ("libmongoc %s, uri %s\n", mongoc_get_version (), g_uri);

   mongoc_client_t *c = new_client (g_uri);
   bson_error_t err;

   section ("connect + ping");
   double t0 = now_s ();
   if (!ping (c, &err)) {
      print_err ("ping", &err);
      return 1;
   }
   printf ("  ping ok (first ping incl. connect %.1f ms)\n", (now_s () - t0) * 1e3);

   if (strcmp (mode, "persist-write") == 0 || strcmp (mode, "persist-check") == 0) {
      int rc = persist (c, strcmp (mode, "persist-write") == 0);
      mongoc_client_destroy (c);
      mongoc_cleanup ();
      return rc;
   }

   {
      bson_t reply;
      bson_t *cmd = BCON_NEW ("buildInfo", BCON_INT32 (1));
      if (mongoc_client_command_simple (c, "admin", cmd, NULL, &reply, &err)) {
         bson_iter_t it;
         if (bson_iter_init_find (&it, &reply, "version")) {
            printf ("  buildInfo.version: %s\n", bson_iter_utf8 (&it, NULL));
         }
         if (bson_iter_init_find (&it, &reply, "ferretdb") || bson_iter_init_find (&it, &reply, "ferretdbVersion")) {
            if (BSON_ITER_HOLDS_UTF8 (&it)) {
               printf ("  buildInfo.%s: %s\n", bson_iter_key (&it), bson_iter_utf8 (&it, NULL));
            }
         }
      }
      bson_destroy (&reply);
      bson_destroy (cmd);
      cmd = BCON_NEW ("hello", BCON_INT32 (1));
      if (mongoc_client_command_simple (c, "admin", cmd, NULL, &reply, &err)) {
         bson_iter_t it;
         if (bson_iter_init_find (&it, &reply, "maxWireVersion")) {
            printf ("  hello.maxWireVersion: %d\n", bson_iter_int32 (&it));
         }
      }
      bson_destroy (&reply);
      bson_destroy (cmd);
   }

   mongoc_database_t *db = mongoc_client_get_database (c, DB);
   if (all || strcmp (mode, "basic") == 0) {
      mongoc_database_drop_with_opts (db, NULL, &err);
      mongoc_collection_t *coll = mongoc_database_get_collection (db, "basic");

      section ("insertOne / find");
      {
         bson_t *d = BCON_NEW ("_id", BCON_UTF8 ("a"), "x", BCON_INT32 (1), "loss", BCON_DOUBLE (0.25), "misc", "{",
                               "vals", "{", "lr", "[", BCON_DOUBLE (0.1), "]", "}", "}");
         try_insert (coll, "insertOne {_id:'a', x:1, loss:0.25, misc:{vals:{lr:[0.1]}}}", d, NULL);
         bson_destroy (d);
         d = BCON_NEW ("x", BCON_INT32 (2));
         try_insert (coll, "insertOne {x:2} (driver adds ObjectId _id)", d, NULL);
         bson_destroy (d);
         d = BCON_NEW ("_id", BCON_UTF8 ("a"));
         try_insert (coll, "insertOne duplicate _id 'a'", d, NULL);
         bson_destroy (d);

         bson_t *q = BCON_NEW ("x", "{", "$gte", BCON_INT32 (1), "}");
         bson_t *o = BCON_NEW ("sort", "{", "x", BCON_INT32 (1), "}");
         mongoc_cursor_t *cur = mongoc_collection_find_with_opts (coll, q, o, NULL);
         const bson_t *doc;
         while (mongoc_cursor_next (cur, &doc)) {
            print_json ("find {x:{$gte:1}} sort x", doc);
         }
         if (mongoc_cursor_error (cur, &err)) {
            print_err ("find", &err);
         }
         mongoc_cursor_destroy (cur);
         bson_destroy (q);
         bson_destroy (o);
      }

      section ("createIndexes (unique, named) + duplicate key");
      {
         create_unique_index (db, "uniq", "k", "k_unique", true);
         printf ("  same index again:\n");
         create_unique_index (db, "uniq", "k", "k_unique", true);
         printf ("  same key, other name:\n");
         create_unique_index (db, "uniq", "k", "k_other", true);
         bson_t *cmd = BCON_NEW ("createIndexes", BCON_UTF8 ("uniq"), "indexes", "[", "{", "key", "{", "k2",
                                 BCON_INT32 (1), "}", "unique", BCON_BOOL (true), "}", "]");
         bson_t reply;
         if (!mongoc_database_write_command_with_opts (db, cmd, NULL, &reply, &err)) {
            print_err ("createIndexes without name", &err);
         } else {
            print_json ("createIndexes without name", &reply);
         }
         bson_destroy (&reply);
         bson_destroy (cmd);

         mongoc_collection_t *u = mongoc_database_get_collection (db, "uniq");
         bson_t *d = BCON_NEW ("k", BCON_INT32 (1));
         try_insert (u, "insert {k:1}", d, NULL);
         try_insert (u, "insert {k:1} again (unique violation)", d, NULL);
         bson_destroy (d);
         d = BCON_NEW ("other", BCON_INT32 (1));
         try_insert (u, "insert {} lacking k #1", d, NULL);
         bson_destroy (d);
         d = BCON_NEW ("other", BCON_INT32 (2));
         try_insert (u, "insert {} lacking k #2 (MongoDB: dup key on null)", d, NULL);
         bson_destroy (d);
         d = BCON_NEW ("k", BCON_NULL);
         try_insert (u, "insert {k:null}", d, NULL);
         bson_destroy (d);

         /* insertMany with a duplicate in the middle, ordered */
         bson_t *d1 = BCON_NEW ("k", BCON_INT32 (10));
         bson_t *d2 = BCON_NEW ("k", BCON_INT32 (1));
         bson_t *d3 = BCON_NEW ("k", BCON_INT32 (11));
         const bson_t *docs[] = {d1, d2, d3};
         if (!mongoc_collection_insert_many (u, docs, 3, NULL, &reply, &err)) {
            print_err ("insertMany [k10, k1(dup), k11] ordered", &err);
         }
         print_json ("insertMany reply", &reply);
         bson_destroy (&reply);
         printf ("  count after ordered insertMany: %lld (k:10 present=%lld, k:11 present=%lld)\n",
                 (long long) count_docs (u, &(bson_t) BSON_INITIALIZER),
                 (long long) count_docs (u, d1), (long long) count_docs (u, d3));

         /* unique violation through an update */
         bson_t *sel = BCON_NEW ("k", BCON_INT32 (10));
         bson_t *upd = BCON_NEW ("$set", "{", "k", BCON_INT32 (1), "}");
         if (!mongoc_collection_update_one (u, sel, upd, NULL, &reply, &err)) {
            print_err ("updateOne {k:10} -> $set k:1 (unique violation by update)", &err);
         } else {
            print_json ("updateOne unique violation reply (no error!)", &reply);
         }
         bson_destroy (&reply);
         bson_destroy (sel);
         bson_destroy (upd);
         bson_destroy (d1);
         bson_destroy (d2);
         bson_destroy (d3);

         mongoc_cursor_t *cur = mongoc_collection_find_indexes_with_opts (u, NULL);
         const bson_t *doc;
         while (mongoc_cursor_next (cur, &doc)) {
            print_json ("listIndexes", doc);
         }
         mongoc_cursor_destroy (cur);
         mongoc_collection_destroy (u);
      }

      section ("countDocuments / updateOne $set / deleteMany");
      {
         for (int i = 0; i < 10; i++) {
            bson_t *d = BCON_NEW ("_id", BCON_INT32 (100 + i), "grp", BCON_INT32 (i % 2), "state", BCON_INT32 (0));
            mongoc_collection_insert_one (coll, d, NULL, NULL, &err);
            bson_destroy (d);
         }
         bson_t *f = BCON_NEW ("grp", BCON_INT32 (1));
         printf ("  countDocuments {grp:1}: %lld (expect 5)\n", (long long) count_docs (coll, f));
         bson_t *o = BCON_NEW ("skip", BCON_INT64 (1), "limit", BCON_INT64 (3));
         printf ("  countDocuments {grp:1} skip 1 limit 3: %lld (expect 3)\n",
                 (long long) mongoc_collection_count_documents (coll, f, o, NULL, NULL, &err));
         bson_destroy (o);
         printf ("  estimatedDocumentCount: %lld\n",
                 (long long) mongoc_collection_estimated_document_count (coll, NULL, NULL, NULL, &err));

         bson_t reply;
         bson_t *sel = BCON_NEW ("_id", BCON_INT32 (101));
         bson_t *upd = BCON_NEW ("$set", "{", "state", BCON_INT32 (2), "result", "{", "loss", BCON_DOUBLE (0.5),
                                 "status", BCON_UTF8 ("ok"), "}", "}");
         if (mongoc_collection_update_one (coll, sel, upd, NULL, &reply, &err)) {
            print_json ("updateOne {_id:101} $set", &reply);
         } else {
            print_err ("updateOne", &err);
         }
         bson_destroy (&reply);
         bson_destroy (upd);
         upd = BCON_NEW ("$set", "{", "result.loss", BCON_DOUBLE (0.75), "}");
         if (mongoc_collection_update_one (coll, sel, upd, NULL, &reply, &err)) {
            print_json ("updateOne {_id:101} $set {'result.loss':0.75} (dotted path)", &reply);
         } else {
            print_err ("updateOne dotted path", &err);
         }
         bson_destroy (&reply);
         bson_destroy (upd);
         mongoc_cursor_t *cur = mongoc_collection_find_with_opts (coll, sel, NULL, NULL);
         const bson_t *doc;
         if (mongoc_cursor_next (cur, &doc)) {
            print_json ("doc 101 now", doc);
         }
         mongoc_cursor_destroy (cur);
         bson_destroy (sel);

         if (mongoc_collection_delete_many (coll, f, NULL, &reply, &err)) {
            print_json ("deleteMany {grp:1}", &reply);
         } else {
            print_err ("deleteMany", &err);
         }
         bson_destroy (&reply);
         printf ("  countDocuments {grp:1} after deleteMany: %lld\n", (long long) count_docs (coll, f));
         bson_destroy (f);

         /* findAndModify with fields (projection) */
         mongoc_find_and_modify_opts_t *fam = mongoc_find_and_modify_opts_new ();
         bson_t *fields = BCON_NEW ("state", BCON_INT32 (1));
         upd = BCON_NEW ("$set", "{", "state", BCON_INT32 (5), "}");
         mongoc_find_and_modify_opts_set_update (fam, upd);
         mongoc_find_and_modify_opts_set_fields (fam, fields);
         sel = BCON_NEW ("_id", BCON_INT32 (100));
         if (!mongoc_collection_find_and_modify_with_opts (coll, sel, fam, &reply, &err)) {
            print_err ("findAndModify with fields", &err);
         } else {
            print_json ("findAndModify with fields", &reply);
         }
         bson_destroy (&reply);
         mongoc_find_and_modify_opts_destroy (fam);
         fam = mongoc_find_and_modify_opts_new ();
         mongoc_find_and_modify_opts_set_update (fam, upd);
         mongoc_find_and_modify_opts_set_flags (fam, MONGOC_FIND_AND_MODIFY_RETURN_NEW);
         if (!mongoc_collection_find_and_modify_with_opts (coll, sel, fam, &reply, &err)) {
            print_err ("findAndModify new:true", &err);
         } else {
            print_json ("findAndModify new:true", &reply);
         }
         bson_destroy (&reply);
         mongoc_find_and_modify_opts_destroy (fam);
         bson_destroy (fields);
         bson_destroy (upd);
         bson_destroy (sel);

         /* $inc, $max (update operators hopt might use) */
         sel = BCON_NEW ("_id", BCON_INT32 (100));
         upd = BCON_NEW ("$inc", "{", "n", BCON_INT32 (3), "}", "$max", "{", "best", BCON_DOUBLE (2.0), "}");
         if (!mongoc_collection_update_one (coll, sel, upd, NULL, &reply, &err)) {
            print_err ("updateOne $inc+$max", &err);
         } else {
            print_json ("updateOne $inc+$max", &reply);
         }
         bson_destroy (&reply);
         bson_destroy (upd);
         bson_destroy (sel);

         /* aggregate with $group $min (reference: only $sum/$count supported) */
         bson_t *pipe = BCON_NEW ("pipeline", "[", "{", "$group", "{", "_id", BCON_NULL, "m", "{", "$min",
                                  BCON_UTF8 ("$_id"), "}", "}", "}", "]");
         cur = mongoc_collection_aggregate (coll, MONGOC_QUERY_NONE, pipe, NULL, NULL);
         while (mongoc_cursor_next (cur, &doc)) {
            print_json ("aggregate $group $min", doc);
         }
         if (mongoc_cursor_error (cur, &err)) {
            print_err ("aggregate $group $min", &err);
         }
         mongoc_cursor_destroy (cur);
         bson_destroy (pipe);
      }

      section ("NaN / Infinity doubles");
      {
         mongoc_collection_t *v = mongoc_database_get_collection (db, "values");
         struct {
            const char *label;
            double val;
         } cases[] = {{"insert {v: NaN}", NAN}, {"insert {v: +Inf}", INFINITY}, {"insert {v: -Inf}", -INFINITY},
                      {"insert {v: -0.0}", -0.0}, {"insert {v: 1e308}", 1e308}, {"insert {v: 5e-324}", 5e-324}};
         for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
            bson_t *d = BCON_NEW ("_id", BCON_INT32 ((int) i), "v", BCON_DOUBLE (cases[i].val));
            try_insert (v, cases[i].label, d, NULL);
            bson_destroy (d);
            t0 = now_s ();
            bool ok = ping (c, &err);
            printf ("    ping right after: %s (%.1f ms)\n", ok ? "ok" : err.message, (now_s () - t0) * 1e3);
         }
         bson_t *d = BCON_NEW ("_id", BCON_INT32 (50), "res", "{", "loss", BCON_DOUBLE (NAN), "}");
         try_insert (v, "insert {res:{loss:NaN}} (nested)", d, NULL);
         bson_destroy (d);
         ping (c, &err);
         d = BCON_NEW ("_id", BCON_INT32 (52), "res", "{", "loss", BCON_DOUBLE (INFINITY), "}");
         try_insert (v, "insert {res:{loss:+Inf}} (nested)", d, NULL);
         bson_destroy (d);
         d = BCON_NEW ("_id", BCON_INT32 (51), "a", "[", BCON_DOUBLE (1.0), BCON_DOUBLE (INFINITY), "]");
         try_insert (v, "insert {a:[1.0, +Inf]} (in array)", d, NULL);
         bson_destroy (d);

         mongoc_cursor_t *cur = mongoc_collection_find_with_opts (v, &(bson_t) BSON_INITIALIZER, NULL, NULL);
         const bson_t *doc;
         while (mongoc_cursor_next (cur, &doc)) {
            print_json ("stored", doc);
         }
         mongoc_cursor_destroy (cur);

         bson_t *q = BCON_NEW ("v", BCON_DOUBLE (NAN));
         cur = mongoc_collection_find_with_opts (v, q, NULL, NULL);
         int n = 0;
         while (mongoc_cursor_next (cur, &doc)) {
            n++;
         }
         if (mongoc_cursor_error (cur, &err)) {
            print_err ("find {v: NaN} (NaN in a filter)", &err);
         } else {
            printf ("  find {v: NaN}: %d docs\n", n);
         }
         mongoc_cursor_destroy (cur);
         bson_destroy (q);
         ping (c, &err);

         bson_t reply;
         bson_t *sel = BCON_NEW ("_id", BCON_INT32 (4));
         bson_t *upd = BCON_NEW ("$set", "{", "v", BCON_DOUBLE (INFINITY), "}");
         if (!mongoc_collection_update_one (v, sel, upd, NULL, &reply, &err)) {
            print_err ("updateOne $set {v: +Inf}", &err);
         } else {
            print_json ("updateOne $set {v: +Inf}", &reply);
         }
         bson_destroy (&reply);
         bson_destroy (upd);
         upd = BCON_NEW ("$mul", "{", "v", BCON_DOUBLE (10.0), "}");
         if (!mongoc_collection_update_one (v, sel, upd, NULL, &reply, &err)) {
            print_err ("updateOne {v:1e308} $mul 10 (overflow to Inf)", &err);
         } else {
            print_json ("updateOne {v:1e308} $mul 10 (overflow to Inf)", &reply);
         }
         bson_destroy (&reply);
         bson_destroy (upd);
         bson_destroy (sel);
         ping (c, &err);
         mongoc_collection_destroy (v);
      }

      section ("nested arrays");
      {
         mongoc_collection_t *v = mongoc_database_get_collection (db, "arrays");
         bson_t *d = BCON_NEW ("_id", BCON_INT32 (1), "a", "[", "[", BCON_INT32 (1), BCON_INT32 (2), "]", "[",
                               BCON_INT32 (3), "]", "]");
         try_insert (v, "insert {a:[[1,2],[3]]}", d, NULL);
         bson_destroy (d);
         d = BCON_NEW ("_id", BCON_INT32 (2), "a", "[", "{", "b", "[", BCON_INT32 (1), BCON_INT32 (2), "]", "}",
                       "]");
         try_insert (v, "insert {a:[{b:[1,2]}]} (array in doc in array)", d, NULL);
         bson_destroy (d);
         d = BCON_NEW ("_id", BCON_INT32 (3), "a", "[", "]", "o", "{", "}");
         try_insert (v, "insert {a:[], o:{}}", d, NULL);
         bson_destroy (d);
         bson_t reply;
         bson_t *sel = BCON_NEW ("_id", BCON_INT32 (3));
         bson_t *upd = BCON_NEW ("$push", "{", "a", "[", BCON_INT32 (1), "]", "}");
         if (!mongoc_collection_update_one (v, sel, upd, NULL, &reply, &err)) {
            print_err ("updateOne $push {a: [1]} (creates nested array)", &err);
         } else {
            print_json ("updateOne $push {a: [1]}", &reply);
         }
         bson_destroy (&reply);
         bson_destroy (sel);
         bson_destroy (upd);
         mongoc_collection_destroy (v);
      }

      section ("keys containing '.' or starting with '$'");
      {
         mongoc_collection_t *v = mongoc_database_get_collection (db, "keys");
         bson_t *novalidate = BCON_NEW ("validate", BCON_BOOL (false));
         struct {
            const char *label;
            bson_t *doc;
         } cases[] = {
            {"{'a.b':1}", BCON_NEW ("a.b", BCON_INT32 (1))},
            {"{'$x':1}", BCON_NEW ("$x", BCON_INT32 (1))},
            {"{'x$':1}", BCON_NEW ("x$", BCON_INT32 (1))},
            {"{o:{'a.b':1}}", BCON_NEW ("o", "{", "a.b", BCON_INT32 (1), "}")},
            {"{o:{'$x':1}}", BCON_NEW ("o", "{", "$x", BCON_INT32 (1), "}")},
            {"{'':1}", BCON_NEW ("", BCON_INT32 (1))},
         };
         for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
            char label[128];
            snprintf (label, sizeof label, "insert %s (driver default validation)", cases[i].label);
            try_insert (v, label, cases[i].doc, NULL);
            snprintf (label, sizeof label, "insert %s with {validate:false} (server decides)", cases[i].label);
            try_insert (v, label, cases[i].doc, novalidate);
            ping (c, &err);
            bson_destroy (cases[i].doc);
         }
         /* a key with '.' set through $set on a map-like sub-document: {$set: {"vals.a.b": 1}} is a path */
         bson_t *d = BCON_NEW ("_id", BCON_INT32 (99), "vals", "{", "}");
         try_insert (v, "insert {_id:99, vals:{}}", d, NULL);
         bson_destroy (d);
         bson_t reply;
         bson_t *sel = BCON_NEW ("_id", BCON_INT32 (99));
         bson_t *upd = BCON_NEW ("$set", "{", "vals.a.b", BCON_INT32 (1), "}");
         if (mongoc_collection_update_one (v, sel, upd, NULL, &reply, &err)) {
            mongoc_cursor_t *cur = mongoc_collection_find_with_opts (v, sel, NULL, NULL);
            const bson_t *doc;
            if (mongoc_cursor_next (cur, &doc)) {
               print_json ("$set {'vals.a.b':1} is a path ->", doc);
            }
            mongoc_cursor_destroy (cur);
         } else {
            print_err ("$set {'vals.a.b':1}", &err);
         }
         bson_destroy (&reply);
         bson_destroy (sel);
         bson_destroy (upd);
         bson_destroy (novalidate);
         mongoc_collection_destroy (v);
      }

      section ("names: database with a dot, collection with '$'");
      {
         mongoc_collection_t *v = mongoc_client_get_collection (c, "hopt.smoke", "x");
         bson_t *d = BCON_NEW ("x", BCON_INT32 (1));
         try_insert (v, "insert into db 'hopt.smoke'", d, NULL);
         mongoc_collection_destroy (v);
         v = mongoc_database_get_collection (db, "a$b");
         try_insert (v, "insert into collection 'a$b'", d, NULL);
         mongoc_collection_destroy (v);
         bson_destroy (d);
      }
      mongoc_collection_destroy (coll);
   }

   if (all || strcmp (mode, "races") == 0) {
      races (c);
   }
   if (all || strcmp (mode, "timing") == 0) {
      latency (c);
      no_server_timing ();
   }

   if (all) {
      mongoc_database_drop_with_opts (db, NULL, &err);
   }
   mongoc_database_destroy (db);
   mongoc_client_destroy (c);
   mongoc_cleanup ();
   printf ("\nsmoke: done\n");
   return g_fail;
}
