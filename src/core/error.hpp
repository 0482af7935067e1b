// Errors inside the engine are exceptions carrying a public status code; the C
// API layer (src/capi) turns them into return codes and hopt_errmsg() text.
#pragma once

#include <stdexcept>
#include <string>

#include "hopt/hopt.h"

namespace hopt {

class Error : public std::runtime_error {
public:
    Error(int code, const std::string &message) : std::runtime_error(message), code_(code) {}
    int code() const noexcept { return code_; }

private:
    int code_;
};

[[noreturn]] inline void fail(int code, const std::string &message) { throw Error(code, message); }

}  // namespace hopt
