-- fmin: the three algorithms, seeds, options, result tables.
local dir = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
local t = dofile(dir .. "helpers.lua")
local hopt = require("hopt")
local hp = hopt.hp

describe("fmin", function()
  local function quadratic(x) return (x - 1) ^ 2 end
  local space = hp.uniform("x", -5, 5)

  local function run(algo, seed, trials, extra)
    local args = { fn = quadratic, space = space, algo = algo, max_evals = 40, seed = seed,
                   trials = trials, show_progressbar = false }
    for k, v in pairs(extra or {}) do args[k] = v end
    return hopt.fmin(args)
  end

  local function xs(trials)
    local out = {}
    for i, doc in ipairs(trials:trials()) do out[i] = doc.misc.vals.x[1] end
    return out
  end

  for _, algo in ipairs({ "tpe", "rand", "anneal", "mtpe" }) do
    it(algo .. " finds the minimum and is reproducible from its seed", function()
      local a, b, c = hopt.trials(), hopt.trials(), hopt.trials()
      local best = run(algo, 42, a)
      assert(math.abs(best.x - 1) < 0.6, algo .. " best x = " .. best.x)
      run(algo, 42, b)
      run(algo, 43, c)
      assert(t.same(xs(a), xs(b)), "same seed, different suggestions")
      assert(not t.same(xs(a), xs(c)), "different seeds, same suggestions")
      assert(#a == 40)
    end)
  end

  it("tpe beats rand on average over a few seeds", function()
    local sum = { tpe = 0, rand = 0 }
    for seed = 1, 3 do
      for algo in pairs(sum) do
        local tr = hopt.trials()
        run(algo, seed, tr)
        sum[algo] = sum[algo] + tr:best_trial().result.loss
      end
    end
    assert(sum.tpe < sum.rand, string.format("tpe %g, rand %g", sum.tpe, sum.rand))
  end)

  it("algorithm parameters", function()
    local a, b = hopt.trials(), hopt.trials()
    run({ "tpe", n_startup_jobs = 5, gamma = 0.3 }, 5, a)
    run("tpe", 5, b)
    assert(not t.same(xs(a), xs(b)), "n_startup_jobs had no effect")
    assert(t.same({ table.unpack(xs(a), 1, 5) }, { table.unpack(xs(b), 1, 5) }), "startup draws differ")
    t.contains(t.raises(run, { "tpe", no_such_param = 1 }, 5), "no_such_param")
  end)

  it("return_argmin = false gives the point; choices are indices otherwise", function()
    local sp = { opt = hp.choice("opt", { "adam", "sgd" }), lr = hp.uniform("lr", 0, 1) }
    local fn = function(p) return p.lr + (p.opt == "sgd" and 0 or 10) end
    local argmin = hopt.fmin{ fn = fn, space = sp, max_evals = 30, seed = 3, show_progressbar = false }
    assert(argmin.opt == 1, "argmin.opt = " .. tostring(argmin.opt))
    local point = hopt.fmin{ fn = fn, space = sp, max_evals = 30, seed = 3, return_argmin = false,
                             show_progressbar = false }
    assert(point.opt == "sgd" and point.lr == argmin.lr)
    assert(t.same(hopt.space_eval(sp, argmin), point))
  end)

  it("points_to_evaluate come first, on top of max_evals", function()
    local tr = hopt.trials()
    run("rand", 1, tr, { points_to_evaluate = { { x = 1.0 }, { x = -2.5 } }, max_evals = 5 })
    local seen = xs(tr)
    assert(#tr == 7 and seen[1] == 1.0 and seen[2] == -2.5, #tr)
    assert(tr:best_trial().result.loss == 0)
  end)

  it("max_evals counts the trials already there", function()
    local tr = hopt.trials()
    run("tpe", 9, tr, { max_evals = 10 })
    run("tpe", 9, tr, { max_evals = 10 })
    assert(#tr == 10)
    run("tpe", 9, tr, { max_evals = 15 })
    assert(#tr == 15)
  end)

  it("loss_threshold and no_progress_loss end the search early", function()
    local tr = hopt.trials()
    run("rand", 2, tr, { max_evals = 200, loss_threshold = 1.0 })
    assert(#tr < 200 and tr:best_trial().result.loss < 1.0)
    local flat = hopt.trials()
    hopt.fmin{ fn = function() return 1 end, space = space, max_evals = 100, trials = flat, seed = 1,
               early_stop_fn = hopt.early_stop.no_progress_loss(5), show_progressbar = false }
    assert(#flat < 20, #flat)
    local timed = hopt.trials()
    run("rand", 2, timed, { max_evals = 5, timeout = 600 })
    assert(#timed == 5)
  end)

  it("early_stop_fn sees the trials and carries its own state", function()
    local calls, seen = 0, {}
    local tr = hopt.trials()
    hopt.fmin{ fn = quadratic, space = space, max_evals = 50, trials = tr, seed = 3, show_progressbar = false,
               early_stop_fn = function(trials, count)
                 calls = calls + 1
                 count = (count or 0) + 1
                 seen[#seen + 1] = #trials
                 return count >= 7, count
               end }
    assert(calls == 7 and #tr == 7, calls .. " calls, " .. #tr .. " trials")
    assert(seen[1] == 1 and seen[7] == 7)
    -- without trials given, it gets fmin's own store
    local sizes = {}
    hopt.fmin{ fn = quadratic, space = space, max_evals = 3, seed = 3, show_progressbar = false,
               early_stop_fn = function(trials) sizes[#sizes + 1] = #trials return false end }
    assert(#sizes == 3 and sizes[3] == 3)
    -- an error it raises reaches fmin's caller as it was raised
    local e = { why = "stop now" }
    local err = t.raises(hopt.fmin, { fn = quadratic, space = space, max_evals = 5, show_progressbar = false,
                                      early_stop_fn = function() error(e) end })
    assert(rawequal(err, e))
  end)

  it("result tables: status, extra keys, true_loss", function()
    local tr = hopt.trials()
    hopt.fmin{ fn = function(x)
        if x < 0 then return { status = hopt.STATUS_FAIL, why = "negative" } end
        return { loss = x, status = hopt.STATUS_OK, true_loss = 2 * x, note = { x = x } }
      end, space = space, max_evals = 30, trials = tr, seed = 11, show_progressbar = false }
    local ok, bad = 0, 0
    for _, r in ipairs(tr:results()) do
      if r.status == "ok" then
        ok = ok + 1
        t.near(r.true_loss, 2 * r.loss)
        assert(r.note.x == r.loss)
      else
        bad = bad + 1
        assert(r.status == "fail" and r.why == "negative")
      end
    end
    assert(ok > 0 and bad > 0)
    assert(tr:best_trial().result.loss >= 0)
  end)

  it("a non-finite loss is a failed trial, not a best", function()
    local tr = hopt.trials()
    hopt.fmin{ fn = function(x) return x < 0 and 0 / 0 or x end, space = space, max_evals = 20, trials = tr,
               seed = 4, show_progressbar = false }
    assert(tr:argmin().x >= 0)
    local statuses = tr:statuses()
    local fails = 0
    for _, s in ipairs(statuses) do if s == "fail" then fails = fails + 1 end end
    assert(fails > 0)
  end)

  it("an objective may read the trials it is filling", function()
    local tr = hopt.trials()
    local seen = {}
    hopt.fmin{ fn = function(x)
        seen[#seen + 1] = #tr:losses()
        return x
      end, space = space, max_evals = 4, trials = tr, seed = 1, show_progressbar = false }
    assert(#tr == 4 and seen[1] >= 1 and seen[4] == 4, table.concat(seen, ","))
  end)

  it("fmin works inside a coroutine and inside an objective", function()
    local co = coroutine.wrap(function() return run("rand", 8, nil, { max_evals = 5 }) end)
    assert(co().x)
    local inner = 0
    hopt.fmin{ fn = function(x)
        local b = run("rand", 1, nil, { max_evals = 3 })
        inner = inner + 1
        return math.abs(x - b.x)
      end, space = space, max_evals = 3, seed = 1, show_progressbar = false }
    assert(inner == 3)
  end)
end)
