// The space JSON parser and its round trip (docs/space-json.md): any text is
// either refused with an Error or gives a space whose canonical JSON parses
// back to the same canonical JSON; a point sampled from it survives
// vals -> JSON -> vals, and evaluating it either works or fails with an
// Error (an expression's domain error), never a crash.
#include <cmath>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/error.hpp"
#include "core/json.hpp"
#include "core/rng.hpp"
#include "fuzz.hpp"
#include "space/evaluate.hpp"
#include "space/prior.hpp"
#include "space/space.hpp"
#include "space/vals.hpp"

using namespace hopt;

namespace {

uint64_t seed_of(const uint8_t *data, size_t size) {
    uint64_t h = 1469598103934665603ull;  // FNV-1a
    for (size_t i = 0; i < size; ++i) h = (h ^ data[i]) * 1099511628211ull;
    return h;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    const std::string_view text(reinterpret_cast<const char *>(data), size);
    space::Space sp;
    try {
        sp = space::Space::from_json(parse_json(text, "space"));
    } catch (const Error &e) {
        FUZZ_CHECK(fuzz::known_status(e.code()), "code %d: %s", e.code(), e.what());
        return 0;
    }

    // Canonical JSON: printable, parseable, and a fixed point.
    const std::string once = dump_json(sp.to_json());
    space::Space again;
    try {
        again = space::Space::from_json(parse_json(once, "canonical space"));
    } catch (const Error &e) {
        FUZZ_CHECK(false, "the canonical JSON of an accepted space is refused: %s\n%s", e.what(), once.c_str());
    }
    const std::string twice = dump_json(again.to_json());
    FUZZ_CHECK(once == twice, "round trip differs:\n%s\n%s", once.c_str(), twice.c_str());
    FUZZ_CHECK(sp.params().size() == again.params().size(), "label count differs");

    // A point from the prior: finite values, and its vals read back the same.
    Rng rng(seed_of(data, size));
    space::Vals vals;
    try {
        vals = space::sample_prior(sp, rng);
    } catch (const Error &e) {
        FUZZ_CHECK(false, "sampling an accepted space failed: %s", e.what());
    }
    for (size_t p = 0; p < vals.value.size(); ++p)
        if (vals.active[p])
            FUZZ_CHECK(std::isfinite(vals.value[p]), "label '%s' drew %g", sp.param(p).label.c_str(), vals.value[p]);
    const Json flat = space::vals_to_json(sp, vals);
    const std::string flat_text = dump_json(flat);
    space::Vals back;
    try {
        back = space::vals_from_json(sp, parse_json(flat_text, "vals"), true);
    } catch (const Error &e) {
        FUZZ_CHECK(false, "sampled vals are refused: %s\n%s", e.what(), flat_text.c_str());
    }
    FUZZ_CHECK(back.active == vals.active, "active labels differ after the vals round trip: %s", flat_text.c_str());
    for (size_t p = 0; p < vals.value.size(); ++p)
        if (vals.active[p])
            FUZZ_CHECK(back.value[p] == vals.value[p], "label '%s': %.17g became %.17g", sp.param(p).label.c_str(),
                       vals.value[p], back.value[p]);

    try {
        const Json point = space::evaluate(sp, vals);
        // JSON has no NaN or infinity (nlohmann would print null).
        FUZZ_CHECK(fuzz::all_finite(point), "the point holds a non-finite number");
        parse_json(dump_json(point), "point");
    } catch (const Error &e) {
        FUZZ_CHECK(e.code() == HOPT_ESPACE, "evaluating a sampled point: code %d: %s", e.code(), e.what());
    }
    return 0;
}
