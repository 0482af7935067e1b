/* Python callables as the C API's callbacks.
 *
 * Each registration hands the library a new reference to the callable as
 * `user` and hopt_py_release as `user_free`: the library drops the reference
 * exactly once, when the handle holding the callback dies (or the
 * registration fails), whichever of the handle and the Python objects goes
 * first. The trampolines take the GIL (they run on the thread calling
 * hopt_fmin, on fmin's worker threads, or in a worker's forked child) and
 * call the callable with the protocol written next to each one. The
 * callables are hopt's own adapters (hopt/_objective.py, hopt/fmin.py,
 * hopt/worker.py): they catch the user's exceptions and keep them for the
 * caller, so a trampoline only sees an exception if an adapter has a bug;
 * it then reports it (sys.unraisablehook) and fails the call. */

%{
#include <unistd.h>

/* The process whose interpreter state is valid: the importing process, or a
 * child made by os.fork (hopt/__init__.py calls hopt_py_note_pid at import
 * and, through os.register_at_fork, in such children). A
 * trampoline running in any other process runs in a child that the worker
 * loop forked (process isolation) behind Python's back. */
static pid_t hopt_py_pid = 0;

/* In such a child only the forking thread exists. It is the Python thread
 * that called hopt_worker_run with the GIL released: take the GIL back as
 * that thread and let Python repair its state, as os.fork does in a child.
 * Returns 0 if Python cannot be used (the fork came from a thread without
 * Python state). */
static int hopt_py_enter_forked_child(void) {
    PyThreadState *ts = PyGILState_GetThisThreadState();
    if (!ts) return 0;
    PyEval_RestoreThread(ts);
    PyOS_AfterFork_Child();
    hopt_py_pid = getpid();
    return 1; /* the GIL stays held: the child ends with _exit() */
}

static int hopt_py_interpreter_alive(void) {
#if PY_VERSION_HEX >= 0x030D0000
    return Py_IsInitialized() && !Py_IsFinalizing();
#else
    return Py_IsInitialized() && !_Py_IsFinalizing();
#endif
}

/* Take the GIL for a callback; 0 if Python cannot run here. */
static int hopt_py_enter(PyGILState_STATE *gil) {
    if (!hopt_py_interpreter_alive()) return 0;
    if (hopt_py_pid != getpid() && !hopt_py_enter_forked_child()) return 0;
    *gil = PyGILState_Ensure();
    return 1;
}

static void hopt_py_release(void *user) {
    PyGILState_STATE gil;
    if (user && hopt_py_enter(&gil)) {
        Py_DECREF((PyObject *)user);
        PyGILState_Release(gil);
    }
    /* else: the interpreter is gone, and the reference with it */
}

/* Call `callable(*args)` (args: a new reference, may be NULL after a failed
 * build) and return its int result, or `failed` if it raised or returned a
 * non-int, after reporting that through sys.unraisablehook. */
static long hopt_py_call_int(PyObject *callable, PyObject *args, long failed) {
    PyObject *ret = args ? PyObject_CallObject(callable, args) : NULL;
    Py_XDECREF(args);
    long value = ret ? PyLong_AsLong(ret) : -1;
    Py_XDECREF(ret);
    if (PyErr_Occurred()) {
        PyErr_WriteUnraisable(callable);
        return failed;
    }
    return value;
}

/* Run the handlers of signals that arrived while C code held the thread
 * (Ctrl-C during fmin's waits): Python runs them only between bytecodes, and
 * one raising at the very start of an adapter would escape its try block.
 * What a handler raises is kept as the adapter's `error`, for fmin to
 * re-raise. Returns 1 if it raised. */
static int hopt_py_pending_signals(PyObject *adapter) {
    if (PyErr_CheckSignals() == 0) return 0;
    PyObject *type, *value, *tb;
    PyErr_Fetch(&type, &value, &tb);
    PyErr_NormalizeException(&type, &value, &tb);
    if (value && tb) PyException_SetTraceback(value, tb);
    if (!value || PyObject_SetAttrString(adapter, "error", value) < 0) PyErr_WriteUnraisable(adapter);
    Py_XDECREF(type);
    Py_XDECREF(value);
    Py_XDECREF(tb);
    return 1;
}

/* Objective: handler(point, result) -> 0, or non-zero after it called
 * hopt_result_set_error (point and result are borrowed for the call). */
static int hopt_py_objective(const hopt_point *point, hopt_result *result, void *user) {
    PyGILState_STATE gil;
    if (!hopt_py_enter(&gil)) {
        hopt_result_set_error(result, "hopt: cannot call a Python objective here: the process was forked "
                                      "from a thread that never ran Python (use in-process isolation)");
        return 1;
    }
    if (hopt_py_pending_signals((PyObject *)user)) {
        hopt_result_set_error(result, "interrupted by a signal");
        PyGILState_Release(gil);
        return 1;
    }
    PyObject *p = SWIG_NewPointerObj((void *)point, SWIGTYPE_p_hopt_point, 0);
    PyObject *r = SWIG_NewPointerObj(result, SWIGTYPE_p_hopt_result, 0);
    PyObject *args = p && r ? PyTuple_Pack(2, p, r) : NULL;
    Py_XDECREF(p);
    Py_XDECREF(r);
    long rc = hopt_py_call_int((PyObject *)user, args, 1);
    if (rc != 0) rc = 1;
    PyGILState_Release(gil);
    return (int)rc;
}

/* Early stop: handler() -> 0 go on, 1 stop, anything else abort fmin
 * (HOPT_ECANCELLED; the adapter keeps the reason). */
static int hopt_py_early_stop(const hopt_trials *trials, int *stop, void *user) {
    (void)trials; /* the adapter holds the Python Trials of the same store */
    PyGILState_STATE gil;
    if (!hopt_py_enter(&gil)) return 1;
    long rc = hopt_py_pending_signals((PyObject *)user) ? -1 : hopt_py_call_int((PyObject *)user, PyTuple_New(0), -1);
    PyGILState_Release(gil);
    if (rc == 0 || rc == 1) {
        *stop = (int)rc;
        return 0;
    }
    return 1;
}

/* Worker stop check: handler() -> non-zero to stop the worker. */
static int hopt_py_should_stop(void *user) {
    PyGILState_STATE gil;
    if (!hopt_py_enter(&gil)) return 1;
    long rc = hopt_py_call_int((PyObject *)user, PyTuple_New(0), 1);
    PyGILState_Release(gil);
    return rc != 0;
}

/* Objective resolver: handler(name) -> a hopt_objective handle (the registry
 * takes it over from Python) or None when the name is unknown. */
static int hopt_py_resolve(const char *name, hopt_objective **out, void *user) {
    PyGILState_STATE gil;
    if (!hopt_py_enter(&gil)) return HOPT_ENOTFOUND;
    int rc = HOPT_ENOTFOUND;
    PyObject *found = PyObject_CallFunction((PyObject *)user, "s", name);
    if (!found) {
        PyErr_WriteUnraisable((PyObject *)user);
    } else if (found != Py_None) {
        void *ptr = NULL;
        if (SWIG_IsOK(SWIG_ConvertPtr(found, &ptr, SWIGTYPE_p_hopt_objective, SWIG_POINTER_DISOWN)) && ptr) {
            *out = (hopt_objective *)ptr;
            rc = HOPT_OK;
        } else {
            PyErr_SetString(PyExc_TypeError, "an objective resolver must return a hopt_objective or None");
            PyErr_WriteUnraisable((PyObject *)user);
        }
    }
    Py_XDECREF(found);
    PyGILState_Release(gil);
    return rc;
}

/* Worker log: handler(line). */
static void hopt_py_log(const char *line, void *user) {
    PyGILState_STATE gil;
    if (!hopt_py_enter(&gil)) return;
    (void)hopt_py_call_int((PyObject *)user, Py_BuildValue("(s)", line), 0);
    PyGILState_Release(gil);
}
%}

%types(hopt_point *, hopt_result *, hopt_objective *);

/* The raw function-pointer registrations are replaced by the hopt_py_*
 * versions below, which take a Python callable. */
%ignore hopt_objective_new;
%ignore hopt_fmin_options_set_early_stop;
%ignore hopt_worker_options_set_stop_check;
%ignore hopt_worker_options_set_log;
%ignore hopt_registry_set_resolver;

%inline %{
/* Record that this process's interpreter state is valid (import, os.fork). */
void hopt_py_note_pid(void) { hopt_py_pid = getpid(); }

int hopt_py_objective_new(const char *name, PyObject *handler, hopt_objective **out) {
    Py_INCREF(handler);
    return hopt_objective_new(name, hopt_py_objective, handler, hopt_py_release, out);
}

int hopt_py_fmin_options_set_early_stop(hopt_fmin_options *opts, PyObject *handler) {
    Py_INCREF(handler);
    return hopt_fmin_options_set_early_stop(opts, hopt_py_early_stop, handler, hopt_py_release);
}

int hopt_py_worker_options_set_stop_check(hopt_worker_options *opts, PyObject *handler) {
    Py_INCREF(handler);
    return hopt_worker_options_set_stop_check(opts, hopt_py_should_stop, handler, hopt_py_release);
}

int hopt_py_registry_set_resolver(hopt_registry *registry, PyObject *handler) {
    Py_INCREF(handler);
    return hopt_registry_set_resolver(registry, hopt_py_resolve, handler, hopt_py_release);
}

int hopt_py_worker_options_set_log(hopt_worker_options *opts, PyObject *handler) {
    Py_INCREF(handler);
    return hopt_worker_options_set_log(opts, hopt_py_log, handler, hopt_py_release);
}
%}
