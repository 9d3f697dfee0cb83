"""Python bindings of libmixrt, the mixc GPU runtime, over ctypes.

Loads a kernel compiled by mixc (its JSON launch manifest and cubin/PTX) and
launches it on PyTorch tensors, on PyTorch's current CUDA stream:

    import torch, mixrt
    attention = mixrt.Kernel("out/attention_0.json")
    q, k, v = (torch.randn(4, 16, 4096, 128, device="cuda",
                           dtype=torch.bfloat16) for _ in range(3))
    out = torch.empty_like(q)
    attention(q, k, v, out)                 # arguments in manifest order
    ms = attention.time(q, k, v, out)       # median of 50 timed launches

libmixrt works in the device's primary context, the one PyTorch uses, so
tensor.data_ptr() is passed as is. Each call checks the tensors against the
manifest (count, device, dtype, rank, static sizes, contiguity) and raises
MixrtError naming the argument. The library is found through the environment
variable MIXRT_LIBRARY, then build-rt/lib and build/lib beside this folder,
then the system's search path. Only this module's functions need PyTorch;
importing it does not.
"""

import ctypes
import ctypes.util
import os

__all__ = ["MixrtError", "Kernel", "ArgSpec", "device_info", "library"]

SUCCESS = 0
ERROR = 1
ERROR_NO_DEVICE = 2

# Manifest dtype -> name of the torch dtype.
_TORCH_DTYPES = {
    "bf16": "bfloat16",
    "f16": "float16",
    "f32": "float32",
    "i32": "int32",
    "i64": "int64",
    "i8": "int8",
    "f8e4m3": "float8_e4m3fn",
}


class MixrtError(RuntimeError):
    """A libmixrt call failed; `code` is ERROR or ERROR_NO_DEVICE."""

    def __init__(self, message, code=ERROR):
        super().__init__(message)
        self.code = code


class _DeviceInfo(ctypes.Structure):
    # Mirrors mixrt_device_info_t in include/mixc/Runtime/mixrt.h.
    _fields_ = [
        ("name", ctypes.c_char * 256),
        ("ordinal", ctypes.c_int),
        ("sm_count", ctypes.c_int),
        ("cc_major", ctypes.c_int),
        ("cc_minor", ctypes.c_int),
        ("shared_mem_per_block_optin", ctypes.c_int64),
        ("total_memory_bytes", ctypes.c_int64),
        ("driver_version", ctypes.c_int),
        ("clock_khz", ctypes.c_int),
        ("memory_clock_khz", ctypes.c_int),
        ("memory_bus_width_bits", ctypes.c_int),
    ]


_lib = None


def _find_library():
    explicit = os.environ.get("MIXRT_LIBRARY")
    if explicit:
        return explicit
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    for build in ("build-rt", "build"):
        candidate = os.path.join(root, build, "lib", "libmixrt.so")
        if os.path.exists(candidate):
            return candidate
    return ctypes.util.find_library("mixrt") or "libmixrt.so"


def library():
    """The loaded libmixrt (ctypes.CDLL), with every signature declared."""
    global _lib
    if _lib is not None:
        return _lib
    path = _find_library()
    try:
        lib = ctypes.CDLL(path)
    except OSError as e:
        raise MixrtError(
            f"mixrt: cannot load libmixrt ({path}): {e}; build it with "
            "`cmake -G Ninja -S . -B build-rt -DMIXC_RUNTIME_ONLY=ON && "
            "ninja -C build-rt` or set MIXRT_LIBRARY") from None
    c_int, c_char_p, c_void_p = ctypes.c_int, ctypes.c_char_p, ctypes.c_void_p
    p_void_p = ctypes.POINTER(c_void_p)
    p_p_int64 = ctypes.POINTER(ctypes.POINTER(ctypes.c_int64))
    signatures = {
        "mixrt_last_error": (c_char_p, []),
        "mixrt_init": (c_int, [c_int]),
        "mixrt_device_info": (c_int, [ctypes.POINTER(_DeviceInfo)]),
        "mixrt_kernel_load": (c_int, [c_char_p, p_void_p]),
        "mixrt_kernel_destroy": (None, [c_void_p]),
        "mixrt_kernel_entry": (c_char_p, [c_void_p]),
        "mixrt_kernel_op": (c_char_p, [c_void_p]),
        "mixrt_kernel_num_args": (c_int, [c_void_p]),
        "mixrt_kernel_arg_name": (c_char_p, [c_void_p, c_int]),
        "mixrt_kernel_arg_role": (c_char_p, [c_void_p, c_int]),
        "mixrt_kernel_arg_dtype": (c_char_p, [c_void_p, c_int]),
        "mixrt_kernel_arg_rank": (c_int, [c_void_p, c_int]),
        "mixrt_kernel_arg_shape": (ctypes.POINTER(ctypes.c_int64),
                                   [c_void_p, c_int]),
        "mixrt_kernel_launch": (c_int, [c_void_p, p_void_p, p_p_int64,
                                        c_void_p]),
        "mixrt_kernel_time": (c_int, [c_void_p, p_void_p, p_p_int64, c_void_p,
                                      c_int, c_int,
                                      ctypes.POINTER(ctypes.c_float),
                                      ctypes.POINTER(ctypes.c_float)]),
        "mixrt_synchronize": (c_int, []),
    }
    for name, (restype, argtypes) in signatures.items():
        function = getattr(lib, name)
        function.restype = restype
        function.argtypes = argtypes
    _lib = lib
    return lib


def _check(code):
    if code != SUCCESS:
        message = library().mixrt_last_error().decode(errors="replace")
        raise MixrtError(message, code)


def _current_device():
    try:
        import torch
    except ImportError:
        return 0
    return torch.cuda.current_device() if torch.cuda.is_available() else 0


def device_info(device=None):
    """The device's name, SM count, compute capability, opt-in shared memory
    per block, memory and driver version, as a dict."""
    lib = library()
    _check(lib.mixrt_init(_current_device() if device is None else device))
    info = _DeviceInfo()
    _check(lib.mixrt_device_info(ctypes.byref(info)))
    out = {name: getattr(info, name) for name, _ in _DeviceInfo._fields_}
    out["name"] = info.name.decode(errors="replace")
    return out


class ArgSpec:
    """One kernel argument as the manifest declares it; -1 in `shape` marks a
    dynamic dimension."""

    def __init__(self, name, role, dtype, shape):
        self.name, self.role, self.dtype, self.shape = name, role, dtype, shape

    def __repr__(self):
        return (f"ArgSpec({self.name!r}, {self.role}, {self.dtype}, "
                f"{list(self.shape)})")


class Kernel:
    """A kernel loaded from its manifest. Call it with one CUDA tensor per
    argument, in manifest order (`kernel.args` lists them); outputs are
    written in place."""

    def __init__(self, manifest_path, device=None):
        lib = library()
        self.device = _current_device() if device is None else device
        _check(lib.mixrt_init(self.device))
        handle = ctypes.c_void_p()
        _check(lib.mixrt_kernel_load(os.fsencode(manifest_path),
                                     ctypes.byref(handle)))
        self._handle = handle
        self.manifest_path = str(manifest_path)
        self.entry = lib.mixrt_kernel_entry(handle).decode()
        self.op = lib.mixrt_kernel_op(handle).decode()
        self.args = []
        for i in range(lib.mixrt_kernel_num_args(handle)):
            rank = lib.mixrt_kernel_arg_rank(handle, i)
            shape = lib.mixrt_kernel_arg_shape(handle, i)
            self.args.append(ArgSpec(
                lib.mixrt_kernel_arg_name(handle, i).decode(),
                lib.mixrt_kernel_arg_role(handle, i).decode(),
                lib.mixrt_kernel_arg_dtype(handle, i).decode(),
                tuple(shape[d] for d in range(rank))))
        # Times (ms) of the launches of the last time() call.
        self.last_times = []

    def close(self):
        """Unloads the module; the kernel cannot be launched afterwards."""
        if getattr(self, "_handle", None) is not None and _lib is not None:
            _lib.mixrt_kernel_destroy(self._handle)
        self._handle = None

    def __del__(self):
        self.close()

    def __repr__(self):
        return f"Kernel({self.entry!r}, {self.op}, {self.args})"

    def _marshal(self, tensors):
        """Checks `tensors` against the manifest; returns the pointer and
        shape arrays (and what keeps the shapes alive) for the C call."""
        import torch

        if self._handle is None:
            raise MixrtError(f"mixrt: {self.entry}: the kernel was closed")
        if len(tensors) != len(self.args):
            names = ", ".join(a.name for a in self.args)
            raise MixrtError(
                f"mixrt: {self.entry}: expected {len(self.args)} tensors "
                f"({names}), got {len(tensors)}")
        ptrs = (ctypes.c_void_p * len(tensors))()
        shapes = (ctypes.POINTER(ctypes.c_int64) * len(tensors))()
        keep = []
        for i, (t, spec) in enumerate(zip(tensors, self.args)):
            where = f"mixrt: {self.entry}: argument '{spec.name}' ({i})"
            if not isinstance(t, torch.Tensor):
                raise MixrtError(f"{where} must be a torch.Tensor, got "
                                 f"{type(t).__name__}")
            if not t.is_cuda or t.device.index != self.device:
                raise MixrtError(f"{where} is on {t.device}, expected "
                                 f"cuda:{self.device}")
            expected = getattr(torch, _TORCH_DTYPES[spec.dtype], None)
            if t.dtype != expected:
                raise MixrtError(f"{where} has dtype {t.dtype}, the kernel "
                                 f"takes {spec.dtype} (torch.{_TORCH_DTYPES[spec.dtype]})")
            if t.dim() != len(spec.shape):
                raise MixrtError(f"{where} has rank {t.dim()} "
                                 f"{tuple(t.shape)}, expected rank "
                                 f"{len(spec.shape)} {spec.shape}")
            for d, (size, want) in enumerate(zip(t.shape, spec.shape)):
                if want >= 0 and size != want:
                    raise MixrtError(f"{where} dimension {d} is {size}, the "
                                     f"manifest fixes it at {want}")
            if not t.is_contiguous():
                raise MixrtError(f"{where} is not contiguous (strides "
                                 f"{t.stride()}); pass t.contiguous()")
            sizes = (ctypes.c_int64 * max(1, t.dim()))(*t.shape)
            keep.append(sizes)
            ptrs[i] = t.data_ptr()
            shapes[i] = ctypes.cast(sizes, ctypes.POINTER(ctypes.c_int64))
        return ptrs, shapes, keep

    def _stream(self, stream):
        import torch

        if stream is None:
            stream = torch.cuda.current_stream(self.device)
        return ctypes.c_void_p(getattr(stream, "cuda_stream", stream))

    def __call__(self, *tensors, stream=None):
        """Launches on `stream` (default: PyTorch's current stream) without
        waiting for it."""
        ptrs, shapes, _keep = self._marshal(tensors)
        _check(library().mixrt_kernel_launch(self._handle, ptrs, shapes,
                                             self._stream(stream)))

    def time(self, *tensors, warmup=10, iters=50, stream=None):
        """Median time in ms of `iters` launches after `warmup` untimed ones,
        timed with CUDA events on `stream`; every launch's time is kept in
        `last_times`. Outputs hold the last launch's results."""
        ptrs, shapes, _keep = self._marshal(tensors)
        median = ctypes.c_float()
        times = (ctypes.c_float * iters)()
        _check(library().mixrt_kernel_time(
            self._handle, ptrs, shapes, self._stream(stream), warmup, iters,
            ctypes.byref(median), times))
        self.last_times = list(times)
        return median.value
