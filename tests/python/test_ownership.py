"""Callables are owned by the library (user/user_free) and released when it is
done with them; fmin lets other Python threads run and takes the GIL back for
each objective call."""
import gc
import threading
import weakref

from hopt import Trials, fmin, hp, rand
from hopt.early_stop import no_progress_loss

SPACE = hp.uniform("x", 0, 1)


class Objective:
    def __call__(self, x):
        return x


class EarlyStop:
    def __call__(self, trials, *args):
        return False, []


def test_objective_and_early_stop_are_released_after_fmin():
    fn, stop = Objective(), EarlyStop()
    fn_ref, stop_ref = weakref.ref(fn), weakref.ref(stop)
    trials = Trials()
    fmin(fn, SPACE, algo=rand.suggest, max_evals=3, trials=trials, early_stop_fn=stop, show_progressbar=False)
    del fn, stop
    gc.collect()
    assert fn_ref() is None and stop_ref() is None
    assert len(trials) == 3  # the store outlives the callables


def test_failed_fmin_releases_the_objective_and_its_exception():
    class Failing:
        def __call__(self, x):
            raise ValueError("no")

    fn = Failing()
    ref = weakref.ref(fn)
    try:
        fmin(fn, SPACE, max_evals=2, show_progressbar=False)
    except ValueError:
        pass
    del fn
    gc.collect()
    assert ref() is None


def test_trials_die_before_the_callables_without_harm():
    fn = Objective()
    trials = Trials()
    fmin(fn, SPACE, algo=rand.suggest, max_evals=2, trials=trials, early_stop_fn=no_progress_loss(5),
         show_progressbar=False)
    del trials
    gc.collect()
    assert fn(0.5) == 0.5


def test_fmin_in_several_threads_at_once():
    results = {}

    def run(i):
        trials = Trials()
        fmin(lambda x: (x - i / 10) ** 2, SPACE, algo=rand.suggest, max_evals=200, trials=trials, rstate=i,
             show_progressbar=False)
        results[i] = len(trials)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == {0: 200, 1: 200, 2: 200, 3: 200}


def test_objective_runs_in_the_thread_that_called_fmin():
    caller = threading.get_ident()
    seen = []
    fmin(lambda x: seen.append(threading.get_ident()) or x, SPACE, algo=rand.suggest, max_evals=3,
         show_progressbar=False)
    assert seen == [caller] * 3
