/*
 * Helpers shared by the MongoDB benchmarks (bench/mongo_*.c): clocks, CPU time of this
 * process and of others (/proc), the server's command counters (serverStatus), spawning and
 * stopping worker processes. Header-only (static functions) to keep each benchmark one file.
 */
#ifndef HOPT_BENCH_MONGO_COMMON_H
#define HOPT_BENCH_MONGO_COMMON_H

#define _GNU_SOURCE 1

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <mongoc/mongoc.h>

/* Not every benchmark uses every helper. */
#pragma GCC diagnostic ignored "-Wunused-function"

/* Processes bm_spawn started and not yet stopped: killed (with their process groups) if the
 * benchmark dies, so that no worker is left polling the server. */
static pid_t bm_spawned[256];
static int bm_n_spawned;

static void bm_die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
static void bm_die(const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "bench: ");
    vfprintf(stderr, fmt, ap);
    fprintf(stderr, "\n");
    va_end(ap);
    for (int i = 0; i < bm_n_spawned; ++i)
        if (bm_spawned[i] > 0) kill(-bm_spawned[i], SIGKILL);
    exit(1);
}

static double bm_now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void bm_sleep(double s) {
    if (s <= 0) return;
    struct timespec ts = {(time_t)s, (long)((s - (double)(time_t)s) * 1e9)};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
    }
}

/* CPU seconds (user + system) of this process, all threads. */
static double bm_self_cpu(void) {
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec * 1e-6 + (double)ru.ru_stime.tv_sec +
           (double)ru.ru_stime.tv_usec * 1e-6;
}

/* CPU seconds of process `pid` from /proc: its own threads (utime + stime) plus the
 * children it has waited for (cutime + cstime), so that a worker's per-trial child
 * processes count. -1 if unreadable. */
static double bm_proc_cpu(pid_t pid) {
    char path[64], buf[4096];
    snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
    FILE *f = fopen(path, "r");
    if (!f) return -1;
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = '\0';
    const char *p = strrchr(buf, ')');
    if (!p) return -1;
    /* fields after the name: 3 state ... 14 utime 15 stime 16 cutime 17 cstime */
    unsigned long long v[17] = {0};
    int field = 2;
    p += 1;
    while (*p && field < 17) {
        while (*p == ' ') ++p;
        ++field;
        char *end;
        unsigned long long x = strtoull(p, &end, 10);
        if (field >= 14 && field <= 17) v[field - 14] = x;
        while (*end && *end != ' ') ++end;
        p = end;
    }
    return (double)(v[0] + v[1] + v[2] + v[3]) / (double)sysconf(_SC_CLK_TCK);
}

/* The server's command counters (FerretDB and MongoDB: serverStatus.metrics.commands.<name>.total),
 * for the commands the protocols use. */
enum { BM_FIND, BM_INSERT, BM_UPDATE, BM_DELETE, BM_FAM, BM_COUNT, BM_GETMORE, BM_OTHER, BM_NCMD };
static const char *const bm_cmd_names[BM_NCMD] = {"find",  "insert",  "update",  "delete",
                                                  "findAndModify", "count", "getMore", "other"};
typedef struct {
    double n[BM_NCMD];
} bm_cmds;

static bm_cmds bm_server_commands(mongoc_client_t *client) {
    bm_cmds out;
    memset(&out, 0, sizeof out);
    bson_t *cmd = BCON_NEW("serverStatus", BCON_INT32(1));
    bson_t reply;
    bson_error_t error;
    if (!mongoc_client_command_simple(client, "admin", cmd, NULL, &reply, &error)) {
        fprintf(stderr, "bench: serverStatus failed: %s\n", error.message);
        bson_destroy(cmd);
        bson_destroy(&reply);
        return out;
    }
    bson_iter_t it, cmds;
    if (bson_iter_init(&it, &reply) && bson_iter_find_descendant(&it, "metrics.commands", &cmds) &&
        BSON_ITER_HOLDS_DOCUMENT(&cmds)) {
        bson_iter_t c;
        bson_iter_recurse(&cmds, &c);
        while (bson_iter_next(&c)) {
            const char *name = bson_iter_key(&c);
            bson_iter_t t;
            if (!BSON_ITER_HOLDS_DOCUMENT(&c) || !bson_iter_recurse(&c, &t) || !bson_iter_find(&t, "total")) continue;
            double total = (double)bson_iter_as_int64(&t);
            int k = BM_OTHER;
            for (int i = 0; i < BM_OTHER; ++i)
                if (strcmp(name, bm_cmd_names[i]) == 0) k = i;
            if (k == BM_OTHER && (strcmp(name, "serverStatus") == 0 || strcmp(name, "hello") == 0 ||
                                  strcmp(name, "isMaster") == 0 || strcmp(name, "ismaster") == 0 ||
                                  strcmp(name, "endSessions") == 0 || strcmp(name, "ping") == 0))
                continue; /* monitoring and this benchmark's own reads */
            out.n[k] += total;
        }
    }
    bson_destroy(cmd);
    bson_destroy(&reply);
    return out;
}

/* JSON object of per-trial command counts between two snapshots. */
static void bm_print_cmds(FILE *f, const bm_cmds *a, const bm_cmds *b, double trials) {
    fprintf(f, "{");
    double total = 0;
    for (int i = 0; i < BM_NCMD; ++i) {
        double d = (b->n[i] - a->n[i]) / (trials > 0 ? trials : 1);
        total += d;
        fprintf(f, "\"%s\": %.2f, ", bm_cmd_names[i], d);
    }
    fprintf(f, "\"total\": %.2f}", total);
}

/* Start `argv` with stdout and stderr appended to `log` (NULL: /dev/null) in its own
 * process group (so that its own children can be signalled with it). */
static pid_t bm_spawn(char *const argv[], const char *log) {
    pid_t pid = fork();
    if (pid < 0) bm_die("fork: %s", strerror(errno));
    if (pid == 0) {
        setpgid(0, 0);
        int fd = open(log ? log : "/dev/null", O_WRONLY | O_CREAT | O_APPEND, 0644);
        if (fd >= 0) {
            dup2(fd, 1);
            dup2(fd, 2);
            close(fd);
        }
        execv(argv[0], argv);
        fprintf(stderr, "exec %s: %s\n", argv[0], strerror(errno));
        _exit(127);
    }
    setpgid(pid, pid);
    if (bm_n_spawned < 256) bm_spawned[bm_n_spawned++] = pid;
    return pid;
}

/* Ask the processes to stop (SIGTERM to each one's group), wait for them up to
 * `grace` seconds, then SIGKILL their groups. */
static void bm_forget(pid_t pid) {
    for (int i = 0; i < bm_n_spawned; ++i)
        if (bm_spawned[i] == pid) bm_spawned[i] = 0;
}

static void bm_stop_all(const pid_t *pids, int n, double grace) {
    if (n < 0) n = 0;
    if (n > 256) n = 256;
    for (int i = 0; i < n; ++i) bm_forget(pids[i]);
    for (int i = 0; i < n; ++i)
        if (pids[i] > 0) kill(-pids[i], SIGTERM);
    const double deadline = bm_now() + grace;
    int left = n;
    int done[256] = {0};
    while (left > 0) {
        for (int i = 0; i < n; ++i) {
            if (done[i] || pids[i] <= 0) {
                if (!done[i]) {
                    done[i] = 1;
                    --left;
                }
                continue;
            }
            int st;
            pid_t r = waitpid(pids[i], &st, WNOHANG);
            if (r == pids[i] || (r < 0 && errno == ECHILD)) {
                done[i] = 1;
                --left;
            }
        }
        if (left == 0) break;
        if (bm_now() > deadline) {
            for (int i = 0; i < n; ++i)
                if (!done[i] && pids[i] > 0) kill(-pids[i], SIGKILL);
            for (int i = 0; i < n; ++i)
                if (!done[i] && pids[i] > 0) waitpid(pids[i], NULL, 0);
            break;
        }
        bm_sleep(0.02);
    }
}

/* Number of lines of `path` that contain `needle`. */
static int bm_count_lines(const char *path, const char *needle) {
    FILE *f = fopen(path, "r");
    if (!f) return 0;
    char line[4096];
    int n = 0;
    while (fgets(line, sizeof line, f))
        if (strstr(line, needle)) ++n;
    fclose(f);
    return n;
}

/* Split "1,2,4" into ints; returns the count. */
static int bm_parse_list(const char *text, int *out, int max) {
    int n = 0;
    const char *p = text;
    while (*p && n < max) {
        char *end;
        long v = strtol(p, &end, 10);
        if (end == p) bm_die("bad number list '%s'", text);
        out[n++] = (int)v;
        p = *end == ',' ? end + 1 : end;
        if (*end && *end != ',') bm_die("bad number list '%s'", text);
    }
    return n;
}

/* A database that exists only for one measurement, dropped afterwards. */
static void bm_drop_database(mongoc_client_t *client, const char *db) {
    mongoc_database_t *d = mongoc_client_get_database(client, db);
    bson_error_t error;
    if (!mongoc_database_drop(d, &error)) fprintf(stderr, "bench: dropping %s: %s\n", db, error.message);
    mongoc_database_destroy(d);
}

/* Create the protocol's collections now (they are otherwise created by their first
 * insert), so that a hook can act on all of them before the measurement. */
static void bm_create_collections(mongoc_client_t *client, const char *db) {
    static const char *const names[] = {"jobs",        "hopt_tids",    "hopt_claims",     "hopt_queue",
                                        "hopt_running", "hopt_results", "hopt_experiments"};
    mongoc_database_t *d = mongoc_client_get_database(client, db);
    for (size_t i = 0; i < sizeof names / sizeof names[0]; ++i) {
        bson_error_t error;
        mongoc_collection_t *c = mongoc_database_create_collection(d, names[i], NULL, &error);
        if (c) mongoc_collection_destroy(c);
        else if (error.code != 48) /* NamespaceExists */
            bm_die("creating %s.%s: %s", db, names[i], error.message);
    }
    mongoc_database_destroy(d);
}

/* Run `hook DB` through the shell (e.g. bench/mongo_ferretdb_id_index.py DATA_DIR). */
static void bm_run_hook(const char *hook, const char *db) {
    if (!hook || !*hook) return;
    char cmd[4096];
    snprintf(cmd, sizeof cmd, "%s %s", hook, db);
    if (system(cmd) != 0) bm_die("hook failed: %s", cmd);
}

#endif
