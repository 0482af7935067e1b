"""hyperopt's ``fmin`` and ``space_eval`` over hopt's engine.

fmin compiles the space to the engine's JSON, wraps the objective (and an
early-stop function) as callbacks, and runs hopt_fmin with the GIL released:
the engine takes the GIL back for each call into Python, so other Python
threads run while fmin waits.
"""
import inspect
import logging
import numbers
import os
import pickle
import sys
from functools import partial  # noqa: F401 - hyperopt exports it here

from . import capi
from ._algo import algo_handle
from ._json import dumps, loads
from ._objective import ObjectiveAdapter
from ._seed import seed_from_rstate
from ._space import compile_space
from .base import Trials
from .early_stop import no_progress_loss
from .exceptions import CancelledError, InvalidAnnotatedParameter, NoTrialsError, ObjectiveError
from .pyll.base import Apply

logger = logging.getLogger(__name__)


def fmin(fn, space, algo=None, max_evals=None, timeout=None, loss_threshold=None, trials=None,
         rstate=None, allow_trials_fmin=True, pass_expr_memo_ctrl=None, catch_eval_exceptions=False,
         verbose=True, return_argmin=True, points_to_evaluate=None, max_queue_len=1,
         show_progressbar=True, early_stop_fn=None, trials_save_file=""):
    """Minimise `fn` over `space`, as hyperopt.fmin (same arguments, same result).

    Returns the argmin (flat vals, choices as indices) or, with
    return_argmin=False, the best point as the objective received it.
    An exception raised by `fn` propagates with its own type and traceback
    (unless catch_eval_exceptions=True: the trial is then recorded as ERROR).
    """
    if pass_expr_memo_ctrl or getattr(fn, "fmin_pass_expr_memo_ctrl", False):
        raise NotImplementedError("hopt: pass_expr_memo_ctrl is not supported (the engine evaluates the "
                                  "space; the objective receives the point)")
    if allow_trials_fmin and trials is not None and hasattr(trials, "fmin") and not isinstance(trials, Trials):
        return trials.fmin(fn, space, algo=algo, max_evals=max_evals, timeout=timeout,
                           loss_threshold=loss_threshold, max_queue_len=max_queue_len, rstate=rstate,
                           verbose=verbose, catch_eval_exceptions=catch_eval_exceptions,
                           return_argmin=return_argmin, show_progressbar=show_progressbar,
                           early_stop_fn=early_stop_fn, trials_save_file=trials_save_file)
    _check_number("timeout", timeout, positive=True)
    _check_number("loss_threshold", loss_threshold, positive=False)
    if isinstance(space, str) and space == "annotated":
        fn, space = _annotated(fn)
    if algo is None:
        logger.warning("TPE is being used as the default algorithm.")
    if trials is None:
        if trials_save_file and os.path.exists(trials_save_file):
            with open(trials_save_file, "rb") as f:
                trials = pickle.load(f)
        else:
            trials = Trials()

    compiled = compile_space(space)
    trials._check_space(compiled)
    objective = ObjectiveAdapter(fn, compiled, trials, keep_errors=not catch_eval_exceptions)
    opts = capi.hopt_fmin_options_new()
    if rstate is not None:
        capi.hopt_fmin_options_set_seed(opts, seed_from_rstate(rstate))
    if timeout is not None:
        capi.hopt_fmin_options_set_timeout(opts, float(timeout))
    if loss_threshold is not None:
        capi.hopt_fmin_options_set_loss_threshold(opts, float(loss_threshold))
    capi.hopt_fmin_options_set_catch_eval_exceptions(opts, bool(catch_eval_exceptions))
    capi.hopt_fmin_options_set_show_progress(opts, bool(verbose and show_progressbar))
    if max_queue_len is not None:
        capi.hopt_fmin_options_set_max_queue_len(opts, int(max_queue_len))
    if points_to_evaluate:
        capi.hopt_fmin_options_set_points_to_evaluate(opts, dumps([dict(p) for p in points_to_evaluate]))
    early_stop = None
    native_rule = isinstance(early_stop_fn, no_progress_loss)
    # A Python early-stop callback also lets fmin end the run on Ctrl-C while
    # it waits for workers (the engine calls it at each poll), and on a
    # KeyboardInterrupt that catch_eval_exceptions would otherwise record.
    if (early_stop_fn is not None and not native_rule) or trials.asynchronous or catch_eval_exceptions:
        early_stop = EarlyStopAdapter(early_stop_fn, trials, objective)
        capi.hopt_py_fmin_options_set_early_stop(opts, early_stop)
    elif native_rule:
        capi.hopt_fmin_options_set_no_progress_loss(opts, int(early_stop_fn.iteration_stop_count),
                                                    float(early_stop_fn.percent_increase))
    trials._configure_fmin(opts)
    handle = capi.hopt_py_objective_new(trials._objective_name(fn), objective)

    failure = None
    try:
        best = capi.hopt_fmin(handle, compiled.handle, algo_handle(algo), _max_evals(max_evals),
                              trials._handle, opts)
    except (ObjectiveError, CancelledError):
        failure = objective.error or (early_stop.error if early_stop else None)
        if failure is None:
            raise
    except NoTrialsError:
        raise Exception("There are no evaluation tasks, cannot return argmin of task losses.") from None
    finally:
        trials.refresh()
        if trials_save_file:
            with open(trials_save_file, "wb") as f:
                pickle.dump(trials, f)
    if failure is not None:
        # Raised outside the except clause, so that the user's exception
        # arrives as it was (its traceback, cause and context), not chained
        # to the library's status.
        objective.error = None
        try:
            raise failure
        finally:
            failure = None

    argmin = loads(best)
    return argmin if return_argmin else compiled.eval(argmin)


def space_eval(space, hp_assignment):
    """The point `space` gives for the flat values `hp_assignment` (choices as indices)."""
    return compile_space(space).eval(hp_assignment)


class EarlyStopAdapter:
    """Calls hyperopt's early_stop_fn(trials, *args) -> (stop, args) for the
    engine (fn may be None), and ends the run (2) once the objective was
    interrupted (KeyboardInterrupt, SystemExit)."""

    __slots__ = ("fn", "trials", "objective", "args", "error")

    def __init__(self, fn, trials, objective):
        self.fn = fn
        self.trials = trials
        self.objective = objective
        self.args = []
        self.error = None

    def __call__(self):
        try:
            interrupted = self.objective.error
            if interrupted is not None and not isinstance(interrupted, Exception):
                return 2
            if self.fn is None:
                return 0
            self.trials.refresh()
            stop, self.args = self.fn(self.trials, *self.args)
            return 1 if stop else 0
        except BaseException as e:  # noqa: B036 - re-raised by fmin
            self.error = e
            return 2


def _max_evals(max_evals):
    if max_evals is None:
        return sys.maxsize
    if isinstance(max_evals, bool) or not isinstance(max_evals, numbers.Integral):
        if isinstance(max_evals, float) and max_evals.is_integer():
            return int(max_evals)
        raise TypeError("max_evals must be an integer, got %r" % (max_evals,))
    return int(max_evals)


def _check_number(name, value, positive):
    if value is None:
        return
    ok = isinstance(value, numbers.Real) and not isinstance(value, bool)
    if ok and positive:
        ok = value > 0
    if not ok:
        kind = "a positive value" if positive else "a numeric value"
        raise Exception("The %s argument should be None or %s. Given value: %r" % (name, kind, value))


def _annotated(fn):
    """fmin(fn, space="annotated"): the space is read from fn's parameter annotations."""
    space = {}
    for name, param in inspect.signature(fn).parameters.items():
        if not isinstance(param.annotation, Apply):
            raise InvalidAnnotatedParameter(
                "fmin(space='annotated'): parameter %r of %s is not annotated with a search space"
                % (name, getattr(fn, "__name__", fn)))
        space[name] = param.annotation
    return (lambda point: fn(**point)), space
