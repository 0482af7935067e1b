// vals as users, trial documents and workers give them (hopt_space_eval,
// points_to_evaluate, misc.vals read back from a store): vals_from_json
// refuses what a space cannot take with an Error naming the label, and the
// point evaluated from what it accepts is plain JSON (finite numbers).
//
// Input: one byte choosing a space, then the vals JSON. Spaces 0..N-1 are
// built in (every distribution, nesting, shared labels, expressions); the
// last choice reads the space from the input as well, up to a NUL byte.
#include <cstdint>
#include <string>
#include <string_view>

#include "core/error.hpp"
#include "core/json.hpp"
#include "fuzz.hpp"
#include "space/evaluate.hpp"
#include "space/space.hpp"
#include "space/vals.hpp"

using namespace hopt;

namespace {

const char *const kSpaces[] = {
    R"({"hp": "uniform", "label": "x", "low": -2, "high": 2})",
    R"({"a": {"hp": "uniformint", "label": "a", "low": 0, "high": 10},
        "b": {"hp": "randint", "label": "b", "low": -5, "high": 5},
        "c": {"hp": "randint", "label": "c", "upper": 3},
        "d": {"hp": "qloguniform", "label": "d", "low": 0, "high": 3, "q": 1},
        "e": {"hp": "qnormal", "label": "e", "mu": 0, "sigma": 1, "q": 0.5},
        "f": {"hp": "lognormal", "label": "f", "mu": 0, "sigma": 1}})",
    R"({"hp": "choice", "label": "m", "options": [
         {"kind": "svm", "C": {"hp": "loguniform", "label": "C", "low": -3, "high": 3}},
         {"kind": "tree", "depth": {"hp": "pchoice", "label": "depth", "options": [[0.5, 2], [0.5, {"ref": "k"}]]}},
         {"kind": "knn", "k": {"hp": "quniform", "label": "k", "low": 1, "high": 20, "q": 1}}]})",
    R"({"y": {"op": "add", "args": [{"op": "int", "args": [{"hp": "uniform", "label": "u", "low": -1e18, "high": 1e18}]}, 1]},
        "z": {"op": "pow", "args": [2, {"hp": "randint", "label": "p", "low": 0, "high": 2000}]},
        "w": {"op": "floordiv", "args": [{"ref": "u"}, {"hp": "normal", "label": "n", "mu": 0, "sigma": 1}]},
        "t": {"tuple": [{"ref": "p"}, {"op": "exp", "args": [{"ref": "n"}]}]}})",
};
constexpr size_t kBuiltIn = sizeof kSpaces / sizeof kSpaces[0];

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (size < 1) return 0;
    const size_t which = data[0] % (kBuiltIn + 1);
    std::string_view rest(reinterpret_cast<const char *>(data + 1), size - 1);
    std::string_view space_text = which < kBuiltIn ? std::string_view(kSpaces[which]) : std::string_view();
    if (which == kBuiltIn) {
        const size_t nul = rest.find('\0');
        if (nul == std::string_view::npos) return 0;
        space_text = rest.substr(0, nul);
        rest = rest.substr(nul + 1);
    }
    space::Space sp;
    try {
        sp = space::Space::from_json(parse_json(space_text, "space"));
    } catch (const Error &e) {
        FUZZ_CHECK(which == kBuiltIn, "built-in space %zu refused: %s", which, e.what());
        return 0;
    }
    Json flat;
    try {
        flat = parse_json(rest, "vals");
    } catch (const Error &e) {
        FUZZ_CHECK(e.code() == HOPT_EJSON, "code %d: %s", e.code(), e.what());
        return 0;
    }
    for (bool reject_unknown : {false, true}) {
        space::Vals vals;
        try {
            vals = space::vals_from_json(sp, flat, reject_unknown);
        } catch (const Error &e) {
            FUZZ_CHECK(e.code() == HOPT_EINVAL, "code %d: %s", e.code(), e.what());
            continue;
        }
        // What was accepted prints as vals that are accepted again.
        const Json again = space::vals_to_json(sp, vals);
        FUZZ_CHECK(fuzz::all_finite(again), "vals hold a non-finite number");
        try {
            (void)space::vals_from_json(sp, again, true);
        } catch (const Error &e) {
            FUZZ_CHECK(false, "accepted vals, printed, are refused: %s", e.what());
        }
        try {
            const Json point = space::evaluate(sp, vals);
            FUZZ_CHECK(fuzz::all_finite(point), "the point holds a non-finite number");
            (void)dump_json(point);
        } catch (const Error &e) {
            FUZZ_CHECK(e.code() == HOPT_ESPACE || e.code() == HOPT_EINVAL, "code %d: %s", e.code(), e.what());
        }
    }
    return 0;
}
