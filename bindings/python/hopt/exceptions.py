"""hyperopt's exceptions, and the errors of hopt's C library.

Every failing call of the C API raises a HoptError subclass chosen by its
status code (``from_status``); the message is the library's. Where hyperopt
has an exception for the same failure (AllTrialsFailed, BadSearchSpace,
DuplicateLabel, InvalidLoss, ...) that class is used, so that hyperopt code
catching it keeps working.
"""


class HoptError(Exception):
    """A failure reported by hopt's C library: ``status`` is the HOPT_E* code."""

    status = None
    status_name = None

    def __init__(self, message="", status=None, status_name=None):
        super().__init__(message)
        if status is not None:
            self.status = status
        if status_name is not None:
            self.status_name = status_name


class InvalidArgumentError(HoptError, ValueError):
    """An argument or option value is out of range (HOPT_EINVAL)."""


class BadSearchSpace(HoptError):
    """The search space is invalid (HOPT_ESPACE); hyperopt's BadSearchSpace."""


class DuplicateLabel(BadSearchSpace):
    """Two different hyperparameters share a label (hyperopt's DuplicateLabel)."""


class JSONFormatError(HoptError, ValueError):
    """Malformed JSON, or JSON of the wrong shape (HOPT_EJSON)."""


class ObjectiveError(HoptError):
    """The objective failed in a way that left no Python exception to re-raise
    (e.g. a worker process crashed) (HOPT_EOBJECTIVE)."""


class AllTrialsFailed(HoptError):
    """No trial finished with status "ok" and a finite loss (HOPT_EALLFAILED)."""


class NotFoundError(HoptError, LookupError):
    """No such trial id, label, objective or option (HOPT_ENOTFOUND)."""


class StateError(HoptError):
    """The object is not in a state that allows the call (HOPT_ESTATE)."""


class NoTrialsError(HoptError):
    """There are no trials to answer from (HOPT_EEMPTY)."""


class DatabaseError(HoptError):
    """The trials store refused or failed an operation (HOPT_EDATABASE)."""


class DatabaseConnectionError(HoptError, ConnectionError):
    """The trials store could not be reached in time (HOPT_ECONNECT)."""


class HoptTimeoutError(HoptError, TimeoutError):
    """An operation did not finish within its time limit (HOPT_ETIMEOUT)."""


class CancelledError(HoptError):
    """A callback asked to stop, or the run was interrupted (HOPT_ECANCELLED)."""


class InternalError(HoptError):
    """A bug in hopt (HOPT_EINTERNAL): please report it with the message."""


class HoptMemoryError(HoptError, MemoryError):
    """The library ran out of memory (HOPT_ENOMEM)."""


# hyperopt's own exceptions that the C library never reports.
class InvalidTrial(ValueError):
    """A trial document is not valid (hyperopt's InvalidTrial)."""

    def __init__(self, msg, obj):
        super().__init__(msg + " " + str(obj))
        self.obj = obj


class InvalidResultStatus(ValueError):
    """The objective returned a status hopt does not know (hyperopt's)."""

    def __init__(self, result):
        super().__init__(result)
        self.result = result


class InvalidLoss(ValueError):
    """The objective returned status "ok" without a numeric loss (hyperopt's)."""

    def __init__(self, result):
        super().__init__(result)
        self.result = result


class InvalidAnnotatedParameter(ValueError):
    """fmin(space="annotated"): a parameter annotation is not a search space."""


_BY_STATUS = {
    -1: InvalidArgumentError,
    -2: BadSearchSpace,
    -3: JSONFormatError,
    -4: HoptMemoryError,
    -5: ObjectiveError,
    -6: AllTrialsFailed,
    -7: NotFoundError,
    -8: StateError,
    -9: NoTrialsError,
    -10: DatabaseError,
    -11: DatabaseConnectionError,
    -12: HoptTimeoutError,
    -13: CancelledError,
    -99: InternalError,
}

_STATUS_NAMES = {
    -1: "HOPT_EINVAL", -2: "HOPT_ESPACE", -3: "HOPT_EJSON", -4: "HOPT_ENOMEM",
    -5: "HOPT_EOBJECTIVE", -6: "HOPT_EALLFAILED", -7: "HOPT_ENOTFOUND", -8: "HOPT_ESTATE",
    -9: "HOPT_EEMPTY", -10: "HOPT_EDATABASE", -11: "HOPT_ECONNECT", -12: "HOPT_ETIMEOUT",
    -13: "HOPT_ECANCELLED", -99: "HOPT_EINTERNAL",
}


def from_status(status, message):
    """The exception for a failed C call (used by the SWIG wrapper)."""
    cls = _BY_STATUS.get(status, HoptError)
    name = _STATUS_NAMES.get(status, "HOPT_UNKNOWN")
    return cls(message or name, status=status, status_name=name)
