// Writing HDF5 attributes and datasets (see hdf5_io.hpp). Numbers are stored little-endian with
// standard HDF5 types; strings as fixed-length UTF-8.

#include <algorithm>
#include <cstddef>

#include "io/hdf5_io.hpp"

namespace apmsim::io::h5 {
namespace {

//! Strings packed for HDF5: fixed-length UTF-8, NUL-padded to the longest (at least one byte).
//! Fixed rather than variable length: variable-length strings live in HDF5's global heap, whose
//! reader trusts stored lengths, so a damaged file could crash it instead of failing cleanly.
struct PackedStrings {
  Handle type;
  std::vector<char> bytes;
};

PackedStrings pack(const std::vector<std::string>& values, const std::string& where) {
  std::size_t size = 1;
  for (const std::string& value : values) {
    if (value.find('\0') != std::string::npos)
      throw Error(where + ": a string contains a NUL byte, which HDF5 strings cannot hold");
    size = std::max(size, value.size());
  }
  PackedStrings packed{Handle(check(H5Tcopy(H5T_C_S1), where, "copy string type"), H5Tclose),
                       std::vector<char>(values.size() * size, '\0')};
  check(H5Tset_size(packed.type.get(), size), where, "set string size");
  check(H5Tset_strpad(packed.type.get(), H5T_STR_NULLPAD), where, "set string padding");
  check(H5Tset_cset(packed.type.get(), H5T_CSET_UTF8), where, "set string character set");
  for (std::size_t i = 0; i < values.size(); ++i)
    std::copy(values[i].begin(), values[i].end(), packed.bytes.begin() + i * size);
  return packed;
}

Handle simple_space(const std::vector<hsize_t>& dims, const std::string& where) {
  const hid_t space = dims.empty()
                          ? H5Screate(H5S_SCALAR)
                          : H5Screate_simple(static_cast<int>(dims.size()), dims.data(), nullptr);
  return Handle(check(space, where, "create dataspace"), H5Sclose);
}

void write_attribute_raw(const Node& node, const std::string& name, hid_t stored_type,
                         hid_t memory_type, const std::vector<hsize_t>& dims, const void* buffer) {
  const std::string where = attribute_path(node, name);
  Handle space = simple_space(dims, where);
  Handle attribute(
      check(H5Acreate2(node.id(), name.c_str(), stored_type, space.get(), H5P_DEFAULT, H5P_DEFAULT),
            where, "create"),
      H5Aclose);
  check(H5Awrite(attribute.get(), memory_type, buffer), where, "write");
  attribute.close(where);
}

Node write_dataset_raw(const Node& parent, const std::string& name, hid_t stored_type,
                       hid_t memory_type, const std::vector<hsize_t>& dims, const void* buffer,
                       hid_t dcpl) {
  Node dataset{Handle(), parent.child(name)};
  Handle space = simple_space(dims, dataset.path);
  Handle properties(check(dcpl == H5P_DEFAULT ? H5Pcreate(H5P_DATASET_CREATE) : H5Pcopy(dcpl),
                          dataset.path, "create dataset properties"),
                    H5Pclose);
  check(H5Pset_obj_track_times(properties.get(), false), dataset.path, "turn off time stamps");
  dataset.handle = Handle(check(H5Dcreate2(parent.id(), name.c_str(), stored_type, space.get(),
                                           H5P_DEFAULT, properties.get(), H5P_DEFAULT),
                                dataset.path, "create dataset"),
                          H5Dclose);
  if (check(H5Sget_simple_extent_npoints(space.get()), dataset.path, "count points") > 0)
    check(H5Dwrite(dataset.id(), memory_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, buffer), dataset.path,
          "write");
  return dataset;
}

}  // namespace

void write_attribute(const Node& node, const std::string& name, const std::string& value) {
  const std::string where = attribute_path(node, name);
  const PackedStrings packed = pack({value}, where);
  write_attribute_raw(node, name, packed.type.get(), packed.type.get(), {}, packed.bytes.data());
}

template <typename T>
void write_attribute(const Node& node, const std::string& name, T value) {
  write_attribute_raw(node, name, number_types<T>().stored, number_types<T>().native, {}, &value);
}

template <typename T>
void write_attribute(const Node& node, const std::string& name, const std::vector<T>& values) {
  write_attribute_raw(node, name, number_types<T>().stored, number_types<T>().native,
                      {values.size()}, values.data());
}

Node write_string(const Node& parent, const std::string& name, const std::string& value) {
  const std::string where = parent.child(name);
  const PackedStrings packed = pack({value}, where);
  return write_dataset_raw(parent, name, packed.type.get(), packed.type.get(), {},
                           packed.bytes.data(), H5P_DEFAULT);
}

Node write_strings(const Node& parent, const std::string& name,
                   const std::vector<std::string>& values) {
  const std::string where = parent.child(name);
  const PackedStrings packed = pack(values, where);
  return write_dataset_raw(parent, name, packed.type.get(), packed.type.get(), {values.size()},
                           packed.bytes.data(), H5P_DEFAULT);
}

template <typename T>
Node write_array(const Node& parent, const std::string& name, const T* data,
                 const std::vector<hsize_t>& dims, hid_t dcpl) {
  return write_dataset_raw(parent, name, number_types<T>().stored, number_types<T>().native, dims,
                           data, dcpl);
}

// Explicit instantiations for the types the results file uses.
template void write_attribute<double>(const Node&, const std::string&, double);
template void write_attribute<std::int32_t>(const Node&, const std::string&, std::int32_t);
template void write_attribute<std::uint32_t>(const Node&, const std::string&, std::uint32_t);
template void write_attribute<std::uint64_t>(const Node&, const std::string&, std::uint64_t);
template void write_attribute<std::int32_t>(const Node&, const std::string&,
                                            const std::vector<std::int32_t>&);
template Node write_array<double>(const Node&, const std::string&, const double*,
                                  const std::vector<hsize_t>&, hid_t);
template Node write_array<std::uint8_t>(const Node&, const std::string&, const std::uint8_t*,
                                        const std::vector<hsize_t>&, hid_t);

}  // namespace apmsim::io::h5
