-- MongoTrials against the real test server (FerretDB, $HOPT_TEST_MONGO): a
-- driver runs fmin on hopt.mongo_trials while a separate worker process
-- (hopt-lua-worker, that is hopt.worker) evaluates the Lua objectives of
-- mongo_objectives.lua.
local dir = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
local t = dofile(dir .. "helpers.lua")
local hopt = require("hopt")
local hp = hopt.hp

describe("MongoTrials with a Lua worker", function()
  local server = assert(os.getenv("HOPT_TEST_MONGO"), "HOPT_TEST_MONGO is not set")
  local url = server .. "/hopt_lua_test"
  local space = { x = hp.uniform("x", -3, 3), kind = hp.choice("kind", { "a", "b" }) }
  local good_evals, bad_evals = 20, 3

  -- A hopt-lua-worker process serving mongo_objectives.lua; it finds hopt
  -- where this process did.
  local function start_worker(flags)
    return assert(io.popen(string.format("exec %s --mongo='%s' --objectives=%s --poll-interval=0.05 "
                                         .. "--reserve-timeout=60 %s 2>&1", t.worker_command(), url,
                                         dir .. "mongo_objectives.lua", flags)))
  end

  -- Its output, once it has stopped by itself.
  local function finish(worker)
    local out = worker:read("a")
    local ok, how, code = worker:close()
    assert(ok, string.format("worker ended by %s %s:\n%s", how, code, out))
    return out
  end

  -- fmin's timeout bounds a run whose worker failed to start.
  local good, bad, workers = nil, nil, {}
  setup(function()
    -- Fresh experiments: remove what an earlier run left.
    good = hopt.mongo_trials(url, "lua-good")
    bad = hopt.mongo_trials(url, "lua-bad")
    good:delete_all()
    bad:delete_all()
  end)

  teardown(function()
    for _, w in pairs(workers) do w:close() end
    good:delete_all()
    bad:delete_all()
  end)

  it("fmin with MongoTrials, evaluated by a Lua worker", function()
    -- A child process per trial (the default); it stops after exactly these trials.
    workers.good = start_worker("--max-jobs=" .. good_evals)
    local best = hopt.fmin{ fn = "quadratic", space = space, max_evals = good_evals, trials = good, seed = 5,
                            poll_interval = 0.05, show_progressbar = false, timeout = 120 }
    assert(#good == good_evals and good:count(hopt.JOB_STATE_DONE) == good_evals)
    for _, doc in ipairs(good:trials()) do
      assert(doc.result.served_by == "lua", "not evaluated by the Lua worker")
      assert(doc.misc.cmd and doc.exp_key == "lua-good")
      local p = hopt.space_eval(space, t.vals_of(doc))
      t.near(doc.result.loss, (p.x - 1) ^ 2 + (p.kind == "a" and 0 or 0.5))
    end
    assert(t.same(best, good:argmin()))
    -- A second handle on the same experiment sees the same trials.
    local again = hopt.mongo_trials(url, "lua-good")
    assert(#again == good_evals and t.same(again:argmin(), best))
    local out = finish(workers.good)
    workers.good = nil
    t.contains(out, "stopped after " .. good_evals .. " trials")
  end)

  it("an error in a worker's objective fails its trial, with the message", function()
    -- The objective in the worker's own process this time.
    workers.bad = start_worker("--exp-key=lua-bad --no-subprocesses --max-jobs=" .. bad_evals)
    -- As hyperopt's MongoTrials: fmin goes on past failed trials; with none
    -- that succeeded it has no argmin to return.
    local err = t.raises(hopt.fmin, { fn = "broken", space = space, max_evals = bad_evals, trials = bad, seed = 1,
                                      poll_interval = 0.05, show_progressbar = false, timeout = 120 })
    t.contains(err, "HOPT_EEMPTY")
    assert(bad:count(hopt.JOB_STATE_ERROR) == bad_evals)
    for _, doc in ipairs(bad:trials()) do
      assert(doc.error[1] == "hopt.ObjectiveError")
      t.contains(doc.error[2], "broken objective saw x=" .. hopt.space_eval(space, t.vals_of(doc)).x)
    end
    local out = finish(workers.bad)
    workers.bad = nil
    t.contains(out, "stopped after " .. bad_evals .. " trials")
    t.contains(out, "broken objective saw x=")
  end)
end)
