/*
 * The fmin side of the integration tests: queue trials in a MongoDB store
 * for workers and wait for them, then report in lines that shell tests grep.
 *
 * fmin_driver --url URL --objective NAME --max-evals N [--exp-key K]
 *             [--seed S] [--space JSON] [--queue N] [--timeout S]
 *             [--recovery SECONDS] [--server-timeout SECONDS] [--algo NAME]
 *             [--trials-out FILE] [--report] [--key-file PATH] [--insecure]
 *
 * --report skips fmin and only reports on the store (objective and
 * max-evals are then not needed).
 * Prints "fmin: OK <argmin>" or "fmin: <STATUS>: <message>", then
 * "count <state> <n>" for each state; --trials-out writes every trial
 * document on its own line. Exit status 0 when fmin succeeded.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <hopt/hopt.h>

/* The driver never evaluates: a MongoDB store hands every trial to workers. */
static int not_here(const hopt_point *point, hopt_result *result, void *user) {
    (void)point, (void)user;
    hopt_result_set_error(result, "fmin_driver does not evaluate trials");
    return 1;
}

static void die(const char *what) {
    fprintf(stderr, "fmin_driver: %s: %s\n", what, hopt_errmsg());
    exit(2);
}

/* Write each element of a JSON array on its own line (the elements are
 * objects; strings are skipped over so that brackets inside them do not
 * count). */
static void write_documents(const char *array, FILE *out) {
    int depth = 0, in_string = 0;
    for (const char *p = array; *p; ++p) {
        if (in_string) {
            if (*p == '\\' && p[1]) fputc(*p++, out);
            else if (*p == '"') in_string = 0;
        } else if (*p == '"') {
            in_string = 1;
        } else if (*p == '{' || *p == '[') {
            if (depth++ == 0) continue; /* the array itself */
        } else if (*p == '}' || *p == ']') {
            if (--depth == 0) break;
        } else if (*p == ',' && depth == 1) {
            fputc('\n', out);
            continue;
        }
        fputc(*p, out);
    }
    fputc('\n', out);
}

int main(int argc, char **argv) {
    const char *url = NULL, *objective_name = NULL, *exp_key = NULL, *trials_out = NULL, *key_file = NULL;
    const char *space_json = "{\"hp\": \"uniform\", \"label\": \"x\", \"low\": 0, \"high\": 1}";
    long long max_evals = -1, queue = 0;
    unsigned long long seed = 1;
    double timeout = 0, recovery = 0, server_timeout = -1;
    const char *algo_name = "rand";
    static const struct option options[] = {
        {"url", required_argument, NULL, 'u'},      {"objective", required_argument, NULL, 'o'},
        {"max-evals", required_argument, NULL, 'n'}, {"exp-key", required_argument, NULL, 'k'},
        {"seed", required_argument, NULL, 's'},     {"space", required_argument, NULL, 'S'},
        {"queue", required_argument, NULL, 'q'},    {"timeout", required_argument, NULL, 't'},
        {"recovery", required_argument, NULL, 'r'}, {"trials-out", required_argument, NULL, 'T'},
        {"report", no_argument, NULL, 'R'},         {"key-file", required_argument, NULL, 'K'},
        {"insecure", no_argument, NULL, 'I'},       {"server-timeout", required_argument, NULL, 'W'},
        {"algo", required_argument, NULL, 'a'},     {NULL, 0, NULL, 0},
    };
    int c, report_only = 0, insecure = 0;
    while ((c = getopt_long(argc, argv, "", options, NULL)) != -1) {
        switch (c) {
        case 'u': url = optarg; break;
        case 'o': objective_name = optarg; break;
        case 'n': max_evals = atoll(optarg); break;
        case 'k': exp_key = optarg; break;
        case 's': seed = strtoull(optarg, NULL, 10); break;
        case 'S': space_json = optarg; break;
        case 'q': queue = atoll(optarg); break;
        case 't': timeout = atof(optarg); break;
        case 'r': recovery = atof(optarg); break;
        case 'T': trials_out = optarg; break;
        case 'R': report_only = 1; break;
        case 'K': key_file = optarg; break;
        case 'I': insecure = 1; break;
        case 'W': server_timeout = atof(optarg); break;
        case 'a': algo_name = optarg; break;
        default: fprintf(stderr, "fmin_driver: bad arguments (see the comment at the top of fmin_driver.c)\n"); return 2;
        }
    }
    if (report_only) { /* the objective and max_evals are not used then */
        objective_name = "unused";
        max_evals = 0;
    }
    if (!url || !objective_name || max_evals < 0) {
        fprintf(stderr, "fmin_driver: --url, --objective and --max-evals are required\n");
        return 2;
    }

    hopt_trials *trials = NULL;
    hopt_space *space = NULL;
    hopt_objective *objective = NULL;
    hopt_algo *algo = NULL;
    hopt_fmin_options *opts = NULL;
    if (hopt_trials_mongo_open(url, exp_key, &trials) != HOPT_OK) die("hopt_trials_mongo_open");
    if (hopt_space_from_json(space_json, &space) != HOPT_OK) die("space");
    if (hopt_objective_new(objective_name, not_here, NULL, NULL, &objective) != HOPT_OK) die("objective");
    if (hopt_algo_new(algo_name, &algo) != HOPT_OK) die("algo");
    if (hopt_fmin_options_new(&opts) != HOPT_OK || hopt_fmin_options_set_seed(opts, seed) != HOPT_OK ||
        hopt_fmin_options_set_show_progress(opts, 0) != HOPT_OK ||
        hopt_fmin_options_set_poll_interval(opts, 0.1) != HOPT_OK)
        die("options");
    if (queue > 0 && hopt_fmin_options_set_max_queue_len(opts, (int)queue) != HOPT_OK) die("max_queue_len");
    if (timeout > 0 && hopt_fmin_options_set_timeout(opts, timeout) != HOPT_OK) die("timeout");
    if (recovery > 0 && hopt_fmin_options_set_recovery(opts, recovery, 3) != HOPT_OK) die("recovery");
    if (key_file && hopt_fmin_options_set_key_file(opts, key_file) != HOPT_OK) die("key_file");
    if (insecure && hopt_fmin_options_set_insecure(opts, 1) != HOPT_OK) die("insecure");
    if (server_timeout >= 0 && hopt_fmin_options_set_server_timeout(opts, server_timeout) != HOPT_OK)
        die("server_timeout");

    int rc = HOPT_OK;
    if (!report_only) {
        char *best = NULL;
        rc = hopt_fmin(objective, space, algo, max_evals, trials, opts, &best);
        if (rc == HOPT_OK) printf("fmin: OK %s\n", best);
        else printf("fmin: %s: %s\n", hopt_status_name(rc), hopt_errmsg());
        hopt_free(best);
    }

    static const char *const states[] = {"new", "running", "done", "error", "cancel"};
    for (int s = 0; s < 5; ++s) {
        int64_t n = -1;
        if (hopt_trials_count(trials, s, &n) != HOPT_OK) die("count");
        printf("count %s %lld\n", states[s], (long long)n);
    }
    if (trials_out) {
        char *docs = NULL;
        FILE *f = fopen(trials_out, "w");
        if (!f || hopt_trials_export(trials, &docs) != HOPT_OK) die("export");
        write_documents(docs, f);
        fclose(f);
        hopt_free(docs);
    }
    hopt_fmin_options_free(opts);
    hopt_algo_free(algo);
    hopt_objective_free(objective);
    hopt_space_free(space);
    hopt_trials_free(trials);
    return rc == HOPT_OK ? 0 : 1;
}
