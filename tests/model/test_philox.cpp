// Philox4x32-10: known-answer vectors from Random123 (kat_vectors), agreement with Random123's
// own implementation on random counters, and lane-policy agreement (scalar vs 16 lanes).
#include <Random123/philox.h>
#include <gtest/gtest.h>

#include <cstdint>
#include <random>

#include "model/philox.hpp"

namespace apmsim::model {
namespace {

using S = ScalarLanes;
using V = VectorLanes<16>;

Philox4<S> run(std::uint32_t x, std::uint32_t y, std::uint32_t z, std::uint32_t w, std::uint32_t k0,
               std::uint32_t k1) {
  return philox4x32_10<S>(Philox4<S>{x, y, z, w}, k0, k1);
}

void expect_words(const Philox4<S>& r, std::uint32_t a, std::uint32_t b, std::uint32_t c,
                  std::uint32_t d) {
  EXPECT_EQ(r.x, a);
  EXPECT_EQ(r.y, b);
  EXPECT_EQ(r.z, c);
  EXPECT_EQ(r.w, d);
}

// Random123 1.14, examples/kat_vectors: "philox4x32 10 ..." lines.
TEST(Philox, KnownAnswerZero) {
  expect_words(run(0, 0, 0, 0, 0, 0), 0x6627e8d5u, 0xe169c58du, 0xbc57ac4cu, 0x9b00dbd8u);
}

TEST(Philox, KnownAnswerOnes) {
  expect_words(run(~0u, ~0u, ~0u, ~0u, ~0u, ~0u), 0x408f276du, 0x41c83b0eu, 0xa20bc7c6u,
               0x6d5451fdu);
}

TEST(Philox, KnownAnswerPi) {
  expect_words(run(0x243f6a88u, 0x85a308d3u, 0x13198a2eu, 0x03707344u, 0xa4093822u, 0x299f31d0u),
               0xd16cfe09u, 0x94fdccebu, 0x5001e420u, 0x24126ea1u);
}

TEST(Philox, MatchesRandom123OnRandomCounters) {
  std::mt19937 mt(12345);
  auto gen = [&mt] { return static_cast<std::uint32_t>(mt()); };
  r123::Philox4x32_R<10> reference;
  for (int i = 0; i < 10000; ++i) {
    r123::Philox4x32_R<10>::ctr_type c = {{gen(), gen(), gen(), gen()}};
    r123::Philox4x32_R<10>::key_type k = {{gen(), gen()}};
    const auto expected = reference(c, k);
    const auto got = run(c[0], c[1], c[2], c[3], k[0], k[1]);
    ASSERT_EQ(got.x, expected[0]);
    ASSERT_EQ(got.y, expected[1]);
    ASSERT_EQ(got.z, expected[2]);
    ASSERT_EQ(got.w, expected[3]);
  }
}

TEST(Philox, SixteenLanesEqualScalar) {
  Philox4<V> c;
  for (int l = 0; l < 16; ++l) {
    c.x[l] = 7u * l;
    c.y[l] = 0xdeadbeefu + l;
    c.z[l] = 0x12345678u ^ l;
    c.w[l] = l * l;
  }
  const Philox4<V> r = philox4x32_10<V>(c, 0xabcdefu, 0x13579bu);
  for (int l = 0; l < 16; ++l) {
    const auto s = run(c.x[l], c.y[l], c.z[l], c.w[l], 0xabcdefu, 0x13579bu);
    EXPECT_EQ(r.x[l], s.x);
    EXPECT_EQ(r.y[l], s.y);
    EXPECT_EQ(r.z[l], s.z);
    EXPECT_EQ(r.w[l], s.w);
  }
}

}  // namespace
}  // namespace apmsim::model

namespace apmsim::model {
namespace {

// The shared-word shortcut used by every draw must be the same bijection.
TEST(Philox, LaneYShortcutEqualsFullRounds) {
  std::mt19937 mt(99);
  for (int i = 0; i < 1000; ++i) {
    const std::uint32_t x = mt(), z = mt(), w = mt(), k0 = mt(), k1 = mt();
    VectorLanes<16>::U y;
    for (int l = 0; l < 16; ++l) y[l] = static_cast<std::uint32_t>(mt());
    const auto fast = philox4x32_10_lane_y<VectorLanes<16>>(x, y, z, w, k0, k1);
    const auto scalar_fast = philox4x32_10_lane_y<ScalarLanes>(x, y[3], z, w, k0, k1);
    for (int l = 0; l < 16; ++l) {
      const auto full = philox4x32_10<ScalarLanes>(Philox4<ScalarLanes>{x, y[l], z, w}, k0, k1);
      ASSERT_EQ(fast.x[l], full.x);
      ASSERT_EQ(fast.y[l], full.y);
      ASSERT_EQ(fast.z[l], full.z);
      ASSERT_EQ(fast.w[l], full.w);
      if (l == 3) {
        ASSERT_EQ(scalar_fast.x, full.x);
      }
    }
  }
}

}  // namespace
}  // namespace apmsim::model
