"""fmin's keyword arguments, as hyperopt defines them."""
import functools
import math
import traceback

import numpy as np
import pytest

import hopt
from hopt import STATUS_FAIL, STATUS_OK, Trials, anneal, fmin, hp, mtpe, rand, tpe
from hopt.early_stop import no_progress_loss

SPACE = hp.uniform("x", -5, 5)


def square(x):
    return x * x


@pytest.mark.parametrize("algo", [rand.suggest, tpe.suggest, anneal.suggest, mtpe.suggest])
def test_each_algorithm_finds_a_minimum(algo, quiet):
    best = fmin(square, SPACE, algo=algo, max_evals=60, rstate=np.random.default_rng(0), **quiet)
    assert set(best) == {"x"} and abs(best["x"]) < 1.5


def test_default_algorithm_is_tpe(quiet):
    trials = Trials()
    fmin(square, SPACE, max_evals=5, trials=trials, rstate=1, **quiet)
    assert len(trials) == 5


def test_rstate_generator_or_int_reproduces_the_search(quiet):
    def run(rstate):
        trials = Trials()
        fmin(square, SPACE, algo=tpe.suggest, max_evals=30, trials=trials, rstate=rstate, **quiet)
        return trials.losses()

    assert run(np.random.default_rng(42)) == run(np.random.default_rng(42))
    assert run(42) == run(42)
    assert run(1) != run(2)


def test_partial_binds_algorithm_parameters(quiet):
    algo = functools.partial(tpe.suggest, n_startup_jobs=3, gamma=0.3)
    best = fmin(square, SPACE, algo=algo, max_evals=10, rstate=0, **quiet)
    assert "x" in best
    with pytest.raises(TypeError, match="no parameter"):
        fmin(square, SPACE, algo=functools.partial(rand.suggest, gamma=1), max_evals=1, **quiet)


def test_mtpe_parameters_bind_and_are_checked(quiet):
    trials = Trials()
    algo = functools.partial(mtpe.suggest, n_startup_jobs=5, constant_liar=0, n_EI_candidates=50)
    fmin(square, SPACE, algo=algo, max_evals=25, trials=trials, rstate=3, **quiet)
    assert len(trials) == 25 and min(trials.losses()) < 0.1
    with pytest.raises(ValueError, match="gamma"):
        fmin(square, SPACE, algo=functools.partial(mtpe.suggest, gamma=2), max_evals=1, **quiet)
    with pytest.raises(TypeError, match="n_EI_candidates"):
        fmin(square, SPACE, algo=functools.partial(mtpe.suggest, n_ei_candidates=5), max_evals=1, **quiet)


def test_max_evals_is_a_total(quiet):
    trials = Trials()
    fmin(square, SPACE, algo=rand.suggest, max_evals=10, trials=trials, **quiet)
    calls = []
    fmin(lambda x: calls.append(x) or 0.0, SPACE, algo=rand.suggest, max_evals=10, trials=trials, **quiet)
    assert calls == [] and len(trials) == 10
    fmin(square, SPACE, algo=rand.suggest, max_evals=15, trials=trials, **quiet)
    assert len(trials) == 15


def test_loss_threshold_stops_the_search(quiet):
    losses = iter([1.0, 2.0, 3.0, -1.0] + [5.0] * 100)
    trials = Trials()
    fmin(lambda x: next(losses), SPACE, algo=rand.suggest, max_evals=100, trials=trials, loss_threshold=0,
         **quiet)
    assert len(trials) == 4


def test_timeout_stops_the_search(quiet):
    import time

    trials = Trials()
    fmin(lambda x: time.sleep(0.05) or 0.0, SPACE, algo=rand.suggest, max_evals=10**6, trials=trials,
         timeout=0.3, **quiet)
    assert 1 <= len(trials) < 100


def test_bad_timeout_and_threshold_are_refused(quiet):
    with pytest.raises(Exception, match="timeout"):
        fmin(square, SPACE, max_evals=1, timeout=-1, **quiet)
    with pytest.raises(Exception, match="loss_threshold"):
        fmin(square, SPACE, max_evals=1, loss_threshold="low", **quiet)


def test_no_progress_loss_stops_after_n_trials_without_progress(quiet):
    # hyperopt's own test: a first point at x=-100 that nothing beats.
    trials = Trials()
    fmin(lambda x: x, hp.uniform("x", -5, 5), algo=rand.suggest, max_evals=100, trials=trials,
         points_to_evaluate=[{"x": -100.0}], early_stop_fn=no_progress_loss(10), **quiet)
    assert len(trials) == 10 and trials.losses()[0] == -100.0


def test_custom_early_stop_fn_gets_trials_and_its_own_args(quiet):
    seen = []

    def stop_after_five(trials, *args):
        seen.append((len(trials), args))
        return len(trials) >= 5, [len(trials)]

    trials = Trials()
    fmin(square, SPACE, algo=rand.suggest, max_evals=50, trials=trials, early_stop_fn=stop_after_five, **quiet)
    assert len(trials) == 5
    assert seen[0] == (1, ()) and seen[1] == (2, (1,))


def test_early_stop_fn_exception_reaches_the_caller(quiet):
    def broken(trials, *args):
        raise KeyError("from early stop")

    with pytest.raises(KeyError, match="from early stop"):
        fmin(square, SPACE, max_evals=5, early_stop_fn=broken, **quiet)


def test_points_to_evaluate_come_first_and_add_to_max_evals(quiet):
    trials = Trials()
    fmin(square, SPACE, algo=rand.suggest, max_evals=3, trials=trials,
         points_to_evaluate=[{"x": 1.0}, {"x": 2.0}], **quiet)
    assert trials.losses()[:2] == [1.0, 4.0]
    assert len(trials) == 5


def test_return_argmin_false_gives_the_point(quiet):
    space = hp.choice("c", [("a", hp.uniform("x", 0, 1)), ("b", hp.uniform("y", 5, 6))])
    trials = Trials()
    point = fmin(lambda p: p[1], space, algo=rand.suggest, max_evals=20, trials=trials,
                 return_argmin=False, rstate=3, **quiet)
    assert point == hopt.space_eval(space, trials.argmin)
    assert point[0] == "a" and isinstance(point, tuple)
    assert fmin(lambda p: p[1], space, max_evals=20, trials=trials, **quiet) == trials.argmin


def test_objective_exception_keeps_type_and_traceback(quiet):
    def failing_objective(x):
        raise ZeroDivisionError("boom at %s" % x)

    with pytest.raises(ZeroDivisionError, match="boom") as info:
        fmin(failing_objective, SPACE, max_evals=5, **quiet)
    frames = [f.name for f in traceback.extract_tb(info.value.__traceback__)]
    assert "failing_objective" in frames
    assert info.value.__cause__ is None and info.value.__context__ is None


def test_objective_exception_chain_is_kept(quiet):
    def objective(x):
        try:
            raise KeyError("inner")
        except KeyError as e:
            raise RuntimeError("outer") from e

    with pytest.raises(RuntimeError) as info:
        fmin(objective, SPACE, max_evals=1, **quiet)
    assert isinstance(info.value.__cause__, KeyError)


def test_catch_eval_exceptions_records_errors_and_goes_on(quiet):
    n = [0]

    def sometimes(x):
        n[0] += 1
        if n[0] % 2:
            raise ValueError("odd call")
        return x * x

    trials = Trials()
    fmin(sometimes, SPACE, algo=rand.suggest, max_evals=10, trials=trials, catch_eval_exceptions=True, **quiet)
    assert n[0] == 10
    errors = [t for t in trials._dynamic_trials if t["state"] == hopt.JOB_STATE_ERROR]
    assert len(errors) == 5 and "odd call" in str(errors[0])
    assert len(trials) == 5  # hyperopt: ERROR trials are not in trials.trials


def test_all_failed_raises_all_trials_failed(quiet):
    with pytest.raises(hopt.AllTrialsFailed):
        fmin(lambda x: {"status": STATUS_FAIL}, SPACE, max_evals=3, **quiet)


def test_dict_results_keep_extra_keys(quiet):
    trials = Trials()
    fmin(lambda x: {"loss": x * x, "status": STATUS_OK, "eval_time": 1.5, "other": {"v": [0, 1]},
                    "blob": b"\x00bytes", "arr": np.arange(2)},
         SPACE, algo=rand.suggest, max_evals=3, trials=trials, **quiet)
    r = trials.results[0]
    assert r["eval_time"] == 1.5 and r["other"] == {"v": [0, 1]} and r["blob"] == b"\x00bytes"
    assert r["arr"] == [0, 1]
    assert trials.best_trial["result"]["blob"] == b"\x00bytes"


def test_invalid_results_raise_hyperopts_exceptions(quiet):
    with pytest.raises(hopt.InvalidResultStatus):
        fmin(lambda x: {"loss": 1.0, "status": "great"}, SPACE, max_evals=1, **quiet)
    with pytest.raises(hopt.InvalidLoss):
        fmin(lambda x: {"status": STATUS_OK}, SPACE, max_evals=1, **quiet)


def test_nan_loss_is_a_failed_trial(quiet):
    trials = Trials()
    fmin(lambda x: math.nan if x < 0 else x, SPACE, algo=rand.suggest, max_evals=20, trials=trials, rstate=2,
         **quiet)
    assert trials.best_trial["result"]["loss"] >= 0
    assert STATUS_FAIL in trials.statuses()


def test_max_queue_len_and_progressbar_are_accepted(capsys):
    best = fmin(square, SPACE, algo=rand.suggest, max_evals=3, max_queue_len=4, show_progressbar=True)
    assert "x" in best
    assert capsys.readouterr() is not None


def test_annotated_space(quiet):
    def objective(x: hp.uniform("x", -1, 1), y: hp.choice("y", [0, 10])):
        return x * x + y

    best = fmin(objective, "annotated", algo=rand.suggest, max_evals=20, rstate=0, **quiet)
    assert best["y"] == 0


def test_trials_save_file_persists_the_search(tmp_path, quiet):
    path = str(tmp_path / "trials.pkl")
    fmin(square, SPACE, algo=rand.suggest, max_evals=4, trials_save_file=path, **quiet)
    fmin(square, SPACE, algo=rand.suggest, max_evals=6, trials_save_file=path, **quiet)
    import pickle

    with open(path, "rb") as f:
        assert len(pickle.load(f)) == 6


def test_keyboard_interrupt_in_objective_reaches_the_caller(quiet):
    def interrupted(x):
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        fmin(interrupted, SPACE, max_evals=3, **quiet)



def test_keyboard_interrupt_ends_the_run_even_when_exceptions_are_caught(quiet):
    calls = []

    def interrupted(x):
        calls.append(x)
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        fmin(interrupted, SPACE, algo=rand.suggest, max_evals=50, catch_eval_exceptions=True, **quiet)
    assert len(calls) == 1
