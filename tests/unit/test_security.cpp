// The security pieces without a server (docs/threat-model.md): HMAC-SHA256,
// the shared key file, signatures over experiment domains, the worker's gate
// and allow-list, and the redaction of credentials from messages.
// tests/mongo/test_security.cpp attacks a real server's worker.
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "core/error.hpp"
#include "security/hmac.hpp"
#include "security/key_file.hpp"
#include "security/redact.hpp"
#include "security/seal.hpp"
#include "trials/mongo/url.hpp"
#include "worker/auth.hpp"

// Last: cmocka defines a fail() macro that would clash with hopt::fail.
#include "cmocka.hpp"
#include "text_and_files.hpp"

using namespace hopt;

namespace {

// The message of the Error `f` throws, or fails the test.
template <class F>
std::string error_of(F f, int code) {
    try {
        f();
    } catch (const Error &e) {
        if (e.code() != code) fail_msg("code %d, expected %d: %s", e.code(), code, e.what());
        return e.what();
    }
    fail_msg("no error thrown");
    return "";
}

unsigned mode_of(const std::string &path) {
    struct stat st {};
    stat(path.c_str(), &st);
    return st.st_mode & 07777;
}

void write_file(const std::string &path, const std::string &text, unsigned mode) {
    std::ofstream(path) << text;
    chmod(path.c_str(), mode);
}

trials::Domain sample_domain(const std::string &objective = "quadratic") {
    return trials::Domain{Json{{"hp", "uniform"}, {"label", "x"}, {"low", -5}, {"high", 5}}, objective,
                          Json{{"trial_timeout", 10}}, ""};
}

// ------------------------------------------------------------------ HMAC --

void hmac_matches_rfc_4231(void **) {
    // RFC 4231, test case 2.
    const security::Mac m = security::hmac_sha256("Jefe", "what do ya want for nothing?");
    assert_string_equal(security::to_hex(m.data(), m.size()).c_str(),
                        "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
    assert_true(security::equal_constant_time("abc", "abc"));
    assert_false(security::equal_constant_time("abc", "abd"));
    assert_false(security::equal_constant_time("abc", "abcd"));
    std::string bytes;
    assert_true(security::from_hex("00fFa0", bytes));
    assert_int_equal(bytes.size(), 3);
    assert_false(security::from_hex("0g", bytes));
    assert_false(security::from_hex("abc", bytes));
}

// ------------------------------------------------------------- key file --

void key_is_created_on_first_use_private(void **) {
    TempDir dir;
    const std::string path = dir / "config/hopt/key";
    const security::Key made = security::load_or_create_key(path);
    assert_true(made.created);
    assert_int_equal(made.secret.size(), 32);
    assert_int_equal(mode_of(path), 0600);
    assert_int_equal(mode_of(dir / "config/hopt"), 0700);
    assert_int_equal(made.id.size(), 16);
    const security::Key again = security::load_or_create_key(path);
    assert_false(again.created);
    assert_true(again.secret == made.secret);
    assert_string_equal(again.id.c_str(), made.id.c_str());
    // Two keys from the CSPRNG differ.
    assert_false(security::load_or_create_key(dir / "other").secret == made.secret);
}

void key_creation_race_has_one_winner(void **) {
    TempDir dir;
    const std::string path = dir / "key";
    std::vector<std::string> got(8);
    std::vector<std::thread> threads;
    for (size_t i = 0; i < got.size(); ++i)
        threads.emplace_back([&, i] { got[i] = security::load_or_create_key(path).secret; });
    for (auto &t : threads) t.join();
    for (const auto &g : got) assert_true(g == got[0]);
    // No temporary files left behind.
    assert_int_equal(std::distance(std::filesystem::directory_iterator(dir.path), {}), 1);
}

void bad_key_files_are_refused_with_the_fix(void **) {
    TempDir dir;
    const std::string open = dir / "open";
    write_file(open, std::string(64, 'a') + "\n", 0644);
    std::string msg = error_of([&] { security::load_or_create_key(open); }, HOPT_EINVAL);
    assert_contains(msg, "accessible by other users (mode 0644)");
    assert_contains(msg, "chmod 600");
    const std::string garbage = dir / "garbage";
    write_file(garbage, "not a key\n", 0600);
    assert_contains(error_of([&] { security::load_or_create_key(garbage); }, HOPT_EINVAL), "64 or more hex digits");
    const std::string short_key = dir / "short";
    write_file(short_key, std::string(62, 'a'), 0600);
    error_of([&] { security::load_or_create_key(short_key); }, HOPT_EINVAL);
    // A key the user made (openssl rand -hex 32) with an editor's newline.
    const std::string own = dir / "own";
    write_file(own, "  " + std::string(64, 'b') + "\n\n", 0600);
    assert_false(security::load_or_create_key(own).created);
    write_file(dir / "afile", "", 0600);
    assert_contains(error_of([&] { security::load_or_create_key(dir / "afile/key"); }, HOPT_EINVAL), "key file");
}

void key_path_follows_the_documented_order(void **) {
    setenv("HOPT_KEY_FILE", "/from/env", 1);
    assert_string_equal(security::key_path({"/given", false}).c_str(), "/given");
    assert_string_equal(security::key_path({}).c_str(), "/from/env");
    unsetenv("HOPT_KEY_FILE");
    setenv("XDG_CONFIG_HOME", "/xdg", 1);
    assert_string_equal(security::key_path({}).c_str(), "/xdg/hopt/key");
    unsetenv("XDG_CONFIG_HOME");
    setenv("HOME", "/home/someone", 1);
    assert_string_equal(security::key_path({}).c_str(), "/home/someone/.config/hopt/key");
}

// ----------------------------------------------------- signed domains --

void signatures_cover_every_field(void **) {
    TempDir dir;
    const security::Key key = security::load_or_create_key(dir / "key");
    const std::optional<std::string> exp = std::string("e1");
    security::KeySettings settings{dir / "key", false};
    trials::Domain d = sample_domain();
    worker::seal_domain(d, exp, settings, [](const std::string &) {});
    assert_true(contains(d.signature, "hmac-sha256:v1:" + key.id + ":"));
    worker::ExperimentGate gate({settings, {}});
    assert_string_equal(gate.refusal(exp, d).c_str(), "");

    auto refused = [&](const trials::Domain &x, const std::optional<std::string> &k = std::string("e1")) {
        return gate.refusal(k, x);
    };
    trials::Domain t = d;
    t.objective = "os:system";
    assert_contains(refused(t), "was changed after it was signed");
    t = d;
    t.space["high"] = 500;
    assert_contains(refused(t), "was changed after it was signed");
    t = d;
    t.settings["trial_timeout"] = 0;
    assert_contains(refused(t), "was changed after it was signed");
    t = d;
    t.settings = Json::object();
    assert_contains(refused(t), "was changed after it was signed");
    // Replayed under another experiment, or hyperopt's exp_key None.
    assert_contains(refused(d, std::string("e2")), "experiment \"e2\" was changed after it was signed");
    assert_contains(refused(d, std::nullopt), "exp_key null");
    t = d;
    t.signature = "";
    assert_contains(refused(t), "experiment \"e1\" is not signed");
    t.signature = "md5:whatever";
    assert_contains(refused(t), "not hopt's");
    t.signature = "hmac-sha256:v1:nocolon";
    assert_contains(refused(t), "malformed");

    // Signed with another key.
    trials::Domain other = sample_domain();
    worker::seal_domain(other, exp, {dir / "other-key", false}, [](const std::string &) {});
    const std::string why = refused(other);
    assert_contains(why, "was signed with another key (id " + security::load_or_create_key(dir / "other-key").id);
    assert_contains(why, "this one is " + key.id);
    // A forged id in the database is not echoed into the log.
    other.signature = "hmac-sha256:v1:\nforged log line:" + std::string(64, '0');
    assert_lacks(refused(other), "forged");
}

void insecure_mode_and_the_allow_list(void **) {
    TempDir dir;
    std::vector<std::string> said;
    trials::Domain d = sample_domain("train_resnet");
    worker::seal_domain(d, std::string("e"), {"", true}, [&](const std::string &m) { said.push_back(m); });
    assert_string_equal(d.signature.c_str(), "");
    assert_int_equal(said.size(), 1);
    assert_contains(said[0], "WARNING: insecure mode");

    worker::ExperimentGate insecure({{dir / "never-created", true}, {}});
    assert_string_equal(insecure.refusal(std::string("e"), d).c_str(), "");
    assert_false(std::filesystem::exists(dir / "never-created"));
    assert_contains(insecure.describe()[0], "WARNING: insecure mode");

    // The allow-list applies to signed experiments and in insecure mode.
    worker::ExperimentGate listed({{dir / "k", true}, {"train_*", "eval"}});
    assert_string_equal(listed.refusal(std::string("e"), d).c_str(), "");
    d.objective = "os:system";
    assert_contains(listed.refusal(std::string("e"), d), "names objective \"os:system\", which is not on this worker's allow-list");
    d.objective = "evaluate";
    assert_contains(listed.refusal(std::string("e"), d), "allow-list");

    worker::seal_domain(d, std::string("e"), {dir / "k", false}, [](const std::string &) {});
    worker::ExperimentGate signed_listed({{dir / "k", false}, {"eval"}});
    assert_contains(signed_listed.refusal(std::string("e"), d), "allow-list");
    assert_contains(signed_listed.describe()[1], "objectives allowed: \"eval\"");
    error_of([&] { worker::ExperimentGate({{dir / "k", false}, {""}}); }, HOPT_EINVAL);
}

void refusals_are_remembered_per_domain(void **) {
    worker::Refusals r;
    assert_true(r.add(std::string("a"), "f1"));
    assert_false(r.add(std::string("a"), "f1"));
    assert_true(r.add(std::string("a"), "f2"));
    assert_true(r.add(std::nullopt, "f1"));
    assert_int_equal(r.keys().size(), 2);
    assert_string_equal(worker::quote_json("a\nb\"").c_str(), "\"a\\nb\\\"\"");
}

// ------------------------------------------------------------ redaction --

// One rule (security/redact.hpp): the whole user information (user name and
// password) and the values of secret options become ***, in every address
// form, well formed or not.
void passwords_never_reach_messages(void **) {
    using security::redact_url;
    assert_string_equal(redact_url("mongodb://alice:s3cret@db1:27017,db2/hopt?authSource=admin").c_str(),
                        "mongodb://***@db1:27017,db2/hopt?authSource=admin");
    // Unescaped '@' and '/' in the password, a user without a password, the
    // worker's form and hyperopt's.
    assert_string_equal(redact_url("mongodb://alice:p@ss/w0rd@db/hopt").c_str(), "mongodb://***@db/hopt");
    assert_string_equal(redact_url("mongodb://alice@db/hopt").c_str(), "mongodb://***@db/hopt");
    assert_string_equal(redact_url("alice:s3cret@db:27017/hopt").c_str(), "***@db:27017/hopt");
    assert_string_equal(redact_url("mongo://alice:s3cret@db:27017/hopt/jobs").c_str(), "mongo://***@db:27017/hopt/jobs");
    // Secret options, whatever their case; the others stay readable.
    assert_string_equal(redact_url("mongodb://db/hopt?tls=true&tlsCertificateKeyFilePassword=pw1&x=1").c_str(),
                        "mongodb://db/hopt?tls=true&tlsCertificateKeyFilePassword=***&x=1");
    assert_string_equal(redact_url("mongodb://u:p@db/h?SSLCLIENTCERTIFICATEKEYPASSWORD=pw1;appname=a").c_str(),
                        "mongodb://***@db/h?SSLCLIENTCERTIFICATEKEYPASSWORD=***;appname=a");
    assert_lacks(redact_url("mongodb://db/h?authMechanism=MONGODB-AWS&authMechanismProperties=AWS_SESSION_TOKEN:tok"), "tok");
    // Malformed: a '?' in the password, text before the scheme, an '@' in a
    // secret option's value, nothing to hide.
    assert_string_equal(redact_url("mongodb://u:pa55?w0rd@localhost:99999/db").c_str(), "mongodb://***@***");
    assert_string_equal(redact_url("x:pa55w0rd@h://localhost/db").c_str(), "***@h://localhost/db");
    assert_string_equal(redact_url("mongodb://h/db?tlsCertificateKeyFilePassword=ab@cd&x=1").c_str(),
                        "mongodb://***@***&x=1");
    assert_string_equal(redact_url("mongodb://localhost:99999/db?x=1").c_str(), "mongodb://localhost:99999/db?x=1");

    // Free text: addresses in it, the given secrets, and secret options.
    const std::string text = security::redact_text("failed to connect to mongodb://bob:hunter2@h/db: 'hunter2' "
                                                   "rejected; sslClientCertificateKeyPassword=xyz",
                                                   {"hunter2"});
    assert_lacks(text, "hunter2");
    assert_lacks(text, "bob");
    assert_lacks(text, "xyz");
    assert_contains(text, "mongodb://***@h/db");
    // A secret that holds a shorter one is hidden whole.
    assert_string_equal(security::redact_text("user ab, password 'abcd'", {"ab", "abcd"}).c_str(),
                        "user ***, password '***'");

    // What the driver may quote: user and password, as written and
    // decoded, and the secret options' values; not the other options.
    const auto secrets =
        security::secrets_of("mongodb://u%3Ax:p%40ss@h/db?tlsCertificateKeyFilePassword=k3y&authSource=admin");
    const std::vector<std::string> expected = {"k3y", "p%40ss", "p@ss", "u%3Ax", "u:x"};
    assert_true(secrets == expected);
    assert_true(security::secrets_of("mongodb://h/db?authSource=admin").empty());

    // Every parse error of an address with a password.
    for (const char *bad : {"mongodb://u:topsecret@h:99999/db", "mongodb://u:topsecret@/db", "mongodb://u:topsecret@h",
                            "ftp://u:topsecret@h/db", "mongo://u:topsecret@h/db/other", "mongodb://u:top/secret@h:x/db",
                            "u:topsecret@h/bad.name", "mongodb://u:top@secret@[::1/db"}) {
        const std::string msg = error_of([&] { trials::mongo::parse_address(bad); }, HOPT_EINVAL);
        assert_lacks(msg, "topsecret");
        assert_lacks(msg, "secret@");
        assert_contains(msg, "***");
    }
    // A password must be percent-encoded (as MongoDB's URI format says): one
    // holding '/' is refused, and the display of a good address hides the
    // whole user information.
    assert_contains(error_of([&] { trials::mongo::parse_address("mongodb://u:top/secret@h:1/db"); }, HOPT_EINVAL),
                    "percent-encode");
    const trials::mongo::Address a = trials::mongo::parse_address("mongodb://u:top%2Fsecret@h:1/db?authSource=admin");
    assert_string_equal(a.display.c_str(), "mongodb://***@h:1/db");
    assert_string_equal(a.database.c_str(), "db");
    assert_string_equal(security::redact_text("bad password 'top/secret' for u", a.secrets).c_str(),
                        "bad password '***' for ***");
}

// A raw '@' in the password (user:pwHEAD@pwTAIL@host) is where the parser
// and the driver part ways: the parser took the last '@', the driver the
// first, and then tried to resolve "pwtail@host" -- quoting it, lower-cased,
// in every message -- for as long as its server selection lasted. Refused
// at once, saying how to write it and quoting none of it.
void raw_at_in_the_password_is_refused(void **) {
    for (const char *bad : {"mongodb://user:pwHEAD@pwTAIL@127.0.0.1:27017/db", "user:pwHEAD@pwTAIL@127.0.0.1:27017/db",
                            "mongo://user:pwHEAD@pwTAIL@127.0.0.1:27017/db/jobs", "mongodb://us@er:pwHEAD@127.0.0.1/db",
                            "mongodb://user:pwHEAD@pwTAIL@127.0.0.1/db?authSource=admin"}) {
        const std::string msg = error_of([&] { trials::mongo::parse_address(bad); }, HOPT_EINVAL);
        for (const char *part : {"pwHEAD", "pwTAIL", "pwtail", "er:"}) assert_lacks(msg, part);
        assert_contains(msg, "%40");
        assert_contains(msg, "***@127.0.0.1");
    }
    // Percent-encoded, it is the password it spells.
    const auto a = trials::mongo::parse_address("mongodb://user:pwHEAD%40pwTAIL@127.0.0.1:27017/db");
    assert_string_equal(a.display.c_str(), "mongodb://***@127.0.0.1:27017/db");
    const std::vector<std::string> expected = {"pwHEAD%40pwTAIL", "pwHEAD@pwTAIL", "user"};
    assert_true(a.secrets == expected);
}

// A user name or password is hidden where the text quotes it, as a word of
// its own; a short one does not take its letters out of other words
// ("No suitabl*** s***rv***rs" for the user "e").
void short_secrets_hide_only_themselves(void **) {
    const auto a = trials::mongo::parse_address("mongodb://e:s1@127.0.0.1:27017/db");
    assert_string_equal(security::redact_text("No suitable servers found: user 'e', password s1.", a.secrets).c_str(),
                        "No suitable servers found: user '***', password ***.");
    assert_string_equal(security::redact_text("e@host, es1 s1e s1", a.secrets).c_str(), "***@host, es1 s1e ***");
    // A word's edge is asked for only where the secret has a letter or a
    // digit (as \b in a regular expression): one ending in punctuation is
    // hidden wherever that side stands.
    assert_string_equal(security::redact_text("a -x- b, ab-x-", {"-x-"}).c_str(), "a *** b, ab***");
    // Longer ones as before, wherever they stand on their own.
    assert_string_equal(security::redact_text("'hunter2' hunter2, hunter2@h", {"hunter2"}).c_str(), "'***' ***, ***@h");
}

}  // namespace

int main() {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(hmac_matches_rfc_4231),
        cmocka_unit_test(key_is_created_on_first_use_private),
        cmocka_unit_test(key_creation_race_has_one_winner),
        cmocka_unit_test(bad_key_files_are_refused_with_the_fix),
        cmocka_unit_test(key_path_follows_the_documented_order),
        cmocka_unit_test(signatures_cover_every_field),
        cmocka_unit_test(insecure_mode_and_the_allow_list),
        cmocka_unit_test(refusals_are_remembered_per_domain),
        cmocka_unit_test(passwords_never_reach_messages),
        cmocka_unit_test(raw_at_in_the_password_is_refused),
        cmocka_unit_test(short_secrets_hide_only_themselves),
    };
    return cmocka_run_group_tests(tests, nullptr, nullptr);
}
