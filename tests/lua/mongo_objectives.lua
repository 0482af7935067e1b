-- The Lua objectives test_mongo serves through hopt-lua-worker --objectives.
local hopt = require("hopt")
return {
  quadratic = function(p)
    return { loss = (p.x - 1) ^ 2 + (p.kind == "a" and 0 or 0.5), status = hopt.STATUS_OK, served_by = "lua" }
  end,
  broken = function(p) error({ message = "broken objective saw x=" .. p.x }) end,
}
