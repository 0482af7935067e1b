-- A worker process serving Lua objectives for test_mongo.lua:
--   lua5.4 mongo_worker.lua URL MAX_JOBS
-- Prints "jobs: N" when it stops.
local hopt = require("hopt")
local url, max_jobs = arg[1], math.tointeger(tonumber(arg[2]))

local n = hopt.worker{
  mongo = url,
  objectives = {
    quadratic = function(p)
      return { loss = (p.x - 1) ^ 2 + (p.kind == "a" and 0 or 0.5), status = hopt.STATUS_OK, served_by = "lua" }
    end,
    broken = function(p) error({ message = "broken objective saw x=" .. p.x }) end,
  },
  poll_interval = 0.05,
  max_jobs = max_jobs,
  reserve_timeout = 60,
}
print("jobs: " .. n)
