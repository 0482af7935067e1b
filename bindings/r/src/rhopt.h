/* Hand-written callback trampolines of the R package (src/callbacks.c).
 * SWIG wraps these like the C API (src/hopt.i); they exist because SWIG's R
 * module cannot hand an R closure to C as `void *user` with a `user_free`. */
#ifndef RHOPT_H
#define RHOPT_H

#include <Rinternals.h>

#include "hopt/hopt.h"

/* An objective that calls the R function `fn(point_json)` on the thread
 * that runs it (fmin's caller, or a worker's forked child). `fn` is kept
 * alive (R_PreserveObject) until the objective is freed. `fn` must not
 * signal an R error; it returns one of:
 *   - a number: the loss;
 *   - a list (document JSON string, loss number or NULL): the result
 *     document, then the loss set separately so that NaN/Inf reach hopt's
 *     own non-finite rule (JSON cannot carry them);
 *   - a character string: the error message of a failed evaluation. */
int rhopt_objective_new(const char *name, SEXP fn, hopt_objective **out);

/* fmin's early stop. Always: stop fmin (HOPT_ECANCELLED) when the user
 * interrupts R (Ctrl-C). Then, if `fn` is an R function, `fn()` is called
 * (kept alive until the options are freed or the setting replaced); it must
 * not signal an R error and returns 0 (go on), 1 (stop the search) or any
 * other integer (abort fmin with HOPT_ECANCELLED). Anything else (NULL):
 * the interrupt check alone. */
int rhopt_fmin_options_set_early_stop(hopt_fmin_options *opts, SEXP fn);

/* Stop the worker, as hyperopt-mongo-worker on SIGINT, on an R interrupt. */
int rhopt_worker_options_stop_on_interrupt(hopt_worker_options *opts);

#endif
