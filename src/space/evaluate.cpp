#include "space/evaluate.hpp"

#include <cmath>

#include "core/error.hpp"

namespace hopt::space {

namespace {

class Evaluator {
public:
    Evaluator(const Space &s, const Vals &v) : s_(s), v_(v) {}

    Json eval(NodeId id) {
        const Node &n = s_.node(id);
        switch (n.kind) {
        case NodeKind::Const: return n.value;
        case NodeKind::List:
        case NodeKind::Tuple: {
            Json arr = Json::array();
            for (NodeId c : n.children) arr.push_back(eval(c));
            return arr;
        }
        case NodeKind::Dict: {
            Json obj = Json::object();
            for (size_t i = 0; i < n.keys.size(); ++i) obj[n.keys[i]] = eval(n.children[i]);
            return obj;
        }
        case NodeKind::Op: {
            std::vector<Json> args;
            args.reserve(n.children.size());
            for (NodeId c : n.children) args.push_back(eval(c));
            return apply_op(n.op, args);
        }
        case NodeKind::Param: return param(n.param);
        }
        return nullptr;
    }

private:
    Json param(uint32_t p) {
        const Param &prm = s_.param(p);
        if (!v_.active[p]) fail(HOPT_EINVAL, "label '" + prm.label + "' is needed by the point but has no value");
        const double v = v_.value[p];
        switch (prm.dist) {
        case Dist::Choice:
        case Dist::PChoice: return eval(prm.options[static_cast<size_t>(v)]);
        case Dist::RandInt: return static_cast<int64_t>(v);
        case Dist::UniformInt: return static_cast<int64_t>(v);  // hyperopt: scope.int(quniform(...))
        default: return v;
        }
    }

    const Space &s_;
    const Vals &v_;
};

}  // namespace

Json evaluate(const Space &space, const Vals &vals) { return Evaluator(space, vals).eval(space.root()); }

}  // namespace hopt::space
