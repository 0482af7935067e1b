/* Opaque handles as Python objects that own them: a function's `TYPE **out`
 * becomes its return value, freed by the object's destructor. The *_free
 * functions are not wrapped, so nothing can free a handle twice. */

%define HOPT_OWNED_HANDLE(TYPE, FREE)
%nodefaultctor TYPE;
struct TYPE {};
%extend TYPE {
    ~TYPE() { FREE($self); }
}
%typemap(in, numinputs=0) TYPE **out (TYPE *handle = NULL) "$1 = &handle;"
%typemap(argout) TYPE **out {
    $result = SWIG_Python_AppendOutput($result, SWIG_NewPointerObj(*$1, $*1_descriptor, SWIG_POINTER_OWN));
}
%ignore FREE;
%enddef

HOPT_OWNED_HANDLE(hopt_space, hopt_space_free)
HOPT_OWNED_HANDLE(hopt_algo, hopt_algo_free)
HOPT_OWNED_HANDLE(hopt_trials, hopt_trials_free)
HOPT_OWNED_HANDLE(hopt_objective, hopt_objective_free)
HOPT_OWNED_HANDLE(hopt_fmin_options, hopt_fmin_options_free)
HOPT_OWNED_HANDLE(hopt_registry, hopt_registry_free)
HOPT_OWNED_HANDLE(hopt_worker_options, hopt_worker_options_free)
HOPT_OWNED_HANDLE(hopt_optimizer, hopt_optimizer_free)

/* Borrowed for the duration of an objective call: never owned by Python. */
%nodefaultctor hopt_point;
%nodefaultdtor hopt_point;
struct hopt_point {};
%nodefaultctor hopt_result;
%nodefaultdtor hopt_result;
struct hopt_result {};

/* The optimiser's store is borrowed; the Python layer keeps the optimiser alive. */
%ignore hopt_optimizer_trials;
