// What the fuzzers of tests/fuzz found, as readable regressions of the
// engine functions involved (the inputs themselves also stay in
// tests/fuzz/crashes/ and run through the targets in fuzz/replay_*).
#include <cstring>
#include <string>

#include "core/error.hpp"
#include "core/json.hpp"
#include "security/redact.hpp"
#include "trials/mongo/bson_json.hpp"
#include "trials/mongo/url.hpp"
#include "trials/trial.hpp"
// cmocka last: it defines a fail() macro.
#include "cmocka.hpp"

using namespace hopt;
using trials::mongo::parse_address;
using security::redact_url;

namespace {

// The message of parse_address's refusal of `text`.
std::string refusal(const std::string &text) {
    try {
        parse_address(text);
    } catch (const Error &e) {
        assert_int_equal(e.code(), HOPT_EINVAL);
        return e.what();
    }
    fail_msg("'%s' was accepted", text.c_str());
    return "";
}

void assert_hidden(const std::string &message, const char *secret) {
    if (message.find(secret) != std::string::npos)
        fail_msg("'%s' shows up in: %s", secret, message.c_str());
}

}  // namespace

// crashes/address/password_quoted_as_path: a password holding an unescaped
// '/' ended the authority early, and the message quoted what followed as a
// "host" and "port" and showed the address unredacted (the redaction then
// stopped at the first '/').
static void password_with_slash_stays_hidden(void **) {
    const std::string m = refusal("mongodb://admin:pa55/w0rd@db.example:27017/exp");
    assert_hidden(m, "pa55");
    assert_hidden(m, "w0rd");
    assert_non_null(strstr(m.c_str(), "percent-encode"));
    // The fuzzer's own input: the whole user information is hidden.
    assert_hidden(refusal("mongodb://mongo://localhost:1234/foo_db/jo:b@"), "jo:b");
    assert_string_equal(redact_url("mongodb://mongo://localhost:1234/foo_db/jo:b@").c_str(), "mongodb://***@");
}

// Other places a password may sit in a malformed address: before a '?', in
// an address without a scheme, after a '@' of its own, in the options.
static void redaction_is_structural(void **) {
    assert_hidden(refusal("mongodb://u:pa55?w0rd@localhost:99999/db"), "pa55");
    assert_hidden(refusal("mongodb://u:pa55?w0rd@localhost:99999/db"), "w0rd");
    assert_hidden(refusal("u:pa55w0rd@localhost:99999/db"), "pa55w0rd");
    assert_hidden(refusal("mongodb://u:p@55w0rd@localhost:99999/db"), "55w0rd");
    assert_hidden(refusal("mongodb://localhost:99999/db?tlsCertificateKeyFilePassword=pa55w0rd"), "pa55w0rd");
    assert_hidden(refusal("x:pa55w0rd@h://localhost/db"), "pa55w0rd");
    // Without anything to hide, the reason still quotes the bad part.
    assert_non_null(strstr(refusal("mongodb://localhost:99999/db").c_str(), "'99999'"));
    assert_non_null(strstr(refusal("mongo://localhost:1/db/trials").c_str(), "'trials'"));
    // Accepted: the display hides the user information, the driver's URI keeps it.
    const auto a = parse_address("mongodb://admin:pa55w0rd@localhost:27017/exp?authSource=admin");
    assert_string_equal(a.display.c_str(), "mongodb://***@localhost:27017/exp");
    assert_non_null(strstr(a.uri.c_str(), "admin:pa55w0rd@localhost:27017/exp?authSource=admin"));
    // The driver's messages may quote the password (libmongoc does when it
    // holds unescaped characters): its secrets hide it.
    const std::string driver = "Password \"pa55w0rd\" must not have unescaped chars";
    assert_string_equal(security::redact_text(driver, a.secrets).c_str(), "Password \"***\" must not have unescaped chars");
}

// crashes/trial_json/oid_with_31_digits: {"$oid": <31 hex digits>} was
// written as the ObjectId of its first 24 digits (bson_oid_is_valid looks
// at no more), so the trial read back was not the trial written.
static void oid_lookalikes_round_trip(void **) {
    for (const char *oid : {"0123456789abcdef01eeeeeee234567", "0123456789ABCDEF01234567", "0123456789abcdef0123456"}) {
        const Json doc = {{"_id", {{"$oid", oid}}}, {"x", 1}};
        const Json back = trials::mongo::from_bson(trials::mongo::to_bson(doc).get());
        if (back != doc) fail_msg("%s read back as %s", dump_json(doc).c_str(), dump_json(back).c_str());
    }
    // A real ObjectId still becomes one.
    const Json doc = {{"_id", {{"$oid", "0123456789abcdef01234567"}}}};
    const auto b = trials::mongo::to_bson(doc);
    bson_iter_t it;
    assert_true(bson_iter_init_find(&it, b.get(), "_id") && BSON_ITER_HOLDS_OID(&it));
    assert_true(trials::mongo::from_bson(b.get()) == doc);
}

// crashes/trial_json/integer_above_int64: an unsigned integer above
// 2^63 - 1 was written to BSON as a negative int64.
static void integers_beyond_bson_are_refused(void **) {
    const Json doc = Json::parse(R"({"ee": {"llll$date": 17040000000263144335}, "at": {"$date": 17040000000263144335}})");
    try {
        trials::mongo::to_bson(doc);
        fail_msg("an integer above 2^63 - 1 was written to BSON");
    } catch (const Error &e) {
        assert_int_equal(e.code(), HOPT_EINVAL);
        assert_non_null(strstr(e.what(), "2^63"));
    }
    // 2^63 - 1 itself is fine.
    const Json max = Json::parse(R"({"n": 9223372036854775807})");
    assert_true(trials::mongo::from_bson(trials::mongo::to_bson(max).get()) == max);
}

// crashes/trial_bson/time_with_invalid_utf8: a refresh_time string holding
// invalid UTF-8 (BSON does not promise UTF-8) made the error message itself
// throw nlohmann's type_error instead of an Error.
static void invalid_utf8_in_a_time_is_an_error(void **) {
    bson_t *doc = bson_new();
    BSON_APPEND_INT32(doc, "tid", 1);
    BSON_APPEND_INT32(doc, "state", 0);
    bson_t child;
    BSON_APPEND_DOCUMENT_BEGIN(doc, "result", &child);
    bson_append_document_end(doc, &child);
    BSON_APPEND_DOCUMENT_BEGIN(doc, "misc", &child);
    bson_append_document_end(doc, &child);
    bson_append_utf8(doc, "refresh_time", -1, "20\xb6\x80", 4);
    try {
        trials::mongo::trial_from_bson(doc);
        fail_msg("accepted");
    } catch (const Error &e) {
        assert_int_equal(e.code(), HOPT_EJSON);
        assert_non_null(strstr(e.what(), "invalid time"));
    }
    bson_destroy(doc);
}

int main() {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(password_with_slash_stays_hidden),
        cmocka_unit_test(redaction_is_structural),
        cmocka_unit_test(oid_lookalikes_round_trip),
        cmocka_unit_test(integers_beyond_bson_are_refused),
        cmocka_unit_test(invalid_utf8_in_a_time_is_an_error),
    };
    return cmocka_run_group_tests(tests, nullptr, nullptr);
}
