#include "algo/algorithm.hpp"

#include <cmath>

#include "algo/anneal.hpp"
#include "algo/mtpe/mtpe.hpp"
#include "algo/random.hpp"
#include "algo/tpe/tpe.hpp"
#include "core/error.hpp"

namespace hopt::algo {

void Algorithm::set(const std::string &param, double value) {
    for (auto &p : params_) {
        if (param != p.name) continue;
        if (!(value >= p.min && value <= p.max) || (p.integer && value != std::floor(value)))
            fail(HOPT_EINVAL, std::string(name()) + " parameter " + param + " must be " +
                                  (p.integer ? "an integer " : "a number ") + "in [" + std::to_string(p.min) +
                                  ", " + std::to_string(p.max) + "], got " + std::to_string(value));
        p.value = value;
        return;
    }
    std::string known;
    for (const auto &p : params_) known += (known.empty() ? "" : ", ") + std::string(p.name);
    fail(HOPT_ENOTFOUND, std::string(name()) + " has no parameter '" + param + "'" +
                             (known.empty() ? "" : " (it has: " + known + ")"));
}

double Algorithm::get(const std::string &param) const {
    for (const auto &p : params_)
        if (param == p.name) return p.value;
    fail(HOPT_ENOTFOUND, std::string(name()) + " has no parameter '" + param + "'");
}

std::unique_ptr<Algorithm> make(const std::string &name) {
    if (name == "rand" || name == "random") return std::make_unique<Random>();
    if (name == "tpe") return std::make_unique<Tpe>();
    if (name == "anneal") return std::make_unique<Anneal>();
    if (name == "mtpe") return std::make_unique<Mtpe>();
    fail(HOPT_ENOTFOUND, "unknown algorithm '" + name + "' (known: rand, tpe, anneal, mtpe)");
}

}  // namespace hopt::algo
