#pragma once
//! SHA-256 (FIPS 180-4), written out so the static binary needs no crypto library. Fingerprints
//! scenario texts, run states and whole results files (integrity, not security).

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace apmsim {

//! Incremental SHA-256: update() any number of times, then hex() once.
class Sha256 {
 public:
  Sha256();
  void update(const void* data, std::size_t size);
  void update(std::string_view data) { update(data.data(), data.size()); }
  //! The digest as 64 lowercase hex digits; the object is then spent.
  std::string hex();

 private:
  std::array<std::uint32_t, 8> hash_;
  std::array<unsigned char, 64> block_{};
  std::size_t filled_ = 0;
  std::uint64_t length_ = 0;
};

//! SHA-256 of `data` as 64 lowercase hex digits.
std::string sha256_hex(std::string_view data);

}  // namespace apmsim
