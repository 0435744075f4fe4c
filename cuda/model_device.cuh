#pragma once
//! Host entry points of the CUDA translation units: which devices there are (and, when there are
//! none, why), and the model's Philox on a device. Plain C++ can include this header.

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace apmsim::cuda {

//! What the CUDA runtime says about this machine, read once per process.
struct DeviceStatus {
  int count = 0;            //!< visible devices (0 without a driver or a GPU)
  std::string error;        //!< why there are none: "cudaErrorNoDevice (no CUDA-capable ...)"; "" if fine
  int driver_version = 0;   //!< the driver's CUDA version, 1000 * major + 10 * minor; 0: no driver
  int runtime_version = 0;  //!< the CUDA runtime this binary carries (static cudart)
  //! "driver CUDA 13.0, runtime 13.0" or "no driver, runtime 13.0".
  std::string versions() const;
  //! "cudaErrorNoDevice (no CUDA-capable device is detected); no driver, runtime 13.0": why
  //! count is 0, for `apmsim info`, the backend note and skipped tests.
  std::string reason() const;
};

//! The runtime's view of this machine; never throws.
const DeviceStatus& device_status();

//! Number of CUDA devices visible (0 when there is no driver or no GPU).
int device_count();

//! What `apmsim info` says about one CUDA device.
struct DeviceInfo {
  std::string name;
  int major = 0, minor = 0;      //!< compute capability
  std::size_t memory_bytes = 0;  //!< global memory
  int multiprocessors = 0;
};

//! Every visible CUDA device, in device order (empty without a driver or a GPU).
std::vector<DeviceInfo> devices();

//! "NAME (sm_XY, N GiB)" of `device`, or "" when there is no such device.
std::string device_description(int device = 0);

//! Philox4x32-10 of each counter (4 words each) with the model's code and with cuRAND's
//! curand_Philox4x32_10, both on the device. False (and nothing done) without a device.
bool philox_on_device(const std::vector<std::uint32_t>& counters, std::uint32_t k0,
                      std::uint32_t k1, std::vector<std::uint32_t>& ours,
                      std::vector<std::uint32_t>& curand);

}  // namespace apmsim::cuda
