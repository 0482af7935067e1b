"""hyperopt's ``tpe``: the Tree-structured Parzen Estimator."""
from ._algo import make_suggest

_default_prior_weight = 1.0
_default_n_EI_candidates = 24
_default_gamma = 0.25
_default_n_startup_jobs = 20
_default_linear_forgetting = 25

suggest = make_suggest(
    "tpe", ("n_startup_jobs", "n_EI_candidates", "gamma", "prior_weight", "linear_forgetting"),
    "TPE (hyperopt's defaults); bind parameters with functools.partial(tpe.suggest, gamma=0.2).")
