-- Ownership: hopt holds each Lua objective through a registry reference that
-- its user_free drops. Functions must be collectable once no handle needs
-- them, and stay alive while one does. Run under ASan in the sanitizer suite
-- (use-after-free, leaks at lua_close).
local dir = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
local t = dofile(dir .. "helpers.lua")
local hopt = require("hopt")
local core = hopt.core

describe("ownership of Lua objectives", function()
  -- Is the function tracked in `weak` still alive after a full collection?
  local function alive(weak)
    collectgarbage("collect")
    collectgarbage("collect")
    return next(weak) ~= nil
  end

  it("an objective is released after fmin", function()
    local weak = setmetatable({}, { __mode = "k" })
    do
      local big = string.rep("x", 1 << 20)
      local fn = function(x) return x + #big * 0 end
      weak[fn] = true
      hopt.fmin{ fn = fn, space = hopt.hp.uniform("x", 0, 1), max_evals = 3, show_progressbar = false }
    end
    assert(not alive(weak), "the objective's function was not released")
  end)

  it("an early_stop_fn is released after fmin", function()
    local weak = setmetatable({}, { __mode = "k" })
    do
      local stop = function(trials) return #trials >= 2 end
      weak[stop] = true
      hopt.fmin{ fn = function(x) return x end, space = hopt.hp.uniform("x", 0, 1), max_evals = 5,
                 early_stop_fn = stop, show_progressbar = false }
    end
    assert(not alive(weak), "the early_stop_fn was not released")
  end)

  it("a registry keeps an objective alive after its own handle dies", function()
    local weak = setmetatable({}, { __mode = "k" })
    local registry = core.hopt_registry_new()
    do
      local fn = function() return 1 end
      weak[fn] = true
      core.hopt_registry_add(registry, core.hoptlua_objective_new("f", fn))
    end
    assert(alive(weak), "released while the registry holds it")
    assert(core.hopt_registry_names(registry) == '["f"]')
    registry = nil  -- luacheck: ignore
    assert(not alive(weak), "not released with the registry")
  end)

  it("handles freed in any order, many times", function()
    for i = 1, 200 do
      local objective = core.hoptlua_objective_new("o" .. i, function() return i end)
      local registry = core.hopt_registry_new()
      core.hopt_registry_add(registry, objective)
      if i % 2 == 0 then objective = nil else registry = nil end  -- luacheck: ignore
      if i % 50 == 0 then collectgarbage("collect") end
    end
    local weak = setmetatable({}, { __mode = "k" })
    for i = 1, 50 do
      local fn = function(x) return x * i end
      weak[fn] = true
      pcall(hopt.fmin, { fn = fn, space = hopt.hp.uniform("x", 0, 1), max_evals = 2, show_progressbar = false,
                         seed = i % 3 == 0 and -1 or i })  -- some calls fail before fmin runs
    end
    assert(not alive(weak))
  end)

  it("an error value is released once raised", function()
    local weak = setmetatable({}, { __mode = "k" })
    do
      local e = {}
      weak[e] = true
      pcall(hopt.fmin, { fn = function() error(e) end, space = hopt.hp.uniform("x", 0, 1), max_evals = 2,
                         show_progressbar = false })
    end
    assert(not alive(weak))
  end)

  -- Left alive on purpose: finalized by lua_close at exit (checked by ASan).
  KEEP_REGISTRY = core.hopt_registry_new()
  core.hopt_registry_add(KEEP_REGISTRY, core.hoptlua_objective_new("kept", function() return 0 end))
  KEEP_TRIALS = hopt.trials()
end)
