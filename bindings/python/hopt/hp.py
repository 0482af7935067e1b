"""hyperopt's ``hp``: the distributions of search spaces.

Each function returns a Hyperparameter node with hyperopt's signature and
meaning (docs/space-json.md lists what each one draws). Numeric arguments
must be numbers: hopt's engine does not evaluate bounds that depend on other
hyperparameters (hyperopt's TPE does not support them either).
"""
import math
import numbers

from .pyll.base import Apply, Hyperparameter

__all__ = ["choice", "pchoice", "randint", "uniform", "quniform", "loguniform", "qloguniform",
           "normal", "qnormal", "lognormal", "qlognormal", "uniformint"]


def _label(label):
    if isinstance(label, bytes):
        label = label.decode("utf-8")
    if not isinstance(label, str):
        raise TypeError("require string label")
    return label


def _number(dist, label, name, value):
    if isinstance(value, Apply):
        raise TypeError("hp.%s(%r): argument %s is an expression; hopt needs a number here (bounds that "
                        "depend on other hyperparameters are not supported)" % (dist, label, name))
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError("hp.%s(%r): argument %s must be a number, got %r" % (dist, label, name, value))
    value = int(value) if isinstance(value, numbers.Integral) else float(value)
    if not math.isfinite(value):
        raise ValueError("hp.%s(%r): argument %s must be finite, got %r" % (dist, label, name, value))
    return value


def _param(dist, label, **fields):
    label = _label(label)
    return Hyperparameter(dist, label, {k: _number(dist, label, k, v) for k, v in fields.items()})


def _bounded(dist, label, low, high, **fields):
    # hyperopt checks the bounds of the uniform family when it builds them
    # (and, like it, not when a bound is 0).
    if low and high and not low < high:
        raise ValueError("low should be less than high: %s, %s" % (low, high))
    return _param(dist, label, low=low, high=high, **fields)


def choice(label, options):
    """One of `options` (each may be a nested space); vals hold its index."""
    label = _label(label)
    options = list(options)
    return Hyperparameter("choice", label, {}, options=options)


def pchoice(label, p_options):
    """One of the options of [(probability, option), ...]; vals hold its index."""
    label = _label(label)
    pairs = list(p_options)
    probabilities = [_number("pchoice", label, "probability", p) for p, _ in pairs]
    return Hyperparameter("pchoice", label, {}, options=[o for _, o in pairs], probabilities=probabilities)


def randint(label, *args, **kwargs):
    """An integer in [0, upper) (``randint(label, upper)``) or [low, high)."""
    if len(args) + len(kwargs) == 1:
        (upper,) = args or kwargs.values()
        return _param("randint", label, upper=upper)
    if len(args) == 2 and not kwargs:
        return _param("randint", label, low=args[0], high=args[1])
    if not args and set(kwargs) == {"low", "high"}:
        return _param("randint", label, **kwargs)
    raise TypeError("hp.randint takes (label, upper) or (label, low, high)")


def uniform(label, low, high):
    return _bounded("uniform", label, low, high)


def quniform(label, low, high, q):
    return _bounded("quniform", label, low, high, q=q)


def loguniform(label, low, high):
    """exp(uniform(low, high)): the bounds are in log space, as in hyperopt."""
    return _bounded("loguniform", label, low, high)


def qloguniform(label, low, high, q):
    return _bounded("qloguniform", label, low, high, q=q)


def uniformint(label, low, high, q=1.0):
    """An integer in [low, high], drawn as round(uniform(low, high) / q) * q."""
    return _bounded("uniformint", label, low, high, q=q)


def normal(label, mu, sigma):
    return _param("normal", label, mu=mu, sigma=sigma)


def qnormal(label, mu, sigma, q):
    return _param("qnormal", label, mu=mu, sigma=sigma, q=q)


def lognormal(label, mu, sigma):
    return _param("lognormal", label, mu=mu, sigma=sigma)


def qlognormal(label, mu, sigma, q):
    return _param("qlognormal", label, mu=mu, sigma=sigma, q=q)

