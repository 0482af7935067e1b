/* Shared helpers for the cmocka tests of the C API. */
#ifndef HOPT_TEST_HELPERS_H
#define HOPT_TEST_HELPERS_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <hopt/hopt.h>

/* Assert a call returns HOPT_OK, printing hopt_errmsg() when it does not. */
#define assert_hopt_ok(call) _assert_hopt_status((call), HOPT_OK, #call, __FILE__, __LINE__)
/* Assert a call fails with `status` and its message contains `needle`. */
#define assert_hopt_fails(call, status, needle) \
    _assert_hopt_fails((call), (status), (needle), #call, __FILE__, __LINE__)

void _assert_hopt_status(int got, int want, const char *call, const char *file, int line);
void _assert_hopt_fails(int got, int want, const char *needle, const char *call, const char *file, int line);

/* A space from JSON text; fails the test on error. */
hopt_space *space_from(const char *json);

/* Number stored under "key" in a flat compact JSON object such as hopt's
 * vals ({"a":1,"b":2.5}); fails the test if the key is absent. */
double json_number(const char *json, const char *key);
/* 1 if the flat JSON object has the key. */
int json_has(const char *json, const char *key);

/* An objective computing a loss from the point with a function of the
 * point's JSON text; used by many fmin tests. */
typedef double (*loss_of_point)(const hopt_point *point);
hopt_objective *objective_from(loss_of_point fn);

/* Quiet fmin options with a seed (progress off). Caller frees. */
hopt_fmin_options *quiet_options(uint64_t seed);

#endif
