/*
 * hyperopt-mongo-worker: evaluate the trials that fmin queues in a MongoDB
 * database, with hyperopt's flags, and objectives from plugins (--plugin)
 * and commands (--exec). docs/worker.md describes it; --help summarises.
 *
 * The only global state is the signal flag: SIGINT, SIGTERM and SIGHUP ask
 * the worker to stop after the current job; a second signal ends it at once.
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <hopt/hopt.h>

/* Exit statuses (documented in --help). */
enum { EXIT_NORMAL = 0, EXIT_STORE = 1, EXIT_USAGE = 2, EXIT_FAILURES = 3 };

/* hopt_worker_run's heartbeat defaults, needed here because the three values
 * are set together: interval, timeout, attempts. */
#define DEFAULT_HEARTBEAT_INTERVAL 2.0
#define DEFAULT_HEARTBEAT_TIMEOUT 30.0
#define DEFAULT_MAX_ATTEMPTS 3

static volatile sig_atomic_t stop_signal = 0;

static void on_signal(int sig) {
    if (stop_signal) {
        /* Second signal: leave now. The running job stops heartbeating and is
         * recovered by fmin or another worker; its child gets SIGKILL. */
        signal(sig, SIG_DFL);
        raise(sig);
        return;
    }
    stop_signal = sig;
    static const char msg[] =
        "hyperopt-mongo-worker: stopping after the current job (send the signal again to exit at once)\n";
    ssize_t ignored = write(STDERR_FILENO, msg, sizeof msg - 1);
    (void)ignored;
}

static int should_stop(void *user) {
    (void)user;
    return stop_signal != 0;
}

static void install_signal_handlers(void) {
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);
}

static const char usage_text[] =
    "Usage: hyperopt-mongo-worker [OPTIONS]\n"
    "Evaluate the trials that fmin queues in a MongoDB database (hyperopt's worker).\n"
    "\n"
    "Where the trials are (hyperopt's flags):\n"
    "  --mongo=HOST:PORT/DB       database (default localhost:27017/hyperopt); mongo://HOST:PORT/DB/jobs\n"
    "                             and mongodb://[USER:PASS@]HOST[:PORT]/DB[?OPTIONS] work too\n"
    "  --exp-key=KEY              only trials of this experiment (default: any experiment)\n"
    "  --poll-interval=S          seconds between reservation attempts when idle (default 0.1, as in\n"
    "                             hyperopt's tutorial; hyperopt's own default is a random 1..5 s)\n"
    "  --max-jobs=N               stop after N trials (default: no limit)\n"
    "  --max-consecutive-failures=N  stop after N failed trials in a row (default 4; exit status 3)\n"
    "  --reserve-timeout=S        stop after S seconds without a trial (default 120; 0: wait forever)\n"
    "  --last-job-timeout=S       take no new trial once S seconds have passed since the start\n"
    "  --workdir=DIR              run objectives in DIR, created if missing (default: the current directory)\n"
    "  --no-subprocesses          run plugin objectives in this process: faster, but a crash ends the\n"
    "                             worker (default: a child process per trial; commands always get one)\n"
    "\n"
    "Objectives (at least one is needed; a trial names its objective, the worker runs only these):\n"
    "  --plugin=PATH              load a plugin: a shared library exporting\n"
    "                             int hopt_plugin_register(hopt_registry *); repeatable.\n"
    "                             HOPT_WORKER_PLUGINS=PATH[:PATH...] adds more.\n"
    "  --exec=NAME=COMMAND        objective NAME runs /bin/sh -c COMMAND with the point's JSON on stdin\n"
    "                             and HOPT_TID in its environment; it prints the loss or a result JSON\n"
    "                             object on stdout; repeatable\n"
    "\n"
    "Trust (hopt's; docs/threat-model.md):\n"
    "  --key-file=PATH            the key fmin signs experiments with; trials of experiments that are\n"
    "                             unsigned, signed with another key or changed since are refused and left\n"
    "                             to other workers (default: $HOPT_KEY_FILE, else ~/.config/hopt/key,\n"
    "                             created on first use; copy it to every machine of a cluster)\n"
    "  --allow=PATTERN            run only objectives whose names match PATTERN (*, ?, [...]);\n"
    "                             repeatable (default: any objective of this worker)\n"
    "  --insecure                 do not check signatures (trusted databases only; logged as a warning)\n"
    "\n"
    "Robustness (hopt's):\n"
    "  --trial-timeout=S          fail a trial running longer than S seconds, killing its process group\n"
    "                             (children only: not with --no-subprocesses, except for commands)\n"
    "  --heartbeat-interval=S     refresh a running trial's heartbeat every S seconds (default 2)\n"
    "  --heartbeat-timeout=S      requeue other workers' trials silent for S seconds (default 30)\n"
    "  --max-attempts=N           ...and fail them once abandoned N times (default 3)\n"
    "  --memory-limit=MIB         limit each trial's process to MIB mebibytes of address space (RLIMIT_AS);\n"
    "                             an objective going beyond fails its trial (default: no limit)\n"
    "  --server-timeout=S         keep retrying while the database is unreachable for up to S seconds,\n"
    "                             then exit with status 1 (default 60; 0: at the first failure)\n"
    "\n"
    "  -h, --help                 this help\n"
    "  --version                  the version\n"
    "\n"
    "SIGINT, SIGTERM, SIGHUP: stop after the current trial; a trial still running 10 s later is killed and\n"
    "put back in the queue. A second signal exits at once (the trial is recovered by heartbeat timeout).\n"
    "Exit status: 0 stopped normally (max jobs, reserve or last-job timeout, signal), 1 database failure,\n"
    "2 usage or configuration error, 3 too many consecutive failures.\n";

/* Print a usage or configuration error; returns EXIT_USAGE. */
__attribute__((format(printf, 1, 2))) static int usage_error(const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "hyperopt-mongo-worker: ");
    vfprintf(stderr, fmt, ap);
    fprintf(stderr, "\nTry 'hyperopt-mongo-worker --help'.\n");
    va_end(ap);
    return EXIT_USAGE;
}

/* A number given to `flag`: the whole text must parse. */
static int parse_double(const char *flag, const char *text, double *out) {
    char *end = NULL;
    errno = 0;
    *out = strtod(text, &end);
    if (end == text || *end || errno == ERANGE || !isfinite(*out))
        return usage_error("%s needs a number of seconds, got '%s'", flag, text);
    return 0;
}

static int parse_long(const char *flag, const char *text, long long *out) {
    char *end = NULL;
    errno = 0;
    *out = strtoll(text, &end, 10);
    if (end == text || *end || errno == ERANGE) return usage_error("%s needs an integer, got '%s'", flag, text);
    return 0;
}

/* Report a setter's failure as a usage error naming the flag. */
static int check_set(int rc, const char *flag) {
    if (rc == HOPT_OK) return 0;
    return usage_error("%s: %s", flag, hopt_errmsg());
}

static int add_exec(hopt_registry *reg, const char *spec) {
    const char *eq = strchr(spec, '=');
    if (!eq || eq == spec) return usage_error("--exec needs NAME=COMMAND, got '%s'", spec);
    size_t n = (size_t)(eq - spec);
    char *name = malloc(n + 1);
    if (!name) return usage_error("out of memory");
    memcpy(name, spec, n);
    name[n] = '\0';
    int rc = hopt_registry_add_command(reg, name, eq + 1);
    free(name);
    return check_set(rc, "--exec");
}

static int load_plugin(hopt_registry *reg, const char *path) {
    return hopt_registry_load_plugin(reg, path) == HOPT_OK ? 0 : usage_error("%s", hopt_errmsg());
}

/* HOPT_WORKER_PLUGINS: colon-separated paths; empty entries are skipped. */
static int load_env_plugins(hopt_registry *reg) {
    const char *env = getenv("HOPT_WORKER_PLUGINS");
    if (!env || !*env) return 0;
    char *copy = strdup(env);
    if (!copy) return usage_error("out of memory");
    int rc = 0;
    char *save = NULL;
    for (char *p = strtok_r(copy, ":", &save); p && rc == 0; p = strtok_r(NULL, ":", &save)) rc = load_plugin(reg, p);
    free(copy);
    return rc;
}

/* With --no-subprocesses the library will not chdir the whole process for
 * in-process objectives (an embedder's threads would be affected); this
 * program owns its process, so it changes directory itself. */
static int enter_workdir(const char *dir) {
    if (mkdir(dir, 0777) != 0 && errno != EEXIST)
        return usage_error("--workdir: cannot create '%s': %s", dir, strerror(errno));
    if (chdir(dir) != 0) return usage_error("--workdir: cannot enter '%s': %s", dir, strerror(errno));
    return 0;
}

enum {
    OPT_MONGO = 256, OPT_EXP_KEY, OPT_POLL, OPT_MAX_JOBS, OPT_MAX_FAILURES, OPT_RESERVE_TIMEOUT,
    OPT_LAST_JOB_TIMEOUT, OPT_WORKDIR, OPT_NO_SUBPROCESSES, OPT_PLUGIN, OPT_EXEC, OPT_TRIAL_TIMEOUT,
    OPT_HB_INTERVAL, OPT_HB_TIMEOUT, OPT_MAX_ATTEMPTS, OPT_MEMORY_LIMIT, OPT_SERVER_TIMEOUT, OPT_VERSION,
    OPT_KEY_FILE, OPT_ALLOW, OPT_INSECURE
};

static const struct option long_options[] = {
    {"mongo", required_argument, NULL, OPT_MONGO},
    {"exp-key", required_argument, NULL, OPT_EXP_KEY},
    {"poll-interval", required_argument, NULL, OPT_POLL},
    {"max-jobs", required_argument, NULL, OPT_MAX_JOBS},
    {"max-consecutive-failures", required_argument, NULL, OPT_MAX_FAILURES},
    {"reserve-timeout", required_argument, NULL, OPT_RESERVE_TIMEOUT},
    {"last-job-timeout", required_argument, NULL, OPT_LAST_JOB_TIMEOUT},
    {"workdir", required_argument, NULL, OPT_WORKDIR},
    {"no-subprocesses", no_argument, NULL, OPT_NO_SUBPROCESSES},
    {"plugin", required_argument, NULL, OPT_PLUGIN},
    {"exec", required_argument, NULL, OPT_EXEC},
    {"trial-timeout", required_argument, NULL, OPT_TRIAL_TIMEOUT},
    {"heartbeat-interval", required_argument, NULL, OPT_HB_INTERVAL},
    {"heartbeat-timeout", required_argument, NULL, OPT_HB_TIMEOUT},
    {"max-attempts", required_argument, NULL, OPT_MAX_ATTEMPTS},
    {"key-file", required_argument, NULL, OPT_KEY_FILE},
    {"allow", required_argument, NULL, OPT_ALLOW},
    {"insecure", no_argument, NULL, OPT_INSECURE},
    {"memory-limit", required_argument, NULL, OPT_MEMORY_LIMIT},
    {"server-timeout", required_argument, NULL, OPT_SERVER_TIMEOUT},
    {"help", no_argument, NULL, 'h'},
    {"version", no_argument, NULL, OPT_VERSION},
    {NULL, 0, NULL, 0},
};

/* Everything the command line says, applied to `reg` and `opts` as it is
 * read. Returns 0, or the exit status to leave with (-1: exit 0 at once). */
struct settings {
    const char *mongo;
    const char *workdir;
    int in_process;
    double hb_interval, hb_timeout;
    long long max_attempts;
    int heartbeat_given;
};

static int parse_args(int argc, char **argv, hopt_registry *reg, hopt_worker_options *opts, struct settings *s) {
    double d;
    long long n;
    int c, rc = 0;
    opterr = 0; /* our own messages */
    while (rc == 0 && (c = getopt_long(argc, argv, ":h", long_options, NULL)) != -1) {
        const char *flag = argv[optind - 1];
        switch (c) {
        case 'h': fputs(usage_text, stdout); return -1;
        case OPT_VERSION: printf("hyperopt-mongo-worker (hopt) %s\n", hopt_version()); return -1;
        case OPT_MONGO: s->mongo = optarg; break;
        case OPT_EXP_KEY: rc = check_set(hopt_worker_options_set_exp_key(opts, optarg), "--exp-key"); break;
        case OPT_POLL:
            rc = parse_double("--poll-interval", optarg, &d);
            if (!rc) rc = check_set(hopt_worker_options_set_poll_interval(opts, d), "--poll-interval");
            break;
        case OPT_MAX_JOBS:
            rc = parse_long("--max-jobs", optarg, &n);
            if (!rc) rc = check_set(hopt_worker_options_set_max_jobs(opts, n), "--max-jobs");
            break;
        case OPT_MAX_FAILURES:
            rc = parse_long("--max-consecutive-failures", optarg, &n);
            if (!rc && (n < 1 || n > 1000000000))
                rc = usage_error("--max-consecutive-failures must be in [1, 1e9], got %s", optarg);
            if (!rc)
                rc = check_set(hopt_worker_options_set_max_consecutive_failures(opts, (int)n), "--max-consecutive-failures");
            break;
        case OPT_RESERVE_TIMEOUT:
            rc = parse_double("--reserve-timeout", optarg, &d);
            if (!rc) rc = check_set(hopt_worker_options_set_reserve_timeout(opts, d), "--reserve-timeout");
            break;
        case OPT_LAST_JOB_TIMEOUT:
            rc = parse_double("--last-job-timeout", optarg, &d);
            if (!rc) rc = check_set(hopt_worker_options_set_last_job_timeout(opts, d), "--last-job-timeout");
            break;
        case OPT_WORKDIR:
            if (!*optarg) rc = usage_error("--workdir needs a directory");
            s->workdir = optarg;
            break;
        case OPT_NO_SUBPROCESSES: s->in_process = 1; break;
        case OPT_PLUGIN: rc = load_plugin(reg, optarg); break;
        case OPT_EXEC: rc = add_exec(reg, optarg); break;
        case OPT_TRIAL_TIMEOUT:
            rc = parse_double("--trial-timeout", optarg, &d);
            if (!rc) rc = check_set(hopt_worker_options_set_trial_timeout(opts, d), "--trial-timeout");
            break;
        case OPT_HB_INTERVAL: rc = parse_double("--heartbeat-interval", optarg, &s->hb_interval); s->heartbeat_given = 1; break;
        case OPT_HB_TIMEOUT: rc = parse_double("--heartbeat-timeout", optarg, &s->hb_timeout); s->heartbeat_given = 1; break;
        case OPT_MAX_ATTEMPTS:
            rc = parse_long("--max-attempts", optarg, &s->max_attempts);
            if (!rc && (s->max_attempts < 1 || s->max_attempts > 1000000))
                rc = usage_error("--max-attempts must be in [1, 1e6], got %s", optarg);
            s->heartbeat_given = 1;
            break;
        case OPT_KEY_FILE: rc = check_set(hopt_worker_options_set_key_file(opts, optarg), "--key-file"); break;
        case OPT_ALLOW: rc = check_set(hopt_worker_options_allow_objective(opts, optarg), "--allow"); break;
        case OPT_INSECURE: rc = check_set(hopt_worker_options_set_insecure(opts, 1), "--insecure"); break;
        case OPT_MEMORY_LIMIT:
            rc = parse_long("--memory-limit", optarg, &n);
            if (!rc && (n < 1 || n > 1000000000)) rc = usage_error("--memory-limit needs mebibytes in [1, 1e9], got '%s'", optarg);
            if (!rc) rc = check_set(hopt_worker_options_set_memory_limit(opts, (int64_t)n << 20), "--memory-limit");
            break;
        case OPT_SERVER_TIMEOUT:
            rc = parse_double("--server-timeout", optarg, &d);
            if (!rc) rc = check_set(hopt_worker_options_set_server_timeout(opts, d), "--server-timeout");
            break;
        case ':': rc = usage_error("option '%s' needs a value", flag); break;
        default: rc = usage_error("unknown or ambiguous option '%s'", flag); break;
        }
    }
    if (rc) return rc;
    if (optind < argc) return usage_error("unexpected argument '%s' (every option starts with --)", argv[optind]);
    if (s->heartbeat_given) {
        rc = check_set(hopt_worker_options_set_heartbeat(opts, s->hb_interval, s->hb_timeout, (int)s->max_attempts),
                       "--heartbeat-interval/--heartbeat-timeout/--max-attempts");
        if (rc) return rc;
    }
    return 0;
}

/* Apply the settings that depend on several flags. */
static int finish_setup(hopt_registry *reg, hopt_worker_options *opts, const struct settings *s) {
    int rc = load_env_plugins(reg);
    if (rc) return rc;
    char *names = NULL;
    if (hopt_registry_names(reg, &names) != HOPT_OK) return usage_error("%s", hopt_errmsg());
    const int none = strcmp(names, "[]") == 0;
    hopt_free(names);
    if (none)
        return usage_error("no objectives to run: give some with --plugin=PATH (a shared library exporting "
                           "hopt_plugin_register), HOPT_WORKER_PLUGINS=PATH[:PATH...], or --exec=NAME=COMMAND");
    if (s->in_process) {
        rc = check_set(hopt_worker_options_set_isolation(opts, HOPT_ISOLATE_NONE), "--no-subprocesses");
        if (!rc && s->workdir) rc = enter_workdir(s->workdir);
    } else if (s->workdir) {
        rc = check_set(hopt_worker_options_set_workdir(opts, s->workdir), "--workdir");
    }
    if (!rc) rc = check_set(hopt_worker_options_set_stop_check(opts, should_stop, NULL, NULL), "stop check");
    return rc;
}

int main(int argc, char **argv) {
    hopt_registry *reg = NULL;
    hopt_worker_options *opts = NULL;
    if (hopt_registry_new(&reg) != HOPT_OK || hopt_worker_options_new(&opts) != HOPT_OK) {
        fprintf(stderr, "hyperopt-mongo-worker: %s\n", hopt_errmsg());
        return EXIT_STORE;
    }
    struct settings s = {"localhost:27017/hyperopt", NULL, 0, DEFAULT_HEARTBEAT_INTERVAL, DEFAULT_HEARTBEAT_TIMEOUT,
                         DEFAULT_MAX_ATTEMPTS, 0};
    int status = parse_args(argc, argv, reg, opts, &s);
    if (status == 0) status = finish_setup(reg, opts, &s);
    if (status == 0) {
        install_signal_handlers();
        int64_t jobs = 0;
        const int rc = hopt_worker_run(s.mongo, reg, opts, &jobs);
        if (rc != HOPT_OK) fprintf(stderr, "hyperopt-mongo-worker: %s\n", hopt_errmsg());
        status = rc == HOPT_OK            ? EXIT_NORMAL
                 : rc == HOPT_EOBJECTIVE ? EXIT_FAILURES
                 : rc == HOPT_EINVAL     ? EXIT_USAGE
                                          : EXIT_STORE;
    }
    hopt_worker_options_free(opts);
    hopt_registry_free(reg);
    return status < 0 ? EXIT_NORMAL : status;
}
