//===- mixc-bench.cpp - Check and time compiled mix kernels on a GPU ------===//
//
// The command-line face of libmixrt. For each kernel manifest it is given
// (one file, or every *.json in a directory) it fills the inputs with seeded
// random values, poisons the outputs, launches once, checks that every output
// element was written and compares the results with the double-precision
// reference (lib/Reference) by relative L2 error, then times the kernel with
// CUDA events and reports the median, TFLOP/s, GB/s and the fraction of the
// machine's ceiling. Consecutive kernels with the same inputs (the schedules
// of one task, as bench/measure_dataset.py runs them) share the inputs and
// the reference's expected values (InputCache). It needs no MLIR: it builds
// with -DMIXC_RUNTIME_ONLY=ON in seconds on the GPU machine. Exit status: 0
// all passed, 1 a kernel failed or could not run, 2 no GPU.
//
//===----------------------------------------------------------------------===//

#include "mixc/Reference/Reference.h"
#include "mixc/Runtime/Manifest.h"
#include "mixc/Runtime/mixrt.h"

#include <algorithm>
#include <cerrno>
#include <cinttypes>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

using namespace mixc::runtime;
namespace ref = mixc::reference;

namespace {

//===----------------------------------------------------------------------===//
// Options
//===----------------------------------------------------------------------===//

enum class CheckMode { Full, Sample, None };

struct Options {
  std::vector<std::string> paths;
  uint64_t seed = 0;
  int warmup = 10;
  int iters = 50;
  CheckMode check = CheckMode::Sample;
  std::string results;
  double peakTflops = 736.0;
  double peakGbps = 2980.0;
  /// --shape NAME=AxBxC: sizes for arguments with dynamic dimensions.
  std::map<std::string, std::vector<int64_t>> shapes;
};

const char *kUsage = R"(usage: mixc-bench DIR|MANIFEST.json... [options]

Runs kernels compiled by mixc on the GPU. Each MANIFEST.json is a kernel's
launch manifest (written by the compiler next to the cubin/PTX); a DIR stands
for every *.json file in it. For each kernel mixc-bench
  1. fills the inputs with seeded random values (normal(0,1) drawn in f32,
     rounded to the argument's dtype; for mix.ssd, dt is drawn positive and
     A negative so that the decays stay below 1),
  2. fills the outputs with 0xFF bytes (NaN), launches once and fails if any
     output element was never written or is NaN,
  3. compares with the double-precision reference (lib/Reference) by relative
     L2 error: at most 1e-2 when any float argument is bf16 or f16, 1e-1 with
     f8e4m3, else 1e-4 (f32),
  4. times the kernel with CUDA events: --warmup launches, then --iters timed
     launches; reports the median.
Consecutive kernels whose inputs are the same (argument names, shapes and
dtypes, distributions, seed) reuse them, on the host and on the device, and
the reference's expected values when the op and its attributes are the same
too: the schedules of one task are drawn and checked against the reference
once. Each kernel still gets its own poisoned outputs.
FLOPs: attention 2*(D+Dv) per kept (query, key) pair, pairs counted exactly
from causal/window/sinks; SSD and Monarch the FLOPs of their chunked/blocked
algorithms. Bytes: each input read once and each output written once.
Ceiling: the larger of TFLOP/s / --peak-tflops and GB/s / --peak-gbps.

Supported ops: mix.attention (query, key, value -> result [, lse]),
mix.ssd (x, dt, A, B, C [, D] [, dt_bias] -> y), mix.monarch (input,
first_factor, second_factor -> result). Any other op is reported as an error.

options:
  --seed N             random seed (default 0); inputs depend only on it and
                       the argument's position
  --warmup N           untimed launches before timing (default 10)
  --iters N            timed launches (default 50)
  --check=MODE         full: check every output element;
                       sample (default): attention on up to 4 (batch, head)
                       pairs x 128 query rows, SSD on up to 2 (batch, head)
                       pairs at full length, Monarch on up to 256 rows;
                       none: no reference check (the poison check still runs)
  --results FILE       append one JSON line per kernel to FILE
  --peak-tflops X      compute ceiling in TFLOP/s (default 736)
  --peak-gbps X        memory ceiling in GB/s (default 2980)
  --shape NAME=AxBxC   sizes of argument NAME where its manifest has dynamic
                       (-1) dimensions; repeatable
  --help               this text

exit status: 0 every kernel passed; 1 a kernel failed its check or could not
be loaded or run; 2 no GPU (no CUDA driver or no device).
)";

bool parseInt(const std::string &text, int64_t &out) {
  if (text.empty())
    return false;
  char *end = nullptr;
  errno = 0;
  long long v = std::strtoll(text.c_str(), &end, 10);
  if (errno || *end)
    return false;
  out = v;
  return true;
}

bool parseDouble(const std::string &text, double &out) {
  if (text.empty())
    return false;
  char *end = nullptr;
  out = std::strtod(text.c_str(), &end);
  return !*end;
}

bool parseShape(const std::string &text, std::vector<int64_t> &out) {
  out.clear();
  size_t start = 0;
  while (true) {
    size_t x = text.find('x', start);
    int64_t size;
    if (!parseInt(text.substr(start, x - start), size) || size < 0)
      return false;
    out.push_back(size);
    if (x == std::string::npos)
      return true;
    start = x + 1;
  }
}

/// Returns 0 to go on, or the exit status (the message printed).
int parseOptions(int argc, char **argv, Options &options) {
  auto usageError = [](const std::string &message) {
    std::fprintf(stderr, "mixc-bench: %s (see --help)\n", message.c_str());
    return 1;
  };
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--help" || arg == "-h") {
      std::fputs(kUsage, stdout);
      return -1;
    }
    if (arg.rfind("--", 0) != 0) {
      options.paths.push_back(arg);
      continue;
    }
    std::string name = arg, value;
    bool hasValue = false;
    if (size_t eq = arg.find('='); eq != std::string::npos) {
      name = arg.substr(0, eq);
      value = arg.substr(eq + 1);
      hasValue = true;
    }
    auto takeValue = [&]() {
      if (hasValue)
        return true;
      if (i + 1 >= argc)
        return false;
      value = argv[++i];
      return true;
    };
    int64_t n;
    if (name == "--seed" || name == "--warmup" || name == "--iters") {
      if (!takeValue() || !parseInt(value, n) || n < 0)
        return usageError(name + " needs a non-negative integer");
      if (name == "--seed")
        options.seed = static_cast<uint64_t>(n);
      else if (name == "--warmup")
        options.warmup = static_cast<int>(n);
      else if (n < 1)
        return usageError("--iters needs at least 1");
      else
        options.iters = static_cast<int>(n);
    } else if (name == "--check") {
      if (!takeValue())
        return usageError("--check needs full, sample or none");
      if (value == "full")
        options.check = CheckMode::Full;
      else if (value == "sample")
        options.check = CheckMode::Sample;
      else if (value == "none")
        options.check = CheckMode::None;
      else
        return usageError("--check needs full, sample or none, got '" + value +
                          "'");
    } else if (name == "--results") {
      if (!takeValue() || value.empty())
        return usageError("--results needs a file name");
      options.results = value;
    } else if (name == "--peak-tflops" || name == "--peak-gbps") {
      double x;
      if (!takeValue() || !parseDouble(value, x) || !(x > 0))
        return usageError(name + " needs a positive number");
      (name == "--peak-tflops" ? options.peakTflops : options.peakGbps) = x;
    } else if (name == "--shape") {
      size_t eq = std::string::npos;
      if (takeValue())
        eq = value.find('=');
      std::vector<int64_t> sizes;
      if (eq == std::string::npos || eq == 0 ||
          !parseShape(value.substr(eq + 1), sizes))
        return usageError("--shape needs NAME=AxBxC");
      options.shapes[value.substr(0, eq)] = sizes;
    } else {
      return usageError("unknown option '" + arg + "'");
    }
  }
  if (options.paths.empty())
    return usageError("no manifest or directory given");
  return 0;
}

/// The manifests named by `paths`: files as given, directories expanded to
/// their *.json files in name order.
bool collectManifests(const std::vector<std::string> &paths,
                      std::vector<std::string> &out) {
  namespace fs = std::filesystem;
  for (const std::string &path : paths) {
    std::error_code ec;
    if (fs::is_directory(path, ec)) {
      std::vector<std::string> found;
      for (const auto &entry : fs::directory_iterator(path, ec))
        if (entry.is_regular_file() && entry.path().extension() == ".json")
          found.push_back(entry.path().string());
      if (ec) {
        std::fprintf(stderr, "mixc-bench: cannot list '%s': %s\n", path.c_str(),
                     ec.message().c_str());
        return false;
      }
      if (found.empty()) {
        std::fprintf(stderr, "mixc-bench: no *.json manifest in '%s'\n",
                     path.c_str());
        return false;
      }
      std::sort(found.begin(), found.end());
      out.insert(out.end(), found.begin(), found.end());
    } else if (fs::exists(path, ec)) {
      out.push_back(path);
    } else {
      std::fprintf(stderr, "mixc-bench: no such file or directory: '%s'\n",
                   path.c_str());
      return false;
    }
  }
  return true;
}

//===----------------------------------------------------------------------===//
// Random inputs
//===----------------------------------------------------------------------===//

/// splitmix64: a small generator whose stream is the same on every platform
/// (std::normal_distribution is not), so a seed names the same inputs
/// everywhere.
class Random {
public:
  explicit Random(uint64_t seed) : state(seed) {}

  uint64_t next() {
    uint64_t z = (state += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
  }
  /// Uniform in [0, 1).
  double uniform() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }
  /// Standard normal (Box-Muller; the second value of each pair is kept).
  double normal() {
    if (spare) {
      double v = *spare;
      spare.reset();
      return v;
    }
    const double u1 = 1.0 - uniform(), u2 = uniform();
    const double r = std::sqrt(-2.0 * std::log(u1));
    spare = r * std::sin(2.0 * M_PI * u2);
    return r * std::cos(2.0 * M_PI * u2);
  }

private:
  uint64_t state;
  std::optional<double> spare;
};

/// How an input is drawn: `scale * normal + shift`, then optionally mapped.
enum class Transform { None, Exp, NegExp, Abs };
struct Distribution {
  double scale = 1.0, shift = 0.0;
  Transform transform = Transform::None;
};

/// `elements` values of `dist` from `seed`, rounded to `dtype`.
std::vector<float> draw(DType dtype, int64_t elements, const Distribution &dist,
                        uint64_t seed) {
  Random rng(seed);
  std::vector<float> values(elements);
  for (float &v : values) {
    double x = dist.scale * rng.normal() + dist.shift;
    switch (dist.transform) {
    case Transform::None:
      break;
    case Transform::Exp:
      x = std::exp(x);
      break;
    case Transform::NegExp:
      x = -std::exp(x);
      break;
    case Transform::Abs:
      x = std::fabs(x);
      break;
    }
    v = roundToDType(dtype, static_cast<float>(x));
  }
  return values;
}

//===----------------------------------------------------------------------===//
// Buffers
//===----------------------------------------------------------------------===//

/// Device memory, freed with mixrt_free.
struct DeviceFree {
  void operator()(void *ptr) const { mixrt_free(ptr); }
};
using DeviceMemory = std::unique_ptr<void, DeviceFree>;

/// `bytes` (at least 1) of device memory; null on failure, the reason in
/// mixrt_last_error().
DeviceMemory allocate(size_t bytes) {
  void *ptr = nullptr;
  if (mixrt_malloc(&ptr, std::max<size_t>(1, bytes)))
    return nullptr;
  return DeviceMemory(ptr);
}

/// One kernel argument: its launch shape, host values (inputs: rounded to the
/// dtype), device memory and the bytes copied back (outputs).
struct Buffer {
  const KernelArg *decl = nullptr;
  std::vector<int64_t> shape;
  int64_t elements = 1;
  /// An input's values, held by the InputCache.
  const std::vector<float> *values = nullptr;
  std::vector<uint8_t> result;
  /// An input's device copy (the InputCache's) or an output's own memory.
  void *device = nullptr;
  DeviceMemory ownedDevice;

  Buffer() = default;
  Buffer(const Buffer &) = delete;
  Buffer &operator=(const Buffer &) = delete;

  size_t bytes() const { return elements * dtypeSize(decl->dtype); }
  bool isOutput() const { return decl->role != ArgRole::Input; }
  double value(int64_t i) const { return (*values)[i]; }
  double resultAt(int64_t i) const {
    return decodeElement(decl->dtype, result.data(), i);
  }
};

std::string shapeString(const std::vector<int64_t> &shape) {
  if (shape.empty())
    return "scalar";
  std::string s;
  for (size_t i = 0; i < shape.size(); ++i)
    s += (i ? "x" : "") + std::to_string(shape[i]);
  return s;
}

/// A reference tensor of `shape` whose element at each position comes from
/// `at(flat index)`.
ref::Tensor tensorOf(std::vector<int64_t> shape,
                     const std::function<double(int64_t)> &at) {
  ref::Tensor t(std::move(shape));
  for (int64_t i = 0; i < t.numElements(); ++i)
    t.data[i] = at(i);
  return t;
}

//===----------------------------------------------------------------------===//
// Op checks
//===----------------------------------------------------------------------===//

/// The checked elements of one output: their flat indices and the
/// reference's values there. Made from the inputs alone, never from a
/// kernel's result, so that the kernels that share inputs share it too
/// (InputCache) and only the comparison is done per kernel.
struct Expected {
  std::vector<int64_t> indices;
  std::vector<double> values;
};

/// Where a failed output is worst, as "; worst at [i,j,...]: actual,
/// expected": the coordinates tell a wrong tile, row or head apart from a
/// uniformly wrong result.
std::string worstElement(const std::vector<double> &actual,
                         const Expected &expected,
                         const std::vector<int64_t> &shape) {
  if (actual.empty())
    return "";
  size_t at = 0;
  for (size_t j = 1; j < actual.size(); ++j)
    if (std::fabs(actual[j] - expected.values[j]) >
        std::fabs(actual[at] - expected.values[at]))
      at = j;
  std::string where;
  int64_t i = expected.indices[at];
  for (size_t d = shape.size(); d-- > 0; i /= shape[d])
    where = std::to_string(i % shape[d]) + (where.empty() ? "" : ",") + where;
  char line[128];
  std::snprintf(line, sizeof(line), "; worst at [%s]: %.6g, expected %.6g",
                where.c_str(), actual[at], expected.values[at]);
  return line;
}

/// What an op handler provides: how to draw each input, the work counts, and
/// the reference check.
struct OpPlan {
  std::vector<Distribution> inputs;
  double flops = 0.0;
  /// Fills expected[k] for the k-th output (in argument order) from the
  /// inputs' values; `rng` picks the sampled elements.
  std::function<void(CheckMode, Random &, std::vector<Expected> &)> reference;
};

/// Throws nothing: a handler reports problems through `error`.
using Handler = bool (*)(const Manifest &, std::vector<Buffer> &, OpPlan &,
                         std::string &);

/// Splits the arguments into inputs then outputs, checking that order.
bool splitArgs(const Manifest &m, std::vector<Buffer> &buffers,
               std::vector<Buffer *> &inputs, std::vector<Buffer *> &outputs,
               std::string &error) {
  for (Buffer &b : buffers) {
    if (b.decl->role == ArgRole::InOut) {
      error = "argument '" + b.decl->name +
              "' is inout; mixc-bench checks pure input -> output kernels";
      return false;
    }
    if (b.isOutput()) {
      outputs.push_back(&b);
    } else {
      if (!outputs.empty()) {
        error = "input '" + b.decl->name + "' follows an output";
        return false;
      }
      inputs.push_back(&b);
    }
  }
  return true;
}

bool expectRank(const Buffer &b, size_t rank, std::string &error) {
  if (b.shape.size() == rank)
    return true;
  error = "argument '" + b.decl->name + "' has rank " +
          std::to_string(b.shape.size()) + ", expected " + std::to_string(rank);
  return false;
}

bool expectShape(const Buffer &b, const std::vector<int64_t> &shape,
                 std::string &error) {
  if (b.shape == shape)
    return true;
  error = "argument '" + b.decl->name + "' is " + shapeString(b.shape) +
          ", expected " + shapeString(shape);
  return false;
}

bool expectFloat(const Buffer &b, std::string &error) {
  if (isFloat(b.decl->dtype))
    return true;
  error = "argument '" + b.decl->name + "' has dtype " +
          dtypeName(b.decl->dtype) + ", expected a float type";
  return false;
}

/// Number of (query, key) pairs row `i` keeps under causal/window/sinks, in
/// O(1): the window interval [lo, hi] (causal caps hi at i) plus the sink
/// keys [0, sinkHi] outside it (sinks pass the window, not causality).
int64_t keptKeys(int64_t i, int64_t kLen, bool causal,
                 std::optional<int64_t> left, std::optional<int64_t> right,
                 int64_t sinks) {
  const int64_t causalHi = causal ? std::min(i, kLen - 1) : kLen - 1;
  int64_t lo = 0, hi = causalHi;
  if (left)
    lo = std::max<int64_t>(0, i - *left);
  if (right)
    hi = std::min(hi, i + *right);
  const int64_t window = std::max<int64_t>(0, hi - lo + 1);
  const int64_t sinkHi = std::min(sinks - 1, causalHi);
  if (sinkHi < 0)
    return window;
  const int64_t overlap =
      hi >= lo ? std::max<int64_t>(0, std::min(sinkHi, hi) - lo + 1) : 0;
  return window + (sinkHi + 1) - overlap;
}

bool planAttention(const Manifest &m, std::vector<Buffer> &buffers,
                   OpPlan &plan, std::string &error) {
  std::vector<Buffer *> in, out;
  if (!splitArgs(m, buffers, in, out, error))
    return false;
  for (Buffer *b : in)
    if (b->decl->name == "bias" || b->decl->name == "block_mask") {
      error = "attention with '" + b->decl->name +
              "' is not supported by mixc-bench yet";
      return false;
    }
  if (in.size() != 3 || out.empty() || out.size() > 2) {
    error = "mix.attention needs inputs query, key, value and outputs "
            "result [, lse]; got " +
            std::to_string(in.size()) + " inputs and " +
            std::to_string(out.size()) + " outputs";
    return false;
  }
  const Buffer &q = *in[0], &k = *in[1], &v = *in[2], &o = *out[0];
  for (const Buffer *b : {&q, &k, &v, &o})
    if (!expectRank(*b, 4, error) || !expectFloat(*b, error))
      return false;
  const int64_t batch = q.shape[0], qHeads = q.shape[1], qLen = q.shape[2],
                dim = q.shape[3], kvHeads = k.shape[1], kLen = k.shape[2],
                vDim = v.shape[3];
  if (!expectShape(k, {batch, kvHeads, kLen, dim}, error) ||
      !expectShape(v, {batch, kvHeads, kLen, vDim}, error) ||
      !expectShape(o, {batch, qHeads, qLen, vDim}, error))
    return false;
  if (kvHeads == 0 || qHeads % kvHeads) {
    error = "key head count (" + std::to_string(kvHeads) +
            ") must divide query head count (" + std::to_string(qHeads) + ")";
    return false;
  }
  const Buffer *lse = out.size() == 2 ? out[1] : nullptr;
  if (lse && (!expectShape(*lse, {batch, qHeads, qLen}, error)))
    return false;
  if (lse && lse->decl->dtype != DType::F32) {
    error = "lse must be f32";
    return false;
  }

  // Attributes: -1 (or absent) leaves a window side or the scale unset.
  const bool causal = m.attrBool("causal", false);
  std::optional<int64_t> left, right;
  if (int64_t w = m.attrInt("window_left", -1); w >= 0)
    left = w;
  if (int64_t w = m.attrInt("window_right", -1); w >= 0)
    right = w;
  const int64_t sinks = std::max<int64_t>(0, m.attrInt("sink_tokens", 0));
  if (causal && right && *right == 0)
    right.reset(); // causal already fixes the right window at 0
  if (causal && right) {
    error =
        "attrs: causal excludes window_right (" + std::to_string(*right) + ")";
    return false;
  }
  if (sinks && !left) {
    error = "attrs: sink_tokens needs window_left";
    return false;
  }
  ref::AttentionOptions options;
  options.causal = causal;
  options.windowLeft = left;
  options.windowRight = right;
  options.sinkTokens = sinks;
  if (double scale = m.attrDouble("scale", -1.0); scale > 0)
    options.scale = scale;

  plan.inputs.assign(3, Distribution());
  int64_t pairs = 0;
  for (int64_t i = 0; i < qLen; ++i)
    pairs += keptKeys(i, kLen, causal, left, right, sinks);
  plan.flops = 2.0 * static_cast<double>(dim + vDim) *
               static_cast<double>(pairs) * static_cast<double>(batch * qHeads);

  const Buffer *qp = &q, *kp = &k, *vp = &v;
  const bool hasLse = lse != nullptr;
  plan.reference = [=](CheckMode mode, Random &rng,
                       std::vector<Expected> &expected) {
    if (batch == 0 || qHeads == 0 || qLen == 0)
      return;
    // (batch, head, first row, rows) blocks to check.
    struct Block {
      int64_t b, h, start, rows;
    };
    std::vector<Block> blocks;
    if (mode == CheckMode::Full) {
      for (int64_t b = 0; b < batch; ++b)
        for (int64_t h = 0; h < qHeads; ++h)
          blocks.push_back({b, h, 0, qLen});
    } else {
      const int64_t rows = std::min<int64_t>(128, qLen);
      const int64_t lastStart = qLen - rows;
      std::vector<std::pair<int64_t, int64_t>> heads = {
          {0, 0}, {batch - 1, qHeads - 1}, {batch / 2, qHeads / 2}};
      heads.push_back({static_cast<int64_t>(rng.next() % batch),
                       static_cast<int64_t>(rng.next() % qHeads)});
      for (auto [b, h] : heads) {
        bool seen = false;
        for (const Block &x : blocks)
          seen |= x.b == b && x.h == h;
        if (seen)
          continue;
        // The first block, the last (where causal rows are longest), then
        // random ones.
        int64_t start =
            blocks.empty() ? 0
            : blocks.size() == 1
                ? lastStart
                : static_cast<int64_t>(rng.next() % (lastStart + 1));
        blocks.push_back({b, h, start, rows});
      }
    }
    const int64_t group = qHeads / kvHeads;
    for (const Block &blk : blocks) {
      const int64_t kvh = blk.h / group;
      ref::Tensor query = tensorOf({1, 1, blk.rows, dim}, [&](int64_t i) {
        return qp->value(((blk.b * qHeads + blk.h) * qLen + blk.start) * dim +
                         i);
      });
      ref::Tensor key = tensorOf({1, 1, kLen, dim}, [&](int64_t i) {
        return kp->value((blk.b * kvHeads + kvh) * kLen * dim + i);
      });
      ref::Tensor value = tensorOf({1, 1, kLen, vDim}, [&](int64_t i) {
        return vp->value((blk.b * kvHeads + kvh) * kLen * vDim + i);
      });
      ref::AttentionOptions sliceOptions = options;
      sliceOptions.queryOffset = blk.start;
      ref::Tensor referenceLse;
      ref::Tensor reference = ref::attention(query, key, value, sliceOptions,
                                             hasLse ? &referenceLse : nullptr);
      const int64_t rowBase = (blk.b * qHeads + blk.h) * qLen + blk.start;
      for (int64_t i = 0; i < blk.rows * vDim; ++i) {
        expected[0].indices.push_back(rowBase * vDim + i);
        expected[0].values.push_back(reference.data[i]);
      }
      if (hasLse)
        for (int64_t r = 0; r < blk.rows; ++r) {
          expected[1].indices.push_back(rowBase + r);
          expected[1].values.push_back(referenceLse.data[r]);
        }
    }
  };
  return true;
}

bool planSSD(const Manifest &m, std::vector<Buffer> &buffers, OpPlan &plan,
             std::string &error) {
  std::vector<Buffer *> in, out;
  if (!splitArgs(m, buffers, in, out, error))
    return false;
  if (in.size() < 5 || in.size() > 7 || out.size() != 1) {
    error = "mix.ssd needs inputs x, dt, A, B, C [, D] [, dt_bias] and one "
            "output; got " +
            std::to_string(in.size()) + " inputs and " +
            std::to_string(out.size()) + " outputs";
    return false;
  }
  const Buffer &x = *in[0], &dt = *in[1], &a = *in[2], &bm = *in[3],
               &cm = *in[4], &y = *out[0];
  const Buffer *skip = nullptr, *dtBias = nullptr;
  if (in.size() == 7) {
    skip = in[5];
    dtBias = in[6];
  } else if (in.size() == 6) {
    (in[5]->decl->name == "dt_bias" ? dtBias : skip) = in[5];
  }
  for (const Buffer *b : {&x, &dt, &a, &bm, &cm, &y, skip, dtBias})
    if (b && !expectFloat(*b, error))
      return false;
  if (!expectRank(x, 4, error) || !expectRank(bm, 4, error))
    return false;
  const int64_t batch = x.shape[0], len = x.shape[1], heads = x.shape[2],
                headDim = x.shape[3], groups = bm.shape[2], state = bm.shape[3];
  if (!expectShape(dt, {batch, len, heads}, error) ||
      !expectShape(a, {heads}, error) ||
      !expectShape(bm, {batch, len, groups, state}, error) ||
      !expectShape(cm, {batch, len, groups, state}, error) ||
      !expectShape(y, x.shape, error) ||
      (skip && !expectShape(*skip, {heads}, error)) ||
      (dtBias && !expectShape(*dtBias, {heads}, error)))
    return false;
  if (groups == 0 || heads % groups) {
    error = "group count (" + std::to_string(groups) +
            ") must divide head count (" + std::to_string(heads) + ")";
    return false;
  }
  bool bidirectional = m.attrBool("bidirectional", false);
  if (const json::Value *d = m.attrs.get("direction");
      d && d->kind == json::Value::Kind::String) {
    if (d->string == "bidirectional")
      bidirectional = true;
    else if (d->string != "forward") {
      error = "attrs: direction '" + d->string +
              "' is not an SSD form (forward or bidirectional)";
      return false;
    }
  }
  ref::SSDOptions options;
  options.dtSoftplus = m.attrBool("dt_softplus", false);
  options.bidirectional = bidirectional;

  // dt > 0 and A < 0 keep every decay exp(dt A) in (0, 1), as in Mamba-2.
  plan.inputs.assign(in.size(), Distribution());
  plan.inputs[1] = options.dtSoftplus ? Distribution{0.5, -3.0, Transform::None}
                                      : Distribution{0.5, -3.0, Transform::Exp};
  plan.inputs[2] = {0.5, 0.0, Transform::NegExp};
  if (dtBias)
    plan.inputs[in.size() - 1] = {0.01, 0.0, Transform::Abs};

  // Chunked SSD per chunk of Q tokens: C B^T (2 Q^2 N) per group; per head
  // the masked intra-chunk product (2 Q^2 P), chunk states B^T x and their
  // contribution C state (2 Q N P each) and the state pass (2 N P).
  const double chunk = static_cast<double>(
      std::max<int64_t>(1, m.scheduleParam("chunk_size", 64)));
  const double chunks = std::ceil(static_cast<double>(len) / chunk);
  const double n = static_cast<double>(state), p = static_cast<double>(headDim);
  plan.flops = static_cast<double>(batch) * chunks *
               (static_cast<double>(groups) * 2 * chunk * chunk * n +
                static_cast<double>(heads) *
                    (2 * chunk * chunk * p + 4 * chunk * n * p + 2 * n * p));
  if (bidirectional)
    plan.flops *= 2;
  if (skip)
    plan.flops += 2.0 * static_cast<double>(batch * len * heads * headDim);

  const Buffer *xp = &x, *dtp = &dt, *ap = &a, *bp = &bm, *cp = &cm;
  plan.reference = [=](CheckMode mode, Random &,
                       std::vector<Expected> &expected) {
    std::vector<std::pair<int64_t, int64_t>> pairs;
    if (mode == CheckMode::Full) {
      for (int64_t b = 0; b < batch; ++b)
        for (int64_t h = 0; h < heads; ++h)
          pairs.push_back({b, h});
    } else {
      pairs.push_back({0, 0});
      if (batch > 1 || heads > 1)
        pairs.push_back({batch - 1, heads - 1});
    }
    const int64_t perGroup = heads / groups;
    // Every token of the chosen heads: the forward form through the O(L)
    // state recurrence (the matrix form costs O(L^2) per head, minutes at
    // L = 16k), the bidirectional one through the matrix form.
    const int64_t prefix = len;
    for (auto [b, h] : pairs) {
      const int64_t g = h / perGroup;
      // One (batch, head) as a problem of one head and one group.
      ref::Tensor xs = tensorOf({1, prefix, 1, headDim}, [&](int64_t i) {
        return xp->value(((b * len + i / headDim) * heads + h) * headDim +
                         i % headDim);
      });
      ref::Tensor dts = tensorOf({1, prefix, 1}, [&](int64_t t) {
        return dtp->value((b * len + t) * heads + h);
      });
      ref::Tensor as = tensorOf({1}, [&](int64_t) { return ap->value(h); });
      auto groupSlice = [&](const Buffer *src) {
        return tensorOf({1, prefix, 1, state}, [&](int64_t i) {
          return src->value(((b * len + i / state) * groups + g) * state +
                            i % state);
        });
      };
      ref::Tensor bs = groupSlice(bp), cs = groupSlice(cp);
      ref::Tensor ds, biases;
      ref::SSDOptions sliceOptions = options;
      if (skip) {
        ds = tensorOf({1}, [&](int64_t) { return skip->value(h); });
        sliceOptions.D = &ds;
      }
      if (dtBias) {
        biases = tensorOf({1}, [&](int64_t) { return dtBias->value(h); });
        sliceOptions.dtBias = &biases;
      }
      ref::Tensor reference =
          bidirectional ? ref::ssd(xs, dts, as, bs, cs, sliceOptions)
                        : ref::ssdRecurrent(xs, dts, as, bs, cs, sliceOptions);
      for (int64_t i = 0; i < prefix * headDim; ++i) {
        const int64_t t = i / headDim, e = i % headDim;
        expected[0].indices.push_back(((b * len + t) * heads + h) * headDim +
                                      e);
        expected[0].values.push_back(reference.data[i]);
      }
    }
  };
  return true;
}

bool planMonarch(const Manifest &m, std::vector<Buffer> &buffers, OpPlan &plan,
                 std::string &error) {
  std::vector<Buffer *> in, out;
  if (!splitArgs(m, buffers, in, out, error))
    return false;
  if (in.size() != 3 || out.size() != 1) {
    error = "mix.monarch needs inputs input, first_factor, second_factor and "
            "one output; got " +
            std::to_string(in.size()) + " inputs and " +
            std::to_string(out.size()) + " outputs";
    return false;
  }
  const Buffer &x = *in[0], &f1 = *in[1], &f2 = *in[2], &y = *out[0];
  for (const Buffer *b : {&x, &f1, &f2, &y})
    if (!expectFloat(*b, error))
      return false;
  if (x.shape.empty()) {
    error = "argument '" + x.decl->name + "' must have rank >= 1";
    return false;
  }
  if (!expectRank(f1, 3, error) || !expectRank(f2, 3, error))
    return false;
  const int64_t n = x.shape.back(), k = f1.shape[0], q = f1.shape[1],
                p = f1.shape[2], l = f2.shape[0], s = f2.shape[1],
                r = f2.shape[2];
  if (k * p != n || l * r != k * q) {
    error = "factors " + shapeString(f1.shape) + " and " +
            shapeString(f2.shape) + " do not fit n = " + std::to_string(n) +
            " (need n = k*p and l*r = k*q)";
    return false;
  }
  std::vector<int64_t> yShape = x.shape;
  yShape.back() = l * s;
  if (!expectShape(y, yShape, error))
    return false;
  const int64_t rows = x.elements / std::max<int64_t>(1, n);
  plan.inputs.assign(3, Distribution());
  plan.flops =
      static_cast<double>(rows) * (2.0 * static_cast<double>(k * q * p) +
                                   2.0 * static_cast<double>(l * s * r));

  const Buffer *xp = &x, *f1p = &f1, *f2p = &f2;
  plan.reference = [=](CheckMode mode, Random &,
                       std::vector<Expected> &expected) {
    // All rows, or up to 256 spread evenly, first and last included.
    std::vector<int64_t> picked;
    const int64_t count =
        mode == CheckMode::Full ? rows : std::min<int64_t>(rows, 256);
    for (int64_t i = 0; i < count; ++i)
      picked.push_back(count == rows ? i : i * (rows - 1) / (count - 1));
    ref::Tensor xs = tensorOf({count, n}, [&](int64_t i) {
      return xp->value(picked[i / n] * n + i % n);
    });
    ref::Tensor first =
        tensorOf(f1p->shape, [&](int64_t i) { return f1p->value(i); });
    ref::Tensor second =
        tensorOf(f2p->shape, [&](int64_t i) { return f2p->value(i); });
    ref::Tensor reference = ref::monarch(xs, first, second);
    const int64_t width = l * s;
    for (int64_t i = 0; i < count * width; ++i) {
      expected[0].indices.push_back(picked[i / width] * width + i % width);
      expected[0].values.push_back(reference.data[i]);
    }
  };
  return true;
}

Handler handlerFor(const std::string &op) {
  if (op == "mix.attention")
    return planAttention;
  if (op == "mix.ssd")
    return planSSD;
  if (op == "mix.monarch")
    return planMonarch;
  return nullptr;
}

//===----------------------------------------------------------------------===//
// JSON text
//===----------------------------------------------------------------------===//

std::string jsonNumber(double value) {
  if (!std::isfinite(value))
    return "null";
  char buffer[32];
  std::snprintf(buffer, sizeof(buffer), "%.6g", value);
  return buffer;
}

/// `value` in C's hexadecimal form: every bit of it, for cache keys.
std::string exactNumber(double value) {
  char buffer[40];
  std::snprintf(buffer, sizeof(buffer), "%a", value);
  return buffer;
}

/// `v` as JSON text; doubles with 6 digits, or `exact` (not JSON then).
std::string jsonOf(const json::Value &v, bool exact = false) {
  switch (v.kind) {
  case json::Value::Kind::Null:
    return "null";
  case json::Value::Kind::Bool:
    return v.boolean ? "true" : "false";
  case json::Value::Kind::Int:
    return std::to_string(v.integer);
  case json::Value::Kind::Double:
    return exact ? exactNumber(v.number) : jsonNumber(v.number);
  case json::Value::Kind::String:
    return json::quote(v.string);
  case json::Value::Kind::Array: {
    std::string s = "[";
    for (size_t i = 0; i < v.array.size(); ++i)
      s += (i ? "," : "") + jsonOf(v.array[i], exact);
    return s + "]";
  }
  case json::Value::Kind::Object: {
    std::string s = "{";
    for (size_t i = 0; i < v.object.size(); ++i)
      s += (i ? "," : "") + json::quote(v.object[i].first) + ":" +
           jsonOf(v.object[i].second, exact);
    return s + "}";
  }
  }
  return "null";
}

//===----------------------------------------------------------------------===//
// Inputs shared between kernels
//===----------------------------------------------------------------------===//

/// The inputs, and the reference's expected values, of the last kernel run,
/// kept for the kernels after it.
///
/// bench/measure_dataset.py gives one process all the schedules of a task:
/// kernels that differ only in their schedule, so they get the same inputs
/// and the reference gives the same expected values for each. Drawing the
/// inputs and running the double-precision reference took most of a second
/// per kernel, the kernel itself milliseconds; so both are made once and
/// reused for as long as consecutive kernels ask for the same key (on an
/// H200, the 36 schedules of a 4M-element attention task: 21 s before, 2 s
/// with it). One key is held at a time (a task's inputs are tens of MB):
/// another replaces it.
///
/// The device copies of the inputs are reused as they are: the kernels only
/// read them (role "input"; the timed launches reuse them already). Outputs
/// stay each kernel's own, poisoned before its launch. The device memory
/// belongs to the CUDA context: when a fault loses the context, main()
/// clears the cache along with it.
class InputCache {
public:
  /// One input: its values rounded to its dtype, and their device copy.
  struct Input {
    std::vector<float> values;
    DeviceMemory device;
  };

  /// The inputs named by `key`: those held, or else those that `make` fills
  /// in (then held under `key`). Null when `make` fails; nothing is held then.
  std::vector<Input> *
  inputs(const std::string &key,
         const std::function<bool(std::vector<Input> &)> &make) {
    if (!inputKey.empty() && key == inputKey)
      return &held;
    // Frees the old device memory before the new is allocated.
    clear();
    std::vector<Input> fresh;
    if (!make(fresh))
      return nullptr;
    held = std::move(fresh);
    inputKey = key;
    return &held;
  }

  /// The expected values named by `key` (a key that names the held inputs
  /// too): those held, or else those that `compute` fills in.
  const std::vector<Expected> &
  expected(const std::string &key,
           const std::function<void(std::vector<Expected> &)> &compute) {
    if (referenceKey.empty() || key != referenceKey) {
      expectedValues.clear();
      compute(expectedValues);
      referenceKey = key;
    }
    return expectedValues;
  }

  /// Forgets everything, freeing the device memory.
  void clear() {
    inputKey.clear();
    referenceKey.clear();
    held.clear();
    expectedValues.clear();
  }

private:
  std::string inputKey, referenceKey;
  std::vector<Input> held;
  std::vector<Expected> expectedValues;
};

/// Names the inputs of a kernel: everything draw() and the reference read
/// of them. The seed, then per input (by position, which seeds it) its name
/// (the SSD tells dt_bias from D by it), dtype, launch shape and
/// distribution, numbers written exactly.
std::string inputKeyOf(uint64_t seed, const std::vector<Buffer> &buffers,
                       const std::vector<Distribution> &distributions) {
  std::string key = "seed " + std::to_string(seed);
  size_t inputIndex = 0;
  for (size_t i = 0; i < buffers.size(); ++i) {
    const Buffer &b = buffers[i];
    if (b.isOutput())
      continue;
    const Distribution &d = distributions[inputIndex++];
    key += "; " + std::to_string(i) + " " + b.decl->name + " " +
           dtypeName(b.decl->dtype) + " " + shapeString(b.shape) + " " +
           exactNumber(d.scale) + " " + exactNumber(d.shift) + " " +
           std::to_string(static_cast<int>(d.transform));
  }
  return key;
}

/// Names a reference check: the inputs, the op and its attributes (the
/// function computed), the outputs and the check mode (which elements are
/// compared). Not the schedule: every schedule computes the same function.
std::string referenceKeyOf(const std::string &inputKey, const Manifest &m,
                           const std::vector<Buffer> &buffers, CheckMode mode) {
  std::string key = inputKey + "; " + m.op + " " +
                    jsonOf(m.attrs, /*exact=*/true) + "; check " +
                    std::to_string(static_cast<int>(mode));
  for (const Buffer &b : buffers)
    if (b.isOutput())
      key += "; " + b.decl->name + " " + dtypeName(b.decl->dtype) + " " +
             shapeString(b.shape);
  return key;
}

//===----------------------------------------------------------------------===//
// One kernel
//===----------------------------------------------------------------------===//

struct Report {
  std::string manifestPath, kernel = "?", op = "?", dtype = "?", shapes;
  const Manifest *manifest = nullptr;
  /// PASS, FAIL (check), ERROR (could not run), TIMED (--check=none).
  std::string status = "ERROR";
  std::string message;
  double flops = 0, bytes = 0;
  std::optional<double> error, tolerance;
  std::optional<float> medianMs, minMs, maxMs;
  std::vector<float> times;
  /// The kernel faulted, taking the CUDA context with it.
  bool contextLost = false;

  double tflops() const { return medianMs ? flops / (*medianMs * 1e9) : 0; }
  double gbps() const { return medianMs ? bytes / (*medianMs * 1e6) : 0; }
};

/// Tolerance from the least precise float type among the arguments.
double toleranceFor(const Manifest &m) {
  double tolerance = 1e-4;
  for (const KernelArg &arg : m.args) {
    if (arg.dtype == DType::BF16 || arg.dtype == DType::F16)
      tolerance = std::max(tolerance, 1e-2);
    if (arg.dtype == DType::F8E4M3)
      tolerance = std::max(tolerance, 1e-1);
  }
  return tolerance;
}

/// Fills `report`; returns normally in every case.
void runKernel(const std::string &path, const Options &options,
               InputCache &cache, Manifest &manifest, Report &report) {
  report.manifestPath = path;
  std::string error;
  if (!readManifest(path, manifest, error)) {
    report.message = error;
    return;
  }
  const Manifest &m = manifest;
  report.manifest = &manifest;
  report.kernel = m.kernel;
  report.op = m.op;
  report.dtype = dtypeName(m.args.front().dtype);

  // Launch shapes: the manifest's, dynamic sizes from --shape.
  std::vector<Buffer> buffers(m.args.size());
  for (size_t i = 0; i < m.args.size(); ++i) {
    Buffer &b = buffers[i];
    b.decl = &m.args[i];
    b.shape = b.decl->shape;
    auto given = options.shapes.find(b.decl->name);
    for (size_t d = 0; d < b.shape.size(); ++d) {
      if (b.shape[d] >= 0)
        continue;
      if (given == options.shapes.end() ||
          given->second.size() != b.shape.size()) {
        report.message = "argument '" + b.decl->name +
                         "' has dynamic "
                         "dimension " +
                         std::to_string(d) + "; give its sizes with --shape " +
                         b.decl->name + "=AxB...";
        return;
      }
      b.shape[d] = given->second[d];
    }
    for (int64_t size : b.shape)
      b.elements *= size;
    report.bytes += static_cast<double>(b.bytes());
    report.shapes += (i ? " " : "") + b.decl->name + "=" +
                     shapeString(b.shape) + ":" + dtypeName(b.decl->dtype);
  }

  Handler handler = handlerFor(m.op);
  if (!handler) {
    report.message = "unknown op '" + m.op +
                     "' (mixc-bench checks mix.attention, mix.ssd and "
                     "mix.monarch)";
    return;
  }
  OpPlan plan;
  if (!handler(m, buffers, plan, error)) {
    report.message = m.op + ": " + error;
    return;
  }
  report.flops = plan.flops;

  mixrt_kernel_t *rawKernel = nullptr;
  if (mixrt_kernel_load(path.c_str(), &rawKernel)) {
    report.message = mixrt_last_error();
    return;
  }
  std::unique_ptr<mixrt_kernel_t, void (*)(mixrt_kernel_t *)> kernel(
      rawKernel, mixrt_kernel_destroy);

  // Inputs drawn from the seed and their position and uploaded, or those of
  // the kernel before when they are the same.
  const std::string inputKey = inputKeyOf(options.seed, buffers, plan.inputs);
  std::vector<InputCache::Input> *inputs =
      cache.inputs(inputKey, [&](std::vector<InputCache::Input> &fresh) {
        for (size_t i = 0; i < buffers.size(); ++i) {
          const Buffer &b = buffers[i];
          if (b.isOutput())
            continue;
          InputCache::Input input;
          input.values =
              draw(b.decl->dtype, b.elements, plan.inputs[fresh.size()],
                   options.seed * 0x100000001b3ull + 0x9e37 * (i + 1));
          input.device = allocate(b.bytes());
          std::vector<uint8_t> bytes(b.bytes());
          encodeElements(b.decl->dtype, input.values.data(),
                         input.values.size(), bytes.data());
          if (!input.device || mixrt_memcpy_htod(input.device.get(),
                                                 bytes.data(), bytes.size())) {
            report.message = mixrt_last_error();
            return false;
          }
          fresh.push_back(std::move(input));
        }
        return true;
      });
  if (!inputs)
    return;
  size_t inputIndex = 0;
  for (Buffer &b : buffers) {
    if (b.isOutput()) {
      // Outputs: this kernel's own, poisoned.
      b.ownedDevice = allocate(b.bytes());
      b.device = b.ownedDevice.get();
      if (!b.device || mixrt_memset_d8(b.device, 0xff, b.bytes())) {
        report.message = mixrt_last_error();
        return;
      }
      continue;
    }
    InputCache::Input &input = (*inputs)[inputIndex++];
    b.values = &input.values;
    b.device = input.device.get();
  }
  std::vector<void *> ptrs;
  std::vector<const int64_t *> shapes;
  for (Buffer &b : buffers) {
    ptrs.push_back(b.device);
    shapes.push_back(b.shape.data());
  }

  if (mixrt_kernel_launch(kernel.get(), ptrs.data(), shapes.data(), nullptr)) {
    report.message = mixrt_last_error();
    return;
  }
  // A kernel that faults leaves the CUDA context unusable for the rest of
  // the process; later kernels are then reported as not run.
  if (mixrt_synchronize()) {
    report.message = std::string("the kernel faulted: ") + mixrt_last_error();
    report.contextLost = true;
    return;
  }

  // Every output element must have been written (no 0xff poison left) and
  // none may be NaN.
  std::vector<Buffer *> outputs;
  for (Buffer &b : buffers) {
    if (!b.isOutput())
      continue;
    outputs.push_back(&b);
    b.result.resize(b.bytes());
    if (mixrt_memcpy_dtoh(b.result.data(), b.device, b.bytes())) {
      report.message = mixrt_last_error();
      return;
    }
  }
  report.status = "PASS";
  // Outputs that failed this check are not compared with the reference.
  std::vector<bool> written(outputs.size(), true);
  for (size_t k = 0; k < outputs.size(); ++k) {
    const Buffer *b = outputs[k];
    const size_t size = dtypeSize(b->decl->dtype);
    int64_t unwritten = 0, nans = 0, firstUnwritten = -1, firstNan = -1;
    for (int64_t i = 0; i < b->elements; ++i) {
      const uint8_t *e = b->result.data() + i * size;
      if (std::all_of(e, e + size, [](uint8_t x) { return x == 0xff; })) {
        if (unwritten++ == 0)
          firstUnwritten = i;
      } else if (std::isnan(b->resultAt(i))) {
        if (nans++ == 0)
          firstNan = i;
      }
    }
    written[k] = !unwritten && !nans;
    if (unwritten) {
      report.status = "FAIL";
      report.message += (report.message.empty() ? "" : "; ") +
                        std::string("output '") + b->decl->name + "' element " +
                        std::to_string(firstUnwritten) +
                        " was never written (" + std::to_string(unwritten) +
                        " of " + std::to_string(b->elements) + " elements)";
    } else if (nans) {
      report.status = "FAIL";
      report.message += (report.message.empty() ? "" : "; ") +
                        std::string("output '") + b->decl->name + "' element " +
                        std::to_string(firstNan) + " is NaN (" +
                        std::to_string(nans) + " NaN elements)";
    }
  }

  if (options.check == CheckMode::None) {
    if (report.status == "PASS")
      report.status = "TIMED";
  } else {
    // The expected values: the kernel before's when the inputs and the op
    // are the same (the same seed picks the same sampled elements).
    const std::vector<Expected> &expected =
        cache.expected(referenceKeyOf(inputKey, m, buffers, options.check),
                       [&](std::vector<Expected> &fresh) {
                         fresh.resize(outputs.size());
                         Random rng(options.seed ^ 0x5eed);
                         plan.reference(options.check, rng, fresh);
                       });
    report.tolerance = toleranceFor(m);
    double worst = 0.0;
    bool compared = false;
    for (size_t k = 0; k < outputs.size(); ++k) {
      if (!written[k])
        continue;
      compared = true;
      std::vector<double> actual;
      actual.reserve(expected[k].indices.size());
      for (int64_t i : expected[k].indices)
        actual.push_back(outputs[k]->resultAt(i));
      double e = ref::relativeL2Error(actual, expected[k].values);
      if (std::isnan(e) || e > worst)
        worst = e;
      if (std::isnan(e) || e > *report.tolerance) {
        report.status = "FAIL";
        char line[256];
        std::snprintf(line, sizeof(line),
                      "output '%s': relative L2 error %.3g exceeds %.0e "
                      "(%zu elements checked)",
                      outputs[k]->decl->name.c_str(), e, *report.tolerance,
                      actual.size());
        report.message += (report.message.empty() ? "" : "; ") +
                          std::string(line) +
                          worstElement(actual, expected[k], outputs[k]->shape);
      }
    }
    if (compared)
      report.error = worst;
  }

  report.times.resize(options.iters);
  float median = 0;
  if (mixrt_kernel_time(kernel.get(), ptrs.data(), shapes.data(), nullptr,
                        options.warmup, options.iters, &median,
                        report.times.data())) {
    report.status = "ERROR";
    report.message +=
        (report.message.empty() ? "" : "; ") + std::string(mixrt_last_error());
    report.times.clear();
    return;
  }
  report.medianMs = median;
  report.minMs = *std::min_element(report.times.begin(), report.times.end());
  report.maxMs = *std::max_element(report.times.begin(), report.times.end());

  // The timed launches must have computed what the checked one did: a kernel
  // whose workspace or other state is not restored between launches, or
  // that races, shows here. (Every kernel mixc emits is deterministic.)
  for (const Buffer *b : outputs) {
    std::vector<uint8_t> again(b->bytes());
    if (mixrt_memcpy_dtoh(again.data(), b->device, b->bytes())) {
      report.status = "ERROR";
      report.message += (report.message.empty() ? "" : "; ") +
                        std::string(mixrt_last_error());
      return;
    }
    if (again != b->result) {
      size_t first = 0;
      while (again[first] == b->result[first])
        ++first;
      report.status = "FAIL";
      report.message += (report.message.empty() ? "" : "; ") +
                        std::string("output '") + b->decl->name +
                        "' after the timed launches differs from the first "
                        "launch's (element " +
                        std::to_string(first / dtypeSize(b->decl->dtype)) + ")";
    }
  }
}

//===----------------------------------------------------------------------===//
// Output
//===----------------------------------------------------------------------===//

std::string format(const char *fmt, double value) {
  char buffer[64];
  std::snprintf(buffer, sizeof(buffer), fmt, value);
  return buffer;
}

std::string utcNow() {
  std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  char buffer[32];
  std::strftime(buffer, sizeof(buffer), "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buffer;
}

std::string resultLine(const Report &r, const Options &options,
                       const mixrt_device_info_t &device,
                       const std::string &date) {
  auto optional = [](const auto &value) {
    return value ? jsonNumber(*value) : std::string("null");
  };
  std::string shapes = "{", dtypes = "{";
  if (r.manifest)
    for (size_t i = 0; i < r.manifest->args.size(); ++i) {
      const KernelArg &arg = r.manifest->args[i];
      std::string sizes = "[";
      for (size_t d = 0; d < arg.shape.size(); ++d)
        sizes += (d ? "," : "") + std::to_string(arg.shape[d]);
      shapes += (i ? "," : "") + json::quote(arg.name) + ":" + sizes + "]";
      dtypes += (i ? "," : "") + json::quote(arg.name) + ":" +
                json::quote(dtypeName(arg.dtype));
    }
  std::string schedule = "null";
  if (r.manifest && !r.manifest->scheduleTemplate.empty())
    schedule = "{\"template\":" + json::quote(r.manifest->scheduleTemplate) +
               ",\"params\":" + jsonOf(r.manifest->scheduleParams) + "}";
  static const char *const kModes[] = {"full", "sample", "none"};
  const double ceiling =
      std::max(r.tflops() / options.peakTflops, r.gbps() / options.peakGbps);
  return std::string("{\"schema_version\":1") +
         ",\"kernel\":" + json::quote(r.kernel) +
         ",\"manifest\":" + json::quote(r.manifestPath) +
         ",\"op\":" + json::quote(r.op) + ",\"shapes\":" + shapes + "}" +
         ",\"dtypes\":" + dtypes + "}" + ",\"dtype\":" + json::quote(r.dtype) +
         ",\"schedule\":" + schedule + ",\"time_ms\":" + optional(r.medianMs) +
         ",\"time_ms_min\":" + optional(r.minMs) +
         ",\"time_ms_max\":" + optional(r.maxMs) +
         ",\"flops\":" + jsonNumber(r.flops) +
         ",\"bytes\":" + jsonNumber(r.bytes) +
         ",\"tflops\":" + (r.medianMs ? jsonNumber(r.tflops()) : "null") +
         ",\"gbps\":" + (r.medianMs ? jsonNumber(r.gbps()) : "null") +
         ",\"ceiling\":" + (r.medianMs ? jsonNumber(ceiling) : "null") +
         ",\"error\":" + optional(r.error) +
         ",\"tolerance\":" + optional(r.tolerance) +
         ",\"check\":" + json::quote(kModes[static_cast<int>(options.check)]) +
         ",\"status\":" + json::quote(r.status) +
         ",\"message\":" + json::quote(r.message) +
         ",\"device\":" + json::quote(device.name) +
         ",\"driver_version\":" + std::to_string(device.driver_version) +
         ",\"seed\":" + std::to_string(options.seed) +
         ",\"warmup\":" + std::to_string(options.warmup) +
         ",\"iters\":" + std::to_string(options.iters) +
         ",\"date\":" + json::quote(date) + "}";
}

void printTable(const std::vector<Report> &reports, const Options &options) {
  std::vector<std::vector<std::string>> rows = {{"kernel", "op", "shapes", "ms",
                                                 "TFLOP/s", "GB/s", "%ceil",
                                                 "rel err", "status"}};
  for (const Report &r : reports) {
    const double ceiling =
        std::max(r.tflops() / options.peakTflops, r.gbps() / options.peakGbps);
    rows.push_back({r.kernel, r.op, r.shapes,
                    r.medianMs ? format("%.4f", *r.medianMs) : "-",
                    r.medianMs ? format("%.1f", r.tflops()) : "-",
                    r.medianMs ? format("%.0f", r.gbps()) : "-",
                    r.medianMs ? format("%.1f", 100 * ceiling) : "-",
                    r.error ? format("%.2e", *r.error) : "-", r.status});
  }
  std::vector<size_t> widths(rows[0].size(), 0);
  for (const auto &row : rows)
    for (size_t c = 0; c < row.size(); ++c)
      widths[c] = std::max(widths[c], row[c].size());
  for (size_t i = 0; i < rows.size(); ++i) {
    std::string line;
    for (size_t c = 0; c < rows[i].size(); ++c) {
      const std::string &cell = rows[i][c];
      // Text columns left-aligned, numbers right-aligned.
      const bool text = c < 3 || c == rows[i].size() - 1;
      std::string pad(widths[c] - cell.size(), ' ');
      line += (c ? "  " : "") + (text ? cell + pad : pad + cell);
    }
    while (!line.empty() && line.back() == ' ')
      line.pop_back();
    std::printf("%s\n", line.c_str());
  }
}

} // namespace

int main(int argc, char **argv) {
  Options options;
  if (int rc = parseOptions(argc, argv, options))
    return rc < 0 ? 0 : rc;
  std::vector<std::string> manifests;
  if (!collectManifests(options.paths, manifests))
    return 1;

  if (int rc = mixrt_init(0)) {
    std::fprintf(stderr, "mixc-bench: %s\n", mixrt_last_error());
    if (rc == MIXRT_ERROR_NO_DEVICE) {
      std::fprintf(stderr,
                   "mixc-bench: no GPU available; %zu kernel(s) not "
                   "run\n",
                   manifests.size());
      return 2;
    }
    return 1;
  }
  mixrt_device_info_t device;
  if (mixrt_device_info(&device)) {
    std::fprintf(stderr, "mixc-bench: %s\n", mixrt_last_error());
    return 1;
  }
  std::printf("device: %s (sm_%d%d, %d SMs), driver %d.%d; seed %" PRIu64
              ", warmup %d, iters %d\n",
              device.name, device.cc_major, device.cc_minor, device.sm_count,
              device.driver_version / 1000, device.driver_version % 1000 / 10,
              options.seed, options.warmup, options.iters);

  FILE *results = nullptr;
  if (!options.results.empty()) {
    results = std::fopen(options.results.c_str(), "a");
    if (!results) {
      std::fprintf(stderr, "mixc-bench: cannot open '%s' for appending: %s\n",
                   options.results.c_str(), std::strerror(errno));
      return 1;
    }
  }

  std::vector<Manifest> parsed(manifests.size());
  std::vector<Report> reports(manifests.size());
  const std::string date = utcNow();
  int failed = 0;
  std::string faulted;
  InputCache cache;
  for (size_t i = 0; i < manifests.size(); ++i) {
    Report &r = reports[i];
    if (faulted.empty()) {
      runKernel(manifests[i], options, cache, parsed[i], r);
      if (r.contextLost) {
        faulted = manifests[i];
        // Its device memory went with the context; nothing runs after this.
        cache.clear();
      }
    } else {
      r.manifestPath = manifests[i];
      std::string error;
      if (readManifest(manifests[i], parsed[i], error)) {
        r.manifest = &parsed[i];
        r.kernel = parsed[i].kernel;
        r.op = parsed[i].op;
      }
      r.message =
          "not run: the CUDA context was lost when " + faulted + " faulted";
    }
    std::printf("%-5s %s", r.status.c_str(), manifests[i].c_str());
    if (r.medianMs)
      std::printf("  %.4f ms", *r.medianMs);
    std::printf("\n");
    if (!r.message.empty())
      std::printf("      %s\n", r.message.c_str());
    std::fflush(stdout);
    if (r.status != "PASS" && r.status != "TIMED")
      ++failed;
    if (results) {
      std::string line = resultLine(r, options, device, date);
      std::fprintf(results, "%s\n", line.c_str());
      std::fflush(results);
    }
  }
  if (results)
    std::fclose(results);
  std::printf("\n");
  printTable(reports, options);
  std::printf("\n%zu kernel(s): %zu passed, %d failed\n", reports.size(),
              reports.size() - failed, failed);
  return failed ? 1 : 0;
}
