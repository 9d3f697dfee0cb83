//===- Npy.cpp - NumPy .npy reader and writer -----------------------------===//
//
// Implements the .npy reader and writer declared in Npy.h: a bounds-checked
// parser for the preamble and the Python-dict header (keys in any order,
// versions 1.0 to 3.0, big-endian and Fortran-order data converted), a writer
// that produces the same bytes as numpy.save, and exact f16/bf16 conversions
// rounded directly from double. No exceptions, no LLVM: errors come back as
// strings.
//
//===----------------------------------------------------------------------===//

#include "mixc/Support/Npy.h"

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <limits>
#include <utility>

using namespace mixc::npy;

namespace {

const uint8_t kMagic[6] = {0x93, 'N', 'U', 'M', 'P', 'Y'};
/// numpy aligns the data to this many bytes.
constexpr size_t kArrayAlign = 64;
/// numpy leaves room for the growth axis to reach this many digits.
constexpr size_t kGrowthAxisMaxDigits = 21;
/// numpy's NPY_MAXDIMS (2.x); anything deeper is malformed.
constexpr size_t kMaxRank = 64;
/// Nesting limit of the header literal (a dtype descr list, say).
constexpr int kMaxDepth = 16;

bool fail(std::string &error, std::string message) {
  error = std::move(message);
  return false;
}

/// True if `c` is one of the characters of `set` (never for NUL).
bool isOneOf(char c, const char *set) {
  return c != '\0' && std::strchr(set, c) != nullptr;
}

/// `text` with non-printable bytes replaced by '?', for error messages.
std::string printable(const std::string &text) {
  std::string out = text;
  for (char &c : out)
    if (static_cast<unsigned char>(c) < 0x20 ||
        static_cast<unsigned char>(c) >= 0x7f)
      c = '?';
  return out;
}

//===----------------------------------------------------------------------===//
// Little-endian loads and stores.
//===----------------------------------------------------------------------===//

uint64_t loadLE(const uint8_t *p, size_t n) {
  uint64_t v = 0;
  for (size_t i = 0; i < n; ++i)
    v |= uint64_t(p[i]) << (8 * i);
  return v;
}

void storeLE(uint8_t *p, uint64_t v, size_t n) {
  for (size_t i = 0; i < n; ++i)
    p[i] = uint8_t(v >> (8 * i));
}

//===----------------------------------------------------------------------===//
// Binary floating-point conversions.
//===----------------------------------------------------------------------===//

/// Rounds `value` to the IEEE-style binary format with `expBits` exponent bits
/// and `manBits` stored mantissa bits (round to nearest, ties to even, with
/// subnormals, overflow to infinity), returning its bit pattern.
uint32_t encodeBinary(double value, int expBits, int manBits) {
  uint64_t b;
  std::memcpy(&b, &value, sizeof b);
  const uint32_t sign = uint32_t(b >> 63) << (expBits + manBits);
  const int e = int((b >> 52) & 0x7ff);
  const uint64_t m = b & ((uint64_t(1) << 52) - 1);
  const uint32_t expMax = (1u << expBits) - 1;
  const uint32_t inf = sign | (expMax << manBits);
  if (e == 0x7ff) {
    if (m == 0)
      return inf;
    // Quiet NaN, keeping the top of the payload.
    return inf | (1u << (manBits - 1)) | uint32_t(m >> (52 - manBits));
  }
  // Zero, or a double subnormal (< 2^-1022): far below half the smallest
  // subnormal of every target format, so it rounds to (signed) zero.
  if (e == 0)
    return sign;
  const int bias = (1 << (expBits - 1)) - 1;
  int targetExp = e - 1023 + bias;
  if (targetExp >= int(expMax))
    return inf;
  // value = sig * 2^(e - 1023 - 52), sig has 53 significant bits.
  const uint64_t sig = (uint64_t(1) << 52) | m;
  int shift = 52 - manBits;
  if (targetExp < 1) {
    // Subnormal in the target: the stored mantissa has a fixed scale.
    shift += 1 - targetExp;
    targetExp = 1;
  }
  if (shift > 60) // sig < 2^53 <= half an ulp: rounds to zero.
    return sign;
  uint64_t q = sig >> shift;
  const uint64_t rem = sig & ((uint64_t(1) << shift) - 1);
  const uint64_t half = uint64_t(1) << (shift - 1);
  if (rem > half || (rem == half && (q & 1)))
    ++q;
  // q carries the implicit bit for normals, so a mantissa carry bumps the
  // exponent and a subnormal rounding up to 2^manBits becomes the smallest
  // normal.
  const uint64_t result = (uint64_t(targetExp - 1) << manBits) + q;
  if (result >= (uint64_t(expMax) << manBits))
    return inf;
  return sign | uint32_t(result);
}

double decodeBinary(uint32_t bits, int expBits, int manBits) {
  const bool negative = (bits >> (expBits + manBits)) & 1;
  const uint32_t expMax = (1u << expBits) - 1;
  const uint32_t e = (bits >> manBits) & expMax;
  const uint32_t m = bits & ((1u << manBits) - 1);
  const int bias = (1 << (expBits - 1)) - 1;
  double v;
  if (e == expMax)
    v = m ? std::numeric_limits<double>::quiet_NaN()
          : std::numeric_limits<double>::infinity();
  else if (e == 0)
    v = std::ldexp(double(m), 1 - bias - manBits);
  else
    v = std::ldexp(double(m | (1u << manBits)), int(e) - bias - manBits);
  return negative ? -v : v;
}

/// Converts to an integer type truncating toward zero and saturating; NaN
/// gives 0. (A plain cast of an out-of-range double is undefined.)
template <typename T> T saturateCast(double v) {
  if (std::isnan(v))
    return 0;
  constexpr T lo = std::numeric_limits<T>::min();
  constexpr T hi = std::numeric_limits<T>::max();
  if (v <= double(lo))
    return lo;
  if (v >= double(hi))
    return hi;
  return T(v);
}

//===----------------------------------------------------------------------===//
// Shapes.
//===----------------------------------------------------------------------===//

/// Element count of `shape`, or -1 if a dimension is negative or the product
/// overflows int64_t. A zero dimension makes the count 0 whatever the others.
int64_t countElements(const std::vector<int64_t> &shape) {
  bool zero = false;
  for (int64_t d : shape) {
    if (d < 0)
      return -1;
    zero |= d == 0;
  }
  if (zero)
    return 0;
  int64_t n = 1;
  for (int64_t d : shape) {
    if (n > std::numeric_limits<int64_t>::max() / d)
      return -1;
    n *= d;
  }
  return n;
}

//===----------------------------------------------------------------------===//
// The header literal: a tiny parser for the Python subset numpy writes.
//===----------------------------------------------------------------------===//

struct PyValue {
  enum Kind { Str, Int, Bool, None, Tuple, List } kind = None;
  std::string str;
  int64_t intValue = 0;
  bool boolValue = false;
  std::vector<PyValue> items;
};

const char *kindName(PyValue::Kind kind) {
  switch (kind) {
  case PyValue::Str:
    return "a string";
  case PyValue::Int:
    return "an integer";
  case PyValue::Bool:
    return "a bool";
  case PyValue::None:
    return "None";
  case PyValue::Tuple:
    return "a tuple";
  case PyValue::List:
    return "a list";
  }
  return "a value";
}

class HeaderParser {
public:
  HeaderParser(const char *begin, const char *end, std::string &error)
      : p(begin), end(end), error(error) {}

  /// Parses `{key: value, ...}` into parallel key/value lists, then checks
  /// that only whitespace (or NUL padding) follows.
  bool parseDict(std::vector<std::string> &keys, std::vector<PyValue> &values) {
    skipSpace();
    if (p == end)
      return fail("header is empty");
    if (*p != '{')
      return fail("header is not a dictionary (it does not start with '{')");
    ++p;
    while (true) {
      skipSpace();
      if (p == end)
        return fail("unterminated header dictionary (no closing '}')");
      if (*p == '}') {
        ++p;
        break;
      }
      PyValue key;
      if (!parseValue(key, 1))
        return false;
      if (key.kind != PyValue::Str)
        return fail(std::string("header dictionary key is ") +
                    kindName(key.kind) + ", not a string");
      skipSpace();
      if (p == end)
        return fail("unterminated header dictionary (no closing '}')");
      if (*p != ':')
        return fail("expected ':' after key '" + printable(key.str) +
                    "' in header");
      ++p;
      PyValue value;
      if (!parseValue(value, 1))
        return false;
      keys.push_back(key.str);
      values.push_back(std::move(value));
      skipSpace();
      if (p == end)
        return fail("unterminated header dictionary (no closing '}')");
      if (*p == ',') {
        ++p;
        continue;
      }
      if (*p == '}') {
        ++p;
        break;
      }
      return fail(std::string("expected ',' or '}' in header dictionary, "
                              "found ") +
                  describeChar(*p));
    }
    for (; p != end; ++p)
      if (!isSpace(*p) && *p != '\0')
        return fail(std::string("unexpected ") + describeChar(*p) +
                    " after the header dictionary");
    return true;
  }

private:
  const char *p;
  const char *end;
  std::string &error;

  bool fail(std::string message) { return ::fail(error, std::move(message)); }

  static bool isSpace(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' ||
           c == '\v';
  }
  static bool isDigit(char c) { return c >= '0' && c <= '9'; }
  static bool isIdent(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
           isDigit(c);
  }
  static std::string describeChar(char c) {
    unsigned char u = static_cast<unsigned char>(c);
    if (u >= 0x20 && u < 0x7f)
      return std::string("'") + c + "'";
    char buf[16];
    std::snprintf(buf, sizeof buf, "byte 0x%02x", unsigned(u));
    return buf;
  }

  void skipSpace() {
    while (p != end && isSpace(*p))
      ++p;
  }

  bool parseValue(PyValue &out, int depth) {
    if (depth > kMaxDepth)
      return fail("header literal is nested too deeply");
    skipSpace();
    if (p == end)
      return fail("header ends where a value is expected");
    char c = *p;
    if (c == '\'' || c == '"')
      return parseString(out);
    if (c == '-' || c == '+' || isDigit(c))
      return parseInt(out);
    if (c == '(' || c == '[')
      return parseSequence(out, depth);
    if (isIdent(c)) {
      const char *start = p;
      while (p != end && isIdent(*p))
        ++p;
      std::string word(start, p);
      if (word == "True" || word == "False") {
        out.kind = PyValue::Bool;
        out.boolValue = word == "True";
        return true;
      }
      if (word == "None") {
        out.kind = PyValue::None;
        return true;
      }
      return fail("unexpected name '" + word + "' in header");
    }
    return fail(std::string("unexpected ") + describeChar(c) + " in header");
  }

  bool parseString(PyValue &out) {
    const char quote = *p++;
    out.kind = PyValue::Str;
    while (true) {
      if (p == end)
        return fail("unterminated string in header");
      char c = *p++;
      if (c == quote)
        return true;
      if (c == '\n')
        return fail("unterminated string in header");
      if (c == '\\') {
        if (p == end)
          return fail("unterminated string in header");
        c = *p++;
      }
      out.str += c;
    }
  }

  bool parseInt(PyValue &out) {
    bool negative = false;
    if (*p == '-' || *p == '+') {
      negative = *p == '-';
      ++p;
      while (p != end && isSpace(*p))
        ++p;
    }
    if (p == end || !isDigit(*p))
      return fail("malformed integer in header");
    // Accumulate as a negative number so that INT64_MIN fits.
    int64_t v = 0;
    constexpr int64_t lo = std::numeric_limits<int64_t>::min();
    for (; p != end && isDigit(*p); ++p) {
      int digit = *p - '0';
      if (v < lo / 10 || v * 10 < lo + digit)
        return fail("integer in header is too large");
      v = v * 10 - digit;
    }
    // Python 2 numpy wrote longs as `3L`.
    if (p != end && (*p == 'L' || *p == 'l'))
      ++p;
    if (p != end && isIdent(*p))
      return fail("malformed integer in header");
    if (!negative) {
      if (v == lo)
        return fail("integer in header is too large");
      v = -v;
    }
    out.kind = PyValue::Int;
    out.intValue = v;
    return true;
  }

  bool parseSequence(PyValue &out, int depth) {
    const char close = *p == '(' ? ')' : ']';
    out.kind = *p == '(' ? PyValue::Tuple : PyValue::List;
    ++p;
    while (true) {
      skipSpace();
      if (p == end)
        return fail(std::string("unterminated ") +
                    (close == ')' ? "tuple" : "list") + " in header");
      if (*p == close) {
        ++p;
        return true;
      }
      PyValue item;
      if (!parseValue(item, depth + 1))
        return false;
      out.items.push_back(std::move(item));
      skipSpace();
      if (p == end)
        return fail(std::string("unterminated ") +
                    (close == ')' ? "tuple" : "list") + " in header");
      if (*p == ',') {
        ++p;
        continue;
      }
      if (*p != close)
        return fail(std::string("expected ',' or '") + close +
                    "' in header, found " + describeChar(*p));
    }
  }
};

//===----------------------------------------------------------------------===//
// Descriptors.
//===----------------------------------------------------------------------===//

/// A readable name for a dtype mixc does not support ("complex64").
std::string describeUnsupported(char kind, unsigned size) {
  std::string bits = std::to_string(size * 8);
  switch (kind) {
  case 'f':
    return "float" + bits;
  case 'i':
    return "int" + bits;
  case 'u':
    return "uint" + bits;
  case 'c':
    return "complex" + bits;
  case 'b':
    return "bool of " + std::to_string(size) + " bytes";
  case 'U':
    return "unicode string";
  case 'S':
  case 'a':
    return "byte string";
  case 'O':
    return "Python object";
  case 'M':
    return "datetime64";
  case 'm':
    return "timedelta64";
  case 'V':
    return "void/record";
  default:
    return "unknown";
  }
}

constexpr const char *kSupportedList =
    "supported: '<f4' '<f8' '<f2' '|i1' '<i4' '<i8' '|u1' '<u2' '|b1'";

bool decodeDescr(const std::string &descr, DType &dtype, bool &bigEndian,
                 std::string &error) {
  size_t pos = 0;
  char order = '=';
  if (!descr.empty() && isOneOf(descr[0], "<>=|")) {
    order = descr[0];
    pos = 1;
  }
  if (pos >= descr.size()) {
    return fail(error, "unsupported dtype '" + printable(descr) + "' (" +
                           kSupportedList + ")");
  }
  char kind = descr[pos++];
  unsigned size = 0;
  size_t digits = 0;
  for (; pos < descr.size() && descr[pos] >= '0' && descr[pos] <= '9' &&
         digits < 6;
       ++pos, ++digits)
    size = size * 10 + unsigned(descr[pos] - '0');
  bool wellFormed = pos == descr.size() && digits > 0;
  if (kind == '?' && digits == 0 && pos == descr.size()) {
    kind = 'b';
    size = 1;
    wellFormed = true;
  }
  struct Entry {
    char kind;
    unsigned size;
    DType dtype;
  };
  static const Entry table[] = {
      {'f', 4, DType::F32}, {'f', 8, DType::F64}, {'f', 2, DType::F16},
      {'i', 1, DType::I8},  {'i', 4, DType::I32}, {'i', 8, DType::I64},
      {'u', 1, DType::U8},  {'u', 2, DType::U16}, {'b', 1, DType::Bool},
  };
  if (wellFormed) {
    for (const Entry &entry : table) {
      if (entry.kind != kind || entry.size != size)
        continue;
      if (size > 1 && order == '|') {
        return fail(error, "dtype '" + descr +
                               "' has byte-order mark '|', which is only "
                               "valid for single-byte types");
      }
      dtype = entry.dtype;
      bigEndian = order == '>' && size > 1;
      return true;
    }
  }
  error = "unsupported dtype '" + printable(descr) + "'";
  if (wellFormed || isOneOf(kind, "USaOMmV"))
    error += " (" + describeUnsupported(kind, size) + ")";
  error += std::string("; ") + kSupportedList;
  return false;
}

/// Reorders Fortran-order element data into C order.
std::vector<uint8_t> fortranToC(const std::vector<uint8_t> &in,
                                const std::vector<int64_t> &shape,
                                size_t elemSize, int64_t count) {
  std::vector<uint8_t> out(in.size());
  const size_t rank = shape.size();
  std::vector<int64_t> stride(rank), index(rank, 0);
  int64_t s = 1;
  for (size_t k = 0; k < rank; ++k) {
    stride[k] = s;
    s *= shape[k];
  }
  int64_t src = 0;
  for (int64_t dst = 0; dst < count; ++dst) {
    std::memcpy(out.data() + size_t(dst) * elemSize,
                in.data() + size_t(src) * elemSize, elemSize);
    for (size_t k = rank; k-- > 0;) {
      if (++index[k] < shape[k]) {
        src += stride[k];
        break;
      }
      src -= (shape[k] - 1) * stride[k];
      index[k] = 0;
    }
  }
  return out;
}

} // namespace

//===----------------------------------------------------------------------===//
// Public API.
//===----------------------------------------------------------------------===//

size_t mixc::npy::dtypeSize(DType dtype) {
  switch (dtype) {
  case DType::F64:
  case DType::I64:
    return 8;
  case DType::F32:
  case DType::I32:
    return 4;
  case DType::F16:
  case DType::BF16:
  case DType::U16:
    return 2;
  case DType::I8:
  case DType::U8:
  case DType::Bool:
    return 1;
  }
  return 1;
}

const char *mixc::npy::dtypeName(DType dtype) {
  switch (dtype) {
  case DType::F32:
    return "f32";
  case DType::F64:
    return "f64";
  case DType::F16:
    return "f16";
  case DType::BF16:
    return "bf16";
  case DType::I8:
    return "i8";
  case DType::I32:
    return "i32";
  case DType::I64:
    return "i64";
  case DType::U8:
    return "u8";
  case DType::U16:
    return "u16";
  case DType::Bool:
    return "bool";
  }
  return "?";
}

const char *mixc::npy::dtypeDescr(DType dtype) {
  switch (dtype) {
  case DType::F32:
    return "<f4";
  case DType::F64:
    return "<f8";
  case DType::F16:
    return "<f2";
  case DType::BF16:
  case DType::U16:
    return "<u2";
  case DType::I8:
    return "|i1";
  case DType::I32:
    return "<i4";
  case DType::I64:
    return "<i8";
  case DType::U8:
    return "|u1";
  case DType::Bool:
    return "|b1";
  }
  return "?";
}

bool mixc::npy::parseDTypeName(const std::string &name, DType &out) {
  static const DType all[] = {DType::F32, DType::F64, DType::F16, DType::BF16,
                              DType::I8,  DType::I32, DType::I64, DType::U8,
                              DType::U16, DType::Bool};
  for (DType dtype : all) {
    if (name == dtypeName(dtype)) {
      out = dtype;
      return true;
    }
  }
  return false;
}

int64_t Array::numElements() const { return countElements(shape); }

std::string mixc::npy::formatShape(const std::vector<int64_t> &shape) {
  std::string s = "(";
  for (size_t i = 0; i < shape.size(); ++i) {
    if (i)
      s += ", ";
    s += std::to_string(shape[i]);
  }
  if (shape.size() == 1)
    s += ",";
  return s + ")";
}

bool mixc::npy::validateArray(const Array &array, std::string &error) {
  if (array.shape.size() > kMaxRank)
    return fail(error, "array has " + std::to_string(array.shape.size()) +
                           " dimensions (at most " + std::to_string(kMaxRank) +
                           " are allowed)");
  for (int64_t d : array.shape) {
    if (d < 0) {
      error = "negative dimension in shape " + formatShape(array.shape);
      return false;
    }
  }
  const int64_t count = array.numElements();
  const size_t elemSize = dtypeSize(array.dtype);
  if (count < 0 ||
      uint64_t(count) > std::numeric_limits<size_t>::max() / elemSize) {
    error = "shape " + formatShape(array.shape) + " has too many elements";
    return false;
  }
  if (array.bytes.size() != size_t(count) * elemSize) {
    error = "array of shape " + formatShape(array.shape) + " and dtype " +
            dtypeName(array.dtype) + " needs " +
            std::to_string(size_t(count) * elemSize) + " bytes but holds " +
            std::to_string(array.bytes.size());
    return false;
  }
  return true;
}

bool mixc::npy::parseNpy(const uint8_t *data, size_t size, Array &out,
                         std::string &error) {
  if (size == 0)
    return fail(error, "file is empty (not a .npy file)");
  // Magic string and version.
  const size_t magicCompare = size < sizeof kMagic ? size : sizeof kMagic;
  if (std::memcmp(data, kMagic, magicCompare) != 0)
    return fail(error, "bad magic string (not a .npy file)");
  if (size < 8)
    return fail(error,
                "truncated header (file ends inside the magic string and "
                "version)");
  const unsigned major = data[6], minor = data[7];
  size_t lengthBytes;
  if (major == 1 && minor == 0)
    lengthBytes = 2;
  else if ((major == 2 || major == 3) && minor == 0)
    lengthBytes = 4;
  else
    return fail(error, "unsupported .npy format version " +
                           std::to_string(major) + "." + std::to_string(minor) +
                           " (supported: 1.0, 2.0, 3.0)");
  const size_t preamble = 8 + lengthBytes;
  if (size < preamble)
    return fail(error, "truncated header (file ends inside the header length)");
  const uint64_t headerLen = loadLE(data + 8, lengthBytes);
  if (headerLen > size - preamble)
    return fail(error, "truncated header: it claims " +
                           std::to_string(headerLen) + " bytes but only " +
                           std::to_string(size - preamble) + " follow");
  const size_t dataOffset = preamble + size_t(headerLen);

  // The header dictionary.
  std::vector<std::string> keys;
  std::vector<PyValue> values;
  std::string parseError;
  const char *headerBegin = reinterpret_cast<const char *>(data + preamble);
  HeaderParser parser(headerBegin, headerBegin + headerLen, parseError);
  if (!parser.parseDict(keys, values))
    return fail(error, "malformed header: " + parseError);
  // The three keys numpy writes, in any order; unknown keys are ignored.
  const char *const required[3] = {"descr", "fortran_order", "shape"};
  const PyValue *found[3] = {nullptr, nullptr, nullptr};
  for (size_t i = 0; i < keys.size(); ++i) {
    for (size_t k = 0; k < 3; ++k) {
      if (keys[i] != required[k])
        continue;
      if (found[k])
        return fail(error, std::string("malformed header: key '") +
                               required[k] + "' appears twice");
      found[k] = &values[i];
    }
  }
  for (size_t k = 0; k < 3; ++k)
    if (!found[k])
      return fail(error, std::string("malformed header: missing key '") +
                             required[k] + "'");
  const PyValue *descr = found[0], *fortran = found[1], *shapeValue = found[2];

  DType dtype = DType::F32;
  bool bigEndian = false;
  if (descr->kind != PyValue::Str)
    return fail(error, std::string("unsupported dtype: descr is ") +
                           kindName(descr->kind) +
                           " (structured/record dtypes are not supported)");
  if (!decodeDescr(descr->str, dtype, bigEndian, error))
    return false;
  if (fortran->kind != PyValue::Bool)
    return fail(error, std::string("malformed header: fortran_order is ") +
                           kindName(fortran->kind) + ", not True or False");
  if (shapeValue->kind != PyValue::Tuple && shapeValue->kind != PyValue::List)
    return fail(error, std::string("malformed header: shape is ") +
                           kindName(shapeValue->kind) + ", not a tuple");
  if (shapeValue->items.size() > kMaxRank)
    return fail(error, "shape has " + std::to_string(shapeValue->items.size()) +
                           " dimensions (at most " + std::to_string(kMaxRank) +
                           " are allowed)");
  std::vector<int64_t> shape;
  for (const PyValue &dim : shapeValue->items) {
    if (dim.kind != PyValue::Int)
      return fail(error, std::string("malformed header: shape contains ") +
                             kindName(dim.kind) + ", not an integer");
    if (dim.intValue < 0)
      return fail(error, "negative dimension " + std::to_string(dim.intValue) +
                             " in shape");
    shape.push_back(dim.intValue);
  }
  const int64_t count = countElements(shape);
  const size_t elemSize = dtypeSize(dtype);
  if (count < 0 ||
      uint64_t(count) > std::numeric_limits<size_t>::max() / elemSize)
    return fail(error, "shape " + formatShape(shape) +
                           " has too many elements (the count overflows)");
  const size_t needed = size_t(count) * elemSize;
  const size_t available = size - dataOffset;
  if (available < needed)
    return fail(error, "data is truncated: shape " + formatShape(shape) +
                           " of '" + descr->str + "' needs " +
                           std::to_string(needed) + " bytes but the file has " +
                           std::to_string(available));
  if (available > needed)
    return fail(error, "file has " + std::to_string(available - needed) +
                           " unexpected bytes after the data of shape " +
                           formatShape(shape) + " of '" + descr->str + "'");

  std::vector<uint8_t> bytes(data + dataOffset, data + size);
  if (bigEndian) {
    for (size_t i = 0; i < bytes.size(); i += elemSize)
      for (size_t a = i, b = i + elemSize - 1; a < b; ++a, --b)
        std::swap(bytes[a], bytes[b]);
  }
  if (fortran->boolValue && shape.size() > 1 && count > 0)
    bytes = fortranToC(bytes, shape, elemSize, count);
  out.dtype = dtype;
  out.shape = std::move(shape);
  out.bytes = std::move(bytes);
  return true;
}

std::vector<uint8_t> mixc::npy::serializeNpy(const Array &array) {
  std::string header =
      std::string("{'descr': '") + dtypeDescr(array.dtype) +
      "', 'fortran_order': False, 'shape': " + formatShape(array.shape) + ", }";
  // Like numpy.save, leave room for the first axis to grow in place.
  if (!array.shape.empty()) {
    size_t digits = std::to_string(array.shape[0]).size();
    if (digits < kGrowthAxisMaxDigits)
      header.append(kGrowthAxisMaxDigits - digits, ' ');
  }
  const size_t hlen = header.size() + 1; // + '\n'
  size_t lengthBytes = 2;
  size_t pad = kArrayAlign - (8 + lengthBytes + hlen) % kArrayAlign;
  if (hlen + pad > 0xffff) {
    lengthBytes = 4;
    pad = kArrayAlign - (8 + lengthBytes + hlen) % kArrayAlign;
  }
  const size_t total = hlen + pad; // header + padding + '\n'
  const size_t dataOffset = 8 + lengthBytes + total;
  // Sized once and filled in place (GCC 12 warns, falsely, about
  // vector::insert growing a small vector here).
  std::vector<uint8_t> out(dataOffset + array.bytes.size(), ' ');
  std::memcpy(out.data(), kMagic, sizeof kMagic);
  out[6] = lengthBytes == 2 ? 1 : 2;
  out[7] = 0;
  storeLE(out.data() + 8, total, lengthBytes);
  std::memcpy(out.data() + 8 + lengthBytes, header.data(), header.size());
  out[dataOffset - 1] = '\n';
  if (!array.bytes.empty())
    std::memcpy(out.data() + dataOffset, array.bytes.data(),
                array.bytes.size());
  return out;
}

bool mixc::npy::readNpy(const std::string &path, Array &out,
                        std::string &error) {
  std::FILE *file = std::fopen(path.c_str(), "rb");
  if (!file) {
    error = path + ": cannot open: " + std::strerror(errno);
    return false;
  }
  std::vector<uint8_t> contents;
  uint8_t chunk[1 << 16];
  while (true) {
    size_t n = std::fread(chunk, 1, sizeof chunk, file);
    contents.insert(contents.end(), chunk, chunk + n);
    if (n < sizeof chunk)
      break;
  }
  const bool failed = std::ferror(file);
  const int savedErrno = errno;
  std::fclose(file);
  if (failed) {
    error = path + ": read error: " + std::strerror(savedErrno);
    return false;
  }
  std::string message;
  if (!parseNpy(contents.data(), contents.size(), out, message)) {
    error = path + ": " + message;
    return false;
  }
  return true;
}

bool mixc::npy::writeNpy(const std::string &path, const Array &array,
                         std::string &error) {
  std::string message;
  if (!validateArray(array, message)) {
    error = path + ": cannot write: " + message;
    return false;
  }
  const std::vector<uint8_t> image = serializeNpy(array);
  std::FILE *file = std::fopen(path.c_str(), "wb");
  if (!file) {
    error = path + ": cannot open for writing: " + std::strerror(errno);
    return false;
  }
  bool ok = std::fwrite(image.data(), 1, image.size(), file) == image.size();
  int savedErrno = errno;
  if (std::fclose(file) != 0 && ok) {
    ok = false;
    savedErrno = errno;
  }
  if (!ok) {
    error = path + ": write error: " + std::strerror(savedErrno);
    std::remove(path.c_str());
    return false;
  }
  return true;
}

double mixc::npy::elementAsDouble(const Array &array, int64_t index) {
  const size_t elemSize = dtypeSize(array.dtype);
  if (index < 0 || uint64_t(index) >= array.bytes.size() / elemSize)
    return std::numeric_limits<double>::quiet_NaN();
  const uint64_t raw =
      loadLE(array.bytes.data() + size_t(index) * elemSize, elemSize);
  switch (array.dtype) {
  case DType::F32: {
    uint32_t bits = uint32_t(raw);
    float f;
    std::memcpy(&f, &bits, sizeof f);
    return f;
  }
  case DType::F64: {
    double d;
    std::memcpy(&d, &raw, sizeof d);
    return d;
  }
  case DType::F16:
    return decodeF16(uint16_t(raw));
  case DType::BF16:
    return decodeBF16(uint16_t(raw));
  case DType::I8:
    return double(int8_t(uint8_t(raw)));
  case DType::I32:
    return double(int32_t(uint32_t(raw)));
  case DType::I64:
    return double(int64_t(raw));
  case DType::U8:
  case DType::U16:
    return double(raw);
  case DType::Bool:
    return raw ? 1.0 : 0.0;
  }
  return std::numeric_limits<double>::quiet_NaN();
}

Array mixc::npy::fromDoubles(DType dtype, std::vector<int64_t> shape,
                             const std::vector<double> &values) {
  Array array;
  array.dtype = dtype;
  array.shape = std::move(shape);
  const int64_t count = array.numElements();
  const size_t elemSize = dtypeSize(dtype);
  if (count < 0 ||
      uint64_t(count) > std::numeric_limits<size_t>::max() / elemSize)
    return array;
  array.bytes.assign(size_t(count) * elemSize, 0);
  const size_t n =
      values.size() < size_t(count) ? values.size() : size_t(count);
  for (size_t i = 0; i < n; ++i) {
    const double v = values[i];
    uint64_t raw = 0;
    switch (dtype) {
    case DType::F32:
      raw = encodeBinary(v, 8, 23);
      break;
    case DType::F64:
      std::memcpy(&raw, &v, sizeof raw);
      break;
    case DType::F16:
      raw = encodeF16(v);
      break;
    case DType::BF16:
      raw = encodeBF16(v);
      break;
    case DType::I8:
      raw = uint8_t(saturateCast<int8_t>(v));
      break;
    case DType::I32:
      raw = uint32_t(saturateCast<int32_t>(v));
      break;
    case DType::I64:
      raw = uint64_t(saturateCast<int64_t>(v));
      break;
    case DType::U8:
      raw = saturateCast<uint8_t>(v);
      break;
    case DType::U16:
      raw = saturateCast<uint16_t>(v);
      break;
    case DType::Bool:
      raw = v != 0 ? 1 : 0; // NaN != 0, so NaN is true, as in numpy.
      break;
    }
    storeLE(array.bytes.data() + i * elemSize, raw, elemSize);
  }
  return array;
}

uint16_t mixc::npy::encodeF16(double value) {
  return uint16_t(encodeBinary(value, 5, 10));
}

double mixc::npy::decodeF16(uint16_t bits) { return decodeBinary(bits, 5, 10); }

uint16_t mixc::npy::encodeBF16(double value) {
  return uint16_t(encodeBinary(value, 8, 7));
}

double mixc::npy::decodeBF16(uint16_t bits) { return decodeBinary(bits, 8, 7); }
