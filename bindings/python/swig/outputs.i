/* Out-parameters become return values (several make a list). */

/* Strings the library allocates: copied to str, released with hopt_free. */
%typemap(in, numinputs=0) char **OWNED_STRING (char *text = NULL) "$1 = &text;"
%typemap(argout) char **OWNED_STRING {
    PyObject *s = *$1 ? PyUnicode_FromString(*$1) : SWIG_Py_Void();
    hopt_free(*$1);
    if (!s) SWIG_fail;
    $result = SWIG_Python_AppendOutput($result, s);
}
%apply char **OWNED_STRING { char **out, char **vals_out, char **point_out, char **best_out };

/* A string borrowed from the library (hopt_point_get_string). */
%typemap(in, numinputs=0) const char **out (const char *text = NULL) "$1 = ($1_ltype)&text;"
%typemap(argout) const char **out {
    PyObject *s = PyUnicode_FromString(*$1 ? *$1 : "");
    if (!s) SWIG_fail;
    $result = SWIG_Python_AppendOutput($result, s);
}

/* Numbers. */
%typemap(in, numinputs=0) int64_t *OUT_INT (int64_t value = 0) "$1 = &value;"
%typemap(argout) int64_t *OUT_INT {
    $result = SWIG_Python_AppendOutput($result, PyLong_FromLongLong(*$1));
}
%apply int64_t *OUT_INT { int64_t *out, int64_t *tid, int64_t *jobs_done };

%typemap(in, numinputs=0) double *out (double value = 0) "$1 = &value;"
%typemap(argout) double *out {
    $result = SWIG_Python_AppendOutput($result, PyFloat_FromDouble(*$1));
}

/* hopt_trials_losses: a list of floats (NaN where a trial has no loss). */
%typemap(in, numinputs=0) (double **losses, size_t *n) (double *values = NULL, size_t count = 0) {
    $1 = &values;
    $2 = &count;
}
%typemap(argout) (double **losses, size_t *n) {
    PyObject *list = PyList_New((Py_ssize_t)*$2);
    for (size_t i = 0; list && i < *$2; ++i) {
        PyObject *x = PyFloat_FromDouble((*$1)[i]);
        if (!x) {
            Py_CLEAR(list);
            break;
        }
        PyList_SET_ITEM(list, (Py_ssize_t)i, x);
    }
    hopt_free(*$1);
    if (!list) SWIG_fail;
    $result = SWIG_Python_AppendOutput($result, list);
}
