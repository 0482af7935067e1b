-- Search spaces in Lua: hp.* builds hyperparameter nodes, which nest inside
-- plain tables (dicts and lists) and combine with arithmetic; space.to_json
-- writes the whole space as hopt's space JSON (docs/space-json.md).
local json = require("hopt.json")

local hp = {}
local scope = {}

local node_mt = { __name = "hopt.hp" }

local function node(spec)
  return setmetatable({ spec = spec }, node_mt)
end

local function is_node(v)
  return getmetatable(v) == node_mt
end

-- Arithmetic on nodes (and numbers) builds {"op": ..., "args": [...]}.
local function op(name, ...)
  return node({ op = name, args = { ... } })
end
node_mt.__add = function(a, b) return op("add", a, b) end
node_mt.__sub = function(a, b) return op("sub", a, b) end
node_mt.__mul = function(a, b) return op("mul", a, b) end
node_mt.__div = function(a, b) return op("div", a, b) end
node_mt.__idiv = function(a, b) return op("floordiv", a, b) end
node_mt.__mod = function(a, b) return op("mod", a, b) end
node_mt.__pow = function(a, b) return op("pow", a, b) end
node_mt.__unm = function(a) return op("neg", a) end
node_mt.__tostring = function(n)
  return "hopt.hp(" .. (n.spec.hp and (n.spec.hp .. " '" .. tostring(n.spec.label) .. "'") or n.spec.op) .. ")"
end

-- hyperopt's pyll.scope casts and functions.
for _, name in ipairs({ "int", "float", "abs", "exp", "log", "sqrt" }) do
  scope[name] = function(x) return op(name, x) end
end
scope.min = function(...) return op("min", ...) end
scope.max = function(...) return op("max", ...) end

local function check_label(label)
  if type(label) ~= "string" then
    error("a hyperparameter label must be a string, not a " .. type(label), 3)
  end
end

local function check_numbers(what, ...)
  for i = 1, select("#", ...) do
    local v = select(i, ...)
    if type(v) ~= "number" then
      error(what .. ": argument " .. i .. " must be a number, not a " .. type(v), 3)
    end
  end
end

-- A distribution with numeric fields named by `fields`.
local function numeric(dist, fields)
  hp[dist] = function(label, ...)
    check_label(label)
    check_numbers("hp." .. dist .. " '" .. label .. "'", ...)
    if select("#", ...) ~= #fields then
      error("hp." .. dist .. " takes a label and " .. table.concat(fields, ", "), 2)
    end
    local spec = { hp = dist, label = label }
    for i, f in ipairs(fields) do spec[f] = select(i, ...) end
    return node(spec)
  end
end
numeric("uniform", { "low", "high" })
numeric("quniform", { "low", "high", "q" })
numeric("loguniform", { "low", "high" })
numeric("qloguniform", { "low", "high", "q" })
numeric("normal", { "mu", "sigma" })
numeric("qnormal", { "mu", "sigma", "q" })
numeric("lognormal", { "mu", "sigma" })
numeric("qlognormal", { "mu", "sigma", "q" })

-- hp.randint(label, upper) or hp.randint(label, low, high): an integer in [low, high).
function hp.randint(label, a, b)
  check_label(label)
  if b == nil then
    check_numbers("hp.randint '" .. label .. "'", a)
    return node({ hp = "randint", label = label, upper = a })
  end
  check_numbers("hp.randint '" .. label .. "'", a, b)
  return node({ hp = "randint", label = label, low = a, high = b })
end

-- hp.uniformint(label, low, high [, q]): an integer in the point.
function hp.uniformint(label, low, high, q)
  check_label(label)
  check_numbers("hp.uniformint '" .. label .. "'", low, high, q or 1)
  return node({ hp = "uniformint", label = label, low = low, high = high, q = q })
end

local function check_options(what, options)
  if type(options) ~= "table" or is_node(options) then
    error(what .. ": options must be a list", 3)
  end
end

-- hp.choice(label, {option, ...}): the index in vals, the option in the point.
function hp.choice(label, options)
  check_label(label)
  check_options("hp.choice '" .. label .. "'", options)
  return node({ hp = "choice", label = label, options = options })
end

-- hp.pchoice(label, {{p, option}, ...}), probabilities summing to 1.
function hp.pchoice(label, options)
  check_label(label)
  check_options("hp.pchoice '" .. label .. "'", options)
  return node({ hp = "pchoice", label = label, options = options })
end

-- Keys that make a JSON object a node rather than a dict (docs/space-json.md).
local reserved = { hp = true, ref = true, op = true, const = true, dict = true, list = true, tuple = true }

-- The space as a JSON-ready Lua value. A hyperparameter node met a second
-- time (the same table) becomes a {"ref": label}, so one parameter can be
-- shared by several branches, as in hyperopt.
local function lower(v, defined, visiting)
  if is_node(v) then
    if visiting[v] then error("the space contains itself", 0) end
    local spec = v.spec
    if spec.hp and defined[spec.label] == v then return json.object({ ref = spec.label }) end
    visiting[v] = true
    local out = json.object()
    if spec.hp then defined[spec.label] = defined[spec.label] or v end
    for k, x in pairs(spec) do out[k] = lower(x, defined, visiting) end
    visiting[v] = nil
    return out
  elseif type(v) == "table" and v ~= json.null then
    if visiting[v] then error("the space contains itself", 0) end
    local kind, why = json.table_kind(v)
    if not kind then error("in the space: " .. why, 0) end
    visiting[v] = true
    local out, clash = kind == "array" and json.array() or json.object(), false
    for k, x in pairs(v) do
      out[k] = lower(x, defined, visiting)
      clash = clash or reserved[k] ~= nil
    end
    visiting[v] = nil
    if clash then return json.object({ dict = out }) end
    return out
  elseif type(v) == "number" and v ~= v then
    error("the space holds a NaN", 0)
  end
  return v
end

-- hopt's space JSON for a Lua space (a node, a table of nodes, a constant).
local function to_json(space)
  return json.encode(lower(space, {}, {}))
end

return { hp = hp, scope = scope, is_node = is_node, to_json = to_json }
