#include "security/seal.hpp"

#include "security/hmac.hpp"

namespace hopt::security {

namespace {

constexpr std::string_view kPrefix = "hmac-sha256:v1:";

std::string framed(const std::vector<std::string_view> &fields) {
    std::string out = "hopt-seal-v1";
    for (std::string_view f : fields) {
        out += std::to_string(f.size());
        out += ':';
        out += f;
        out += ',';
    }
    return out;
}

std::string mac_hex(const Key &key, const std::vector<std::string_view> &fields) {
    const Mac m = hmac_sha256(key.secret, framed(fields));
    return to_hex(m.data(), m.size());
}

}  // namespace

std::string seal(const Key &key, const std::vector<std::string_view> &fields) {
    return std::string(kPrefix) + key.id + ":" + mac_hex(key, fields);
}

std::string check_seal(const Key &key, const std::vector<std::string_view> &fields, std::string_view signature) {
    if (signature.empty()) return "is not signed";
    if (signature.substr(0, kPrefix.size()) != kPrefix) return "has a signature that is not hopt's";
    const std::string_view rest = signature.substr(kPrefix.size());
    const size_t colon = rest.find(':');
    if (colon == std::string_view::npos) return "has a malformed signature";
    const std::string_view id = rest.substr(0, colon), mac = rest.substr(colon + 1);
    // The id is a hint for the message only: the MAC decides.
    const bool same = equal_constant_time(mac, mac_hex(key, fields));
    if (same) return "";
    if (id != key.id) {
        // The id comes from the database: quoted only if it looks like one.
        const bool plain = id.size() == key.id.size() && id.find_first_not_of("0123456789abcdef") == std::string_view::npos;
        return "was signed with another key (" + (plain ? "id " + std::string(id) : std::string("unknown id")) +
               "; this one is " + key.id + ", from " + key.path + ")";
    }
    return "was changed after it was signed (its signature does not match its content)";
}

}  // namespace hopt::security
