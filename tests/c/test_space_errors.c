/* Every refusal of hopt_space_from_json (docs/space-json.md, "Refused"):
 * HOPT_ESPACE with a message naming the label and the reason, HOPT_EJSON for
 * text that is not JSON, HOPT_EINVAL for NULL arguments; never a crash. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "helpers.h"

/* ---------------------------------------------------------------- helpers */

typedef struct {
    const char *json;
    int status;
    const char *needle;  /* usually the label */
    const char *reason;  /* a word of the explanation; may be NULL */
} refusal;

/* 1 if parsing `r->json` fails as described (prints the mismatch if not). */
static int refused(const refusal *r) {
    hopt_space *s = (hopt_space *)&s; /* must be reset to NULL on failure */
    int rc = hopt_space_from_json(r->json, &s);
    const char *msg = hopt_errmsg();
    int ok = rc == r->status && s == NULL && (!r->needle || strstr(msg, r->needle)) &&
             (!r->reason || strstr(msg, r->reason));
    if (!ok)
        print_error("%.300s\n  -> %s \"%.300s\"%s\n  expected %s mentioning \"%s\" and \"%s\"\n", r->json,
                    hopt_status_name(rc), rc == HOPT_OK ? "" : msg, rc != HOPT_OK && s ? " (out not reset)" : "",
                    hopt_status_name(r->status), r->needle ? r->needle : "", r->reason ? r->reason : "");
    if (rc == HOPT_OK) hopt_space_free(s);
    return ok;
}

static void expect_all_refused(const refusal *cases, size_t n) {
    int failed = 0;
    for (size_t i = 0; i < n; ++i) failed += !refused(&cases[i]);
    if (failed) fail_msg("%d of %d refusals were wrong", failed, (int)n);
}

#define EXPECT_ALL_REFUSED(cases) expect_all_refused((cases), sizeof(cases) / sizeof *(cases))

/* The numeric distributions, each with valid arguments. */
typedef struct {
    const char *hp;
    const char *names[3];
    const char *values[3];
} dist_spec;

static const dist_spec DISTS[] = {
    {"uniform", {"low", "high"}, {"0", "1"}},
    {"quniform", {"low", "high", "q"}, {"0", "10", "1"}},
    {"loguniform", {"low", "high"}, {"-3", "0"}},
    {"qloguniform", {"low", "high", "q"}, {"0", "3", "1"}},
    {"normal", {"mu", "sigma"}, {"0", "1"}},
    {"qnormal", {"mu", "sigma", "q"}, {"0", "1", "0.5"}},
    {"lognormal", {"mu", "sigma"}, {"0", "1"}},
    {"qlognormal", {"mu", "sigma", "q"}, {"0", "1", "1"}},
    {"uniformint", {"low", "high"}, {"0", "10"}},
    {"randint", {"upper"}, {"5"}},
};
#define N_DISTS (sizeof DISTS / sizeof *DISTS)

/* {"hp": d->hp, "label": "<label>", fields...}: field i takes values[i], or
 * is left out when values[i] is NULL; `extra` (may be NULL) is appended. */
static void build(char *out, size_t size, const dist_spec *d, const char *label, const char *const values[3],
                  const char *extra) {
    int n = snprintf(out, size, "{\"hp\": \"%s\", \"label\": \"%s\"", d->hp, label);
    for (int i = 0; i < 3 && d->names[i]; ++i)
        if (values[i]) n += snprintf(out + n, size - n, ", \"%s\": %s", d->names[i], values[i]);
    snprintf(out + n, size - n, "%s%s}", extra ? ", " : "", extra ? extra : "");
}

static int index_of(const dist_spec *d, const char *name) {
    for (int i = 0; i < 3 && d->names[i]; ++i)
        if (strcmp(d->names[i], name) == 0) return i;
    return -1;
}

/* Parse d with field `name` set to `value` (NULL: left out); 1 if refused
 * with a message naming the label and `reason`. */
static int refused_with(const dist_spec *d, const char *name, const char *value, const char *reason) {
    const char *values[3] = {d->values[0], d->values[1], d->values[2]};
    values[index_of(d, name)] = value;
    char label[64], json[512];
    snprintf(label, sizeof label, "bad_%s", d->hp);
    build(json, sizeof json, d, label, values, NULL);
    refusal r = {json, HOPT_ESPACE, label, reason};
    return refused(&r);
}

/* ---------------------------------------------------------------- fields */

static void valid_controls_parse(void **state) {
    (void)state;
    for (size_t i = 0; i < N_DISTS; ++i) {
        char json[512];
        build(json, sizeof json, &DISTS[i], "ok", DISTS[i].values, NULL);
        hopt_space_free(space_from(json));
    }
}

static void missing_unknown_and_non_numeric_fields(void **state) {
    (void)state;
    const char *not_numbers[] = {"\"1\"", "true", "null", "[1]", "{\"x\": 1}"};
    int failed = 0;
    for (size_t i = 0; i < N_DISTS; ++i) {
        const dist_spec *d = &DISTS[i];
        for (int f = 0; f < 3 && d->names[f]; ++f) {
            failed += !refused_with(d, d->names[f], NULL, d->names[f]); /* missing */
            for (size_t k = 0; k < sizeof not_numbers / sizeof *not_numbers; ++k)
                failed += !refused_with(d, d->names[f], not_numbers[k], "number");
        }
        char label[64], json[512];
        snprintf(label, sizeof label, "extra_%s", d->hp);
        build(json, sizeof json, d, label, d->values, "\"bogus\": 1");
        refusal r = {json, HOPT_ESPACE, label, "bogus"};
        failed += !refused(&r);
    }
    if (failed) fail_msg("%d field checks failed", failed);
}

static void bounds_q_and_sigma(void **state) {
    (void)state;
    int failed = 0;
    for (size_t i = 0; i < N_DISTS; ++i) {
        const dist_spec *d = &DISTS[i];
        if (index_of(d, "low") >= 0) { /* low >= high: the uniform family */
            const char *pairs[][2] = {{"1", "1"}, {"2", "1"}, {"-0.5", "-1"}};
            for (size_t k = 0; k < 3; ++k) {
                const char *values[3] = {pairs[k][0], pairs[k][1], d->values[2]};
                char label[64], json[512];
                snprintf(label, sizeof label, "range_%s", d->hp);
                build(json, sizeof json, d, label, values, NULL);
                refusal r = {json, HOPT_ESPACE, label, "low"};
                failed += !refused(&r);
            }
        }
        if (index_of(d, "q") >= 0 || strcmp(d->hp, "uniformint") == 0) {
            const char *bad_q[] = {"0", "-1", "-0.0"};
            char label[64], json[512], extra[32];
            for (int k = 0; k < 3; ++k) {
                snprintf(label, sizeof label, "q_%s", d->hp);
                snprintf(extra, sizeof extra, "\"q\": %s", bad_q[k]);
                const char *values[3] = {d->values[0], d->values[1], NULL};
                build(json, sizeof json, d, label, values, extra);
                refusal r = {json, HOPT_ESPACE, label, "q"};
                failed += !refused(&r);
            }
        }
        if (index_of(d, "sigma") >= 0) {
            failed += !refused_with(d, "sigma", "0", "sigma");
            failed += !refused_with(d, "sigma", "-1", "sigma");
        }
    }
    if (failed) fail_msg("%d range checks failed", failed);
}

/* Spaces whose draws could overflow a double (found by fuzzing: a
 * lognormal with mu = 1.8e20 drew infinity, which no store takes). */
static void draws_that_overflow(void **state) {
    (void)state;
    const refusal cases[] = {
        {"{\"hp\": \"lognormal\", \"label\": \"ln\", \"mu\": 184467440737095516151, \"sigma\": 0.5}", HOPT_ESPACE,
         "'ln'", "overflow"},
        {"{\"hp\": \"qlognormal\", \"label\": \"ln\", \"mu\": 700, \"sigma\": 1, \"q\": 1}", HOPT_ESPACE, "'ln'",
         "overflow"},
        {"{\"hp\": \"loguniform\", \"label\": \"lu\", \"low\": 0, \"high\": 710}", HOPT_ESPACE, "'lu'", "overflow"},
        {"{\"hp\": \"uniform\", \"label\": \"u\", \"low\": -1e308, \"high\": 1e308}", HOPT_ESPACE, "'u'", "overflow"},
        {"{\"hp\": \"normal\", \"label\": \"n\", \"mu\": 0, \"sigma\": 1e308}", HOPT_ESPACE, "'n'", "overflow"},
    };
    EXPECT_ALL_REFUSED(cases);
    /* Right at the edge is fine. */
    hopt_space_free(space_from("{\"hp\": \"loguniform\", \"label\": \"lu\", \"low\": 0, \"high\": 709}"));
    hopt_space_free(space_from("{\"hp\": \"lognormal\", \"label\": \"ln\", \"mu\": 600, \"sigma\": 9}"));
}

static void randint_bounds(void **state) {
    (void)state;
    const refusal cases[] = {
        {"{\"hp\": \"randint\", \"label\": \"ri\", \"upper\": 2.5}", HOPT_ESPACE, "ri", "integer"},
        {"{\"hp\": \"randint\", \"label\": \"ri\", \"low\": 0.5, \"high\": 3}", HOPT_ESPACE, "ri", "integer"},
        {"{\"hp\": \"randint\", \"label\": \"ri\", \"low\": 0, \"high\": 3.5}", HOPT_ESPACE, "ri", "integer"},
        {"{\"hp\": \"randint\", \"label\": \"ri\", \"upper\": 1e17}", HOPT_ESPACE, "ri", "integer"},
        {"{\"hp\": \"randint\", \"label\": \"ri\", \"upper\": 0}", HOPT_ESPACE, "ri", "empty"},
        {"{\"hp\": \"randint\", \"label\": \"ri\", \"upper\": -3}", HOPT_ESPACE, "ri", "empty"},
        {"{\"hp\": \"randint\", \"label\": \"ri\", \"low\": 5, \"high\": 5}", HOPT_ESPACE, "ri", "empty"},
        {"{\"hp\": \"randint\", \"label\": \"ri\", \"low\": 6, \"high\": 5}", HOPT_ESPACE, "ri", "empty"},
        {"{\"hp\": \"randint\", \"label\": \"ri\", \"upper\": 5, \"low\": 1}", HOPT_ESPACE, "ri", "upper"},
        {"{\"hp\": \"randint\", \"label\": \"ri\", \"upper\": 5, \"high\": 9}", HOPT_ESPACE, "ri", "upper"},
        {"{\"hp\": \"randint\", \"label\": \"ri\", \"low\": 1}", HOPT_ESPACE, "ri", "high"},
    };
    EXPECT_ALL_REFUSED(cases);
}

/* --------------------------------------------------------------- options */

static void choice_and_pchoice_options(void **state) {
    (void)state;
    const refusal cases[] = {
        {"{\"hp\": \"choice\", \"label\": \"ch\", \"options\": []}", HOPT_ESPACE, "ch", "options"},
        {"{\"hp\": \"choice\", \"label\": \"ch\"}", HOPT_ESPACE, "ch", "options"},
        {"{\"hp\": \"choice\", \"label\": \"ch\", \"options\": 3}", HOPT_ESPACE, "ch", "options"},
        {"{\"hp\": \"choice\", \"label\": \"ch\", \"options\": [1], \"probs\": [1]}", HOPT_ESPACE, "ch", "probs"},
        {"{\"hp\": \"pchoice\", \"label\": \"pc\", \"options\": []}", HOPT_ESPACE, "pc", "options"},
        {"{\"hp\": \"pchoice\", \"label\": \"pc\", \"options\": [[0.5, 1], [0.4, 2]]}", HOPT_ESPACE, "pc", "sum"},
        {"{\"hp\": \"pchoice\", \"label\": \"pc\", \"options\": [[0.5, 1], [0.6, 2]]}", HOPT_ESPACE, "pc", "sum"},
        {"{\"hp\": \"pchoice\", \"label\": \"pc\", \"options\": [[0.999, 1]]}", HOPT_ESPACE, "pc", "sum"},
        {"{\"hp\": \"pchoice\", \"label\": \"pc\", \"options\": [[1.5, 1], [-0.5, 2]]}", HOPT_ESPACE, "pc",
         "probability"},
        {"{\"hp\": \"pchoice\", \"label\": \"pc\", \"options\": [[-0.25, 1], [1.25, 2]]}", HOPT_ESPACE, "pc",
         "probability"},
        {"{\"hp\": \"pchoice\", \"label\": \"pc\", \"options\": [[1.0]]}", HOPT_ESPACE, "pc", "pair"},
        {"{\"hp\": \"pchoice\", \"label\": \"pc\", \"options\": [[0.5, 1, 2], [0.5, 3]]}", HOPT_ESPACE, "pc", "pair"},
        {"{\"hp\": \"pchoice\", \"label\": \"pc\", \"options\": [1, 2]}", HOPT_ESPACE, "pc", "pair"},
        {"{\"hp\": \"pchoice\", \"label\": \"pc\", \"options\": [{\"p\": 1, \"o\": 2}]}", HOPT_ESPACE, "pc", "pair"},
        {"{\"hp\": \"pchoice\", \"label\": \"pc\", \"options\": [[\"1\", 2]]}", HOPT_ESPACE, "pc", "number"},
    };
    EXPECT_ALL_REFUSED(cases);
}

static void duplicate_labels(void **state) {
    (void)state;
    const refusal cases[] = {
        {"[{\"hp\": \"uniform\", \"label\": \"lr\", \"low\": 0, \"high\": 1},"
         " {\"hp\": \"uniform\", \"label\": \"lr\", \"low\": 0, \"high\": 1}]",
         HOPT_ESPACE, "'lr'", "duplicate"},
        {"{\"hp\": \"choice\", \"label\": \"m\", \"options\": ["
         " {\"hp\": \"normal\", \"label\": \"lr\", \"mu\": 0, \"sigma\": 1},"
         " {\"hp\": \"uniform\", \"label\": \"lr\", \"low\": 0, \"high\": 1}]}",
         HOPT_ESPACE, "'lr'", "duplicate"},
        {"{\"hp\": \"choice\", \"label\": \"m\", \"options\": [{\"hp\": \"randint\", \"label\": \"m\", \"upper\": 2}]}",
         HOPT_ESPACE, "'m'", "duplicate"},
    };
    EXPECT_ALL_REFUSED(cases);
}

static void unknown_distribution_lists_known_ones(void **state) {
    (void)state;
    hopt_space *s = NULL;
    assert_hopt_fails(hopt_space_from_json("{\"hp\": \"gaussian\", \"label\": \"g\", \"mu\": 0, \"sigma\": 1}", &s),
                      HOPT_ESPACE, "gaussian");
    const char *msg = hopt_errmsg();
    assert_non_null(strstr(msg, "'g'"));
    const char *known[] = {"choice", "pchoice", "randint", "uniform", "quniform", "loguniform",
                           "qloguniform", "normal", "qnormal", "lognormal", "qlognormal", "uniformint"};
    for (size_t i = 0; i < sizeof known / sizeof *known; ++i)
        if (!strstr(msg, known[i])) fail_msg("\"%s\" does not list %s", msg, known[i]);
    assert_null(s);
    assert_hopt_fails(hopt_space_from_json("{\"hp\": 5, \"label\": \"g\"}", &s), HOPT_ESPACE, "'g'");
}

/* ---------------------------------------------------------------- labels */

static void bad_labels(void **state) {
    (void)state;
    char long_label[514], long_json[700], needle[32];
    memset(long_label, 'x', 513);
    long_label[513] = '\0';
    snprintf(long_json, sizeof long_json, "{\"hp\": \"uniform\", \"label\": \"%s\", \"low\": 0, \"high\": 1}", long_label);
    snprintf(needle, sizeof needle, "'%.20s", long_label);
    const refusal cases[] = {
        {"{\"hp\": \"uniform\", \"label\": \"\", \"low\": 0, \"high\": 1}", HOPT_ESPACE, "label", "empty"},
        {"{\"hp\": \"uniform\", \"label\": \"a.b\", \"low\": 0, \"high\": 1}", HOPT_ESPACE, "'a.b'", "'.'"},
        {"{\"hp\": \"uniform\", \"label\": \"$x\", \"low\": 0, \"high\": 1}", HOPT_ESPACE, "'$x'", "'$'"},
        {long_json, HOPT_ESPACE, needle, "512"},
        {"{\"hp\": \"uniform\", \"label\": 5, \"low\": 0, \"high\": 1}", HOPT_ESPACE, "label", NULL},
        {"{\"hp\": \"uniform\", \"low\": 0, \"high\": 1}", HOPT_ESPACE, "label", NULL},
        {"{\"hp\": \"uniform\", \"label\": [\"x\"], \"low\": 0, \"high\": 1}", HOPT_ESPACE, "label", NULL},
    };
    EXPECT_ALL_REFUSED(cases);
    /* 512 bytes is still fine, and so are '$' and '.' after the start / non-ASCII. */
    long_label[512] = '\0';
    snprintf(long_json, sizeof long_json, "{\"hp\": \"uniform\", \"label\": \"%s\", \"low\": 0, \"high\": 1}", long_label);
    hopt_space_free(space_from(long_json));
    hopt_space_free(space_from("{\"hp\": \"uniform\", \"label\": \"a$\", \"low\": 0, \"high\": 1}"));
    hopt_space_free(space_from("{\"hp\": \"uniform\", \"label\": \"\\u00e9\\u4e2d\", \"low\": 0, \"high\": 1}"));
}

/* ------------------------------------------------------- refs and cycles */

static void refs_and_cycles(void **state) {
    (void)state;
    const refusal cases[] = {
        {"[{\"ref\": \"nosuch\"}, {\"hp\": \"uniform\", \"label\": \"x\", \"low\": 0, \"high\": 1}]", HOPT_ESPACE,
         "'nosuch'", "unknown"},
        {"{\"ref\": 5}", HOPT_ESPACE, "ref", NULL},
        {"{\"ref\": \"x\", \"extra\": 1}", HOPT_ESPACE, "extra", NULL},
        /* a choice containing itself */
        {"{\"hp\": \"choice\", \"label\": \"loop\", \"options\": [{\"ref\": \"loop\"}, 1]}", HOPT_ESPACE, "'loop'",
         "itself"},
        {"{\"hp\": \"choice\", \"label\": \"loop\", \"options\": [{\"x\": [{\"op\": \"neg\", \"args\": [{\"ref\": \"loop\"}]}]}]}",
         HOPT_ESPACE, "'loop'", "itself"},
        {"{\"hp\": \"pchoice\", \"label\": \"loop\", \"options\": [[0.5, {\"ref\": \"loop\"}], [0.5, 1]]}", HOPT_ESPACE,
         "'loop'", "itself"},
        /* indirectly, through two choices */
        {"{\"hp\": \"choice\", \"label\": \"cyc_a\", \"options\": [1,"
         " {\"hp\": \"choice\", \"label\": \"cyc_b\", \"options\": [2, {\"ref\": \"cyc_a\"}]}]}",
         HOPT_ESPACE, "'cyc_", "itself"},
        {"[{\"hp\": \"choice\", \"label\": \"cyc_a\", \"options\": [{\"ref\": \"cyc_b\"}]},"
         " {\"hp\": \"choice\", \"label\": \"cyc_b\", \"options\": [{\"ref\": \"cyc_a\"}]}]",
         HOPT_ESPACE, "'cyc_", "itself"},
    };
    EXPECT_ALL_REFUSED(cases);
    /* A shared parameter is not a cycle. */
    hopt_space_free(space_from("{\"hp\": \"choice\", \"label\": \"c\", \"options\": ["
                               "{\"hp\": \"uniform\", \"label\": \"x\", \"low\": 0, \"high\": 1}, {\"ref\": \"x\"},"
                               "{\"hp\": \"choice\", \"label\": \"d\", \"options\": [{\"ref\": \"x\"}]}]}"));
}

/* ------------------------------------------------------ structural nodes */

static void structural_nodes(void **state) {
    (void)state;
    const refusal cases[] = {
        /* two discriminator keys */
        {"{\"hp\": \"uniform\", \"op\": \"add\", \"label\": \"x\", \"low\": 0, \"high\": 1}", HOPT_ESPACE, "\"hp\"",
         "\"op\""},
        {"{\"const\": 1, \"dict\": {}}", HOPT_ESPACE, "\"const\"", "\"dict\""},
        {"{\"ref\": \"x\", \"list\": []}", HOPT_ESPACE, "\"ref\"", "\"list\""},
        /* operations */
        {"{\"op\": \"frobnicate\", \"args\": [1]}", HOPT_ESPACE, "frobnicate", "unknown"},
        {"{\"op\": \"add\", \"args\": [1]}", HOPT_ESPACE, "'add'", "argument"},
        {"{\"op\": \"add\", \"args\": [1, 2, 3]}", HOPT_ESPACE, "'add'", "argument"},
        {"{\"op\": \"neg\", \"args\": [1, 2]}", HOPT_ESPACE, "'neg'", "argument"},
        {"{\"op\": \"sqrt\", \"args\": []}", HOPT_ESPACE, "'sqrt'", "argument"},
        {"{\"op\": \"min\", \"args\": []}", HOPT_ESPACE, "'min'", "argument"},
        {"{\"op\": \"add\"}", HOPT_ESPACE, "'add'", "args"},
        {"{\"op\": \"add\", \"args\": 1}", HOPT_ESPACE, "'add'", "args"},
        {"{\"op\": 3, \"args\": [1, 2]}", HOPT_ESPACE, "op", NULL},
        {"{\"op\": \"add\", \"args\": [1, 2], \"label\": \"x\"}", HOPT_ESPACE, "label", NULL},
        /* the other wrappers */
        {"{\"const\": 1, \"x\": 2}", HOPT_ESPACE, "\"x\"", NULL},
        {"{\"dict\": [1]}", HOPT_ESPACE, "dict", "object"},
        {"{\"list\": {\"a\": 1}}", HOPT_ESPACE, "list", "array"},
        {"{\"tuple\": 5}", HOPT_ESPACE, "tuple", "array"},
        /* errors deep inside name the place */
        {"{\"a\": [1, {\"hp\": \"uniform\", \"label\": \"deep\", \"low\": 1, \"high\": 0}]}", HOPT_ESPACE, "'deep'",
         "low"},
    };
    EXPECT_ALL_REFUSED(cases);
}

/* --------------------------------------------------------------- nesting */

/* `levels` copies of open, then 1, then `levels` copies of close. open may
 * hold "%d", replaced by the level (for unique labels). */
static char *nested(int levels, const char *prefix, const char *open, const char *close, const char *suffix) {
    size_t cap = strlen(prefix) + strlen(suffix) + (size_t)levels * (strlen(open) + strlen(close) + 12) + 8;
    char *buf = malloc(cap), *p = buf;
    p += sprintf(p, "%s", prefix);
    for (int i = 0; i < levels; ++i) p += sprintf(p, open, i);
    p += sprintf(p, "1");
    for (int i = 0; i < levels; ++i) p += sprintf(p, "%s", close);
    sprintf(p, "%s", suffix);
    return buf;
}

/* Run parse (and, on success, print and evaluate) in a child process, so
 * that a stack overflow shows up as a failed case rather than ending the
 * test program. Returns 1 if the child ended normally with the expected
 * outcome: refused with HOPT_ESPACE mentioning the limit. */
static int refused_without_crash(const char *name, const char *json) {
    fflush(NULL);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        hopt_space *s = NULL;
        int rc = hopt_space_from_json(json, &s);
        if (rc == HOPT_OK) {
            char *text = NULL, *point = NULL;
            hopt_space_to_json(s, &text);
            hopt_space_sample(s, 0, NULL, &point);
            hopt_free(text), hopt_free(point), hopt_space_free(s);
            fprintf(stderr, "%s: accepted\n", name);
            _exit(1);
        }
        if (rc != HOPT_ESPACE || !strstr(hopt_errmsg(), "1000")) {
            fprintf(stderr, "%s: %s %.200s\n", name, hopt_status_name(rc), hopt_errmsg());
            _exit(1);
        }
        _exit(0);
    }
    int status = 0;
    waitpid(pid, &status, 0);
    if (WIFSIGNALED(status)) {
        print_error("%s: crashed with signal %d\n", name, WTERMSIG(status));
        return 0;
    }
    return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

static void deep_nesting_is_refused_cleanly(void **state) {
    (void)state;
    const struct {
        const char *name;
        int levels;
        const char *prefix, *open, *close, *suffix;
    } cases[] = {
        {"10,000 nested lists", 10000, "", "[", "]", ""},
        {"10,000 nested tuples", 10000, "", "{\"tuple\": [", "]}", ""},
        {"10,000 nested dicts", 10000, "", "{\"a\": ", "}", ""},
        {"10,000 nested operations", 10000, "", "{\"op\": \"neg\", \"args\": [", "]}", ""},
        {"10,000 nested choices", 10000, "", "{\"hp\": \"choice\", \"label\": \"c%d\", \"options\": [", "]}", ""},
    };
    /* Up to the limit, nesting is fine: parse, print, sample. */
    char *ok = nested(1000, "", "[", "]", "");
    hopt_space *s = space_from(ok);
    char *text = NULL, *point = NULL;
    assert_hopt_ok(hopt_space_to_json(s, &text));
    assert_hopt_ok(hopt_space_sample(s, 0, NULL, &point));
    assert_string_equal(text, point);
    hopt_free(text), hopt_free(point), hopt_space_free(s), free(ok);
    /* A deeply nested vals document is an error too (any JSON input deeper
     * than 1,000 levels is refused), not a crash. */
    char *vals = nested(10000, "{\"x\": ", "[", "]", "}");
    s = space_from("{\"hp\": \"uniform\", \"label\": \"x\", \"low\": 0, \"high\": 1}");
    point = NULL;
    assert_hopt_fails(hopt_space_eval(s, vals, &point), HOPT_EJSON, "nested deeper than 1000");
    assert_null(point);
    hopt_space_free(s), free(vals);
    /* Deeper: refused with HOPT_ESPACE, whatever the kind of node. */
    int failed = 0;
    for (size_t i = 0; i < sizeof cases / sizeof *cases; ++i) {
        char *json = nested(cases[i].levels, cases[i].prefix, cases[i].open, cases[i].close, cases[i].suffix);
        failed += !refused_without_crash(cases[i].name, json);
        free(json);
    }
    if (failed) fail_msg("%d deeply nested spaces were not refused cleanly", failed);
}

/* {"const": ...} holds JSON verbatim, but it is nesting all the same: the
 * limit applies (the docs refuse nesting deeper than 1,000 levels, and
 * copying or printing a deeper constant recurses once per level). */
static void deep_constant_is_refused_cleanly(void **state) {
    (void)state;
    const int levels[] = {10000, 200000};
    int failed = 0;
    for (size_t i = 0; i < sizeof levels / sizeof *levels; ++i) {
        char name[64];
        snprintf(name, sizeof name, "a constant nested %d deep", levels[i]);
        char *json = nested(levels[i], "{\"const\": ", "[", "]", "}");
        failed += !refused_without_crash(name, json);
        free(json);
    }
    if (failed) fail_msg("%d deeply nested constants were not refused cleanly", failed);
}

/* A label with a NUL byte is refused, and the message (a C string) still
 * says why: the label must not cut it short. */
static void nul_in_label_is_explained(void **state) {
    (void)state;
    const refusal r = {"{\"hp\": \"uniform\", \"label\": \"a\\u0000b\", \"low\": 0, \"high\": 1}", HOPT_ESPACE,
                       "label 'a", "NUL"};
    assert_true(refused(&r));
}

/* 1e999 is valid JSON syntax but no double: an error in the input (here
 * HOPT_EJSON, as for other unreadable JSON), not an internal error. */
static void number_overflow_is_an_input_error(void **state) {
    (void)state;
    const refusal r = {"{\"hp\": \"uniform\", \"label\": \"huge\", \"low\": 0, \"high\": 1e999}", HOPT_EJSON,
                       "1e999", NULL};
    int ok = refused(&r);
    hopt_space *s = space_from("{\"hp\": \"uniform\", \"label\": \"x\", \"low\": 0, \"high\": 1}");
    char *point = NULL;
    int rc = hopt_space_eval(s, "{\"x\": 1e999}", &point);
    if (rc != HOPT_EJSON) {
        print_error("eval with {\"x\": 1e999}: %s %s, expected HOPT_EJSON\n", hopt_status_name(rc), hopt_errmsg());
        ok = 0;
    }
    assert_null(point);
    hopt_space_free(s);
    assert_true(ok);
}

/* ------------------------------------------------ JSON and API arguments */

static void malformed_json(void **state) {
    (void)state;
    const char *texts[] = {
        "", "   ", "{", "[1, 2,]", "{'hp': 'uniform'}", "{} x", "nan", "{\"hp\": \"uniform\",}", "\"unterminated",
        "{\"hp\": \"uniform\", \"label\": \"x\" \"low\": 0}",
        /* invalid UTF-8: a stray byte, a truncated sequence, an overlong
         * encoding, an encoded surrogate, and an unpaired \u escape */
        "\"\xff\"", "{\"hp\": \"uniform\", \"label\": \"a\xc3\", \"low\": 0, \"high\": 1}", "\"\xc0\xaf\"",
        "\"\xed\xa0\x80\"", "{\"hp\": \"uniform\", \"label\": \"\\ud800\", \"low\": 0, \"high\": 1}",
    };
    int failed = 0;
    for (size_t i = 0; i < sizeof texts / sizeof *texts; ++i) {
        refusal r = {texts[i], HOPT_EJSON, NULL, NULL};
        failed += !refused(&r);
    }
    /* vals given to hopt_space_eval obey the same rules. */
    hopt_space *s = space_from("{\"hp\": \"uniform\", \"label\": \"x\", \"low\": 0, \"high\": 1}");
    char *point = NULL;
    assert_hopt_fails(hopt_space_eval(s, "{\"x\": 0.5", &point), HOPT_EJSON, NULL);
    assert_hopt_fails(hopt_space_eval(s, "{\"x\xff\": 0.5}", &point), HOPT_EJSON, NULL);
    assert_null(point);
    hopt_space_free(s);
    if (failed) fail_msg("%d malformed texts were not HOPT_EJSON", failed);
}

static void null_arguments(void **state) {
    (void)state;
    hopt_space *s = space_from("{\"hp\": \"uniform\", \"label\": \"x\", \"low\": 0, \"high\": 1}");
    hopt_space *out = (hopt_space *)&out;
    char *text = NULL;
    assert_hopt_fails(hopt_space_from_json(NULL, &out), HOPT_EINVAL, "json");
    assert_null(out);
    assert_hopt_fails(hopt_space_from_json("1", NULL), HOPT_EINVAL, "out");
    assert_hopt_fails(hopt_space_to_json(NULL, &text), HOPT_EINVAL, "space");
    assert_hopt_fails(hopt_space_to_json(s, NULL), HOPT_EINVAL, "out");
    assert_hopt_fails(hopt_space_labels(NULL, &text), HOPT_EINVAL, "space");
    assert_hopt_fails(hopt_space_labels(s, NULL), HOPT_EINVAL, "out");
    assert_hopt_fails(hopt_space_sample(NULL, 0, &text, &text), HOPT_EINVAL, "space");
    assert_hopt_fails(hopt_space_eval(NULL, "{}", &text), HOPT_EINVAL, "space");
    assert_hopt_fails(hopt_space_eval(s, NULL, &text), HOPT_EINVAL, "vals");
    assert_hopt_fails(hopt_space_eval(s, "{\"x\": 0.5}", NULL), HOPT_EINVAL, "point");
    assert_null(text);
    hopt_space_free(NULL); /* a no-op */
    hopt_space_free(s);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(valid_controls_parse),
        cmocka_unit_test(missing_unknown_and_non_numeric_fields),
        cmocka_unit_test(bounds_q_and_sigma),
        cmocka_unit_test(randint_bounds),
        cmocka_unit_test(draws_that_overflow),
        cmocka_unit_test(choice_and_pchoice_options),
        cmocka_unit_test(duplicate_labels),
        cmocka_unit_test(unknown_distribution_lists_known_ones),
        cmocka_unit_test(bad_labels),
        cmocka_unit_test(refs_and_cycles),
        cmocka_unit_test(structural_nodes),
        cmocka_unit_test(deep_nesting_is_refused_cleanly),
        cmocka_unit_test(deep_constant_is_refused_cleanly),
        cmocka_unit_test(nul_in_label_is_explained),
        cmocka_unit_test(number_overflow_is_an_input_error),
        cmocka_unit_test(malformed_json),
        cmocka_unit_test(null_arguments),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
