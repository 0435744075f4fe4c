// SHA-256 against the FIPS 180-2 / NIST example vectors, plus the padding boundaries
// (lengths around 56 and 64 bytes, where the length field moves to a second block).

#include <gtest/gtest.h>

#include <string>

#include "io/results_file.hpp"

namespace apmsim::io {
namespace {

TEST(Sha256, NistVectors) {
  EXPECT_EQ(sha256_hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(sha256_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  EXPECT_EQ(sha256_hex(std::string(1000000, 'a')),
            "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

TEST(Sha256, PaddingBoundaries) {
  // Reference digests from Python's hashlib.sha256(b"x" * n).
  const std::pair<std::size_t, const char*> cases[] = {
      {55, "d5e285683cd4efc02d021a5c62014694958901005d6f71e89e0989fac77e4072"},
      {56, "04c26261370ee7541549d16dee320c723e3fd14671e66a099afe0a377c16888e"},
      {63, "75220b47218278e656f2013bb8f0c455a25eaf01e86c64924e9d48d89776d6f2"},
      {64, "7ce100971f64e7001e8fe5a51973ecdfe1ced42befe7ee8d5fd6219506b5393c"},
      {119, "000b48d4edf0fa7bee3c6236ecd2785baa5db4eeb8bb54341b029e0d9fa5fb0c"},
      {120, "13f05a0b594787f5ecd315edc96141bd3243203d1b7d4f0836f37308b276ba98"},
      {128, "24da1b81d0b16df6428eee73c69fcb2a93c76bc6df706f0c6670fe6bfe800464"},
  };
  for (const auto& [length, digest] : cases)
    EXPECT_EQ(sha256_hex(std::string(length, 'x')), digest) << "length " << length;
}

// The incremental form in pieces of every size gives the one-shot digest (files are hashed in
// 1 MiB reads; states in one piece).
TEST(Sha256, IncrementalEqualsOneShot) {
  std::string data;
  for (int i = 0; i < 1000; ++i) data.push_back(static_cast<char>(i * 7919 % 251));
  const std::string expected = sha256_hex(data);
  for (std::size_t piece : {1, 3, 55, 63, 64, 65, 127, 999}) {
    Sha256 h;
    for (std::size_t at = 0; at < data.size(); at += piece)
      h.update(std::string_view(data).substr(at, piece));
    EXPECT_EQ(h.hex(), expected) << "pieces of " << piece;
  }
}

}  // namespace
}  // namespace apmsim::io
