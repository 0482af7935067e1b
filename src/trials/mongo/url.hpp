// The addresses users give for a MongoDB trials store, in hyperopt's forms
// and the driver's:
//   mongo://host:port/db/jobs        MongoTrials (the collection must be jobs)
//   host:port/db                     hyperopt-mongo-worker --mongo
//   mongodb://[user:pass@]host[:port][,...]/db[?options]   a standard URI
#pragma once

#include <string>
#include <vector>

namespace hopt::trials::mongo {

struct Address {
    std::string uri;       // for the driver, with hopt's default timeouts added
    std::string database;  // where the jobs collection lives
    std::string display;   // for messages and logs: user information replaced by ***
    std::vector<std::string> secrets;  // user, password, option values

    // `message` (e.g. the driver's) with every secret replaced by ***.
    std::string scrub(std::string message) const;
};

// Error(HOPT_EINVAL) naming the problem (never the user information or the
// options' values) for an address that is not one of the forms above.
Address parse_address(const std::string &text);

// `text` with its user information (user:password) and its query replaced by
// *** (for messages about bad input).
std::string redact(const std::string &text);

}  // namespace hopt::trials::mongo
