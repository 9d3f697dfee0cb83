/*===- mixrt.h - C API of the mixc GPU runtime -------------------*- C -*-===*\
|*                                                                            *|
|* libmixrt loads the kernels mixc compiles (a cubin or PTX file plus its     *|
|* JSON launch manifest), launches and times them on an NVIDIA GPU through    *|
|* the CUDA driver API, which it opens at run time with                       *|
|* dlopen("libcuda.so.1"): it links nothing of CUDA and loads on machines     *|
|* without a GPU, where every call fails with a clear message. It works in    *|
|* the device's primary context, so device pointers from PyTorch or the CUDA  *|
|* runtime in the same process can be passed directly. Plain C, for C, C++    *|
|* and Python's ctypes (python/mixrt.py); mixc-bench is its command line.     *|
|*                                                                            *|
|* Conventions: functions returning int give MIXRT_SUCCESS (0) or an error    *|
|* code, with mixrt_last_error() describing the last failure on the calling   *|
|* thread. Device pointers are void*. Sizes are int64_t.                      *|
|*                                                                            *|
\*===----------------------------------------------------------------------===*/

#ifndef MIXC_RUNTIME_MIXRT_H
#define MIXC_RUNTIME_MIXRT_H

#include <stddef.h>
#include <stdint.h>

#if defined(__GNUC__)
#define MIXRT_API __attribute__((visibility("default")))
#else
#define MIXRT_API
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* Return codes. */
enum {
  MIXRT_SUCCESS = 0,
  /* Any failure but the next (bad manifest, shape mismatch, driver error). */
  MIXRT_ERROR = 1,
  /* No usable GPU: libcuda.so.1 missing or incomplete, cuInit failing, or no
     device (the condition mixc-bench exits 2 on). */
  MIXRT_ERROR_NO_DEVICE = 2
};

/* The message of the last failure on this thread ("" if none yet). Valid
   until the thread's next failing call. Messages start with "mixrt: ". */
MIXRT_API const char *mixrt_last_error(void);

/* Opens the driver and makes device `ordinal`'s primary context current on
   the calling thread. Every other call does this for device 0 when no
   device was chosen yet, so calling it is needed only for another device.
   Calling it again with another ordinal switches devices for later calls. */
MIXRT_API int mixrt_init(int ordinal);

typedef struct mixrt_device_info {
  char name[256];
  int ordinal;
  int sm_count;
  int cc_major, cc_minor;
  /* Largest dynamic shared memory one block may opt in to, in bytes. */
  int64_t shared_mem_per_block_optin;
  int64_t total_memory_bytes;
  /* As cuDriverGetVersion: 1000 * major + 10 * minor (13000 = CUDA 13.0). */
  int driver_version;
  int clock_khz;
  int memory_clock_khz;
  int memory_bus_width_bits;
} mixrt_device_info_t;

/* Describes the current device. */
MIXRT_API int mixrt_device_info(mixrt_device_info_t *info);

/* A loaded kernel: its manifest, module and entry function. */
typedef struct mixrt_kernel mixrt_kernel_t;

/* Reads the manifest at `manifest_path` and the binary it names (relative
   to the manifest's directory), loads the module into the current device's
   primary context and finds the entry symbol. On failure *kernel is NULL.
   Manifest errors name the file, line, column and field. */
MIXRT_API int mixrt_kernel_load(const char *manifest_path,
                                mixrt_kernel_t **kernel);
/* Unloads the module; NULL is allowed. */
MIXRT_API void mixrt_kernel_destroy(mixrt_kernel_t *kernel);

/* Manifest queries. Strings live as long as the kernel; an out-of-range
   index gives NULL (strings, shape) or -1 (rank). */
MIXRT_API const char *mixrt_kernel_entry(const mixrt_kernel_t *kernel);
MIXRT_API const char *mixrt_kernel_op(const mixrt_kernel_t *kernel);
MIXRT_API int mixrt_kernel_num_args(const mixrt_kernel_t *kernel);
MIXRT_API const char *mixrt_kernel_arg_name(const mixrt_kernel_t *kernel,
                                            int index);
/* "input", "output" or "inout". */
MIXRT_API const char *mixrt_kernel_arg_role(const mixrt_kernel_t *kernel,
                                            int index);
/* "bf16", "f16", "f32", "i32", "i64", "i8" or "f8e4m3". */
MIXRT_API const char *mixrt_kernel_arg_dtype(const mixrt_kernel_t *kernel,
                                             int index);
MIXRT_API int mixrt_kernel_arg_rank(const mixrt_kernel_t *kernel, int index);
/* The manifest's sizes (rank entries); -1 marks a dynamic dimension. */
MIXRT_API const int64_t *mixrt_kernel_arg_shape(const mixrt_kernel_t *kernel,
                                                int index);

/* Launches the kernel on `stream` (a CUstream / cudaStream_t; NULL for the
   legacy default stream) and returns without waiting. `device_ptrs` holds one
   device pointer per argument, in manifest order. `shapes[i]` points at the
   rank sizes of argument i; `shapes` or `shapes[i]` NULL means the
   manifest's static shape. Arguments must be contiguous (row-major). Sizes
   that contradict a static manifest size, or a grid that evaluates to 0 or
   past the hardware limit, fail without launching. A kernel whose manifest
   declares a workspace gets one from the runtime (allocated zero-filled on
   first use, kept with the kernel, freed by mixrt_kernel_destroy): launches
   of one such kernel must not overlap in time (one stream at a time). A
   kernel whose manifest lists tensor maps gets them encoded from these
   pointers and shapes at each launch (TMA needs 16-byte aligned pointers
   and rows of a multiple of 16 bytes: otherwise the launch fails with the
   argument named). */
MIXRT_API int mixrt_kernel_launch(mixrt_kernel_t *kernel,
                                  void *const *device_ptrs,
                                  const int64_t *const *shapes, void *stream);

/* Launches `warmup` times, then `iters` (>= 1) times with a CUDA event
   recorded before and after each launch on `stream`; waits for the last
   event. Writes the median time in milliseconds to *median_ms and, when
   `times_ms` is not NULL, each launch's time (in launch order) to
   times_ms[0 .. iters). The arguments' contents are overwritten by the
   launches as the kernel dictates. */
MIXRT_API int mixrt_kernel_time(mixrt_kernel_t *kernel,
                                void *const *device_ptrs,
                                const int64_t *const *shapes, void *stream,
                                int warmup, int iters, float *median_ms,
                                float *times_ms);

/* Device memory in the current device's primary context. */
MIXRT_API int mixrt_malloc(void **device_ptr, size_t bytes);
/* NULL is allowed. */
MIXRT_API int mixrt_free(void *device_ptr);
MIXRT_API int mixrt_memcpy_htod(void *device_dst, const void *host_src,
                                size_t bytes);
MIXRT_API int mixrt_memcpy_dtoh(void *host_dst, const void *device_src,
                                size_t bytes);
MIXRT_API int mixrt_memset_d8(void *device_dst, unsigned char value,
                              size_t bytes);
/* Waits for all work on the device (cuCtxSynchronize); reports the errors
   of kernels that faulted since the last synchronization. */
MIXRT_API int mixrt_synchronize(void);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* MIXC_RUNTIME_MIXRT_H */
