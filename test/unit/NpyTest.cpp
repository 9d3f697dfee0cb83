//===- NpyTest.cpp - The .npy reader and writer ---------------------------===//
//
// Checks mixc's NumPy .npy support used by mixc-run: round trips of every
// dtype and of scalar, vector, 3-d and zero-sized shapes; the exact header
// bytes numpy.save writes; f16/bf16 rounding; big-endian, Fortran-order and
// version 2.0/3.0 input; and that malformed, truncated or mutated files are
// rejected with a message rather than a crash.
//
//===----------------------------------------------------------------------===//

#include "mixc/Support/Npy.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <cstring>
#include <limits>
#include <string>
#include <vector>

using namespace mixc::npy;

namespace {

const DType kAllDTypes[] = {DType::F32, DType::F64, DType::F16, DType::BF16,
                            DType::I8,  DType::I32, DType::I64, DType::U8,
                            DType::U16, DType::Bool};

std::vector<uint8_t> toBytes(const std::string &s) {
  return std::vector<uint8_t>(s.begin(), s.end());
}

/// A .npy image with `header` stored verbatim (no padding added) under
/// format version `major`.0, followed by `data`.
std::vector<uint8_t> makeImage(const std::string &header,
                               const std::vector<uint8_t> &data = {},
                               int major = 1) {
  std::vector<uint8_t> out = {0x93, 'N', 'U', 'M', 'P', 'Y', uint8_t(major), 0};
  const size_t n = header.size();
  out.push_back(uint8_t(n));
  out.push_back(uint8_t(n >> 8));
  if (major != 1) {
    out.push_back(uint8_t(n >> 16));
    out.push_back(uint8_t(n >> 24));
  }
  out.insert(out.end(), header.begin(), header.end());
  out.insert(out.end(), data.begin(), data.end());
  return out;
}

std::string dict(const std::string &descr, const std::string &shape,
                 bool fortran = false) {
  return "{'descr': '" + descr +
         "', 'fortran_order': " + (fortran ? "True" : "False") +
         ", 'shape': " + shape + ", }\n";
}

Array parseOk(const std::vector<uint8_t> &image) {
  Array array;
  std::string error;
  EXPECT_TRUE(parseNpy(image.data(), image.size(), array, error)) << error;
  return array;
}

/// Parses `image`, expects failure and returns the message.
std::string parseFails(const std::vector<uint8_t> &image) {
  Array array;
  std::string error;
  EXPECT_FALSE(parseNpy(image.data(), image.size(), array, error));
  EXPECT_FALSE(error.empty());
  return error;
}

std::string tempPath(const std::string &name) {
  return ::testing::TempDir() + "mixc_npy_test_" + name + ".npy";
}

/// Deterministic test values that every dtype represents exactly.
double sampleValue(DType dtype, int64_t i) {
  switch (dtype) {
  case DType::Bool:
    return double(i % 2);
  case DType::U8:
  case DType::U16:
    return double(i % 11);
  default:
    return double(i % 9) - 4.0 +
           (dtype == DType::F32 || dtype == DType::F64 || dtype == DType::F16 ||
                    dtype == DType::BF16
                ? 0.5
                : 0.0);
  }
}

bool isNanF16(uint16_t bits) {
  return (bits & 0x7c00) == 0x7c00 && (bits & 0x03ff) != 0;
}
bool isNanBF16(uint16_t bits) {
  return (bits & 0x7f80) == 0x7f80 && (bits & 0x007f) != 0;
}

} // namespace

//===----------------------------------------------------------------------===//
// DTypes and shapes.
//===----------------------------------------------------------------------===//

TEST(Npy, DTypeNamesSizesAndDescrs) {
  for (DType dtype : kAllDTypes) {
    DType parsed = DType::F32;
    ASSERT_TRUE(parseDTypeName(dtypeName(dtype), parsed)) << dtypeName(dtype);
    EXPECT_EQ(parsed, dtype);
  }
  DType parsed = DType::F32;
  EXPECT_FALSE(parseDTypeName("float32", parsed));
  EXPECT_STREQ(dtypeName(DType::BF16), "bf16");
  EXPECT_STREQ(dtypeDescr(DType::BF16), "<u2");
  EXPECT_STREQ(dtypeDescr(DType::Bool), "|b1");
  EXPECT_EQ(dtypeSize(DType::F64), 8u);
  EXPECT_EQ(dtypeSize(DType::BF16), 2u);
  EXPECT_EQ(dtypeSize(DType::Bool), 1u);
  EXPECT_EQ(dtypeSize(DType::I32), 4u);
}

TEST(Npy, NumElementsAndFormatShape) {
  Array a;
  EXPECT_EQ(a.numElements(), 1); // scalar
  a.shape = {2, 3, 4};
  EXPECT_EQ(a.numElements(), 24);
  a.shape = {0, 5};
  EXPECT_EQ(a.numElements(), 0);
  a.shape = {int64_t(1) << 40, int64_t(1) << 40};
  EXPECT_EQ(a.numElements(), -1); // overflow
  a.shape = {3, -1};
  EXPECT_EQ(a.numElements(), -1);
  EXPECT_EQ(formatShape({}), "()");
  EXPECT_EQ(formatShape({5}), "(5,)");
  EXPECT_EQ(formatShape({2, 3}), "(2, 3)");
}

//===----------------------------------------------------------------------===//
// Round trips.
//===----------------------------------------------------------------------===//

TEST(Npy, RoundTripEveryDTypeAndShapeInMemory) {
  const std::vector<std::vector<int64_t>> shapes = {{}, {7}, {2, 3, 4}, {0, 5}};
  for (DType dtype : kAllDTypes) {
    for (const std::vector<int64_t> &shape : shapes) {
      SCOPED_TRACE(std::string(dtypeName(dtype)) + " " + formatShape(shape));
      Array tmp;
      tmp.shape = shape;
      std::vector<double> values;
      for (int64_t i = 0; i < tmp.numElements(); ++i)
        values.push_back(sampleValue(dtype, i));
      Array array = fromDoubles(dtype, shape, values);
      std::string error;
      ASSERT_TRUE(validateArray(array, error)) << error;
      for (int64_t i = 0; i < array.numElements(); ++i)
        EXPECT_EQ(elementAsDouble(array, i), values[size_t(i)]) << i;

      std::vector<uint8_t> image = serializeNpy(array);
      // The data starts on a 64-byte boundary.
      EXPECT_EQ((image.size() - array.bytes.size()) % 64, 0u);
      Array back = parseOk(image);
      // bf16 has no NumPy dtype: it comes back as its '<u2' bits.
      EXPECT_EQ(back.dtype, dtype == DType::BF16 ? DType::U16 : dtype);
      EXPECT_EQ(back.shape, shape);
      EXPECT_EQ(back.bytes, array.bytes);
    }
  }
}

TEST(Npy, RoundTripThroughFiles) {
  for (DType dtype : kAllDTypes) {
    SCOPED_TRACE(dtypeName(dtype));
    std::vector<double> values;
    for (int i = 0; i < 24; ++i)
      values.push_back(sampleValue(dtype, i));
    Array array = fromDoubles(dtype, {2, 3, 4}, values);
    std::string path = tempPath(std::string("roundtrip_") + dtypeName(dtype));
    std::string error;
    ASSERT_TRUE(writeNpy(path, array, error)) << error;
    Array back;
    ASSERT_TRUE(readNpy(path, back, error)) << error;
    if (dtype == DType::BF16)
      back.dtype = DType::BF16; // the caller says what '<u2' means
    EXPECT_EQ(back.dtype, dtype);
    EXPECT_EQ(back.shape, array.shape);
    EXPECT_EQ(back.bytes, array.bytes);
    for (int i = 0; i < 24; ++i)
      EXPECT_EQ(elementAsDouble(back, i), values[size_t(i)]);
    std::remove(path.c_str());
  }
}

//===----------------------------------------------------------------------===//
// The header numpy writes.
//===----------------------------------------------------------------------===//

TEST(Npy, HeaderBytesMatchNumpySave) {
  // numpy.save(f, numpy.array([1, 2, 3], dtype=numpy.float32)).
  Array array = fromDoubles(DType::F32, {3}, {1.0, 2.0, 3.0});
  std::vector<uint8_t> image = serializeNpy(array);

  const std::string dictText =
      "{'descr': '<f4', 'fortran_order': False, 'shape': (3,), }";
  // Magic (6) + version (2) + length (2) + header + '\n' is padded with
  // spaces to 128, a multiple of 64.
  std::string expected = std::string("\x93NUMPY\x01\x00", 8);
  expected += char(118);
  expected += '\0';
  expected += dictText;
  expected += std::string(128 - 10 - 1 - dictText.size(), ' ');
  expected += '\n';
  expected +=
      std::string("\x00\x00\x80\x3f\x00\x00\x00\x40\x00\x00\x40\x40", 12);
  ASSERT_EQ(image.size(), 128u + 12u);
  EXPECT_EQ(std::string(image.begin(), image.end()), expected);

  // A scalar f64 and a 2-d i32: same layout rules.
  const std::string scalarDict =
      "{'descr': '<f8', 'fortran_order': False, 'shape': (), }";
  std::vector<uint8_t> scalar = serializeNpy(fromDoubles(DType::F64, {}, {1}));
  ASSERT_EQ(scalar.size(), 128u + 8u);
  EXPECT_EQ(std::string(scalar.begin() + 10, scalar.begin() + 128),
            scalarDict + std::string(128 - 11 - scalarDict.size(), ' ') + "\n");
  const std::string matrixDict =
      "{'descr': '<i4', 'fortran_order': False, 'shape': (2, 3), }";
  std::vector<uint8_t> matrix =
      serializeNpy(fromDoubles(DType::I32, {2, 3}, {}));
  ASSERT_EQ(matrix.size(), 128u + 24u);
  EXPECT_EQ(std::string(matrix.begin() + 10, matrix.begin() + 128),
            matrixDict + std::string(128 - 11 - matrixDict.size(), ' ') + "\n");
}

TEST(Npy, Bf16IsWrittenAsU2) {
  std::vector<uint8_t> image =
      serializeNpy(fromDoubles(DType::BF16, {2}, {1.0, -2.5}));
  std::string text(image.begin(), image.end());
  EXPECT_NE(text.find("'descr': '<u2'"), std::string::npos);
  // 1.0 = 0x3f80 and -2.5 = 0xc020, little-endian.
  const uint8_t data[4] = {0x80, 0x3f, 0x20, 0xc0};
  EXPECT_EQ(std::memcmp(image.data() + image.size() - 4, data, 4), 0);
}

//===----------------------------------------------------------------------===//
// f16 and bf16.
//===----------------------------------------------------------------------===//

TEST(Npy, F16KnownValues) {
  EXPECT_EQ(encodeF16(1.0), 0x3c00);
  EXPECT_EQ(encodeF16(-2.5), 0xc100);
  EXPECT_EQ(encodeF16(0.0), 0x0000);
  EXPECT_EQ(encodeF16(-0.0), 0x8000);
  EXPECT_EQ(encodeF16(65504.0), 0x7bff); // largest finite
  EXPECT_EQ(encodeF16(65519.0), 0x7bff); // below the halfway point
  EXPECT_EQ(encodeF16(65520.0), 0x7c00); // halfway: ties to even = inf
  EXPECT_EQ(encodeF16(1e10), 0x7c00);
  EXPECT_EQ(encodeF16(std::numeric_limits<double>::infinity()), 0x7c00);
  EXPECT_EQ(encodeF16(-std::numeric_limits<double>::infinity()), 0xfc00);
  EXPECT_TRUE(isNanF16(encodeF16(std::numeric_limits<double>::quiet_NaN())));
  // pi rounds down to 3.140625.
  EXPECT_EQ(encodeF16(3.14159), 0x4248);
  EXPECT_EQ(decodeF16(0x4248), 3.140625);

  // Subnormals: the smallest is 2^-24 (about 5.96e-8).
  EXPECT_EQ(encodeF16(std::ldexp(1.0, -24)), 0x0001);
  EXPECT_EQ(encodeF16(1e-7), 0x0002);            // 1.68 ulps -> 2
  EXPECT_EQ(encodeF16(1e-8), 0x0000);            // 0.17 ulp -> 0
  EXPECT_EQ(encodeF16(-1e-8), 0x8000);           // keeps its sign
  EXPECT_EQ(encodeF16(std::ldexp(1.0, -25)), 0); // exactly half: even = 0
  EXPECT_EQ(encodeF16(std::ldexp(3.0, -25)), 2); // 1.5 ulps: even = 2
  EXPECT_EQ(encodeF16(std::ldexp(1.0, -25) * 1.0000001), 1);
  EXPECT_EQ(encodeF16(std::ldexp(1023.0, -24)), 0x03ff); // largest subnormal
  EXPECT_EQ(encodeF16(std::ldexp(1.0, -14)), 0x0400);    // smallest normal
  EXPECT_EQ(decodeF16(0x0001), std::ldexp(1.0, -24));
  EXPECT_EQ(decodeF16(0x03ff), std::ldexp(1023.0, -24));
  EXPECT_NEAR(decodeF16(encodeF16(1e-7)), 1.1920928955078125e-07, 0);

  // Ties to even in the normal range, and no double rounding through float:
  // 1 + 2^-11 + 2^-40 is just above halfway, so it rounds up (a float
  // intermediate would make it an exact tie and round down).
  EXPECT_EQ(encodeF16(1.0 + std::ldexp(1.0, -11)), 0x3c00);
  EXPECT_EQ(encodeF16(1.0 + std::ldexp(3.0, -11)), 0x3c02);
  EXPECT_EQ(encodeF16(1.0 + std::ldexp(1.0, -11) + std::ldexp(1.0, -40)),
            0x3c01);

  EXPECT_EQ(decodeF16(0x3c00), 1.0);
  EXPECT_EQ(decodeF16(0xc100), -2.5);
  EXPECT_EQ(decodeF16(0x7bff), 65504.0);
  EXPECT_EQ(decodeF16(0x7c00), std::numeric_limits<double>::infinity());
  EXPECT_EQ(decodeF16(0xfc00), -std::numeric_limits<double>::infinity());
  EXPECT_TRUE(std::isnan(decodeF16(0x7e00)));
  EXPECT_TRUE(std::signbit(decodeF16(0x8000)));
}

TEST(Npy, BF16KnownValues) {
  EXPECT_EQ(encodeBF16(1.0), 0x3f80);
  EXPECT_EQ(encodeBF16(-2.5), 0xc020);
  EXPECT_EQ(encodeBF16(65504.0), 0x4780); // rounds up to 65536
  EXPECT_EQ(encodeBF16(3.14159), 0x4049); // 3.140625
  EXPECT_EQ(encodeBF16(std::numeric_limits<double>::infinity()), 0x7f80);
  EXPECT_EQ(encodeBF16(-std::numeric_limits<double>::infinity()), 0xff80);
  EXPECT_TRUE(isNanBF16(encodeBF16(std::numeric_limits<double>::quiet_NaN())));
  EXPECT_EQ(encodeBF16(1e39), 0x7f80);   // beyond the largest finite
  EXPECT_EQ(encodeBF16(3.0e38), 0x7f62); // finite
  EXPECT_EQ(encodeBF16(1e-8), 0x322c);   // normal in bf16
  EXPECT_EQ(encodeBF16(1e-40), 0x0001);  // bf16 subnormal (float's)
  EXPECT_EQ(encodeBF16(1.0 + std::ldexp(1.0, -8)), 0x3f80); // tie -> even
  EXPECT_EQ(encodeBF16(1.0 + std::ldexp(3.0, -8)), 0x3f82); // tie -> even
  EXPECT_EQ(decodeBF16(0x3f80), 1.0);
  EXPECT_EQ(decodeBF16(0xc020), -2.5);
  EXPECT_EQ(decodeBF16(0x4049), 3.140625);
  EXPECT_EQ(decodeBF16(0x7f80), std::numeric_limits<double>::infinity());
  EXPECT_TRUE(std::isnan(decodeBF16(0x7fc0)));
  EXPECT_EQ(decodeBF16(0x0001), std::ldexp(1.0, -133));
}

TEST(Npy, EveryF16AndBF16BitPatternRoundTrips) {
  for (uint32_t bits = 0; bits <= 0xffff; ++bits) {
    const uint16_t b = uint16_t(bits);
    if (isNanF16(b))
      EXPECT_TRUE(isNanF16(encodeF16(decodeF16(b)))) << bits;
    else
      EXPECT_EQ(encodeF16(decodeF16(b)), b) << bits;
    if (isNanBF16(b))
      EXPECT_TRUE(isNanBF16(encodeBF16(decodeBF16(b)))) << bits;
    else
      EXPECT_EQ(encodeBF16(decodeBF16(b)), b) << bits;
    // bf16 is the top half of a float: decoding must agree with that.
    if (!isNanBF16(b)) {
      uint32_t f32 = bits << 16;
      float f;
      std::memcpy(&f, &f32, sizeof f);
      EXPECT_EQ(decodeBF16(b), double(f)) << bits;
    }
  }
}

TEST(Npy, FromDoublesConvertsAndSaturates) {
  Array i8 = fromDoubles(DType::I8, {6}, {300, -300, 2.9, -2.9, NAN, 7});
  EXPECT_EQ(elementAsDouble(i8, 0), 127);
  EXPECT_EQ(elementAsDouble(i8, 1), -128);
  EXPECT_EQ(elementAsDouble(i8, 2), 2);
  EXPECT_EQ(elementAsDouble(i8, 3), -2);
  EXPECT_EQ(elementAsDouble(i8, 4), 0);
  EXPECT_EQ(elementAsDouble(i8, 5), 7);
  Array u8 = fromDoubles(DType::U8, {2}, {-5, 1000});
  EXPECT_EQ(elementAsDouble(u8, 0), 0);
  EXPECT_EQ(elementAsDouble(u8, 1), 255);
  Array i64 = fromDoubles(DType::I64, {3}, {1e30, -1e30, -123456789012.0});
  EXPECT_EQ(elementAsDouble(i64, 0), 9223372036854775807.0);
  EXPECT_EQ(elementAsDouble(i64, 1), -9223372036854775808.0);
  EXPECT_EQ(elementAsDouble(i64, 2), -123456789012.0);
  Array b = fromDoubles(DType::Bool, {3}, {0, -0.5, NAN});
  EXPECT_EQ(b.bytes, (std::vector<uint8_t>{0, 1, 1}));
  Array f32 = fromDoubles(DType::F32, {3}, {0.1, 1e39, -1e-50});
  EXPECT_EQ(elementAsDouble(f32, 0), double(0.1f));
  EXPECT_EQ(elementAsDouble(f32, 1), std::numeric_limits<double>::infinity());
  EXPECT_TRUE(std::signbit(elementAsDouble(f32, 2)));
  EXPECT_EQ(elementAsDouble(f32, 2), 0.0);
  // Missing values are zero, extra ones ignored; out of range reads are NaN.
  Array padded = fromDoubles(DType::I32, {3}, {5});
  EXPECT_EQ(padded.bytes.size(), 12u);
  EXPECT_EQ(elementAsDouble(padded, 2), 0);
  EXPECT_TRUE(std::isnan(elementAsDouble(padded, 3)));
  EXPECT_TRUE(std::isnan(elementAsDouble(padded, -1)));
  EXPECT_EQ(fromDoubles(DType::U8, {2}, {1, 2, 3}).bytes.size(), 2u);
  EXPECT_TRUE(fromDoubles(DType::F32, {-1}, {}).bytes.empty());
}

//===----------------------------------------------------------------------===//
// Other writers' files.
//===----------------------------------------------------------------------===//

TEST(Npy, BigEndianInputIsConverted) {
  // numpy.array([1.0, -2.5], dtype='>f4').
  Array f32 = parseOk(makeImage(dict(">f4", "(2,)"),
                                {0x3f, 0x80, 0x00, 0x00, 0xc0, 0x20, 0, 0}));
  EXPECT_EQ(f32.dtype, DType::F32);
  EXPECT_EQ(f32.shape, (std::vector<int64_t>{2}));
  EXPECT_EQ(elementAsDouble(f32, 0), 1.0);
  EXPECT_EQ(elementAsDouble(f32, 1), -2.5);
  EXPECT_EQ(f32.bytes,
            (std::vector<uint8_t>{0, 0, 0x80, 0x3f, 0, 0, 0x20, 0xc0}));
  Array i64 = parseOk(makeImage(
      dict(">i8", "()"), {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xfe}));
  EXPECT_EQ(elementAsDouble(i64, 0), -2.0);
  Array u2 = parseOk(makeImage(dict(">u2", "(1,)"), {0x12, 0x34}));
  EXPECT_EQ(u2.dtype, DType::U16);
  EXPECT_EQ(elementAsDouble(u2, 0), double(0x1234));
  // Byte order does not apply to one-byte types.
  Array i1 = parseOk(makeImage(dict(">i1", "(1,)"), {0xff}));
  EXPECT_EQ(elementAsDouble(i1, 0), -1.0);
}

TEST(Npy, AcceptedDescrSpellings) {
  struct Case {
    const char *descr;
    DType dtype;
  };
  const Case cases[] = {
      {"<f4", DType::F32}, {"=f4", DType::F32}, {"f4", DType::F32},
      {"<f8", DType::F64}, {"<f2", DType::F16}, {"|i1", DType::I8},
      {"<i1", DType::I8},  {"<i4", DType::I32}, {"<i8", DType::I64},
      {"|u1", DType::U8},  {"<u2", DType::U16}, {"|b1", DType::Bool},
      {"?", DType::Bool},
  };
  for (const Case &c : cases) {
    SCOPED_TRACE(c.descr);
    std::vector<uint8_t> data(dtypeSize(c.dtype) * 2, 0);
    Array array = parseOk(makeImage(dict(c.descr, "(2,)"), data));
    EXPECT_EQ(array.dtype, c.dtype);
    EXPECT_EQ(array.bytes, data);
  }
}

TEST(Npy, FortranOrderIsConvertedToC) {
  // [[0, 1, 2], [3, 4, 5]] stored column by column.
  Array m = parseOk(
      makeImage(dict("|i1", "(2, 3)", /*fortran=*/true), {0, 3, 1, 4, 2, 5}));
  EXPECT_EQ(m.shape, (std::vector<int64_t>{2, 3}));
  EXPECT_EQ(m.bytes, (std::vector<uint8_t>{0, 1, 2, 3, 4, 5}));

  // A 3-d i32 array: element (i, j, k) has value 100i + 10j + k.
  const int d0 = 2, d1 = 3, d2 = 4;
  std::vector<double> fortranValues(d0 * d1 * d2), cValues(d0 * d1 * d2);
  for (int i = 0; i < d0; ++i)
    for (int j = 0; j < d1; ++j)
      for (int k = 0; k < d2; ++k) {
        fortranValues[size_t(i + d0 * (j + d1 * k))] = 100 * i + 10 * j + k;
        cValues[size_t((i * d1 + j) * d2 + k)] = 100 * i + 10 * j + k;
      }
  Array f = fromDoubles(DType::I32, {d0 * d1 * d2}, fortranValues);
  Array c = parseOk(makeImage(dict("<i4", "(2, 3, 4)", true), f.bytes));
  EXPECT_EQ(c.bytes, fromDoubles(DType::I32, {2, 3, 4}, cValues).bytes);

  // Rank 0, 1 and empty arrays are the same in both orders.
  EXPECT_EQ(parseOk(makeImage(dict("|u1", "(3,)", true), {7, 8, 9})).bytes,
            (std::vector<uint8_t>{7, 8, 9}));
  EXPECT_TRUE(parseOk(makeImage(dict("<f4", "(0, 3)", true))).bytes.empty());
}

TEST(Npy, Versions2And3) {
  for (int major : {2, 3}) {
    SCOPED_TRACE(major);
    Array a = parseOk(
        makeImage(dict("<i4", "(2,)"), {1, 0, 0, 0, 2, 0, 0, 0}, major));
    EXPECT_EQ(a.dtype, DType::I32);
    EXPECT_EQ(elementAsDouble(a, 1), 2.0);
  }
  std::string error = parseFails(makeImage(dict("<i4", "()"), {}, 4));
  EXPECT_NE(error.find("version 4.0"), std::string::npos) << error;
}

TEST(Npy, TolerantHeaderSyntax) {
  const std::vector<uint8_t> data = {1, 2, 3, 4, 5};
  const std::string headers[] = {
      // Keys in any order, no trailing comma, no newline.
      "{'shape': (5,), 'fortran_order': False, 'descr': '|u1'}",
      // Generous whitespace and double quotes.
      "  {\n \"descr\" :\t\"|u1\" ,'fortran_order':False,'shape':( 5 , ) , } "
      "\n",
      // Python 2 numpy wrote longs.
      "{'descr': '|u1', 'fortran_order': False, 'shape': (5L,), }",
      // A list shape and an unknown extra key.
      "{'descr': '|u1', 'fortran_order': False, 'shape': [5], 'x': None}",
      // NUL padding before the newline.
      std::string("{'descr': '|u1', 'fortran_order': False, 'shape': (5,)}"
                  "\0\0  \n",
                  61),
  };
  for (const std::string &header : headers) {
    SCOPED_TRACE(header);
    Array a = parseOk(makeImage(header, data));
    EXPECT_EQ(a.dtype, DType::U8);
    EXPECT_EQ(a.shape, (std::vector<int64_t>{5}));
    EXPECT_EQ(a.bytes, data);
  }
  // Scalars.
  Array s = parseOk(makeImage(dict("<f8", "()"), std::vector<uint8_t>(8, 0)));
  EXPECT_TRUE(s.shape.empty());
  EXPECT_EQ(s.numElements(), 1);
}

//===----------------------------------------------------------------------===//
// Errors.
//===----------------------------------------------------------------------===//

#define EXPECT_MESSAGE(image, text)                                            \
  do {                                                                         \
    std::string message = parseFails(image);                                   \
    EXPECT_NE(message.find(text), std::string::npos) << message;               \
  } while (0)

TEST(Npy, ErrorBadMagic) {
  std::vector<uint8_t> image = makeImage(dict("<f4", "()"), {0, 0, 0, 0});
  image[5] = 'X';
  EXPECT_MESSAGE(image, "bad magic");
  EXPECT_MESSAGE(toBytes("PK\x03\x04 a zip file"), "bad magic");
  EXPECT_MESSAGE(toBytes("\x93NU"), "truncated"); // a prefix of the magic
  EXPECT_MESSAGE(std::vector<uint8_t>(), "empty");
}

TEST(Npy, ErrorTruncatedHeader) {
  std::vector<uint8_t> image = serializeNpy(fromDoubles(DType::F32, {3}, {}));
  for (size_t size :
       {size_t(7), size_t(9), size_t(10), size_t(60), size_t(127)}) {
    SCOPED_TRACE(size);
    EXPECT_MESSAGE(std::vector<uint8_t>(image.begin(), image.begin() + size),
                   "truncated header");
  }
}

TEST(Npy, ErrorTruncatedData) {
  std::vector<uint8_t> image =
      serializeNpy(fromDoubles(DType::F32, {2, 3}, {}));
  image.resize(image.size() - 4);
  EXPECT_MESSAGE(image, "data is truncated: shape (2, 3) of '<f4' needs 24 "
                        "bytes but the file has 20");
  // A huge shape that does not overflow is just truncated data.
  EXPECT_MESSAGE(makeImage(dict("<f8", "(1099511627776,)"), {1, 2}),
                 "data is truncated");
}

TEST(Npy, ErrorTrailingData) {
  std::vector<uint8_t> image = serializeNpy(fromDoubles(DType::U8, {2}, {}));
  image.push_back(0);
  EXPECT_MESSAGE(image, "1 unexpected bytes after the data");
}

TEST(Npy, ErrorUnsupportedDType) {
  EXPECT_MESSAGE(makeImage(dict("<c8", "(1,)"), std::vector<uint8_t>(8, 0)),
                 "unsupported dtype '<c8' (complex64)");
  EXPECT_MESSAGE(makeImage(dict("<i2", "(1,)"), {0, 0}),
                 "unsupported dtype '<i2' (int16)");
  EXPECT_MESSAGE(makeImage(dict("<U5", "(1,)")), "unicode string");
  EXPECT_MESSAGE(makeImage(dict("|O", "(1,)")), "Python object");
  EXPECT_MESSAGE(makeImage(dict("", "(1,)")), "unsupported dtype ''");
  EXPECT_MESSAGE(makeImage(dict("<f4x", "(1,)")), "unsupported dtype '<f4x'");
  EXPECT_MESSAGE(makeImage(dict("|f4", "(1,)"), {0, 0, 0, 0}),
                 "byte-order mark '|'");
  EXPECT_MESSAGE(
      makeImage("{'descr': [('a', '<f4'), ('b', '<i4')], 'fortran_order': "
                "False, 'shape': (1,), }"),
      "structured");
}

TEST(Npy, ErrorUnterminatedDict) {
  EXPECT_MESSAGE(
      makeImage("{'descr': '<f4', 'fortran_order': False, 'shape': (2,), "),
      "unterminated header dictionary");
  EXPECT_MESSAGE(makeImage("{'descr': '<f4"), "unterminated string");
  EXPECT_MESSAGE(makeImage("{'descr': '<f4', 'shape': (2, 3"),
                 "unterminated tuple");
  EXPECT_MESSAGE(makeImage("{'descr' '<f4'}"), "expected ':'");
  EXPECT_MESSAGE(makeImage("{'descr': '<f4' 'shape': ()}"), "expected ','");
  EXPECT_MESSAGE(makeImage("{'descr': '<f4'} junk"), "after the header");
  EXPECT_MESSAGE(makeImage(""), "header is empty");
  EXPECT_MESSAGE(makeImage("'descr'"), "not a dictionary");
  EXPECT_MESSAGE(makeImage("{'descr': <f4}"), "unexpected '<'");
  EXPECT_MESSAGE(makeImage("{'descr': float32}"), "unexpected name");
  EXPECT_MESSAGE(makeImage("{1: 2}"), "key is an integer");
}

TEST(Npy, ErrorBadShape) {
  EXPECT_MESSAGE(makeImage(dict("<f4", "(-1, 3)")), "negative dimension -1");
  EXPECT_MESSAGE(makeImage(dict("<f4", "(1099511627776, 1099511627776, 4)")),
                 "too many elements");
  EXPECT_MESSAGE(makeImage(dict("<f8", "(4611686018427387904,)")),
                 "too many elements"); // fits int64, not in bytes
  EXPECT_MESSAGE(makeImage(dict("<f4", "(99999999999999999999,)")),
                 "too large");
  EXPECT_MESSAGE(makeImage(dict("<f4", "(2.5,)")), "found '.'");
  EXPECT_MESSAGE(makeImage(dict("<f4", "(True,)")), "shape contains a bool");
  EXPECT_MESSAGE(makeImage(dict("<f4", "5")), "shape is an integer");
  std::string deep = "(";
  for (int i = 0; i < 65; ++i)
    deep += "1, ";
  EXPECT_MESSAGE(makeImage(dict("<f4", deep + ")")), "65 dimensions");
  EXPECT_MESSAGE(makeImage(dict("<f4", std::string(10000, '(') + "1")),
                 "nested too deeply");
}

TEST(Npy, ErrorBadKeys) {
  EXPECT_MESSAGE(makeImage("{'descr': '<f4', 'shape': ()}"),
                 "missing key 'fortran_order'");
  EXPECT_MESSAGE(
      makeImage("{'descr': '<f4', 'fortran_order': False, 'shape': (), "
                "'descr': '<f8'}"),
      "'descr' appears twice");
  EXPECT_MESSAGE(makeImage(dict("<f4", "()").replace(34, 5, "0")),
                 "fortran_order is an integer");
}

TEST(Npy, ErrorMissingAndUnreadableFiles) {
  const std::string missing = tempPath("does_not_exist");
  Array array;
  std::string error;
  EXPECT_FALSE(readNpy(missing, array, error));
  EXPECT_EQ(error.rfind(missing + ": cannot open", 0), 0u) << error;

  // A directory opens but cannot be read.
  error.clear();
  EXPECT_FALSE(readNpy(::testing::TempDir(), array, error));
  EXPECT_FALSE(error.empty());

  // File errors name the file.
  const std::string bad = tempPath("bad_magic");
  std::FILE *f = std::fopen(bad.c_str(), "wb");
  ASSERT_NE(f, nullptr);
  std::fputs("not numpy", f);
  std::fclose(f);
  EXPECT_FALSE(readNpy(bad, array, error));
  EXPECT_EQ(error, bad + ": bad magic string (not a .npy file)");
  std::remove(bad.c_str());
}

TEST(Npy, WriteErrors) {
  std::string error;
  Array inconsistent = fromDoubles(DType::F32, {4}, {});
  inconsistent.bytes.pop_back();
  const std::string path = tempPath("inconsistent");
  EXPECT_FALSE(writeNpy(path, inconsistent, error));
  EXPECT_NE(error.find("needs 16 bytes but holds 15"), std::string::npos)
      << error;
  EXPECT_EQ(std::fopen(path.c_str(), "rb"), nullptr); // nothing written

  Array negative;
  negative.shape = {-2};
  EXPECT_FALSE(validateArray(negative, error));
  EXPECT_NE(error.find("negative"), std::string::npos) << error;
  Array tooDeep = fromDoubles(DType::U8, std::vector<int64_t>(65, 1), {});
  EXPECT_FALSE(validateArray(tooDeep, error));

  const std::string noDir = ::testing::TempDir() + "no/such/dir/x.npy";
  EXPECT_FALSE(writeNpy(noDir, fromDoubles(DType::U8, {1}, {1}), error));
  EXPECT_EQ(error.rfind(noDir + ": cannot open for writing", 0), 0u) << error;
}

//===----------------------------------------------------------------------===//
// Robustness against arbitrary input.
//===----------------------------------------------------------------------===//

TEST(Npy, EveryTruncationFails) {
  std::vector<uint8_t> image =
      serializeNpy(fromDoubles(DType::F64, {2, 3}, {1, 2, 3, 4, 5, 6}));
  for (size_t size = 0; size < image.size(); ++size) {
    // A copy of exactly `size` bytes, so that a sanitizer catches overreads.
    std::vector<uint8_t> prefix(image.begin(), image.begin() + size);
    Array array;
    std::string error;
    EXPECT_FALSE(parseNpy(prefix.data(), prefix.size(), array, error)) << size;
    EXPECT_FALSE(error.empty()) << size;
  }
}

TEST(Npy, MutatedInputNeverCrashes) {
  const std::vector<uint8_t> seeds[] = {
      serializeNpy(fromDoubles(DType::F32, {2, 3}, {1, 2, 3, 4, 5, 6})),
      makeImage(dict(">i4", "(2, 1)", true), {0, 0, 0, 1, 0, 0, 0, 2}),
      makeImage(dict("|b1", "()"), {1}, 2),
  };
  uint64_t state = 0x9e3779b97f4a7c15ull;
  auto next = [&state]() {
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    return state;
  };
  const char interesting[] = "{}()[],:'\"-0123456789 \nLTrueFalse<>|=";
  int parsed = 0;
  for (int iteration = 0; iteration < 30000; ++iteration) {
    std::vector<uint8_t> image = seeds[next() % 3];
    const int edits = 1 + int(next() % 4);
    for (int e = 0; e < edits; ++e) {
      const size_t at = size_t(next() % image.size());
      switch (next() % 4) {
      case 0:
        image[at] = uint8_t(next());
        break;
      case 1:
        image[at] = uint8_t(interesting[next() % (sizeof interesting - 1)]);
        break;
      case 2:
        image.erase(image.begin() + long(at));
        break;
      case 3:
        image.insert(image.begin() + long(at),
                     uint8_t(interesting[next() % (sizeof interesting - 1)]));
        break;
      }
      if (image.empty())
        image.push_back(0);
    }
    Array array;
    std::string error;
    if (parseNpy(image.data(), image.size(), array, error)) {
      ++parsed;
      std::string why;
      EXPECT_TRUE(validateArray(array, why)) << why;
    } else {
      EXPECT_FALSE(error.empty());
    }
  }
  EXPECT_GT(parsed, 0); // some mutations (header padding, data) still parse
}
