#include "security/redact.hpp"

#include <algorithm>
#include <cctype>

namespace hopt::security {

namespace {

constexpr std::string_view kMask = "***";
constexpr size_t npos = std::string_view::npos;

bool is_alnum(char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0; }

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

bool scheme_char(char c) { return is_alnum(c) || c == '+' || c == '-' || c == '.'; }

bool valid_scheme(std::string_view s) {
    return !s.empty() && std::isalpha(static_cast<unsigned char>(s[0])) && std::all_of(s.begin(), s.end(), scheme_char);
}

// Where the user information may start: after "scheme://", or at the start
// of the worker's form user:pass@host/db (and of text whose "://" comes after
// a password).
size_t userinfo_begin(std::string_view url) {
    const size_t sep = url.find("://");
    return sep != npos && valid_scheme(url.substr(0, sep)) ? sep + 3 : 0;
}

// Characters of a text to show or hide; a run of hidden ones prints as ***.
class Mask {
public:
    explicit Mask(std::string_view text) : text_(text), hidden_(text.size(), false) {}

    void hide(size_t begin, size_t end) {
        std::fill(hidden_.begin() + static_cast<std::ptrdiff_t>(std::min(begin, end)),
                  hidden_.begin() + static_cast<std::ptrdiff_t>(std::min(end, text_.size())), true);
    }

    // The value of each name=value whose name is a secret option's, up to
    // the next of `stops`. An '=' already hidden (in a password, in a
    // value) is not read: its "name" could be a password's letters.
    void hide_secret_options(std::string_view stops) {
        for (size_t eq = text_.find('='); eq != npos; eq = text_.find('=', eq + 1)) {
            if (hidden_[eq]) continue;
            size_t b = eq;
            while (b > 0 && (is_alnum(text_[b - 1]) || text_[b - 1] == '_')) --b;
            if (secret_option(text_.substr(b, eq - b))) hide(eq + 1, text_.find_first_of(stops, eq + 1));
        }
    }

    std::string str() const {
        std::string out;
        for (size_t i = 0; i < text_.size(); ++i) {
            if (!hidden_[i]) out += text_[i];
            else if (i == 0 || !hidden_[i - 1]) out += kMask;
        }
        return out;
    }

private:
    std::string_view text_;
    std::vector<bool> hidden_;
};

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

// Whether `secret` at `pos` of `text` is not part of a longer word: where
// the secret begins or ends with a letter or digit, the text has none next
// to it (\b of a regular expression). A driver quotes a credential on its
// own ('...', user x, x@host); inside another word it is a coincidence,
// and hiding it there took the letters of a one-letter user name out of
// every message.
bool stands_alone(std::string_view text, size_t pos, std::string_view secret) {
    const size_t end = pos + secret.size();
    if (is_alnum(secret.front()) && pos > 0 && is_alnum(text[pos - 1])) return false;
    if (is_alnum(secret.back()) && end < text.size() && is_alnum(text[end])) return false;
    return true;
}

void replace_all(std::string &text, const std::string &secret) {
    if (secret.empty()) return;
    for (size_t pos = text.find(secret); pos != std::string::npos;) {
        if (!stands_alone(text, pos, secret)) {
            pos = text.find(secret, pos + 1);
            continue;
        }
        text.replace(pos, secret.size(), kMask);
        pos = text.find(secret, pos + kMask.size());
    }
}

bool text_stop(char c) { return std::isspace(static_cast<unsigned char>(c)) || c == '\'' || c == '"'; }

}  // namespace

std::string redact_url(std::string_view url) {
    Mask mask(url);
    const size_t begin = userinfo_begin(url);
    if (const size_t at = url.rfind('@'); at != npos && at > begin) {
        mask.hide(begin, at);
        if (url.substr(begin, at - begin).find('?') != npos) mask.hide(at + 1, url.find_first_of("&;", at + 1));
    }
    mask.hide_secret_options("&;");
    return mask.str();
}

std::string redact_text(std::string text, const std::vector<std::string> &secrets) {
    // Addresses quoted in the text: each from its scheme to the next space or quote.
    for (size_t pos = text.find("://"); pos != std::string::npos;) {
        size_t b = pos;
        while (b > 0 && scheme_char(text[b - 1])) --b;
        size_t e = pos + 3;
        while (e < text.size() && !text_stop(text[e])) ++e;
        const std::string r = redact_url(std::string_view(text).substr(b, e - b));
        text.replace(b, e - b, r);
        pos = text.find("://", b + r.size());
    }
    // Longest first: a user name may be part of the password.
    std::vector<std::string> sorted = secrets;
    std::stable_sort(sorted.begin(), sorted.end(), [](const auto &a, const auto &b) { return a.size() > b.size(); });
    for (const std::string &s : sorted) replace_all(text, s);
    Mask mask(text);
    mask.hide_secret_options("&; \t\r\n\v\f'\"");
    return mask.str();
}

std::vector<std::string> secrets_of(std::string_view url) {
    std::vector<std::string> out;
    auto add = [&](std::string_view s) {
        if (s.empty()) return;
        out.emplace_back(s);
        if (std::string d = percent_decoded(s); d != s) out.push_back(std::move(d));
    };
    // The user information as the driver reads it (up to the last '@' before
    // the path or the query) and as redact_url hides it (up to the last '@').
    const size_t begin = userinfo_begin(url);
    const size_t stop = url.find_first_of("/?", begin);
    for (const size_t at : {url.substr(0, stop).rfind('@'), url.rfind('@')}) {
        if (at == npos || at <= begin) continue;
        const std::string_view info = url.substr(begin, at - begin);
        const size_t colon = info.find(':');
        add(info.substr(0, colon));
        if (colon != npos) add(info.substr(colon + 1));
    }
    const size_t q = url.find('?');
    for (size_t start = q == npos ? url.size() : q + 1; start < url.size();) {
        const size_t end = std::min(url.find_first_of("&;", start), url.size());
        const std::string_view pair = url.substr(start, end - start);
        if (const size_t eq = pair.find('='); eq != npos && secret_option(pair.substr(0, eq))) add(pair.substr(eq + 1));
        start = end + 1;
    }
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
    return out;
}

}  // namespace hopt::security
