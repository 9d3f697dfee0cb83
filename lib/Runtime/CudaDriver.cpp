//===- CudaDriver.cpp - The CUDA driver API, opened at run time -----------===//
//
// dlopen/dlsym of libcuda.so.1 (see CudaDriver.h). The handle is opened once
// and never closed: driver state outlives any object of ours, and PyTorch in
// the same process holds the same library.
//
//===----------------------------------------------------------------------===//

#include "CudaDriver.h"

#include <cstdlib>
#include <dlfcn.h>
#include <mutex>

using namespace mixc::runtime;
using namespace mixc::runtime::cuda;

namespace {

struct LoadedDriver {
  Driver driver{};
  bool ok = false;
  std::string error;
};

/// Stores the first of `names` that the library exports into `slot`.
template <typename Fn>
bool resolve(void *handle, Fn &slot, std::initializer_list<const char *> names,
             std::string &error) {
  for (const char *name : names) {
    if (void *symbol = dlsym(handle, name)) {
      slot = reinterpret_cast<Fn>(symbol);
      return true;
    }
  }
  error = std::string("mixrt: the CUDA driver lacks ") + *names.begin() +
          " (driver too old?)";
  return false;
}

void loadOnce(LoadedDriver &loaded) {
  const char *library = std::getenv("MIXRT_CUDA_DRIVER");
  if (!library || !*library)
    library = "libcuda.so.1";
  void *handle = dlopen(library, RTLD_NOW | RTLD_LOCAL);
  if (!handle) {
    const char *reason = dlerror();
    loaded.error = std::string("mixrt: no CUDA driver (dlopen ") + library +
                   ": " + (reason ? reason : "unknown error") + ")";
    return;
  }
  Driver &d = loaded.driver;
  std::string &e = loaded.error;
  loaded.ok =
      resolve(handle, d.cuInit, {"cuInit"}, e) &&
      resolve(handle, d.cuDriverGetVersion, {"cuDriverGetVersion"}, e) &&
      resolve(handle, d.cuGetErrorName, {"cuGetErrorName"}, e) &&
      resolve(handle, d.cuGetErrorString, {"cuGetErrorString"}, e) &&
      resolve(handle, d.cuDeviceGetCount, {"cuDeviceGetCount"}, e) &&
      resolve(handle, d.cuDeviceGet, {"cuDeviceGet"}, e) &&
      resolve(handle, d.cuDeviceGetName, {"cuDeviceGetName"}, e) &&
      resolve(handle, d.cuDeviceGetAttribute, {"cuDeviceGetAttribute"}, e) &&
      resolve(handle, d.cuDeviceTotalMem, {"cuDeviceTotalMem_v2"}, e) &&
      resolve(handle, d.cuDevicePrimaryCtxRetain, {"cuDevicePrimaryCtxRetain"},
              e) &&
      resolve(handle, d.cuCtxSetCurrent, {"cuCtxSetCurrent"}, e) &&
      resolve(handle, d.cuCtxSynchronize, {"cuCtxSynchronize"}, e) &&
      resolve(handle, d.cuModuleLoadDataEx, {"cuModuleLoadDataEx"}, e) &&
      resolve(handle, d.cuModuleUnload, {"cuModuleUnload"}, e) &&
      resolve(handle, d.cuModuleGetFunction, {"cuModuleGetFunction"}, e) &&
      resolve(handle, d.cuFuncSetAttribute, {"cuFuncSetAttribute"}, e) &&
      resolve(handle, d.cuLaunchKernel, {"cuLaunchKernel"}, e) &&
      resolve(handle, d.cuMemAlloc, {"cuMemAlloc_v2"}, e) &&
      resolve(handle, d.cuMemFree, {"cuMemFree_v2"}, e) &&
      resolve(handle, d.cuMemcpyHtoD, {"cuMemcpyHtoD_v2"}, e) &&
      resolve(handle, d.cuMemcpyDtoH, {"cuMemcpyDtoH_v2"}, e) &&
      resolve(handle, d.cuMemsetD8, {"cuMemsetD8_v2"}, e) &&
      resolve(handle, d.cuEventCreate, {"cuEventCreate"}, e) &&
      resolve(handle, d.cuEventRecord, {"cuEventRecord"}, e) &&
      resolve(handle, d.cuEventSynchronize, {"cuEventSynchronize"}, e) &&
      resolve(handle, d.cuEventElapsedTime,
              {"cuEventElapsedTime_v2", "cuEventElapsedTime"}, e) &&
      resolve(handle, d.cuEventDestroy, {"cuEventDestroy_v2"}, e);
  d.cuTensorMapEncodeTiled =
      reinterpret_cast<decltype(d.cuTensorMapEncodeTiled)>(
          dlsym(handle, "cuTensorMapEncodeTiled"));
}

} // namespace

const Driver *cuda::load(std::string &error) {
  static LoadedDriver loaded;
  static std::once_flag once;
  std::call_once(once, loadOnce, loaded);
  if (!loaded.ok) {
    error = loaded.error;
    return nullptr;
  }
  return &loaded.driver;
}

std::string cuda::describe(const Driver &driver, CUresult result) {
  const char *name = nullptr, *text = nullptr;
  if (driver.cuGetErrorName(result, &name) != kSuccess || !name)
    return "CUDA error " + std::to_string(result);
  std::string out = name;
  if (driver.cuGetErrorString(result, &text) == kSuccess && text)
    out += std::string(" (") + text + ")";
  return out;
}
