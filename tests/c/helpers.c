#include "helpers.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void _assert_hopt_status(int got, int want, const char *call, const char *file, int line) {
    if (got == want) return;
    print_error("%s returned %s (%d), expected %s: %s\n", call, hopt_status_name(got), got, hopt_status_name(want),
                hopt_errmsg());
    _fail(file, line);
}

void _assert_hopt_fails(int got, int want, const char *needle, const char *call, const char *file, int line) {
    if (got != want) {
        print_error("%s returned %s (%d), expected %s; message: %s\n", call, hopt_status_name(got), got,
                    hopt_status_name(want), hopt_errmsg());
        _fail(file, line);
    }
    if (needle && !strstr(hopt_errmsg(), needle)) {
        print_error("%s: message \"%s\" does not mention \"%s\"\n", call, hopt_errmsg(), needle);
        _fail(file, line);
    }
}

hopt_space *space_from(const char *json) {
    hopt_space *s = NULL;
    int rc = hopt_space_from_json(json, &s);
    if (rc != HOPT_OK) fail_msg("space %s: %s", json, hopt_errmsg());
    return s;
}

static const char *find_key(const char *json, const char *key) {
    char pattern[256];
    snprintf(pattern, sizeof pattern, "\"%s\":", key);
    return strstr(json, pattern) ? strstr(json, pattern) + strlen(pattern) : NULL;
}

double json_number(const char *json, const char *key) {
    const char *at = find_key(json, key);
    if (!at) fail_msg("no key \"%s\" in %s", key, json);
    return strtod(at, NULL);
}

int json_has(const char *json, const char *key) { return find_key(json, key) != NULL; }

static int call_loss(const hopt_point *point, hopt_result *result, void *user) {
    loss_of_point fn = *(loss_of_point *)user;
    return hopt_result_set_loss(result, fn(point));
}

hopt_objective *objective_from(loss_of_point fn) {
    loss_of_point *boxed = malloc(sizeof *boxed);
    *boxed = fn;
    hopt_objective *o = NULL;
    if (hopt_objective_new("test_objective", call_loss, boxed, free, &o) != HOPT_OK)
        fail_msg("objective: %s", hopt_errmsg());
    return o;
}

hopt_fmin_options *quiet_options(uint64_t seed) {
    hopt_fmin_options *o = NULL;
    if (hopt_fmin_options_new(&o) != HOPT_OK || hopt_fmin_options_set_seed(o, seed) != HOPT_OK ||
        hopt_fmin_options_set_show_progress(o, 0) != HOPT_OK)
        fail_msg("options: %s", hopt_errmsg());
    return o;
}
