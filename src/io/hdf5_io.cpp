// Files, groups and error messages for the HDF5 helpers (see hdf5_io.hpp).

#include "io/hdf5_io.hpp"

namespace apmsim::io::h5 {

namespace {

//! Collects the most specific error description (walking upward, entry 0 is the innermost).
herr_t innermost_error(unsigned n, const H5E_error2_t* error, void* out) {
  if (n == 0 && error != nullptr && error->desc != nullptr)
    *static_cast<std::string*>(out) = error->desc;
  return 0;
}

//! File access properties: use file locks where the file system has them, and carry on where it
//! does not (some cluster and cloud file systems lack flock).
Handle file_access(const std::string& path) {
  Handle fapl(check(H5Pcreate(H5P_FILE_ACCESS), path, "create file access properties"), H5Pclose);
#if H5_VERSION_GE(1, 10, 7) && !(H5_VERS_MAJOR == 1 && H5_VERS_MINOR == 12 && H5_VERS_RELEASE == 0)
  check(H5Pset_file_locking(fapl.get(), true, true), path, "set file locking");
#endif
  return fapl;
}

//! What a link that is not a hard link is, for the message refusing it; "" for a hard link.
const char* other_link(const H5L_info_t* info) {
  return info->type == H5L_TYPE_HARD       ? ""
         : info->type == H5L_TYPE_SOFT     ? " is a soft link"
         : info->type == H5L_TYPE_EXTERNAL ? " is an external link"
                                           : " is a user-defined link";
}

//! What collect_name gathers: the member names, and the first member that is not a hard link.
struct Members {
  std::vector<std::string> names;
  std::string link;  //!< "<name> is a soft link", ...; empty when every member is a hard link
};

//! H5Literate callback: appends each member name; stops at a link that is not a hard link.
herr_t collect_name(hid_t, const char* name, const H5L_info_t* info, void* out) {
  try {
    Members& members = *static_cast<Members*>(out);
    if (*other_link(info)) {
      members.link = std::string(name) + other_link(info);
      return 1;
    }
    members.names.emplace_back(name);
    return 0;
  } catch (...) {
    return -1;
  }
}

//! Throws Error for `link` ("<name> is a soft link") found in `parent`.
[[noreturn]] void refuse_link(const Node& parent, const std::string& link) {
  throw Error(parent.child(link) +
              ": a results file holds its data itself; apmsim does not follow links to other "
              "objects or files");
}

}  // namespace

void refuse_links(const Node& root) {
  // One level: the root's members. Below it every group the reader lists (member_groups) and
  // every path it opens (has_member) is checked the same way; a whole-file visit would walk
  // damaged metadata the reader never reads, where HDF5 itself can crash (fuzz_results found it).
  Members found;
  hsize_t next = 0;
  check(H5Literate(root.id(), H5_INDEX_NAME, H5_ITER_INC, &next, collect_name, &found), root.path,
        "list members");
  if (!found.link.empty()) refuse_link(root, found.link);
}

std::string last_error_message() {
  std::string message;
  H5Ewalk2(H5E_DEFAULT, H5E_WALK_UPWARD, innermost_error, &message);
  H5Eclear2(H5E_DEFAULT);
  return message;
}

void fail(const std::string& where, const std::string& what) {
  const std::string detail = last_error_message();
  throw Error(where + ": " + what + " failed" + (detail.empty() ? "" : " (" + detail + ")"));
}

std::string attribute_path(const Node& node, const std::string& name) {
  return node.path + " attribute '" + name + "'";
}

// --- Files and groups --------------------------------------------------------------------------

Node create_file(const std::string& path) {
  Handle fapl = file_access(path);
  // The POSIX driver, whatever HDF5_DRIVER says: file_descriptor() needs its descriptor.
  check(H5Pset_fapl_sec2(fapl.get()), path, "set the file driver");
  // The HDF5 1.10 file format checksums its metadata, so a damaged file fails to open or read
  // instead of being misread; pinned, so a newer static library still writes what 1.10 reads.
  check(H5Pset_libver_bounds(fapl.get(), H5F_LIBVER_V110, H5F_LIBVER_V110), path,
        "set file format version");
  Handle fcpl(check(H5Pcreate(H5P_FILE_CREATE), path, "create file properties"), H5Pclose);
  check(H5Pset_obj_track_times(fcpl.get(), false), path, "turn off time stamps");
  // A user block ahead of the HDF5 data, for apmsim's integrity header (io/write.cpp).
  check(H5Pset_userblock(fcpl.get(), kUserBlockBytes), path, "reserve the user block");
  return Node{Handle(check(H5Fcreate(path.c_str(), H5F_ACC_EXCL, fcpl.get(), fapl.get()), path,
                           "create file"),
                     H5Fclose),
              "/"};
}

int file_descriptor(const Node& file) {
  void* handle = nullptr;
  check(H5Fget_vfd_handle(file.id(), H5P_DEFAULT, &handle), file.path, "get the file descriptor");
  return *static_cast<const int*>(handle);
}

Node open_file(const std::string& path) {
  Handle fapl = file_access(path);
  return Node{
      Handle(check(H5Fopen(path.c_str(), H5F_ACC_RDONLY, fapl.get()), path, "open file"), H5Fclose),
      "/"};
}

Node create_group(const Node& parent, const std::string& name, bool track_order) {
  Node group{Handle(), parent.child(name)};
  Handle gcpl(check(H5Pcreate(H5P_GROUP_CREATE), group.path, "create property list"), H5Pclose);
  check(H5Pset_obj_track_times(gcpl.get(), false), group.path, "turn off time stamps");
  if (track_order)
    check(H5Pset_link_creation_order(gcpl.get(), H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED),
          group.path, "track creation order");
  group.handle =
      Handle(check(H5Gcreate2(parent.id(), name.c_str(), H5P_DEFAULT, gcpl.get(), H5P_DEFAULT),
                   group.path, "create group"),
             H5Gclose);
  return group;
}

Node open_group(const Node& parent, const std::string& name) {
  Node group{Handle(), parent.child(name)};
  if (!has_member(parent, name)) throw Error("missing group " + group.path);
  group.handle = Handle(
      check(H5Gopen2(parent.id(), name.c_str(), H5P_DEFAULT), group.path, "open group"), H5Gclose);
  return group;
}

Node open_dataset(const Node& parent, const std::string& name) {
  Node dataset{Handle(), parent.child(name)};
  if (!has_member(parent, name)) throw Error("missing dataset " + dataset.path);
  dataset.handle =
      Handle(check(H5Dopen2(parent.id(), name.c_str(), H5P_DEFAULT), dataset.path, "open dataset"),
             H5Dclose);
  return dataset;
}

bool has_member(const Node& parent, const std::string& name) {
  if (check(H5Lexists(parent.id(), name.c_str(), H5P_DEFAULT), parent.child(name), "look up") <= 0)
    return false;
  H5L_info_t info;
  check(H5Lget_info(parent.id(), name.c_str(), &info, H5P_DEFAULT), parent.child(name),
        "look up");
  if (*other_link(&info)) refuse_link(parent, name + other_link(&info));
  return true;
}

std::vector<std::string> member_groups(const Node& parent) {
  Members found;
  hsize_t next = 0;
  if (H5Literate(parent.id(), H5_INDEX_CRT_ORDER, H5_ITER_INC, &next, collect_name, &found) < 0) {
    H5Eclear2(H5E_DEFAULT);  // creation order not tracked: fall back to name order
    found = Members{};
    next = 0;
    check(H5Literate(parent.id(), H5_INDEX_NAME, H5_ITER_INC, &next, collect_name, &found),
          parent.path, "list members");
  }
  if (!found.link.empty()) refuse_link(parent, found.link);
  std::vector<std::string> groups;
  for (const std::string& name : found.names) {
    Handle object(
        check(H5Oopen(parent.id(), name.c_str(), H5P_DEFAULT), parent.child(name), "open object"),
        H5Oclose);
    if (H5Iget_type(object.get()) == H5I_GROUP) groups.push_back(name);
  }
  return groups;
}

}  // namespace apmsim::io::h5

// HDF5 1.10 leaks a few internal blocks when it gives up on a damaged file (HDF5 issues 3790 and
// 6677); LeakSanitizer builds (the asan preset) would report them for every refused file. Only
// LSan reads this; other builds ignore it.
extern "C" const char* __lsan_default_suppressions() { return "leak:libhdf5\nleak:H5FL_\n"; }
