//===- Npy.h - NumPy .npy reader and writer -------------------*- C++ -*-===//
//
// Reads and writes NumPy `.npy` files so that `mixc-run` can feed arrays to
// JIT-compiled functions and save their results. Plain C++17 (no MLIR or LLVM
// dependency, no exceptions): every failure is returned as `false` plus a
// message, and the parser never reads outside its input, so a malformed or
// malicious file produces an error, never a crash. Arrays are always held
// little-endian in C order; big-endian and Fortran-order files are converted on
// reading. bf16 has no NumPy dtype: it travels as uint16 ('<u2') raw bits and
// the caller says which one it means.
//
//===----------------------------------------------------------------------===//

#ifndef MIXC_SUPPORT_NPY_H
#define MIXC_SUPPORT_NPY_H

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace mixc::npy {

/// Element types mixc exchanges. bf16 has no NumPy dtype: it is stored as
/// uint16 ('<u2') raw bits and the caller says which it means.
enum class DType { F32, F64, F16, BF16, I8, I32, I64, U8, U16, Bool };

/// Size of one element in bytes.
size_t dtypeSize(DType dtype);
/// mixc's short name: "f32", "f64", "f16", "bf16", "i8", "i32", "i64", "u8",
/// "u16", "bool".
const char *dtypeName(DType dtype);
/// The NumPy descr written for `dtype`: "<f4", ..., "|b1"; "<u2" for BF16.
const char *dtypeDescr(DType dtype);
/// Inverse of dtypeName; false if `name` is none of those names.
bool parseDTypeName(const std::string &name, DType &out);

/// An n-dimensional array: raw little-endian element bytes in C order.
struct Array {
  DType dtype = DType::F32;
  std::vector<int64_t> shape; // empty = scalar (one element)
  std::vector<uint8_t> bytes; // little-endian, C order

  /// Product of the dimensions (1 for a scalar), or -1 if a dimension is
  /// negative or the product overflows int64_t.
  int64_t numElements() const;
};

/// Formats a shape like Python does: "()", "(5,)", "(2, 3)".
std::string formatShape(const std::vector<int64_t> &shape);

/// Checks that `array` is well formed: at most 64 dimensions (NumPy's limit),
/// none negative, an element count that does not overflow, and `bytes.size()`
/// equal to numElements() * dtypeSize(dtype).
bool validateArray(const Array &array, std::string &error);

/// Reads a .npy file (format versions 1.0, 2.0 and 3.0). Accepts '<f4' '<f8'
/// '<f2' '|i1' '<i4' '<i8' '|u1' '<u2' '|b1'; '=' or a missing byte-order mark
/// means little-endian, '|' is accepted for one-byte types only, and
/// big-endian ('>') files are converted to little-endian. '<u2' reads as
/// DType::U16. fortran_order True is converted to C order. Trailing bytes after
/// the data are rejected. On error returns false with a message of the form
/// "<path>: <problem>".
bool readNpy(const std::string &path, Array &out, std::string &error);

/// Writes version 1.0 (2.0 if the header needs it), C order, with the same
/// header bytes numpy.save writes. BF16 is written as '<u2'. Fails (without
/// creating the file) if validateArray fails, or if the file cannot be written.
bool writeNpy(const std::string &path, const Array &array, std::string &error);

/// Parses a complete .npy image from memory (used by readNpy, tests and
/// fuzzing). The message does not name a file.
bool parseNpy(const uint8_t *data, size_t size, Array &out, std::string &error);

/// Serializes `array` to a .npy image. Precondition: validateArray(array)
/// holds (otherwise the header and data disagree, but nothing is read out of
/// bounds).
std::vector<uint8_t> serializeNpy(const Array &array);

/// The value of element `index` (C order) as a double: F16/BF16 decoded,
/// Bool as 0 or 1. Returns NaN if `index` is out of range.
double elementAsDouble(const Array &array, int64_t index);

/// Builds an array of `dtype` and `shape` from doubles, rounding to nearest
/// even for F32/F16/BF16. Integer types truncate toward zero and saturate at
/// their range (NaN becomes 0); Bool is `value != 0`. Elements beyond
/// `values.size()` are zero; extra values are ignored. A shape with a negative
/// dimension or an overflowing element count gives an array with no bytes.
Array fromDoubles(DType dtype, std::vector<int64_t> shape,
                  const std::vector<double> &values);

/// IEEE binary16 and bfloat16 bit conversions. Encoding rounds the double
/// directly (no intermediate float) to nearest, ties to even; overflow gives
/// infinity, NaN stays NaN (quiet) and keeps its sign.
uint16_t encodeF16(double value);
double decodeF16(uint16_t bits);
uint16_t encodeBF16(double value);
double decodeBF16(uint16_t bits);

} // namespace mixc::npy

#endif // MIXC_SUPPORT_NPY_H
