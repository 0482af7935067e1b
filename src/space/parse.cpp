// JSON description -> Space. Every refusal names the label (or the path, for
// nodes without one) so a user can find the mistake in a large space.
#include <cmath>
#include <cstdio>
#include <functional>
#include <initializer_list>
#include <optional>

#include "core/error.hpp"
#include "space/space.hpp"

namespace hopt::space {

namespace {

// log(DBL_MAX): exp of anything larger is infinite.
constexpr double kMaxLog = 709.78;

const char *const kDiscriminators[] = {"hp", "ref", "op", "const", "dict", "list", "tuple"};

struct DistSpec {
    const char *name;
    Dist dist;
};
const DistSpec kDists[] = {
    {"choice", Dist::Choice},           {"pchoice", Dist::PChoice},
    {"randint", Dist::RandInt},         {"uniform", Dist::Uniform},
    {"quniform", Dist::QUniform},       {"loguniform", Dist::LogUniform},
    {"qloguniform", Dist::QLogUniform}, {"normal", Dist::Normal},
    {"qnormal", Dist::QNormal},         {"lognormal", Dist::LogNormal},
    {"qlognormal", Dist::QLogNormal},   {"uniformint", Dist::UniformInt},
};

struct OpSpec {
    const char *name;
    Op op;
    int min_args, max_args;
};
const OpSpec kOps[] = {
    {"add", Op::Add, 2, 2},   {"sub", Op::Sub, 2, 2},     {"mul", Op::Mul, 2, 2},
    {"div", Op::Div, 2, 2},   {"floordiv", Op::FloorDiv, 2, 2}, {"mod", Op::Mod, 2, 2},
    {"pow", Op::Pow, 2, 2},   {"neg", Op::Neg, 1, 1},     {"abs", Op::Abs, 1, 1},
    {"int", Op::Int, 1, 1},   {"float", Op::Float, 1, 1}, {"min", Op::Min, 1, 1 << 30},
    {"max", Op::Max, 1, 1 << 30},  {"exp", Op::Exp, 1, 1},     {"log", Op::Log, 1, 1},
    {"sqrt", Op::Sqrt, 1, 1},
};

std::string dist_names() {
    std::string s;
    for (const auto &d : kDists) s += (s.empty() ? "" : ", ") + std::string(d.name);
    return s;
}

[[noreturn]] void space_error(const std::string &msg) { fail(HOPT_ESPACE, "invalid space: " + msg); }

// A label as it can appear in a message: control characters escaped (a NUL
// would end the C string), very long labels shortened.
std::string shown(const std::string &label) {
    std::string out;
    for (unsigned char c : label.substr(0, 80)) {
        if (c < 0x20 || c == 0x7f) {
            char buf[8];
            std::snprintf(buf, sizeof buf, "\\u%04x", c);
            out += buf;
        } else {
            out += static_cast<char>(c);
        }
    }
    if (label.size() > 80) out += "... (" + std::to_string(label.size()) + " bytes)";
    return out;
}

}  // namespace

class Parser {
public:
    explicit Parser(Space &s) : s_(s) {}

    NodeId node(const Json &j, int depth, const std::string &path) {
        if (depth > kMaxDepth)
            space_error("nesting deeper than " + std::to_string(kMaxDepth) + " levels at " + path);
        if (j.is_array()) return container(NodeKind::List, j, depth, path);
        if (!j.is_object()) return constant(j);
        const char *which = nullptr;
        for (const char *d : kDiscriminators) {
            if (!j.contains(d)) continue;
            if (which)
                space_error("object at " + path + " has both \"" + which + "\" and \"" + d +
                            "\"; wrap a plain dict as {\"dict\": {...}}");
            which = d;
        }
        if (!which) return dict(j, depth, path);
        const std::string w = which;
        if (w == "hp") return param(j, depth, path);
        if (w == "ref") return ref(j, path);
        if (w == "op") return op(j, depth, path);
        only_keys(j, {w.c_str()}, "\"" + w + "\" node at " + path);
        if (w == "const") return constant(j.at("const"));
        if (w == "dict") {
            if (!j["dict"].is_object()) space_error("\"dict\" at " + path + " must hold an object");
            return dict(j["dict"], depth, path);
        }
        if (!j[w].is_array()) space_error("\"" + w + "\" at " + path + " must hold an array");
        return container(w == "list" ? NodeKind::List : NodeKind::Tuple, j[w], depth, path);
    }

    void finish() {
        for (size_t p = 0; p < defined_.size(); ++p)
            if (!defined_[p]) space_error("reference to unknown label '" + shown(s_.params_[p].label) + "'");
        check_cycles();
    }

private:
    NodeId add(Node n) {
        s_.nodes_.push_back(std::move(n));
        return static_cast<NodeId>(s_.nodes_.size() - 1);
    }

    NodeId constant(const Json &v) {
        Node n;
        n.kind = NodeKind::Const;
        n.value = v;
        return add(std::move(n));
    }

    NodeId container(NodeKind kind, const Json &arr, int depth, const std::string &path) {
        std::vector<NodeId> kids;
        kids.reserve(arr.size());
        for (size_t i = 0; i < arr.size(); ++i)
            kids.push_back(node(arr[i], depth + 1, path + "[" + std::to_string(i) + "]"));
        Node n;
        n.kind = kind;
        n.children = std::move(kids);
        return add(std::move(n));
    }

    NodeId dict(const Json &obj, int depth, const std::string &path) {
        Node n;
        n.kind = NodeKind::Dict;
        for (auto it = obj.begin(); it != obj.end(); ++it) {
            n.keys.push_back(it.key());
            n.children.push_back(node(it.value(), depth + 1, path + "." + it.key()));
        }
        return add(std::move(n));
    }

    NodeId ref(const Json &j, const std::string &path) {
        only_keys(j, {"ref"}, "\"ref\" node at " + path);
        if (!j["ref"].is_string()) space_error("\"ref\" at " + path + " must be a label string");
        const std::string label = j["ref"];
        const int known = s_.find(label);
        Node n;
        n.kind = NodeKind::Param;
        n.param = known >= 0 ? static_cast<uint32_t>(known) : reserve(label);
        return add(std::move(n));
    }

    // An index for a label referenced before its definition.
    uint32_t reserve(const std::string &label) {
        const uint32_t index = static_cast<uint32_t>(s_.params_.size());
        s_.by_label_.emplace(label, index);
        s_.params_.emplace_back();
        s_.params_.back().label = label;
        defined_.push_back(false);
        return index;
    }

    NodeId op(const Json &j, int depth, const std::string &path) {
        only_keys(j, {"op", "args"}, "\"op\" node at " + path);
        if (!j["op"].is_string()) space_error("\"op\" at " + path + " must be a string");
        const std::string name = j["op"];
        const OpSpec *spec = nullptr;
        for (const auto &o : kOps)
            if (name == o.name) spec = &o;
        if (!spec) space_error("unknown operation '" + name + "' at " + path);
        if (!j.contains("args") || !j["args"].is_array())
            space_error("operation '" + name + "' at " + path + " needs an \"args\" array");
        const Json &args = j["args"];
        const int n_args = static_cast<int>(args.size());
        if (n_args < spec->min_args || n_args > spec->max_args)
            space_error("operation '" + name + "' at " + path + " takes " +
                        std::to_string(spec->min_args) +
                        (spec->max_args != spec->min_args ? " or more" : "") + " argument(s), got " +
                        std::to_string(n_args));
        Node n;
        n.kind = NodeKind::Op;
        n.op = spec->op;
        for (int i = 0; i < n_args; ++i)
            n.children.push_back(node(args[i], depth + 1, path + "." + name + "[" + std::to_string(i) + "]"));
        return add(std::move(n));
    }

    NodeId param(const Json &j, int depth, const std::string &path) {
        if (!j.contains("label") || !j["label"].is_string())
            space_error("hyperparameter at " + path + " needs a string \"label\"");
        const std::string label = j["label"];
        if (auto why = label_problem(label); !why.empty())
            space_error("label '" + shown(label) + "' at " + path + ": " + why);
        if (!j["hp"].is_string()) space_error("\"hp\" of label '" + label + "' must be a string");
        const std::string name = j["hp"];
        const DistSpec *spec = nullptr;
        for (const auto &d : kDists)
            if (name == d.name) spec = &d;
        if (!spec)
            space_error("unknown distribution '" + name + "' for label '" + label + "' (known: " +
                        dist_names() + ")");
        // A label met before through a {"ref"} already has its index: keep
        // it, so that parameters are numbered in order of first appearance
        // (which the canonical JSON preserves).
        uint32_t index;
        if (const int known = s_.find(label); known >= 0) {
            if (defined_[static_cast<size_t>(known)]) space_error("duplicate label '" + label + "'");
            index = static_cast<uint32_t>(known);
        } else {
            index = reserve(label);
        }
        defined_[index] = true;

        Param p;
        p.label = label;
        p.dist = spec->dist;
        const std::string what = name + " '" + label + "'";

        switch (p.dist) {
        case Dist::Uniform:
        case Dist::LogUniform:
            only_keys(j, {"hp", "label", "low", "high"}, what);
            bounds(j, p, what);
            break;
        case Dist::QUniform:
        case Dist::QLogUniform:
            only_keys(j, {"hp", "label", "low", "high", "q"}, what);
            bounds(j, p, what);
            p.q = quantum(j, what, std::nullopt);
            break;
        case Dist::UniformInt:
            only_keys(j, {"hp", "label", "low", "high", "q"}, what);
            bounds(j, p, what);
            p.q = quantum(j, what, 1.0);
            break;
        case Dist::Normal:
        case Dist::LogNormal:
            only_keys(j, {"hp", "label", "mu", "sigma"}, what);
            gaussian(j, p, what);
            break;
        case Dist::QNormal:
        case Dist::QLogNormal:
            only_keys(j, {"hp", "label", "mu", "sigma", "q"}, what);
            gaussian(j, p, what);
            p.q = quantum(j, what, std::nullopt);
            break;
        case Dist::RandInt: randint(j, p, what); break;
        case Dist::Choice:
            only_keys(j, {"hp", "label", "options"}, what);
            if (!j.contains("options") || !j["options"].is_array() || j["options"].empty())
                space_error(what + " needs a non-empty \"options\" array");
            for (size_t i = 0; i < j["options"].size(); ++i)
                p.options.push_back(node(j["options"][i], depth + 1,
                                         label + "[" + std::to_string(i) + "]"));
            break;
        case Dist::PChoice: {
            only_keys(j, {"hp", "label", "options"}, what);
            if (!j.contains("options") || !j["options"].is_array() || j["options"].empty())
                space_error(what + " needs a non-empty \"options\" array of [probability, option] pairs");
            double total = 0;
            for (size_t i = 0; i < j["options"].size(); ++i) {
                const Json &pair = j["options"][i];
                if (!pair.is_array() || pair.size() != 2)
                    space_error(what + ": option " + std::to_string(i) +
                                " must be a [probability, option] pair");
                double prob = number(pair[0], what + " probability " + std::to_string(i));
                if (!(prob >= 0 && prob <= 1))
                    space_error(what + ": probability " + std::to_string(i) + " is not in [0, 1]");
                total += prob;
                p.probs.push_back(prob);
                p.options.push_back(node(pair[1], depth + 1, label + "[" + std::to_string(i) + "]"));
            }
            if (std::fabs(total - 1.0) > 1e-6)
                space_error(what + ": probabilities sum to " + std::to_string(total) + ", not 1");
            break;
        }
        }
        s_.params_[index] = std::move(p);
        Node n;
        n.kind = NodeKind::Param;
        n.param = index;
        return add(std::move(n));
    }

    static void only_keys(const Json &j, std::initializer_list<const char *> allowed, const std::string &what) {
        for (auto it = j.begin(); it != j.end(); ++it) {
            bool ok = false;
            for (const char *a : allowed) ok = ok || it.key() == a;
            if (!ok) space_error(what + " has an unknown field \"" + it.key() + "\"");
        }
    }

    static double number(const Json &v, const std::string &what) {
        if (!v.is_number()) space_error(what + " must be a number, got " + json_kind(v));
        double d = v.get<double>();
        if (!std::isfinite(d)) space_error(what + " must be finite");
        return d;
    }

    static double field(const Json &j, const char *key, const std::string &what) {
        if (!j.contains(key)) space_error(what + " needs \"" + key + "\"");
        return number(j[key], what + " \"" + key + "\"");
    }

    static void bounds(const Json &j, Param &p, const std::string &what) {
        p.low = field(j, "low", what);
        p.high = field(j, "high", what);
        if (!(p.low < p.high))
            space_error(what + ": low (" + j["low"].dump() + ") must be less than high (" +
                        j["high"].dump() + ")");
        // Every draw must be a finite number (no store takes infinity).
        if (!std::isfinite(p.high - p.low)) space_error(what + ": high - low overflows a double");
        if ((p.dist == Dist::LogUniform || p.dist == Dist::QLogUniform) && p.high > kMaxLog)
            space_error(what + ": high must be at most 709.78 (exp(high) overflows a double)");
    }

    static void gaussian(const Json &j, Param &p, const std::string &what) {
        p.mu = field(j, "mu", what);
        p.sigma = field(j, "sigma", what);
        if (!(p.sigma > 0)) space_error(what + ": sigma must be positive");
        // Every draw must be a finite number: the normal draws stay within
        // 12 sigma of mu (found by fuzzing: lognormal with mu = 1.8e20).
        const double top = p.mu + 12 * p.sigma, bottom = p.mu - 12 * p.sigma;
        if (!std::isfinite(top) || !std::isfinite(bottom))
            space_error(what + ": mu +- 12 sigma overflows a double");
        if ((p.dist == Dist::LogNormal || p.dist == Dist::QLogNormal) && top > kMaxLog)
            space_error(what + ": mu + 12 sigma must be at most 709.78 (exp of a draw would overflow a double)");
    }

    static double quantum(const Json &j, const std::string &what, std::optional<double> dflt) {
        if (!j.contains("q")) {
            if (dflt) return *dflt;
            space_error(what + " needs \"q\"");
        }
        double q = number(j["q"], what + " \"q\"");
        if (!(q > 0)) space_error(what + ": q must be positive");
        return q;
    }

    static double integral(const Json &v, const std::string &what) {
        double d = number(v, what);
        if (d != std::floor(d) || std::fabs(d) > 9.0e15) space_error(what + " must be an integer");
        return d;
    }

    static void randint(const Json &j, Param &p, const std::string &what) {
        // hyperopt's two forms: randint(label, upper) and randint(label, low, high).
        only_keys(j, {"hp", "label", "low", "high", "upper"}, what);
        if (j.contains("upper")) {
            if (j.contains("low") || j.contains("high"))
                space_error(what + ": give either \"upper\" or \"low\"/\"high\"");
            p.low = 0;
            p.high = integral(j["upper"], what + " \"upper\"");
        } else {
            if (!j.contains("high")) space_error(what + " needs \"upper\" or \"high\"");
            p.low = j.contains("low") ? integral(j["low"], what + " \"low\"") : 0;
            p.high = integral(j["high"], what + " \"high\"");
        }
        if (!(p.low < p.high)) space_error(what + ": the range [low, high) is empty");
    }

    // A choice whose options contain itself (directly or through other
    // parameters' options) would never finish evaluating.
    void check_cycles() {
        const size_t n = s_.params_.size();
        std::vector<std::vector<uint32_t>> edges(n);
        for (size_t p = 0; p < n; ++p) {
            std::vector<NodeId> stack(s_.params_[p].options.begin(), s_.params_[p].options.end());
            while (!stack.empty()) {
                const Node &nd = s_.nodes_[stack.back()];
                stack.pop_back();
                if (nd.kind == NodeKind::Param) {
                    edges[p].push_back(nd.param);
                    continue;
                }
                stack.insert(stack.end(), nd.children.begin(), nd.children.end());
            }
        }
        std::vector<uint8_t> color(n, 0);  // 0 new, 1 on the path, 2 done
        for (size_t start = 0; start < n; ++start) {
            if (color[start]) continue;
            std::vector<std::pair<uint32_t, size_t>> path{{static_cast<uint32_t>(start), 0}};
            color[start] = 1;
            while (!path.empty()) {
                auto &[p, next] = path.back();
                if (next == edges[p].size()) {
                    color[p] = 2;
                    path.pop_back();
                    continue;
                }
                uint32_t q = edges[p][next++];
                if (color[q] == 1)
                    space_error("label '" + s_.params_[q].label + "' contains itself through its options");
                if (color[q] == 0) {
                    color[q] = 1;
                    path.emplace_back(q, 0);
                }
            }
        }
    }

    Space &s_;
    std::vector<bool> defined_;  // per parameter index: its definition was seen
};

Space Space::from_json(const Json &description) {
    Space s;
    Parser parser(s);
    s.root_ = parser.node(description, 0, "$");
    parser.finish();
    return s;
}

}  // namespace hopt::space
