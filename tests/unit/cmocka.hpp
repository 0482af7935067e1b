// cmocka from C++: its header needs these C headers first.
#pragma once

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

extern "C" {
#include <cmocka.h>
}

// assert_float_equal for doubles with a relative-or-absolute tolerance.
#define assert_close(got, want, tol)                                                             \
    do {                                                                                         \
        const double g_ = (got), w_ = (want), t_ = (tol);                                        \
        if (!(std::fabs(g_ - w_) <= t_ * std::max(1.0, std::fabs(w_))))                          \
            fail_msg("%s = %.17g, expected %.17g (tolerance %g)", #got, g_, w_, t_);             \
    } while (0)
