"""Trials queries, as hyperopt's Trials answers them."""
import pickle

import pytest

import hopt
from hopt import STATUS_OK, Trials, fmin, hp, rand

SPACE = {"c": hp.choice("c", [{"k": "a", "x": hp.uniform("x", 0, 1)}, {"k": "b"}]), "n": hp.randint("n", 3)}


def objective(p):
    return {"loss": p["n"] + p["c"].get("x", 0.5), "status": STATUS_OK, "kind": p["c"]["k"]}


@pytest.fixture
def trials():
    t = Trials()
    fmin(objective, SPACE, algo=rand.suggest, max_evals=20, trials=t, rstate=4, show_progressbar=False)
    return t


def test_documents_and_their_views(trials):
    assert len(trials) == len(trials.trials) == 20
    assert trials.tids == list(range(20))
    assert all(t["state"] == hopt.JOB_STATE_DONE for t in trials)
    assert trials.results == [t["result"] for t in trials.trials]
    assert trials.losses() == [r["loss"] for r in trials.results]
    assert trials.statuses() == ["ok"] * 20
    assert trials.specs == [None] * 20 or all(s is None for s in trials.specs)
    assert {r["kind"] for r in trials.results} <= {"a", "b"}
    first = trials.trials[0]
    assert first["refresh_time"] >= first["book_time"]  # datetimes, as in hyperopt


def test_best_trial_and_argmin(trials):
    best = trials.best_trial
    assert best["result"]["loss"] == min(trials.losses())
    argmin = trials.argmin
    assert argmin == {k: v[0] for k, v in best["misc"]["vals"].items() if v}
    # an inactive label is absent from argmin
    assert ("x" in argmin) == (argmin["c"] == 0)


def test_idxs_and_vals_are_columns(trials):
    idxs, vals = trials.idxs_vals
    assert trials.idxs == idxs and trials.vals == vals
    assert idxs["n"] == trials.tids and len(vals["n"]) == 20
    active_x = [t["tid"] for t in trials if t["misc"]["vals"]["c"] == [0]]
    assert idxs["x"] == active_x and len(vals["x"]) == len(active_x)


def test_count_by_state(trials):
    assert trials.count_by_state_unsynced(hopt.JOB_STATE_DONE) == 20
    assert trials.count_by_state_synced([hopt.JOB_STATE_NEW, hopt.JOB_STATE_DONE]) == 20


def test_pickle_round_trip_continues_the_search(trials):
    copy = pickle.loads(pickle.dumps(trials))
    assert copy.results == trials.results and copy.argmin == trials.argmin
    fmin(objective, SPACE, algo=rand.suggest, max_evals=25, trials=copy, show_progressbar=False)
    assert len(copy) == 25 and len(trials) == 20


def test_empty_trials():
    t = Trials()
    assert len(t) == 0 and t.losses() == []
    with pytest.raises(hopt.AllTrialsFailed):
        t.best_trial
    with pytest.raises(ValueError):
        t.idxs_vals


def test_attachments_are_kept_per_trial():
    t = Trials()
    fmin(lambda x: {"loss": x, "status": STATUS_OK, "attachments": {"model": b"weights"}},
         hp.uniform("x", 0, 1), algo=rand.suggest, max_evals=2, trials=t, show_progressbar=False)
    assert t.trial_attachments(t.trials[1])["model"] == b"weights"
    assert "attachments" not in t.results[0]


def test_delete_all(trials):
    trials.delete_all()
    assert len(trials) == 0


def test_trials_fmin_method():
    t = Trials()
    best = t.fmin(lambda x: x * x, hp.uniform("x", -1, 1), algo=rand.suggest, max_evals=5)
    assert len(t) == 5 and "x" in best
