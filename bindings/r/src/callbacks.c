/* Callback trampolines between hopt's C callbacks and R closures.
 *
 * Why not SWIG: SWIG's R module passes R functions to C through a global
 * callback stack and cannot register `void *user` + `user_free`, which is
 * how hopt lets a binding own its callables (include/hopt/hopt.h). So these
 * few functions are written by hand; SWIG wraps them (src/hopt.i) and
 * everything else.
 *
 * R rules honoured here: R is called only from the thread hopt calls back
 * on, which the R layer keeps to R's own thread (serial fmin; a worker's
 * forked child or its own thread); no R error ever unwinds through hopt's
 * C++ frames: R code runs under R_tryEval / R_ToplevelExec, and the closure
 * itself turns R conditions into values (R/objective.R). */
#include <R_ext/Utils.h>

#include "rhopt.h"

/* The closure is the `user` pointer itself; preserved while hopt holds it. */
static void release_closure(void *user) { R_ReleaseObject((SEXP)user); }

static int fail_with(hopt_result *result, const char *message) {
    hopt_result_set_error(result, message);
    return 1;
}

/* Fill `result` from what the R closure returned (see rhopt.h). */
static int take_answer(SEXP ans, hopt_result *result) {
    if ((TYPEOF(ans) == REALSXP || TYPEOF(ans) == INTSXP) && XLENGTH(ans) == 1)
        return hopt_result_set_loss(result, Rf_asReal(ans)) == HOPT_OK ? 0 : fail_with(result, hopt_errmsg());
    if (TYPEOF(ans) == STRSXP && XLENGTH(ans) == 1)
        return fail_with(result, Rf_translateCharUTF8(STRING_ELT(ans, 0)));
    if (TYPEOF(ans) == VECSXP && XLENGTH(ans) == 2 && TYPEOF(VECTOR_ELT(ans, 0)) == STRSXP) {
        SEXP loss = VECTOR_ELT(ans, 1);
        if (hopt_result_set_document(result, Rf_translateCharUTF8(STRING_ELT(VECTOR_ELT(ans, 0), 0))) != HOPT_OK)
            return fail_with(result, hopt_errmsg());
        if (loss != R_NilValue && hopt_result_set_loss(result, Rf_asReal(loss)) != HOPT_OK)
            return fail_with(result, hopt_errmsg());
        return 0;
    }
    return fail_with(result, "hopt (R): the objective wrapper returned an unexpected value");
}

static int call_closure(const hopt_point *point, hopt_result *result, void *user) {
    int failed = 0;
    SEXP arg = PROTECT(Rf_ScalarString(Rf_mkCharCE(hopt_point_json(point), CE_UTF8)));
    SEXP call = PROTECT(Rf_lang2((SEXP)user, arg));
    SEXP ans = R_tryEval(call, R_GlobalEnv, &failed);
    int rc;
    if (failed) {
        /* Only an interrupt or a bug of the wrapper lands here. */
        rc = fail_with(result, "the R objective was interrupted or failed outside its handler");
    } else {
        PROTECT(ans);
        rc = take_answer(ans, result);
        UNPROTECT(1);
    }
    UNPROTECT(2);
    return rc;
}

int rhopt_objective_new(const char *name, SEXP fn, hopt_objective **out) {
    if (!Rf_isFunction(fn)) {
        *out = NULL;
        return hopt_objective_new(name, NULL, NULL, NULL, out); /* the library's own EINVAL */
    }
    R_PreserveObject(fn);
    /* On failure hopt calls release_closure itself: no leak either way. */
    return hopt_objective_new(name, call_closure, fn, release_closure, out);
}

/* R_CheckUserInterrupt jumps to the nearest R context on an interrupt;
 * R_ToplevelExec gives it one that stops here, so the jump never crosses
 * hopt's frames. FALSE from R_ToplevelExec means "interrupted". */
static void check_interrupt(void *unused) {
    (void)unused;
    R_CheckUserInterrupt();
}

static int interrupted(void) { return R_ToplevelExec(check_interrupt, NULL) ? 0 : 1; }

/* fmin's early stop: the interrupt check first, then the R closure (if
 * any), whose answer is 0 (go on), 1 (stop) or anything else (abort). */
static int early_stop_call(const hopt_trials *trials, int *stop, void *user) {
    (void)trials; /* the closure holds the R trials object of the same store */
    *stop = 0;
    if (interrupted()) return 1;
    if (!user) return 0;
    int failed = 0;
    SEXP call = PROTECT(Rf_lang1((SEXP)user));
    SEXP ans = R_tryEval(call, R_GlobalEnv, &failed);
    /* failed: only an interrupt or a bug of the wrapper lands here. No
     * coercion (its warnings could be errors): the wrapper gives an integer. */
    const int rc = !failed && TYPEOF(ans) == INTSXP && XLENGTH(ans) == 1 ? INTEGER(ans)[0] : -1;
    UNPROTECT(1);
    if (rc == 0 || rc == 1) {
        *stop = rc;
        return 0;
    }
    return 1;
}

static int worker_stop_on_interrupt(void *user) {
    (void)user;
    return interrupted();
}

int rhopt_fmin_options_set_early_stop(hopt_fmin_options *opts, SEXP fn) {
    if (!Rf_isFunction(fn)) return hopt_fmin_options_set_early_stop(opts, early_stop_call, NULL, NULL);
    R_PreserveObject(fn);
    /* On failure hopt calls release_closure itself: no leak either way. */
    return hopt_fmin_options_set_early_stop(opts, early_stop_call, fn, release_closure);
}

int rhopt_worker_options_stop_on_interrupt(hopt_worker_options *opts) {
    return hopt_worker_options_set_stop_check(opts, worker_stop_on_interrupt, NULL, NULL);
}
