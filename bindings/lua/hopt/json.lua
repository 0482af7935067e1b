-- JSON for the Lua binding: hopt speaks JSON at its C API (spaces, points,
-- trial documents). Written here rather than taken from lua-cjson because
-- hopt needs what cjson 2.1 does not give: integers that stay integers
-- (a choice index, a randint value) and floats written so that they read back
-- exactly (cjson keeps 14 digits).
--
-- Lua -> JSON: strings, booleans, integers, finite floats (always with a '.'
-- or exponent, so 3.0 stays a float), json.null, tables. A table whose keys
-- are 1..n is an array; one with string keys an object; an empty table is
-- an array unless made with json.object(). JSON -> Lua: arrays and objects
-- are tables (marked, so they encode back to the same kind), null is
-- json.null, integers are Lua integers.
local json = {}

local null_mt = { __tostring = function() return "null" end, __name = "hopt.null" }
json.null = setmetatable({}, null_mt)

local array_mt = { __name = "hopt.json.array" }
local object_mt = { __name = "hopt.json.object" }

-- Mark `t` (default: a new table) as a JSON object, even when empty.
function json.object(t)
  return setmetatable(t or {}, object_mt)
end

-- Mark `t` (default: a new table) as a JSON array.
function json.array(t)
  return setmetatable(t or {}, array_mt)
end

local escapes = {
  ['"'] = '\\"', ["\\"] = "\\\\", ["\b"] = "\\b", ["\f"] = "\\f",
  ["\n"] = "\\n", ["\r"] = "\\r", ["\t"] = "\\t",
}

local function encode_string(s)
  return '"' .. s:gsub('[%c"\\]', function(c)
    return escapes[c] or string.format("\\u%04x", c:byte())
  end) .. '"'
end

-- Shortest of %.15g..%.17g that reads back as the same double.
local function encode_float(x)
  if x ~= x or x == math.huge or x == -math.huge then
    error("JSON cannot hold " .. tostring(x), 0)
  end
  local s
  for digits = 15, 17 do
    s = string.format("%." .. digits .. "g", x)
    if tonumber(s) == x then break end
  end
  if not s:find("[.eEn]") then s = s .. ".0" end
  return s
end

-- "array", "object", or nil and a reason.
local function table_kind(t)
  local mt = getmetatable(t)
  if mt == object_mt then return "object" end
  local n = #t
  local count = 0
  for k in pairs(t) do
    count = count + 1
    if math.type(k) ~= "integer" or k < 1 or k > n then
      if type(k) ~= "string" then
        return nil, "a table key must be a string or an array index, not " .. tostring(k)
      end
      if n > 0 then return nil, "a table mixes array items and string keys" end
      return "object"
    end
  end
  if count ~= n then return nil, "an array has holes (nil items)" end
  return "array"
end
json.table_kind = table_kind

local function encode_value(v, out, visiting)
  local t = type(v)
  if t == "string" then
    out[#out + 1] = encode_string(v)
  elseif t == "number" then
    out[#out + 1] = math.type(v) == "integer" and string.format("%d", v) or encode_float(v)
  elseif t == "boolean" then
    out[#out + 1] = tostring(v)
  elseif v == json.null then
    out[#out + 1] = "null"
  elseif t == "table" then
    if visiting[v] then error("a table contains itself", 0) end
    visiting[v] = true
    local kind, why = table_kind(v)
    if not kind then error(why, 0) end
    if kind == "array" then
      out[#out + 1] = "["
      for i = 1, #v do
        if i > 1 then out[#out + 1] = "," end
        encode_value(v[i], out, visiting)
      end
      out[#out + 1] = "]"
    else
      local keys = {}
      for k in pairs(v) do keys[#keys + 1] = k end
      table.sort(keys)
      out[#out + 1] = "{"
      for i, k in ipairs(keys) do
        if i > 1 then out[#out + 1] = "," end
        out[#out + 1] = encode_string(k)
        out[#out + 1] = ":"
        encode_value(v[k], out, visiting)
      end
      out[#out + 1] = "}"
    end
    visiting[v] = nil
  else
    error("JSON cannot hold a " .. t, 0)
  end
end

-- JSON text of `v`; raises a message naming the problem.
function json.encode(v)
  local out = {}
  encode_value(v, out, {})
  return table.concat(out)
end

-- Decoding: a recursive descent over the text, position by position.
local decode_value

local function decode_error(s, pos, what)
  error(string.format("invalid JSON at byte %d: %s", pos, what), 0)
end

local function skip(s, pos)
  return s:find("[^ \t\r\n]", pos) or #s + 1
end

local function decode_string(s, pos)
  local parts = {}
  local i = pos + 1
  while true do
    local j = s:find('["\\]', i)
    if not j then decode_error(s, pos, "unterminated string") end
    parts[#parts + 1] = s:sub(i, j - 1)
    if s:sub(j, j) == '"' then return table.concat(parts), j + 1 end
    local e = s:sub(j + 1, j + 1)
    if e == "u" then
      local hex = s:sub(j + 2, j + 5)
      local cp = tonumber(hex, 16)
      if not cp or #hex ~= 4 then decode_error(s, j, "bad \\u escape") end
      i = j + 6
      if cp >= 0xD800 and cp <= 0xDBFF and s:sub(i, i + 1) == "\\u" then
        local lo = tonumber(s:sub(i + 2, i + 5), 16)
        if lo and lo >= 0xDC00 and lo <= 0xDFFF then
          cp = 0x10000 + (cp - 0xD800) * 0x400 + (lo - 0xDC00)
          i = i + 6
        end
      end
      parts[#parts + 1] = utf8.char(cp)
    else
      local c = ({ ['"'] = '"', ["\\"] = "\\", ["/"] = "/", b = "\b", f = "\f", n = "\n", r = "\r", t = "\t" })[e]
      if not c then decode_error(s, j, "bad escape") end
      parts[#parts + 1] = c
      i = j + 2
    end
  end
end

local function decode_number(s, pos)
  local text = s:match("^-?%d+%.?%d*[eE]?[-+]?%d*", pos)
  if not text or text == "-" then decode_error(s, pos, "unexpected character") end
  local v = text:find("[.eE]") and tonumber(text) or math.tointeger(tonumber(text)) or tonumber(text .. ".0")
  if not v then decode_error(s, pos, "bad number") end
  return v, pos + #text
end

local literals = { ["true"] = true, ["false"] = false }

function decode_value(s, pos)
  pos = skip(s, pos)
  local c = s:sub(pos, pos)
  if c == "{" then
    local obj = json.object()
    pos = skip(s, pos + 1)
    if s:sub(pos, pos) == "}" then return obj, pos + 1 end
    while true do
      if s:sub(pos, pos) ~= '"' then decode_error(s, pos, "expected a key") end
      local k
      k, pos = decode_string(s, pos)
      pos = skip(s, pos)
      if s:sub(pos, pos) ~= ":" then decode_error(s, pos, "expected ':'") end
      obj[k], pos = decode_value(s, pos + 1)
      pos = skip(s, pos)
      local d = s:sub(pos, pos)
      if d == "}" then return obj, pos + 1 end
      if d ~= "," then decode_error(s, pos, "expected ',' or '}'") end
      pos = skip(s, pos + 1)
    end
  elseif c == "[" then
    local arr = json.array()
    pos = skip(s, pos + 1)
    if s:sub(pos, pos) == "]" then return arr, pos + 1 end
    while true do
      arr[#arr + 1], pos = decode_value(s, pos)
      pos = skip(s, pos)
      local d = s:sub(pos, pos)
      if d == "]" then return arr, pos + 1 end
      if d ~= "," then decode_error(s, pos, "expected ',' or ']'") end
      pos = pos + 1
    end
  elseif c == '"' then
    return decode_string(s, pos)
  elseif s:sub(pos, pos + 3) == "null" then
    return json.null, pos + 4
  else
    for word, v in pairs(literals) do
      if s:sub(pos, pos + #word - 1) == word then return v, pos + #word end
    end
    return decode_number(s, pos)
  end
end

-- The Lua value of JSON text; raises a message with the byte position.
function json.decode(s)
  local v, pos = decode_value(s, 1)
  pos = skip(s, pos)
  if pos <= #s then decode_error(s, pos, "trailing characters") end
  return v
end

return json
