// The boundary between the C ABI and the C++ engine: every entry point runs
// its body inside guard(), so no exception crosses the ABI and every failure
// becomes a status code plus the thread's hopt_errmsg().
#pragma once

#include <cstdlib>
#include <cstring>
#include <new>
#include <string>

#include "core/error.hpp"
#include "hopt/hopt.h"

namespace hopt::capi {

void set_error(const std::string &message);

// The out-parameters of the call, if any, follow the body: each is cleared
// (NULL for objects and strings, 0 for numbers) before the body runs, so that
// after any failure the caller finds nothing to free and no stale value
// (docs/api.md). The body may then assign them in any order.
template <class F, class... Out>
int guard(F &&body, Out *...outs) noexcept {
    ((outs ? void(*outs = Out{}) : void()), ...);
    try {
        body();
        return HOPT_OK;
    } catch (const Error &e) {
        set_error(e.what());
        return e.code();
    } catch (const std::bad_alloc &) {
        set_error("out of memory");
        return HOPT_ENOMEM;
    } catch (const std::exception &e) {
        set_error(std::string("internal error: ") + e.what());
        return HOPT_EINTERNAL;
    } catch (...) {
        set_error("internal error: unknown exception");
        return HOPT_EINTERNAL;
    }
}

// Fail with HOPT_EINVAL when a required pointer argument is NULL.
template <class T>
T *require(T *p, const char *what) {
    if (!p) fail(HOPT_EINVAL, std::string(what) + " must not be NULL");
    return p;
}

// A malloc'd copy for `char **out` parameters (released with hopt_free).
char *dup_string(const std::string &s);

// Store `s` in *out when out is not NULL.
inline void give_string(char **out, const std::string &s) {
    if (out) *out = dup_string(s);
}

}  // namespace hopt::capi
