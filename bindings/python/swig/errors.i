/* Status codes become exceptions: every wrapped function returning `int`
 * returns a hopt status, except hopt_version_number. */

%{
/* Raise the exception hopt.exceptions maps `status` to, with the calling
 * thread's hopt_errmsg(). Always returns NULL. */
static PyObject *hopt_py_raise_status(int status) {
    const char *message = hopt_errmsg();
    PyObject *module = PyImport_ImportModule("hopt.exceptions");
    if (!module) return NULL;
    PyObject *exc = PyObject_CallMethod(module, "from_status", "is", status, message);
    Py_DECREF(module);
    if (!exc) return NULL;
    PyErr_SetObject((PyObject *)Py_TYPE(exc), exc);
    Py_DECREF(exc);
    return NULL;
}
%}

%typemap(out) int {
    if ($1 < 0) {
        hopt_py_raise_status($1);
        SWIG_fail;
    }
    $result = SWIG_Py_Void();
}
%typemap(out) int hopt_version_number "$result = PyLong_FromLong($1);"
