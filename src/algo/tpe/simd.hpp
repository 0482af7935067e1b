// Which instruction set TPE's vector loops run with. The loops are written
// once, on 4-lane vectors with lane-wise IEEE operations and sums in a fixed
// order, and compiled twice: for the baseline target and for AVX2 (four
// doubles per instruction instead of two). Both variants give the same bits;
// tests check that by forcing the generic one.
#pragma once

namespace hopt::algo::tpe::simd {

enum class Isa { Generic, Avx2 };

// AVX2 where the CPU has it (and the compiler can target it).
bool avx2_available();
// The variant in use.
Isa active();
// For tests: run the generic variant even on an AVX2 machine (or back).
// Not synchronised with running suggestions: set it before them.
void set_active(Isa isa);

}  // namespace hopt::algo::tpe::simd

// The attribute that compiles a function for AVX2, on compilers and targets
// that have that variant.
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define HOPT_SIMD_AVX2_TARGET __attribute__((target("avx2")))
#define HOPT_HAVE_AVX2_VARIANT 1
#else
#define HOPT_SIMD_AVX2_TARGET
#endif
