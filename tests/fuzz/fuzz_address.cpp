// MongoDB addresses (trials::mongo::parse_address, security::redact_url):
// any text is accepted or refused with an Error, and no password reaches a
// message or the display form.
//
// The input is cut into a prefix, a user name, a password, the rest, and an
// optional TLS key password in the query:
//     <prefix><user>:<password>@<rest>[?|&]tlsCertificateKeyFilePassword=<secret>
// and parsed twice, the second time with every letter and digit of both
// secrets changed (a -> b, 0 -> 1, ...). Punctuation is kept, so both texts
// have the same structure: whatever a message or display shows of a secret
// makes the two runs differ. The same goes for redact_url().
#include <fuzzer/FuzzedDataProvider.h>

#include <cctype>
#include <string>

#include "core/error.hpp"
#include "fuzz.hpp"
#include "security/redact.hpp"
#include "trials/mongo/url.hpp"

using namespace hopt;
using trials::mongo::Address;

namespace {

std::string shifted(const std::string &s) {
    std::string out = s;
    for (char &c : out) {
        if (c >= 'a' && c <= 'z') c = static_cast<char>('a' + (c - 'a' + 1) % 26);
        else if (c >= 'A' && c <= 'Z') c = static_cast<char>('A' + (c - 'A' + 1) % 26);
        else if (c >= '0' && c <= '9') c = static_cast<char>('0' + (c - '0' + 1) % 10);
    }
    return out;
}

struct Parsed {
    bool ok = false;
    std::string message;  // the error, or the display form
    std::string redacted;
};

Parsed parse(const std::string &text) {
    Parsed p;
    try {
        const Address a = trials::mongo::parse_address(text);
        p.ok = true;
        p.message = a.display;
        FUZZ_CHECK(!a.uri.empty() && !a.database.empty(), "accepted without a uri or database: %s", text.c_str());
    } catch (const Error &e) {
        FUZZ_CHECK(e.code() == HOPT_EINVAL, "code %d: %s", e.code(), e.what());
        p.message = e.what();
    }
    p.redacted = security::redact_url(text);
    return p;
}

const char *const kPrefixes[] = {"mongodb://", "mongo://", "", "mongodb+srv://", "http://"};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    FuzzedDataProvider in(data, size);
    const std::string prefix = kPrefixes[in.ConsumeIntegralInRange<size_t>(0, 4)] + in.ConsumeRandomLengthString(16);
    const std::string user = in.ConsumeRandomLengthString(16);
    const std::string password = in.ConsumeRandomLengthString(24);
    const bool key_secret = in.ConsumeBool();
    // A TLS key password ends at the next option: '&' or ';' in it would
    // start one of those (the driver reads them so too).
    std::string secret = key_secret ? in.ConsumeRandomLengthString(16) : "";
    for (char &c : secret)
        if (c == '&' || c == ';') c = '_';
    const std::string rest = in.ConsumeRemainingBytesAsString();

    auto build = [&](const std::string &pw, const std::string &key) {
        std::string t = prefix + user + ":" + pw + "@" + rest;
        if (key_secret) t += std::string(rest.find('?') == std::string::npos ? "?" : "&") + "tlsCertificateKeyFilePassword=" + key;
        return t;
    };
    // Redaction is structural: it hides the same places of both texts
    // whatever the password holds ('/', '?', '@', ':' unescaped included).
    {
        const std::string a_text = build(password, secret), b_text = build(shifted(password), shifted(secret));
        const std::string a = security::redact_url(a_text), b = security::redact_url(b_text);
        FUZZ_CHECK(a == b, "redact_url() shows the password:\n%s\n%s", a.c_str(), b.c_str());
        parse(a_text);
    }
    // A password with '/', '?' or '#' unescaped makes the address ambiguous
    // (it may read as a path or a query, and whether "jobs" is spelled
    // there decides acceptance), so the whole-parse property takes one
    // without them: accepted or not, and every message, must not depend
    // on it.
    std::string plain = password;
    for (char &c : plain)
        if (c == '/' || c == '?' || c == '#') c = '_';
    const std::string a_text = build(plain, secret), b_text = build(shifted(plain), shifted(secret));
    const Parsed a = parse(a_text), b = parse(b_text);
    FUZZ_CHECK(a.ok == b.ok, "whether the address is accepted depends on the password:\n%s\n%s", a_text.c_str(),
               b_text.c_str());
    FUZZ_CHECK(a.message == b.message, "a message or display shows the password:\n%s\n%s", a.message.c_str(),
               b.message.c_str());
    FUZZ_CHECK(a.redacted == b.redacted, "redact_url() shows the password:\n%s\n%s", a.redacted.c_str(),
               b.redacted.c_str());

    // Any text at all: no crash, only Errors.
    parse(std::string(reinterpret_cast<const char *>(data), size));
    return 0;
}
