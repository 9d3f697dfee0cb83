//===- Reference.cpp - Double-precision reference of the mix ops --------===//
//
// Plain-loop, double-precision implementations of the mix ops, written from
// the op descriptions in MixOps.td and nothing else. Each function first
// checks every shape rule it relies on (aborting with a message otherwise),
// then evaluates the defining formula as directly as is practical: attention
// and linear attention as explicit sums over (query, key) pairs, the
// selective scan as its stated recurrence, SSD as the quadratic matrix form
// with the decay products taken explicitly, Monarch as the two block sums
// with the index permutation spelled out, and permute as a gather/scatter.
//
//===----------------------------------------------------------------------===//

#include "mixc/Reference/Reference.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <limits>
#include <string>
#include <utility>

namespace mixc::reference {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

[[noreturn]] void fail(const char *where, const std::string &message) {
  std::fprintf(stderr, "mixc::reference::%s: %s\n", where, message.c_str());
  std::abort();
}

/// Always-on check: the oracle must never silently accept a malformed call.
void require(bool condition, const char *where, const std::string &message) {
  if (!condition)
    fail(where, message);
}

std::string shapeString(const std::vector<int64_t> &shape) {
  std::string s = "[";
  for (size_t i = 0; i < shape.size(); ++i)
    s += (i ? "x" : "") + std::to_string(shape[i]);
  return s + "]";
}

void requireRank(const Tensor &t, int64_t rank, const char *where,
                 const char *name) {
  require(t.rank() == rank, where,
          std::string(name) + " must have rank " + std::to_string(rank) +
              ", got " + shapeString(t.shape));
  require(static_cast<int64_t>(t.data.size()) == t.numElements(), where,
          std::string(name) + " data size does not match its shape");
}

void requireDim(int64_t actual, int64_t expected, const char *where,
                const std::string &what) {
  require(actual == expected, where,
          what + " is " + std::to_string(actual) + ", expected " +
              std::to_string(expected));
}

/// Row-major linear offset of a full multi-index; `index` has t.rank() entries.
int64_t offsetOf(const Tensor &t, std::initializer_list<int64_t> index) {
  require(static_cast<int64_t>(index.size()) == t.rank(), "Tensor::at",
          "index rank " + std::to_string(index.size()) +
              " does not match shape " + shapeString(t.shape));
  int64_t offset = 0, dim = 0;
  for (int64_t i : index) {
    require(i >= 0 && i < t.shape[dim], "Tensor::at",
            "index " + std::to_string(i) + " out of range in dim " +
                std::to_string(dim) + " of " + shapeString(t.shape));
    offset = offset * t.shape[dim] + i;
    ++dim;
  }
  return offset;
}

// Flat offsets for the fixed-rank layouts used below; bounds are established
// by the shape checks at each entry point.
int64_t idx3(const Tensor &t, int64_t a, int64_t b, int64_t c) {
  return (a * t.shape[1] + b) * t.shape[2] + c;
}
int64_t idx4(const Tensor &t, int64_t a, int64_t b, int64_t c, int64_t d) {
  return ((a * t.shape[1] + b) * t.shape[2] + c) * t.shape[3] + d;
}

/// softplus(x) = log(1 + exp(x)), written as max(x, 0) + log1p(exp(-|x|)) so
/// that it neither overflows for large x nor loses precision for small x.
double softplus(double x) {
  return std::max(x, 0.0) + std::log1p(std::exp(-std::fabs(x)));
}

/// silu(z) = z * sigmoid(z) = z / (1 + exp(-z)).
double silu(double z) { return z / (1.0 + std::exp(-z)); }

double featureMap(FeatureMap map, double x) {
  switch (map) {
  case FeatureMap::Identity:
    return x;
  case FeatureMap::EluPlusOne:
    // elu(x) + 1 with elu(x) = x for x > 0, exp(x) - 1 otherwise.
    return x > 0 ? x + 1.0 : std::exp(x);
  case FeatureMap::Relu:
    return x > 0 ? x : 0.0;
  }
  fail("linearAttention", "unknown feature map");
}

/// Per-element difference for the error measures: equal values (matching
/// infinities included) differ by 0; anything else by |a - b|, which is inf
/// or NaN when a non-finite value is involved.
double elementError(double actual, double expected) {
  if (actual == expected)
    return 0.0;
  return std::fabs(actual - expected);
}

} // namespace

//===----------------------------------------------------------------------===//
// Tensor
//===----------------------------------------------------------------------===//

Tensor::Tensor(std::vector<int64_t> shape, double fill)
    : shape(std::move(shape)) {
  for (int64_t d : this->shape)
    require(d >= 0, "Tensor",
            "negative dimension in " + shapeString(this->shape));
  data.assign(static_cast<size_t>(numElements()), fill);
}

int64_t Tensor::numElements() const {
  int64_t n = 1;
  for (int64_t d : shape)
    n *= d;
  return n;
}

double &Tensor::at(std::initializer_list<int64_t> index) {
  return data[static_cast<size_t>(offsetOf(*this, index))];
}

double Tensor::at(std::initializer_list<int64_t> index) const {
  return data[static_cast<size_t>(offsetOf(*this, index))];
}

//===----------------------------------------------------------------------===//
// mix.attention
//===----------------------------------------------------------------------===//

Tensor attention(const Tensor &query, const Tensor &key, const Tensor &value,
                 const AttentionOptions &options, Tensor *lse) {
  const char *fn = "attention";
  requireRank(query, 4, fn, "query");
  requireRank(key, 4, fn, "key");
  requireRank(value, 4, fn, "value");
  const int64_t batch = query.shape[0], qHeads = query.shape[1],
                qLen = query.shape[2], dim = query.shape[3];
  const int64_t kvHeads = key.shape[1], kLen = key.shape[2],
                vDim = value.shape[3];
  requireDim(key.shape[0], batch, fn, "key batch");
  requireDim(key.shape[3], dim, fn, "key head dim");
  requireDim(value.shape[0], batch, fn, "value batch");
  requireDim(value.shape[1], kvHeads, fn, "value head count");
  requireDim(value.shape[2], kLen, fn, "value length");
  require(kvHeads > 0 && qHeads % kvHeads == 0, fn,
          "key/value head count must divide the query head count");
  const int64_t group = qHeads / kvHeads;

  const double scale = options.scale
                           ? *options.scale
                           : 1.0 / std::sqrt(static_cast<double>(dim));
  require(!options.windowLeft || *options.windowLeft >= 0, fn,
          "windowLeft must be non-negative");
  require(!options.windowRight || *options.windowRight >= 0, fn,
          "windowRight must be non-negative");
  require(!(options.causal && options.windowRight), fn,
          "causal fixes the right window at 0; windowRight must be unset");
  require(options.sinkTokens >= 0, fn, "sinkTokens must be non-negative");
  require(options.sinkTokens == 0 || options.windowLeft, fn,
          "sinkTokens needs windowLeft");
  require(options.queryOffset >= 0, fn, "queryOffset must be non-negative");

  const Tensor *bias = options.bias;
  if (bias) {
    requireRank(*bias, 4, fn, "bias");
    require(bias->shape[0] == 1 || bias->shape[0] == batch, fn,
            "bias batch must be 1 or B");
    require(bias->shape[1] == 1 || bias->shape[1] == qHeads, fn,
            "bias head count must be 1 or Hq");
    requireDim(bias->shape[2], qLen, fn, "bias rows");
    requireDim(bias->shape[3], kLen, fn, "bias columns");
  }
  const Tensor *mask = options.blockMask;
  if (mask) {
    require(options.blockQ > 0 && options.blockK > 0, fn,
            "a block mask needs positive blockQ and blockK");
    requireRank(*mask, 4, fn, "blockMask");
    require(mask->shape[0] == 1 || mask->shape[0] == batch, fn,
            "block mask batch must be 1 or B");
    require(mask->shape[1] == 1 || mask->shape[1] == qHeads, fn,
            "block mask head count must be 1 or Hq");
    const int64_t maskRows =
        (qLen + options.queryOffset + options.blockQ - 1) / options.blockQ;
    if (options.queryOffset == 0)
      requireDim(mask->shape[2], maskRows, fn,
                 "block mask rows (ceil(Lq / blockQ))");
    else
      require(mask->shape[2] >= maskRows, fn,
              "block mask rows (" + std::to_string(mask->shape[2]) +
                  ") must cover ceil((Lq + queryOffset) / blockQ) = " +
                  std::to_string(maskRows));
    requireDim(mask->shape[3], (kLen + options.blockK - 1) / options.blockK, fn,
               "block mask columns (ceil(Lk / blockK))");
  }

  // Every applicable condition must hold; sink keys pass the window
  // conditions (both sides) but not causality or the block mask. `row` is the
  // index into the given query; the rules use its absolute position i.
  auto allowed = [&](int64_t b, int64_t h, int64_t row, int64_t j) {
    const int64_t i = row + options.queryOffset;
    if (options.causal && j > i)
      return false;
    bool isSink = j < options.sinkTokens;
    if (!isSink && options.windowLeft && j < i - *options.windowLeft)
      return false;
    if (!isSink && options.windowRight && j > i + *options.windowRight)
      return false;
    if (mask) {
      int64_t mb = mask->shape[0] == 1 ? 0 : b;
      int64_t mh = mask->shape[1] == 1 ? 0 : h;
      if (mask->data[idx4(*mask, mb, mh, i / options.blockQ,
                          j / options.blockK)] == 0.0)
        return false;
    }
    return true;
  };

  Tensor output({batch, qHeads, qLen, vDim});
  if (lse)
    *lse = Tensor({batch, qHeads, qLen});
  std::vector<double> scores(static_cast<size_t>(kLen));
  std::vector<char> keep(static_cast<size_t>(kLen));
  for (int64_t b = 0; b < batch; ++b) {
    for (int64_t h = 0; h < qHeads; ++h) {
      const int64_t kvh = h / group;
      for (int64_t i = 0; i < qLen; ++i) {
        double rowMax = -kInf;
        for (int64_t j = 0; j < kLen; ++j) {
          keep[j] = allowed(b, h, i, j);
          if (!keep[j])
            continue;
          double dot = 0.0;
          for (int64_t d = 0; d < dim; ++d)
            dot += query.data[idx4(query, b, h, i, d)] *
                   key.data[idx4(key, b, kvh, j, d)];
          double s = scale * dot;
          if (bias)
            s += bias->data[idx4(*bias, bias->shape[0] == 1 ? 0 : b,
                                 bias->shape[1] == 1 ? 0 : h, i, j)];
          scores[j] = s;
          rowMax = std::max(rowMax, s);
        }
        // No allowed key, or only keys whose score is -inf: the softmax is
        // empty, so the output row is zero and lse is -inf.
        if (rowMax == -kInf) {
          if (lse)
            lse->data[idx3(*lse, b, h, i)] = -kInf;
          continue;
        }
        double sum = 0.0;
        for (int64_t j = 0; j < kLen; ++j)
          if (keep[j])
            sum += std::exp(scores[j] - rowMax);
        for (int64_t j = 0; j < kLen; ++j) {
          if (!keep[j])
            continue;
          double p = std::exp(scores[j] - rowMax) / sum;
          for (int64_t e = 0; e < vDim; ++e)
            output.data[idx4(output, b, h, i, e)] +=
                p * value.data[idx4(value, b, kvh, j, e)];
        }
        if (lse)
          lse->data[idx3(*lse, b, h, i)] = rowMax + std::log(sum);
      }
    }
  }
  return output;
}

//===----------------------------------------------------------------------===//
// mix.linear_attention
//===----------------------------------------------------------------------===//

Tensor linearAttention(const Tensor &q, const Tensor &k, const Tensor &v,
                       const LinearAttentionOptions &options) {
  const char *fn = "linearAttention";
  requireRank(q, 4, fn, "query");
  requireRank(k, 4, fn, "key");
  requireRank(v, 4, fn, "value");
  const int64_t batch = q.shape[0], heads = q.shape[1], len = q.shape[2],
                kDim = q.shape[3], vDim = v.shape[3];
  for (int64_t d = 0; d < 4; ++d)
    requireDim(k.shape[d], q.shape[d], fn, "key dim " + std::to_string(d));
  for (int64_t d = 0; d < 3; ++d)
    requireDim(v.shape[d], q.shape[d], fn, "value dim " + std::to_string(d));

  const Tensor *decay = options.decay;
  bool perToken = false;
  if (decay) {
    if (decay->rank() == 1) {
      requireRank(*decay, 1, fn, "decay");
      requireDim(decay->shape[0], heads, fn, "per-head decay length");
    } else {
      requireRank(*decay, 3, fn, "decay");
      requireDim(decay->shape[0], batch, fn, "per-token decay batch");
      requireDim(decay->shape[1], heads, fn, "per-token decay heads");
      requireDim(decay->shape[2], len, fn, "per-token decay length");
      require(options.causal, fn, "a per-token decay needs causal");
      perToken = true;
    }
  }

  // phi applied once to every query and key vector.
  auto mapped = [&](const Tensor &t) {
    Tensor out(t.shape);
    for (size_t e = 0; e < t.data.size(); ++e)
      out.data[e] = featureMap(options.featureMap, t.data[e]);
    return out;
  };
  const Tensor phiQ = mapped(q), phiK = mapped(k);

  Tensor output({batch, heads, len, vDim});
  std::vector<double> num(static_cast<size_t>(vDim));
  for (int64_t b = 0; b < batch; ++b) {
    for (int64_t h = 0; h < heads; ++h) {
      for (int64_t i = 0; i < len; ++i) {
        std::fill(num.begin(), num.end(), 0.0);
        double den = 0.0;
        const int64_t jEnd = options.causal ? i + 1 : len;
        // w(i, j) for the per-token decay is prod_{t=j+1..i} gamma[b,h,t];
        // walking j downwards from i extends the product by one factor.
        double tokenWeight = 1.0;
        for (int64_t j = jEnd - 1; j >= 0; --j) {
          if (perToken && j < i)
            tokenWeight *= decay->data[idx3(*decay, b, h, j + 1)];
          double w = 1.0;
          if (perToken)
            w = tokenWeight;
          else if (decay)
            w = std::pow(decay->data[h],
                         static_cast<double>(i > j ? i - j : j - i));
          double dot = 0.0;
          for (int64_t d = 0; d < kDim; ++d)
            dot += phiQ.data[idx4(phiQ, b, h, i, d)] *
                   phiK.data[idx4(phiK, b, h, j, d)];
          den += w * dot;
          for (int64_t e = 0; e < vDim; ++e)
            num[e] += w * dot * v.data[idx4(v, b, h, j, e)];
        }
        for (int64_t e = 0; e < vDim; ++e)
          output.data[idx4(output, b, h, i, e)] =
              options.normalize ? num[e] / den : num[e];
      }
    }
  }
  return output;
}

//===----------------------------------------------------------------------===//
// mix.selective_scan
//===----------------------------------------------------------------------===//

Tensor selectiveScan(const Tensor &x, const Tensor &delta, const Tensor &A,
                     const Tensor &B, const Tensor &C,
                     const SelectiveScanOptions &options) {
  const char *fn = "selectiveScan";
  requireRank(x, 3, fn, "x");
  requireRank(delta, 3, fn, "delta");
  requireRank(A, 2, fn, "A");
  requireRank(B, 4, fn, "B");
  requireRank(C, 4, fn, "C");
  const int64_t batch = x.shape[0], channels = x.shape[1], len = x.shape[2];
  const int64_t state = A.shape[1], groups = B.shape[1];
  for (int64_t d = 0; d < 3; ++d)
    requireDim(delta.shape[d], x.shape[d], fn,
               "delta dim " + std::to_string(d));
  requireDim(A.shape[0], channels, fn, "A rows");
  requireDim(B.shape[0], batch, fn, "B batch");
  requireDim(B.shape[2], state, fn, "B state size");
  requireDim(B.shape[3], len, fn, "B length");
  for (int64_t d = 0; d < 4; ++d)
    requireDim(C.shape[d], B.shape[d], fn, "C dim " + std::to_string(d));
  require(groups > 0 && channels % groups == 0, fn,
          "the group count must divide the channel count");
  const int64_t perGroup = channels / groups;
  if (options.D) {
    requireRank(*options.D, 1, fn, "D");
    requireDim(options.D->shape[0], channels, fn, "D length");
  }
  if (options.deltaBias) {
    requireRank(*options.deltaBias, 1, fn, "deltaBias");
    requireDim(options.deltaBias->shape[0], channels, fn, "deltaBias length");
  }
  if (options.z) {
    requireRank(*options.z, 3, fn, "z");
    for (int64_t d = 0; d < 3; ++d)
      requireDim(options.z->shape[d], x.shape[d], fn,
                 "z dim " + std::to_string(d));
  }

  const bool runForward = options.direction != Direction::Reverse;
  const bool runReverse = options.direction != Direction::Forward;
  Tensor y({batch, channels, len});
  std::vector<double> dt(static_cast<size_t>(len)),
      h(static_cast<size_t>(state));
  for (int64_t b = 0; b < batch; ++b) {
    for (int64_t d = 0; d < channels; ++d) {
      const int64_t g = d / perGroup;
      for (int64_t t = 0; t < len; ++t) {
        double value = delta.data[idx3(delta, b, d, t)];
        if (options.deltaBias)
          value += options.deltaBias->data[d];
        dt[t] = options.deltaSoftplus ? softplus(value) : value;
      }
      // One step of h[n, t] = exp(dt[t] A[d, n]) h[n, prev] + dt[t] B[g,n,t]
      // x[d, t]; its readout sum_n C[g, n, t] h[n, t] is added to y[d, t].
      auto step = [&](int64_t t) {
        const double xt = x.data[idx3(x, b, d, t)];
        double readout = 0.0;
        for (int64_t n = 0; n < state; ++n) {
          h[n] = std::exp(dt[t] * A.data[d * state + n]) * h[n] +
                 dt[t] * B.data[idx4(B, b, g, n, t)] * xt;
          readout += C.data[idx4(C, b, g, n, t)] * h[n];
        }
        y.data[idx3(y, b, d, t)] += readout;
      };
      if (runForward) {
        std::fill(h.begin(), h.end(), 0.0);
        for (int64_t t = 0; t < len; ++t)
          step(t);
      }
      if (runReverse) {
        std::fill(h.begin(), h.end(), 0.0);
        for (int64_t t = len - 1; t >= 0; --t)
          step(t);
      }
      for (int64_t t = 0; t < len; ++t) {
        double &out = y.data[idx3(y, b, d, t)];
        if (options.D)
          out += options.D->data[d] * x.data[idx3(x, b, d, t)];
        if (options.z)
          out *= silu(options.z->data[idx3(*options.z, b, d, t)]);
      }
    }
  }
  return y;
}

//===----------------------------------------------------------------------===//
// mix.ssd
//===----------------------------------------------------------------------===//

/// The argument checks of ssd() and ssdRecurrent(), as `fn`.
static void checkSsdArguments(const char *fn, const Tensor &x, const Tensor &dt,
                              const Tensor &A, const Tensor &B, const Tensor &C,
                              const SSDOptions &options) {
  requireRank(x, 4, fn, "x");
  requireRank(dt, 3, fn, "dt");
  requireRank(A, 1, fn, "A");
  requireRank(B, 4, fn, "B");
  requireRank(C, 4, fn, "C");
  const int64_t heads = x.shape[2], groups = B.shape[2];
  for (int64_t d = 0; d < 3; ++d)
    requireDim(dt.shape[d], x.shape[d], fn, "dt dim " + std::to_string(d));
  requireDim(A.shape[0], heads, fn, "A length");
  requireDim(B.shape[0], x.shape[0], fn, "B batch");
  requireDim(B.shape[1], x.shape[1], fn, "B length");
  for (int64_t d = 0; d < 4; ++d)
    requireDim(C.shape[d], B.shape[d], fn, "C dim " + std::to_string(d));
  require(groups > 0 && heads % groups == 0, fn,
          "the group count must divide the head count");
  if (options.D) {
    requireRank(*options.D, 1, fn, "D");
    requireDim(options.D->shape[0], heads, fn, "D length");
  }
  if (options.dtBias) {
    requireRank(*options.dtBias, 1, fn, "dtBias");
    requireDim(options.dtBias->shape[0], heads, fn, "dtBias length");
  }
}

Tensor ssd(const Tensor &x, const Tensor &dt, const Tensor &A, const Tensor &B,
           const Tensor &C, const SSDOptions &options) {
  checkSsdArguments("ssd", x, dt, A, B, C, options);
  const int64_t batch = x.shape[0], len = x.shape[1], heads = x.shape[2],
                headDim = x.shape[3];
  const int64_t groups = B.shape[2], state = B.shape[3];
  const int64_t perGroup = heads / groups;

  // dt'[t, h] and a[t, h] = exp(dt'[t, h] A[h]) for every position.
  Tensor dtEff(dt.shape), decay(dt.shape);
  for (int64_t b = 0; b < batch; ++b)
    for (int64_t t = 0; t < len; ++t)
      for (int64_t h = 0; h < heads; ++h) {
        int64_t e = idx3(dt, b, t, h);
        double value = dt.data[e];
        if (options.dtBias)
          value += options.dtBias->data[h];
        dtEff.data[e] = options.dtSoftplus ? softplus(value) : value;
        decay.data[e] = std::exp(dtEff.data[e] * A.data[h]);
      }

  auto cb = [&](int64_t b, int64_t t, int64_t s, int64_t g) {
    double dot = 0.0;
    for (int64_t n = 0; n < state; ++n)
      dot += C.data[idx4(C, b, t, g, n)] * B.data[idx4(B, b, s, g, n)];
    return dot;
  };

  // y[t] = sum_s M[t, s] x[s] + D x[t], the matrix M written out entry by
  // entry; the decay product for each (t, s) is built factor by factor as s
  // moves away from t, so no state recurrence is involved.
  Tensor y(x.shape);
  for (int64_t b = 0; b < batch; ++b) {
    for (int64_t h = 0; h < heads; ++h) {
      const int64_t g = h / perGroup;
      for (int64_t t = 0; t < len; ++t) {
        auto accumulate = [&](int64_t s, double weight) {
          for (int64_t p = 0; p < headDim; ++p)
            y.data[idx4(y, b, t, h, p)] += weight * x.data[idx4(x, b, s, h, p)];
        };
        // Lower part and diagonal, s <= t: prod_{r=s+1..t} a[r].
        double product = 1.0;
        for (int64_t s = t; s >= 0; --s) {
          if (s < t)
            product *= decay.data[idx3(decay, b, s + 1, h)];
          accumulate(s, cb(b, t, s, g) * product *
                            dtEff.data[idx3(dtEff, b, s, h)]);
        }
        // Mirror, s > t: prod_{r=t..s-1} a[r].
        if (options.bidirectional) {
          product = 1.0;
          for (int64_t s = t + 1; s < len; ++s) {
            product *= decay.data[idx3(decay, b, s - 1, h)];
            accumulate(s, cb(b, t, s, g) * product *
                              dtEff.data[idx3(dtEff, b, s, h)]);
          }
        }
        if (options.D)
          accumulate(t, options.D->data[h]);
      }
    }
  }
  return y;
}

Tensor ssdRecurrent(const Tensor &x, const Tensor &dt, const Tensor &A,
                    const Tensor &B, const Tensor &C,
                    const SSDOptions &options) {
  require(!options.bidirectional, "ssdRecurrent",
          "only the forward form is a recurrence");
  checkSsdArguments("ssdRecurrent", x, dt, A, B, C, options);
  const int64_t batch = x.shape[0], len = x.shape[1], heads = x.shape[2],
                headDim = x.shape[3];
  const int64_t groups = B.shape[2], state = B.shape[3];
  const int64_t perGroup = heads / groups;
  Tensor y(x.shape);
  std::vector<double> s(static_cast<size_t>(state * headDim));
  for (int64_t b = 0; b < batch; ++b)
    for (int64_t h = 0; h < heads; ++h) {
      const int64_t g = h / perGroup;
      std::fill(s.begin(), s.end(), 0.0);
      for (int64_t t = 0; t < len; ++t) {
        double step = dt.data[idx3(dt, b, t, h)];
        if (options.dtBias)
          step += options.dtBias->data[h];
        if (options.dtSoftplus)
          step = softplus(step);
        const double decay = std::exp(step * A.data[h]);
        for (int64_t n = 0; n < state; ++n) {
          const double bn = step * B.data[idx4(B, b, t, g, n)];
          const double cn = C.data[idx4(C, b, t, g, n)];
          double *row = s.data() + n * headDim;
          for (int64_t p = 0; p < headDim; ++p) {
            row[p] = decay * row[p] + bn * x.data[idx4(x, b, t, h, p)];
            y.data[idx4(y, b, t, h, p)] += cn * row[p];
          }
        }
        if (options.D)
          for (int64_t p = 0; p < headDim; ++p)
            y.data[idx4(y, b, t, h, p)] +=
                options.D->data[h] * x.data[idx4(x, b, t, h, p)];
      }
    }
  return y;
}

//===----------------------------------------------------------------------===//
// mix.monarch
//===----------------------------------------------------------------------===//

Tensor monarch(const Tensor &x, const Tensor &firstFactor,
               const Tensor &secondFactor) {
  const char *fn = "monarch";
  require(x.rank() >= 1, fn, "x must have rank >= 1");
  require(static_cast<int64_t>(x.data.size()) == x.numElements(), fn,
          "x data size does not match its shape");
  requireRank(firstFactor, 3, fn, "firstFactor");
  requireRank(secondFactor, 3, fn, "secondFactor");
  const int64_t n = x.shape.back();
  const int64_t k = firstFactor.shape[0], q = firstFactor.shape[1],
                p = firstFactor.shape[2];
  const int64_t l = secondFactor.shape[0], s = secondFactor.shape[1],
                r = secondFactor.shape[2];
  requireDim(k * p, n, fn, "k * p");
  requireDim(l * r, k * q, fn, "l * r (must equal k * q)");

  std::vector<int64_t> outShape = x.shape;
  outShape.back() = l * s;
  Tensor y(outShape);
  int64_t rows = 1;
  for (int64_t d = 0; d + 1 < x.rank(); ++d)
    rows *= x.shape[d];
  std::vector<double> u(static_cast<size_t>(k * q)),
      w(static_cast<size_t>(l * r));
  for (int64_t row = 0; row < rows; ++row) {
    const double *xr = x.data.data() + row * n;
    double *yr = y.data.data() + row * l * s;
    // u[kb, qi] = sum_pi F1[kb, qi, pi] x[kb * p + pi].
    for (int64_t kb = 0; kb < k; ++kb)
      for (int64_t qi = 0; qi < q; ++qi) {
        double sum = 0.0;
        for (int64_t pi = 0; pi < p; ++pi)
          sum +=
              firstFactor.data[idx3(firstFactor, kb, qi, pi)] * xr[kb * p + pi];
        u[kb * q + qi] = sum;
      }
    // w[ri * l + lb] = u[kb, qi] where kb * q + qi = ri * l + lb.
    for (int64_t ri = 0; ri < r; ++ri)
      for (int64_t lb = 0; lb < l; ++lb) {
        const int64_t flat = ri * l + lb;
        const int64_t kb = flat / q, qi = flat % q;
        w[ri * l + lb] = u[kb * q + qi];
      }
    // y[si * l + lb] = sum_ri F2[lb, si, ri] w[ri * l + lb].
    for (int64_t lb = 0; lb < l; ++lb)
      for (int64_t si = 0; si < s; ++si) {
        double sum = 0.0;
        for (int64_t ri = 0; ri < r; ++ri)
          sum += secondFactor.data[idx3(secondFactor, lb, si, ri)] *
                 w[ri * l + lb];
        yr[si * l + lb] = sum;
      }
  }
  return y;
}

//===----------------------------------------------------------------------===//
// mix.permute
//===----------------------------------------------------------------------===//

Tensor permute(const Tensor &input, const std::vector<int64_t> &indexShape,
               const std::vector<int64_t> &indices, int64_t axis,
               bool inverse) {
  const char *fn = "permute";
  const int64_t rank = input.rank();
  require(static_cast<int64_t>(input.data.size()) == input.numElements(), fn,
          "input data size does not match its shape");
  require(axis >= 0 && axis < rank, fn,
          "axis " + std::to_string(axis) + " out of range for input " +
              shapeString(input.shape));
  const int64_t indexRank = static_cast<int64_t>(indexShape.size());
  require(indexRank >= 1 && indexRank <= axis + 1, fn,
          "indices must have rank 1 to axis + 1, got " +
              shapeString(indexShape));
  // indices dim j lines up with input dim firstDim + j; input dims before
  // firstDim share the same index rows.
  const int64_t firstDim = axis + 1 - indexRank;
  int64_t indexCount = 1;
  for (int64_t j = 0; j < indexRank; ++j) {
    requireDim(indexShape[j], input.shape[firstDim + j], fn,
               "indices dim " + std::to_string(j));
    indexCount *= indexShape[j];
  }
  requireDim(static_cast<int64_t>(indices.size()), indexCount, fn,
             "indices element count");
  const int64_t len = input.shape[axis];
  for (int64_t row = 0; len > 0 && row < indexCount / len; ++row) {
    std::vector<char> seen(static_cast<size_t>(len), 0);
    for (int64_t i = 0; i < len; ++i) {
      int64_t value = indices[row * len + i];
      require(value >= 0 && value < len && !seen[value], fn,
              "indices row " + std::to_string(row) +
                  " is not a permutation of 0.." + std::to_string(len - 1));
      seen[value] = 1;
    }
  }

  // Strides of the input, and of the index rows over input dims
  // firstDim .. axis-1.
  std::vector<int64_t> stride(static_cast<size_t>(rank), 1);
  for (int64_t d = rank - 2; d >= 0; --d)
    stride[d] = stride[d + 1] * input.shape[d + 1];

  Tensor output(input.shape);
  for (int64_t e = 0; e < input.numElements(); ++e) {
    // Decompose e into the multi-index; the index row is the linear index of
    // the coordinates in dims firstDim .. axis-1.
    int64_t rest = e, row = 0, pos = 0;
    for (int64_t d = 0; d < rank; ++d) {
      int64_t coord = rest / stride[d];
      rest %= stride[d];
      if (d >= firstDim && d < axis)
        row = row * input.shape[d] + coord;
      if (d == axis)
        pos = coord;
    }
    const int64_t mapped = indices[row * len + pos];
    const int64_t other = e + (mapped - pos) * stride[axis];
    if (inverse)
      // output[..., indices[pos], ...] = input[..., pos, ...]
      output.data[other] = input.data[e];
    else
      // output[..., pos, ...] = input[..., indices[pos], ...]
      output.data[e] = input.data[other];
  }
  return output;
}

//===----------------------------------------------------------------------===//
// Comparison
//===----------------------------------------------------------------------===//

double relativeL2Error(const std::vector<double> &actual,
                       const std::vector<double> &expected) {
  require(actual.size() == expected.size(), "relativeL2Error",
          "sizes differ: " + std::to_string(actual.size()) + " vs " +
              std::to_string(expected.size()));
  double diff = 0.0, norm = 0.0;
  for (size_t i = 0; i < actual.size(); ++i) {
    double e = elementError(actual[i], expected[i]);
    diff += e * e;
    if (std::isfinite(expected[i]))
      norm += expected[i] * expected[i];
  }
  return std::sqrt(diff) /
         std::max(std::sqrt(norm), std::numeric_limits<double>::min());
}

double maxAbsError(const std::vector<double> &actual,
                   const std::vector<double> &expected) {
  require(actual.size() == expected.size(), "maxAbsError",
          "sizes differ: " + std::to_string(actual.size()) + " vs " +
              std::to_string(expected.size()));
  double worst = 0.0;
  for (size_t i = 0; i < actual.size(); ++i) {
    double e = elementError(actual[i], expected[i]);
    if (std::isnan(e))
      return e;
    worst = std::max(worst, e);
  }
  return worst;
}

} // namespace mixc::reference
