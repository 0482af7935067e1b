/* SWIG interface of hopt's C API (include/hopt/hopt.h) for Python.
 *
 * The generated module, hopt.capi, is the C API with Python conventions:
 *  - a negative status becomes an exception of hopt.exceptions (the message
 *    is hopt_errmsg()), so wrapped functions return what their out-parameters
 *    receive (or None);
 *  - handles are Python objects that free themselves (no *_free calls);
 *  - strings the library allocates are copied and released with hopt_free;
 *  - callbacks take Python callables (callbacks.i), kept alive by the
 *    library through the user/user_free pattern.
 * The idiomatic, hyperopt-compatible API is the pure-Python layer (hopt/*.py).
 */
%module(package="hopt", threads="1") capi

%{
#include "hopt/hopt.h"
%}

/* The GIL is released only around calls that may block or run callbacks
 * (listed in threads.i); the rest are quick and keep it. */
%nothread;

%include <stdint.i>

/* hopt.h marks its functions with __attribute__((visibility)), which SWIG need not see. */
#define __attribute__(x)
%include "errors.i"
%include "handles.i"
%include "outputs.i"
%include "threads.i"
%include "callbacks.i"

%include "hopt/version.h"
%include "hopt/hopt.h"
