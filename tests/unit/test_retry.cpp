// The MongoDB store's retry helper (trials/mongo/retry.hpp) without a
// server: which errors it retries, how it reports an outage's start and end,
// and that it gives up once the outage has lasted the server timeout.
#include <string>
#include <vector>

#include "core/error.hpp"
#include "trials/mongo/retry.hpp"

// Last: cmocka defines a fail() macro that would clash with hopt::fail.
#include "cmocka.hpp"

using namespace hopt;
using trials::mongo::Retry;

namespace {

bool contains(const std::string &text, const std::string &needle) { return text.find(needle) != std::string::npos; }

// Connection failures are retried until the operation succeeds; the outage
// is reported when it starts and when it ends, and counted once.
void connection_failures_are_retried(void **) {
    Retry retry("mongodb://db/x");
    std::vector<std::string> lines;
    retry.set_notify([&](const std::string &line) { lines.push_back(line); });
    int calls = 0;
    const int got = retry.run([&] {
        if (++calls < 3) throw Error(HOPT_ECONNECT, "connection refused");
        return 42;
    });
    assert_int_equal(got, 42);
    assert_int_equal(calls, 3);
    assert_int_equal(retry.outages(), 1);
    assert_int_equal(lines.size(), 2);
    assert_true(contains(lines[0], "MongoDB at mongodb://db/x unreachable, retrying for up to 60 s: connection refused"));
    assert_true(contains(lines[1], "reached MongoDB at mongodb://db/x again after"));
    // A success without an outage says nothing.
    retry.run([] {});
    assert_int_equal(lines.size(), 2);
    assert_int_equal(retry.outages(), 1);
}

// Other errors are the operation's answer: not retried.
void other_errors_are_not_retried(void **) {
    Retry retry("mongodb://db/x");
    int calls = 0;
    try {
        retry.run([&] {
            ++calls;
            throw Error(HOPT_EDATABASE, "document too large");
        });
        assert_true(false);
    } catch (const Error &e) {
        assert_int_equal(e.code(), HOPT_EDATABASE);
    }
    assert_int_equal(calls, 1);
    assert_int_equal(retry.outages(), 0);
}

// With a server timeout of 0 the first connection failure is final, and the
// error says for how long and why.
void server_timeout_bounds_the_outage(void **) {
    Retry retry("mongodb://db/x");
    retry.set_server_timeout(0);
    assert_true(retry.server_timeout() == 0);
    int calls = 0;
    try {
        retry.run([&] {
            ++calls;
            throw Error(HOPT_ECONNECT, "no suitable servers");
        });
        assert_true(false);
    } catch (const Error &e) {
        assert_int_equal(e.code(), HOPT_ECONNECT);
        assert_true(contains(e.what(), "MongoDB at mongodb://db/x unreachable for 0 s, giving up (server_timeout is 0 s)"));
        assert_true(contains(e.what(), "last error: no suitable servers"));
    }
    assert_int_equal(calls, 1);
}

}  // namespace

int main() {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(connection_failures_are_retried),
        cmocka_unit_test(other_errors_are_not_retried),
        cmocka_unit_test(server_timeout_bounds_the_outage),
    };
    return cmocka_run_group_tests(tests, nullptr, nullptr);
}
