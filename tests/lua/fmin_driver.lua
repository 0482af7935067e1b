-- fmin queuing MAX_EVALS trials of OBJECTIVE in experiment EXP_KEY at URL
-- and waiting for them: the driver mongo_signals_spec.lua runs in the
-- background while it signals workers. Prints the number of DONE trials.
local hopt = require("hopt")
local url, exp_key, objective, max_evals = ...
local trials = hopt.mongo_trials(url, exp_key)
hopt.fmin{ fn = objective, space = { x = hopt.hp.uniform("x", 0, 1) }, max_evals = math.tointeger(max_evals),
           trials = trials, seed = 1, poll_interval = 0.05, show_progressbar = false }
print("done " .. trials:count(hopt.JOB_STATE_DONE))
