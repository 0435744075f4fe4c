#pragma once
//! Bytes of a run state (checkpoints, shards, MPI messages): fixed-width little-endian numbers
//! and length-prefixed strings and arrays. The reader checks every length against what is left,
//! so a damaged or hostile state fails with a message instead of reading out of bounds.

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "scenario/error.hpp"

namespace apmsim::analysis {

static_assert(sizeof(double) == 8, "IEEE-754 doubles");

//! Appends values to a byte string.
class ByteWriter {
 public:
  void u64(std::uint64_t v) { raw(&v, sizeof v); }
  void f64(double v) { raw(&v, sizeof v); }
  void str(std::string_view s) {
    u64(s.size());
    out_.append(s.data(), s.size());
  }
  void doubles(const double* v, std::size_t n) {
    u64(n);
    raw(v, n * sizeof(double));
  }
  void doubles(const std::vector<double>& v) { doubles(v.data(), v.size()); }
  std::string& bytes() { return out_; }

 private:
  void raw(const void* p, std::size_t n) { out_.append(static_cast<const char*>(p), n); }
  std::string out_;
};

//! Reads what ByteWriter wrote; failures throw InputError naming `where`.
class ByteReader {
 public:
  ByteReader(std::string_view in, std::string where) : in_(in), where_(std::move(where)) {}
  std::uint64_t u64() {
    std::uint64_t v;
    raw(&v, sizeof v);
    return v;
  }
  double f64() {
    double v;
    raw(&v, sizeof v);
    return v;
  }
  std::string str(std::size_t max_size) {
    const std::uint64_t n = length(max_size, 1);
    std::string s(in_.substr(at_, n));
    at_ += n;
    return s;
  }
  //! An array of doubles, appended to `out`; at most `max_count` elements.
  void doubles(std::vector<double>& out, std::size_t max_count) {
    const std::uint64_t n = length(max_count, sizeof(double));
    const std::size_t old = out.size();
    out.resize(old + n);
    raw(out.data() + old, n * sizeof(double));
  }
  //! An array of exactly `count` doubles into `out`.
  void doubles_exactly(double* out, std::size_t count) {
    if (u64() != count) fail("an array has the wrong length");
    raw(out, count * sizeof(double));
  }
  std::size_t remaining() const { return in_.size() - at_; }
  [[noreturn]] void fail(const std::string& what) const {
    throw InputError(where_ + ": damaged or incompatible run state: " + what);
  }

 private:
  std::uint64_t length(std::size_t max, std::size_t element) {
    const std::uint64_t n = u64();
    if (n > max || n > remaining() / element) fail("a length field is out of range");
    return n;
  }
  void raw(void* p, std::size_t n) {
    if (n > remaining()) fail("it ends early (truncated)");
    if (n) std::memcpy(p, in_.data() + at_, n);
    at_ += n;
  }
  std::string_view in_;
  std::size_t at_ = 0;
  std::string where_;
};

}  // namespace apmsim::analysis
