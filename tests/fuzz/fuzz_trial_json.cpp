// Trial documents as they come from imports, exports and MongoDB
// (docs/trials.md): trials::from_json refuses a bad shape with an Error, and
// a document it accepts is written back (to_json) as one it accepts again
// with the same content; the BSON form of an accepted trial (what the
// MongoDB store writes) reads back as the same trial, or is refused with an
// Error when BSON cannot hold it.
#include <cstdint>
#include <string>
#include <string_view>

#include "core/error.hpp"
#include "core/json.hpp"
#include "fuzz.hpp"
#include "trials/mongo/bson_json.hpp"
#include "trials/queries.hpp"
#include "trials/trial.hpp"

using namespace hopt;

namespace {

// What a BSON round trip may change: times come back as {"$date": ms}
// (read_trial in the store turns them back), integers and doubles keep
// their JSON kind. Compare through the Trial: to_json of both.
std::string canonical(const trials::Trial &t) { return dump_json(trials::to_json(t)); }

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    const std::string_view text(reinterpret_cast<const char *>(data), size);
    trials::Trial t;
    try {
        t = trials::from_json(parse_json(text, "trial"));
    } catch (const Error &e) {
        FUZZ_CHECK(fuzz::known_status(e.code()), "code %d: %s", e.code(), e.what());
        return 0;
    }

    // The queries fmin and the C API run on stored trials.
    (void)t.loss();
    (void)t.status();
    (void)t.ok();
    const Json flat = trials::flat_vals(t);
    FUZZ_CHECK(fuzz::all_finite(flat), "flat vals hold a non-finite number");

    const std::string once = canonical(t);
    trials::Trial again;
    try {
        again = trials::from_json(parse_json(once, "written trial"));
    } catch (const Error &e) {
        FUZZ_CHECK(false, "a written trial is refused: %s\n%s", e.what(), once.c_str());
    }
    const std::string twice = canonical(again);
    FUZZ_CHECK(once == twice, "round trip differs:\n%s\n%s", once.c_str(), twice.c_str());

    // The MongoDB form.
    trials::mongo::BsonPtr doc;
    try {
        doc = trials::mongo::trial_to_bson(t);
    } catch (const Error &e) {
        FUZZ_CHECK(e.code() == HOPT_EINVAL, "code %d: %s", e.code(), e.what());
        return 0;
    }
    trials::Trial from_db;
    try {
        Json stored = trials::mongo::from_bson(doc.get());
        for (const char *k : {"book_time", "refresh_time"})
            if (stored.contains(k) && stored[k].is_object() && stored[k].contains("$date")) stored[k] = stored[k]["$date"];
        if (!t.extra.contains("_id")) stored.erase("_id");
        from_db = trials::from_json(stored);
    } catch (const Error &e) {
        FUZZ_CHECK(false, "a trial written as BSON is refused on reading: %s\n%s", e.what(), once.c_str());
    }
    const std::string thrice = canonical(from_db);
    FUZZ_CHECK(once == thrice, "BSON round trip differs:\n%s\n%s", once.c_str(), thrice.c_str());
    return 0;
}
