-- Spaces: every distribution, nested and conditional spaces, shared
-- parameters, arithmetic, space_eval, and the JSON the Lua layer writes.
local dir = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
local t = dofile(dir .. "helpers.lua")
local hopt = require("hopt")
local hp, json = hopt.hp, hopt.json

describe("spaces", function()
  local function draws(space, n)
    local out = {}
    for seed = 1, n do
      local vals, point = hopt.sample(space, seed)
      out[seed] = { vals = vals, point = point }
    end
    return out
  end

  local function is_multiple(v, q)
    local r = v / q
    return math.abs(r - math.floor(r + 0.5)) < 1e-9
  end

  it("continuous distributions stay in their ranges", function()
    for _, d in ipairs(draws(hp.uniform("x", -2, 3), 200)) do
      assert(d.point >= -2 and d.point < 3 and math.type(d.point) == "float")
      assert(d.vals.x == d.point)
    end
    for _, d in ipairs(draws(hp.loguniform("x", -3, 1), 200)) do
      assert(d.point >= math.exp(-3) and d.point <= math.exp(1))
    end
    for _, d in ipairs(draws(hp.lognormal("x", 0, 1), 200)) do assert(d.point > 0) end
    local sum = 0
    for _, d in ipairs(draws(hp.normal("x", 10, 0.5), 400)) do sum = sum + d.point end
    t.near(sum / 400, 10, 0.2)
  end)

  it("quantized distributions give multiples of q", function()
    for _, d in ipairs(draws(hp.quniform("x", 0, 10, 2.5), 100)) do
      assert(is_multiple(d.point, 2.5) and d.point >= 0 and d.point <= 10, d.point)
    end
    for _, d in ipairs(draws(hp.qloguniform("x", 0, 3, 1), 100)) do
      assert(is_multiple(d.point, 1) and d.point >= 1 and d.point <= math.exp(3) + 1)
    end
    for _, d in ipairs(draws(hp.qnormal("x", 0, 5, 0.5), 100)) do assert(is_multiple(d.point, 0.5)) end
    for _, d in ipairs(draws(hp.qlognormal("x", 0, 1, 0.25), 100)) do
      assert(is_multiple(d.point, 0.25) and d.point >= 0)
    end
  end)

  it("integer distributions give Lua integers", function()
    local seen = {}
    for _, d in ipairs(draws(hp.randint("n", 5), 200)) do
      assert(math.type(d.point) == "integer" and d.point >= 0 and d.point < 5, d.point)
      seen[d.point] = true
    end
    for i = 0, 4 do assert(seen[i], "randint never drew " .. i) end
    for _, d in ipairs(draws(hp.randint("n", 3, 7), 100)) do
      assert(math.type(d.point) == "integer" and d.point >= 3 and d.point < 7)
    end
    for _, d in ipairs(draws(hp.uniformint("n", 1, 10), 100)) do
      assert(math.type(d.point) == "integer" and d.point >= 1 and d.point <= 10)
      assert(math.type(d.vals.n) == "float")  -- as hyperopt: a float in vals
    end
    for _, d in ipairs(draws(hopt.scope.int(hp.quniform("n", 1, 9, 1)), 50)) do
      assert(math.type(d.point) == "integer")
    end
  end)

  it("choice and pchoice give indices in vals and options in the point", function()
    local opts = { "adam", "sgd", 3 }
    local counts = { 0, 0, 0 }
    for _, d in ipairs(draws(hp.choice("opt", opts), 300)) do
      local i = d.vals.opt
      assert(math.type(i) == "integer" and i >= 0 and i <= 2)
      assert(d.point == opts[i + 1])
      counts[i + 1] = counts[i + 1] + 1
    end
    for i = 1, 3 do assert(counts[i] > 50, "choice is not uniform") end
    local never = 0
    for _, d in ipairs(draws(hp.pchoice("p", { { 0.9, "often" }, { 0.1, "rare" }, { 0.0, "never" } }), 300)) do
      if d.point == "never" then never = never + 1 end
    end
    assert(never == 0)
  end)

  it("conditional spaces: inactive labels are absent from vals", function()
    local space = hp.choice("model", {
      { kind = "svm", C = hp.loguniform("C", -3, 3) },
      { kind = "tree", depth = hp.randint("depth", 1, 10), split = hp.choice("split", { "gini", "entropy" }) },
    })
    local saw = {}
    for _, d in ipairs(draws(space, 100)) do
      if d.vals.model == 0 then
        assert(d.point.kind == "svm" and d.vals.C and not d.vals.depth and not d.vals.split)
        t.near(d.point.C, d.vals.C)
      else
        assert(d.point.kind == "tree" and not d.vals.C and d.vals.depth and d.vals.split)
        assert(d.point.split == ({ "gini", "entropy" })[d.vals.split + 1])
      end
      saw[d.vals.model] = true
    end
    assert(saw[0] and saw[1])
  end)

  it("nested dicts and lists keep their shape", function()
    local space = { lr = hp.loguniform("lr", -5, 0), layers = { hp.randint("l1", 8, 64), 32, "relu" },
                    opt = { name = "adam", beta = hp.uniform("beta", 0.8, 0.99) } }
    local _, p = hopt.sample(space, 3)
    assert(type(p.layers) == "table" and #p.layers == 3 and p.layers[2] == 32 and p.layers[3] == "relu")
    assert(p.opt.name == "adam" and p.opt.beta >= 0.8)
  end)

  it("space_eval: hyperopt's documented example", function()
    local space = hp.choice("a", {
      { "case 1", 1 + hp.lognormal("c1", 0, 1) },
      { "case 2", hp.uniform("c2", -10, 10) },
    })
    assert(t.same(hopt.space_eval(space, { a = 0, c1 = 1.0 }), { "case 1", 2.0 }))
    assert(t.same(hopt.space_eval(space, { a = 1, c2 = 3.5 }), { "case 2", 3.5 }))
  end)

  it("a parameter used twice is one parameter (a ref)", function()
    local x = hp.uniform("x", -20, 20)
    local space = hp.choice("curve", { x, x + math.pi })
    t.contains(hopt.space_json(space), '{"ref":"x"}')
    local p = hopt.space_eval(space, { curve = 1, x = 1.0 })
    t.near(p, 1 + math.pi)
  end)

  it("arithmetic and scope functions", function()
    local x = hp.uniform("x", 1, 2)
    local space = { sum = x + 1, neg = -x, pow = 2 ^ hp.randint("k", 0, 4), half = x / 2,
                    fl = hp.randint("m", 0, 10) // 3, mx = hopt.scope.max(x, 1.5), s = hopt.scope.sqrt(x) }
    local p = hopt.space_eval(space, { x = 1.44, k = 3, m = 7 })
    t.near(p.sum, 2.44); t.near(p.neg, -1.44); t.near(p.half, 0.72); t.near(p.s, 1.2)
    assert(p.pow == 8 and p.fl == 2 and math.type(p.fl) == "integer")
    t.near(p.mx, 1.5)
  end)

  it("a dict with a reserved key stays a dict", function()
    local space = { hp = "not a distribution", op = 3, x = hp.uniform("x", 0, 1) }
    local p = hopt.space_eval(space, { x = 0.5 })
    assert(p.hp == "not a distribution" and p.op == 3 and p.x == 0.5)
  end)

  it("json: integers, floats, escapes, unicode round-trip", function()
    local v = { 1, 2.5, 3.0, -0.1, 1e300, "a\"b\\c\n\1", "héllo ✓", true, false, json.null, json.object(), {} }
    local text = json.encode(v)
    local back = json.decode(text)
    assert(#back == #v)
    for i = 1, 9 do assert(back[i] == v[i] and math.type(back[i]) == math.type(v[i]), i) end
    assert(back[10] == json.null)
    assert(json.encode(back[11]) == "{}" and json.encode(back[12]) == "[]")
    assert(json.encode(0.1) == "0.1" and json.encode(3.0) == "3.0" and json.encode(7) == "7")
    assert(json.decode('"\\ud83d\\ude00"') == "😀")
    t.contains(t.raises(json.encode, { 1, nil, 3 }), "holes")
    t.contains(t.raises(json.encode, { 1, x = 2 }), "mixes")
    t.contains(t.raises(json.encode, 0 / 0), "JSON cannot hold")
    t.contains(t.raises(json.decode, '{"a": }'), "invalid JSON at byte")
  end)
end)
