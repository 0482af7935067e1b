// Space -> canonical JSON. A hyperparameter is written out in full where the
// depth-first walk first meets it and as {"ref": label} afterwards.
#include <cmath>

#include "space/space.hpp"

namespace hopt::space {

namespace {

bool is_reserved_key(const std::string &k) {
    return k == "hp" || k == "ref" || k == "op" || k == "const" || k == "dict" || k == "list" ||
           k == "tuple";
}

Json integral_or_double(double d) {
    if (d == std::floor(d) && std::fabs(d) < 9.0e15) return static_cast<int64_t>(d);
    return d;
}

class Writer {
public:
    explicit Writer(const Space &s) : s_(s), written_(s.params().size(), false) {}

    Json node(NodeId id) {
        const Node &n = s_.node(id);
        switch (n.kind) {
        case NodeKind::Const:
            if (n.value.is_object() || n.value.is_array()) return Json{{"const", n.value}};
            return n.value;
        case NodeKind::List:
        case NodeKind::Tuple: {
            Json arr = Json::array();
            for (NodeId c : n.children) arr.push_back(node(c));
            if (n.kind == NodeKind::Tuple) return Json{{"tuple", std::move(arr)}};
            return arr;
        }
        case NodeKind::Dict: {
            Json obj = Json::object();
            bool reserved = false;
            for (size_t i = 0; i < n.keys.size(); ++i) {
                obj[n.keys[i]] = node(n.children[i]);
                reserved = reserved || is_reserved_key(n.keys[i]);
            }
            if (reserved) return Json{{"dict", std::move(obj)}};
            return obj;
        }
        case NodeKind::Op: {
            Json args = Json::array();
            for (NodeId c : n.children) args.push_back(node(c));
            return Json{{"op", op_name(n.op)}, {"args", std::move(args)}};
        }
        case NodeKind::Param: return param(n.param);
        }
        return nullptr;
    }

private:
    Json param(uint32_t index) {
        const Param &p = s_.param(index);
        if (written_[index]) return Json{{"ref", p.label}};
        written_[index] = true;
        Json j{{"hp", dist_name(p.dist)}, {"label", p.label}};
        switch (p.dist) {
        case Dist::Uniform:
        case Dist::LogUniform:
        case Dist::QUniform:
        case Dist::QLogUniform:
        case Dist::UniformInt:
            j["low"] = p.low;
            j["high"] = p.high;
            if (p.dist != Dist::Uniform && p.dist != Dist::LogUniform) j["q"] = p.q;
            break;
        case Dist::Normal:
        case Dist::LogNormal:
        case Dist::QNormal:
        case Dist::QLogNormal:
            j["mu"] = p.mu;
            j["sigma"] = p.sigma;
            if (p.has_q()) j["q"] = p.q;
            break;
        case Dist::RandInt:
            j["low"] = integral_or_double(p.low);
            j["high"] = integral_or_double(p.high);
            break;
        case Dist::Choice: {
            Json opts = Json::array();
            for (NodeId o : p.options) opts.push_back(node(o));
            j["options"] = std::move(opts);
            break;
        }
        case Dist::PChoice: {
            Json opts = Json::array();
            for (size_t i = 0; i < p.options.size(); ++i) opts.push_back(Json::array({p.probs[i], node(p.options[i])}));
            j["options"] = std::move(opts);
            break;
        }
        }
        return j;
    }

    const Space &s_;
    std::vector<bool> written_;
};

}  // namespace

Json Space::to_json() const { return Writer(*this).node(root_); }

}  // namespace hopt::space
