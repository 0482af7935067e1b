#include "worker/plugin.hpp"

#include <dlfcn.h>

#include "core/error.hpp"

namespace hopt::worker {

SharedLibrary::SharedLibrary(const std::string &path) : path_(path) {
    if (path.empty()) fail(HOPT_EINVAL, "a plugin path must not be empty");
    // dlopen() searches the library path for a bare name; a plugin is a file
    // the user names, so a name without '/' is taken relative to the cwd.
    const std::string file = path.find('/') == std::string::npos ? "./" + path : path;
    dlerror();
    handle_ = dlopen(file.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (!handle_) {
        const char *why = dlerror();
        fail(HOPT_EINVAL, "cannot load plugin '" + path + "': " + (why ? why : "unknown dlopen error"));
    }
}

SharedLibrary::~SharedLibrary() {
    if (handle_) dlclose(handle_);
}

void *SharedLibrary::symbol(const char *name) const {
    dlerror();
    return dlsym(handle_, name);
}

}  // namespace hopt::worker
