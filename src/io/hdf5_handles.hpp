#pragma once
//! Small RAII owners for HDF5 identifiers and the error plumbing shared by the writer and reader.
//! C API only: the project links HDF5 statically, where the C++ API is not reliably available.

#include <hdf5.h>

#include <stdexcept>
#include <string>
#include <utility>

namespace apmsim::io::h5 {

//! An HDF5 call failed; what() names the object and carries HDF5's own innermost message.
class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

//! The most specific message on HDF5's current error stack (empty if none); clears the stack.
std::string last_error_message();

//! Throws Error("<where>: <what> failed (<HDF5 message>)").
[[noreturn]] void fail(const std::string& where, const std::string& what);

//! Returns `status` when it is non-negative, otherwise fails naming `where` and `what`.
template <typename Status>
Status check(Status status, const std::string& where, const char* what) {
  if (status < 0) fail(where, what);
  return status;
}

//! Owns one identifier and releases it with the matching H5?close function.
class Handle {
 public:
  using Closer = herr_t (*)(hid_t);

  //! An empty handle (owns nothing).
  Handle() = default;
  //! Takes ownership of `id`, which must be valid (checked by the caller with check()).
  Handle(hid_t id, Closer closer) : id_(id), closer_(closer) {}
  Handle(const Handle&) = delete;
  Handle& operator=(const Handle&) = delete;
  //! Moves ownership.
  Handle(Handle&& other) noexcept
      : id_(std::exchange(other.id_, H5I_INVALID_HID)), closer_(other.closer_) {}
  //! Moves ownership, releasing what this handle held.
  Handle& operator=(Handle&& other) noexcept {
    if (this != &other) {
      reset();
      id_ = std::exchange(other.id_, H5I_INVALID_HID);
      closer_ = other.closer_;
    }
    return *this;
  }
  ~Handle() { reset(); }

  //! The identifier, for HDF5 calls.
  hid_t get() const { return id_; }
  //! Closes now and reports failure (a file close is where buffered data reaches the disk).
  void close(const std::string& where) {
    const hid_t id = std::exchange(id_, H5I_INVALID_HID);
    if (id >= 0) check(closer_(id), where, "close");
  }
  //! Closes quietly (destructor and error paths).
  void reset() noexcept {
    const hid_t id = std::exchange(id_, H5I_INVALID_HID);
    if (id >= 0) closer_(id);
  }

 private:
  hid_t id_ = H5I_INVALID_HID;
  Closer closer_ = nullptr;
};

//! Turns HDF5's automatic error printing off for the process: failures become exceptions with
//! messages, not stack dumps on stderr. Deliberately not restored: after a damaged file, HDF5
//! 1.10 may keep a few internal blocks and, with printing on, reports "infinite loop closing
//! library" at exit (HDFGroup/hdf5 issues 3790 and 6677). Also, when it is the first HDF5 call,
//! no clean-up at exit: after a file failed to close (a full disk, a file size limit) HDF5 1.10's
//! exit handler tries to close it again and crashes (SIGSEGV in H5F__close_cb); apmsim closes
//! every file it opens through its Handle anyway.
inline void silence_errors() {
  H5dont_atexit();  // fails harmlessly once the library is initialised
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
}

}  // namespace apmsim::io::h5
