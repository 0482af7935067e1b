// Status names, the per-thread message, versions and memory release.
#include "capi/guard.hpp"
#include "hopt/hopt.h"

namespace hopt::capi {

namespace {
thread_local std::string last_error;
}

void set_error(const std::string &message) { last_error = message; }

char *dup_string(const std::string &s) {
    char *p = static_cast<char *>(std::malloc(s.size() + 1));
    if (!p) throw std::bad_alloc();
    std::memcpy(p, s.c_str(), s.size() + 1);
    return p;
}

}  // namespace hopt::capi

extern "C" {

HOPT_API const char *hopt_errmsg(void) { return hopt::capi::last_error.c_str(); }

HOPT_API const char *hopt_status_name(int status) {
    switch (status) {
    case HOPT_OK: return "HOPT_OK";
    case HOPT_EINVAL: return "HOPT_EINVAL";
    case HOPT_ESPACE: return "HOPT_ESPACE";
    case HOPT_EJSON: return "HOPT_EJSON";
    case HOPT_ENOMEM: return "HOPT_ENOMEM";
    case HOPT_EOBJECTIVE: return "HOPT_EOBJECTIVE";
    case HOPT_EALLFAILED: return "HOPT_EALLFAILED";
    case HOPT_ENOTFOUND: return "HOPT_ENOTFOUND";
    case HOPT_ESTATE: return "HOPT_ESTATE";
    case HOPT_EEMPTY: return "HOPT_EEMPTY";
    case HOPT_EDATABASE: return "HOPT_EDATABASE";
    case HOPT_ECONNECT: return "HOPT_ECONNECT";
    case HOPT_ETIMEOUT: return "HOPT_ETIMEOUT";
    case HOPT_ECANCELLED: return "HOPT_ECANCELLED";
    case HOPT_EINTERNAL: return "HOPT_EINTERNAL";
    default: return "HOPT_UNKNOWN";
    }
}

HOPT_API const char *hopt_version(void) { return HOPT_VERSION_STRING; }

HOPT_API int hopt_version_number(void) { return HOPT_VERSION_NUMBER; }

HOPT_API void hopt_free(void *ptr) { std::free(ptr); }

}  // extern "C"
