"""hyperopt's ``pyll.stochastic.sample``: draw a point from a space's prior."""
import json

from .. import capi
from .._seed import seed_from_rstate


def sample(expr, rng=None, **kwargs):
    """A random point of the space `expr`, as the objective would receive it.

    `rng` is a numpy Generator, an int seed, or None (a fresh seed).
    """
    from .._space import compile_space

    space = compile_space(expr)
    vals_json, point_json = capi.hopt_space_sample(space.handle, seed_from_rstate(rng))
    return space.restore_point(json.loads(point_json), json.loads(vals_json))
