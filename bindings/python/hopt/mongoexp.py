"""hyperopt's ``mongoexp``: MongoTrials, trials in a MongoDB database that
workers (``hopt-mongo-worker``, ``python -m hopt.worker``) evaluate.

fmin on MongoTrials stores the space (JSON) and the objective's importable
name (``module:qualname``) for the experiment, queues trials and waits for
workers; it refuses an objective workers could not import, at once.
"""
from . import capi
from ._names import objective_name
from .base import Trials
from .worker import main  # noqa: F401 - hyperopt's mongoexp.main is its worker


class MongoTrials(Trials):
    """Trials of experiment `exp_key` in the database at `arg`, hyperopt's
    ``mongo://host:port/db/jobs`` or a ``mongodb://`` URI."""

    asynchronous = True

    def __init__(self, arg, exp_key=None, cmd=None, workdir=None, refresh=True):
        self._url = arg
        self.connection_string = arg
        super().__init__(exp_key=exp_key, refresh=refresh)

    def _open(self):
        return capi.hopt_trials_mongo_open(self._url, self._exp_key)

    def _objective_name(self, fn):
        return objective_name(fn)

    def _check_space(self, space):
        if _holds_objects(space.restorer):
            raise ValueError("hopt: this space holds Python objects (classes, functions, arrays) that workers "
                             "cannot read from the database; use JSON values (numbers, strings, lists, dicts)")

    def __getstate__(self):
        return {"url": self._url, "exp_key": self._exp_key}

    def __setstate__(self, state):
        self.__init__(state["url"], exp_key=state["exp_key"])


def _holds_objects(restorer):
    if restorer is None:
        return False
    if restorer[0] == "object":
        return True
    children = restorer[-1]
    return any(_holds_objects(r) for r in (children.values() if isinstance(children, dict) else children))
