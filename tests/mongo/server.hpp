// The MongoDB-protocol server the tests talk to: ctest starts FerretDB
// (tests/mongo/CMakeLists.txt) and passes its address in HOPT_TEST_MONGO.
// Each test uses a database of its own, so tests can share the server.
#pragma once

#include <unistd.h>

#include <cstdlib>
#include <string>

inline std::string test_server() {
    const char *uri = std::getenv("HOPT_TEST_MONGO");
    return uri && *uri ? uri : "mongodb://127.0.0.1:27018";
}

// mongo://host:port/<db>/jobs for a database unique to this process and name.
inline std::string test_url(const std::string &name) {
    std::string base = test_server();
    const std::string scheme = "mongodb://";
    if (base.rfind(scheme, 0) == 0) base = base.substr(scheme.size());
    while (!base.empty() && base.back() == '/') base.pop_back();
    return "mongo://" + base + "/t" + std::to_string(getpid()) + "_" + name + "/jobs";
}
