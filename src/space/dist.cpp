#include <cmath>

#include "space/space.hpp"

namespace hopt::space {

const char *dist_name(Dist d) {
    switch (d) {
    case Dist::Choice: return "choice";
    case Dist::PChoice: return "pchoice";
    case Dist::RandInt: return "randint";
    case Dist::Uniform: return "uniform";
    case Dist::QUniform: return "quniform";
    case Dist::LogUniform: return "loguniform";
    case Dist::QLogUniform: return "qloguniform";
    case Dist::Normal: return "normal";
    case Dist::QNormal: return "qnormal";
    case Dist::LogNormal: return "lognormal";
    case Dist::QLogNormal: return "qlognormal";
    case Dist::UniformInt: return "uniformint";
    }
    return "?";
}

const char *op_name(Op op) {
    switch (op) {
    case Op::Add: return "add";
    case Op::Sub: return "sub";
    case Op::Mul: return "mul";
    case Op::Div: return "div";
    case Op::FloorDiv: return "floordiv";
    case Op::Mod: return "mod";
    case Op::Pow: return "pow";
    case Op::Neg: return "neg";
    case Op::Abs: return "abs";
    case Op::Int: return "int";
    case Op::Float: return "float";
    case Op::Min: return "min";
    case Op::Max: return "max";
    case Op::Exp: return "exp";
    case Op::Log: return "log";
    case Op::Sqrt: return "sqrt";
    }
    return "?";
}

int64_t Param::n_categories() const {
    switch (dist) {
    case Dist::Choice:
    case Dist::PChoice: return static_cast<int64_t>(options.size());
    case Dist::RandInt: return static_cast<int64_t>(high - low);
    default: return 0;
    }
}

int Space::find(std::string_view label) const {
    auto it = by_label_.find(std::string(label));
    return it == by_label_.end() ? -1 : static_cast<int>(it->second);
}

std::string label_problem(std::string_view label) {
    if (label.empty()) return "a label must not be empty";
    if (label.size() > 512) return "a label must be at most 512 bytes long";
    if (label.front() == '$') return "a label must not start with '$' (MongoDB reserves it)";
    if (label.find('.') != std::string_view::npos)
        return "a label must not contain '.' (MongoDB reads it as a path)";
    if (label.find('\0') != std::string_view::npos) return "a label must not contain NUL";
    return {};
}

}  // namespace hopt::space
