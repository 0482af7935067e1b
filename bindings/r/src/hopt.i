/* SWIG interface of the R package: the C API of include/hopt/hopt.h, as
 * generated R functions (R/hopt.R) over a generated C layer (src/hopt_swig.c).
 * configure runs `swig -r` on this file at install time.
 *
 * Conventions of the generated layer, which the hand-written R code in R/
 * relies on:
 *  - a function with out-parameters returns a list: [[1]] the int status, then
 *    one element per out-parameter in argument order (NA when the library left
 *    it NULL); a function without returns its status (or value) alone;
 *  - strings the library returns are copied into R and released with
 *    hopt_free() here, so R never holds hopt memory it must free;
 *  - handles are plain external pointers without a finalizer: the R layer
 *    (R/handles.R) owns each one and frees it exactly once;
 *  - 64-bit integers cross as R doubles (R has no 64-bit integer type).
 *
 * Callbacks are not wrapped by SWIG: SWIG's R module keeps callback
 * functions on a global stack and cannot pass `void *user`/`user_free`, so
 * the functions that take one are %ignore'd here and replaced by the
 * hand-written trampolines of src/callbacks.c (declared in src/rhopt.h and
 * wrapped below like the rest).
 */
%module hopt

%{
#include <string.h>
#include "hopt/hopt.h"
#include "rhopt.h"

/* Store an out-parameter's value in the first free slot of the result list
 * (slot 1 holds the status). Out values are never R NULL (see NA below),
 * so a free slot is one still R NULL. */
static void rhopt_put(SEXP list, SEXP value) {
    for (R_xlen_t i = 1; i < XLENGTH(list); i++) {
        if (VECTOR_ELT(list, i) == R_NilValue) {
            SET_VECTOR_ELT(list, i, value);
            return;
        }
    }
}

static SEXP rhopt_string(const char *s) {
    return s ? Rf_ScalarString(Rf_mkCharCE(s, CE_UTF8)) : Rf_ScalarString(NA_STRING);
}
%}

/* SWIG's parser does not know GCC attributes (HOPT_API's visibility). */
#define __attribute__(x)

/* Strings in: UTF-8, and NULL (R NULL or NA) where the C API allows it.
 * SWIG's own conversion reads element 0 of character(0) and maps NA to
 * "NA". */
%typemap(scoercein) const char * %{ $input = if (is.null($input)) NA_character_ else as.character($input); %}
%typemap(in) const char * %{
    $1 = (Rf_isString($input) && XLENGTH($input) >= 1 && STRING_ELT($input, 0) != NA_STRING)
             ? (char *)Rf_translateCharUTF8(STRING_ELT($input, 0)) : NULL;
%}
%typemap(freearg) const char * "";

/* Strings the library allocates: copied into R, then released. */
%typemap(in, numinputs=0) char ** (char *tmp = NULL) "$1 = &tmp;"
%typemap(argout) char ** {
    rhopt_put(r_ans, rhopt_string(*$1));
    hopt_free(*$1);
}
/* Borrowed strings (valid during a callback): copied only. */
%typemap(in, numinputs=0) const char ** (const char *tmp = NULL) "$1 = ($1_ltype)&tmp;"
%typemap(argout) const char ** "rhopt_put(r_ans, rhopt_string(*$1));"

/* The out-parameters above live on the stack: SWIG's R defaults would free() them. */
%typemap(freearg) char **, const char **, int64_t *, double * "";

/* Numbers through out-parameters. */
%typemap(in, numinputs=0) int64_t * (int64_t tmp = 0) "$1 = &tmp;"
%typemap(argout) int64_t * "rhopt_put(r_ans, Rf_ScalarReal((double)*$1));"
%typemap(in, numinputs=0) double * (double tmp = 0) "$1 = &tmp;"
%typemap(argout) double * "rhopt_put(r_ans, Rf_ScalarReal(*$1));"

/* hopt_trials_losses: an allocated array and its length. */
%typemap(in, numinputs=0) (double **losses, size_t *n) (double *buf = NULL, size_t len = 0) {
    $1 = &buf;
    $2 = &len;
}
%typemap(argout) (double **losses, size_t *n) {
    SEXP v = Rf_protect(Rf_allocVector(REALSXP, (R_xlen_t)*$2));
    if (*$2) memcpy(REAL(v), *$1, *$2 * sizeof(double));
    hopt_free(*$1);
    rhopt_put(r_ans, v);
    Rf_unprotect(1);
}

/* 64-bit integer arguments (seeds, tids, counts) from R numbers. */
%typemap(rtype) int64_t, uint64_t "numeric";
%typemap(scoercein) int64_t, uint64_t %{ $input = as.numeric($input); %}
%typemap(in) int64_t %{ $1 = (int64_t)Rf_asReal($input); %}
%typemap(in) uint64_t %{ $1 = (uint64_t)Rf_asReal($input); %}
%typemap(out) int64_t %{ $result = Rf_ScalarReal((double)$1); %}

/* Handles created through `T **out`: an external pointer, NA if NULL. */
%define RHOPT_HANDLE(T)
%typemap(in, numinputs=0) T ** (T *tmp = NULL) "$1 = &tmp;"
%typemap(argout) T ** {
    rhopt_put(r_ans, *$1 ? SWIG_R_NewPointerObj(*$1, $*1_descriptor, 0) : Rf_ScalarLogical(NA_LOGICAL));
}
%enddef
RHOPT_HANDLE(hopt_space)
RHOPT_HANDLE(hopt_objective)
RHOPT_HANDLE(hopt_algo)
RHOPT_HANDLE(hopt_trials)
RHOPT_HANDLE(hopt_fmin_options)
RHOPT_HANDLE(hopt_registry)
RHOPT_HANDLE(hopt_worker_options)
RHOPT_HANDLE(hopt_optimizer)

/* R values (the callables of src/callbacks.c) pass through untouched. */
%typemap(rtype) SEXP "ANY";

/* Registrations taking a C callback: see src/callbacks.c instead. */
%ignore hopt_objective_new;
%ignore hopt_fmin_options_set_early_stop;
%ignore hopt_worker_options_set_stop_check;
%ignore hopt_worker_options_set_log;
/* A result exists only during a callback, which src/callbacks.c fills from
 * the R closure's answer; SWIG's R wrappers of these setters would not even
 * compile (their parameter `result` clashes with SWIG's own variable). */
%rename("$ignore", regextarget=1) "^hopt_result_set_";

%include "hopt/version.h"
%include "hopt/hopt.h"
%include "rhopt.h"
