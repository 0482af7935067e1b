// Arithmetic between parameters and constants with Python's semantics, since
// hyperopt users write `x + 1`, `2 ** k` and `scope.int(...)` in their spaces.
#include <cmath>
#include <limits>

#include "core/error.hpp"
#include "space/evaluate.hpp"

namespace hopt::space {

namespace {

[[noreturn]] void op_error(Op op, const std::string &msg) {
    fail(HOPT_ESPACE, std::string("space expression '") + op_name(op) + "': " + msg);
}

bool is_int(const Json &v) { return v.is_number_integer() || v.is_boolean(); }

int64_t as_int(const Json &v) {
    if (v.is_boolean()) return v.get<bool>() ? 1 : 0;
    return v.get<int64_t>();
}

double as_double(Op op, const Json &v) {
    if (v.is_boolean()) return v.get<bool>() ? 1.0 : 0.0;
    if (!v.is_number()) op_error(op, std::string("expected a number, got ") + json_kind(v));
    return v.get<double>();
}

Json int_or_float(bool overflow, int64_t r, double fallback) {
    if (overflow) return fallback;
    return r;
}

// CPython's float_divmod: floor division and modulo that agree with each
// other (floor(x / y) does not: 1 // 0.1 is 9.0 in Python).
void py_divmod(double x, double y, double *floordiv, double *mod) {
    double m = std::fmod(x, y);
    double div = (x - m) / y;
    if (m != 0) {
        if ((y < 0) != (m < 0)) {
            m += y;
            div -= 1.0;
        }
    } else {
        m = std::copysign(0.0, y);
    }
    double fd;
    if (div != 0) {
        fd = std::floor(div);
        if (div - fd > 0.5) fd += 1.0;
    } else {
        fd = std::copysign(0.0, x / y);
    }
    *floordiv = fd;
    *mod = m;
}

Json binary(Op op, const Json &a, const Json &b) {
    if (op == Op::Add && a.is_string() && b.is_string()) return a.get<std::string>() + b.get<std::string>();
    const bool ints = is_int(a) && is_int(b);
    const double x = as_double(op, a), y = as_double(op, b);
    switch (op) {
    case Op::Add:
    case Op::Sub:
    case Op::Mul: {
        if (ints) {
            int64_t r;
            const int64_t i = as_int(a), j = as_int(b);
            bool ovf = op == Op::Add   ? __builtin_add_overflow(i, j, &r)
                       : op == Op::Sub ? __builtin_sub_overflow(i, j, &r)
                                       : __builtin_mul_overflow(i, j, &r);
            return int_or_float(ovf, r, op == Op::Add ? x + y : op == Op::Sub ? x - y : x * y);
        }
        return op == Op::Add ? x + y : op == Op::Sub ? x - y : x * y;
    }
    case Op::Div:
        if (y == 0) op_error(op, "division by zero");
        return x / y;
    case Op::FloorDiv:
        if (y == 0) op_error(op, "division by zero");
        if (ints) {
            const int64_t i = as_int(a), j = as_int(b);
            if (i == std::numeric_limits<int64_t>::min() && j == -1) return -x;
            int64_t q = i / j;
            if ((i % j != 0) && ((i < 0) != (j < 0))) --q;
            return q;
        }
        {
            double fd, m;
            py_divmod(x, y, &fd, &m);
            return fd;
        }
    case Op::Mod:
        if (y == 0) op_error(op, "modulo by zero");
        if (ints) {
            const int64_t i = as_int(a), j = as_int(b);
            if (j == -1) return int64_t{0};
            int64_t m = i % j;
            if (m != 0 && ((m < 0) != (j < 0))) m += j;
            return m;
        }
        {
            double fd, m;
            py_divmod(x, y, &fd, &m);
            return m;
        }
    case Op::Pow: {
        if (ints && as_int(b) >= 0) {
            int64_t base = as_int(a), e = as_int(b), r = 1;
            bool ovf = false;
            while (e > 0 && !ovf) {
                if (e & 1) ovf = __builtin_mul_overflow(r, base, &r);
                e >>= 1;
                if (e > 0 && !ovf) ovf = __builtin_mul_overflow(base, base, &base);
            }
            return int_or_float(ovf, r, std::pow(x, y));
        }
        if (x == 0 && y < 0) op_error(op, "zero to a negative power");
        if (x < 0 && y != std::floor(y)) op_error(op, "negative number to a fractional power");
        return std::pow(x, y);
    }
    default: break;
    }
    op_error(op, "not a binary operation");
}

Json unary(Op op, const Json &a) {
    switch (op) {
    case Op::Neg:
        if (is_int(a) && as_int(a) != std::numeric_limits<int64_t>::min()) return -as_int(a);
        return -as_double(op, a);
    case Op::Abs:
        if (is_int(a) && as_int(a) != std::numeric_limits<int64_t>::min()) return std::llabs(as_int(a));
        return std::fabs(as_double(op, a));
    case Op::Int: {
        if (is_int(a)) return as_int(a);
        const double d = as_double(op, a);
        if (!std::isfinite(d)) op_error(op, "cannot convert a non-finite number to an integer");
        if (std::fabs(d) >= 9.2e18) op_error(op, "integer out of range");
        return static_cast<int64_t>(std::trunc(d));
    }
    case Op::Float: return as_double(op, a);
    case Op::Exp: return std::exp(as_double(op, a));
    case Op::Log: {
        const double d = as_double(op, a);
        if (!(d > 0)) op_error(op, "math domain error (log of a number <= 0)");
        return std::log(d);
    }
    case Op::Sqrt: {
        const double d = as_double(op, a);
        if (d < 0) op_error(op, "math domain error (square root of a negative number)");
        return std::sqrt(d);
    }
    default: break;
    }
    op_error(op, "not a unary operation");
}

}  // namespace

namespace {

// JSON has no NaN or infinity, and Python raises OverflowError where these
// come from exp and **: refuse a non-finite result with the operation named.
Json finite(Op op, Json v) {
    if (v.is_number_float() && !std::isfinite(v.get<double>()))
        op_error(op, "the result is not a finite number (overflow)");
    return v;
}

}  // namespace

Json apply_op(Op op, const std::vector<Json> &args) {
    if (op == Op::Min || op == Op::Max) {
        // Python's min/max return the first extreme element, type unchanged.
        size_t best = 0;
        for (size_t i = 1; i < args.size(); ++i) {
            const double v = as_double(op, args[i]), b = as_double(op, args[best]);
            if (op == Op::Min ? v < b : v > b) best = i;
        }
        as_double(op, args[best]);
        return args[best];
    }
    if (args.size() == 1) return finite(op, unary(op, args[0]));
    return finite(op, binary(op, args[0], args[1]));
}

}  // namespace hopt::space
