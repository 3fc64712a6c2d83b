// NMSIM_AVX2_CLONES before a hot integer loop's function makes GCC and Clang build it twice,
// for baseline x86-64 and for AVX2, and pick one when the program loads (ifunc): AVX2 takes 8
// 32-bit lanes at once with native min and max, where baseline x86-64 takes 4 with emulated
// ones. Integer arithmetic gives the same bits in every clone. Elsewhere: one plain function.
#pragma once

#if defined(__x86_64__) && defined(__ELF__)
#define NMSIM_AVX2_CLONES __attribute__((target_clones("avx2", "default")))
#else
#define NMSIM_AVX2_CLONES
#endif
