#include "security/key_file.hpp"

#include <fcntl.h>
#include <pwd.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>

#include "core/error.hpp"
#include "security/hmac.hpp"

namespace hopt::security {

namespace {

constexpr size_t kKeyBytes = 32;

std::string errno_text(int e) { return std::strerror(e); }

[[noreturn]] void bad_key(const std::string &path, const std::string &why) {
    fail(HOPT_EINVAL, "key file '" + path + "' " + why);
}

std::string home_dir() {
    if (const char *h = std::getenv("HOME"); h && *h) return h;
    // No $HOME (a service): the account's home directory.
    struct passwd pw, *found = nullptr;
    char buf[4096];
    if (getpwuid_r(geteuid(), &pw, buf, sizeof buf, &found) == 0 && found && found->pw_dir && *found->pw_dir)
        return found->pw_dir;
    fail(HOPT_EINVAL, "no home directory for the key file: set HOPT_KEY_FILE to the path of the shared key");
}

std::string random_bytes(size_t n) {
    std::string out(n, '\0');
    size_t got = 0;
    while (got < n) {
        const ssize_t r = getrandom(out.data() + got, n - got, 0);
        if (r < 0) {
            if (errno == EINTR) continue;
            fail(HOPT_EINTERNAL, "getrandom() failed: " + errno_text(errno));
        }
        got += static_cast<size_t>(r);
    }
    return out;
}

// The directory holding the key, made private (0700) when this creates it.
void make_parent(const std::string &path) {
    const std::filesystem::path parent = std::filesystem::path(path).parent_path();
    if (parent.empty()) return;
    std::error_code ec;
    if (std::filesystem::is_directory(parent, ec)) return;
    std::filesystem::create_directories(parent.parent_path(), ec);
    if (::mkdir(parent.c_str(), 0700) != 0 && errno != EEXIST)
        bad_key(path, "cannot be created: cannot create its directory: " + errno_text(errno));
}

// Write a new key to a private temporary file, then link it into place:
// link() fails if the key exists, so of several processes creating it at
// once exactly one wins and the others read its key.
bool create_key(const std::string &path) {
    make_parent(path);
    const std::string tmp = path + ".tmp-" + std::to_string(getpid()) + "-" + to_hex(
        reinterpret_cast<const uint8_t *>(random_bytes(6).data()), 6);
    const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (fd < 0) bad_key(path, "cannot be created: " + errno_text(errno));
    const std::string secret = random_bytes(kKeyBytes);
    const std::string text = to_hex(reinterpret_cast<const uint8_t *>(secret.data()), secret.size()) + "\n";
    const bool written = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()) && ::fsync(fd) == 0;
    const int write_errno = errno;
    ::close(fd);
    if (!written) {
        ::unlink(tmp.c_str());
        bad_key(path, "cannot be created: " + errno_text(write_errno));
    }
    const int linked = ::link(tmp.c_str(), path.c_str());
    const int link_errno = errno;
    ::unlink(tmp.c_str());
    if (linked == 0) return true;
    if (link_errno == EEXIST) return false;
    bad_key(path, "cannot be created: " + errno_text(link_errno));
}

// Whitespace around the hex digits is allowed (an editor's newline).
std::string trimmed(const std::string &s) {
    const size_t b = s.find_first_not_of(" \t\r\n");
    if (b == std::string::npos) return "";
    return s.substr(b, s.find_last_not_of(" \t\r\n") - b + 1);
}

}  // namespace

std::string key_path(const KeySettings &settings) {
    if (!settings.file.empty()) return settings.file;
    if (const char *f = std::getenv("HOPT_KEY_FILE"); f && *f) return f;
    if (const char *x = std::getenv("XDG_CONFIG_HOME"); x && *x == '/') return std::string(x) + "/hopt/key";
    return home_dir() + "/.config/hopt/key";
}

std::string key_id(std::string_view secret) {
    const Mac m = hmac_sha256(secret, "hopt key id v1");
    return to_hex(m.data(), 8);
}

Key load_or_create_key(const std::string &path) {
    if (path.empty()) fail(HOPT_EINVAL, "the key file path is empty");
    Key key;
    key.path = path;
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0 && errno == ENOENT) {
        key.created = create_key(path);
        fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    }
    if (fd < 0) bad_key(path, "cannot be read: " + errno_text(errno));
    struct stat st {};
    std::string text;
    if (::fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && (st.st_mode & 077) == 0) {
        char buf[4096];
        ssize_t n;
        while ((n = ::read(fd, buf, sizeof buf)) > 0 && text.size() < 65536) text.append(buf, static_cast<size_t>(n));
    }
    ::close(fd);
    if (!S_ISREG(st.st_mode)) bad_key(path, "is not a regular file");
    if (st.st_mode & 077) {
        char mode[8];
        std::snprintf(mode, sizeof mode, "%04o", static_cast<unsigned>(st.st_mode & 07777));
        // As ssh does for private keys: a key that other local users can
        // read lets them sign experiments.
        bad_key(path, std::string("is accessible by other users (mode ") + mode + "): run chmod 600 '" + path + "'");
    }
    if (!from_hex(trimmed(text), key.secret) || key.secret.size() < kKeyBytes)
        bad_key(path, "does not hold a hopt key (64 or more hex digits, e.g. from `openssl rand -hex 32`)");
    key.id = key_id(key.secret);
    return key;
}

}  // namespace hopt::security
