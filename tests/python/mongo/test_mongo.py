"""MongoTrials from Python against the test server (HOPT_TEST_MONGO, started
by ctest): hyperopt's tutorial with worker processes, persistence, objectives
by importable name, and fmin's waits leaving the GIL to other threads."""
import json
import math
import os
import signal
import subprocess
import sys
import threading
import uuid

import pytest

import hopt
from hopt import fmin, hp, rand, tpe
from hopt.mongoexp import MongoTrials

import objectives

SERVER = os.environ.get("HOPT_TEST_MONGO", "mongodb://127.0.0.1:27018")
HOST = SERVER[len("mongodb://"):].rstrip("/")
HERE = os.path.dirname(os.path.abspath(__file__))


@pytest.fixture
def db():
    """A database of its own for each test."""
    return "pytest_%s" % uuid.uuid4().hex[:12]


def start_workers(db, n, *extra):
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([HERE] + [p for p in sys.path if p])
    cmd = [sys.executable, "-m", "hopt.worker", "--mongo=%s/%s" % (HOST, db), "--poll-interval=0.1",
           "--reserve-timeout=60", *extra]
    return [subprocess.Popen(cmd, env=env, stderr=subprocess.PIPE, text=True) for _ in range(n)]


def stop_workers(workers):
    for w in workers:
        w.send_signal(signal.SIGTERM)
    logs = []
    for w in workers:
        _, err = w.communicate(timeout=60)
        logs.append(err)
        assert w.returncode == 0, err
    return logs


def test_tutorial_sin_with_two_workers_and_persistence(db):
    workers = start_workers(db, 2)
    try:
        trials = MongoTrials("mongo://%s/%s/jobs" % (HOST, db), exp_key="exp1")
        best = fmin(math.sin, hp.uniform("x", -2, 2), trials=trials, algo=tpe.suggest, max_evals=10,
                    show_progressbar=False)
    finally:
        logs = stop_workers(workers)
    assert -2 <= best["x"] <= 2
    assert len(trials) == 10
    assert all(t["state"] == hopt.JOB_STATE_DONE for t in trials.trials)
    assert trials.best_trial["result"]["loss"] == min(trials.losses())
    assert math.sin(best["x"]) == pytest.approx(trials.best_trial["result"]["loss"])
    assert sum(log.count("job finished") for log in logs) == 10

    # No worker is left: a second fmin with the same max_evals returns at once, with the same answer.
    again = MongoTrials("mongo://%s/%s/jobs" % (HOST, db), exp_key="exp1")
    assert fmin(math.sin, hp.uniform("x", -2, 2), trials=again, algo=tpe.suggest, max_evals=10,
                show_progressbar=False) == best
    assert len(again) == 10


def test_objective_not_importable_by_name_is_refused_at_fmin(db):
    trials = MongoTrials("mongo://%s/%s/jobs" % (HOST, db), exp_key="e")

    def local(x):
        return x

    for fn in (lambda x: x, local):
        with pytest.raises(ValueError, match="importable by name"):
            fmin(fn, hp.uniform("x", 0, 1), trials=trials, algo=rand.suggest, max_evals=3, show_progressbar=False)
    assert trials.count_by_state_unsynced(hopt.JOB_STATES) == 0


def test_fmin_waits_without_holding_the_gil(db):
    # The worker runs in a thread of this process (in-process isolation): it
    # can only evaluate while fmin, in the main thread, waits with the GIL
    # released. A GIL held through the waits would hang here.
    url = "mongo://%s/%s/jobs" % (HOST, db)
    trials = MongoTrials(url, exp_key="gil")
    stop = hopt.worker.StopFlag()
    done = []
    worker = threading.Thread(target=lambda: done.append(hopt.worker.run(
        "%s/%s" % (HOST, db), poll_interval=0.05, isolation="none", stop=stop, log=lambda line: None)))
    worker.start()
    try:
        space = {"x": hp.uniform("x", -3, 3), "name": hp.choice("name", ["a", "b"])}
        best = fmin(objectives.with_extras, space, trials=trials, algo=rand.suggest, max_evals=12, rstate=1,
                    max_queue_len=4, show_progressbar=False)
    finally:
        stop.stop = True
        worker.join(60)
    assert done == [12]
    assert len(trials) == 12 and {r["label"] for r in trials.results} <= {"a", "b"}
    assert set(best) == {"x", "name"}


def test_worker_records_the_objectives_exception(db):
    workers = start_workers(db, 1, "--max-consecutive-failures=100")
    try:
        trials = MongoTrials("mongo://%s/%s/jobs" % (HOST, db), exp_key="fail")
        # hyperopt's answer when every trial failed in a worker (ERROR trials are not in trials.trials)
        with pytest.raises(Exception, match="no evaluation tasks"):
            fmin(objectives.failing, hp.uniform("x", 0, 1), trials=trials, algo=rand.suggest, max_evals=3,
                 show_progressbar=False)
    finally:
        stop_workers(workers)
    errors = [t for t in trials._dynamic_trials if t["state"] == hopt.JOB_STATE_ERROR]
    assert len(errors) == 3 and "ValueError: bad x" in str(errors[0]["error"])


def test_worker_hands_the_objective_the_spaces_tuples(db):
    # As local fmin does: the worker has only the space's JSON, whose tuple
    # nodes say which lists were tuples, also inside the option a choice took.
    space = {"shape": (hp.uniform("x", 0, 1), 2), "plain": [1, 2],
             "layers": hp.choice("layers", [(64, 64), (128,), [1, 2, 3]])}
    workers = start_workers(db, 1)
    try:
        trials = MongoTrials("mongo://%s/%s/jobs" % (HOST, db), exp_key="tuples")
        fmin(objectives.tuple_kinds, space, trials=trials, algo=rand.suggest, max_evals=8,
             show_progressbar=False, rstate=3)
    finally:
        stop_workers(workers)
    assert trials.statuses() == ["ok"] * 8
    chosen = set()
    for t in trials.trials:
        option = t["misc"]["vals"]["layers"][0]
        chosen.add(option)
        assert t["result"]["kinds"] == {"shape": "tuple", "plain": "list",
                                        "layers": "list" if option == 2 else "tuple"}
    assert len(chosen) > 1


def test_static_method_by_qualified_name(db):
    workers = start_workers(db, 1)
    try:
        trials = MongoTrials("mongo://%s/%s/jobs" % (HOST, db), exp_key="nested")
        fmin(objectives.Holder.nested, hp.uniform("x", -1, 1), trials=trials, algo=rand.suggest, max_evals=2,
             show_progressbar=False)
    finally:
        stop_workers(workers)
    assert trials.statuses() == ["ok", "ok"]


def queue_one_job(trials, objective_name, space, label, key_file=None):
    """One NEW job of `objective_name` in `trials`, with no worker that has
    the objective: fmin stores the experiment's domain (signed with key_file,
    if given), queues a trial and cancels it when its timeout ends the wait;
    the trial is then queued again (tid 100), as a driver still waiting
    would have it."""
    from hopt import capi

    opts = capi.hopt_fmin_options_new()
    capi.hopt_fmin_options_set_show_progress(opts, 0)
    capi.hopt_fmin_options_set_timeout(opts, 0.5)  # queue, then stop waiting
    if key_file is not None:
        capi.hopt_fmin_options_set_key_file(opts, key_file)
    handle = capi.hopt_py_objective_new(objective_name, lambda point, result: 0)
    compiled = hopt._space.compile_space(space)
    try:
        capi.hopt_fmin(handle, compiled.handle, capi.hopt_algo_new("rand"), 1, trials._handle, opts)
    except hopt.exceptions.HoptError:
        pass  # nothing finished before the timeout
    (doc,) = json.loads(capi.hopt_trials_export(trials._handle))
    doc.pop("_id", None)
    doc.update(tid=100, state=hopt.JOB_STATE_NEW)
    doc["misc"].update(tid=100, idxs={label: [100]})
    capi.hopt_trials_import(trials._handle, json.dumps([doc]))


def test_worker_leaves_trials_it_cannot_import(db):
    # A trial naming an objective this worker cannot import stays queued
    # (another worker may have it); the worker says so once and goes on.
    trials = MongoTrials("mongo://%s/%s/jobs" % (HOST, db), exp_key="elsewhere")
    queue_one_job(trials, "not_a_module_here:fn", hp.uniform("x", 0, 1), "x")
    lines = []
    ran = hopt.worker.run("%s/%s" % (HOST, db), poll_interval=0.05, reserve_timeout=1.0, isolation="none",
                          log=lines.append)
    assert ran == 0
    assert trials.count_by_state_unsynced(hopt.JOB_STATE_NEW) == 1
    assert any("not_a_module_here:fn" in line for line in lines)


def test_worker_refuses_an_experiment_signed_with_another_key(db, tmp_path):
    # The attack of docs/threat-model.md against the resolver: whoever can
    # write to the database (here, a driver with a key of its own) queues a
    # job naming os.system with a shell command for its point. The worker,
    # whose key differs, must refuse it before resolving the name to code.
    marker = tmp_path / "pwned"
    trials = MongoTrials("mongo://%s/%s/jobs" % (HOST, db), exp_key="attack")
    queue_one_job(trials, "os:system", hp.choice("cmd", ["touch %s" % marker]), "cmd",
                  key_file=str(tmp_path / "attacker-key"))

    lines = []
    ran = hopt.worker.run("%s/%s" % (HOST, db), poll_interval=0.05, reserve_timeout=1.0, isolation="none",
                          log=lines.append)
    assert ran == 0
    assert not marker.exists()
    assert trials.count_by_state_unsynced(hopt.JOB_STATE_NEW) == 1  # left for a worker with that key
    assert any("refused" in line and "another key" in line for line in lines), lines

    # An allow-list refuses even a validly signed experiment's objective.
    lines.clear()
    ran = hopt.worker.run("%s/%s" % (HOST, db), poll_interval=0.05, reserve_timeout=1.0, isolation="none",
                          log=lines.append, key_file=str(tmp_path / "attacker-key"), allow=["objectives:*"])
    assert ran == 0
    assert not marker.exists()
    assert any("refused" in line for line in lines), lines


@pytest.mark.parametrize("allow,name", [("objmod:*", "objmod:os.system"), ("objmod:*", "objmod:system"),
                                        ("mypkg.*:*", "mypkg.sub:os.system")])
def test_allow_list_admits_only_code_defined_under_the_name(db, tmp_path, caplog, allow, name):
    # A signed experiment (a key holder, or whoever stole the key) naming
    # another module's function through an allowed module: by an attribute
    # path through a module, or by a re-export. The allow-list matches the
    # name as written, so the resolver must only give code whose own name
    # that is; here it gives nothing, and the job stays queued.
    marker = tmp_path / "pwned"
    key = str(tmp_path / "key")
    trials = MongoTrials("mongo://%s/%s/jobs" % (HOST, db), exp_key="allow")
    queue_one_job(trials, name, hp.choice("cmd", ["touch %s" % marker]), "cmd", key_file=key)
    lines = []
    ran = hopt.worker.run("%s/%s" % (HOST, db), poll_interval=0.05, reserve_timeout=1.0, isolation="none",
                          log=lines.append, key_file=key, allow=[allow])
    assert ran == 0
    assert not marker.exists()
    assert trials.count_by_state_unsynced(hopt.JOB_STATE_NEW) == 1
    assert any("refused" in line and name in line for line in lines), lines
    assert "cannot import objective %s" % name in caplog.text and "module that defines it" in caplog.text


def test_names_resolve_only_to_what_they_name():
    # What fmin records (objective_name) always resolves; another path to
    # the same code does not.
    from hopt._names import objective_name, resolve

    import mypkg.sub
    import objmod

    assert resolve(objective_name(objmod.square)) is objmod.square
    assert resolve("objectives:Holder.nested") is objectives.Holder.nested
    assert resolve(objective_name(mypkg.sub.square)) is mypkg.sub.square
    for name in ("objmod:os.system", "objmod:system", "mypkg.sub:os.path.join", "objmod:os"):
        with pytest.raises(LookupError):
            resolve(name)


def test_ctrl_c_ends_an_fmin_waiting_for_workers(db):
    # No worker serves this experiment: fmin waits in C until SIGINT arrives,
    # then raises KeyboardInterrupt in the caller, as Python code would.
    trials = MongoTrials("mongo://%s/%s/jobs" % (HOST, db), exp_key="ctrl-c")
    timer = threading.Timer(0.5, os.kill, (os.getpid(), signal.SIGINT))
    timer.start()
    try:
        with pytest.raises(KeyboardInterrupt):
            fmin(objectives.square, hp.uniform("x", 0, 1), trials=trials, algo=rand.suggest, max_evals=2,
                 show_progressbar=False)
    finally:
        timer.cancel()
