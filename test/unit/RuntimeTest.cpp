//===- RuntimeTest.cpp - Tests of the GPU runtime without a GPU -----------===//
//
// What of libmixrt can be checked on a machine with no GPU: the JSON and
// manifest readers on good input and on each kind of bad input (with the
// exact message, file, line and column), the launch-time shape check, the
// grid evaluation from shapes, the memref-ABI parameter layout, the
// bf16/f16/f8e4m3 conversions (hand-picked ties and every bit pattern round
// tripped), the driver constants against cuda.h when the toolkit is
// installed, and that every C entry point reports a missing driver or device
// as MIXRT_ERROR_NO_DEVICE with a clear message instead of crashing.
//
//===----------------------------------------------------------------------===//

#include "CudaDriver.h"
#include "mixc/Runtime/Manifest.h"
#include "mixc/Runtime/mixrt.h"

#ifdef MIXRT_HAVE_CUDA_H
#include <cuda.h>
#endif

#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <cstring>
#include <dlfcn.h>
#include <fstream>
#include <limits>
#include <string>
#include <unistd.h>

using namespace mixc::runtime;

namespace {

/// The manifest of the runtime's design note, as the compiler writes it.
const char *kAttentionManifest = R"({
  "schema_version": 1,
  "kernel": "mix_attention_0",
  "binary": "attention_0.cubin",
  "format": "cubin",
  "arch": "sm_90a",
  "op": "mix.attention",
  "attrs": {"causal": true, "scale": 0.0883883, "window_left": -1,
            "window_right": -1, "sink_tokens": 0},
  "schedule": {"template": "attention.mma_sync",
               "params": {"block_m": 128, "block_n": 64, "warps": 8,
                          "stages": 2}},
  "block": [256, 1, 1],
  "grid": [[{"arg": 0, "dim": 2, "ceildiv": 128}],
           [{"arg": 0, "dim": 0}, {"arg": 0, "dim": 1}], []],
  "shared_bytes": 98304,
  "abi": "memref",
  "args": [
    {"name": "query",  "role": "input",  "dtype": "bf16", "shape": [4, 16, -1, 128]},
    {"name": "key",    "role": "input",  "dtype": "bf16", "shape": [4, 16, 4096, 128]},
    {"name": "value",  "role": "input",  "dtype": "bf16", "shape": [4, 16, 4096, 128]},
    {"name": "result", "role": "output", "dtype": "bf16", "shape": [4, 16, -1, 128]}
  ]
}
)";

Manifest parseGood(const std::string &text, const std::string &path) {
  Manifest m;
  std::string error;
  EXPECT_TRUE(parseManifest(text, path, m, error)) << error;
  return m;
}

std::string manifestError(const std::string &text) {
  Manifest m;
  std::string error;
  EXPECT_FALSE(parseManifest(text, "k.json", m, error));
  return error;
}

std::string jsonError(const std::string &text) {
  json::Value v;
  std::string error;
  EXPECT_FALSE(json::parse(text, "t.json", v, error));
  return error;
}

/// kAttentionManifest with the first occurrence of `from` replaced by `to`.
std::string edited(const std::string &from, const std::string &to) {
  std::string text = kAttentionManifest;
  size_t at = text.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  if (at != std::string::npos)
    text.replace(at, from.size(), to);
  return text;
}

//===----------------------------------------------------------------------===//
// JSON
//===----------------------------------------------------------------------===//

TEST(RuntimeJson, ParsesEveryKind) {
  json::Value v;
  std::string error;
  ASSERT_TRUE(json::parse(
      R"( {"n": null, "t": true, "f": false, "i": -42, "big": 9223372036854775808,
          "d": 2.5e-3, "s": "a\"b\\c\/\n\u00e9\ud83d\ude00", "a": [1, [2, {}]],
          "o": {"x": []}} )",
      "t.json", v, error))
      << error;
  ASSERT_EQ(v.kind, json::Value::Kind::Object);
  EXPECT_EQ(v.get("n")->kind, json::Value::Kind::Null);
  EXPECT_TRUE(v.get("t")->boolean);
  EXPECT_EQ(v.get("f")->kind, json::Value::Kind::Bool);
  EXPECT_FALSE(v.get("f")->boolean);
  EXPECT_EQ(v.get("i")->kind, json::Value::Kind::Int);
  EXPECT_EQ(v.get("i")->integer, -42);
  // Past int64: a double.
  EXPECT_EQ(v.get("big")->kind, json::Value::Kind::Double);
  EXPECT_DOUBLE_EQ(v.get("big")->number, 9223372036854775808.0);
  EXPECT_EQ(v.get("d")->kind, json::Value::Kind::Double);
  EXPECT_DOUBLE_EQ(v.get("d")->asDouble(), 2.5e-3);
  EXPECT_EQ(v.get("s")->string, "a\"b\\c/\n\xc3\xa9\xf0\x9f\x98\x80");
  ASSERT_EQ(v.get("a")->array.size(), 2u);
  EXPECT_EQ(v.get("a")->array[1].array[1].kind, json::Value::Kind::Object);
  EXPECT_EQ(v.get("o")->get("x")->kind, json::Value::Kind::Array);
  EXPECT_EQ(v.get("missing"), nullptr);
  // Positions are 1-based line and column of the value's first character.
  EXPECT_EQ(v.line, 1);
  EXPECT_EQ(v.column, 2);
  EXPECT_EQ(v.get("i")->column, 42);
}

TEST(RuntimeJson, QuoteRoundTrips) {
  const std::string s = "tab\there \"quoted\" back\\slash \x01 \xc3\xa9";
  EXPECT_EQ(json::quote(s),
            "\"tab\\there \\\"quoted\\\" back\\\\slash \\u0001 \xc3\xa9\"");
  json::Value v;
  std::string error;
  ASSERT_TRUE(json::parse(json::quote(s), "q", v, error)) << error;
  EXPECT_EQ(v.string, s);
}

TEST(RuntimeJson, ErrorsNameFileLineAndColumn) {
  EXPECT_EQ(jsonError(""),
            "t.json:1:1: expected a JSON value, got end of file");
  EXPECT_EQ(jsonError("{\"a\": 1,}"),
            "t.json:1:9: expected a string key in object, got '}'");
  EXPECT_EQ(jsonError("[1 2]"),
            "t.json:1:4: expected ',' or ']' in array, got '2'");
  EXPECT_EQ(jsonError("{\n  \"kernel\": \"k\",\n  \"kernel\": \"j\"\n}"),
            "t.json:3:3: duplicate key 'kernel'");
  EXPECT_EQ(jsonError("{\n  \"a\": tru\n}"),
            "t.json:2:8: expected a JSON value, got 't'");
  EXPECT_EQ(jsonError("\"abc"), "t.json:1:5: unterminated string");
  EXPECT_EQ(jsonError("\"a\nb\""),
            "t.json:1:3: control character (byte 0x0a) in string; write it "
            "as an escape");
  EXPECT_EQ(jsonError("\"\\x\""), "t.json:1:2: invalid escape in string");
  EXPECT_EQ(jsonError("\"\\ud800\""),
            "t.json:1:8: high surrogate not followed by a \\u escape");
  EXPECT_EQ(jsonError("\"\\udc00\""),
            "t.json:1:2: unpaired low surrogate in \\u escape");
  EXPECT_EQ(jsonError("01"),
            "t.json:1:2: leading zeros are not allowed in JSON numbers");
  EXPECT_EQ(jsonError("-"), "t.json:1:2: expected a digit, got end of file");
  EXPECT_EQ(jsonError("1.e5"),
            "t.json:1:3: expected a digit after '.', got 'e'");
  EXPECT_EQ(jsonError("1e999"),
            "t.json:1:6: number '1e999' is out of the range of a double");
  EXPECT_EQ(jsonError("{} x"),
            "t.json:1:4: unexpected text after the JSON value");
  EXPECT_EQ(jsonError("[truex]"), "t.json:1:6: unexpected 'x' after literal");
  EXPECT_EQ(jsonError(std::string(200, '[')),
            "t.json:1:130: JSON nested deeper than 128 levels");
}

//===----------------------------------------------------------------------===//
// Manifest
//===----------------------------------------------------------------------===//

TEST(RuntimeManifest, ReadsTheDesignExample) {
  Manifest m = parseGood(kAttentionManifest, "out/kernels/attention_0.json");
  EXPECT_EQ(m.schemaVersion, 1);
  EXPECT_EQ(m.kernel, "mix_attention_0");
  EXPECT_EQ(m.binary, "attention_0.cubin");
  EXPECT_EQ(m.binaryPath, "out/kernels/attention_0.cubin");
  EXPECT_EQ(m.format, "cubin");
  EXPECT_EQ(m.arch, "sm_90a");
  EXPECT_EQ(m.op, "mix.attention");
  EXPECT_EQ(m.abi, "memref");
  EXPECT_TRUE(m.attrBool("causal", false));
  EXPECT_DOUBLE_EQ(m.attrDouble("scale", 0), 0.0883883);
  EXPECT_EQ(m.attrInt("window_left", 7), -1);
  EXPECT_EQ(m.attrInt("absent", 7), 7);
  EXPECT_EQ(m.scheduleTemplate, "attention.mma_sync");
  EXPECT_EQ(m.scheduleParam("block_m", 0), 128);
  EXPECT_EQ(m.scheduleParam("chunk_size", 64), 64);
  EXPECT_EQ(m.block, (std::array<int64_t, 3>{256, 1, 1}));
  ASSERT_EQ(m.grid[0].size(), 1u);
  EXPECT_EQ(m.grid[0][0].arg, 0);
  EXPECT_EQ(m.grid[0][0].dim, 2);
  EXPECT_EQ(m.grid[0][0].ceilDiv, 128);
  EXPECT_EQ(m.grid[1].size(), 2u);
  EXPECT_TRUE(m.grid[2].empty());
  EXPECT_EQ(m.sharedBytes, 98304);
  ASSERT_EQ(m.args.size(), 4u);
  EXPECT_EQ(m.args[3].name, "result");
  EXPECT_EQ(m.args[3].role, ArgRole::Output);
  EXPECT_EQ(m.args[0].dtype, DType::BF16);
  EXPECT_EQ(m.args[0].shape, (std::vector<int64_t>{4, 16, -1, 128}));
  EXPECT_EQ(m.argIndex("value"), 2);
  EXPECT_EQ(m.argIndex("lse"), -1);

  // Absolute binary paths stay; a manifest in the working directory anchors
  // nothing.
  EXPECT_EQ(
      parseGood(edited("\"attention_0.cubin\"", "\"/abs/k.ptx\""), "dir/k.json")
          .binaryPath,
      "/abs/k.ptx");
  EXPECT_EQ(parseGood(kAttentionManifest, "k.json").binaryPath,
            "attention_0.cubin");
}

TEST(RuntimeManifest, OptionalFieldsDefault) {
  Manifest m = parseGood(R"({"schema_version": 1, "kernel": "k",
    "binary": "k.ptx", "format": "ptx", "op": "mix.monarch", "abi": "memref",
    "block": [128, 1, 1], "grid": [[{"const": 3}], [], []],
    "args": [{"name": "x", "role": "inout", "dtype": "f32", "shape": []}]})",
                         "k.json");
  EXPECT_EQ(m.sharedBytes, 0);
  EXPECT_TRUE(m.arch.empty());
  EXPECT_TRUE(m.scheduleTemplate.empty());
  EXPECT_EQ(m.attrs.kind, json::Value::Kind::Object);
  EXPECT_EQ(m.grid[0][0].constant, 3);
  EXPECT_EQ(m.args[0].role, ArgRole::InOut);
  EXPECT_TRUE(m.args[0].shape.empty());
}

TEST(RuntimeManifest, ErrorsNameFileLineColumnAndField) {
  EXPECT_EQ(manifestError("[1]"),
            "k.json:1:1: manifest: expected an object, got an array");
  EXPECT_EQ(manifestError(edited("\"kernel\": \"mix_attention_0\",", "")),
            "k.json:1:1: missing field 'kernel'");
  EXPECT_EQ(manifestError(edited("\"mix_attention_0\"", "7")),
            "k.json:3:13: kernel: expected a string, got an integer");
  EXPECT_EQ(
      manifestError(edited("\"schema_version\": 1", "\"schema_version\": 3")),
      "k.json:2:21: schema_version: unsupported schema version 3 (this "
      "runtime reads versions 1 to 2)");
  EXPECT_EQ(manifestError(edited("\"cubin\"", "\"elf\"")),
            "k.json:5:13: format: unknown format 'elf' (expected cubin, ptx "
            "or fatbin)");
  EXPECT_EQ(manifestError(edited("\"abi\": \"memref\"", "\"abi\": \"c\"")),
            "k.json:17:10: abi: unsupported abi 'c' (this runtime supports "
            "'memref')");
  EXPECT_EQ(manifestError(edited("\"dtype\": \"bf16\", \"shape\": [4, 16, "
                                 "4096",
                                 "\"dtype\": \"f64\", \"shape\": [4, 16, "
                                 "4096")),
            "k.json:20:51: args[1].dtype: unknown dtype 'f64' (expected bf16, "
            "f16, f32, i32, i64, i8 or f8e4m3)");
  EXPECT_EQ(manifestError(edited("\"role\": \"output\"", "\"role\": \"out\"")),
            "k.json:22:32: args[3].role: unknown role 'out' (expected input, "
            "output or inout)");
  EXPECT_EQ(manifestError(edited("{\"name\": \"key\",",
                                 "{\"name\": \"key\", \"kind\": "
                                 "\"tensor_map\",")),
            "k.json:20:29: args[1].kind: unsupported argument kind "
            "'tensor_map' (this runtime supports 'memref')");
  EXPECT_EQ(manifestError(edited("\"name\": \"value\"", "\"name\": \"key\"")),
            "k.json:21:14: args[2].name: duplicate argument name 'key'");
  EXPECT_EQ(manifestError(edited("[4, 16, -1, 128]", "[4, -2, -1, 128]")),
            "k.json:19:72: args[0].shape[1]: size -2 is neither a size nor -1 "
            "(dynamic)");
  EXPECT_EQ(manifestError(edited("\"dtype\": \"bf16\", ", "")),
            "k.json:19:5: args[0]: missing field 'dtype'");
  EXPECT_EQ(manifestError(edited("[256, 1, 1]", "[256, 8, 1]")),
            "k.json:13:12: block: 2048 threads exceed 1024 per block");
  EXPECT_EQ(manifestError(edited("[256, 1, 1]", "[256, 1]")),
            "k.json:13:12: block: expected 3 sizes, got 2");
  EXPECT_EQ(manifestError(
                edited("{\"arg\": 0, \"dim\": 0}", "{\"arg\": 4, \"dim\": 0}")),
            "k.json:15:21: grid[1][0].arg: argument 4 does not exist (the "
            "kernel has 4)");
  EXPECT_EQ(manifestError(
                edited("{\"arg\": 0, \"dim\": 0}", "{\"arg\": 0, \"dim\": 4}")),
            "k.json:15:31: grid[1][0].dim: dimension 4 does not exist in "
            "argument 'query' of rank 4");
  EXPECT_EQ(manifestError(edited("\"ceildiv\": 128", "\"ceildiv\": 0")),
            "k.json:14:45: grid[0][0].ceildiv: expected a positive integer, "
            "got 0");
  EXPECT_EQ(manifestError(edited("\"ceildiv\": 128", "\"step\": 128")),
            "k.json:14:42: grid[0][0]: unknown key 'step' (expected const, or "
            "arg and dim with optional ceildiv)");
  EXPECT_EQ(manifestError(edited("\"dim\": 2, ", "")),
            "k.json:14:13: grid[0][0]: missing field 'dim'");
  EXPECT_EQ(
      manifestError(edited("\"shared_bytes\": 98304", "\"shared_bytes\": -1")),
      "k.json:16:19: shared_bytes: must be non-negative, got -1");
  EXPECT_EQ(manifestError(edited("\"sink_tokens\": 0", "\"sink_tokens\": [0]")),
            "k.json:9:48: attrs.sink_tokens: expected a scalar, got an array");
  EXPECT_EQ(manifestError(edited("\"template\": \"attention.mma_sync\"",
                                 "\"template\": 3")),
            "k.json:10:28: schedule.template: expected a string, got an "
            "integer");
}

TEST(RuntimeManifest, MissingFileIsReported) {
  Manifest m;
  std::string error;
  EXPECT_FALSE(readManifest("/nonexistent/k.json", m, error));
  EXPECT_EQ(error,
            "cannot open '/nonexistent/k.json': No such file or directory");
}

//===----------------------------------------------------------------------===//
// Launch geometry and parameters
//===----------------------------------------------------------------------===//

TEST(RuntimeLaunch, ShapesFillDynamicSizesAndCheckStaticOnes) {
  Manifest m = parseGood(kAttentionManifest, "k.json");
  const int64_t q[] = {4, 16, 1000, 128}, kv[] = {4, 16, 4096, 128};
  const int64_t *sizes[] = {q, kv, kv, q};
  Shapes shapes;
  std::string error;
  ASSERT_TRUE(resolveShapes(m, sizes, shapes, error)) << error;
  EXPECT_EQ(shapes[0], (std::vector<int64_t>{4, 16, 1000, 128}));
  EXPECT_EQ(shapes[2], (std::vector<int64_t>{4, 16, 4096, 128}));

  const int64_t shortKey[] = {4, 16, 2048, 128};
  const int64_t *bad[] = {q, shortKey, kv, q};
  EXPECT_FALSE(resolveShapes(m, bad, shapes, error));
  EXPECT_EQ(error, "argument 'key' (1) dimension 2 is 2048 at launch, but the "
                   "manifest fixes it at 4096");

  const int64_t negative[] = {4, 16, -5, 128};
  const int64_t *neg[] = {negative, kv, kv, q};
  EXPECT_FALSE(resolveShapes(m, neg, shapes, error));
  EXPECT_EQ(error, "argument 'query' (0) dimension 2 has negative size -5");

  // Null sizes mean the manifest's shape, which must then be static.
  const int64_t *partial[] = {q, nullptr, nullptr, nullptr};
  EXPECT_FALSE(resolveShapes(m, partial, shapes, error));
  EXPECT_EQ(error,
            "argument 'result' (3) dimension 2 is dynamic and no sizes were "
            "given");
  EXPECT_FALSE(resolveShapes(m, nullptr, shapes, error));
  EXPECT_EQ(error,
            "argument 'query' (0) dimension 2 is dynamic and no sizes were "
            "given");
}

TEST(RuntimeLaunch, GridIsTheProductOfItsFactors) {
  Manifest m = parseGood(kAttentionManifest, "k.json");
  std::array<uint32_t, 3> grid{};
  std::string error;
  Shapes shapes = {{4, 16, 4096, 128}, {}, {}, {}};
  ASSERT_TRUE(evaluateGrid(m, shapes, grid, error)) << error;
  EXPECT_EQ(grid, (std::array<uint32_t, 3>{32, 64, 1}));
  // ceil(1000 / 128) = 8; ceil(1 / 128) = 1.
  shapes[0] = {2, 3, 1000, 128};
  ASSERT_TRUE(evaluateGrid(m, shapes, grid, error)) << error;
  EXPECT_EQ(grid, (std::array<uint32_t, 3>{8, 6, 1}));
  shapes[0] = {1, 1, 1, 128};
  ASSERT_TRUE(evaluateGrid(m, shapes, grid, error)) << error;
  EXPECT_EQ(grid, (std::array<uint32_t, 3>{1, 1, 1}));

  shapes[0] = {4, 16, 0, 128};
  EXPECT_FALSE(evaluateGrid(m, shapes, grid, error));
  EXPECT_EQ(error,
            "grid x is 0 blocks (an argument dimension it depends on is 0)");
  shapes[0] = {300, 300, 128, 128};
  EXPECT_FALSE(evaluateGrid(m, shapes, grid, error));
  EXPECT_EQ(error, "grid y exceeds 65535 blocks");

  // Constant factors, and x up to 2^31 - 1.
  Manifest c = parseGood(edited("[{\"arg\": 0, \"dim\": 2, \"ceildiv\": 128}]",
                                "[{\"const\": 65536}, {\"const\": 32767}, "
                                "{\"arg\": 0, \"dim\": 0}]"),
                         "k.json");
  shapes[0] = {1, 1, 1, 1};
  ASSERT_TRUE(evaluateGrid(c, shapes, grid, error)) << error;
  EXPECT_EQ(grid[0], 65536u * 32767u);
  shapes[0] = {2, 1, 1, 1};
  EXPECT_FALSE(evaluateGrid(c, shapes, grid, error));
  EXPECT_EQ(error, "grid x exceeds 2147483647 blocks");
}

TEST(RuntimeLaunch, MemrefParametersArePointersOffsetSizesStrides) {
  Manifest m = parseGood(kAttentionManifest, "k.json");
  EXPECT_EQ(memrefParamCount(4), 11u);
  EXPECT_EQ(memrefParamCount(0), 3u);
  int a, b, c, d;
  const void *ptrs[] = {&a, &b, &c, &d};
  Shapes shapes = {{4, 16, 1000, 128},
                   {4, 16, 4096, 128},
                   {4, 16, 4096, 128},
                   {4, 16, 1000, 128}};
  KernelParams params;
  buildKernelParams(m, ptrs, shapes, params);
  ASSERT_EQ(params.words.size(), 44u);
  ASSERT_EQ(params.pointers.size(), 44u);
  for (size_t k = 0; k < 44; ++k)
    EXPECT_EQ(params.pointers[k], &params.words[k]);
  auto ptrWord = [](const void *p) {
    return static_cast<uint64_t>(reinterpret_cast<uintptr_t>(p));
  };
  const std::vector<uint64_t> query = {
      ptrWord(&a), ptrWord(&a),     0,          4,   16, 1000,
      128,         16 * 1000 * 128, 1000 * 128, 128, 1};
  EXPECT_EQ(
      std::vector<uint64_t>(params.words.begin(), params.words.begin() + 11),
      query);
  // The third argument starts at parameter 22 and has its own strides.
  EXPECT_EQ(params.words[22], ptrWord(&c));
  EXPECT_EQ(params.words[23], ptrWord(&c));
  EXPECT_EQ(params.words[29], uint64_t(16 * 4096 * 128));
  EXPECT_EQ(params.words[33], ptrWord(&d));

  // The pointers stay valid when the parameters are moved.
  KernelParams moved = std::move(params);
  for (size_t k = 0; k < 44; ++k)
    EXPECT_EQ(*static_cast<uint64_t *>(moved.pointers[k]), moved.words[k]);

  // A rank-0 argument is its two pointers and offset.
  Manifest scalar = parseGood(R"({"schema_version": 1, "kernel": "k",
    "binary": "k.ptx", "format": "ptx", "op": "x", "abi": "memref",
    "block": [1, 1, 1], "grid": [[], [], []],
    "args": [{"name": "s", "role": "output", "dtype": "f32", "shape": []}]})",
                              "k.json");
  KernelParams one;
  buildKernelParams(scalar, ptrs, {{}}, one);
  EXPECT_EQ(one.words, (std::vector<uint64_t>{ptrWord(&a), ptrWord(&a), 0}));
}

TEST(RuntimeLaunch, WorkspaceIsSizedByItsFactorsAndPassedLast) {
  // None by default.
  Manifest plain = parseGood(kAttentionManifest, "k.json");
  Shapes shapes = {{4, 16, 1000, 128},
                   {4, 16, 4096, 128},
                   {4, 16, 4096, 128},
                   {4, 16, 1000, 128}};
  int64_t bytes = -1;
  std::string error;
  ASSERT_TRUE(evaluateWorkspace(plain, shapes, bytes, error)) << error;
  EXPECT_EQ(bytes, 0);

  // bytes x batch x ceil(length / 128).
  const std::string workspace =
      "\"workspace\": {\"bytes\": 256, \"times\": [{\"arg\": 0, \"dim\": 0}, "
      "{\"arg\": 0, \"dim\": 2, \"ceildiv\": 128}]},\n  \"abi\"";
  Manifest m = parseGood(edited("\"abi\"", workspace), "k.json");
  EXPECT_EQ(m.workspace.bytes, 256);
  ASSERT_EQ(m.workspace.times.size(), 2u);
  ASSERT_TRUE(evaluateWorkspace(m, shapes, bytes, error)) << error;
  EXPECT_EQ(bytes, 256 * 4 * 8);

  int a, b, c, d, w;
  const void *ptrs[] = {&a, &b, &c, &d};
  KernelParams params;
  buildKernelParams(m, ptrs, shapes, params, &w, bytes);
  ASSERT_EQ(params.words.size(), 44u + 5u);
  const uint64_t wp = static_cast<uint64_t>(reinterpret_cast<uintptr_t>(&w));
  EXPECT_EQ(
      std::vector<uint64_t>(params.words.begin() + 44, params.words.end()),
      (std::vector<uint64_t>{wp, wp, 0, uint64_t(bytes), 1}));

  // Its errors name the field.
  EXPECT_EQ(
      manifestError(edited("\"abi\"", "\"workspace\": {\"bytes\": 0},\n  "
                                      "\"abi\"")),
      "k.json:17:26: workspace.bytes: expected a positive integer, got 0");
  EXPECT_EQ(manifestError(edited("\"abi\"", "\"workspace\": {\"bytes\": 8, "
                                            "\"size\": 1},\n  \"abi\"")),
            "k.json:17:37: workspace: unknown key 'size' (expected bytes, "
            "times)");
  EXPECT_EQ(
      manifestError(edited("\"abi\"",
                           "\"workspace\": {\"bytes\": 8, \"times\": "
                           "[{\"arg\": 9, \"dim\": 0}]},\n  \"abi\"")),
      "k.json:17:47: workspace.times[0].arg: argument 9 does not exist (the "
      "kernel has 4)");

  // Sizes past 2^40 bytes are refused.
  shapes[0][0] = int64_t(1) << 34;
  EXPECT_FALSE(evaluateWorkspace(m, shapes, bytes, error));
  EXPECT_EQ(error, "the workspace would exceed 2^40 bytes");
}

TEST(RuntimeLaunch, TensorMapsArePassedByValueAfterTheWorkspace) {
  // Schema 2; a map of the query ([4 16 L, 128] as 2-D) in 64 x 64 boxes with
  // the 128-byte swizzle, one of the key in 32 x 16 boxes with 32 bytes.
  const std::string maps =
      "\"tensor_maps\": [{\"arg\": 0, \"box\": [64, 64], \"swizzle\": 128}, "
      "{\"arg\": 1, \"box\": [32, 16], \"swizzle\": 32}],\n  \"abi\"";
  auto withMaps = [&](const std::string &list) {
    std::string text = edited("\"abi\"", list);
    size_t at = text.find("\"schema_version\": 1");
    text.replace(at, 19, "\"schema_version\": 2");
    return text;
  };
  Manifest m = parseGood(withMaps(maps), "k.json");
  ASSERT_EQ(m.tensorMaps.size(), 2u);
  EXPECT_EQ(m.tensorMaps[1].arg, 1);
  EXPECT_EQ(m.tensorMaps[1].box, (std::vector<int64_t>{32, 16}));
  EXPECT_EQ(m.tensorMaps[1].swizzle, 32);

  Shapes shapes = {{4, 16, 1000, 128},
                   {4, 16, 4096, 128},
                   {4, 16, 4096, 128},
                   {4, 16, 1000, 128}};
  alignas(16) static char buffers[4][64];
  const void *ptrs[] = {buffers[0], buffers[1], buffers[2], buffers[3]};
  KernelParams params;
  buildKernelParams(m, ptrs, shapes, params);
  // 4 rank-4 memrefs (11 words each), then one pointer per 128-byte map.
  ASSERT_EQ(params.words.size(), 44u);
  ASSERT_EQ(params.maps.size(), 2u);
  ASSERT_EQ(params.pointers.size(), 46u);
  EXPECT_EQ(params.pointers[44], &params.maps[0]);
  EXPECT_EQ(params.pointers[45], &params.maps[1]);
  EXPECT_EQ(reinterpret_cast<uintptr_t>(params.pointers[45]) % 64, 0u);
  EXPECT_EQ(sizeof(KernelParams::TensorMapBlob), 128u);

  // What the driver gets: innermost dimension first.
  TensorMapRequest request;
  std::string error;
  ASSERT_TRUE(describeTensorMap(m, 0, ptrs[0], shapes, request, error))
      << error;
  EXPECT_EQ(request.dataType, tensor_map::kBFloat16);
  EXPECT_EQ(request.address, ptrs[0]);
  EXPECT_EQ(request.rank, 2u);
  EXPECT_EQ(request.dims, (std::array<uint64_t, 3>{128, 4 * 16 * 1000, 1}));
  EXPECT_EQ(request.strides[0], 256u);
  EXPECT_EQ(request.box, (std::array<uint32_t, 3>{64, 64, 1}));
  EXPECT_EQ(request.swizzle, tensor_map::kSwizzle128B);
  ASSERT_TRUE(describeTensorMap(m, 1, ptrs[1], shapes, request, error));
  EXPECT_EQ(request.box, (std::array<uint32_t, 3>{16, 32, 1}));
  EXPECT_EQ(request.swizzle, tensor_map::kSwizzle32B);

  // Rank 3 keeps the last two dimensions ([4 16, L, 128] here): a box of
  // one (batch, head) plane stops at that head's last row.
  Manifest planes = parseGood(
      withMaps("\"tensor_maps\": [{\"arg\": 1, \"box\": [1, 128, 64], "
               "\"swizzle\": 128}],\n  \"abi\""),
      "k.json");
  ASSERT_TRUE(describeTensorMap(planes, 0, ptrs[1], shapes, request, error))
      << error;
  EXPECT_EQ(request.rank, 3u);
  EXPECT_EQ(request.dims, (std::array<uint64_t, 3>{128, 4096, 64}));
  EXPECT_EQ(request.strides, (std::array<uint64_t, 2>{256, 256 * 4096}));
  EXPECT_EQ(request.box, (std::array<uint32_t, 3>{64, 128, 1}));

  // What the hardware cannot take is refused at the launch, by name.
  EXPECT_FALSE(describeTensorMap(m, 0, buffers[0] + 8, shapes, request, error));
  EXPECT_EQ(error, "tensor map 0 of argument 'query': the device pointer is "
                   "not 16-byte aligned");
  Shapes odd = shapes;
  odd[0][3] = 100; // 200-byte rows
  EXPECT_FALSE(describeTensorMap(m, 0, ptrs[0], odd, request, error));
  EXPECT_EQ(error, "tensor map 0 of argument 'query': rows of 200 bytes; TMA "
                   "needs a multiple of 16");
  odd[0] = {4, 16, 0, 128};
  EXPECT_FALSE(describeTensorMap(m, 0, ptrs[0], odd, request, error));
  EXPECT_EQ(error, "tensor map 0 of argument 'query': the tensor is empty");

  // Manifest errors name the field.
  EXPECT_EQ(manifestError(edited("\"abi\"", "\"tensor_maps\": [],\n  \"abi\"")),
            "k.json:17:18: tensor_maps: needs schema_version 2 or later");
  EXPECT_EQ(manifestError(withMaps("\"tensor_maps\": [{\"arg\": 0, \"box\": "
                                   "[64], \"swizzle\": 128}],\n  \"abi\"")),
            "k.json:17:37: tensor_maps[0].box: expected [rows, columns] or "
            "[planes, rows, columns], got 1 sizes");
  EXPECT_EQ(manifestError(withMaps("\"tensor_maps\": [{\"arg\": 4, \"box\": "
                                   "[64, 64], \"swizzle\": 128}],\n  \"abi\"")),
            "k.json:17:27: tensor_maps[0].arg: argument 4 does not exist (the "
            "kernel has 4)");
  EXPECT_EQ(
      manifestError(withMaps("\"tensor_maps\": [{\"arg\": 0, \"box\": "
                             "[512, 64], \"swizzle\": 128}],\n  \"abi\"")),
      "k.json:17:38: tensor_maps[0].box[0]: size 512 is outside [1, 256]");
  EXPECT_EQ(
      manifestError(withMaps("\"tensor_maps\": [{\"arg\": 0, \"box\": "
                             "[64, 128], \"swizzle\": 128}],\n  \"abi\"")),
      "k.json:17:42: tensor_maps[0].box[1]: a box row of 256 bytes "
      "exceeds the 128-byte swizzle span");
  EXPECT_EQ(manifestError(withMaps("\"tensor_maps\": [{\"arg\": 0, \"box\": "
                                   "[64, 4], \"swizzle\": 0}],\n  \"abi\"")),
            "k.json:17:42: tensor_maps[0].box[1]: 4 bf16 columns are 8 bytes, "
            "not a multiple of 16");
  EXPECT_EQ(manifestError(withMaps("\"tensor_maps\": [{\"arg\": 0, \"box\": "
                                   "[64, 64], \"swizzle\": 96}],\n  \"abi\"")),
            "k.json:17:58: tensor_maps[0].swizzle: unknown swizzle 96 "
            "(expected 0, 32, 64 or 128 bytes)");
}

//===----------------------------------------------------------------------===//
// Element conversions
//===----------------------------------------------------------------------===//

TEST(RuntimeConversions, RoundToNearestEven) {
  const float nan = std::numeric_limits<float>::quiet_NaN();
  const float inf = std::numeric_limits<float>::infinity();
  // bf16: 8 mantissa bits, ties to even.
  EXPECT_EQ(floatToBF16(1.0f), 0x3f80);
  EXPECT_EQ(floatToBF16(-0.0f), 0x8000);
  EXPECT_EQ(floatToBF16(1.0f + 0x1p-8f), 0x3f80);     // tie, down to even
  EXPECT_EQ(floatToBF16(1.0f + 3 * 0x1p-8f), 0x3f82); // tie, up to even
  EXPECT_EQ(floatToBF16(1.0f + 0x1p-8f + 0x1p-20f), 0x3f81);
  EXPECT_EQ(floatToBF16(std::numeric_limits<float>::max()), 0x7f80);
  EXPECT_EQ(floatToBF16(-inf), 0xff80);
  EXPECT_TRUE(std::isnan(bf16ToFloat(floatToBF16(nan))));

  // f16: 10 mantissa bits, max 65504, subnormals down to 2^-24.
  EXPECT_EQ(floatToF16(1.0f), 0x3c00);
  EXPECT_EQ(floatToF16(-2.0f), 0xc000);
  EXPECT_EQ(floatToF16(1.0f + 0x1p-11f), 0x3c00);
  EXPECT_EQ(floatToF16(1.0f + 3 * 0x1p-11f), 0x3c02);
  EXPECT_EQ(floatToF16(65504.0f), 0x7bff);
  EXPECT_EQ(floatToF16(65519.0f), 0x7bff);
  EXPECT_EQ(floatToF16(65520.0f), 0x7c00); // tie to even: infinity
  EXPECT_EQ(floatToF16(1e10f), 0x7c00);
  EXPECT_EQ(floatToF16(0x1p-14f), 0x0400);
  EXPECT_EQ(floatToF16(0x1p-24f), 0x0001);
  EXPECT_EQ(floatToF16(0x1p-25f), 0x0000); // tie to even: zero
  EXPECT_EQ(floatToF16(1.5f * 0x1p-25f), 0x0001);
  EXPECT_EQ(floatToF16(3 * 0x1p-25f), 0x0002);        // tie to even: 2
  EXPECT_EQ(floatToF16(0x1p-14f - 0x1p-25f), 0x0400); // rounds up to normal
  EXPECT_EQ(floatToF16(-0x1p-30f), 0x8000);
  EXPECT_EQ(floatToF16(nan) & 0x7e00, 0x7e00);

  // f8e4m3 (E4M3FN): 3 mantissa bits, bias 7, max 448, no infinity.
  EXPECT_EQ(floatToF8E4M3(1.0f), 0x38);
  EXPECT_EQ(floatToF8E4M3(1.0625f), 0x38); // tie, down to even
  EXPECT_EQ(floatToF8E4M3(1.1875f), 0x3a); // tie, up to even
  EXPECT_EQ(floatToF8E4M3(448.0f), 0x7e);
  EXPECT_EQ(floatToF8E4M3(1000.0f), 0x7e); // saturates
  EXPECT_EQ(floatToF8E4M3(-inf), 0xfe);
  EXPECT_EQ(floatToF8E4M3(0x1p-6f), 0x08);
  EXPECT_EQ(floatToF8E4M3(7 * 0x1p-9f), 0x07);
  EXPECT_EQ(floatToF8E4M3(0x1p-9f), 0x01);
  EXPECT_EQ(floatToF8E4M3(0x1p-10f), 0x00); // tie to even: zero
  EXPECT_EQ(floatToF8E4M3(nan), 0x7f);
  EXPECT_FLOAT_EQ(f8E4M3ToFloat(0x7e), 448.0f);
  EXPECT_FLOAT_EQ(f8E4M3ToFloat(0x01), 0x1p-9f);
  EXPECT_TRUE(std::isnan(f8E4M3ToFloat(0xff)));

  EXPECT_FLOAT_EQ(roundToDType(DType::I32, 2.5f), 2.0f);
  EXPECT_FLOAT_EQ(roundToDType(DType::I8, 1000.0f), 127.0f);
  EXPECT_FLOAT_EQ(roundToDType(DType::BF16, 1.0f + 0x1p-8f), 1.0f);
}

TEST(RuntimeConversions, EveryBitPatternRoundTrips) {
  for (uint32_t bits = 0; bits < 0x10000; ++bits) {
    const uint16_t h = static_cast<uint16_t>(bits);
    if (!std::isnan(f16ToFloat(h))) {
      EXPECT_EQ(floatToF16(f16ToFloat(h)), h) << std::hex << bits;
    }
    if (!std::isnan(bf16ToFloat(h))) {
      EXPECT_EQ(floatToBF16(bf16ToFloat(h)), h) << std::hex << bits;
    }
  }
  for (uint32_t bits = 0; bits < 0x100; ++bits) {
    const uint8_t b = static_cast<uint8_t>(bits);
    if (!std::isnan(f8E4M3ToFloat(b))) {
      EXPECT_EQ(floatToF8E4M3(f8E4M3ToFloat(b)), b) << std::hex << bits;
    }
  }
}

TEST(RuntimeConversions, EncodeAndDecodeArrays) {
  const float values[] = {1.0f, -2.5f, 0.1f};
  for (DType dtype : {DType::BF16, DType::F16, DType::F32, DType::F8E4M3,
                      DType::I32, DType::I64, DType::I8}) {
    std::vector<uint8_t> bytes(3 * dtypeSize(dtype));
    encodeElements(dtype, values, 3, bytes.data());
    for (size_t i = 0; i < 3; ++i)
      EXPECT_EQ(decodeElement(dtype, bytes.data(), i),
                static_cast<double>(roundToDType(dtype, values[i])))
          << dtypeName(dtype) << " element " << i;
  }
}

//===----------------------------------------------------------------------===//
// Driver constants and the no-GPU path
//===----------------------------------------------------------------------===//

#ifdef MIXRT_HAVE_CUDA_H
TEST(RuntimeDriver, ConstantsMatchCudaH) {
  namespace cu = mixc::runtime::cuda;
  static_assert(cu::kSuccess == CUDA_SUCCESS);
  static_assert(cu::kErrorNoDevice == CUDA_ERROR_NO_DEVICE);
  static_assert(cu::kAttrClockRate == CU_DEVICE_ATTRIBUTE_CLOCK_RATE);
  static_assert(cu::kAttrMultiprocessorCount ==
                CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT);
  static_assert(cu::kAttrMemoryClockRate ==
                CU_DEVICE_ATTRIBUTE_MEMORY_CLOCK_RATE);
  static_assert(cu::kAttrGlobalMemoryBusWidth ==
                CU_DEVICE_ATTRIBUTE_GLOBAL_MEMORY_BUS_WIDTH);
  static_assert(cu::kAttrComputeCapabilityMajor ==
                CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR);
  static_assert(cu::kAttrComputeCapabilityMinor ==
                CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR);
  static_assert(cu::kAttrMaxSharedMemoryPerBlockOptin ==
                CU_DEVICE_ATTRIBUTE_MAX_SHARED_MEMORY_PER_BLOCK_OPTIN);
  static_assert(cu::kFuncAttrMaxDynamicSharedSizeBytes ==
                CU_FUNC_ATTRIBUTE_MAX_DYNAMIC_SHARED_SIZE_BYTES);
  static_assert(cu::kJitInfoLogBuffer == CU_JIT_INFO_LOG_BUFFER);
  static_assert(cu::kJitInfoLogBufferSizeBytes ==
                CU_JIT_INFO_LOG_BUFFER_SIZE_BYTES);
  static_assert(cu::kJitErrorLogBuffer == CU_JIT_ERROR_LOG_BUFFER);
  static_assert(cu::kJitErrorLogBufferSizeBytes ==
                CU_JIT_ERROR_LOG_BUFFER_SIZE_BYTES);
  static_assert(cu::kEventDefault == CU_EVENT_DEFAULT);
  static_assert(tensor_map::kFloat16 == CU_TENSOR_MAP_DATA_TYPE_FLOAT16);
  static_assert(tensor_map::kFloat32 == CU_TENSOR_MAP_DATA_TYPE_FLOAT32);
  static_assert(tensor_map::kBFloat16 == CU_TENSOR_MAP_DATA_TYPE_BFLOAT16);
  static_assert(tensor_map::kSwizzleNone == CU_TENSOR_MAP_SWIZZLE_NONE);
  static_assert(tensor_map::kSwizzle32B == CU_TENSOR_MAP_SWIZZLE_32B);
  static_assert(tensor_map::kSwizzle64B == CU_TENSOR_MAP_SWIZZLE_64B);
  static_assert(tensor_map::kSwizzle128B == CU_TENSOR_MAP_SWIZZLE_128B);
  static_assert(tensor_map::kInterleaveNone == CU_TENSOR_MAP_INTERLEAVE_NONE);
  static_assert(tensor_map::kL2Promotion256B ==
                CU_TENSOR_MAP_L2_PROMOTION_L2_256B);
  static_assert(tensor_map::kOobFillZeros == CU_TENSOR_MAP_FLOAT_OOB_FILL_NONE);
  static_assert(sizeof(KernelParams::TensorMapBlob) == sizeof(CUtensorMap));
  static_assert(alignof(KernelParams::TensorMapBlob) == alignof(CUtensorMap));
  static_assert(sizeof(cu::CUdeviceptr) == sizeof(CUdeviceptr));
  SUCCEED();
}
#endif

/// Whether this process can open the CUDA driver at all.
bool driverPresent() {
  const char *name = std::getenv("MIXRT_CUDA_DRIVER");
  void *handle =
      dlopen(name && *name ? name : "libcuda.so.1", RTLD_NOW | RTLD_LOCAL);
  if (handle)
    dlclose(handle);
  return handle != nullptr;
}

/// A directory of its own under the test temp dir.
std::string makeTempDir() {
  std::string pattern = ::testing::TempDir() + "mixrt-test-XXXXXX";
  char *dir = mkdtemp(pattern.data());
  return dir ? std::string(dir) + "/" : ::testing::TempDir();
}

TEST(RuntimeNoGpu, EveryEntryPointSaysSo) {
  if (mixrt_init(0) == MIXRT_SUCCESS)
    GTEST_SKIP() << "a GPU is present; the no-GPU path is not reachable";
  const std::string expected =
      driverPresent() ? "mixrt: no CUDA device"
                      : "mixrt: no CUDA driver (dlopen libcuda.so.1: ";
  auto expectNoDevice = [&](int rc, const char *call) {
    EXPECT_EQ(rc, MIXRT_ERROR_NO_DEVICE) << call;
    const std::string message = mixrt_last_error();
    if (driverPresent()) {
      EXPECT_TRUE(message.rfind("mixrt: no CUDA device", 0) == 0 ||
                  message.rfind("mixrt: the CUDA driver is unusable", 0) == 0)
          << call << ": " << message;
    } else {
      EXPECT_EQ(message.rfind(expected, 0), 0u) << call << ": " << message;
    }
  };
  expectNoDevice(mixrt_init(0), "mixrt_init");
  mixrt_device_info_t info;
  expectNoDevice(mixrt_device_info(&info), "mixrt_device_info");
  void *ptr = reinterpret_cast<void *>(0x1000);
  expectNoDevice(mixrt_malloc(&ptr, 16), "mixrt_malloc");
  EXPECT_EQ(ptr, nullptr);
  char host[16];
  expectNoDevice(mixrt_memcpy_htod(host, host, 16), "mixrt_memcpy_htod");
  expectNoDevice(mixrt_memcpy_dtoh(host, host, 16), "mixrt_memcpy_dtoh");
  expectNoDevice(mixrt_memset_d8(host, 0, 16), "mixrt_memset_d8");
  expectNoDevice(mixrt_free(host), "mixrt_free");
  EXPECT_EQ(mixrt_free(nullptr), MIXRT_SUCCESS);
  expectNoDevice(mixrt_synchronize(), "mixrt_synchronize");

  // A good manifest with its binary gets as far as the device.
  const std::string dir = makeTempDir();
  std::ofstream(dir + "attention_0.json") << kAttentionManifest;
  std::ofstream(dir + "attention_0.cubin") << "not really a cubin";
  mixrt_kernel_t *kernel = reinterpret_cast<mixrt_kernel_t *>(0x1);
  expectNoDevice(mixrt_kernel_load((dir + "attention_0.json").c_str(), &kernel),
                 "mixrt_kernel_load");
  EXPECT_EQ(kernel, nullptr);

  // Manifest and file problems are reported first, as plain errors.
  std::ofstream(dir + "bad.json") << "{\"schema_version\": 1}";
  EXPECT_EQ(mixrt_kernel_load((dir + "bad.json").c_str(), &kernel),
            MIXRT_ERROR);
  EXPECT_EQ(std::string(mixrt_last_error()),
            "mixrt: " + dir + "bad.json:1:1: missing field 'kernel'");
  std::ofstream(dir + "nobinary.json")
      << edited("attention_0.cubin", "missing.cubin");
  EXPECT_EQ(mixrt_kernel_load((dir + "nobinary.json").c_str(), &kernel),
            MIXRT_ERROR);
  EXPECT_EQ(std::string(mixrt_last_error()),
            "mixrt: mix_attention_0 (" + dir +
                "nobinary.json): binary: " + "cannot open '" + dir +
                "missing.cubin': No such file or directory");

  // Calls on no kernel fail cleanly too.
  EXPECT_EQ(mixrt_kernel_launch(nullptr, nullptr, nullptr, nullptr),
            MIXRT_ERROR);
  float median;
  EXPECT_EQ(mixrt_kernel_time(nullptr, nullptr, nullptr, nullptr, 1, 1, &median,
                              nullptr),
            MIXRT_ERROR);
  EXPECT_EQ(mixrt_kernel_num_args(nullptr), -1);
  EXPECT_EQ(mixrt_kernel_arg_name(nullptr, 0), nullptr);
  mixrt_kernel_destroy(nullptr);
}

} // namespace
