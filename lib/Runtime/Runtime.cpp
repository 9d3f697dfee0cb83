//===- Runtime.cpp - C API of the mixc GPU runtime ------------------------===//
//
// Implements mixrt.h over the dlopen'ed driver (CudaDriver.h) and the
// manifest reader (Manifest.h). One process-wide state holds the driver and
// the retained primary context of the chosen device; every entry point makes
// that context current on the calling thread first, so callers need no CUDA
// setup of their own and share pointers with PyTorch. Every driver call's
// result is checked and reported with the driver's error name.
//
//===----------------------------------------------------------------------===//

#include "mixc/Runtime/mixrt.h"

#include "CudaDriver.h"
#include "mixc/Runtime/Manifest.h"

#include <algorithm>
#include <cstring>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

using namespace mixc::runtime;
using cuda::CUcontext;
using cuda::CUresult;

struct mixrt_kernel {
  Manifest manifest;
  cuda::CUmodule module = nullptr;
  cuda::CUfunction function = nullptr;
  CUcontext context = nullptr;
  /// "mixrt: <entry> (<manifest>)": the start of every message about it.
  std::string label;
  /// The manifest's workspace: allocated zero-filled at the first launch
  /// that needs it, grown (and zeroed again) when a launch needs more.
  cuda::CUdeviceptr workspace = 0;
  int64_t workspaceBytes = 0;
};

namespace {

thread_local std::string lastError;

int fail(int code, std::string message) {
  lastError = std::move(message);
  return code;
}

struct State {
  std::mutex mutex;
  const cuda::Driver *driver = nullptr;
  /// Primary contexts retained so far, by ordinal (kept for the process).
  std::map<int, CUcontext> retained;
  int ordinal = -1;
  CUcontext context = nullptr;
};

State &state() {
  static State s;
  return s;
}

/// Chooses device `ordinal`, loading the driver and retaining the device's
/// primary context the first time. Call with the state's mutex held.
int initLocked(State &s, int ordinal) {
  std::string error;
  const cuda::Driver *d = cuda::load(error);
  if (!d)
    return fail(MIXRT_ERROR_NO_DEVICE, error);
  CUresult r = d->cuInit(0);
  if (r == cuda::kErrorNoDevice)
    return fail(MIXRT_ERROR_NO_DEVICE, "mixrt: no CUDA device (cuInit: " +
                                           cuda::describe(*d, r) + ")");
  if (r != cuda::kSuccess)
    return fail(MIXRT_ERROR_NO_DEVICE, "mixrt: the CUDA driver is unusable "
                                       "(cuInit: " +
                                           cuda::describe(*d, r) + ")");
  int count = 0;
  r = d->cuDeviceGetCount(&count);
  if (r != cuda::kSuccess)
    return fail(MIXRT_ERROR_NO_DEVICE, "mixrt: no CUDA device "
                                       "(cuDeviceGetCount: " +
                                           cuda::describe(*d, r) + ")");
  if (count == 0)
    return fail(MIXRT_ERROR_NO_DEVICE, "mixrt: no CUDA device");
  if (ordinal < 0 || ordinal >= count)
    return fail(MIXRT_ERROR, "mixrt: device " + std::to_string(ordinal) +
                                 " requested, but the devices are 0 to " +
                                 std::to_string(count - 1));
  auto it = s.retained.find(ordinal);
  if (it == s.retained.end()) {
    cuda::CUdevice device;
    r = d->cuDeviceGet(&device, ordinal);
    if (r != cuda::kSuccess)
      return fail(MIXRT_ERROR, "mixrt: cuDeviceGet(" + std::to_string(ordinal) +
                                   ") failed: " + cuda::describe(*d, r));
    CUcontext context;
    r = d->cuDevicePrimaryCtxRetain(&context, device);
    if (r != cuda::kSuccess)
      return fail(MIXRT_ERROR, "mixrt: cuDevicePrimaryCtxRetain failed: " +
                                   cuda::describe(*d, r));
    it = s.retained.emplace(ordinal, context).first;
  }
  s.driver = d;
  s.ordinal = ordinal;
  s.context = it->second;
  return MIXRT_SUCCESS;
}

/// Makes `context` current on this thread.
int makeCurrent(const cuda::Driver &d, CUcontext context) {
  CUresult r = d.cuCtxSetCurrent(context);
  if (r != cuda::kSuccess)
    return fail(MIXRT_ERROR,
                "mixrt: cuCtxSetCurrent failed: " + cuda::describe(d, r));
  return MIXRT_SUCCESS;
}

/// Initializes device 0 if no device was chosen, makes the chosen device's
/// context current and returns the driver through `out`.
int ensureContext(const cuda::Driver *&out) {
  State &s = state();
  CUcontext context;
  {
    std::lock_guard<std::mutex> lock(s.mutex);
    if (!s.context)
      if (int rc = initLocked(s, 0))
        return rc;
    out = s.driver;
    context = s.context;
  }
  return makeCurrent(*out, context);
}

/// Checks a driver call: on failure records "mixrt: <what> failed: <name>".
int check(const cuda::Driver &d, CUresult r, const std::string &what) {
  if (r == cuda::kSuccess)
    return MIXRT_SUCCESS;
  return fail(MIXRT_ERROR,
              "mixrt: " + what + " failed: " + cuda::describe(d, r));
}

cuda::CUdeviceptr toDevice(const void *ptr) {
  return static_cast<cuda::CUdeviceptr>(reinterpret_cast<uintptr_t>(ptr));
}

/// Everything one launch needs, computed from the caller's sizes.
struct LaunchPlan {
  std::array<uint32_t, 3> grid{};
  KernelParams params;
};

/// Makes `k`'s workspace at least `bytes` long and zero-filled.
int reserveWorkspace(const cuda::Driver &d, mixrt_kernel *k, int64_t bytes) {
  if (bytes <= k->workspaceBytes)
    return MIXRT_SUCCESS;
  // A launch still running may use the old buffer: wait for it first.
  if (k->workspace) {
    if (int rc = check(d, d.cuCtxSynchronize(),
                       "cuCtxSynchronize before growing the workspace"))
      return rc;
    d.cuMemFree(k->workspace);
  }
  k->workspace = 0;
  k->workspaceBytes = 0;
  cuda::CUdeviceptr ptr = 0;
  if (int rc = check(d, d.cuMemAlloc(&ptr, static_cast<size_t>(bytes)),
                     "cuMemAlloc of the " + std::to_string(bytes) +
                         "-byte workspace of " + k->manifest.kernel))
    return rc;
  // cuMemsetD8 runs on the legacy stream; synchronizing makes the zeros
  // visible to a launch on any stream.
  if (int rc = check(d, d.cuMemsetD8(ptr, 0, static_cast<size_t>(bytes)),
                     "cuMemsetD8 of the workspace"))
    return d.cuMemFree(ptr), rc;
  if (int rc = check(d, d.cuCtxSynchronize(),
                     "cuCtxSynchronize after zeroing the workspace"))
    return d.cuMemFree(ptr), rc;
  k->workspace = ptr;
  k->workspaceBytes = bytes;
  return MIXRT_SUCCESS;
}

/// Encodes the manifest's tensor maps for this launch's pointers and shapes
/// into `params.maps` (a host call; nothing reaches the device before the
/// launch, which passes them by value).
int encodeTensorMaps(const cuda::Driver &d, const mixrt_kernel *k,
                     void *const *ptrs, const Shapes &shapes,
                     KernelParams &params) {
  const Manifest &m = k->manifest;
  if (m.tensorMaps.empty())
    return MIXRT_SUCCESS;
  if (!d.cuTensorMapEncodeTiled)
    return fail(MIXRT_ERROR, k->label +
                                 ": the kernel uses TMA tensor maps and the "
                                 "CUDA driver lacks cuTensorMapEncodeTiled "
                                 "(CUDA 12.0 or later needed)");
  for (size_t i = 0; i < m.tensorMaps.size(); ++i) {
    TensorMapRequest request;
    std::string error;
    if (!describeTensorMap(m, i, ptrs[m.tensorMaps[i].arg], shapes, request,
                           error))
      return fail(MIXRT_ERROR, k->label + ": " + error);
    const unsigned long long dims[3] = {request.dims[0], request.dims[1],
                                        request.dims[2]};
    const unsigned long long strides[2] = {request.strides[0],
                                           request.strides[1]};
    const unsigned box[3] = {request.box[0], request.box[1], request.box[2]};
    const unsigned elementStrides[3] = {1, 1, 1};
    // Out-of-bounds elements arrive as zeros.
    CUresult r = d.cuTensorMapEncodeTiled(
        &params.maps[i], request.dataType, request.rank,
        const_cast<void *>(request.address), dims, strides, box, elementStrides,
        tensor_map::kInterleaveNone, request.swizzle,
        tensor_map::kL2Promotion256B, tensor_map::kOobFillZeros);
    if (int rc = check(d, r,
                       "cuTensorMapEncodeTiled (tensor map " +
                           std::to_string(i) + " of argument '" +
                           m.args[m.tensorMaps[i].arg].name + "')"))
      return rc;
  }
  return MIXRT_SUCCESS;
}

int planLaunch(const cuda::Driver &d, mixrt_kernel *k, void *const *ptrs,
               const int64_t *const *shapes, LaunchPlan &plan) {
  const Manifest &m = k->manifest;
  if (!ptrs)
    return fail(MIXRT_ERROR, k->label + ": no device pointers given");
  std::string error;
  Shapes resolved;
  if (!resolveShapes(m, shapes, resolved, error))
    return fail(MIXRT_ERROR, k->label + ": " + error);
  for (size_t i = 0; i < m.args.size(); ++i) {
    int64_t elements = 1;
    for (int64_t size : resolved[i])
      elements *= size;
    if (!ptrs[i] && elements != 0)
      return fail(MIXRT_ERROR, k->label + ": argument '" + m.args[i].name +
                                   "' (" + std::to_string(i) +
                                   ") has a NULL device pointer");
  }
  if (!evaluateGrid(m, resolved, plan.grid, error))
    return fail(MIXRT_ERROR, k->label + ": " + error);
  int64_t workspaceBytes = 0;
  if (!evaluateWorkspace(m, resolved, workspaceBytes, error))
    return fail(MIXRT_ERROR, k->label + ": " + error);
  if (workspaceBytes > 0)
    if (int rc = reserveWorkspace(d, k, workspaceBytes))
      return rc;
  buildKernelParams(m, ptrs, resolved, plan.params,
                    reinterpret_cast<void *>(k->workspace), workspaceBytes);
  return encodeTensorMaps(d, k, ptrs, resolved, plan.params);
}

int launchPlanned(const cuda::Driver &d, const mixrt_kernel *k,
                  LaunchPlan &plan, void *stream) {
  const Manifest &m = k->manifest;
  CUresult r = d.cuLaunchKernel(
      k->function, plan.grid[0], plan.grid[1], plan.grid[2],
      static_cast<unsigned>(m.block[0]), static_cast<unsigned>(m.block[1]),
      static_cast<unsigned>(m.block[2]), static_cast<unsigned>(m.sharedBytes),
      static_cast<cuda::CUstream>(stream), plan.params.pointers.data(),
      nullptr);
  if (r == cuda::kSuccess)
    return MIXRT_SUCCESS;
  return fail(
      MIXRT_ERROR,
      k->label + ": cuLaunchKernel(grid " + std::to_string(plan.grid[0]) + "x" +
          std::to_string(plan.grid[1]) + "x" + std::to_string(plan.grid[2]) +
          ", block " + std::to_string(m.block[0]) + "x" +
          std::to_string(m.block[1]) + "x" + std::to_string(m.block[2]) + ", " +
          std::to_string(m.sharedBytes) +
          " bytes of dynamic shared memory) failed: " + cuda::describe(d, r));
}

/// The kernel's context current, and the driver.
int enterKernel(const mixrt_kernel *k, const cuda::Driver *&d) {
  if (!k)
    return fail(MIXRT_ERROR, "mixrt: NULL kernel");
  if (int rc = ensureContext(d))
    return rc;
  return k->context == state().context ? MIXRT_SUCCESS
                                       : makeCurrent(*d, k->context);
}

} // namespace

//===----------------------------------------------------------------------===//
// Errors, device
//===----------------------------------------------------------------------===//

const char *mixrt_last_error(void) { return lastError.c_str(); }

int mixrt_init(int ordinal) {
  State &s = state();
  const cuda::Driver *d;
  CUcontext context;
  {
    std::lock_guard<std::mutex> lock(s.mutex);
    if (int rc = initLocked(s, ordinal))
      return rc;
    d = s.driver;
    context = s.context;
  }
  return makeCurrent(*d, context);
}

int mixrt_device_info(mixrt_device_info_t *info) {
  if (!info)
    return fail(MIXRT_ERROR, "mixrt: mixrt_device_info: NULL info");
  const cuda::Driver *d;
  if (int rc = ensureContext(d))
    return rc;
  std::memset(info, 0, sizeof(*info));
  const int ordinal = state().ordinal;
  cuda::CUdevice device;
  if (int rc = check(*d, d->cuDeviceGet(&device, ordinal), "cuDeviceGet"))
    return rc;
  info->ordinal = ordinal;
  if (int rc = check(
          *d, d->cuDeviceGetName(info->name, sizeof(info->name) - 1, device),
          "cuDeviceGetName"))
    return rc;
  struct {
    int attribute;
    int *out;
  } attributes[] = {
      {cuda::kAttrMultiprocessorCount, &info->sm_count},
      {cuda::kAttrComputeCapabilityMajor, &info->cc_major},
      {cuda::kAttrComputeCapabilityMinor, &info->cc_minor},
      {cuda::kAttrClockRate, &info->clock_khz},
      {cuda::kAttrMemoryClockRate, &info->memory_clock_khz},
      {cuda::kAttrGlobalMemoryBusWidth, &info->memory_bus_width_bits},
  };
  for (auto &a : attributes)
    if (int rc =
            check(*d, d->cuDeviceGetAttribute(a.out, a.attribute, device),
                  "cuDeviceGetAttribute(" + std::to_string(a.attribute) + ")"))
      return rc;
  int optin = 0;
  if (int rc =
          check(*d,
                d->cuDeviceGetAttribute(
                    &optin, cuda::kAttrMaxSharedMemoryPerBlockOptin, device),
                "cuDeviceGetAttribute(shared memory per block optin)"))
    return rc;
  info->shared_mem_per_block_optin = optin;
  size_t total = 0;
  if (int rc =
          check(*d, d->cuDeviceTotalMem(&total, device), "cuDeviceTotalMem"))
    return rc;
  info->total_memory_bytes = static_cast<int64_t>(total);
  return check(*d, d->cuDriverGetVersion(&info->driver_version),
               "cuDriverGetVersion");
}

//===----------------------------------------------------------------------===//
// Kernels
//===----------------------------------------------------------------------===//

int mixrt_kernel_load(const char *manifestPath, mixrt_kernel_t **kernel) {
  if (!kernel)
    return fail(MIXRT_ERROR, "mixrt: mixrt_kernel_load: NULL kernel");
  *kernel = nullptr;
  if (!manifestPath)
    return fail(MIXRT_ERROR, "mixrt: mixrt_kernel_load: NULL manifest path");
  auto k = std::make_unique<mixrt_kernel>();
  std::string error;
  if (!readManifest(manifestPath, k->manifest, error))
    return fail(MIXRT_ERROR, "mixrt: " + error);
  const Manifest &m = k->manifest;
  k->label = "mixrt: " + m.kernel + " (" + m.path + ")";
  std::string image;
  if (!readFile(m.binaryPath, image, error))
    return fail(MIXRT_ERROR, k->label + ": binary: " + error);

  const cuda::Driver *d;
  if (int rc = ensureContext(d))
    return rc;
  State &s = state();
  {
    std::lock_guard<std::mutex> lock(s.mutex);
    k->context = s.context;
  }

  // PTX is JIT-compiled and must end in NUL (std::string's buffer does); the
  // logs say why a PTX module or an arch mismatch fails.
  char errorLog[8192] = {0}, infoLog[8192] = {0};
  int options[] = {cuda::kJitErrorLogBuffer, cuda::kJitErrorLogBufferSizeBytes,
                   cuda::kJitInfoLogBuffer, cuda::kJitInfoLogBufferSizeBytes};
  void *values[] = {errorLog, reinterpret_cast<void *>(sizeof(errorLog) - 1),
                    infoLog, reinterpret_cast<void *>(sizeof(infoLog) - 1)};
  CUresult r =
      d->cuModuleLoadDataEx(&k->module, image.c_str(), 4, options, values);
  if (r != cuda::kSuccess) {
    std::string message = k->label + ": cannot load " + m.binaryPath + " (" +
                          m.format + (m.arch.empty() ? "" : ", " + m.arch) +
                          "): " + cuda::describe(*d, r);
    if (errorLog[0])
      message += "\n" + std::string(errorLog);
    return fail(MIXRT_ERROR, message);
  }
  // From here the module is owned by `k`: destroy it on every failure.
  auto unload = [&](int rc) {
    d->cuModuleUnload(k->module);
    return rc;
  };
  r = d->cuModuleGetFunction(&k->function, k->module, m.kernel.c_str());
  if (r != cuda::kSuccess)
    return unload(fail(MIXRT_ERROR, k->label + ": " + m.binaryPath +
                                        " has no kernel '" + m.kernel +
                                        "': " + cuda::describe(*d, r)));
  // Dynamic shared memory past the 48 KiB default needs an opt-in.
  constexpr int64_t kDefaultSharedLimit = 48 * 1024;
  if (m.sharedBytes > kDefaultSharedLimit) {
    mixrt_device_info_t info;
    if (int rc = mixrt_device_info(&info))
      return unload(rc);
    if (m.sharedBytes > info.shared_mem_per_block_optin)
      return unload(fail(
          MIXRT_ERROR,
          k->label + ": the kernel needs " + std::to_string(m.sharedBytes) +
              " bytes of dynamic shared memory, but " + info.name +
              " allows at most " +
              std::to_string(info.shared_mem_per_block_optin) + " per block"));
    r = d->cuFuncSetAttribute(k->function,
                              cuda::kFuncAttrMaxDynamicSharedSizeBytes,
                              static_cast<int>(m.sharedBytes));
    if (r != cuda::kSuccess)
      return unload(
          fail(MIXRT_ERROR, k->label +
                                ": cuFuncSetAttribute(max dynamic shared "
                                "memory = " +
                                std::to_string(m.sharedBytes) +
                                ") failed: " + cuda::describe(*d, r)));
  }
  *kernel = k.release();
  return MIXRT_SUCCESS;
}

void mixrt_kernel_destroy(mixrt_kernel_t *kernel) {
  if (!kernel)
    return;
  const cuda::Driver *d;
  if (kernel->module && enterKernel(kernel, d) == MIXRT_SUCCESS) {
    if (kernel->workspace)
      d->cuMemFree(kernel->workspace);
    d->cuModuleUnload(kernel->module);
  }
  delete kernel;
}

const char *mixrt_kernel_entry(const mixrt_kernel_t *kernel) {
  return kernel ? kernel->manifest.kernel.c_str() : nullptr;
}

const char *mixrt_kernel_op(const mixrt_kernel_t *kernel) {
  return kernel ? kernel->manifest.op.c_str() : nullptr;
}

int mixrt_kernel_num_args(const mixrt_kernel_t *kernel) {
  return kernel ? static_cast<int>(kernel->manifest.args.size()) : -1;
}

namespace {
const KernelArg *argAt(const mixrt_kernel_t *kernel, int index) {
  if (!kernel || index < 0 ||
      index >= static_cast<int>(kernel->manifest.args.size()))
    return nullptr;
  return &kernel->manifest.args[index];
}
} // namespace

const char *mixrt_kernel_arg_name(const mixrt_kernel_t *kernel, int index) {
  const KernelArg *arg = argAt(kernel, index);
  return arg ? arg->name.c_str() : nullptr;
}

const char *mixrt_kernel_arg_role(const mixrt_kernel_t *kernel, int index) {
  const KernelArg *arg = argAt(kernel, index);
  return arg ? roleName(arg->role) : nullptr;
}

const char *mixrt_kernel_arg_dtype(const mixrt_kernel_t *kernel, int index) {
  const KernelArg *arg = argAt(kernel, index);
  return arg ? dtypeName(arg->dtype) : nullptr;
}

int mixrt_kernel_arg_rank(const mixrt_kernel_t *kernel, int index) {
  const KernelArg *arg = argAt(kernel, index);
  return arg ? static_cast<int>(arg->shape.size()) : -1;
}

const int64_t *mixrt_kernel_arg_shape(const mixrt_kernel_t *kernel, int index) {
  const KernelArg *arg = argAt(kernel, index);
  return arg ? arg->shape.data() : nullptr;
}

int mixrt_kernel_launch(mixrt_kernel_t *kernel, void *const *devicePtrs,
                        const int64_t *const *shapes, void *stream) {
  const cuda::Driver *d;
  if (int rc = enterKernel(kernel, d))
    return rc;
  LaunchPlan plan;
  if (int rc = planLaunch(*d, kernel, devicePtrs, shapes, plan))
    return rc;
  return launchPlanned(*d, kernel, plan, stream);
}

int mixrt_kernel_time(mixrt_kernel_t *kernel, void *const *devicePtrs,
                      const int64_t *const *shapes, void *stream, int warmup,
                      int iters, float *medianMs, float *timesMs) {
  if (!medianMs)
    return fail(MIXRT_ERROR, "mixrt: mixrt_kernel_time: NULL median_ms");
  if (warmup < 0 || iters < 1)
    return fail(MIXRT_ERROR, "mixrt: mixrt_kernel_time: needs warmup >= 0 "
                             "and iters >= 1 (got " +
                                 std::to_string(warmup) + " and " +
                                 std::to_string(iters) + ")");
  const cuda::Driver *d;
  if (int rc = enterKernel(kernel, d))
    return rc;
  LaunchPlan plan;
  if (int rc = planLaunch(*d, kernel, devicePtrs, shapes, plan))
    return rc;
  auto cuStream = static_cast<cuda::CUstream>(stream);

  // events[i] and events[i + 1] bracket launch i: back-to-back launches
  // share their boundary events, so the queue never drains between them.
  std::vector<cuda::CUevent> events;
  auto cleanup = [&](int rc) {
    for (cuda::CUevent e : events)
      d->cuEventDestroy(e);
    return rc;
  };
  for (int i = 0; i <= iters; ++i) {
    cuda::CUevent e;
    if (int rc = check(*d, d->cuEventCreate(&e, cuda::kEventDefault),
                       "cuEventCreate"))
      return cleanup(rc);
    events.push_back(e);
  }
  for (int i = 0; i < warmup; ++i)
    if (int rc = launchPlanned(*d, kernel, plan, stream))
      return cleanup(rc);
  if (int rc =
          check(*d, d->cuEventRecord(events[0], cuStream), "cuEventRecord"))
    return cleanup(rc);
  for (int i = 0; i < iters; ++i) {
    if (int rc = launchPlanned(*d, kernel, plan, stream))
      return cleanup(rc);
    if (int rc = check(*d, d->cuEventRecord(events[i + 1], cuStream),
                       "cuEventRecord"))
      return cleanup(rc);
  }
  if (int rc = check(*d, d->cuEventSynchronize(events[iters]),
                     "cuEventSynchronize after the timed launches of " +
                         kernel->manifest.kernel))
    return cleanup(rc);
  std::vector<float> times(iters);
  for (int i = 0; i < iters; ++i)
    if (int rc = check(
            *d, d->cuEventElapsedTime(&times[i], events[i], events[i + 1]),
            "cuEventElapsedTime"))
      return cleanup(rc);
  if (timesMs)
    std::copy(times.begin(), times.end(), timesMs);
  std::sort(times.begin(), times.end());
  *medianMs = iters % 2 ? times[iters / 2]
                        : 0.5f * (times[iters / 2 - 1] + times[iters / 2]);
  return cleanup(MIXRT_SUCCESS);
}

//===----------------------------------------------------------------------===//
// Memory
//===----------------------------------------------------------------------===//

int mixrt_malloc(void **devicePtr, size_t bytes) {
  if (!devicePtr)
    return fail(MIXRT_ERROR, "mixrt: mixrt_malloc: NULL result pointer");
  *devicePtr = nullptr;
  const cuda::Driver *d;
  if (int rc = ensureContext(d))
    return rc;
  cuda::CUdeviceptr ptr = 0;
  if (int rc = check(*d, d->cuMemAlloc(&ptr, bytes),
                     "cuMemAlloc(" + std::to_string(bytes) + " bytes)"))
    return rc;
  *devicePtr = reinterpret_cast<void *>(static_cast<uintptr_t>(ptr));
  return MIXRT_SUCCESS;
}

int mixrt_free(void *devicePtr) {
  if (!devicePtr)
    return MIXRT_SUCCESS;
  const cuda::Driver *d;
  if (int rc = ensureContext(d))
    return rc;
  return check(*d, d->cuMemFree(toDevice(devicePtr)), "cuMemFree");
}

int mixrt_memcpy_htod(void *deviceDst, const void *hostSrc, size_t bytes) {
  const cuda::Driver *d;
  if (int rc = ensureContext(d))
    return rc;
  return check(*d, d->cuMemcpyHtoD(toDevice(deviceDst), hostSrc, bytes),
               "cuMemcpyHtoD(" + std::to_string(bytes) + " bytes)");
}

int mixrt_memcpy_dtoh(void *hostDst, const void *deviceSrc, size_t bytes) {
  const cuda::Driver *d;
  if (int rc = ensureContext(d))
    return rc;
  return check(*d, d->cuMemcpyDtoH(hostDst, toDevice(deviceSrc), bytes),
               "cuMemcpyDtoH(" + std::to_string(bytes) + " bytes)");
}

int mixrt_memset_d8(void *deviceDst, unsigned char value, size_t bytes) {
  const cuda::Driver *d;
  if (int rc = ensureContext(d))
    return rc;
  return check(*d, d->cuMemsetD8(toDevice(deviceDst), value, bytes),
               "cuMemsetD8(" + std::to_string(bytes) + " bytes)");
}

int mixrt_synchronize(void) {
  const cuda::Driver *d;
  if (int rc = ensureContext(d))
    return rc;
  return check(*d, d->cuCtxSynchronize(), "cuCtxSynchronize");
}
