//===- CudaDriver.h - The CUDA driver API, opened at run time ---*- C++ -*-===//
//
// libmixrt never links libcuda: it opens libcuda.so.1 with dlopen on first use
// and resolves each driver function it calls with dlsym, under the versioned
// name the driver exports (cuMemAlloc_v2, ...). So the library and mixc-bench
// build with no CUDA toolkit and start on machines with no GPU, where they
// report that none is there. The few driver types and constants used are
// declared here with the values of cuda.h (the unit test checks them against
// cuda.h when the toolkit is installed).
//
//===----------------------------------------------------------------------===//

#ifndef MIXC_LIB_RUNTIME_CUDADRIVER_H
#define MIXC_LIB_RUNTIME_CUDADRIVER_H

#include <cstddef>
#include <string>

namespace mixc::runtime::cuda {

using CUresult = int;
using CUdevice = int;
using CUdeviceptr = unsigned long long;
using CUcontext = struct CUctx_st *;
using CUmodule = struct CUmod_st *;
using CUfunction = struct CUfunc_st *;
using CUstream = struct CUstream_st *;
using CUevent = struct CUevent_st *;

// CUresult
constexpr CUresult kSuccess = 0;
constexpr CUresult kErrorNoDevice = 100;
// CUdevice_attribute
constexpr int kAttrClockRate = 13;
constexpr int kAttrMultiprocessorCount = 16;
constexpr int kAttrMemoryClockRate = 36;
constexpr int kAttrGlobalMemoryBusWidth = 37;
constexpr int kAttrComputeCapabilityMajor = 75;
constexpr int kAttrComputeCapabilityMinor = 76;
constexpr int kAttrMaxSharedMemoryPerBlockOptin = 97;
// CUfunction_attribute
constexpr int kFuncAttrMaxDynamicSharedSizeBytes = 8;
// CUjit_option
constexpr int kJitInfoLogBuffer = 3;
constexpr int kJitInfoLogBufferSizeBytes = 4;
constexpr int kJitErrorLogBuffer = 5;
constexpr int kJitErrorLogBufferSizeBytes = 6;
// CUevent_flags
constexpr unsigned kEventDefault = 0;

/// The driver entry points libmixrt uses. Each member is named after the
/// function it holds; the comment on load() lists the exported symbols.
struct Driver {
  CUresult (*cuInit)(unsigned flags);
  CUresult (*cuDriverGetVersion)(int *version);
  CUresult (*cuGetErrorName)(CUresult error, const char **name);
  CUresult (*cuGetErrorString)(CUresult error, const char **text);
  CUresult (*cuDeviceGetCount)(int *count);
  CUresult (*cuDeviceGet)(CUdevice *device, int ordinal);
  CUresult (*cuDeviceGetName)(char *name, int length, CUdevice device);
  CUresult (*cuDeviceGetAttribute)(int *value, int attribute, CUdevice device);
  CUresult (*cuDeviceTotalMem)(size_t *bytes, CUdevice device);
  CUresult (*cuDevicePrimaryCtxRetain)(CUcontext *context, CUdevice device);
  CUresult (*cuCtxSetCurrent)(CUcontext context);
  CUresult (*cuCtxSynchronize)();
  CUresult (*cuModuleLoadDataEx)(CUmodule *module, const void *image,
                                 unsigned numOptions, int *options,
                                 void **optionValues);
  CUresult (*cuModuleUnload)(CUmodule module);
  CUresult (*cuModuleGetFunction)(CUfunction *function, CUmodule module,
                                  const char *name);
  CUresult (*cuFuncSetAttribute)(CUfunction function, int attribute, int value);
  CUresult (*cuLaunchKernel)(CUfunction function, unsigned gridX,
                             unsigned gridY, unsigned gridZ, unsigned blockX,
                             unsigned blockY, unsigned blockZ,
                             unsigned sharedBytes, CUstream stream,
                             void **kernelParams, void **extra);
  CUresult (*cuMemAlloc)(CUdeviceptr *ptr, size_t bytes);
  CUresult (*cuMemFree)(CUdeviceptr ptr);
  CUresult (*cuMemcpyHtoD)(CUdeviceptr dst, const void *src, size_t bytes);
  CUresult (*cuMemcpyDtoH)(void *dst, CUdeviceptr src, size_t bytes);
  CUresult (*cuMemsetD8)(CUdeviceptr dst, unsigned char value, size_t count);
  CUresult (*cuEventCreate)(CUevent *event, unsigned flags);
  CUresult (*cuEventRecord)(CUevent event, CUstream stream);
  CUresult (*cuEventSynchronize)(CUevent event);
  CUresult (*cuEventElapsedTime)(float *milliseconds, CUevent start,
                                 CUevent end);
  CUresult (*cuEventDestroy)(CUevent event);
  /// CUDA 12.0 and later; null on older drivers (a kernel with tensor maps
  /// then fails to launch with a message).
  CUresult (*cuTensorMapEncodeTiled)(void *tensorMap, int dataType,
                                     unsigned rank, void *globalAddress,
                                     const unsigned long long *globalDim,
                                     const unsigned long long *globalStrides,
                                     const unsigned *boxDim,
                                     const unsigned *elementStrides,
                                     int interleave, int swizzle,
                                     int l2Promotion, int oobFill);
};

/// Opens the driver once per process (thread-safe) and resolves every entry
/// point: cuInit, cuDriverGetVersion, cuGetErrorName, cuGetErrorString,
/// cuDeviceGetCount, cuDeviceGet, cuDeviceGetName, cuDeviceGetAttribute,
/// cuDeviceTotalMem_v2, cuDevicePrimaryCtxRetain, cuCtxSetCurrent,
/// cuCtxSynchronize, cuModuleLoadDataEx, cuModuleUnload, cuModuleGetFunction,
/// cuFuncSetAttribute, cuLaunchKernel, cuMemAlloc_v2, cuMemFree_v2,
/// cuMemcpyHtoD_v2, cuMemcpyDtoH_v2, cuMemsetD8_v2, cuEventCreate,
/// cuEventRecord, cuEventSynchronize, cuEventElapsedTime_v2 (or
/// cuEventElapsedTime on drivers before CUDA 12.8) and cuEventDestroy_v2;
/// cuTensorMapEncodeTiled where the driver has it.
/// Returns null with `error` set ("mixrt: no CUDA driver (dlopen
/// libcuda.so.1: ...)" or the missing symbol) when that fails. The library
/// name can be overridden with the environment variable MIXRT_CUDA_DRIVER.
const Driver *load(std::string &error);

/// "CUDA_ERROR_NAME (the driver's description)" for `result`.
std::string describe(const Driver &driver, CUresult result);

} // namespace mixc::runtime::cuda

#endif // MIXC_LIB_RUNTIME_CUDADRIVER_H
