"""Objectives by importable name (``module:qualname``), the only way a
MongoDB experiment names its objective: workers import it, and the database
never holds code."""
import importlib
import inspect


def objective_name(fn):
    """``module:qualname`` of `fn`, after checking that importing that name
    gives `fn` back; ValueError saying why otherwise (lambda, local function,
    a function of ``__main__``, a bound method, a callable object)."""
    module = getattr(fn, "__module__", None)
    qualname = getattr(fn, "__qualname__", None)
    what = getattr(fn, "__qualname__", None) or repr(fn)
    if not module or not qualname:
        raise ValueError("hopt: MongoTrials needs an objective importable by name (module:qualname) so that "
                         "workers can import it; %s has no __module__/__qualname__ (a callable object?). "
                         "Use a function defined at the top level of a module." % what)
    if "<lambda>" in qualname or "<locals>" in qualname:
        raise ValueError("hopt: MongoTrials needs an objective importable by name (module:qualname) so that "
                         "workers can import it; %s.%s is a lambda or a local function. Define it at the top "
                         "level of a module the workers can import." % (module, qualname))
    if module == "__main__":
        raise ValueError("hopt: MongoTrials needs an objective importable by name (module:qualname) so that "
                         "workers can import it; %s is defined in the script being run (__main__). Move it "
                         "to a module the workers can import." % qualname)
    name = "%s:%s" % (module, qualname)
    try:
        found = resolve(name)
    except Exception as e:
        raise ValueError("hopt: the objective's name %s does not import: %s: %s" % (name, type(e).__name__, e)) from e
    if found is not fn and getattr(found, "__func__", found) is not getattr(fn, "__func__", fn):
        raise ValueError("hopt: importing %s gives %r, not the objective passed to fmin" % (name, found))
    return name


def resolve(name):
    """The object named ``module:qualname``: one defined in that module under
    that qualified name, whose own ``__module__`` and ``__qualname__`` spell
    `name` (as objective_name writes it). A path that reaches code defined
    elsewhere -- through another module (``objmod:os.system``) or a name
    imported from one (``objmod:system`` after ``from os import system``) --
    is refused: a worker's allow-list matches the name before it is
    resolved, so the name must be that of the code that runs."""
    module, sep, qualname = name.partition(":")
    if not sep or not module or not qualname:
        raise LookupError("%r is not of the form module:qualname" % name)
    obj = importlib.import_module(module)
    for part in qualname.split("."):
        obj = getattr(obj, part)
        if inspect.ismodule(obj):
            raise LookupError("%s reaches into the module %s: an objective is named by the module that defines "
                              "it" % (name, obj.__name__))
    if not callable(obj):
        raise LookupError("%s is not callable" % name)
    home = "%s:%s" % (getattr(obj, "__module__", None), getattr(obj, "__qualname__", None))
    if home != name:
        raise LookupError("%s is %s: an objective is named by the module that defines it" % (name, home))
    return obj
