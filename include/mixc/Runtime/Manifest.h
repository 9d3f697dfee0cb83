//===- Manifest.h - Kernel launch manifests ---------------------*- C++ -*-===//
//
// The compiler writes one JSON manifest next to each kernel binary: the entry
// symbol, the binary, the launch geometry as a function of the argument
// shapes, and each argument's name, role, element type and shape. This header
// declares what the runtime side needs to use one: a small self-contained
// JSON reader whose errors name file, line and column; the manifest reader
// and its field checks; the launch-time shape check, grid evaluation and the
// memref-ABI kernel-parameter layout; and the host-side element conversions
// (bf16, f16, f8e4m3 rounded to nearest even). No MLIR, LLVM or CUDA:
// libmixrt, mixc-bench and the unit tests share it.
//
//===----------------------------------------------------------------------===//

#ifndef MIXC_RUNTIME_MANIFEST_H
#define MIXC_RUNTIME_MANIFEST_H

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace mixc::runtime {

//===----------------------------------------------------------------------===//
// JSON
//===----------------------------------------------------------------------===//

namespace json {

/// One JSON value. Numbers without fraction or exponent that fit in int64 are
/// Int, every other number is Double. Objects keep their members in file
/// order; the reader rejects duplicate keys.
struct Value {
  enum class Kind { Null, Bool, Int, Double, String, Array, Object };
  Kind kind = Kind::Null;
  bool boolean = false;
  int64_t integer = 0;
  double number = 0.0;
  std::string string;
  std::vector<Value> array;
  std::vector<std::pair<std::string, Value>> object;
  /// 1-based position of the value's first character in its text.
  int line = 0, column = 0;

  bool isNumber() const { return kind == Kind::Int || kind == Kind::Double; }
  /// The number as a double (Int converted); 0 for any other kind.
  double asDouble() const;
  /// The member named `key`, or null if this is no object or has none.
  const Value *get(const std::string &key) const;
};

/// "null", "a boolean", "an integer", "a number", "a string", "an array",
/// "an object": for messages.
const char *kindName(Value::Kind kind);

/// Parses one JSON text (RFC 8259: objects, arrays, strings with every escape
/// including surrogate pairs, numbers, true/false/null; nesting up to 128).
/// On failure `error` is "<fileName>:<line>:<column>: <message>".
bool parse(const std::string &text, const std::string &fileName, Value &out,
           std::string &error);

/// `s` as a JSON string literal, quotes included; control characters escaped,
/// other bytes (UTF-8 included) copied.
std::string quote(const std::string &s);

} // namespace json

//===----------------------------------------------------------------------===//
// Element types and roles
//===----------------------------------------------------------------------===//

enum class DType { BF16, F16, F32, I32, I64, I8, F8E4M3 };

/// The manifest's name: "bf16", "f16", "f32", "i32", "i64", "i8", "f8e4m3".
const char *dtypeName(DType dtype);
/// Bytes per element: 2, 2, 4, 4, 8, 1, 1.
size_t dtypeSize(DType dtype);
bool isFloat(DType dtype);
/// Inverse of dtypeName; false for any other name.
bool parseDType(const std::string &name, DType &out);

enum class ArgRole { Input, Output, InOut };

/// "input", "output", "inout".
const char *roleName(ArgRole role);

//===----------------------------------------------------------------------===//
// Manifest
//===----------------------------------------------------------------------===//

/// The manifest schemas this reader understands: 1, and 2, which adds
/// `tensor_maps` (the compiler writes 2 only for kernels that have them, so
/// that an older runtime refuses them rather than launching without).
constexpr int64_t kManifestSchemaVersion = 2;
constexpr int64_t kManifestMinSchemaVersion = 1;

/// One factor of a grid dimension: `constant`, or ceil(size of dimension
/// `dim` of argument `arg` / `ceilDiv`) when `arg` >= 0.
struct GridFactor {
  int64_t constant = 1;
  int64_t arg = -1;
  int64_t dim = -1;
  int64_t ceilDiv = 1;
};

/// Scratch memory that a kernel needs beyond its arguments: `bytes` times the
/// product of `times` (factors as in the grid) at a launch. The runtime
/// allocates it zero-filled, passes it as one trailing rank-1 i8 memref after
/// the arguments, and keeps it between launches: a kernel that uses it leaves
/// it as it found it (its counters back at zero), so launches that share it
/// must not overlap in time.
struct Workspace {
  int64_t bytes = 0;
  std::vector<GridFactor> times;
};

/// A TMA tensor map that the runtime encodes at each launch and passes by
/// value (128 bytes, a `.param` the kernel reads as a __grid_constant__)
/// after the arguments and the workspace. It views argument `arg` as a
/// row-major tensor of rank `box.size()` (2 or 3): its last rank - 1
/// dimensions, the leading ones collapsed into the first (so [B, H, L, D]
/// is [B H L, D] at rank 2 and [B H, L, D] at rank 3); it copies boxes of
/// `box` elements (outermost first) into shared memory with `swizzle` (0,
/// 32, 64 or 128: the bytes of the swizzle span), filling what lies past
/// the view's dimensions with zeros.
struct TensorMap {
  int64_t arg = 0;
  std::vector<int64_t> box;
  int64_t swizzle = 0;
};

struct KernelArg {
  std::string name;
  ArgRole role = ArgRole::Input;
  DType dtype = DType::F32;
  /// Sizes; -1 marks a dynamic dimension given at launch.
  std::vector<int64_t> shape;
};

struct Manifest {
  /// The manifest file as given to readManifest (or the name parsed from).
  std::string path;
  int64_t schemaVersion = 0;
  /// Entry symbol in the binary.
  std::string kernel;
  /// `binary` as written, and resolved against the manifest's directory.
  std::string binary, binaryPath;
  /// "cubin", "ptx" or "fatbin".
  std::string format;
  /// Target, e.g. "sm_90a"; informational.
  std::string arch;
  /// The mix op the kernel implements, e.g. "mix.attention".
  std::string op;
  /// The op's attributes (an object; empty when absent).
  json::Value attrs;
  /// Schedule template and its parameters (an object; empty when absent).
  std::string scheduleTemplate;
  json::Value scheduleParams;
  std::array<int64_t, 3> block = {1, 1, 1};
  /// Each grid dimension is the product of its factors (none: 1).
  std::array<std::vector<GridFactor>, 3> grid;
  /// Dynamic shared memory in bytes.
  int64_t sharedBytes = 0;
  /// "memref": every argument is passed as its expanded memref descriptor.
  std::string abi;
  std::vector<KernelArg> args;
  /// None when `workspace.bytes` is 0.
  Workspace workspace;
  /// Passed in this order after the workspace.
  std::vector<TensorMap> tensorMaps;

  /// Attribute lookups with defaults; a wrong kind gives the default too (the
  /// reader has already checked that every attribute is a scalar).
  bool attrBool(const std::string &name, bool defaultValue) const;
  int64_t attrInt(const std::string &name, int64_t defaultValue) const;
  double attrDouble(const std::string &name, double defaultValue) const;
  /// A schedule parameter (integer), or `defaultValue`.
  int64_t scheduleParam(const std::string &name, int64_t defaultValue) const;
  /// The index of the argument called `name`, or -1.
  int64_t argIndex(const std::string &name) const;
};

/// Parses and checks a manifest held in `text`; `path` names it in messages
/// and anchors the binary path. Every error is "<path>:<line>:<column>:
/// <field>: <message>", e.g. "k.json:9:16: args[1].dtype: unknown dtype
/// 'f64' (expected bf16, f16, f32, i32, i64, i8 or f8e4m3)".
bool parseManifest(const std::string &text, const std::string &path,
                   Manifest &out, std::string &error);

/// Reads the file at `path`, then parseManifest.
bool readManifest(const std::string &path, Manifest &out, std::string &error);

/// Reads a whole file; `error` names the file and the system's reason.
bool readFile(const std::string &path, std::string &out, std::string &error);

//===----------------------------------------------------------------------===//
// Launch geometry and parameters
//===----------------------------------------------------------------------===//

/// The sizes of every argument at one launch.
using Shapes = std::vector<std::vector<int64_t>>;

/// The launch sizes of every argument: `sizes[i]` (manifest rank entries) when
/// `sizes` and `sizes[i]` are non-null, else the manifest's static shape.
/// Fails, naming the argument and dimension, if a size is negative, differs
/// from a static manifest entry, or is dynamic and not given.
bool resolveShapes(const Manifest &manifest, const int64_t *const *sizes,
                   Shapes &out, std::string &error);

/// Evaluates the grid for `shapes` (from resolveShapes). Fails if a dimension
/// is 0 or exceeds the hardware limit (2^31 - 1 for x, 65535 for y and z).
bool evaluateGrid(const Manifest &manifest, const Shapes &shapes,
                  std::array<uint32_t, 3> &grid, std::string &error);

/// The workspace size in bytes for `shapes`; 0 when the kernel needs none.
/// Fails if it would exceed 2^40 bytes.
bool evaluateWorkspace(const Manifest &manifest, const Shapes &shapes,
                       int64_t &bytes, std::string &error);

/// The CUtensorMap* enumerators of cuda.h that mixrt uses (RuntimeTest
/// checks them against cuda.h where it is installed).
namespace tensor_map {
constexpr int kFloat16 = 6, kFloat32 = 7, kBFloat16 = 9;
constexpr int kSwizzleNone = 0, kSwizzle32B = 1, kSwizzle64B = 2,
              kSwizzle128B = 3;
constexpr int kInterleaveNone = 0, kL2Promotion256B = 3, kOobFillZeros = 0;
} // namespace tensor_map

/// What cuTensorMapEncodeTiled needs for one tensor map at a launch:
/// innermost dimension first, as the driver takes them.
struct TensorMapRequest {
  /// tensor_map::kFloat16, kFloat32 or kBFloat16: the argument's dtype.
  int dataType = 0;
  const void *address = nullptr;
  unsigned rank = 2;
  std::array<uint64_t, 3> dims = {0, 0, 0};
  /// Bytes between consecutive indices of dims[1] and dims[2] (the driver
  /// takes no stride for the innermost dimension).
  std::array<uint64_t, 2> strides = {0, 0};
  std::array<uint32_t, 3> box = {0, 0, 0};
  /// tensor_map::kSwizzle*.
  int swizzle = 0;
};

/// The request of `manifest.tensorMaps[index]` for device pointer `address`
/// of its argument and the launch `shapes`. Fails, naming the argument, where
/// the hardware cannot take it: an address that is not 16-byte aligned, a
/// row pitch that is not a multiple of 16 bytes, a dimension above 2^32,
/// or an empty tensor.
bool describeTensorMap(const Manifest &manifest, size_t index,
                       const void *address, const Shapes &shapes,
                       TensorMapRequest &out, std::string &error);

/// Number of kernel parameters of one memref argument of rank `rank`:
/// allocated and aligned pointers, offset, sizes, strides.
inline size_t memrefParamCount(size_t rank) { return 3 + 2 * rank; }

/// The `void **kernelParams` array of cuLaunchKernel for the memref ABI. Every
/// parameter is 8 bytes (a device pointer or an int64), held in `words`;
/// `pointers[k]` points at `words[k]`. Moving the object keeps the pointers
/// valid (vector storage moves with it); copying it does not, hence deleted.
struct KernelParams {
  /// One encoded tensor map: cuda.h's CUtensorMap (128 bytes, aligned as
  /// cuda.h aligns it; the device needs 64).
  struct alignas(128) TensorMapBlob {
    uint64_t words[16];
  };
  std::vector<uint64_t> words;
  /// The manifest's tensor maps, encoded by the runtime after
  /// buildKernelParams (which sizes this and points at it).
  std::vector<TensorMapBlob> maps;
  std::vector<void *> pointers;

  KernelParams() = default;
  KernelParams(const KernelParams &) = delete;
  KernelParams &operator=(const KernelParams &) = delete;
  KernelParams(KernelParams &&) = default;
  KernelParams &operator=(KernelParams &&) = default;
};

/// Lays out the parameters: for each argument in manifest order, its device
/// pointer twice, offset 0, `shapes[i]`, and the row-major strides of
/// `shapes[i]`; then, when the manifest has a workspace, `workspace` as a
/// rank-1 i8 memref of `workspaceBytes`; then one 128-byte parameter per
/// tensor map in `out.maps` (zeroed: the runtime encodes them).
void buildKernelParams(const Manifest &manifest, const void *const *devicePtrs,
                       const Shapes &shapes, KernelParams &out,
                       void *workspace = nullptr, int64_t workspaceBytes = 0);

//===----------------------------------------------------------------------===//
// Host element conversions
//===----------------------------------------------------------------------===//

/// float -> bf16, f16 and f8e4m3 (OCP E4M3FN: bias 7, no infinities, 0x7f and
/// 0xff NaN) bit patterns, rounded to nearest, ties to even; NaN stays NaN.
/// f16 overflow gives infinity; f8e4m3 saturates at +-448 (it has no
/// infinity), as the CUDA intrinsics do with __NV_SATFINITE.
uint16_t floatToBF16(float value);
uint16_t floatToF16(float value);
uint8_t floatToF8E4M3(float value);
float bf16ToFloat(uint16_t bits);
float f16ToFloat(uint16_t bits);
float f8E4M3ToFloat(uint8_t bits);

/// Rounds `value` to the nearest value of `dtype` (integers: to nearest, then
/// saturated), returned as a float.
float roundToDType(DType dtype, float value);

/// Writes `count` elements of `dtype` to `dst`, each the rounding of `src`.
void encodeElements(DType dtype, const float *src, size_t count, void *dst);

/// Element `index` of the `dtype` array at `src`, as a double.
double decodeElement(DType dtype, const void *src, size_t index);

} // namespace mixc::runtime

#endif // MIXC_RUNTIME_MANIFEST_H
