"""hopt: hyperopt's Python API over hopt's C++ engine.

``import hopt as hyperopt`` runs hyperopt scripts: fmin, hp, tpe, rand,
anneal, Trials, space_eval, STATUS_OK/STATUS_FAIL, early_stop and
hopt.mongoexp.MongoTrials. docs/python.md says what differs.
"""
import os as _os

from . import capi as _capi

# The C trampolines use Python only in the process that imported hopt, or in
# a child that os.fork made (which repairs the interpreter): see swig/callbacks.i.
_capi.hopt_py_note_pid()
if hasattr(_os, "register_at_fork"):
    _os.register_at_fork(after_in_child=_capi.hopt_py_note_pid)

from . import anneal, early_stop, exceptions, hp, mtpe, pyll, rand, tpe  # noqa: E402
from .base import (  # noqa: E402
    JOB_STATE_CANCEL, JOB_STATE_DONE, JOB_STATE_ERROR, JOB_STATE_NEW, JOB_STATE_RUNNING, JOB_STATES,
    STATUS_FAIL, STATUS_NEW, STATUS_OK, STATUS_RUNNING, STATUS_STRINGS, STATUS_SUSPENDED, Trials,
    trials_from_docs)
from .exceptions import AllTrialsFailed, DuplicateLabel, InvalidLoss, InvalidResultStatus  # noqa: E402
from .fmin import fmin, partial, space_eval  # noqa: E402

__version__ = _capi.hopt_version()

__all__ = ["fmin", "space_eval", "partial", "hp", "tpe", "mtpe", "rand", "anneal", "early_stop", "pyll",
           "exceptions", "Trials", "trials_from_docs", "STATUS_OK", "STATUS_FAIL", "STATUS_NEW",
           "STATUS_RUNNING", "STATUS_SUSPENDED", "STATUS_STRINGS", "JOB_STATES", "JOB_STATE_NEW",
           "JOB_STATE_RUNNING", "JOB_STATE_DONE", "JOB_STATE_ERROR", "JOB_STATE_CANCEL",
           "AllTrialsFailed", "DuplicateLabel", "InvalidLoss", "InvalidResultStatus"]
