"""hopt's ``mtpe``: a multivariate TPE that sees the trials still running.

hopt's recommended algorithm (hyperopt has no such module): one joint density
per group of parameters that are active together, pending trials counted
among the bad ones. Use it as ``algo=hopt.mtpe.suggest``, or bind parameters
with ``functools.partial(hopt.mtpe.suggest, n_startup_jobs=20)``; the
parameters, their defaults and ranges are listed in docs/algorithms.md.
"""
from ._algo import make_suggest

suggest = make_suggest(
    "mtpe", ("n_startup_jobs", "n_EI_candidates", "gamma", "gamma_cap", "prior_weight", "linear_forgetting",
             "bandwidth_rule", "bandwidth", "min_bandwidth", "magic_clip", "adaptive_bandwidth",
             "categorical_smoothing", "constant_liar"),
    "Multivariate TPE aware of pending trials; bind parameters with functools.partial(mtpe.suggest, gamma=0.2).")
