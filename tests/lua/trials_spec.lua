-- Trials accessors: losses, statuses, documents, best_trial, argmin, counts,
-- export and import.
local dir = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
local t = dofile(dir .. "helpers.lua")
local hopt = require("hopt")
local hp = hopt.hp

describe("trials accessors", function()
  local space = { x = hp.uniform("x", -3, 3), kind = hp.choice("kind", { "a", { "b", hp.randint("n", 10) } }) }
  local function objective(p)
    if p.x > 2.5 then return { status = hopt.STATUS_FAIL } end
    return p.x ^ 2 + (p.kind == "a" and 0 or 1)
  end

  local tr = hopt.trials("exp-lua")
  hopt.fmin{ fn = objective, space = space, max_evals = 25, trials = tr, seed = 17, show_progressbar = false }

  it("counts and length", function()
    assert(#tr == 25 and tr:count() == 25)
    assert(tr:count(hopt.JOB_STATE_DONE) == 25 and tr:count(hopt.JOB_STATE_ERROR) == 0)
    assert(tr:exp_key() == "exp-lua")
    assert(hopt.trials():exp_key() == nil)
  end)

  it("losses, statuses and documents agree", function()
    local losses, statuses, docs = tr:losses(), tr:statuses(), tr:trials()
    assert(#losses == 25 and #statuses == 25 and #docs == 25)
    for i, doc in ipairs(docs) do
      assert(doc.tid == i - 1 and doc.state == hopt.JOB_STATE_DONE and doc.exp_key == "exp-lua")
      assert(statuses[i] == doc.result.status)
      if doc.result.status == "ok" then
        assert(losses[i] == doc.result.loss)
        t.near(objective(hopt.space_eval(space, t.vals_of(doc))), doc.result.loss)
      else
        assert(losses[i] ~= losses[i], "a failed trial has a NaN loss")
      end
      assert(t.same(tr:get(doc.tid), doc))
    end
  end)

  it("best_trial and argmin", function()
    local best = tr:best_trial()
    for _, l in ipairs(tr:losses()) do assert(not (l < best.result.loss)) end
    local argmin = tr:argmin()
    assert(argmin.x == best.misc.vals.x[1] and argmin.kind == best.misc.vals.kind[1])
    assert(argmin.kind == 0 or argmin.n ~= nil)
  end)

  it("export and import round-trip", function()
    local copy = hopt.trials("exp-lua")
    copy:import_json(tr:export_json())
    assert(#copy == 25 and t.same(copy:trials(), tr:trials()))
    assert(t.same(copy:argmin(), tr:argmin()))
    -- a search continues from imported trials
    hopt.fmin{ fn = objective, space = space, max_evals = 30, trials = copy, seed = 1, show_progressbar = false }
    assert(#copy == 30 and #tr == 25)
    copy:delete_all()
    assert(#copy == 0)
  end)
end)
