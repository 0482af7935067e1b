"""The adapter the engine calls for each trial: it builds the point, calls
the user's function and fills in the result.

The user's exception is caught here and kept (with its traceback) so that
fmin can re-raise it in the caller; the engine only learns that the trial
failed and why (``Type: message``).
"""
import math
import numbers

from . import capi
from ._json import dumps, loads
from ._space import restore, restorer_from_json
from .base import STATUS_OK, STATUS_STRINGS
from .exceptions import InvalidLoss, InvalidResultStatus


_UNSEEN = object()


class ObjectiveAdapter:
    __slots__ = ("fn", "restore", "json_restorers", "trials", "keep_errors", "error")

    def __init__(self, fn, space, trials, keep_errors):
        self.fn = fn
        # With the Python space (fmin): its CompiledSpace restores points
        # (tuples, objects) when they need it. Without (workers): the point's
        # space JSON says where its tuples are; restorers by that JSON text.
        self.restore = None
        self.json_restorers = None
        if space is None:
            self.json_restorers = {}
        elif space.restorer is not None:
            self.restore = space.restore_point
        self.trials = trials           # a Trials: keeps what JSON cannot carry; may be None
        self.keep_errors = keep_errors  # False under catch_eval_exceptions: no traceback to keep
        self.error = None

    def __call__(self, point, result):
        try:
            value = loads(capi.hopt_point_json(point))
            if self.restore is not None:
                value = self.restore(value, loads(capi.hopt_point_vals_json(point)))
            elif self.json_restorers is not None:
                value = self.restore_from_json(point, value)
            rval = self.fn(value)
            if type(rval) is float or (isinstance(rval, numbers.Real) and not isinstance(rval, bool)):
                capi.hopt_result_set_loss(result, float(rval))
            else:
                self.set_document(point, result, rval)
            return 0
        except BaseException as e:  # noqa: B036 - KeyboardInterrupt must reach fmin's caller too
            if self.keep_errors or not isinstance(e, Exception):
                self.error = e
            capi.hopt_result_set_error(result, "%s: %s" % (type(e).__name__, e))
            return 1

    def restore_from_json(self, point, value):
        text = capi.hopt_point_space_json(point)
        if text is None:
            return value
        restorer = self.json_restorers.get(text, _UNSEEN)
        if restorer is _UNSEEN:
            restorer = self.json_restorers[text] = restorer_from_json(text)
        return value if restorer is None else restore(restorer, value, loads(capi.hopt_point_vals_json(point)))

    def set_document(self, point, result, rval):
        try:
            doc = dict(rval)
        except (TypeError, ValueError):
            raise InvalidResultStatus(rval) from None
        status = doc.get("status")
        if status not in STATUS_STRINGS:
            raise InvalidResultStatus(rval)
        if status == STATUS_OK:
            loss = doc.get("loss")
            if isinstance(loss, bool) or not isinstance(loss, numbers.Real):
                raise InvalidLoss(rval)
            doc["loss"] = float(loss)
        # A NaN or infinite loss goes through set_loss, which records it as
        # the engine documents (a failed trial); JSON has no such numbers.
        odd_loss = doc.pop("loss") if "loss" in doc and not _finite(doc["loss"]) else None
        attachments = doc.pop("attachments", None)
        extra = None
        try:
            text = dumps(doc)
        except (TypeError, ValueError):
            # Values JSON cannot carry (objects, bytes, NaN under another key)
            # stay on the Python side, shown by trials.results.
            text, extra = _split_jsonable(doc)
        if attachments or extra:
            if self.trials is None:
                raise TypeError("hopt: this result cannot be stored as JSON: %r" % (extra or attachments,))
            tid = capi.hopt_point_tid(point)
            if extra:
                self.trials._py_results[tid] = extra
            if attachments:
                self.trials.attachments[("trial", tid)] = dict(attachments)
        capi.hopt_result_set_document(result, text)
        if odd_loss is not None:
            capi.hopt_result_set_loss(result, float(odd_loss))


def _finite(x):
    return isinstance(x, numbers.Real) and not isinstance(x, bool) and math.isfinite(x)


def _split_jsonable(doc):
    keep, extra = {}, {}
    for key, value in doc.items():
        try:
            dumps(value)
            keep[key] = value
        except (TypeError, ValueError):
            extra[key] = value
    return dumps(keep), extra
