//===- Manifest.cpp - Kernel launch manifests -----------------------------===//
//
// Implements Manifest.h: a recursive-descent JSON reader that tracks line and
// column for its messages, the manifest field checks (each message names the
// file, the position and the field path, e.g. "args[2].shape[1]"), the
// launch-time shape check, grid evaluation and memref parameter layout, and
// the float <-> bf16/f16/f8e4m3 bit conversions. Everything reports errors
// as strings; nothing here throws or aborts.
//
//===----------------------------------------------------------------------===//

#include "mixc/Runtime/Manifest.h"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <limits>

using namespace mixc::runtime;

//===----------------------------------------------------------------------===//
// JSON reader
//===----------------------------------------------------------------------===//

namespace {

constexpr int kMaxJsonDepth = 128;

class JsonParser {
public:
  JsonParser(const std::string &text, const std::string &fileName)
      : text(text), fileName(fileName) {}

  bool parseDocument(json::Value &out, std::string &error) {
    skipSpace();
    if (!parseValue(out, 0))
      return fail(error);
    skipSpace();
    if (pos != text.size()) {
      setError("unexpected text after the JSON value");
      return fail(error);
    }
    return true;
  }

private:
  const std::string &text;
  const std::string &fileName;
  size_t pos = 0;
  int line = 1;
  size_t lineStart = 0;
  std::string message;
  int errorLine = 0, errorColumn = 0;

  int column() const { return static_cast<int>(pos - lineStart) + 1; }

  /// Records the first error only, at the current position.
  bool setError(const std::string &what) {
    if (message.empty()) {
      message = what;
      errorLine = line;
      errorColumn = column();
    }
    return false;
  }

  bool fail(std::string &error) const {
    error = fileName + ":" + std::to_string(errorLine) + ":" +
            std::to_string(errorColumn) + ": " + message;
    return false;
  }

  bool atEnd() const { return pos >= text.size(); }
  char peek() const { return atEnd() ? '\0' : text[pos]; }

  void skipSpace() {
    while (!atEnd()) {
      char c = text[pos];
      if (c == '\n') {
        ++line;
        lineStart = pos + 1;
      } else if (c != ' ' && c != '\t' && c != '\r') {
        return;
      }
      ++pos;
    }
  }

  /// A printable rendering of the character at the current position.
  std::string describeHere() const {
    if (atEnd())
      return "end of file";
    unsigned char c = static_cast<unsigned char>(text[pos]);
    if (c >= 0x20 && c < 0x7f)
      return std::string("'") + static_cast<char>(c) + "'";
    char buffer[16];
    std::snprintf(buffer, sizeof(buffer), "byte 0x%02x", c);
    return buffer;
  }

  bool parseValue(json::Value &out, int depth) {
    if (depth > kMaxJsonDepth)
      return setError("JSON nested deeper than " +
                      std::to_string(kMaxJsonDepth) + " levels");
    out = json::Value();
    out.line = line;
    out.column = column();
    char c = peek();
    if (c == '{')
      return parseObject(out, depth);
    if (c == '[')
      return parseArray(out, depth);
    if (c == '"') {
      out.kind = json::Value::Kind::String;
      return parseString(out.string);
    }
    if (c == '-' || (c >= '0' && c <= '9'))
      return parseNumber(out);
    if (c == 't' || c == 'f' || c == 'n')
      return parseLiteral(out);
    return setError("expected a JSON value, got " + describeHere());
  }

  bool parseLiteral(json::Value &out) {
    auto matches = [&](const char *word) {
      size_t n = std::strlen(word);
      return text.compare(pos, n, word) == 0;
    };
    if (matches("true")) {
      out.kind = json::Value::Kind::Bool;
      out.boolean = true;
      pos += 4;
    } else if (matches("false")) {
      out.kind = json::Value::Kind::Bool;
      pos += 5;
    } else if (matches("null")) {
      pos += 4;
    } else {
      return setError("expected a JSON value, got " + describeHere());
    }
    char next = peek();
    if (std::isalnum(static_cast<unsigned char>(next)) || next == '_')
      return setError("unexpected " + describeHere() + " after literal");
    return true;
  }

  bool parseNumber(json::Value &out) {
    const size_t start = pos;
    bool integral = true;
    if (peek() == '-')
      ++pos;
    auto digits = [&]() {
      size_t first = pos;
      while (!atEnd() && text[pos] >= '0' && text[pos] <= '9')
        ++pos;
      return pos - first;
    };
    if (peek() == '0') {
      ++pos;
      if (peek() >= '0' && peek() <= '9')
        return setError("leading zeros are not allowed in JSON numbers");
    } else if (digits() == 0) {
      return setError("expected a digit, got " + describeHere());
    }
    if (peek() == '.') {
      integral = false;
      ++pos;
      if (digits() == 0)
        return setError("expected a digit after '.', got " + describeHere());
    }
    if (peek() == 'e' || peek() == 'E') {
      integral = false;
      ++pos;
      if (peek() == '+' || peek() == '-')
        ++pos;
      if (digits() == 0)
        return setError("expected a digit in the exponent, got " +
                        describeHere());
    }
    const char *first = text.data() + start, *last = text.data() + pos;
    if (integral) {
      int64_t value = 0;
      auto result = std::from_chars(first, last, value);
      if (result.ec == std::errc() && result.ptr == last) {
        out.kind = json::Value::Kind::Int;
        out.integer = value;
        out.number = static_cast<double>(value);
        return true;
      }
      // Out of int64 range: keep it as a double.
    }
    double value = 0.0;
    auto result = std::from_chars(first, last, value);
    if (result.ptr != last || (result.ec != std::errc() &&
                               result.ec != std::errc::result_out_of_range))
      return setError("malformed number '" + std::string(first, last) + "'");
    if (result.ec == std::errc::result_out_of_range)
      return setError("number '" + std::string(first, last) +
                      "' is out of the range of a double");
    out.kind = json::Value::Kind::Double;
    out.number = value;
    return true;
  }

  /// Reads 4 hex digits at pos.
  bool parseHex4(uint32_t &out) {
    out = 0;
    for (int i = 0; i < 4; ++i) {
      char c = peek();
      uint32_t digit;
      if (c >= '0' && c <= '9')
        digit = c - '0';
      else if (c >= 'a' && c <= 'f')
        digit = c - 'a' + 10;
      else if (c >= 'A' && c <= 'F')
        digit = c - 'A' + 10;
      else
        return setError("expected a hex digit in \\u escape, got " +
                        describeHere());
      out = out * 16 + digit;
      ++pos;
    }
    return true;
  }

  static void appendUtf8(std::string &s, uint32_t cp) {
    if (cp < 0x80) {
      s += static_cast<char>(cp);
    } else if (cp < 0x800) {
      s += static_cast<char>(0xc0 | (cp >> 6));
      s += static_cast<char>(0x80 | (cp & 0x3f));
    } else if (cp < 0x10000) {
      s += static_cast<char>(0xe0 | (cp >> 12));
      s += static_cast<char>(0x80 | ((cp >> 6) & 0x3f));
      s += static_cast<char>(0x80 | (cp & 0x3f));
    } else {
      s += static_cast<char>(0xf0 | (cp >> 18));
      s += static_cast<char>(0x80 | ((cp >> 12) & 0x3f));
      s += static_cast<char>(0x80 | ((cp >> 6) & 0x3f));
      s += static_cast<char>(0x80 | (cp & 0x3f));
    }
  }

  bool parseString(std::string &out) {
    ++pos; // opening quote
    out.clear();
    while (true) {
      if (atEnd())
        return setError("unterminated string");
      char c = text[pos];
      if (c == '"') {
        ++pos;
        return true;
      }
      if (static_cast<unsigned char>(c) < 0x20)
        return setError("control character (" + describeHere() +
                        ") in string; write it as an escape");
      if (c != '\\') {
        out += c;
        ++pos;
        continue;
      }
      ++pos;
      char e = peek();
      ++pos;
      switch (e) {
      case '"':
      case '\\':
      case '/':
        out += e;
        break;
      case 'b':
        out += '\b';
        break;
      case 'f':
        out += '\f';
        break;
      case 'n':
        out += '\n';
        break;
      case 'r':
        out += '\r';
        break;
      case 't':
        out += '\t';
        break;
      case 'u': {
        uint32_t cp;
        if (!parseHex4(cp))
          return false;
        if (cp >= 0xdc00 && cp <= 0xdfff) {
          pos -= 6;
          return setError("unpaired low surrogate in \\u escape");
        }
        if (cp >= 0xd800 && cp <= 0xdbff) {
          uint32_t low;
          if (text.compare(pos, 2, "\\u") != 0)
            return setError("high surrogate not followed by a \\u escape");
          pos += 2;
          if (!parseHex4(low))
            return false;
          if (low < 0xdc00 || low > 0xdfff) {
            pos -= 6;
            return setError("high surrogate not followed by a low surrogate");
          }
          cp = 0x10000 + ((cp - 0xd800) << 10) + (low - 0xdc00);
        }
        appendUtf8(out, cp);
        break;
      }
      default:
        pos -= 2;
        return setError("invalid escape in string");
      }
    }
  }

  bool parseArray(json::Value &out, int depth) {
    out.kind = json::Value::Kind::Array;
    ++pos;
    skipSpace();
    if (peek() == ']') {
      ++pos;
      return true;
    }
    while (true) {
      json::Value element;
      if (!parseValue(element, depth + 1))
        return false;
      out.array.push_back(std::move(element));
      skipSpace();
      if (peek() == ',') {
        ++pos;
        skipSpace();
        continue;
      }
      if (peek() == ']') {
        ++pos;
        return true;
      }
      return setError("expected ',' or ']' in array, got " + describeHere());
    }
  }

  bool parseObject(json::Value &out, int depth) {
    out.kind = json::Value::Kind::Object;
    ++pos;
    skipSpace();
    if (peek() == '}') {
      ++pos;
      return true;
    }
    while (true) {
      if (peek() != '"')
        return setError("expected a string key in object, got " +
                        describeHere());
      const int keyLine = line, keyColumn = column();
      std::string key;
      if (!parseString(key))
        return false;
      if (out.get(key)) {
        message = "duplicate key '" + key + "'";
        errorLine = keyLine;
        errorColumn = keyColumn;
        return false;
      }
      skipSpace();
      if (peek() != ':')
        return setError("expected ':' after object key, got " + describeHere());
      ++pos;
      skipSpace();
      json::Value member;
      if (!parseValue(member, depth + 1))
        return false;
      out.object.emplace_back(std::move(key), std::move(member));
      skipSpace();
      if (peek() == ',') {
        ++pos;
        skipSpace();
        continue;
      }
      if (peek() == '}') {
        ++pos;
        return true;
      }
      return setError("expected ',' or '}' in object, got " + describeHere());
    }
  }
};

} // namespace

double json::Value::asDouble() const {
  if (kind == Kind::Int)
    return static_cast<double>(integer);
  if (kind == Kind::Double)
    return number;
  return 0.0;
}

const json::Value *json::Value::get(const std::string &key) const {
  if (kind != Kind::Object)
    return nullptr;
  for (const auto &member : object)
    if (member.first == key)
      return &member.second;
  return nullptr;
}

const char *json::kindName(Value::Kind kind) {
  switch (kind) {
  case Value::Kind::Null:
    return "null";
  case Value::Kind::Bool:
    return "a boolean";
  case Value::Kind::Int:
    return "an integer";
  case Value::Kind::Double:
    return "a number";
  case Value::Kind::String:
    return "a string";
  case Value::Kind::Array:
    return "an array";
  case Value::Kind::Object:
    return "an object";
  }
  return "?";
}

bool json::parse(const std::string &text, const std::string &fileName,
                 Value &out, std::string &error) {
  return JsonParser(text, fileName).parseDocument(out, error);
}

std::string json::quote(const std::string &s) {
  std::string out = "\"";
  for (char c : s) {
    switch (c) {
    case '"':
      out += "\\\"";
      break;
    case '\\':
      out += "\\\\";
      break;
    case '\n':
      out += "\\n";
      break;
    case '\r':
      out += "\\r";
      break;
    case '\t':
      out += "\\t";
      break;
    default:
      if (static_cast<unsigned char>(c) < 0x20) {
        char buffer[8];
        std::snprintf(buffer, sizeof(buffer), "\\u%04x",
                      static_cast<unsigned>(c));
        out += buffer;
      } else {
        out += c;
      }
    }
  }
  return out + "\"";
}

//===----------------------------------------------------------------------===//
// Element types and roles
//===----------------------------------------------------------------------===//

namespace {
struct DTypeInfo {
  DType dtype;
  const char *name;
  size_t size;
};
constexpr DTypeInfo kDTypes[] = {
    {DType::BF16, "bf16", 2},    {DType::F16, "f16", 2}, {DType::F32, "f32", 4},
    {DType::I32, "i32", 4},      {DType::I64, "i64", 8}, {DType::I8, "i8", 1},
    {DType::F8E4M3, "f8e4m3", 1}};
} // namespace

const char *mixc::runtime::dtypeName(DType dtype) {
  for (const DTypeInfo &info : kDTypes)
    if (info.dtype == dtype)
      return info.name;
  return "?";
}

size_t mixc::runtime::dtypeSize(DType dtype) {
  for (const DTypeInfo &info : kDTypes)
    if (info.dtype == dtype)
      return info.size;
  return 0;
}

bool mixc::runtime::isFloat(DType dtype) {
  return dtype == DType::BF16 || dtype == DType::F16 || dtype == DType::F32 ||
         dtype == DType::F8E4M3;
}

bool mixc::runtime::parseDType(const std::string &name, DType &out) {
  for (const DTypeInfo &info : kDTypes)
    if (name == info.name) {
      out = info.dtype;
      return true;
    }
  return false;
}

const char *mixc::runtime::roleName(ArgRole role) {
  switch (role) {
  case ArgRole::Input:
    return "input";
  case ArgRole::Output:
    return "output";
  case ArgRole::InOut:
    return "inout";
  }
  return "?";
}

//===----------------------------------------------------------------------===//
// Manifest reader
//===----------------------------------------------------------------------===//

namespace {

/// Field checks with messages "<file>:<line>:<col>: <field>: <what>", the
/// position being that of the offending value (or of the enclosing object for
/// a missing field).
class ManifestReader {
public:
  ManifestReader(const std::string &path, std::string &error)
      : path(path), error(error) {}

  bool fail(const json::Value &at, const std::string &field,
            const std::string &what) {
    error = path + ":" + std::to_string(at.line) + ":" +
            std::to_string(at.column) + ": " + field + ": " + what;
    return false;
  }

  /// The member `key` of `object` (whose field path is `parent`, empty for
  /// the top level), which must exist and have kind `kind`.
  const json::Value *require(const json::Value &object, const std::string &key,
                             const std::string &parent,
                             json::Value::Kind kind) {
    if (!object.get(key)) {
      if (parent.empty())
        error = path + ":" + std::to_string(object.line) + ":" +
                std::to_string(object.column) + ": missing field '" + key + "'";
      else
        fail(object, parent, "missing field '" + key + "'");
      return nullptr;
    }
    return optional(object, key, parent, kind);
  }

  /// Like require, but absence is no error: null with `error` left empty.
  /// A present member of the wrong kind gives null with `error` set.
  const json::Value *optional(const json::Value &object, const std::string &key,
                              const std::string &parent,
                              json::Value::Kind kind) {
    const json::Value *v = object.get(key);
    if (!v)
      return nullptr;
    if (!hasKind(*v, kind)) {
      fail(*v, parent.empty() ? key : parent + "." + key,
           std::string("expected ") + json::kindName(kind) + ", got " +
               json::kindName(v->kind));
      return nullptr;
    }
    return v;
  }

  bool read(const json::Value &root, Manifest &m);

private:
  const std::string &path;
  std::string &error;

  /// Int is accepted where Double is asked for.
  static bool hasKind(const json::Value &v, json::Value::Kind kind) {
    return v.kind == kind || (kind == json::Value::Kind::Double &&
                              v.kind == json::Value::Kind::Int);
  }

  bool readString(const json::Value &object, const std::string &key,
                  std::string &out) {
    const json::Value *v = require(object, key, "", json::Value::Kind::String);
    if (!v)
      return false;
    out = v->string;
    return true;
  }

  bool readBlock(const json::Value &root, Manifest &m);
  bool readGrid(const json::Value &root, Manifest &m);
  bool readWorkspace(const json::Value &root, Manifest &m);
  bool readTensorMaps(const json::Value &root, Manifest &m);
  /// A list of grid factors ([{const} or {arg, dim, ceildiv?}]) at `field`.
  bool readFactors(const json::Value &factors, const std::string &field,
                   const Manifest &m, std::vector<GridFactor> &out);
  bool readArg(const json::Value &v, size_t index, KernelArg &arg);
};

bool ManifestReader::read(const json::Value &root, Manifest &m) {
  if (root.kind != json::Value::Kind::Object)
    return fail(root, "manifest",
                std::string("expected an object, got ") +
                    json::kindName(root.kind));

  const json::Value *version =
      require(root, "schema_version", "", json::Value::Kind::Int);
  if (!version)
    return false;
  if (version->integer < kManifestMinSchemaVersion ||
      version->integer > kManifestSchemaVersion)
    return fail(*version, "schema_version",
                "unsupported schema version " +
                    std::to_string(version->integer) +
                    " (this runtime reads versions " +
                    std::to_string(kManifestMinSchemaVersion) + " to " +
                    std::to_string(kManifestSchemaVersion) + ")");
  m.schemaVersion = version->integer;

  if (!readString(root, "kernel", m.kernel) ||
      !readString(root, "binary", m.binary) ||
      !readString(root, "format", m.format) || !readString(root, "op", m.op) ||
      !readString(root, "abi", m.abi))
    return false;
  if (m.kernel.empty())
    return fail(*root.get("kernel"), "kernel", "empty entry symbol");
  if (m.binary.empty())
    return fail(*root.get("binary"), "binary", "empty path");
  if (m.format != "cubin" && m.format != "ptx" && m.format != "fatbin")
    return fail(*root.get("format"), "format",
                "unknown format '" + m.format +
                    "' (expected cubin, ptx or fatbin)");
  if (m.abi != "memref")
    return fail(*root.get("abi"), "abi",
                "unsupported abi '" + m.abi +
                    "' (this runtime supports 'memref')");

  if (const json::Value *arch =
          optional(root, "arch", "", json::Value::Kind::String))
    m.arch = arch->string;
  else if (!error.empty())
    return false;

  // Attributes: scalars only (the reference check reads them).
  m.attrs = json::Value();
  m.attrs.kind = json::Value::Kind::Object;
  if (const json::Value *attrs =
          optional(root, "attrs", "", json::Value::Kind::Object)) {
    for (const auto &[name, value] : attrs->object)
      if (value.kind == json::Value::Kind::Array ||
          value.kind == json::Value::Kind::Object)
        return fail(value, "attrs." + name,
                    std::string("expected a scalar, got ") +
                        json::kindName(value.kind));
    m.attrs = *attrs;
  } else if (!error.empty()) {
    return false;
  }

  m.scheduleParams = json::Value();
  m.scheduleParams.kind = json::Value::Kind::Object;
  if (const json::Value *schedule =
          optional(root, "schedule", "", json::Value::Kind::Object)) {
    const json::Value *name =
        require(*schedule, "template", "schedule", json::Value::Kind::String);
    if (!name)
      return false;
    m.scheduleTemplate = name->string;
    if (const json::Value *params = optional(*schedule, "params", "schedule",
                                             json::Value::Kind::Object))
      m.scheduleParams = *params;
    else if (!error.empty())
      return false;
  } else if (!error.empty()) {
    return false;
  }

  m.sharedBytes = 0;
  if (const json::Value *shared =
          optional(root, "shared_bytes", "", json::Value::Kind::Int)) {
    if (shared->integer < 0)
      return fail(*shared, "shared_bytes",
                  "must be non-negative, got " +
                      std::to_string(shared->integer));
    m.sharedBytes = shared->integer;
  } else if (!error.empty()) {
    return false;
  }

  const json::Value *args = require(root, "args", "", json::Value::Kind::Array);
  if (!args)
    return false;
  if (args->array.empty())
    return fail(*args, "args", "a kernel needs at least one argument");
  m.args.clear();
  for (size_t i = 0; i < args->array.size(); ++i) {
    KernelArg arg;
    if (!readArg(args->array[i], i, arg))
      return false;
    for (const KernelArg &other : m.args)
      if (other.name == arg.name)
        return fail(*args->array[i].get("name"),
                    "args[" + std::to_string(i) + "].name",
                    "duplicate argument name '" + arg.name + "'");
    m.args.push_back(std::move(arg));
  }

  // The grid refers to arguments, so it is read after them.
  return readBlock(root, m) && readGrid(root, m) && readWorkspace(root, m) &&
         readTensorMaps(root, m);
}

bool ManifestReader::readTensorMaps(const json::Value &root, Manifest &m) {
  m.tensorMaps.clear();
  const json::Value *maps =
      optional(root, "tensor_maps", "", json::Value::Kind::Array);
  if (!maps)
    return error.empty();
  if (m.schemaVersion < 2)
    return fail(*maps, "tensor_maps", "needs schema_version 2 or later");
  for (size_t i = 0; i < maps->array.size(); ++i) {
    const json::Value &v = maps->array[i];
    const std::string field = "tensor_maps[" + std::to_string(i) + "]";
    if (v.kind != json::Value::Kind::Object)
      return fail(v, field,
                  std::string("expected an object, got ") +
                      json::kindName(v.kind));
    for (const auto &member : v.object)
      if (member.first != "arg" && member.first != "box" &&
          member.first != "swizzle")
        return fail(member.second, field,
                    "unknown key '" + member.first +
                        "' (expected arg, box, swizzle)");
    TensorMap map;
    const json::Value *arg = require(v, "arg", field, json::Value::Kind::Int);
    if (!arg)
      return false;
    if (arg->integer < 0 || arg->integer >= int64_t(m.args.size()))
      return fail(*arg, field + ".arg",
                  "argument " + std::to_string(arg->integer) +
                      " does not exist (the kernel has " +
                      std::to_string(m.args.size()) + ")");
    map.arg = arg->integer;
    DType dtype = m.args[map.arg].dtype;
    if (dtype != DType::BF16 && dtype != DType::F16 && dtype != DType::F32)
      return fail(*arg, field + ".arg",
                  std::string("a tensor map over ") + dtypeName(dtype) +
                      " is not supported (bf16, f16, f32)");
    const json::Value *box = require(v, "box", field, json::Value::Kind::Array);
    if (!box)
      return false;
    if (box->array.size() != 2 && box->array.size() != 3)
      return fail(*box, field + ".box",
                  "expected [rows, columns] or [planes, rows, columns], got " +
                      std::to_string(box->array.size()) + " sizes");
    for (size_t d = 0; d < box->array.size(); ++d) {
      const json::Value &size = box->array[d];
      const std::string sizeField = field + ".box[" + std::to_string(d) + "]";
      if (size.kind != json::Value::Kind::Int)
        return fail(size, sizeField,
                    std::string("expected an integer, got ") +
                        json::kindName(size.kind));
      if (size.integer < 1 || size.integer > 256)
        return fail(size, sizeField,
                    "size " + std::to_string(size.integer) +
                        " is outside [1, 256]");
    }
    for (const json::Value &size : box->array)
      map.box.push_back(size.integer);
    const json::Value &columns = box->array.back();
    const json::Value *swizzle =
        require(v, "swizzle", field, json::Value::Kind::Int);
    if (!swizzle)
      return false;
    map.swizzle = swizzle->integer;
    if (map.swizzle != 0 && map.swizzle != 32 && map.swizzle != 64 &&
        map.swizzle != 128)
      return fail(*swizzle, field + ".swizzle",
                  "unknown swizzle " + std::to_string(map.swizzle) +
                      " (expected 0, 32, 64 or 128 bytes)");
    int64_t rowBytes = map.box.back() * int64_t(dtypeSize(dtype));
    std::string columnsField =
        field + ".box[" + std::to_string(map.box.size() - 1) + "]";
    if (rowBytes % 16)
      return fail(columns, columnsField,
                  std::to_string(map.box.back()) + " " + dtypeName(dtype) +
                      " columns are " + std::to_string(rowBytes) +
                      " bytes, not a multiple of 16");
    if (map.swizzle && rowBytes > map.swizzle)
      return fail(columns, columnsField,
                  "a box row of " + std::to_string(rowBytes) +
                      " bytes exceeds the " + std::to_string(map.swizzle) +
                      "-byte swizzle span");
    m.tensorMaps.push_back(map);
  }
  return true;
}

bool ManifestReader::readArg(const json::Value &v, size_t index,
                             KernelArg &arg) {
  const std::string field = "args[" + std::to_string(index) + "]";
  if (v.kind != json::Value::Kind::Object)
    return fail(v, field,
                std::string("expected an object, got ") +
                    json::kindName(v.kind));
  const json::Value *name =
      require(v, "name", field, json::Value::Kind::String);
  if (!name)
    return false;
  arg.name = name->string;
  if (arg.name.empty())
    return fail(*name, field + ".name", "empty argument name");

  if (const json::Value *kind =
          optional(v, "kind", field, json::Value::Kind::String)) {
    if (kind->string != "memref")
      return fail(*kind, field + ".kind",
                  "unsupported argument kind '" + kind->string +
                      "' (this runtime supports 'memref')");
  } else if (!error.empty()) {
    return false;
  }

  const json::Value *role =
      require(v, "role", field, json::Value::Kind::String);
  if (!role)
    return false;
  if (role->string == "input")
    arg.role = ArgRole::Input;
  else if (role->string == "output")
    arg.role = ArgRole::Output;
  else if (role->string == "inout")
    arg.role = ArgRole::InOut;
  else
    return fail(*role, field + ".role",
                "unknown role '" + role->string +
                    "' (expected input, output or inout)");

  const json::Value *dtype =
      require(v, "dtype", field, json::Value::Kind::String);
  if (!dtype)
    return false;
  if (!parseDType(dtype->string, arg.dtype))
    return fail(*dtype, field + ".dtype",
                "unknown dtype '" + dtype->string +
                    "' (expected bf16, f16, f32, i32, i64, i8 or f8e4m3)");

  const json::Value *shape =
      require(v, "shape", field, json::Value::Kind::Array);
  if (!shape)
    return false;
  arg.shape.clear();
  for (size_t d = 0; d < shape->array.size(); ++d) {
    const json::Value &size = shape->array[d];
    const std::string sizeField = field + ".shape[" + std::to_string(d) + "]";
    if (size.kind != json::Value::Kind::Int)
      return fail(size, sizeField,
                  std::string("expected an integer, got ") +
                      json::kindName(size.kind));
    if (size.integer < -1)
      return fail(size, sizeField,
                  "size " + std::to_string(size.integer) +
                      " is neither a size nor -1 (dynamic)");
    arg.shape.push_back(size.integer);
  }
  return true;
}

bool ManifestReader::readBlock(const json::Value &root, Manifest &m) {
  const json::Value *block =
      require(root, "block", "", json::Value::Kind::Array);
  if (!block)
    return false;
  if (block->array.size() != 3)
    return fail(*block, "block",
                "expected 3 sizes, got " + std::to_string(block->array.size()));
  int64_t threads = 1;
  for (size_t d = 0; d < 3; ++d) {
    const json::Value &size = block->array[d];
    const std::string field = "block[" + std::to_string(d) + "]";
    if (size.kind != json::Value::Kind::Int)
      return fail(size, field,
                  std::string("expected an integer, got ") +
                      json::kindName(size.kind));
    if (size.integer < 1 || size.integer > 1024)
      return fail(size, field,
                  "size " + std::to_string(size.integer) +
                      " is outside [1, 1024]");
    m.block[d] = size.integer;
    threads *= size.integer;
  }
  if (threads > 1024)
    return fail(*block, "block",
                std::to_string(threads) + " threads exceed 1024 per block");
  return true;
}

bool ManifestReader::readGrid(const json::Value &root, Manifest &m) {
  const json::Value *grid = require(root, "grid", "", json::Value::Kind::Array);
  if (!grid)
    return false;
  if (grid->array.size() != 3)
    return fail(*grid, "grid",
                "expected 3 dimensions, got " +
                    std::to_string(grid->array.size()));
  for (size_t d = 0; d < 3; ++d)
    if (!readFactors(grid->array[d], "grid[" + std::to_string(d) + "]", m,
                     m.grid[d]))
      return false;
  return true;
}

bool ManifestReader::readWorkspace(const json::Value &root, Manifest &m) {
  m.workspace = Workspace();
  const json::Value *workspace =
      optional(root, "workspace", "", json::Value::Kind::Object);
  if (!workspace)
    return error.empty();
  for (const auto &member : workspace->object)
    if (member.first != "bytes" && member.first != "times")
      return fail(member.second, "workspace",
                  "unknown key '" + member.first + "' (expected bytes, times)");
  const json::Value *bytes =
      require(*workspace, "bytes", "workspace", json::Value::Kind::Int);
  if (!bytes)
    return false;
  if (bytes->integer < 1)
    return fail(*bytes, "workspace.bytes",
                "expected a positive integer, got " +
                    std::to_string(bytes->integer));
  m.workspace.bytes = bytes->integer;
  if (const json::Value *times = workspace->get("times"))
    return readFactors(*times, "workspace.times", m, m.workspace.times);
  return true;
}

bool ManifestReader::readFactors(const json::Value &factors,
                                 const std::string &field, const Manifest &m,
                                 std::vector<GridFactor> &out) {
  if (factors.kind != json::Value::Kind::Array)
    return fail(factors, field,
                std::string("expected an array of factors, got ") +
                    json::kindName(factors.kind));
  out.clear();
  for (size_t f = 0; f < factors.array.size(); ++f) {
    const json::Value &v = factors.array[f];
    const std::string ff = field + "[" + std::to_string(f) + "]";
    if (v.kind != json::Value::Kind::Object)
      return fail(v, ff,
                  std::string("expected an object, got ") +
                      json::kindName(v.kind));
    for (const auto &member : v.object)
      if (member.first != "const" && member.first != "arg" &&
          member.first != "dim" && member.first != "ceildiv")
        return fail(member.second, ff,
                    "unknown key '" + member.first +
                        "' (expected const, or arg and dim with optional "
                        "ceildiv)");
    GridFactor factor;
    if (const json::Value *c = v.get("const")) {
      if (v.get("arg") || v.get("dim") || v.get("ceildiv"))
        return fail(v, ff, "'const' excludes 'arg', 'dim' and 'ceildiv'");
      if (c->kind != json::Value::Kind::Int || c->integer < 1)
        return fail(*c, ff + ".const", "expected a positive integer");
      factor.constant = c->integer;
      out.push_back(factor);
      continue;
    }
    const json::Value *arg = require(v, "arg", ff, json::Value::Kind::Int);
    if (!arg)
      return false;
    const json::Value *dim = require(v, "dim", ff, json::Value::Kind::Int);
    if (!dim)
      return false;
    if (arg->integer < 0 || arg->integer >= static_cast<int64_t>(m.args.size()))
      return fail(*arg, ff + ".arg",
                  "argument " + std::to_string(arg->integer) +
                      " does not exist (the kernel has " +
                      std::to_string(m.args.size()) + ")");
    const KernelArg &target = m.args[arg->integer];
    if (dim->integer < 0 ||
        dim->integer >= static_cast<int64_t>(target.shape.size()))
      return fail(*dim, ff + ".dim",
                  "dimension " + std::to_string(dim->integer) +
                      " does not exist in argument '" + target.name +
                      "' of rank " + std::to_string(target.shape.size()));
    factor.arg = arg->integer;
    factor.dim = dim->integer;
    if (const json::Value *div =
            optional(v, "ceildiv", ff, json::Value::Kind::Int)) {
      if (div->integer < 1)
        return fail(*div, ff + ".ceildiv",
                    "expected a positive integer, got " +
                        std::to_string(div->integer));
      factor.ceilDiv = div->integer;
    } else if (!error.empty()) {
      return false;
    }
    out.push_back(factor);
  }
  return true;
}

std::string directoryOf(const std::string &path) {
  size_t slash = path.find_last_of('/');
  if (slash == std::string::npos)
    return "";
  return path.substr(0, slash + 1);
}

} // namespace

bool Manifest::attrBool(const std::string &name, bool defaultValue) const {
  const json::Value *v = attrs.get(name);
  if (!v)
    return defaultValue;
  if (v->kind == json::Value::Kind::Bool)
    return v->boolean;
  if (v->kind == json::Value::Kind::Int)
    return v->integer != 0;
  return defaultValue;
}

int64_t Manifest::attrInt(const std::string &name, int64_t defaultValue) const {
  const json::Value *v = attrs.get(name);
  if (!v)
    return defaultValue;
  if (v->kind == json::Value::Kind::Int)
    return v->integer;
  if (v->kind == json::Value::Kind::Bool)
    return v->boolean ? 1 : 0;
  return defaultValue;
}

double Manifest::attrDouble(const std::string &name,
                            double defaultValue) const {
  const json::Value *v = attrs.get(name);
  return v && v->isNumber() ? v->asDouble() : defaultValue;
}

int64_t Manifest::scheduleParam(const std::string &name,
                                int64_t defaultValue) const {
  const json::Value *v = scheduleParams.get(name);
  return v && v->kind == json::Value::Kind::Int ? v->integer : defaultValue;
}

int64_t Manifest::argIndex(const std::string &name) const {
  for (size_t i = 0; i < args.size(); ++i)
    if (args[i].name == name)
      return static_cast<int64_t>(i);
  return -1;
}

bool mixc::runtime::parseManifest(const std::string &text,
                                  const std::string &path, Manifest &out,
                                  std::string &error) {
  error.clear();
  json::Value root;
  if (!json::parse(text, path, root, error))
    return false;
  Manifest m;
  m.path = path;
  if (!ManifestReader(path, error).read(root, m))
    return false;
  m.binaryPath =
      m.binary.front() == '/' ? m.binary : directoryOf(path) + m.binary;
  out = std::move(m);
  return true;
}

bool mixc::runtime::readFile(const std::string &path, std::string &out,
                             std::string &error) {
  FILE *file = std::fopen(path.c_str(), "rb");
  if (!file) {
    error = "cannot open '" + path + "': " + std::strerror(errno);
    return false;
  }
  out.clear();
  char buffer[1 << 16];
  size_t n;
  while ((n = std::fread(buffer, 1, sizeof(buffer), file)) > 0)
    out.append(buffer, n);
  bool failed = std::ferror(file);
  std::fclose(file);
  if (failed) {
    error = "cannot read '" + path + "'";
    return false;
  }
  return true;
}

bool mixc::runtime::readManifest(const std::string &path, Manifest &out,
                                 std::string &error) {
  std::string text;
  if (!readFile(path, text, error))
    return false;
  return parseManifest(text, path, out, error);
}

//===----------------------------------------------------------------------===//
// Launch geometry and parameters
//===----------------------------------------------------------------------===//

bool mixc::runtime::resolveShapes(const Manifest &manifest,
                                  const int64_t *const *sizes, Shapes &out,
                                  std::string &error) {
  out.assign(manifest.args.size(), {});
  for (size_t i = 0; i < manifest.args.size(); ++i) {
    const KernelArg &arg = manifest.args[i];
    const int64_t *given = sizes ? sizes[i] : nullptr;
    std::vector<int64_t> &shape = out[i];
    shape.resize(arg.shape.size());
    for (size_t d = 0; d < arg.shape.size(); ++d) {
      const std::string where = "argument '" + arg.name + "' (" +
                                std::to_string(i) + ") dimension " +
                                std::to_string(d);
      if (!given) {
        if (arg.shape[d] < 0) {
          error = where + " is dynamic and no sizes were given";
          return false;
        }
        shape[d] = arg.shape[d];
        continue;
      }
      if (given[d] < 0) {
        error = where + " has negative size " + std::to_string(given[d]);
        return false;
      }
      if (arg.shape[d] >= 0 && given[d] != arg.shape[d]) {
        error = where + " is " + std::to_string(given[d]) +
                " at launch, but the manifest fixes it at " +
                std::to_string(arg.shape[d]);
        return false;
      }
      shape[d] = given[d];
    }
  }
  return true;
}

namespace {
int64_t factorValue(const GridFactor &f, const Shapes &shapes) {
  if (f.arg < 0)
    return f.constant;
  const int64_t size = shapes[f.arg][f.dim];
  return (size + f.ceilDiv - 1) / f.ceilDiv;
}
} // namespace

bool mixc::runtime::evaluateWorkspace(const Manifest &manifest,
                                      const Shapes &shapes, int64_t &bytes,
                                      std::string &error) {
  constexpr int64_t kLimit = int64_t(1) << 40;
  bytes = manifest.workspace.bytes;
  for (const GridFactor &f : manifest.workspace.times) {
    const int64_t value = factorValue(f, shapes);
    if (value != 0 && bytes > kLimit / value) {
      error = "the workspace would exceed 2^40 bytes";
      return false;
    }
    bytes *= value;
  }
  return true;
}

bool mixc::runtime::evaluateGrid(const Manifest &manifest, const Shapes &shapes,
                                 std::array<uint32_t, 3> &grid,
                                 std::string &error) {
  static const char *const kAxis[3] = {"x", "y", "z"};
  const int64_t kLimit[3] = {std::numeric_limits<int32_t>::max(), 65535, 65535};
  for (size_t d = 0; d < 3; ++d) {
    int64_t product = 1;
    for (const GridFactor &f : manifest.grid[d]) {
      const int64_t value = factorValue(f, shapes);
      // Checked before multiplying, so the product never overflows.
      if (value != 0 && product > kLimit[d] / value) {
        error = std::string("grid ") + kAxis[d] + " exceeds " +
                std::to_string(kLimit[d]) + " blocks";
        return false;
      }
      product *= value;
    }
    if (product == 0) {
      error = std::string("grid ") + kAxis[d] +
              " is 0 blocks (an argument dimension it depends on is 0)";
      return false;
    }
    grid[d] = static_cast<uint32_t>(product);
  }
  return true;
}

void mixc::runtime::buildKernelParams(const Manifest &manifest,
                                      const void *const *devicePtrs,
                                      const Shapes &shapes, KernelParams &out,
                                      void *workspace, int64_t workspaceBytes) {
  size_t count = 0;
  for (const KernelArg &arg : manifest.args)
    count += memrefParamCount(arg.shape.size());
  if (manifest.workspace.bytes > 0)
    count += memrefParamCount(1);
  out.words.clear();
  out.words.reserve(count);
  for (size_t i = 0; i < manifest.args.size(); ++i) {
    const uint64_t ptr =
        static_cast<uint64_t>(reinterpret_cast<uintptr_t>(devicePtrs[i]));
    out.words.push_back(ptr); // allocated
    out.words.push_back(ptr); // aligned
    out.words.push_back(0);   // offset
    const std::vector<int64_t> &shape = shapes[i];
    for (int64_t size : shape)
      out.words.push_back(static_cast<uint64_t>(size));
    std::vector<int64_t> strides(shape.size());
    int64_t stride = 1;
    for (size_t d = shape.size(); d-- > 0;) {
      strides[d] = stride;
      stride *= shape[d];
    }
    for (int64_t s : strides)
      out.words.push_back(static_cast<uint64_t>(s));
  }
  if (manifest.workspace.bytes > 0) {
    const uint64_t ptr =
        static_cast<uint64_t>(reinterpret_cast<uintptr_t>(workspace));
    out.words.insert(out.words.end(),
                     {ptr, ptr, 0, static_cast<uint64_t>(workspaceBytes), 1});
  }
  out.maps.assign(manifest.tensorMaps.size(), KernelParams::TensorMapBlob{});
  out.pointers.resize(out.words.size() + out.maps.size());
  for (size_t k = 0; k < out.words.size(); ++k)
    out.pointers[k] = &out.words[k];
  for (size_t k = 0; k < out.maps.size(); ++k)
    out.pointers[out.words.size() + k] = &out.maps[k];
}

bool mixc::runtime::describeTensorMap(const Manifest &manifest, size_t index,
                                      const void *address, const Shapes &shapes,
                                      TensorMapRequest &out,
                                      std::string &error) {
  const TensorMap &map = manifest.tensorMaps[index];
  const KernelArg &arg = manifest.args[map.arg];
  const std::vector<int64_t> &shape = shapes[map.arg];
  std::string what =
      "tensor map " + std::to_string(index) + " of argument '" + arg.name + "'";
  // The view's dimensions, innermost first: the last rank - 1 of the
  // argument, then the product of the others.
  const size_t rank = map.box.size();
  std::array<uint64_t, 3> dims = {1, 1, 1};
  for (size_t d = 0; d < shape.size(); ++d) {
    size_t fromEnd = shape.size() - 1 - d;
    dims[std::min(fromEnd, rank - 1)] *= uint64_t(shape[d]);
  }
  for (size_t d = 0; d < rank; ++d) {
    if (dims[d] == 0) {
      error = what + ": the tensor is empty";
      return false;
    }
    if (dims[d] > (uint64_t(1) << 32)) {
      error = what + ": dimension " + std::to_string(rank - 1 - d) +
              " of its view has " + std::to_string(dims[d]) +
              " elements, more than 2^32";
      return false;
    }
  }
  uint64_t pitch = dims[0] * dtypeSize(arg.dtype);
  if (pitch % 16) {
    error = what + ": rows of " + std::to_string(pitch) +
            " bytes; TMA needs a multiple of 16";
    return false;
  }
  if (reinterpret_cast<uintptr_t>(address) % 16) {
    error = what + ": the device pointer is not 16-byte aligned";
    return false;
  }
  out.dataType = arg.dtype == DType::F16   ? tensor_map::kFloat16
                 : arg.dtype == DType::F32 ? tensor_map::kFloat32
                                           : tensor_map::kBFloat16;
  out.address = address;
  out.rank = unsigned(rank);
  out.dims = dims;
  out.strides = {pitch, pitch * dims[1]};
  out.box = {1, 1, 1};
  for (size_t d = 0; d < rank; ++d)
    out.box[d] = uint32_t(map.box[rank - 1 - d]);
  out.swizzle = map.swizzle == 0    ? tensor_map::kSwizzleNone
                : map.swizzle == 32 ? tensor_map::kSwizzle32B
                : map.swizzle == 64 ? tensor_map::kSwizzle64B
                                    : tensor_map::kSwizzle128B;
  return true;
}

//===----------------------------------------------------------------------===//
// Host element conversions
//===----------------------------------------------------------------------===//

namespace {

uint32_t bitsOf(float value) {
  uint32_t bits;
  std::memcpy(&bits, &value, sizeof(bits));
  return bits;
}

float floatOf(uint32_t bits) {
  float value;
  std::memcpy(&value, &bits, sizeof(value));
  return value;
}

/// Shifts `mantissa` right by `shift` (>= 1) rounding to nearest, ties to
/// even. A carry out of the kept bits is left in the result, which is what
/// makes rounding up into the next binade (or to infinity) work.
uint32_t shiftRoundEven(uint32_t mantissa, int shift) {
  if (shift >= 32)
    return 0;
  const uint32_t kept = mantissa >> shift;
  const uint32_t rest = mantissa & ((1u << shift) - 1);
  const uint32_t half = 1u << (shift - 1);
  return kept + ((rest > half || (rest == half && (kept & 1))) ? 1 : 0);
}

} // namespace

uint16_t mixc::runtime::floatToBF16(float value) {
  const uint32_t bits = bitsOf(value);
  if ((bits & 0x7fffffffu) > 0x7f800000u)
    return static_cast<uint16_t>((bits >> 16) | 0x0040u); // quiet NaN
  return static_cast<uint16_t>(shiftRoundEven(bits, 16));
}

uint16_t mixc::runtime::floatToF16(float value) {
  const uint32_t bits = bitsOf(value);
  const uint32_t sign = (bits >> 16) & 0x8000u;
  const uint32_t magnitude = bits & 0x7fffffffu;
  if (magnitude > 0x7f800000u)
    return static_cast<uint16_t>(sign | 0x7e00u);
  const int exponent = static_cast<int>(magnitude >> 23) - 127;
  if (exponent >= 16) // |value| >= 2^16, infinity included
    return static_cast<uint16_t>(sign | 0x7c00u);
  const uint32_t mantissa = magnitude & 0x7fffffu;
  if (exponent >= -14) {
    // Normal: rebias the exponent and round away 13 mantissa bits; a carry
    // can reach the exponent field (65520 and up round to infinity).
    const uint32_t unrounded =
        (static_cast<uint32_t>(exponent + 15) << 23) | mantissa;
    return static_cast<uint16_t>(sign | shiftRoundEven(unrounded, 13));
  }
  if (exponent < -25) // below half the smallest subnormal 2^-24
    return static_cast<uint16_t>(sign);
  // Subnormal: units of 2^-24, value = (1.m) 2^e = (2^23 + m) 2^(e - 23).
  return static_cast<uint16_t>(
      sign | shiftRoundEven(mantissa | 0x800000u, -1 - exponent));
}

uint8_t mixc::runtime::floatToF8E4M3(float value) {
  const uint32_t bits = bitsOf(value);
  const uint32_t sign = (bits >> 24) & 0x80u;
  const uint32_t magnitude = bits & 0x7fffffffu;
  if (magnitude > 0x7f800000u)
    return static_cast<uint8_t>(sign | 0x7fu);
  if (floatOf(magnitude) >= 448.0f) // saturate: E4M3FN has no infinity
    return static_cast<uint8_t>(sign | 0x7eu);
  const int exponent = static_cast<int>(magnitude >> 23) - 127;
  const uint32_t mantissa = magnitude & 0x7fffffu;
  if (exponent >= -6) {
    const uint32_t unrounded =
        (static_cast<uint32_t>(exponent + 7) << 23) | mantissa;
    const uint32_t rounded = shiftRoundEven(unrounded, 20);
    return static_cast<uint8_t>(sign | std::min<uint32_t>(rounded, 0x7eu));
  }
  if (exponent < -10) // below half the smallest subnormal 2^-9
    return static_cast<uint8_t>(sign);
  // Subnormal: units of 2^-9.
  return static_cast<uint8_t>(
      sign | shiftRoundEven(mantissa | 0x800000u, 14 - exponent));
}

float mixc::runtime::bf16ToFloat(uint16_t bits) {
  return floatOf(static_cast<uint32_t>(bits) << 16);
}

float mixc::runtime::f16ToFloat(uint16_t bits) {
  const uint32_t sign = (bits & 0x8000u) << 16;
  const uint32_t exponent = (bits >> 10) & 0x1fu;
  const uint32_t mantissa = bits & 0x3ffu;
  if (exponent == 0x1f)
    return floatOf(sign | 0x7f800000u | (mantissa << 13));
  if (exponent == 0) {
    const float magnitude = std::ldexp(static_cast<float>(mantissa), -24);
    return sign ? -magnitude : magnitude;
  }
  return floatOf(sign | ((exponent + 112) << 23) | (mantissa << 13));
}

float mixc::runtime::f8E4M3ToFloat(uint8_t bits) {
  const bool negative = bits & 0x80u;
  const uint32_t exponent = (bits >> 3) & 0xfu;
  const uint32_t mantissa = bits & 0x7u;
  float magnitude;
  if (exponent == 0xf && mantissa == 0x7)
    magnitude = std::numeric_limits<float>::quiet_NaN();
  else if (exponent == 0)
    magnitude = std::ldexp(static_cast<float>(mantissa), -9);
  else
    magnitude = std::ldexp(1.0f + static_cast<float>(mantissa) / 8.0f,
                           static_cast<int>(exponent) - 7);
  return negative ? -magnitude : magnitude;
}

namespace {
template <typename Int> Int roundToInt(float value) {
  if (std::isnan(value))
    return 0;
  const double rounded = std::nearbyint(static_cast<double>(value));
  const double lo = static_cast<double>(std::numeric_limits<Int>::min());
  const double hi = static_cast<double>(std::numeric_limits<Int>::max());
  if (rounded <= lo)
    return std::numeric_limits<Int>::min();
  if (rounded >= hi)
    return std::numeric_limits<Int>::max();
  return static_cast<Int>(rounded);
}
} // namespace

float mixc::runtime::roundToDType(DType dtype, float value) {
  switch (dtype) {
  case DType::BF16:
    return bf16ToFloat(floatToBF16(value));
  case DType::F16:
    return f16ToFloat(floatToF16(value));
  case DType::F32:
    return value;
  case DType::F8E4M3:
    return f8E4M3ToFloat(floatToF8E4M3(value));
  case DType::I32:
    return static_cast<float>(roundToInt<int32_t>(value));
  case DType::I64:
    return static_cast<float>(roundToInt<int64_t>(value));
  case DType::I8:
    return static_cast<float>(roundToInt<int8_t>(value));
  }
  return value;
}

void mixc::runtime::encodeElements(DType dtype, const float *src, size_t count,
                                   void *dst) {
  auto store = [&](auto converted, size_t i) {
    std::memcpy(static_cast<char *>(dst) + i * sizeof(converted), &converted,
                sizeof(converted));
  };
  for (size_t i = 0; i < count; ++i) {
    switch (dtype) {
    case DType::BF16:
      store(floatToBF16(src[i]), i);
      break;
    case DType::F16:
      store(floatToF16(src[i]), i);
      break;
    case DType::F32:
      store(src[i], i);
      break;
    case DType::F8E4M3:
      store(floatToF8E4M3(src[i]), i);
      break;
    case DType::I32:
      store(roundToInt<int32_t>(src[i]), i);
      break;
    case DType::I64:
      store(roundToInt<int64_t>(src[i]), i);
      break;
    case DType::I8:
      store(roundToInt<int8_t>(src[i]), i);
      break;
    }
  }
}

double mixc::runtime::decodeElement(DType dtype, const void *src,
                                    size_t index) {
  auto load = [&](auto value) {
    std::memcpy(&value, static_cast<const char *>(src) + index * sizeof(value),
                sizeof(value));
    return value;
  };
  switch (dtype) {
  case DType::BF16:
    return bf16ToFloat(load(uint16_t()));
  case DType::F16:
    return f16ToFloat(load(uint16_t()));
  case DType::F32:
    return load(float());
  case DType::F8E4M3:
    return f8E4M3ToFloat(load(uint8_t()));
  case DType::I32:
    return load(int32_t());
  case DType::I64:
    return static_cast<double>(load(int64_t()));
  case DType::I8:
    return load(int8_t());
  }
  return 0.0;
}
