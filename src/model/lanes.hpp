#pragma once
//! Lane policies: the model is written once over a policy L that says what a "number" is.
//! ScalarLanes is one unit per call (CUDA threads, reference code); VectorLanes<W> is W units at
//! once on the host (GCC vector extensions, lowered to SSE2, AVX2 or AVX-512 by the compiler).
//! Every operation rounds the same way in every policy (IEEE single; fused multiply-add only
//! where the model asks for it, through fma(), which is correctly rounded everywhere), so
//! a unit's numbers do not depend on which policy or SIMD width computed them.

#include <cmath>
#include <cstdint>

#if !defined(__CUDA_ARCH__) && (defined(__x86_64__) || defined(__i386__))
#include <immintrin.h>
#endif

#if defined(__CUDACC__)
#define APMSIM_HD __host__ __device__ __forceinline__
#else
#define APMSIM_HD inline __attribute__((always_inline))
#endif

namespace apmsim::model {

//! One unit per call: float, uint32 and bool. Used on the device and as the reference.
struct ScalarLanes {
  using F = float;
  using U = std::uint32_t;
  using I = std::int32_t;
  using M = bool;
  using D = double;
  static constexpr int width = 1;

  APMSIM_HD static F select(M m, F a, F b) { return m ? a : b; }
  APMSIM_HD static I select(M m, I a, I b) { return m ? a : b; }
  APMSIM_HD static M select(M m, M a, M b) { return m ? a : b; }
  APMSIM_HD static F splat(float x) { return x; }
  APMSIM_HD static I splat_i(std::int32_t x) { return x; }
  APMSIM_HD static U splat_u(std::uint32_t x) { return x; }
  APMSIM_HD static M splat_m(bool x) { return x; }
  APMSIM_HD static I trunc_to_int(F x) { return static_cast<I>(x); }
  APMSIM_HD static F to_float(I x) { return static_cast<F>(x); }
  APMSIM_HD static F to_float_u(U x) { return static_cast<F>(static_cast<I>(x)); }
  APMSIM_HD static D to_double(F x) { return static_cast<D>(x); }
  APMSIM_HD static D mask_to_double(M m) { return m ? 1.0 : 0.0; }
  APMSIM_HD static F as_float(I x) {
    F f;
    __builtin_memcpy(&f, &x, sizeof f);
    return f;
  }
  APMSIM_HD static I as_int(F x) {
    I i;
    __builtin_memcpy(&i, &x, sizeof i);
    return i;
  }
  APMSIM_HD static F sqrt(F x) { return ::sqrtf(x); }
  //! a * b + c rounded once (IEEE fused multiply-add): the same bits on every path.
  APMSIM_HD static F fma(F a, F b, F c) {
#if defined(__CUDA_ARCH__)
    return __fmaf_rn(a, b, c);
#else
    return __builtin_fmaf(a, b, c);
#endif
  }
  APMSIM_HD static M any(M m) { return m; }
  //! table[index]; `n` entries are valid (the table is padded to 16).
  APMSIM_HD static F lookup(const float* table, I index, int /*n*/) { return table[index]; }
  //! table[index] from a table of any size (an empirical severity grid).
  APMSIM_HD static F gather(const float* table, I index) { return table[index]; }
  APMSIM_HD static M is_set(I flags) { return flags != 0; }
  //! 32x32 -> 64-bit product split into high and low words (Philox round).
  APMSIM_HD static void mulhilo(U a, std::uint32_t b, U& hi, U& lo) {
    const std::uint64_t p = static_cast<std::uint64_t>(a) * b;
    hi = static_cast<U>(p >> 32);
    lo = static_cast<U>(p);
  }
  //! Lane index vector {0}: with a base, gives each lane its unit number.
  APMSIM_HD static U iota() { return 0u; }
};

#if !defined(__CUDA_ARCH__)
//! W units at once on the host (W = 4, 8 or 16: the CPU's register width in floats).
//! Masks are int32 lanes of 0 or -1, as GCC's vector compares give.
template <int W>
struct VectorTypes;
// GCC needs literal vector sizes, so each width is spelled out.
#define APMSIM_VECTOR_TYPES(N)                                     \
  template <>                                                      \
  struct VectorTypes<N> {                                          \
    typedef float F __attribute__((vector_size(4 * N)));           \
    typedef std::uint32_t U __attribute__((vector_size(4 * N)));   \
    typedef std::int32_t I __attribute__((vector_size(4 * N)));    \
    typedef double D __attribute__((vector_size(8 * N)));          \
    typedef std::uint64_t U64 __attribute__((vector_size(8 * N))); \
  };
APMSIM_VECTOR_TYPES(4)
APMSIM_VECTOR_TYPES(8)
APMSIM_VECTOR_TYPES(16)
#undef APMSIM_VECTOR_TYPES

template <int W>
struct VectorLanes {
  using F = typename VectorTypes<W>::F;
  using U = typename VectorTypes<W>::U;
  using I = typename VectorTypes<W>::I;
  using M = I;
  using D = typename VectorTypes<W>::D;
  using U64 = typename VectorTypes<W>::U64;
  static constexpr int width = W;

  APMSIM_HD static F select(M m, F a, F b) { return m ? a : b; }
  APMSIM_HD static I select(M m, I a, I b) { return m ? a : b; }
  APMSIM_HD static F splat(float x) { return F{} + x; }
  APMSIM_HD static I splat_i(std::int32_t x) { return I{} + x; }
  APMSIM_HD static U splat_u(std::uint32_t x) { return U{} + x; }
  APMSIM_HD static M splat_m(bool x) { return I{} + (x ? -1 : 0); }
  APMSIM_HD static I trunc_to_int(F x) { return __builtin_convertvector(x, I); }
  APMSIM_HD static F to_float(I x) { return __builtin_convertvector(x, F); }
  APMSIM_HD static F to_float_u(U x) { return __builtin_convertvector((I)x, F); }
  APMSIM_HD static D to_double(F x) { return __builtin_convertvector(x, D); }
  APMSIM_HD static D mask_to_double(M m) { return -__builtin_convertvector(m, D); }
  APMSIM_HD static F as_float(I x) { return (F)x; }  // same-size vector cast: bit copy
  APMSIM_HD static I as_int(F x) { return (I)x; }
  //! Correctly rounded square root (IEEE), as on the device.
  APMSIM_HD static F sqrt(F x) {
#if defined(__AVX512F__)
    if constexpr (W == 16) return (F)_mm512_sqrt_ps((__m512)x);
#endif
#if defined(__AVX__)
    if constexpr (W == 8) return (F)_mm256_sqrt_ps((__m256)x);
#endif
#if defined(__SSE2__)
    if constexpr (W == 4) return (F)_mm_sqrt_ps((__m128)x);
#endif
    F r = x;
    for (int i = 0; i < W; ++i) r[i] = __builtin_sqrtf(x[i]);
    return r;
  }
  //! a * b + c rounded once, lane by lane (FMA3 / AVX-512; elsewhere libm's exact fmaf).
  APMSIM_HD static F fma(F a, F b, F c) {
#if defined(__AVX512F__)
    if constexpr (W == 16) return (F)_mm512_fmadd_ps((__m512)a, (__m512)b, (__m512)c);
#endif
#if defined(__FMA__)
    if constexpr (W == 8) return (F)_mm256_fmadd_ps((__m256)a, (__m256)b, (__m256)c);
    if constexpr (W == 4) return (F)_mm_fmadd_ps((__m128)a, (__m128)b, (__m128)c);
#endif
    F r = a;
    for (int i = 0; i < W; ++i) r[i] = __builtin_fmaf(a[i], b[i], c[i]);
    return r;
  }
  APMSIM_HD static bool any(M m) {
#if defined(__AVX512F__)
    if constexpr (W == 16) return _mm512_test_epi32_mask((__m512i)m, (__m512i)m) != 0;
#endif
#if defined(__AVX__)
    if constexpr (W == 8) return !_mm256_testz_si256((__m256i)m, (__m256i)m);
#endif
#if defined(__SSE2__)
    if constexpr (W == 4) return _mm_movemask_ps((__m128)m) != 0;
#endif
    std::int32_t r = 0;
    for (int i = 0; i < W; ++i) r |= m[i];
    return r != 0;
  }
  APMSIM_HD static M is_set(I flags) { return flags != 0; }
  //! table[index] per lane, for a table of n <= 16 entries padded to 16: one permute.
  APMSIM_HD static F lookup(const float* table, I index, int n) {
#if defined(__AVX512F__)
    if constexpr (W == 16) return (F)_mm512_permutexvar_ps((__m512i)index, _mm512_loadu_ps(table));
#endif
#if defined(__AVX2__)
    if constexpr (W == 8) {
      const __m256 low = _mm256_permutevar8x32_ps(_mm256_loadu_ps(table), (__m256i)index);
      if (n <= 8) return (F)low;
      const __m256 high = _mm256_permutevar8x32_ps(_mm256_loadu_ps(table + 8), (__m256i)index);
      return index >= 8 ? (F)high : (F)low;
    }
#endif
    (void)n;
    F r = splat(0.0f);
    for (int i = 0; i < W; ++i) r[i] = table[index[i]];
    return r;
  }
  //! table[index] per lane from a table of any size: one gather instruction where there is
  //! one (AVX2, AVX-512); loads, so every width gives the same bits.
  APMSIM_HD static F gather(const float* table, I index) {
#if defined(__AVX512F__)
    if constexpr (W == 16) return (F)_mm512_i32gather_ps((__m512i)index, table, 4);
#endif
#if defined(__AVX2__)
    if constexpr (W == 8) return (F)_mm256_i32gather_ps(table, (__m256i)index, 4);
    if constexpr (W == 4) return (F)_mm_i32gather_ps(table, (__m128i)index, 4);
#endif
    F r = splat(0.0f);
    for (int i = 0; i < W; ++i) r[i] = table[index[i]];
    return r;
  }
  //! 32x32 -> 64-bit products: vpmuludq on even and odd lanes where available.
  APMSIM_HD static void mulhilo(U a, std::uint32_t b, U& hi, U& lo) {
#if defined(__AVX512F__)
    if constexpr (W == 16) {
      const __m512i va = (__m512i)a, vb = _mm512_set1_epi32(static_cast<int>(b));
      const __m512i even = _mm512_mul_epu32(va, vb);
      const __m512i odd = _mm512_mul_epu32(_mm512_srli_epi64(va, 32), vb);
      lo = (U)_mm512_mask_blend_epi32(0xAAAA, even, _mm512_slli_epi64(odd, 32));
      hi = (U)_mm512_mask_blend_epi32(0xAAAA, _mm512_srli_epi64(even, 32), odd);
      return;
    }
#endif
#if defined(__AVX2__)
    if constexpr (W == 8) {
      const __m256i va = (__m256i)a, vb = _mm256_set1_epi32(static_cast<int>(b));
      const __m256i even = _mm256_mul_epu32(va, vb);
      const __m256i odd = _mm256_mul_epu32(_mm256_srli_epi64(va, 32), vb);
      lo = (U)_mm256_mullo_epi32(va, vb);  // one instruction instead of a shift and a blend
      hi = (U)_mm256_blend_epi32(_mm256_srli_epi64(even, 32), odd, 0xAA);
      return;
    }
#endif
#if defined(__SSE2__)
    if constexpr (W == 4) {
      const __m128i va = (__m128i)a, vb = _mm_set1_epi32(static_cast<int>(b));
      const __m128i even = _mm_mul_epu32(va, vb);                     // products 0, 2
      const __m128i odd = _mm_mul_epu32(_mm_srli_epi64(va, 32), vb);  // products 1, 3
      const __m128i lo02 = _mm_shuffle_epi32(even, 0x08), lo13 = _mm_shuffle_epi32(odd, 0x08);
      const __m128i hi02 = _mm_shuffle_epi32(even, 0x0D), hi13 = _mm_shuffle_epi32(odd, 0x0D);
      lo = (U)_mm_unpacklo_epi32(lo02, lo13);
      hi = (U)_mm_unpacklo_epi32(hi02, hi13);
      return;
    }
#endif
    const U64 p = __builtin_convertvector(a, U64) * static_cast<std::uint64_t>(b);
    hi = __builtin_convertvector(p >> 32, U);
    lo = __builtin_convertvector(p, U);
  }
  APMSIM_HD static U iota() {
    U r{};
    for (int i = 0; i < W; ++i) r[i] = static_cast<std::uint32_t>(i);
    return r;
  }
};
#endif

}  // namespace apmsim::model
