-- hopt-lua-worker on SIGINT, SIGTERM and SIGHUP, against the real test server
-- ($HOPT_TEST_MONGO): it stops as hyperopt-mongo-worker does
-- (tests/integration/test_worker_signals.sh). An idle worker exits at once, a
-- busy one after its trial (in a child process or in its own), one whose
-- trial outlasts the 10 s grace after putting the trial back in the queue,
-- all with status 0; a second signal ends it at once, by that signal. And
-- hopt.worker{stop_on_signals = true} gives a program its own handlers back.
local dir = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
local t = dofile(dir .. "helpers.lua")
local hopt = require("hopt")

describe("hopt-lua-worker stopped by a signal", function()
  local server = assert(os.getenv("HOPT_TEST_MONGO"), "HOPT_TEST_MONGO is not set")
  local url = server .. "/hopt_lua_signals"
  local scratch = os.tmpname() -- logs go beside it, as <scratch>.<name>.log
  local experiments, drivers = {}, {}

  -- An experiment of one trial of `objective`, queued by a driver process
  -- that waits for it.
  local function queue(exp_key, objective)
    local trials = hopt.mongo_trials(url, exp_key)
    trials:delete_all()
    experiments[exp_key] = trials
    local pid, wait = t.spawn(string.format("%s '%s' %s %s 1", t.lua_command(dir .. "fmin_driver.lua"), url,
                                            exp_key, objective), scratch .. ".driver-" .. exp_key .. ".log")
    drivers[exp_key] = { pid = pid, wait = wait }
  end

  -- Trials of `exp_key` in `state` (any: nil), read afresh.
  local function count(exp_key, state) return hopt.mongo_trials(url, exp_key):count(state) end

  local function start_worker(exp_key, flags)
    local log = scratch .. ".worker-" .. exp_key .. ".log"
    local pid, wait = t.spawn(string.format("%s --mongo='%s' --objectives=%s --exp-key=%s --poll-interval=0.05 "
                                            .. "--reserve-timeout=60 %s", t.worker_command(), url,
                                            dir .. "signals_objectives.lua", exp_key, flags or ""), log)
    return { pid = pid, wait = wait, log = log }
  end

  local function kill(pid, signal) assert(os.execute(string.format("kill -%s %d", signal, pid))) end

  local function read(path)
    local f = assert(io.open(path))
    local s = f:read("a")
    f:close()
    return s
  end

  -- The driver of `exp_key` returns once its trial is done; its output.
  local function driver_done(exp_key)
    local status = drivers[exp_key].wait()
    drivers[exp_key] = nil
    local out = read(scratch .. ".driver-" .. exp_key .. ".log")
    assert(status == 0, "driver failed:\n" .. out)
    return out
  end

  teardown(function()
    for _, d in pairs(drivers) do -- still waiting for a trial that is not done
      os.execute(string.format("kill -KILL %d 2>/dev/null", d.pid))
      d.wait()
    end
    for _, trials in pairs(experiments) do trials:delete_all() end
    os.execute("rm -f '" .. scratch .. "' '" .. scratch .. "'.*")
  end)

  -- A worker of `exp_key` sent `signal` once its log shows `text`: it
  -- stops by itself with status 0 (asserted); its log.
  local function stopped(exp_key, text, signal, flags)
    local w = start_worker(exp_key, flags)
    t.wait_for_text(w.log, text, 20)
    kill(w.pid, signal)
    local status = w.wait()
    local log = read(w.log)
    assert(status == 0, "status " .. status .. ":\n" .. log)
    t.contains(log, "exiting: asked to stop")
    return log
  end

  it("an idle worker exits at once, status 0 (SIGINT)", function()
    stopped("idle", "no job found", "INT")
  end)

  -- A busy worker finishes its trial, once, then exits 0.
  local function finishes_its_trial(exp_key, signal, flags)
    queue(exp_key, "slow")
    local log = stopped(exp_key, "job found: ", signal, flags)
    t.contains(log, "job finished: ")
    t.contains(driver_done(exp_key), "done 1")
    assert(count(exp_key) == 1 and count(exp_key, hopt.JOB_STATE_DONE) == 1, "the trial is not done")
    assert(select(2, log:gsub("job found: ", "")) == 1, "evaluated more than once:\n" .. log)
  end

  it("a busy worker finishes its trial first (SIGINT, a child process per trial)", function()
    finishes_its_trial("busy-child", "INT")
  end)

  it("a busy worker finishes its trial first (SIGTERM, --no-subprocesses)", function()
    finishes_its_trial("busy-inproc", "TERM", "--no-subprocesses")
  end)

  it("a trial still running after the grace goes back to the queue (SIGHUP)", function()
    queue("hang", "hang")
    t.contains(stopped("hang", "job found: ", "HUP"), "released to the queue")
    assert(count("hang") == 1 and count("hang", hopt.JOB_STATE_NEW) == 1, "the trial is not NEW again")
  end)

  it("a program's own signal handling is back when hopt.worker returns", function()
    local program = scratch .. ".restore.lua"
    local f = assert(io.open(program, "w"))
    f:write(string.format([[
      local hopt = require("hopt")
      hopt.worker{ mongo = %q, exp_key = "restore", commands = { f = "true" }, reserve_timeout = 0.1,
                   stop_on_signals = true }
      print("returned")
      io.stdout:flush()
      os.execute("kill -TERM $PPID; sleep 10") -- SIGTERM's default: the end of this process
      print("survived SIGTERM")
    ]], url))
    f:close()
    local log = scratch .. ".restore.log"
    local _, wait = t.spawn(t.lua_command(program), log)
    local status = wait()
    assert(status == 128 + 15, "status " .. status .. ":\n" .. read(log))
    t.contains(read(log), "returned")
  end)

  it("a second signal ends the worker at once, by that signal", function()
    queue("twice", "slow")
    local w = start_worker("twice")
    t.wait_for_text(w.log, "job found: ", 20)
    kill(w.pid, "TERM")
    t.wait_for_text(w.log, "stopping after the current trial", 5)
    kill(w.pid, "TERM")
    local status = w.wait()
    assert(status == 128 + 15, "status " .. status .. ":\n" .. read(w.log))
    -- As with hyperopt-mongo-worker, its trial waits for the heartbeat timeout.
    assert(count("twice", hopt.JOB_STATE_RUNNING) == 1)
  end)
end)
