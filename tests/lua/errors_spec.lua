-- Errors: bad input raises a Lua error carrying hopt's message at the
-- caller's line; an objective's error reaches fmin's caller as it was raised.
local dir = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
local t = dofile(dir .. "helpers.lua")
local SCRIPT = debug.getinfo(1, "S").short_src
local hopt = require("hopt")
local hp = hopt.hp

describe("errors", function()
  local space = hp.uniform("x", -1, 1)
  local function fmin(args)
    args.space = args.space or space
    args.max_evals = args.max_evals or 5
    args.show_progressbar = false
    return hopt.fmin(args)
  end

  it("an invalid space names the label, the status and the caller's line", function()
    local err = t.raises(hopt.fmin, { fn = print, space = hp.uniform("lr", 2, 1), max_evals = 1 })
    t.contains(err, "HOPT_ESPACE")
    t.contains(err, "lr")
    local line = debug.getinfo(1, "l").currentline
    local ok, e = pcall(function() hopt.sample(hp.normal("s", 0, -1), 1) end)
    assert(not ok)
    t.contains(e, SCRIPT .. ":" .. (line + 1) .. ": HOPT_ESPACE")
    t.contains(t.raises(hopt.sample, { hp.uniform("d", 0, 1), hp.uniform("d", 0, 2) }, 1), "d")
    t.contains(t.raises(hopt.sample, hp.choice("c", {}), 1), "c")
    t.contains(t.raises(hopt.sample, hp.uniform("a.b", 0, 1), 1), "a.b")
    t.contains(t.raises(hopt.sample, { x = 0 / 0 }, 1), "NaN")
    local cyc = {}; cyc.self = cyc
    t.contains(t.raises(hopt.sample, cyc, 1), "contains itself")
  end)

  it("hp constructors check their arguments", function()
    t.contains(t.raises(hp.uniform, 3, 0, 1), "label must be a string")
    t.contains(t.raises(hp.uniform, "x", "0", 1), "must be a number")
    t.contains(t.raises(hp.normal, "x", 0), "takes a label and mu, sigma")
    t.contains(t.raises(hp.choice, "x", 3), "options must be a list")
  end)

  it("bad fmin arguments", function()
    t.contains(t.raises(fmin, { fn = print, algo = "bogus" }), "bogus")
    t.contains(t.raises(fmin, { fn = print, max_evals = 2.5 }), "max_evals must be an integer")
    t.contains(t.raises(fmin, { fn = 3 }), "fn must be a function")
    t.contains(t.raises(fmin, { fn = print, nonsense = 1 }), "fmin has no argument 'nonsense'")
    t.contains(t.raises(fmin, { fn = print, seed = -1 }), "seed must not be negative")
    t.contains(t.raises(fmin, { fn = print, timeout = -1 }), "HOPT_EINVAL")
    t.contains(t.raises(fmin, { fn = print, trials = {} }), "trials must come from")
    t.contains(t.raises(fmin, { fn = print, points_to_evaluate = { { y = 1 } } }), "HOPT_")
    t.contains(t.raises(hopt.fmin, 3), "fmin's argument must be a table")
  end)

  it("an objective's string error keeps its message and position", function()
    local line
    local err = t.raises(fmin, { fn = function(x)
      line = debug.getinfo(1, "l").currentline; error("boom at " .. x)
    end })
    assert(err:match("^.*" .. SCRIPT:gsub("%p", "%%%0") .. ":" .. line .. ": boom at %-?%d"), err)
  end)

  it("an objective's table error is the same table", function()
    local raised = setmetatable({ code = 7 }, { __tostring = function() return "custom error" end })
    local err = t.raises(fmin, { fn = function() error(raised) end })
    assert(rawequal(err, raised))
    local plain = { code = 8, message = "plain table" }
    assert(rawequal(t.raises(fmin, { fn = function() error(plain) end }), plain))
  end)

  it("catch_eval_exceptions records failures and goes on", function()
    local tr = hopt.trials()
    local n = 0
    fmin({ fn = function(x)
      n = n + 1
      if n % 2 == 0 then error("even call") end
      return x
    end, trials = tr, max_evals = 10, catch_eval_exceptions = true })
    assert(tr:count(hopt.JOB_STATE_ERROR) == 5 and tr:count(hopt.JOB_STATE_DONE) == 5)
    for _, doc in ipairs(tr:trials()) do
      if doc.state == hopt.JOB_STATE_ERROR then t.contains(doc.error[2], "even call") end
    end
    local all_fail = hopt.trials()
    t.contains(t.raises(fmin, { fn = function() error("always") end, trials = all_fail,
                                catch_eval_exceptions = true }), "HOPT_EEMPTY")
  end)

  it("objectives that return the wrong thing", function()
    t.contains(t.raises(fmin, { fn = function() return "1" end }), "returned a string")
    t.contains(t.raises(fmin, { fn = function() end }), "returned a nil")
    t.contains(t.raises(fmin, { fn = function() return { loss = print } end }), "cannot be written as JSON")
    t.contains(t.raises(fmin, { fn = function() return { loss = 1, status = "weird" } end }), "HOPT_EOBJECTIVE")
    t.contains(t.raises(fmin, { fn = function() coroutine.yield() end }), "yield")
  end)

  it("an objective named for workers does not run here", function()
    t.contains(t.raises(fmin, { fn = "remote_name" }), "runs on workers")
  end)

  it("trials and MongoDB URLs", function()
    local tr = hopt.trials()
    t.contains(t.raises(tr.argmin, tr), "HOPT_EEMPTY")
    t.contains(t.raises(tr.get, tr, 99), "HOPT_ENOTFOUND")
    t.contains(t.raises(tr.import_json, tr, "[{"), "HOPT_EJSON")
    t.contains(t.raises(hopt.mongo_trials, "mongo://nohost"), "HOPT_EINVAL")
    t.contains(t.raises(hopt.mongo_trials, 42), "url must be a string")
    t.contains(t.raises(hopt.space_eval, hp.choice("c", { hp.uniform("u", 0, 1) }), { c = 0 }), "u")
  end)

  it("worker arguments", function()
    t.contains(t.raises(hopt.worker, { mongo = "localhost:1/db", bogus = 1 }), "worker has no argument 'bogus'")
    t.contains(t.raises(hopt.worker, { mongo = "localhost:1/db", stop_on_signals = "yes" }),
               "stop_on_signals must be a boolean, not a string")
  end)

  it("hopt-lua-worker refuses bad command lines with status 2", function()
    local worker = t.worker_command()
    local function status(args)
      local _, _, code = os.execute(worker .. " " .. args .. " 2>/dev/null >/dev/null")
      return code
    end
    assert(status("--help") == 0)
    assert(status("--mongo=localhost:1/db") == 2)  -- no objectives
    assert(status("--objectives=/nonexistent.lua") == 2)
    assert(status("--exec=f=true --max-jobs=x") == 2)
    assert(status("--exec=f=true --bogus=1") == 2)
  end)
end)
