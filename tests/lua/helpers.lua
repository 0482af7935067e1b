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

-- The shell command that runs the Lua script `path` with the Lua and the
-- module paths of this process.
function h.lua_command(path)
  return string.format("env LUA_PATH='%s' LUA_CPATH='%s' %s %s", package.path, package.cpath,
                       os.getenv("HOPT_LUA") or "lua5.4", path)
end

-- The same for hopt-lua-worker.
function h.worker_command()
  return h.lua_command(assert(os.getenv("HOPT_LUA_WORKER"), "HOPT_LUA_WORKER is not set"))
end

-- Start the shell command `command` in the background, its output to the
-- file `log`. Returns its pid and a function that waits for it to end and
-- returns its exit status (128 + N if signal N ended it); a process still
-- running after `deadline` seconds (default 60) is killed, so that a test
-- never hangs.
function h.spawn(command, log, deadline)
  local sh = assert(io.popen(string.format(
    "exec 2>/dev/null; %s >'%s' 2>&1 & pid=$!; echo $pid; "
    .. "(sleep %d & s=$!; trap 'kill $s; exit 0' TERM; wait $s; kill -KILL $pid) </dev/null >/dev/null 2>&1 & dog=$!; "
    .. "wait $pid; status=$?; kill $dog; echo $status", command, log, deadline or 60)))
  local pid = assert(math.tointeger(tonumber(sh:read("l"))), "no pid")
  return pid, function()
    local status = tonumber(sh:read("l"))
    sh:close()
    return status
  end
end

-- Wait until the file `path` contains `text` (at most `seconds`); returns its content.
function h.wait_for_text(path, text, seconds)
  for _ = 1, seconds * 20 do
    local f = io.open(path)
    local content = f and f:read("a") or ""
    if f then f:close() end
    if content:find(text, 1, true) then return content end
    os.execute("sleep 0.05")
  end
  error(string.format("%q not in %s after %d s", text, path, seconds))
end

return h
