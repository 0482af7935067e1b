"""hyperopt's documented examples (its "Getting started" and "FMin" pages),
retold in our own words and run with hopt standing in for hyperopt: first
as ``import hopt as hyperopt``, then with the examples' own
``from hyperopt import ...`` lines, with sys.modules mapping hyperopt to hopt.
"""
import math
import pickle
import sys
import time

import numpy as np
import pytest

import hopt as hyperopt


@pytest.fixture
def hyperopt_is_hopt(monkeypatch):
    """Make `import hyperopt...` import hopt's modules of the same name."""
    import hopt
    import hopt.early_stop
    import hopt.pyll
    import hopt.pyll.stochastic

    for name in ("", ".hp", ".tpe", ".rand", ".anneal", ".early_stop", ".pyll", ".pyll.stochastic",
                 ".exceptions", ".base", ".fmin"):
        monkeypatch.setitem(sys.modules, "hyperopt" + name, sys.modules["hopt" + name])


def test_minimise_a_parabola():
    best = hyperopt.fmin(fn=lambda x: x ** 2, space=hyperopt.hp.uniform("x", -10, 10),
                         algo=hyperopt.tpe.suggest, max_evals=100, show_progressbar=False)
    assert abs(best["x"]) < 1


def test_objective_returning_a_dict_and_trials():
    def objective(x):
        return {"loss": x ** 2, "status": hyperopt.STATUS_OK}

    trials = hyperopt.Trials()
    best = hyperopt.fmin(objective, space=hyperopt.hp.uniform("x", -10, 10), algo=hyperopt.tpe.suggest,
                         max_evals=100, trials=trials, show_progressbar=False)
    assert abs(best["x"]) < 1
    assert len(trials.trials) == 100 and len(trials.results) == 100
    assert len(trials.losses()) == 100 and set(trials.statuses()) == {"ok"}


def test_extra_result_keys_and_attachments(hyperopt_is_hopt):
    from hyperopt import STATUS_OK, Trials, fmin, hp, tpe

    def objective(x):
        return {
            "loss": x ** 2,
            "status": STATUS_OK,
            "eval_time": time.time(),
            "other_stuff": {"type": None, "value": [0, 1, 2]},
            "attachments": {"time_module": pickle.dumps(time.time)},
        }

    trials = Trials()
    best = fmin(objective, space=hp.uniform("x", -10, 10), algo=tpe.suggest, max_evals=100, trials=trials,
                show_progressbar=False)
    assert abs(best["x"]) < 1
    assert trials.results[0]["other_stuff"] == {"type": None, "value": [0, 1, 2]}
    msg = trials.trial_attachments(trials.trials[5])["time_module"]
    assert pickle.loads(msg) is time.time


def test_conditional_space_sample_and_space_eval(hyperopt_is_hopt):
    import hyperopt.pyll.stochastic
    from hyperopt import fmin, hp, space_eval, tpe

    space = hp.choice("a", [("case 1", 1 + hp.lognormal("c1", 0, 1)), ("case 2", hp.uniform("c2", -10, 10))])
    drawn = hyperopt.pyll.stochastic.sample(space)
    assert drawn[0] in ("case 1", "case 2")

    def objective(args):
        case, val = args
        return val if case == "case 1" else val ** 2

    best = fmin(objective, space, algo=tpe.suggest, max_evals=100, show_progressbar=False)
    assert set(best) in ({"a", "c1"}, {"a", "c2"})
    point = space_eval(space, best)
    assert isinstance(point, tuple) and point[0] == ("case 1", "case 2")[best["a"]]


def test_classifier_search_space(hyperopt_is_hopt):
    from hyperopt import fmin, hp, rand

    space = hp.choice("classifier_type", [
        {"type": "naive_bayes"},
        {"type": "svm",
         "C": hp.lognormal("svm_C", 0, 1),
         "kernel": hp.choice("svm_kernel", [
             {"ktype": "linear"},
             {"ktype": "RBF", "width": hp.lognormal("svm_rbf_width", 0, 1)}])},
        {"type": "dtree",
         "criterion": hp.choice("dtree_criterion", ["gini", "entropy"]),
         "max_depth": hp.choice("dtree_max_depth", [None, hp.qlognormal("dtree_max_depth_int", 3, 1, 1)]),
         "min_samples_split": hp.qlognormal("dtree_min_samples_split", 2, 1, 1)},
    ])
    seen = set()

    def objective(params):
        seen.add(params["type"])
        if params["type"] == "svm":
            assert params["kernel"]["ktype"] in ("linear", "RBF") and params["C"] > 0
        return {"naive_bayes": 0.3, "svm": 0.2, "dtree": 0.25}[params["type"]]

    best = fmin(objective, space, algo=rand.suggest, max_evals=60, rstate=np.random.default_rng(1),
                show_progressbar=False)
    assert seen == {"naive_bayes", "svm", "dtree"}
    assert best["classifier_type"] == 1


def test_scope_int_in_a_space(hyperopt_is_hopt):
    from hyperopt import fmin, hp, tpe
    from hyperopt.pyll import scope

    space = {"n_estimators": scope.int(hp.quniform("n_estimators", 10, 100, 5)),
             "lr": hp.loguniform("lr", math.log(1e-3), math.log(1))}

    def objective(p):
        assert isinstance(p["n_estimators"], int)
        return abs(p["n_estimators"] - 50) / 50 + p["lr"]

    best = fmin(objective, space, algo=tpe.suggest, max_evals=50, rstate=np.random.default_rng(0),
                show_progressbar=False)
    assert 10 <= best["n_estimators"] <= 100


def test_early_stop_and_seeded_generator(hyperopt_is_hopt):
    from hyperopt import Trials, fmin, hp, tpe
    from hyperopt.early_stop import no_progress_loss

    trials = Trials()
    fmin(lambda x: (x - 3) ** 2, hp.uniform("x", -10, 10), algo=tpe.suggest, max_evals=500, trials=trials,
         early_stop_fn=no_progress_loss(20), rstate=np.random.default_rng(42), show_progressbar=False)
    assert len(trials) < 500


def test_save_and_resume_trials(tmp_path, hyperopt_is_hopt):
    from hyperopt import Trials, fmin, hp, tpe

    space = hp.uniform("x", -10, 10)
    trials = Trials()
    fmin(lambda x: x ** 2, space, algo=tpe.suggest, max_evals=20, trials=trials, show_progressbar=False)
    path = tmp_path / "trials.p"
    path.write_bytes(pickle.dumps(trials))
    resumed = pickle.loads(path.read_bytes())
    fmin(lambda x: x ** 2, space, algo=tpe.suggest, max_evals=40, trials=resumed, show_progressbar=False)
    assert len(resumed) == 40


def test_failed_status(hyperopt_is_hopt):
    from hyperopt import STATUS_FAIL, STATUS_OK, Trials, fmin, hp, rand

    def objective(x):
        if x < 0:
            return {"status": STATUS_FAIL}
        return {"loss": x, "status": STATUS_OK}

    trials = Trials()
    best = fmin(objective, hp.uniform("x", -1, 1), algo=rand.suggest, max_evals=30, trials=trials,
                show_progressbar=False)
    assert best["x"] >= 0 and "fail" in trials.statuses()
