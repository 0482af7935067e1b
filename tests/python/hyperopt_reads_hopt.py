"""Python hyperopt's own MongoTrials reads a database hopt wrote.

Run by run_hyperopt_compat.sh with hyperopt 0.2.7 and pymongo 3.13 (the last
pair whose mongoexp works: hyperopt's MongoTrials uses pymongo 3 APIs).
Usage: python hyperopt_reads_hopt.py URL EXP_KEY ARGMIN_JSON
"""
import json
import sys

from hyperopt.mongoexp import MongoTrials

url, exp_key, argmin_json = sys.argv[1], sys.argv[2], sys.argv[3]
trials = MongoTrials(url, exp_key=exp_key)
trials.refresh()

# hyperopt lists NEW, RUNNING and DONE trials: 5 here (the ERROR one is not).
assert len(trials.trials) == 5, len(trials.trials)
assert trials.losses() == [5.0, 4.0, 3.0, 2.0, None], trials.losses()
assert trials.statuses() == ["ok", "ok", "ok", "ok", "fail"], trials.statuses()
assert trials.best_trial["result"]["loss"] == 2.0
assert trials.best_trial["tid"] == trials.trials[3]["tid"]
# argmin: hyperopt's own computation from misc.vals equals hopt's
want = json.loads(argmin_json)
got = {k: (int(v) if isinstance(want[k], int) else v) for k, v in trials.argmin.items()}
assert got == want, (got, want)
# every document has hyperopt's keys
for t in trials.trials:
    for key in ("tid", "state", "spec", "result", "misc", "exp_key", "owner", "book_time", "refresh_time"):
        assert key in t, key
    assert set(t["misc"]["idxs"]) == set(t["misc"]["vals"]) == {"x", "m", "k"}
    assert t["exp_key"] == exp_key
# the ERROR trial is there for count_by_state_unsynced
assert trials.count_by_state_unsynced(3) == 1
print("hyperopt %s reads hopt's trials: OK" % __import__("hyperopt").__version__)
