#include "security/redact.hpp"

#include <cctype>

namespace hopt::security {

namespace {

constexpr std::string_view kMask = "***";

std::string lower(std::string_view s) {
    std::string out(s);
    for (auto &c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

// Options whose values are secrets (libmongoc's names, any case).
bool secret_option(std::string_view name) {
    const std::string n = lower(name);
    return n.find("password") != std::string::npos || n.find("secret") != std::string::npos ||
           n.find("token") != std::string::npos || n == "authmechanismproperties";
}

// Where the user:password part of an address ends: at its last '@' before
// the options (passwords with an unescaped '@' or '/' included).
struct Userinfo {
    size_t begin = 0, colon = std::string_view::npos, at = std::string_view::npos;
};

Userinfo userinfo_of(std::string_view url) {
    Userinfo u;
    const size_t scheme = url.find("://");
    u.begin = scheme == std::string_view::npos ? 0 : scheme + 3;
    const size_t query = url.find('?', u.begin);
    const std::string_view head = url.substr(0, query);
    const size_t at = head.rfind('@');
    if (at == std::string_view::npos || at < u.begin) return u;
    u.at = at;
    const size_t colon = url.find(':', u.begin);
    if (colon < at) u.colon = colon;
    return u;
}

// Apply `fn(name, value_begin, value_end)` to each name=value pair of a query.
template <class Fn>
void for_each_option(std::string_view query, size_t offset, Fn fn) {
    size_t start = 0;
    while (start <= query.size()) {
        size_t end = query.find_first_of("&;", start);
        if (end == std::string_view::npos) end = query.size();
        const std::string_view pair = query.substr(start, end - start);
        const size_t eq = pair.find('=');
        if (eq != std::string_view::npos) fn(pair.substr(0, eq), offset + start + eq + 1, offset + end);
        start = end + 1;
    }
}

int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

std::string percent_decoded(std::string_view s) {
    std::string out;
    for (size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '%' && i + 2 < s.size() && hex_value(s[i + 1]) >= 0 && hex_value(s[i + 2]) >= 0) {
            out += static_cast<char>(hex_value(s[i + 1]) * 16 + hex_value(s[i + 2]));
            i += 2;
        } else {
            out += s[i];
        }
    }
    return out;
}

void replace_all(std::string &text, const std::string &secret) {
    if (secret.empty()) return;
    for (size_t pos = text.find(secret); pos != std::string::npos; pos = text.find(secret, pos + kMask.size()))
        text.replace(pos, secret.size(), kMask);
}

// Mask `name=value` pairs of secret options anywhere in `text`.
void mask_secret_options(std::string &text) {
    for (size_t eq = text.find('='); eq != std::string::npos; eq = text.find('=', eq + 1)) {
        size_t b = eq;
        while (b > 0 && (std::isalnum(static_cast<unsigned char>(text[b - 1])) || text[b - 1] == '_')) --b;
        if (!secret_option(std::string_view(text).substr(b, eq - b))) continue;
        size_t e = eq + 1;
        while (e < text.size() && text[e] != '&' && text[e] != ';' && !std::isspace(static_cast<unsigned char>(text[e])) &&
               text[e] != '\'' && text[e] != '"')
            ++e;
        text.replace(eq + 1, e - eq - 1, kMask);
    }
}

}  // namespace

std::string redact_url(std::string_view url) {
    std::string out(url);
    const Userinfo u = userinfo_of(url);
    if (u.at != std::string_view::npos && u.colon != std::string_view::npos)
        out.replace(u.colon + 1, u.at - u.colon - 1, kMask);
    mask_secret_options(out);
    return out;
}

std::string redact_text(std::string text, const std::vector<std::string> &secrets) {
    for (const std::string &s : secrets) replace_all(text, s);
    // Addresses quoted in the text: each up to the next space or quote.
    size_t pos = text.find("://");
    while (pos != std::string::npos) {
        size_t b = pos;
        while (b > 0 && (std::isalnum(static_cast<unsigned char>(text[b - 1])) || text[b - 1] == '+')) --b;
        size_t e = pos + 3;
        while (e < text.size() && !std::isspace(static_cast<unsigned char>(text[e])) && text[e] != '\'' &&
               text[e] != '"')
            ++e;
        const std::string r = redact_url(std::string_view(text).substr(b, e - b));
        text.replace(b, e - b, r);
        pos = text.find("://", b + r.size());
    }
    mask_secret_options(text);
    return text;
}

std::vector<std::string> secrets_of(std::string_view url) {
    std::vector<std::string> out;
    const Userinfo u = userinfo_of(url);
    if (u.at != std::string_view::npos && u.colon != std::string_view::npos && u.at > u.colon + 1) {
        const std::string_view pw = url.substr(u.colon + 1, u.at - u.colon - 1);
        out.emplace_back(pw);
        if (std::string d = percent_decoded(pw); d != pw) out.push_back(std::move(d));
    }
    const size_t q = url.find('?');
    if (q != std::string_view::npos)
        for_each_option(url.substr(q + 1), q + 1, [&](std::string_view name, size_t b, size_t e) {
            if (secret_option(name) && e > b) {
                const std::string_view v = url.substr(b, e - b);
                out.emplace_back(v);
                if (std::string d = percent_decoded(v); d != v) out.push_back(std::move(d));
            }
        });
    return out;
}

}  // namespace hopt::security
