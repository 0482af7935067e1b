"""What tests/python/leak_check.sh runs under LeakSanitizer: fmin with
callbacks, failing objectives, non-JSON results and queries, N times
(argv[1])."""
import gc, sys
import hopt
from hopt import fmin, hp, rand, tpe, Trials
from hopt.early_stop import no_progress_loss
space = {"a": hp.choice("a", [("t", hp.uniform("x", 0, 1)), int]), "n": hp.randint("n", 3)}
def run():
    t = Trials()
    fmin(lambda p: p["n"], space, algo=tpe.suggest, max_evals=25, trials=t, rstate=1, show_progressbar=False,
         early_stop_fn=lambda tr, *a: (False, []))
    try:
        fmin(lambda p: 1 / 0, space, max_evals=3, show_progressbar=False)
    except ZeroDivisionError:
        pass
    fmin(lambda p: {"loss": 1.0, "status": "ok", "b": b"x"}, space, algo=rand.suggest, max_evals=5,
         early_stop_fn=no_progress_loss(2), catch_eval_exceptions=True, show_progressbar=False)
    hopt.space_eval(space, {"a": 0, "x": 0.5, "n": 1})
    t.best_trial, t.argmin, t.vals
for _ in range(int(sys.argv[1])):
    run()
gc.collect()
