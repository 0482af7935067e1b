// The registry's resolver (hopt_registry_set_resolver): asked only for names
// the registry lacks, once per name it resolves, and its answers must carry
// the name they were asked for.
#include <cmath>
#include <string>

#include "core/error.hpp"
#include "worker/registry.hpp"
// last: cmocka defines a macro `fail`, which hopt's headers declare as a function
#include "cmocka.hpp"

using namespace hopt;

namespace {

class Named final : public objective::Objective {
public:
    explicit Named(std::string name) : name_(std::move(name)) {}
    const std::string &name() const override { return name_; }
    objective::Outcome evaluate(const objective::Request &) override { return {}; }

private:
    std::string name_;
};

void resolves_missing_names_once(void **) {
    worker::Registry registry;
    registry.add(std::make_shared<Named>("registered"));
    int asked = 0;
    registry.set_resolver([&](const std::string &name) -> std::shared_ptr<objective::Objective> {
        ++asked;
        if (name.rfind("mod:", 0) != 0) return nullptr;
        return std::make_shared<Named>(name);
    });
    assert_true(registry.resolves());
    assert_non_null(registry.find("registered"));
    assert_int_equal(asked, 0);  // registered names never reach the resolver

    const worker::Registry::Entry *first = registry.find("mod:fn");
    assert_non_null(first);
    assert_string_equal(first->objective->name().c_str(), "mod:fn");
    assert_ptr_equal(registry.find("mod:fn"), first);  // kept
    assert_int_equal(asked, 1);

    assert_null(registry.find("other"));  // unknown: asked each time
    assert_null(registry.find("other"));
    assert_int_equal(asked, 3);
    assert_true(registry.describe().find("resolver") != std::string::npos);

    // A copy shares the resolver and what it resolved.
    worker::Registry copy = registry;
    assert_ptr_equal(copy.find("mod:fn"), first);

    registry.set_resolver(nullptr);
    assert_false(registry.resolves());
    assert_null(registry.find("mod:fn"));
}

void an_answer_with_another_name_is_an_error(void **) {
    worker::Registry registry;
    registry.set_resolver([](const std::string &) { return std::make_shared<Named>("os:system"); });
    try {
        registry.find("mod:fn");
        fail_msg("a resolver answering with another name was accepted");
    } catch (const Error &e) {
        assert_int_equal(e.code(), HOPT_EINVAL);
        assert_true(std::string(e.what()).find("os:system") != std::string::npos);
    }
}

}  // namespace

int main() {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(resolves_missing_names_once),
        cmocka_unit_test(an_answer_with_another_name_is_an_error),
    };
    return cmocka_run_group_tests(tests, nullptr, nullptr);
}
