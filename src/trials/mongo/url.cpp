#include "trials/mongo/url.hpp"

#include <cctype>

#include "core/error.hpp"
#include "security/redact.hpp"

namespace hopt::trials::mongo {

namespace {

// Connection errors must come back in bounded time (docs/reliability.md: dead servers get
// a clear error, not a hang); users may override any of these in the URI.
const char *const kDefaults[][2] = {
    {"serverSelectionTimeoutMS", "5000"},
    {"connectTimeoutMS", "5000"},
    {"appname", "hopt"},
};

bool valid_db_name(const std::string &db) {
    if (db.empty() || db.size() > 63) return false;
    for (char c : db)
        if (c == '/' || c == '\\' || c == '.' || c == ' ' || c == '"' || c == '$' || c == '\0') return false;
    return true;
}

bool has_option(const std::string &query, const std::string &key) {
    std::string q = "&" + query, k = "&" + key + "=";
    auto lower = [](std::string s) {
        for (auto &c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        return s;
    };
    return lower(q).find(lower(k)) != std::string::npos;
}

// The message shows the address redacted. A reason may quote a part of the
// address (`quoted`) only when redaction hid nothing: in a malformed address
// the parts are ambiguous, and a password holding an unescaped '/', '?' or
// ':' would otherwise show up as a "host", "port" or "collection".
[[noreturn]] void bad(const std::string &text, const std::string &why, const std::string &quoted = "") {
    const std::string shown = security::redact_url(text);
    std::string msg = "invalid MongoDB address '" + shown + "': " + why;
    if (!quoted.empty() && shown == text) msg += " ('" + quoted + "')";
    fail(HOPT_EINVAL, msg);
}

// host[:port] list check: non-empty hosts, numeric ports in range.
void check_hosts(const std::string &text, const std::string &hosts) {
    if (hosts.empty()) bad(text, "no host");
    size_t start = 0;
    while (start <= hosts.size()) {
        const size_t comma = hosts.find(',', start);
        const std::string h = hosts.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
        if (h.empty()) bad(text, "an empty host");
        std::string port;
        bool has_port = false;
        if (h[0] == '[') {  // [IPv6]:port
            const size_t close = h.find(']');
            if (close == std::string::npos) bad(text, "unclosed '[' in a host", h);
            if (close + 1 < h.size()) {
                if (h[close + 1] != ':') bad(text, "unexpected text after ']' in a host", h);
                port = h.substr(close + 2);
                has_port = true;
            }
        } else if (const size_t colon = h.find(':'); colon != std::string::npos) {
            if (colon == 0) bad(text, "no host before the port");
            port = h.substr(colon + 1);
            has_port = true;
        }
        if (has_port && (port.empty() || port.size() > 5 || port.find_first_not_of("0123456789") != std::string::npos ||
                         std::stoi(port) < 1 || std::stoi(port) > 65535))
            bad(text, "a port is not a number in 1..65535", port);
        if (comma == std::string::npos) break;
        start = comma + 1;
    }
}

std::string with_defaults(const std::string &base, std::string query) {
    for (const auto &d : kDefaults)
        if (!has_option(query, d[0])) query += std::string(query.empty() ? "" : "&") + d[0] + "=" + d[1];
    return base + "?" + query;
}

}  // namespace

Address parse_address(const std::string &text) {
    if (text.empty()) bad(text, "it is empty");
    std::string scheme, rest;
    const size_t sep = text.find("://");
    if (sep == std::string::npos) {
        scheme = "";  // hyperopt-mongo-worker's host:port/db
        rest = text;
    } else {
        scheme = text.substr(0, sep);
        rest = text.substr(sep + 3);
    }
    if (scheme != "" && scheme != "mongo" && scheme != "mongodb")
        bad(text, "unknown scheme (use mongo://host:port/db/jobs or mongodb://...)", scheme);

    std::string query;
    if (const size_t q = rest.find('?'); q != std::string::npos) {
        query = rest.substr(q + 1);
        rest = rest.substr(0, q);
    }
    // A password holding an unescaped '/' ends the authority early: the
    // address is refused below, and bad() quotes none of it.
    const size_t slash = rest.find('/');
    const std::string authority = rest.substr(0, slash);
    const std::string path = slash == std::string::npos ? "" : rest.substr(slash + 1);
    const size_t at = authority.rfind('@');
    const std::string hosts = at == std::string::npos ? authority : authority.substr(at + 1);
    if (path.find('@') != std::string::npos)
        bad(text, "'@' after the host: percent-encode '/', '?', '@' and ':' in the user name and password "
                  "(e.g. '/' as %2F)");
    // The driver ends the user information at the first '@', this parser at
    // the last: with two, the driver would take the password's tail for a
    // host (and quote it in every error).
    if (at != std::string::npos && authority.find('@') != at)
        bad(text, "more than one '@' before the host: percent-encode '@' in the user name and password as %40");
    check_hosts(text, hosts);

    Address a;
    if (scheme == "mongodb") {
        a.database = path;
        if (a.database.empty()) bad(text, "no database: add it after the host, e.g. mongodb://host:port/mydb");
    } else {
        // hyperopt's forms: mongo://host:port/db/jobs and (worker) host:port/db
        const size_t s = path.find('/');
        a.database = path.substr(0, s);
        const std::string collection = s == std::string::npos ? "" : path.substr(s + 1);
        if (a.database.empty()) bad(text, "no database: use host:port/db" + std::string(scheme.empty() ? "" : "/jobs"));
        if (scheme == "mongo" && collection != "jobs")
            bad(text, collection.empty() ? "the database name must be followed by /jobs, as in mongo://host:port/db/jobs"
                                         : "the collection must be 'jobs'", collection);
        if (scheme.empty() && !collection.empty() && collection != "jobs")
            bad(text, "expected host:port/db, got a collection", collection);
    }
    if (!valid_db_name(a.database)) bad(text, "not a valid database name", a.database);
    a.uri = with_defaults("mongodb://" + authority + "/" + a.database, query);
    a.display = security::redact_url("mongodb://" + authority + "/" + a.database);
    a.secrets = security::secrets_of(text);
    return a;
}

}  // namespace hopt::trials::mongo
