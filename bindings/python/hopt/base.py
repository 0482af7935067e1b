"""hyperopt's ``base``: status and state constants, and ``Trials``.

A Trials object is a view of a store of trial documents held by the engine
(in memory here; in MongoDB for hopt.mongoexp.MongoTrials). The documents are
hyperopt's (docs/trials.md). Results the objective returned with values JSON
cannot hold (objects, bytes) keep those values on the Python side, where
``trials.results`` shows them; ``attachments`` are kept per trial, as in
hyperopt.
"""
from datetime import datetime

from . import capi
from ._json import loads
from .exceptions import AllTrialsFailed

STATUS_NEW = "new"
STATUS_RUNNING = "running"
STATUS_SUSPENDED = "suspended"
STATUS_OK = "ok"
STATUS_FAIL = "fail"
STATUS_STRINGS = (STATUS_NEW, STATUS_RUNNING, STATUS_SUSPENDED, STATUS_OK, STATUS_FAIL)

JOB_STATE_NEW = 0
JOB_STATE_RUNNING = 1
JOB_STATE_DONE = 2
JOB_STATE_ERROR = 3
JOB_STATE_CANCEL = 4
JOB_STATES = [JOB_STATE_NEW, JOB_STATE_RUNNING, JOB_STATE_DONE, JOB_STATE_ERROR, JOB_STATE_CANCEL]
JOB_VALID_STATES = {JOB_STATE_NEW, JOB_STATE_RUNNING, JOB_STATE_DONE}


class Trials:
    """hyperopt's in-memory Trials."""

    asynchronous = False

    def __init__(self, exp_key=None, refresh=True):
        self._exp_key = exp_key
        self._handle = self._open()
        self.attachments = {}
        self._py_results = {}  # tid -> result values JSON could not carry
        self._docs = None      # cached documents of every state, in tid order

    def _open(self):
        return capi.hopt_trials_new(self._exp_key)

    # -- documents -----------------------------------------------------------
    def refresh(self):
        """Forget cached documents: the next query reads the store."""
        self._docs = None

    def _all_docs(self):
        if self._docs is None:
            docs = loads(capi.hopt_trials_export(self._handle))
            for doc in docs:
                self._overlay(doc)
            self._docs = docs
        return self._docs

    def _overlay(self, doc):
        # hyperopt's documents hold naive UTC datetimes; the engine's JSON, ISO text.
        for key in ("book_time", "refresh_time"):
            if isinstance(doc.get(key), str):
                doc[key] = _utc(doc[key])
        extra = self._py_results.get(doc["tid"])
        if extra:
            doc["result"].update(extra)
        return doc

    @property
    def _dynamic_trials(self):
        return self._all_docs()

    @property
    def trials(self):
        """Documents of the trials in state NEW, RUNNING or DONE (tid order)."""
        return [d for d in self._all_docs() if d["state"] in JOB_VALID_STATES]

    _trials = trials

    def __iter__(self):
        return iter(self.trials)

    def __len__(self):
        return len(self.trials)

    def __getitem__(self, item):
        raise NotImplementedError("hyperopt's Trials are not indexable; use trials.trials[i]")

    @property
    def exp_key(self):
        return self._exp_key

    @property
    def tids(self):
        return [t["tid"] for t in self.trials]

    @property
    def specs(self):
        return [t["spec"] for t in self.trials]

    @property
    def results(self):
        return [t["result"] for t in self.trials]

    @property
    def miscs(self):
        return [t["misc"] for t in self.trials]

    @property
    def idxs_vals(self):
        """({label: [tids where active]}, {label: [values]}), hyperopt's columns."""
        miscs = self.miscs
        if not miscs:
            raise ValueError("cannot infer keys from empty miscs")
        idxs = {k: [] for k in miscs[0]["idxs"]}
        vals = {k: [] for k in miscs[0]["vals"]}
        for misc in miscs:
            for k in idxs:
                idxs[k].extend(misc["idxs"].get(k, []))
                vals[k].extend(misc["vals"].get(k, []))
        return idxs, vals

    @property
    def idxs(self):
        return self.idxs_vals[0]

    @property
    def vals(self):
        return self.idxs_vals[1]

    def losses(self, bandit=None):
        return [r.get("loss") for r in self.results]

    def statuses(self, bandit=None):
        return [r.get("status") for r in self.results]

    def count_by_state_synced(self, arg, trials=None):
        states = _states(arg)
        return sum(1 for t in (self.trials if trials is None else trials) if t["state"] in states)

    def count_by_state_unsynced(self, arg):
        states = _states(arg)
        return sum(capi.hopt_trials_count(self._handle, s) for s in states)

    @property
    def best_trial(self):
        """The trial with status "ok" and the smallest loss (AllTrialsFailed if none)."""
        try:
            return self._overlay(loads(capi.hopt_trials_best_trial(self._handle)))
        except AllTrialsFailed:
            raise AllTrialsFailed("no trial finished with status 'ok' and a finite loss") from None

    @property
    def argmin(self):
        """Flat vals of the best trial (choices as indices)."""
        return loads(capi.hopt_trials_argmin(self._handle))

    def trial_attachments(self, trial):
        """The attachments of one trial (a dict: name -> value)."""
        return self.attachments.setdefault(("trial", trial["tid"]), {})

    def delete_all(self):
        capi.hopt_trials_delete_all(self._handle)
        self.attachments.clear()
        self._py_results.clear()
        self._docs = None

    def fmin(self, fn, space, algo=None, max_evals=None, **kwargs):
        """fmin on these trials (hyperopt's Trials.fmin)."""
        from .fmin import fmin

        kwargs.setdefault("verbose", False)
        return fmin(fn, space, algo=algo, max_evals=max_evals, trials=self, allow_trials_fmin=False, **kwargs)

    # -- what fmin asks of a store ---------------------------------------------
    def _configure_fmin(self, opts):
        """Set the fmin options this kind of store needs (none in memory)."""

    def _objective_name(self, fn):
        """The name fmin gives the objective; workers of a database resolve it."""
        return "objective"

    def _check_space(self, space):
        """Refuse a space this store cannot hold (all can, in memory)."""

    # -- pickling: the documents as JSON, plus the Python-side values ---------
    def __getstate__(self):
        return {"exp_key": self._exp_key, "docs": capi.hopt_trials_export(self._handle),
                "attachments": self.attachments, "py_results": self._py_results}

    def __setstate__(self, state):
        self._exp_key = state["exp_key"]
        self._handle = capi.hopt_trials_new(self._exp_key)
        capi.hopt_trials_import(self._handle, state["docs"])
        self.attachments = state["attachments"]
        self._py_results = state["py_results"]
        self._docs = None


def _utc(text):
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00")).replace(tzinfo=None)
    except ValueError:
        return text


def _states(arg):
    if isinstance(arg, int):
        return [arg]
    try:
        return list(arg)
    except TypeError:
        raise TypeError("a job state or an iterable of job states, got %r" % (arg,)) from None


def trials_from_docs(docs, validate=True, **kwargs):
    """A Trials holding these trial documents."""
    from ._json import dumps

    trials = Trials(**kwargs)
    capi.hopt_trials_import(trials._handle, dumps(list(docs)))
    return trials
