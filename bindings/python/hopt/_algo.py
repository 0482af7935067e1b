"""The ``algo`` argument of fmin: tpe.suggest, rand.suggest, anneal.suggest,
or one of them with parameters bound by functools.partial (hyperopt's way)."""
import functools

from . import capi


def make_suggest(name, params, doc):
    """A stand-in for hyperopt's ``<name>.suggest`` that fmin recognises.

    hopt's algorithms run inside the engine, so the function only names one;
    calling it directly (hyperopt's internal suggest protocol) is refused.
    """

    def suggest(new_ids, domain, trials, seed, **kwargs):
        raise NotImplementedError(
            "hopt: %s.suggest runs inside hopt's engine; pass it to fmin(algo=...) instead of calling it"
            % name)

    suggest.__doc__ = doc
    suggest.__qualname__ = suggest.__name__ = "suggest"
    suggest.hopt_algo = name
    suggest.hopt_params = params
    return suggest


def algo_handle(algo):
    """The engine's algorithm for fmin's `algo` (None: tpe)."""
    from . import tpe

    if algo is None:
        algo = tpe.suggest
    params = {}
    while isinstance(algo, functools.partial):
        if algo.args:
            raise TypeError("hopt: bind algorithm parameters by keyword, e.g. "
                            "functools.partial(tpe.suggest, n_startup_jobs=10)")
        params = {**algo.keywords, **params}
        algo = algo.func
    name = getattr(algo, "hopt_algo", None)
    if name is None:
        raise TypeError("hopt: algo must be mtpe.suggest, tpe.suggest, rand.suggest or anneal.suggest (optionally "
                        "wrapped in functools.partial), got %r" % (algo,))
    handle = capi.hopt_algo_new(name)
    for key, value in params.items():
        if key == "verbose":  # hyperopt's logging switch: nothing to do
            continue
        if key not in algo.hopt_params:
            raise TypeError("hopt: %s.suggest has no parameter %r (it has %s)"
                            % (name, key, ", ".join(algo.hopt_params)))
        capi.hopt_algo_set(handle, key, float(value))
    return handle
