#pragma once
//! Typed reads and writes of HDF5 attributes and datasets: strings (written fixed-length UTF-8,
//! read either way), numbers and n-dimensional arrays. Every call is checked; failures throw
//! h5::Error naming the object's path in the file. Objects carry no time stamps, so the same
//! results always make the same bytes.

#include <cstdint>
#include <string>
#include <type_traits>
#include <vector>

#include "io/hdf5_handles.hpp"

namespace apmsim::io::h5 {

//! An open file, group or dataset together with its path in the file (for messages).
struct Node {
  Handle handle;     //!< owns the identifier
  std::string path;  //!< e.g. "/summary/base/provider"

  //! The identifier, for HDF5 calls.
  hid_t id() const { return handle.get(); }
  //! The path of a child named `name`.
  std::string child(const std::string& name) const {
    return path == "/" ? "/" + name : path + "/" + name;
  }
};

//! A numeric array read back with its shape.
template <typename T>
struct Array {
  std::vector<T> values;      //!< row-major
  std::vector<hsize_t> dims;  //!< empty for a scalar
};

//! The HDF5 types of a number: `native` in memory, `stored` (little-endian) in the file.
struct NumberTypes {
  hid_t native;  //!< e.g. H5T_NATIVE_DOUBLE
  hid_t stored;  //!< e.g. H5T_IEEE_F64LE
};

//! NumberTypes of T: double, std::int32_t, std::uint8_t, std::uint32_t or std::uint64_t.
template <typename T>
NumberTypes number_types() {
  if constexpr (std::is_same_v<T, double>) return {H5T_NATIVE_DOUBLE, H5T_IEEE_F64LE};
  if constexpr (std::is_same_v<T, std::int32_t>) return {H5T_NATIVE_INT32, H5T_STD_I32LE};
  if constexpr (std::is_same_v<T, std::uint8_t>) return {H5T_NATIVE_UINT8, H5T_STD_U8LE};
  if constexpr (std::is_same_v<T, std::uint32_t>) return {H5T_NATIVE_UINT32, H5T_STD_U32LE};
  if constexpr (std::is_same_v<T, std::uint64_t>) return {H5T_NATIVE_UINT64, H5T_STD_U64LE};
  static_assert(std::is_same_v<T, double> || std::is_same_v<T, std::int32_t> ||
                    std::is_same_v<T, std::uint8_t> || std::is_same_v<T, std::uint32_t> ||
                    std::is_same_v<T, std::uint64_t>,
                "no HDF5 type for T");
  return {H5I_INVALID_HID, H5I_INVALID_HID};
}

// --- Files and groups --------------------------------------------------------------------------

//! Bytes reserved at the start of every file written (HDF5 "user block"; HDF5 tools skip it).
inline constexpr hsize_t kUserBlockBytes = 512;

//! Creates a new file for writing (H5F_ACC_EXCL: open with O_CREAT|O_EXCL, so an existing name,
//! a link planted there included, fails and is never opened or followed), with a user block of
//! kUserBlockBytes; its root group is the returned node.
Node create_file(const std::string& path);
//! The descriptor HDF5 writes a file through (the sec2 driver's, which create_file sets).
int file_descriptor(const Node& file);
//! Opens an existing file read-only.
Node open_file(const std::string& path);
//! Creates a group; with `track_order` its members list in creation order.
Node create_group(const Node& parent, const std::string& name, bool track_order = false);
//! Opens a group; fails with "missing group <path>" when absent.
Node open_group(const Node& parent, const std::string& name);
//! Opens a dataset; fails with "missing dataset <path>" when absent.
Node open_dataset(const Node& parent, const std::string& name);
//! How messages name an attribute: "<node path> attribute '<name>'".
std::string attribute_path(const Node& node, const std::string& name);
//! Whether `parent` has a member (link) named `name`.
bool has_member(const Node& parent, const std::string& name);
//! Names of the member groups, in creation order where the group tracks it, else by name.
std::vector<std::string> member_groups(const Node& parent);
//! Throws Error naming the first soft, external or user-defined link among `root`'s members: a
//! results file holds every object itself, so a reader never follows a link into another file
//! (whose data would then pass for the run's) or elsewhere in this one. has_member (and so
//! open_group, open_dataset) and member_groups refuse one the same way wherever the reader
//! looks; nothing walks the parts of a file the reader never reads.
void refuse_links(const Node& root);

// --- Attributes ----------------------------------------------------------------------------------

//! Writes a scalar string attribute.
void write_attribute(const Node& node, const std::string& name, const std::string& value);
//! Writes a scalar numeric attribute.
template <typename T>
void write_attribute(const Node& node, const std::string& name, T value);
//! Writes a one-dimensional numeric attribute.
template <typename T>
void write_attribute(const Node& node, const std::string& name, const std::vector<T>& values);

//! Whether `node` has an attribute named `name`.
bool has_attribute(const Node& node, const std::string& name);
//! Reads a scalar string attribute (variable- or fixed-length).
std::string read_string_attribute(const Node& node, const std::string& name);
//! Reads a numeric attribute holding exactly one value.
template <typename T>
T read_attribute(const Node& node, const std::string& name);
//! Reads a numeric attribute as a flat array.
template <typename T>
std::vector<T> read_array_attribute(const Node& node, const std::string& name);

// --- Datasets ------------------------------------------------------------------------------------

//! Writes a scalar string dataset.
Node write_string(const Node& parent, const std::string& name, const std::string& value);
//! Writes a one-dimensional string dataset.
Node write_strings(const Node& parent, const std::string& name,
                   const std::vector<std::string>& values);
//! Writes a numeric dataset of shape `dims` from `data` (row-major); `dcpl` sets chunking and
//! filters (H5P_DEFAULT: contiguous).
template <typename T>
Node write_array(const Node& parent, const std::string& name, const T* data,
                 const std::vector<hsize_t>& dims, hid_t dcpl = H5P_DEFAULT);

//! Reads a scalar string dataset.
std::string read_string(const Node& parent, const std::string& name);
//! Reads a one-dimensional string dataset.
std::vector<std::string> read_strings(const Node& parent, const std::string& name);
//! Reads a numeric dataset with its shape; `rank` is the rank required.
template <typename T>
Array<T> read_array(const Node& parent, const std::string& name, int rank);

}  // namespace apmsim::io::h5
