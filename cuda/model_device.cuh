#pragma once
//! Host entry points of the CUDA translation units: the shared model run on a GPU.
//! Every function returns false (and does nothing) when no CUDA device is present.

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "model/params.hpp"
#include "model/tally_layout.hpp"

namespace apmsim::cuda {

//! Number of CUDA devices visible (0 when there is no driver or no GPU).
int device_count();

//! What `apmsim info` says about one CUDA device.
struct DeviceInfo {
  std::string name;
  int major = 0, minor = 0;      //!< compute capability
  std::size_t memory_bytes = 0;  //!< global memory
};

//! Every visible CUDA device, in device order (empty without a driver or a GPU).
std::vector<DeviceInfo> devices();

//! "NAME (sm_XY, N GiB)" of `device`, or "" when there is no such device.
std::string device_description(int device = 0);

//! Philox4x32-10 of each counter (4 words each) with the model's code and with cuRAND's
//! curand_Philox4x32_10, both on the device.
bool philox_on_device(const std::vector<std::uint32_t>& counters, std::uint32_t k0,
                      std::uint32_t k1, std::vector<std::uint32_t>& ours,
                      std::vector<std::uint32_t>& curand);

//! Simulates one panel entity on the device (one thread per patient slot); `tallies` gets
//! [years][fields] sums over slots, added on the host in slot order.
bool panel_on_device(const model::ModelParams& params, const model::TallyLayout& layout,
                     const model::EntityShape& shape,
                     const std::vector<model::EntityYear>& entity_years, std::uint32_t replication,
                     std::uint32_t entity, std::vector<double>& tallies);

}  // namespace apmsim::cuda
