#include "space/vals.hpp"

#include <cmath>

#include "core/error.hpp"

namespace hopt::space {

Json value_to_json(const Param &p, double v) {
    if (is_categorical(p.dist)) return static_cast<int64_t>(v);
    return v;
}

Json vals_to_json(const Space &space, const Vals &vals) {
    Json out = Json::object();
    for (size_t i = 0; i < space.params().size(); ++i)
        if (vals.active[i]) out[space.param(i).label] = value_to_json(space.param(i), vals.value[i]);
    return out;
}

double value_from_json(const Param &p, const Json &v) {
    const std::string what = "value of " + std::string(dist_name(p.dist)) + " '" + p.label + "'";
    if (!v.is_number() || v.is_boolean())
        fail(HOPT_EINVAL, what + " must be a number, got " + json_kind(v));
    const double d = v.get<double>();
    if (!std::isfinite(d)) fail(HOPT_EINVAL, what + " must be finite");
    if (is_categorical(p.dist)) {
        if (d != std::floor(d)) fail(HOPT_EINVAL, what + " must be an integer, got " + v.dump());
        const double lo = p.dist == Dist::RandInt ? p.low : 0;
        const double hi = p.dist == Dist::RandInt ? p.high : static_cast<double>(p.options.size());
        if (d < lo || d >= hi)
            fail(HOPT_EINVAL, what + " " + v.dump() + " is outside [" + std::to_string(int64_t(lo)) + ", " +
                                  std::to_string(int64_t(hi)) + ")" +
                                  (is_switch(p.dist) ? " (choices are given as option indices)" : ""));
    }
    return d;
}

namespace {

class ActiveWalker {
public:
    ActiveWalker(const Space &s, const std::function<double(uint32_t)> &decide)
        : s_(s), decide_(decide), out_(s.params().size()) {}

    void visit(NodeId id) {
        const Node &n = s_.node(id);
        if (n.kind != NodeKind::Param) {
            for (NodeId c : n.children) visit(c);
            return;
        }
        const uint32_t p = n.param;
        if (out_.active[p]) return;  // shared node: already reached
        out_.set(p, decide_(p));
        const Param &param = s_.param(p);
        if (is_switch(param.dist)) visit(param.options[static_cast<size_t>(out_.value[p])]);
    }

    Vals take() { return std::move(out_); }

private:
    const Space &s_;
    const std::function<double(uint32_t)> &decide_;
    Vals out_;
};

}  // namespace

Vals walk_active(const Space &space, const std::function<double(uint32_t)> &decide) {
    ActiveWalker w(space, decide);
    w.visit(space.root());
    return w.take();
}

Vals vals_from_json(const Space &space, const Json &flat, bool reject_unknown) {
    if (!flat.is_object()) fail(HOPT_EINVAL, std::string("vals must be a JSON object, got ") + json_kind(flat));
    Vals given(space.params().size());
    for (auto it = flat.begin(); it != flat.end(); ++it) {
        int p = space.find(it.key());
        if (p < 0) {
            if (reject_unknown) fail(HOPT_EINVAL, "vals name label '" + it.key() + "', which the space lacks");
            continue;
        }
        // hyperopt's misc.vals form, [value] or [] for inactive, is accepted too.
        const Json *v = &it.value();
        if (v->is_array()) {
            if (v->empty()) continue;
            if (v->size() != 1) fail(HOPT_EINVAL, "vals of label '" + it.key() + "' must hold one value");
            v = &(*v)[0];
        }
        given.set(static_cast<size_t>(p), value_from_json(space.param(p), *v));
    }
    return walk_active(space, [&](uint32_t p) {
        if (!given.active[p])
            fail(HOPT_EINVAL, "label '" + space.param(p).label + "' is needed by the point but has no value");
        return given.value[p];
    });
}

}  // namespace hopt::space
