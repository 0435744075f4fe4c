// The price of each operation the model needs, in the kernels' own implementations, for the
// instruction floor of docs/performance.md ("The instruction floor"):
//   valgrind --tool=callgrind --dump-instr=no build/release/benchmarks/apmsim_count_floor
//   callgrind_annotate callgrind.out.<pid> | grep floor_
// Each floor_<op>_<isa> function applies one operation to one register of lanes, `kCalls` times
// over an array (kept out of line so that callgrind attributes its instructions); instructions
// per call / lanes = instructions per unit. Built with the kernels' own flags (CMakeLists.txt).
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <vector>

#include "model/math.hpp"
#include "model/philox.hpp"
#include "model/random.hpp"

namespace {

constexpr int kCalls = 100000;

template <int W>
struct Ops {
  using L = apmsim::model::VectorLanes<W>;
  using F = typename L::F;
  using U = typename L::U;

  // One Philox4x32-10 block as the kernel draws it (lane-uniform rounds 1-3 from a prefix).
  __attribute__((noinline)) static void philox(const U* units, U* out, int n) {
    const apmsim::model::Key key{0x12345678u, 0x9abcdef0u};
    const auto prefix = apmsim::model::draw_block_prefix<L>(
        key, apmsim::model::kStreamUnit, 7u, 11u, 3u, 0u);
    for (int i = 0; i < n; ++i) {
      const auto b = apmsim::model::draw_block<L>(key, prefix, units[i]);
      out[i] = b.x ^ b.y ^ b.z ^ b.w;
    }
  }
  __attribute__((noinline)) static void uniform(const U* bits, F* out, int n) {
    for (int i = 0; i < n; ++i) out[i] = apmsim::model::uniform<L>(bits[i]);
  }
  __attribute__((noinline)) static void exp(const F* x, F* out, int n) {
    for (int i = 0; i < n; ++i) out[i] = apmsim::model::exp_approx<L>(x[i]);
  }
  __attribute__((noinline)) static void log(const F* x, F* out, int n) {
    for (int i = 0; i < n; ++i) out[i] = apmsim::model::log_approx<L>(x[i]);
  }
  __attribute__((noinline)) static void box_muller(const F* u, F* out, int n) {
    for (int i = 0; i + 1 < n; i += 2) {
      F z0, z1;
      apmsim::model::box_muller<L>(u[i], u[i + 1], z0, z1);
      out[i] = z0;
      out[i + 1] = z1;
    }
  }
  __attribute__((noinline)) static void bernoulli(const F* u, const F* eta, F* out, int n) {
    for (int i = 0; i < n; ++i)
      out[i] = L::as_float(apmsim::model::bernoulli_logit<L>(u[i], eta[i]));
  }
  //! The loop alone: what each measurement above includes besides its operation.
  __attribute__((noinline)) static void copy(const F* x, F* out, int n) {
    for (int i = 0; i < n; ++i) out[i] = x[i] + 1.0f;
  }

  static void run(const char* isa) {
    std::vector<U> bits(kCalls);
    std::vector<F> x(kCalls), y(kCalls), out(kCalls);
    std::vector<U> outu(kCalls);
    for (int i = 0; i < kCalls; ++i) {
      for (int l = 0; l < W; ++l) {
        bits[i][l] = 2654435761u * static_cast<std::uint32_t>(i * W + l + 1);
        x[i][l] = 0.001f + 0.998f * static_cast<float>((i * W + l) % 997) / 997.0f;
        y[i][l] = -3.0f + 6.0f * x[i][l];
      }
    }
    philox(bits.data(), outu.data(), kCalls);
    uniform(bits.data(), out.data(), kCalls);
    exp(y.data(), out.data(), kCalls);
    log(x.data(), out.data(), kCalls);
    box_muller(x.data(), out.data(), kCalls);
    bernoulli(x.data(), y.data(), out.data(), kCalls);
    copy(x.data(), out.data(), kCalls);
    float sink = 0;
    for (int i = 0; i < kCalls; ++i) sink += out[i][0] + static_cast<float>(outu[i][0] & 1u);
    std::printf("%s: %d calls of %d lanes each per operation (box_muller: %d calls, two normals "
                "each) [%g]\n",
                isa, kCalls, W, kCalls / 2, static_cast<double>(sink));
  }
};

}  // namespace

// One set per instruction set the kernels are built for; the flags come from CMakeLists.txt.
#if defined(APMSIM_FLOOR_AVX512)
void run_floor() { Ops<16>::run("avx512"); }
#elif defined(APMSIM_FLOOR_AVX2)
void run_floor() { Ops<8>::run("avx2"); }
#else
void run_floor() { Ops<4>::run("generic"); }
#endif

int main() {
  run_floor();
  return 0;
}
