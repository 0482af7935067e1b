-- Assertions the Lua specs share (loaded with dofile beside each spec).
local h = {}

-- Assert that f(...) raises; return the error value.
function h.raises(f, ...)
  local ok, err = pcall(f, ...)
  assert(not ok, "expected an error")
  return err
end

-- Assert that `s` contains `part` (plain text).
function h.contains(s, part)
  assert(type(s) == "string", "not a string: " .. tostring(s))
  assert(s:find(part, 1, true), string.format("%q does not contain %q", s, part))
end

function h.near(a, b, tol)
  assert(math.abs(a - b) <= (tol or 1e-9), string.format("%.17g is not near %.17g", a, b))
end

-- Deep equality of plain values and tables (integer and float differ).
function h.same(a, b)
  if type(a) ~= "table" or type(b) ~= "table" then return a == b and math.type(a) == math.type(b) end
  for k, v in pairs(a) do if not h.same(v, b[k]) then return false end end
  for k in pairs(b) do if a[k] == nil then return false end end
  return true
end

-- Flat vals (label -> value) of a trial document; inactive labels absent.
function h.vals_of(doc)
  local vals = {}
  for label, v in pairs(doc.misc.vals) do vals[label] = v[1] end
  return vals
end

-- The shell command that runs hopt-lua-worker with the Lua and the module
-- paths of this process.
function h.worker_command()
  return string.format("env LUA_PATH='%s' LUA_CPATH='%s' %s %s", package.path, package.cpath,
                       os.getenv("HOPT_LUA") or "lua5.4", assert(os.getenv("HOPT_LUA_WORKER"), "HOPT_LUA_WORKER is not set"))
end

return h
