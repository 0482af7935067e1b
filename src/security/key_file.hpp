// The secret that drivers and workers share to sign and check experiments
// (docs/threat-model.md). It lives in a file, like an ssh key: created on
// first use with mode 0600 from the kernel's CSPRNG, so that fmin and workers
// on one machine agree without any setup; copied to the other machines of a
// cluster by the user.
#pragma once

#include <string>
#include <string_view>

namespace hopt::security {

// Where the key is and whether there is one at all.
struct KeySettings {
    std::string file;       // "": $HOPT_KEY_FILE, else $XDG_CONFIG_HOME/hopt/key or ~/.config/hopt/key
    bool insecure = false;  // no key: experiments are neither signed nor checked
};

struct Key {
    std::string secret;     // raw bytes (at least 32)
    std::string id;         // 16 hex digits naming the key in messages; reveals nothing of it
    std::string path;       // the file it came from
    bool created = false;   // this call created the file
};

// The key file `settings` designate (the default path when `file` is empty).
// Error(HOPT_EINVAL) when no home directory can be found.
std::string key_path(const KeySettings &settings);

// Read the key at `path`, creating it first if the file does not exist
// (atomically: processes that race to create it all end up with the one
// that won). Error(HOPT_EINVAL) naming the file and the fix when it cannot
// be read or created, is readable or writable by other users, or does not
// hold 64 or more hex digits.
Key load_or_create_key(const std::string &path);

// The public name of a secret, for messages and stored signatures.
std::string key_id(std::string_view secret);

}  // namespace hopt::security
