// Shared by the libFuzzer targets: a failed property prints what it saw and
// aborts, which libFuzzer reports as a crash and saves the input for.
// Exceptions other than hopt::Error are left to escape: the engine promises
// that every refusal is an Error carrying a status code, so anything else
// (nlohmann's type_error, std::out_of_range...) is a finding too.
#pragma once

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <string>

#define FUZZ_CHECK(cond, ...)                                                        \
    do {                                                                             \
        if (!(cond)) {                                                               \
            std::fprintf(stderr, "fuzz property failed: %s (%s:%d)\n", #cond,        \
                         __FILE__, __LINE__);                                        \
            std::fprintf(stderr, __VA_ARGS__);                                       \
            std::fprintf(stderr, "\n");                                              \
            std::abort();                                                            \
        }                                                                            \
    } while (0)

namespace hopt::fuzz {

// Every status an engine Error may carry for bad input is one of hopt.h's
// (HOPT_EINTERNAL, -99, says "a bug in hopt": a finding).
inline bool known_status(int code) { return code <= -1 && code >= -13; }

// No NaN or infinity anywhere in a JSON value (depth is bounded by the
// parsers the values come from).
template <class J>
bool all_finite(const J &v) {
    if (v.is_number_float()) return std::isfinite(v.template get<double>());
    if (v.is_array() || v.is_object())
        for (const auto &e : v)
            if (!all_finite(e)) return false;
    return true;
}

}  // namespace hopt::fuzz
