// Helpers shared by the cmocka tests of engine internals: text assertions
// and a scratch directory. Include after cmocka.hpp.
#pragma once

#include <stdlib.h>

#include <filesystem>
#include <string>

inline bool contains(const std::string &text, const std::string &needle) {
    return text.find(needle) != std::string::npos;
}

#define assert_contains(text, needle)                                                                 \
    do {                                                                                              \
        const std::string t_ = (text), n_ = (needle);                                                 \
        if (!contains(t_, n_)) fail_msg("\"%s\" does not contain \"%s\"", t_.c_str(), n_.c_str());    \
    } while (0)

#define assert_lacks(text, needle)                                                                    \
    do {                                                                                              \
        const std::string t_ = (text), n_ = (needle);                                                 \
        if (contains(t_, n_)) fail_msg("\"%s\" contains \"%s\"", t_.c_str(), n_.c_str());             \
    } while (0)

// A fresh directory under /tmp, removed with everything in it at the end of
// the scope.
struct TempDir {
    std::filesystem::path path;
    TempDir() {
        char tmpl[] = "/tmp/hopt-test.XXXXXX";
        path = mkdtemp(tmpl);
    }
    ~TempDir() { std::filesystem::remove_all(path); }
    TempDir(const TempDir &) = delete;
    TempDir &operator=(const TempDir &) = delete;
    std::string operator/(const std::string &name) const { return (path / name).string(); }
};
