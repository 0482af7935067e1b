/* Search spaces through the C API (docs/space-json.md): parsing every form,
 * the canonical round trip, labels, prior samples of conditional spaces and
 * hyperopt's space_eval, including Python's arithmetic in operations. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "helpers.h"

/* ---------------------------------------------------------------- helpers */

static char *to_json(const hopt_space *s) {
    char *out = NULL;
    assert_hopt_ok(hopt_space_to_json(s, &out));
    return out;
}

static char *labels_of(const hopt_space *s) {
    char *out = NULL;
    assert_hopt_ok(hopt_space_labels(s, &out));
    return out;
}

static void expect_text(const char *got, const char *want, const char *context) {
    if (strcmp(got, want) != 0) fail_msg("%s:\n  got      %s\n  expected %s", context, got, want);
}

/* hopt_space_eval(space, vals) gives exactly `want`; else prints why and
 * returns 0 (table loops report every failing row, then fail). */
static int eval_gives(const char *space_json, const char *vals, const char *want) {
    hopt_space *s = space_from(space_json);
    char *point = NULL;
    int rc = hopt_space_eval(s, vals, &point);
    int ok = rc == HOPT_OK && strcmp(point, want) == 0;
    if (rc != HOPT_OK)
        print_error("eval %s with %s: %s: %s\n", space_json, vals, hopt_status_name(rc), hopt_errmsg());
    else if (!ok)
        print_error("eval %s with %s:\n  got      %s\n  expected %s\n", space_json, vals, point, want);
    hopt_free(point);
    hopt_space_free(s);
    return ok;
}

/* hopt_space_eval(space, vals) fails with `status`, naming `needle`. */
static int eval_fails(const char *space_json, const char *vals, int status, const char *needle) {
    hopt_space *s = space_from(space_json);
    char *point = NULL;
    int rc = hopt_space_eval(s, vals, &point);
    int ok = rc == status && strstr(hopt_errmsg(), needle) != NULL;
    if (!ok)
        print_error("eval %s with %s: got %s (%s), expected %s mentioning \"%s\"\n", space_json, vals,
                    hopt_status_name(rc), rc == HOPT_OK ? point : hopt_errmsg(), hopt_status_name(status), needle);
    if (rc == HOPT_OK) hopt_free(point);
    else assert_null(point);
    hopt_space_free(s);
    return ok;
}

#define expect_eval(space, vals, want) assert_true(eval_gives((space), (vals), (want)))
#define expect_eval_fails(space, vals, status, needle) assert_true(eval_fails((space), (vals), (status), (needle)))

/* Number of keys of a flat vals object (values are numbers: one ':' each). */
static int count_keys(const char *flat) {
    int n = 0;
    for (const char *c = flat; *c; ++c) n += *c == ':';
    return n;
}

/* The number text that follows "key": in a flat compact object. */
static const char *raw_value(const char *json, const char *key) {
    char pattern[128];
    snprintf(pattern, sizeof pattern, "\"%s\":", key);
    const char *at = strstr(json, pattern);
    if (!at) fail_msg("no key %s in %s", key, json);
    return at + strlen(pattern);
}

/* 1 if the JSON number starting at `text` is written as a float (2.0, 1e5). */
static int is_float_text(const char *text) {
    size_t n = strspn(text, "-0123456789.eE+");
    for (size_t i = 0; i < n; ++i)
        if (text[i] == '.' || text[i] == 'e' || text[i] == 'E') return 1;
    return 0;
}

/* ------------------------------------------------------------------ data */

/* hyperopt's test_space_eval example. */
static const char *CASES =
    "{\"hp\": \"choice\", \"label\": \"a\", \"options\": ["
    "  {\"tuple\": [\"case 1\", {\"op\": \"add\", \"args\": [1, {\"hp\": \"lognormal\", \"label\": \"c1\", "
    "\"mu\": 0, \"sigma\": 1}]}]},"
    "  {\"tuple\": [\"case 2\", {\"hp\": \"uniform\", \"label\": \"c2\", \"low\": -10, \"high\": 10}]}]}";

/* gauss_wave: x shared by both options of 'curve'. */
static const char *CURVE =
    "{\"hp\": \"choice\", \"label\": \"curve\", \"options\": ["
    "  {\"hp\": \"uniform\", \"label\": \"x\", \"low\": -20, \"high\": 20},"
    "  {\"op\": \"add\", \"args\": [{\"ref\": \"x\"}, 3.141592653589793]}]}";

/* A large nested space using every kind of node. */
static const char *BIG =
    "{\"model\": {\"hp\": \"choice\", \"label\": \"model\", \"options\": ["
    "   {\"kind\": \"svm\","
    "    \"C\": {\"hp\": \"loguniform\", \"label\": \"C\", \"low\": -5, \"high\": 5},"
    "    \"kernel\": {\"hp\": \"pchoice\", \"label\": \"kernel\", \"options\": ["
    "       [0.3, \"linear\"],"
    "       [0.7, {\"tuple\": [\"rbf\", {\"hp\": \"lognormal\", \"label\": \"gamma\", \"mu\": 0, \"sigma\": 1}]}]]}},"
    "   {\"kind\": \"forest\","
    "    \"n\": {\"op\": \"int\", \"args\": [{\"hp\": \"quniform\", \"label\": \"n\", \"low\": 10, \"high\": 500, \"q\": 10}]},"
    "    \"depth\": {\"hp\": \"randint\", \"label\": \"depth\", \"low\": 1, \"high\": 20},"
    "    \"lr\": {\"op\": \"pow\", \"args\": [10, {\"hp\": \"uniform\", \"label\": \"log_lr\", \"low\": -4, \"high\": 0}]},"
    "    \"leaves\": {\"hp\": \"uniformint\", \"label\": \"leaves\", \"low\": 2, \"high\": 64}},"
    "   {\"kind\": \"mlp\", \"layers\": {\"list\": ["
    "       {\"hp\": \"qloguniform\", \"label\": \"units\", \"low\": 2, \"high\": 7, \"q\": 8},"
    "       {\"hp\": \"choice\", \"label\": \"act\", \"options\": [\"relu\", \"tanh\", {\"ref\": \"shared\"}]}]},"
    "    \"noise\": {\"hp\": \"qnormal\", \"label\": \"noise\", \"mu\": 0, \"sigma\": 2.5, \"q\": 0.5},"
    "    \"batch\": {\"hp\": \"qlognormal\", \"label\": \"batch\", \"mu\": 4, \"sigma\": 1, \"q\": 16},"
    "    \"drop\": {\"hp\": \"uniformint\", \"label\": \"drop\", \"low\": 0, \"high\": 10, \"q\": 2}}]},"
    " \"shared\": {\"hp\": \"normal\", \"label\": \"shared\", \"mu\": 0, \"sigma\": 1},"
    " \"twice\": {\"op\": \"mul\", \"args\": [{\"ref\": \"shared\"}, 2]},"
    " \"seed\": {\"hp\": \"randint\", \"label\": \"seed\", \"upper\": 1000},"
    " \"reserved\": {\"dict\": {\"hp\": 1, \"op\": \"x\", \"ref\": [1, 2], \"label\": null}},"
    " \"verbatim\": {\"const\": {\"hp\": \"uniform\", \"nested\": [1, [2, {\"op\": 3}]]}},"
    " \"pair\": {\"tuple\": [true, false, null, \"s\", -0.5, 1e300]},"
    " \"stats\": {\"op\": \"max\", \"args\": [{\"op\": \"sqrt\", \"args\": [{\"op\": \"abs\", \"args\": [{\"ref\": \"shared\"}]}]}, 0.1]},"
    " \"\\u00e9t\\u00e9\": {\"hp\": \"uniform\", \"label\": \"\\u03bb\", \"low\": 0, \"high\": 1}}";

/* --------------------------------------------------------------- parsing */

/* Every distribution form parses, keeps its label and samples. */
static void parses_every_distribution(void **state) {
    (void)state;
    const char *forms[] = {
        "{\"hp\": \"choice\", \"label\": \"x\", \"options\": [1, \"two\", [3]]}",
        "{\"hp\": \"pchoice\", \"label\": \"x\", \"options\": [[0.25, 1], [0.75, \"two\"]]}",
        "{\"hp\": \"pchoice\", \"label\": \"x\", \"options\": [[0.3333333, 1], [0.3333333, 2], [0.3333334, 3]]}",
        "{\"hp\": \"randint\", \"label\": \"x\", \"upper\": 5}",
        "{\"hp\": \"randint\", \"label\": \"x\", \"low\": 5, \"high\": 15}",
        "{\"hp\": \"randint\", \"label\": \"x\", \"high\": 3}",
        "{\"hp\": \"randint\", \"label\": \"x\", \"low\": -3, \"high\": 3.0}",
        "{\"hp\": \"uniform\", \"label\": \"x\", \"low\": -2, \"high\": 2.5}",
        "{\"hp\": \"quniform\", \"label\": \"x\", \"low\": 0, \"high\": 10, \"q\": 2.5}",
        "{\"hp\": \"loguniform\", \"label\": \"x\", \"low\": -9.2, \"high\": 0}",
        "{\"hp\": \"qloguniform\", \"label\": \"x\", \"low\": 0, \"high\": 4, \"q\": 1}",
        "{\"hp\": \"normal\", \"label\": \"x\", \"mu\": 4, \"sigma\": 7}",
        "{\"hp\": \"qnormal\", \"label\": \"x\", \"mu\": 0, \"sigma\": 10, \"q\": 2}",
        "{\"hp\": \"lognormal\", \"label\": \"x\", \"mu\": -2, \"sigma\": 2}",
        "{\"hp\": \"qlognormal\", \"label\": \"x\", \"mu\": 0, \"sigma\": 2, \"q\": 1}",
        "{\"hp\": \"uniformint\", \"label\": \"x\", \"low\": 1, \"high\": 10}",
        "{\"hp\": \"uniformint\", \"label\": \"x\", \"low\": 0, \"high\": 100, \"q\": 5}",
    };
    for (size_t i = 0; i < sizeof forms / sizeof *forms; ++i) {
        hopt_space *s = space_from(forms[i]);
        char *labels = labels_of(s);
        expect_text(labels, "[\"x\"]", forms[i]);
        char *vals = NULL, *point = NULL;
        assert_hopt_ok(hopt_space_sample(s, i, &vals, &point));
        assert_true(json_has(vals, "x") && count_keys(vals) == 1);
        hopt_free(labels);
        hopt_free(vals);
        hopt_free(point);
        hopt_space_free(s);
    }
}

/* Non-hyperparameter nodes evaluate to what they describe. */
static void parses_every_node(void **state) {
    (void)state;
    const char *cases[][2] = {
        {"3", "3"},
        {"2.5", "2.5"},
        {"\"text\"", "\"text\""},
        {"true", "true"},
        {"null", "null"},
        {"[1, [2, \"x\"]]", "[1,[2,\"x\"]]"},
        {"{\"list\": [1, 2]}", "[1,2]"},
        {"{\"tuple\": [1, {\"tuple\": []}]}", "[1,[]]"},
        {"{\"b\": 1, \"a\": {\"c\": [true]}}", "{\"a\":{\"c\":[true]},\"b\":1}"},
        {"{}", "{}"},
        {"{\"dict\": {\"hp\": 1}}", "{\"hp\":1}"},
        {"{\"dict\": {\"dict\": {\"dict\": {\"tuple\": 2}}}}", "{\"dict\":{\"tuple\":2}}"},
        {"{\"const\": {\"hp\": \"uniform\", \"ref\": [1]}}", "{\"hp\":\"uniform\",\"ref\":[1]}"},
        {"{\"const\": [1, {\"op\": \"add\"}]}", "[1,{\"op\":\"add\"}]"},
        {"{\"const\": 7}", "7"},
    };
    int failed = 0;
    for (size_t i = 0; i < sizeof cases / sizeof *cases; ++i) failed += !eval_gives(cases[i][0], "{}", cases[i][1]);
    assert_int_equal(failed, 0);
}

/* ------------------------------------------------------------ round trip */

static void round_trip_is_stable(void **state) {
    (void)state;
    const char *spaces[] = {BIG, CASES, CURVE, "{\"dict\": {\"hp\": 1}}", "[]", "{\"const\": {\"ref\": \"x\"}}"};
    for (size_t i = 0; i < sizeof spaces / sizeof *spaces; ++i) {
        hopt_space *a = space_from(spaces[i]);
        char *first = to_json(a);
        hopt_space *b = space_from(first);
        char *second = to_json(b);
        expect_text(second, first, "to_json(from_json(to_json(space)))");
        /* The copy samples the same vals and points. */
        for (uint64_t seed = 0; seed < 20; ++seed) {
            char *va, *pa, *vb, *pb;
            assert_hopt_ok(hopt_space_sample(a, seed, &va, &pa));
            assert_hopt_ok(hopt_space_sample(b, seed, &vb, &pb));
            expect_text(vb, va, "vals after the round trip");
            expect_text(pb, pa, "point after the round trip");
            hopt_free(va), hopt_free(pa), hopt_free(vb), hopt_free(pb);
        }
        hopt_free(first), hopt_free(second);
        hopt_space_free(a), hopt_space_free(b);
    }
}

/* The canonical form: compact, sorted keys, reserved keys wrapped. */
static void canonical_form(void **state) {
    (void)state;
    const char *cases[][2] = {
        {"{\"hp\": \"uniform\", \"label\": \"x\", \"low\": -2, \"high\": 2}",
         "{\"high\":2.0,\"hp\":\"uniform\",\"label\":\"x\",\"low\":-2.0}"},
        {"{\"x\": {\"dict\": {\"hp\": 1}}}", "{\"x\":{\"dict\":{\"hp\":1}}}"},
        {"{\"list\": [{\"const\": [1]}]}", "[{\"const\":[1]}]"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; ++i) {
        hopt_space *s = space_from(cases[i][0]);
        char *text = to_json(s);
        expect_text(text, cases[i][1], cases[i][0]);
        hopt_free(text);
        hopt_space_free(s);
    }
}

/* ---------------------------------------------------------------- labels */

static void labels_in_definition_order(void **state) {
    (void)state;
    const char *cases[][2] = {
        /* dict members come in sorted key order, as hyperopt sorts dicts; a
         * label counts where it first appears, even as a {"ref"} ('act'
         * refers to 'shared' before its definition) */
        {BIG,
         "[\"model\",\"C\",\"kernel\",\"gamma\",\"depth\",\"leaves\",\"log_lr\",\"n\",\"batch\",\"drop\","
         "\"units\",\"act\",\"shared\",\"noise\",\"seed\",\"\xce\xbb\"]"},
        {"[{\"hp\": \"uniform\", \"label\": \"z\", \"low\": 0, \"high\": 1},"
         " {\"hp\": \"choice\", \"label\": \"y\", \"options\": [{\"hp\": \"normal\", \"label\": \"x\", \"mu\": 0,"
         " \"sigma\": 1}, {\"ref\": \"z\"}]}]",
         "[\"z\",\"y\",\"x\"]"},
        {"{\"b\": {\"hp\": \"uniform\", \"label\": \"first\", \"low\": 0, \"high\": 1},"
         " \"a\": {\"hp\": \"uniform\", \"label\": \"second\", \"low\": 0, \"high\": 1}}",
         "[\"second\",\"first\"]"},
        {"[1, {\"const\": {\"hp\": \"uniform\", \"label\": \"not_a_label\"}}]", "[]"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; ++i) {
        hopt_space *s = space_from(cases[i][0]);
        char *labels = labels_of(s);
        expect_text(labels, cases[i][1], "labels");
        hopt_free(labels);
        hopt_space_free(s);
    }
}

/* "parsing it gives an identical space" (hopt.h): also when a ref comes
 * before its definition, the copy lists labels in the same order. */
static void round_trip_keeps_label_order(void **state) {
    (void)state;
    const char *spaces[] = {
        BIG, /* 'act' refers to 'shared', defined under a later key */
        "[{\"ref\": \"late\"}, {\"hp\": \"uniform\", \"label\": \"early\", \"low\": 0, \"high\": 1},"
        " {\"hp\": \"normal\", \"label\": \"late\", \"mu\": 0, \"sigma\": 1}]",
    };
    int failed = 0;
    for (size_t i = 0; i < sizeof spaces / sizeof *spaces; ++i) {
        hopt_space *a = space_from(spaces[i]);
        char *text = to_json(a);
        hopt_space *b = space_from(text);
        char *la = labels_of(a), *lb = labels_of(b);
        if (strcmp(la, lb) != 0) {
            print_error("labels of from_json(to_json(space)):\n  got      %s\n  expected %s\n", lb, la);
            failed++;
        }
        hopt_free(la), hopt_free(lb), hopt_free(text);
        hopt_space_free(a), hopt_space_free(b);
    }
    assert_int_equal(failed, 0);
}

/* -------------------------------------------------------------- sampling */

/* Over many seeds: vals hold exactly the active labels, every branch is
 * taken, and the point is space_eval(vals). */
static void sample_reports_active_labels(void **state) {
    (void)state;
    const char *json =
        "{\"hp\": \"choice\", \"label\": \"a\", \"options\": ["
        "  {\"tuple\": [\"case 1\", {\"op\": \"add\", \"args\": [1, {\"hp\": \"lognormal\", \"label\": \"c1\", "
        "\"mu\": 0, \"sigma\": 1}]}]},"
        "  {\"tuple\": [\"case 2\", {\"hp\": \"uniform\", \"label\": \"c2\", \"low\": -10, \"high\": 10}]},"
        "  {\"hp\": \"choice\", \"label\": \"inner\", \"options\": ["
        "     {\"hp\": \"randint\", \"label\": \"r\", \"upper\": 3}, {\"ref\": \"c2\"}]}]}";
    hopt_space *s = space_from(json);
    int taken[4] = {0};
    for (uint64_t seed = 0; seed < 400; ++seed) {
        char *vals = NULL, *point = NULL, *evaluated = NULL;
        assert_hopt_ok(hopt_space_sample(s, seed, &vals, &point));
        const int a = (int)json_number(vals, "a");
        const char *expected_keys[3] = {"a", NULL, NULL};
        int branch = a;
        if (a == 0) expected_keys[1] = "c1";
        if (a == 1) expected_keys[1] = "c2";
        if (a == 2) {
            const int inner = (int)json_number(vals, "inner");
            expected_keys[1] = "inner";
            expected_keys[2] = inner == 0 ? "r" : "c2";
            branch = 2 + inner;
        }
        assert_in_range(branch, 0, 3);
        taken[branch]++;
        int n_expected = 0;
        for (int k = 0; k < 3; ++k)
            if (expected_keys[k]) {
                if (!json_has(vals, expected_keys[k])) fail_msg("seed %d: %s lacks %s", (int)seed, vals, expected_keys[k]);
                n_expected++;
            }
        if (count_keys(vals) != n_expected) fail_msg("seed %d: inactive labels in %s", (int)seed, vals);
        assert_hopt_ok(hopt_space_eval(s, vals, &evaluated));
        expect_text(point, evaluated, "sampled point vs space_eval(vals)");
        hopt_free(vals), hopt_free(point), hopt_free(evaluated);
    }
    for (int b = 0; b < 4; ++b)
        if (taken[b] < 40) fail_msg("branch %d taken %d times of 400", b, taken[b]);
    hopt_space_free(s);
}

static void sample_is_seeded(void **state) {
    (void)state;
    hopt_space *s = space_from(BIG);
    char *v1, *p1, *v2, *p2, *v3, *p3;
    assert_hopt_ok(hopt_space_sample(s, 42, &v1, &p1));
    assert_hopt_ok(hopt_space_sample(s, 42, &v2, &p2));
    expect_text(v2, v1, "same seed, same vals");
    expect_text(p2, p1, "same seed, same point");
    int differ = 0;
    for (uint64_t seed = 43; seed < 53; ++seed) {
        assert_hopt_ok(hopt_space_sample(s, seed, &v3, NULL));
        differ += strcmp(v3, v1) != 0;
        hopt_free(v3);
    }
    assert_int_equal(differ, 10);
    /* Both outputs are optional. */
    assert_hopt_ok(hopt_space_sample(s, 1, NULL, NULL));
    assert_hopt_ok(hopt_space_sample(s, 1, NULL, &p3));
    hopt_free(v1), hopt_free(p1), hopt_free(v2), hopt_free(p2), hopt_free(p3);
    hopt_space_free(s);
}

/* The types in vals and points: uniformint is a float in vals and an integer
 * in the point; scope.int(quniform) an integer in the point; randint and
 * choice integers in both. */
static void sample_value_types(void **state) {
    (void)state;
    hopt_space *s = space_from(
        "{\"u\": {\"hp\": \"uniformint\", \"label\": \"u\", \"low\": 1, \"high\": 9},"
        " \"n\": {\"op\": \"int\", \"args\": [{\"hp\": \"quniform\", \"label\": \"n\", \"low\": 1, \"high\": 10, \"q\": 1}]},"
        " \"r\": {\"hp\": \"randint\", \"label\": \"r\", \"low\": 5, \"high\": 15},"
        " \"q\": {\"hp\": \"quniform\", \"label\": \"q\", \"low\": 0, \"high\": 10, \"q\": 5}}");
    for (uint64_t seed = 0; seed < 50; ++seed) {
        char *vals, *point;
        assert_hopt_ok(hopt_space_sample(s, seed, &vals, &point));
        assert_true(is_float_text(raw_value(vals, "u")));
        assert_false(is_float_text(raw_value(point, "u")));
        assert_true(is_float_text(raw_value(vals, "n")));
        assert_false(is_float_text(raw_value(point, "n")));
        assert_false(is_float_text(raw_value(vals, "r")));
        assert_false(is_float_text(raw_value(point, "r")));
        assert_true(is_float_text(raw_value(point, "q")));
        const double u = json_number(point, "u"), r = json_number(point, "r");
        assert_true(u >= 1 && u <= 9 && r >= 5 && r < 15);
        assert_true(json_number(vals, "u") == u);
        hopt_free(vals), hopt_free(point);
    }
    hopt_space_free(s);
}

/* ------------------------------------------------------------ space_eval */

static void eval_hyperopt_example(void **state) {
    (void)state;
    expect_eval(CASES, "{\"a\": 0, \"c1\": 1.0}", "[\"case 1\",2.0]");
    expect_eval(CASES, "{\"a\": 1, \"c2\": 3.5}", "[\"case 2\",3.5]");
    /* Labels the point does not need are ignored, known or not. */
    expect_eval(CASES, "{\"a\": 1, \"c2\": 3.5, \"c1\": 0.25, \"zzz\": \"anything\"}", "[\"case 2\",3.5]");
    /* hyperopt's misc.vals form ([value] or [] when inactive) is accepted. */
    expect_eval(CASES, "{\"a\": [1], \"c1\": [], \"c2\": [3.5]}", "[\"case 2\",3.5]");
    /* A float with an integral value is a valid index (hyperopt's switch takes 1.0). */
    expect_eval(CASES, "{\"a\": 1.0, \"c2\": -2}", "[\"case 2\",-2.0]");
}

static void eval_shared_node(void **state) {
    (void)state;
    expect_eval(CURVE, "{\"curve\": 0, \"x\": 1.5}", "1.5");
    expect_eval(CURVE, "{\"curve\": 1, \"x\": 1.0}", "4.141592653589793");
    /* Sampling: x is active whichever option is taken. */
    hopt_space *s = space_from(CURVE);
    for (uint64_t seed = 0; seed < 20; ++seed) {
        char *vals;
        assert_hopt_ok(hopt_space_sample(s, seed, &vals, NULL));
        assert_true(json_has(vals, "x") && count_keys(vals) == 2);
        hopt_free(vals);
    }
    hopt_space_free(s);
}

static void eval_casts(void **state) {
    (void)state;
    const char *n = "{\"op\": \"int\", \"args\": [{\"hp\": \"quniform\", \"label\": \"n\", \"low\": 1, \"high\": 10, \"q\": 1}]}";
    expect_eval(n, "{\"n\": 7.0}", "7");
    const char *u = "{\"hp\": \"uniformint\", \"label\": \"u\", \"low\": 1, \"high\": 10}";
    expect_eval(u, "{\"u\": 4.0}", "4");
    const char *r = "{\"hp\": \"randint\", \"label\": \"r\", \"upper\": 10}";
    expect_eval(r, "{\"r\": 3}", "3");
    expect_eval("[{\"hp\": \"randint\", \"label\": \"r\", \"upper\": 10}, {\"op\": \"float\", \"args\": [{\"ref\": \"r\"}]}]",
                "{\"r\": 3}", "[3,3.0]");
}

/* Operations follow Python: ints stay ints, / gives a float, // and % round
 * toward minus infinity, int() truncates toward zero. */
static void eval_python_arithmetic(void **state) {
    (void)state;
    /* On hyperparameter values: randint is an int, uniform a float. */
    const char *k_plus_1 = "{\"op\": \"add\", \"args\": [{\"hp\": \"randint\", \"label\": \"k\", \"upper\": 10}, 1]}";
    expect_eval(k_plus_1, "{\"k\": 3}", "4");
    const char *x_times_2 = "{\"op\": \"mul\", \"args\": [{\"hp\": \"uniform\", \"label\": \"x\", \"low\": 0, \"high\": 5}, 2]}";
    expect_eval(x_times_2, "{\"x\": 1.5}", "3.0");
    const char *two_pow_k =
        "{\"op\": \"pow\", \"args\": [2, {\"hp\": \"randint\", \"label\": \"k\", \"low\": 0, \"high\": 8}]}";
    expect_eval(two_pow_k, "{\"k\": 7}", "128");
    const char *cases[][3] = {
        /* op, args, Python's result */
        {"add", "[2, 3]", "5"},
        {"add", "[2, 3.0]", "5.0"},
        {"add", "[true, true]", "2"},
        {"add", "[\"ab\", \"cd\"]", "\"abcd\""},
        {"sub", "[2, 5]", "-3"},
        {"mul", "[4, 2.5]", "10.0"},
        {"mul", "[-3, 4]", "-12"},
        {"div", "[7, 2]", "3.5"},
        {"div", "[4, 2]", "2.0"},
        {"div", "[-1, 4]", "-0.25"},
        {"floordiv", "[7, 2]", "3"},
        {"floordiv", "[-7, 2]", "-4"},
        {"floordiv", "[7, -2]", "-4"},
        {"floordiv", "[-7, -2]", "3"},
        {"floordiv", "[-7.5, 2]", "-4.0"},
        {"floordiv", "[1, 0.1]", "9.0"}, /* Python: 1 // 0.1 == 9.0, consistent with 1 % 0.1 */
        {"mod", "[7, 3]", "1"},
        {"mod", "[-7, 2]", "1"},
        {"mod", "[7, -2]", "-1"},
        {"mod", "[-7, -2]", "-1"},
        {"mod", "[-7.5, 2]", "0.5"},
        {"mod", "[7.5, -2]", "-0.5"},
        {"mod", "[1, 0.1]", "0.09999999999999995"},
        {"pow", "[2, 10]", "1024"},
        {"pow", "[-2, 3]", "-8"},
        {"pow", "[2, -1]", "0.5"},
        {"pow", "[2.0, 3]", "8.0"},
        {"pow", "[4, 0.5]", "2.0"},
        {"neg", "[3]", "-3"},
        {"neg", "[2.5]", "-2.5"},
        {"abs", "[-3]", "3"},
        {"abs", "[-2.5]", "2.5"},
        {"int", "[2.7]", "2"},
        {"int", "[-2.7]", "-2"},
        {"int", "[5]", "5"},
        {"float", "[3]", "3.0"},
        {"min", "[3, 1.5, 2]", "1.5"},
        {"max", "[1, 3, 2]", "3"},
        {"min", "[1, 1.0]", "1"}, /* the first of equal extremes, type kept */
        {"max", "[2.0, 2]", "2.0"},
        {"max", "[-4]", "-4"},
        {"exp", "[0]", "1.0"},
        {"log", "[1]", "0.0"},
        {"sqrt", "[16]", "4.0"},
        {"sqrt", "[2]", "1.4142135623730951"},
    };
    int failed = 0;
    for (size_t i = 0; i < sizeof cases / sizeof *cases; ++i) {
        char space[256];
        snprintf(space, sizeof space, "{\"op\": \"%s\", \"args\": %s}", cases[i][0], cases[i][1]);
        failed += !eval_gives(space, "{}", cases[i][2]);
    }
    assert_int_equal(failed, 0);
}

/* Python's min and max take any number of arguments (docs: "1 or more"). */
static void eval_min_max_many_arguments(void **state) {
    (void)state;
    char space[1024];
    int n = snprintf(space, sizeof space, "{\"max\": {\"op\": \"max\", \"args\": [");
    for (int i = 0; i < 100; ++i) n += snprintf(space + n, sizeof space - n, "%s%d", i ? ", " : "", (i * 37) % 100);
    n += snprintf(space + n, sizeof space - n, "]}}");
    expect_eval(space, "{}", "{\"max\":99}");
}

/* An operation that fails on a trial's values is an HOPT_ESPACE naming it,
 * where Python raises (ZeroDivisionError, ValueError, OverflowError). */
static void eval_op_errors(void **state) {
    (void)state;
    const char *x = "{\"hp\": \"uniform\", \"label\": \"x\", \"low\": -1, \"high\": 1}";
    const char *cases[][3] = {
        /* op, args (X is the hyperparameter x, given 0.0), the op named */
        {"div", "[1, X]", "div"},
        {"floordiv", "[1, X]", "floordiv"},
        {"mod", "[1, X]", "mod"},
        {"div", "[1, 0]", "div"},
        {"log", "[X]", "log"},
        {"log", "[-1]", "log"},
        {"sqrt", "[-1]", "sqrt"},
        {"pow", "[X, -1]", "pow"},
        {"add", "[\"a\", 1]", "add"},
        {"exp", "[1000]", "exp"},           /* math.exp(1000): OverflowError */
        {"pow", "[10.0, 400]", "pow"},      /* 10.0 ** 400: OverflowError */
    };
    int failed = 0;
    for (size_t i = 0; i < sizeof cases / sizeof *cases; ++i) {
        char args[256], space[512], needle[64];
        const char *at = strchr(cases[i][1], 'X');
        if (at)
            snprintf(args, sizeof args, "%.*s%s%s", (int)(at - cases[i][1]), cases[i][1], x, at + 1);
        else
            snprintf(args, sizeof args, "%s", cases[i][1]);
        snprintf(space, sizeof space, "{\"op\": \"%s\", \"args\": %s}", cases[i][0], args);
        snprintf(needle, sizeof needle, "'%s'", cases[i][2]);
        failed += !eval_fails(space, "{\"x\": 0.0}", HOPT_ESPACE, needle);
    }
    assert_int_equal(failed, 0);
}

static void eval_bad_vals(void **state) {
    (void)state;
    /* A needed label without a value, named. */
    expect_eval_fails(CASES, "{\"a\": 1}", HOPT_EINVAL, "c2");
    expect_eval_fails(CASES, "{\"c1\": 1.0}", HOPT_EINVAL, "'a'");
    expect_eval_fails(CASES, "{\"a\": [], \"c2\": 1.0}", HOPT_EINVAL, "'a'");
    /* Choice indices out of range, or not integers. */
    expect_eval_fails(CASES, "{\"a\": 2, \"c1\": 1.0}", HOPT_EINVAL, "option indices");
    expect_eval_fails(CASES, "{\"a\": -1, \"c1\": 1.0}", HOPT_EINVAL, "option indices");
    expect_eval_fails(CASES, "{\"a\": 0.5, \"c1\": 1.0}", HOPT_EINVAL, "'a'");
    expect_eval_fails(CASES, "{\"a\": \"case 1\", \"c1\": 1.0}", HOPT_EINVAL, "'a'");
    expect_eval_fails(CASES, "{\"a\": true, \"c1\": 1.0}", HOPT_EINVAL, "'a'");
    /* randint values outside [low, high). */
    expect_eval_fails("{\"hp\": \"randint\", \"label\": \"r\", \"low\": 5, \"high\": 15}", "{\"r\": 15}", HOPT_EINVAL,
                      "'r'");
    /* A number where the space needs one, as a string. */
    expect_eval_fails(CASES, "{\"a\": 1, \"c2\": \"3.5\"}", HOPT_EINVAL, "c2");
    /* vals must be an object of valid JSON. */
    expect_eval_fails(CASES, "[0, 1.0]", HOPT_EINVAL, "object");
    expect_eval_fails(CASES, "{\"a\": 0,", HOPT_EJSON, "");
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(parses_every_distribution),
        cmocka_unit_test(parses_every_node),
        cmocka_unit_test(round_trip_is_stable),
        cmocka_unit_test(canonical_form),
        cmocka_unit_test(labels_in_definition_order),
        cmocka_unit_test(round_trip_keeps_label_order),
        cmocka_unit_test(sample_reports_active_labels),
        cmocka_unit_test(sample_is_seeded),
        cmocka_unit_test(sample_value_types),
        cmocka_unit_test(eval_hyperopt_example),
        cmocka_unit_test(eval_shared_node),
        cmocka_unit_test(eval_casts),
        cmocka_unit_test(eval_python_arithmetic),
        cmocka_unit_test(eval_min_max_many_arguments),
        cmocka_unit_test(eval_op_errors),
        cmocka_unit_test(eval_bad_vals),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
