// Reading HDF5 attributes and datasets (see hdf5_io.hpp): numbers convert to the native type
// asked for; strings may be fixed- or variable-length (files edited with h5py hold the latter).

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <type_traits>

#include "io/hdf5_io.hpp"

namespace apmsim::io::h5 {
namespace {

//! An attribute or a dataset to read from: both have a type, a dataspace and a read call.
struct Source {
  hid_t id;
  bool attribute;
  std::string path;

  Handle type() const {
    return Handle(check(attribute ? H5Aget_type(id) : H5Dget_type(id), path, "get type"), H5Tclose);
  }
  Handle space() const {
    return Handle(check(attribute ? H5Aget_space(id) : H5Dget_space(id), path, "get dataspace"),
                  H5Sclose);
  }
  void read(hid_t memory_type, void* buffer) const {
    check(attribute ? H5Aread(id, memory_type, buffer)
                    : H5Dread(id, memory_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, buffer),
          path, "read");
  }
  std::vector<hsize_t> dims(const Handle& space) const {
    const int rank = check(H5Sget_simple_extent_ndims(space.get()), path, "get rank");
    std::vector<hsize_t> dims(static_cast<std::size_t>(rank));
    check(H5Sget_simple_extent_dims(space.get(), dims.data(), nullptr), path, "get shape");
    return dims;
  }
  std::size_t points(const Handle& space) const {
    return static_cast<std::size_t>(
        check(H5Sget_simple_extent_npoints(space.get()), path, "count points"));
  }
};

//! Frees what HDF5 allocated for variable-length strings (H5Dvlen_reclaim became H5Treclaim).
void reclaim(hid_t type, hid_t space, void* buffer) {
#if H5_VERSION_GE(1, 12, 0)
  H5Treclaim(type, space, H5P_DEFAULT, buffer);
#else
  H5Dvlen_reclaim(type, space, H5P_DEFAULT, buffer);
#endif
}

std::vector<std::string> read_string_values(const Source& source) {
  Handle type = source.type();
  if (check(H5Tget_class(type.get()), source.path, "get type class") != H5T_STRING)
    throw Error(source.path + ": expected strings, found another type");
  Handle space = source.space();
  const std::size_t n = source.points(space);
  std::vector<std::string> values;
  values.reserve(n);
  Handle memory(check(H5Tcopy(type.get()), source.path, "copy type"), H5Tclose);
  if (check(H5Tis_variable_str(type.get()), source.path, "inspect string type") > 0) {
    std::vector<char*> buffer(n, nullptr);
    if (n > 0) {
      try {
        source.read(memory.get(), buffer.data());
      } catch (...) {
        reclaim(memory.get(), space.get(), buffer.data());
        throw;
      }
    }
    for (const char* value : buffer) values.emplace_back(value != nullptr ? value : "");
    if (n > 0) reclaim(memory.get(), space.get(), buffer.data());
  } else {
    const std::size_t size = H5Tget_size(type.get());
    if (size == 0) fail(source.path, "get string size");
    std::vector<char> buffer(n * size);
    if (n > 0) source.read(memory.get(), buffer.data());
    for (auto begin = buffer.begin(); begin != buffer.end(); begin += size)
      values.emplace_back(begin, std::find(begin, begin + size, '\0'));  // NUL-padded
  }
  return values;
}

//! Whether the integer `value` (read as `Wide`: std::int64_t or std::uint64_t) fits in T.
template <typename T, typename Wide>
bool fits(Wide value) {
  if constexpr (std::is_signed_v<Wide> && std::is_unsigned_v<T>)
    if (value < 0) return false;
  if constexpr (std::is_signed_v<Wide> && std::is_signed_v<T>)
    if (value < static_cast<Wide>(std::numeric_limits<T>::min())) return false;
  return static_cast<std::uint64_t>(value) <= static_cast<std::uint64_t>(std::numeric_limits<T>::max());
}

//! Integers of T: stored integers only, each in T's range. HDF5's own conversion would clip
//! (-1 read as 0) and turn a NaN into 0 without a word, so the values are read wide and checked.
template <typename T, typename Wide>
std::vector<T> read_integers(const Source& source, hid_t wide_type, std::size_t n) {
  std::vector<Wide> wide(n);
  if (n > 0) source.read(wide_type, wide.data());
  std::vector<T> values;
  values.reserve(n);
  for (Wide v : wide) {
    if (!fits<T>(v))
      throw Error(source.path + ": value " + std::to_string(v) + " is out of range");
    values.push_back(static_cast<T>(v));
  }
  return values;
}

template <typename T>
std::vector<T> read_number_values(const Source& source) {
  Handle type = source.type();
  const H5T_class_t type_class = check(H5Tget_class(type.get()), source.path, "get type class");
  if (type_class != H5T_INTEGER && type_class != H5T_FLOAT)
    throw Error(source.path + ": expected numbers, found another type");
  Handle space = source.space();
  const std::size_t n = source.points(space);
  if constexpr (std::is_integral_v<T>) {
    if (type_class != H5T_INTEGER)
      throw Error(source.path + ": expected integers, found floating-point numbers");
    if (H5Tget_size(type.get()) > sizeof(std::uint64_t))
      throw Error(source.path + ": integers wider than 64 bits");
    if (check(H5Tget_sign(type.get()), source.path, "get sign") == H5T_SGN_NONE)
      return read_integers<T, std::uint64_t>(source, H5T_NATIVE_UINT64, n);
    return read_integers<T, std::int64_t>(source, H5T_NATIVE_INT64, n);
  } else {
    std::vector<T> values(n);
    if (n > 0) source.read(number_types<T>().native, values.data());
    return values;
  }
}

Handle open_attribute(const Node& node, const std::string& name) {
  const std::string where = attribute_path(node, name);
  if (!has_attribute(node, name)) throw Error(node.path + ": missing attribute '" + name + "'");
  return Handle(check(H5Aopen(node.id(), name.c_str(), H5P_DEFAULT), where, "open"), H5Aclose);
}

}  // namespace

bool has_attribute(const Node& node, const std::string& name) {
  return check(H5Aexists(node.id(), name.c_str()), attribute_path(node, name), "look up") > 0;
}

std::string read_string_attribute(const Node& node, const std::string& name) {
  Handle attribute = open_attribute(node, name);
  const std::string where = attribute_path(node, name);
  std::vector<std::string> values = read_string_values(Source{attribute.get(), true, where});
  if (values.size() != 1) throw Error(where + ": expected one string");
  return values.front();
}

template <typename T>
T read_attribute(const Node& node, const std::string& name) {
  Handle attribute = open_attribute(node, name);
  const std::string where = attribute_path(node, name);
  std::vector<T> values = read_number_values<T>(Source{attribute.get(), true, where});
  if (values.size() != 1) throw Error(where + ": expected one value");
  return values.front();
}

template <typename T>
std::vector<T> read_array_attribute(const Node& node, const std::string& name) {
  Handle attribute = open_attribute(node, name);
  return read_number_values<T>(Source{attribute.get(), true, attribute_path(node, name)});
}

std::string read_string(const Node& parent, const std::string& name) {
  Node dataset = open_dataset(parent, name);
  std::vector<std::string> values = read_string_values(Source{dataset.id(), false, dataset.path});
  if (values.size() != 1) throw Error(dataset.path + ": expected one string");
  return values.front();
}

std::vector<std::string> read_strings(const Node& parent, const std::string& name) {
  Node dataset = open_dataset(parent, name);
  const Source source{dataset.id(), false, dataset.path};
  if (source.dims(source.space()).size() != 1)
    throw Error(dataset.path + ": expected a one-dimensional list of strings");
  return read_string_values(source);
}

template <typename T>
Array<T> read_array(const Node& parent, const std::string& name, int rank) {
  Node dataset = open_dataset(parent, name);
  const Source source{dataset.id(), false, dataset.path};
  Array<T> array;
  array.dims = source.dims(source.space());
  if (array.dims.size() != static_cast<std::size_t>(rank))
    throw Error(dataset.path + ": expected " + std::to_string(rank) + " dimensions, found " +
                std::to_string(array.dims.size()));
  array.values = read_number_values<T>(source);
  return array;
}

// Explicit instantiations for the types the results file uses.
template double read_attribute<double>(const Node&, const std::string&);
template std::int32_t read_attribute<std::int32_t>(const Node&, const std::string&);
template std::uint32_t read_attribute<std::uint32_t>(const Node&, const std::string&);
template std::uint64_t read_attribute<std::uint64_t>(const Node&, const std::string&);
template std::vector<std::int32_t> read_array_attribute<std::int32_t>(const Node&,
                                                                      const std::string&);
template Array<double> read_array<double>(const Node&, const std::string&, int);
template Array<std::uint8_t> read_array<std::uint8_t>(const Node&, const std::string&, int);

}  // namespace apmsim::io::h5
