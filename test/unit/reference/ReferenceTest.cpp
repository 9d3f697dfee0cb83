//===- ReferenceTest.cpp - Self-test of the mix reference -*- C++ -*-===//
//
// Pins the semantics of the double-precision reference (Reference.h) with
// cases whose answer is known by hand or by an independent formulation
// written here: one-key and uniform attention, the mask patterns of causal,
// window, sink and block masks read off one-hot values, a slice of query
// rows placed by queryOffset, grouped heads, bias broadcast, linear attention
// against (QK^T)V and hand-computed decays, the selective scan as cumulative
// sums, SSD against its state recurrence, Monarch as identity, dense and
// strided products, and permute round trips.
//
//===----------------------------------------------------------------------===//

#include "mixc/Reference/Reference.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <random>
#include <utility>
#include <vector>

using namespace mixc::reference;

namespace {

constexpr double kTol = 1e-12;
constexpr double kInf = std::numeric_limits<double>::infinity();

Tensor randomTensor(std::vector<int64_t> shape, std::mt19937 &rng,
                    double lo = -1.0, double hi = 1.0) {
  Tensor t(std::move(shape));
  std::uniform_real_distribution<double> dist(lo, hi);
  for (double &v : t.data)
    v = dist(rng);
  return t;
}

/// Values [1, 1, Lk, Lk] with value[j] = e_j, so output[i][j] is the softmax
/// weight of key j for query i.
Tensor oneHotValues(int64_t keyLen) {
  Tensor v({1, 1, keyLen, keyLen});
  for (int64_t j = 0; j < keyLen; ++j)
    v.at({0, 0, j, j}) = 1.0;
  return v;
}

/// With zero queries every allowed key gets the same weight; checks that the
/// weight of key j for query i is 1/count(allowed) exactly when allowed(i, j).
template <typename Allowed>
void expectUniformOver(const Tensor &out, int64_t qLen, int64_t kLen,
                       Allowed allowed) {
  for (int64_t i = 0; i < qLen; ++i) {
    int64_t count = 0;
    for (int64_t j = 0; j < kLen; ++j)
      count += allowed(i, j) ? 1 : 0;
    for (int64_t j = 0; j < kLen; ++j) {
      double expected = allowed(i, j) ? 1.0 / count : 0.0;
      EXPECT_NEAR(out.at({0, 0, i, j}), expected, kTol)
          << "query " << i << " key " << j;
    }
  }
}

//===----------------------------------------------------------------------===//
// attention
//===----------------------------------------------------------------------===//

TEST(ReferenceAttention, OneKeyEqualsValue) {
  std::mt19937 rng(1);
  Tensor q = randomTensor({1, 1, 3, 4}, rng),
         k = randomTensor({1, 1, 1, 4}, rng),
         v = randomTensor({1, 1, 1, 5}, rng);
  Tensor lse;
  Tensor out = attention(q, k, v, {}, &lse);
  ASSERT_EQ(out.shape, (std::vector<int64_t>{1, 1, 3, 5}));
  ASSERT_EQ(lse.shape, (std::vector<int64_t>{1, 1, 3}));
  for (int64_t i = 0; i < 3; ++i) {
    for (int64_t e = 0; e < 5; ++e)
      EXPECT_NEAR(out.at({0, 0, i, e}), v.at({0, 0, 0, e}), kTol);
    double dot = 0;
    for (int64_t d = 0; d < 4; ++d)
      dot += q.at({0, 0, i, d}) * k.at({0, 0, 0, d});
    EXPECT_NEAR(lse.at({0, 0, i}), dot / 2.0, kTol); // default scale 1/sqrt(4)
  }
}

TEST(ReferenceAttention, CausalFirstRowAndExplicitScale) {
  std::mt19937 rng(2);
  Tensor q = randomTensor({1, 1, 4, 3}, rng),
         k = randomTensor({1, 1, 4, 3}, rng),
         v = randomTensor({1, 1, 4, 2}, rng);
  AttentionOptions opts;
  opts.causal = true;
  opts.scale = 0.7;
  Tensor lse;
  Tensor out = attention(q, k, v, opts, &lse);
  for (int64_t e = 0; e < 2; ++e)
    EXPECT_NEAR(out.at({0, 0, 0, e}), v.at({0, 0, 0, e}), kTol);
  double dot = 0;
  for (int64_t d = 0; d < 3; ++d)
    dot += q.at({0, 0, 0, d}) * k.at({0, 0, 0, d});
  EXPECT_NEAR(lse.at({0, 0, 0}), 0.7 * dot, kTol);
  // Row 1: softmax over two keys by hand.
  double s0 = 0, s1 = 0;
  for (int64_t d = 0; d < 3; ++d) {
    s0 += 0.7 * q.at({0, 0, 1, d}) * k.at({0, 0, 0, d});
    s1 += 0.7 * q.at({0, 0, 1, d}) * k.at({0, 0, 1, d});
  }
  double p0 = std::exp(s0) / (std::exp(s0) + std::exp(s1));
  for (int64_t e = 0; e < 2; ++e)
    EXPECT_NEAR(out.at({0, 0, 1, e}),
                p0 * v.at({0, 0, 0, e}) + (1 - p0) * v.at({0, 0, 1, e}), kTol);
  EXPECT_NEAR(lse.at({0, 0, 1}), std::log(std::exp(s0) + std::exp(s1)), kTol);
}

TEST(ReferenceAttention, UniformScoresGiveMeanOfValues) {
  std::mt19937 rng(3);
  Tensor q({1, 1, 2, 3}), k = randomTensor({1, 1, 5, 3}, rng),
                          v = randomTensor({1, 1, 5, 2}, rng);
  Tensor lse;
  Tensor out = attention(q, k, v, {}, &lse);
  for (int64_t i = 0; i < 2; ++i) {
    for (int64_t e = 0; e < 2; ++e) {
      double mean = 0;
      for (int64_t j = 0; j < 5; ++j)
        mean += v.at({0, 0, j, e}) / 5;
      EXPECT_NEAR(out.at({0, 0, i, e}), mean, kTol);
    }
    EXPECT_NEAR(lse.at({0, 0, i}), std::log(5.0), kTol);
  }
}

TEST(ReferenceAttention, CausalWindowWithSinks) {
  const int64_t len = 8;
  Tensor q({1, 1, len, 2}), k({1, 1, len, 2}), v = oneHotValues(len);
  AttentionOptions opts;
  opts.causal = true;
  opts.windowLeft = 2;
  opts.sinkTokens = 1;
  expectUniformOver(
      attention(q, k, v, opts), len, len,
      [](int64_t i, int64_t j) { return j <= i && (j >= i - 2 || j < 1); });
}

TEST(ReferenceAttention, TwoSidedWindowWithSinks) {
  // Sinks pass both window sides: query 0 sees sink key 1 although that key
  // lies right of its window (window_right = 0).
  const int64_t len = 7;
  Tensor q({1, 1, len, 2}), k({1, 1, len, 2}), v = oneHotValues(len);
  AttentionOptions opts;
  opts.windowLeft = 1;
  opts.windowRight = 0;
  opts.sinkTokens = 2;
  expectUniformOver(
      attention(q, k, v, opts), len, len,
      [](int64_t i, int64_t j) { return (j >= i - 1 && j <= i) || j < 2; });
  AttentionOptions noSinks;
  noSinks.windowLeft = 0;
  noSinks.windowRight = 2;
  expectUniformOver(attention(q, k, v, noSinks), len, len,
                    [](int64_t i, int64_t j) { return j >= i && j <= i + 2; });
}

TEST(ReferenceAttention, GroupedQueryHeads) {
  // Hq = 4, Hkv = 2: query heads 0,1 read kv head 0; heads 2,3 read kv head 1.
  std::mt19937 rng(4);
  Tensor q = randomTensor({2, 4, 3, 2}, rng),
         k = randomTensor({2, 2, 1, 2}, rng),
         v = randomTensor({2, 2, 1, 3}, rng);
  Tensor lse;
  Tensor out = attention(q, k, v, {}, &lse);
  ASSERT_EQ(out.shape, (std::vector<int64_t>{2, 4, 3, 3}));
  for (int64_t b = 0; b < 2; ++b)
    for (int64_t h = 0; h < 4; ++h)
      for (int64_t i = 0; i < 3; ++i) {
        for (int64_t e = 0; e < 3; ++e)
          EXPECT_NEAR(out.at({b, h, i, e}), v.at({b, h / 2, 0, e}), kTol);
        double dot = q.at({b, h, i, 0}) * k.at({b, h / 2, 0, 0}) +
                     q.at({b, h, i, 1}) * k.at({b, h / 2, 0, 1});
        EXPECT_NEAR(lse.at({b, h, i}), dot / std::sqrt(2.0), kTol);
      }
}

TEST(ReferenceAttention, EmptyRowsGiveZerosAndMinusInfLse) {
  std::mt19937 rng(5);
  Tensor q = randomTensor({1, 1, 4, 2}, rng),
         k = randomTensor({1, 1, 4, 2}, rng),
         v = randomTensor({1, 1, 4, 3}, rng, 1.0, 2.0);
  // Block mask drops query block 1 (rows 2, 3) entirely.
  Tensor mask({1, 1, 2, 2}, 1.0);
  mask.at({0, 0, 1, 0}) = 0;
  mask.at({0, 0, 1, 1}) = 0;
  // A bias of -inf on every key of row 0 empties it too.
  Tensor bias({1, 1, 4, 4});
  for (int64_t j = 0; j < 4; ++j)
    bias.at({0, 0, 0, j}) = -kInf;
  AttentionOptions opts;
  opts.blockMask = &mask;
  opts.blockQ = 2;
  opts.blockK = 2;
  opts.bias = &bias;
  Tensor lse;
  Tensor out = attention(q, k, v, opts, &lse);
  for (int64_t i : {0, 2, 3}) {
    EXPECT_EQ(lse.at({0, 0, i}), -kInf) << "row " << i;
    for (int64_t e = 0; e < 3; ++e)
      EXPECT_EQ(out.at({0, 0, i, e}), 0.0) << "row " << i;
  }
  EXPECT_TRUE(std::isfinite(lse.at({0, 0, 1})));
  EXPECT_GT(out.at({0, 0, 1, 0}), 0.0);
}

TEST(ReferenceAttention, BlockMaskPatternAndBroadcast) {
  // Lq = 5, Lk = 6, blocks 2x4: mask rows ceil(5/2) = 3, columns ceil(6/4) = 2.
  const int64_t qLen = 5, kLen = 6;
  Tensor q({1, 1, qLen, 2}), k({1, 1, kLen, 2}), v = oneHotValues(kLen);
  Tensor mask({1, 1, 3, 2});
  mask.at({0, 0, 0, 0}) = 1;
  mask.at({0, 0, 1, 1}) = 1;
  mask.at({0, 0, 2, 0}) = 1;
  mask.at({0, 0, 2, 1}) = 1;
  AttentionOptions opts;
  opts.blockMask = &mask;
  opts.blockQ = 2;
  opts.blockK = 4;
  opts.causal = true; // combines with the mask
  Tensor out = attention(q, k, v, opts);
  expectUniformOver(out, qLen, kLen, [&](int64_t i, int64_t j) {
    return j <= i && mask.at({0, 0, i / 2, j / 4}) != 0;
  });

  // A [2, 1, ...] mask broadcast over heads: batch 1 keeps only key block 1.
  std::mt19937 rng(6);
  Tensor q2({2, 3, 2, 2}), k2({2, 3, 4, 2}),
      v2 = randomTensor({2, 3, 4, 1}, rng);
  Tensor mask2({2, 1, 1, 2}, 1.0);
  mask2.at({1, 0, 0, 0}) = 0;
  AttentionOptions opts2;
  opts2.blockMask = &mask2;
  opts2.blockQ = 2;
  opts2.blockK = 2;
  Tensor out2 = attention(q2, k2, v2, opts2);
  for (int64_t h = 0; h < 3; ++h)
    for (int64_t i = 0; i < 2; ++i) {
      double all = 0, tail = 0;
      for (int64_t j = 0; j < 4; ++j)
        all += v2.at({0, h, j, 0}) / 4;
      for (int64_t j = 2; j < 4; ++j)
        tail += v2.at({1, h, j, 0}) / 2;
      EXPECT_NEAR(out2.at({0, h, i, 0}), all, kTol);
      EXPECT_NEAR(out2.at({1, h, i, 0}), tail, kTol);
    }
}

TEST(ReferenceAttention, QueryOffsetPlacesASliceOfRows) {
  // Zero queries and keys give uniform weights over the allowed keys, so the
  // output is the mean of their values. One query row at absolute position 1
  // (queryOffset = 1) under causal sees keys 0 and 1: (1 + 3) / 2 = 2, lse
  // log 2; without the offset it would see key 0 only.
  Tensor q({1, 1, 1, 1}), k({1, 1, 3, 1}), v({1, 1, 3, 1});
  v.at({0, 0, 0, 0}) = 1;
  v.at({0, 0, 1, 0}) = 3;
  v.at({0, 0, 2, 0}) = 100;
  AttentionOptions causal;
  causal.causal = true;
  causal.queryOffset = 1;
  Tensor lse;
  Tensor out = attention(q, k, v, causal, &lse);
  EXPECT_NEAR(out.at({0, 0, 0, 0}), 2.0, kTol);
  EXPECT_NEAR(lse.at({0, 0, 0}), std::log(2.0), kTol);

  // Position 2 with window_left = 0 and one sink sees keys 0 (the sink) and 2:
  // (1 + 100) / 2.
  AttentionOptions window;
  window.windowLeft = 0;
  window.sinkTokens = 1;
  window.queryOffset = 2;
  EXPECT_NEAR(attention(q, k, v, window).at({0, 0, 0, 0}), 50.5, kTol);

  // Block mask rows are read at the absolute position: rows 2..3 of a 4-row
  // query with 2x2 blocks lie in mask row 1, which keeps key block 1 only.
  Tensor q2({1, 1, 2, 1}), k2({1, 1, 4, 1}), v2 = oneHotValues(4);
  Tensor mask({1, 1, 2, 2});
  mask.at({0, 0, 0, 0}) = 1;
  mask.at({0, 0, 1, 1}) = 1;
  AttentionOptions masked;
  masked.blockMask = &mask;
  masked.blockQ = 2;
  masked.blockK = 2;
  masked.queryOffset = 2;
  expectUniformOver(attention(q2, k2, v2, masked), 2, 4,
                    [](int64_t, int64_t j) { return j >= 2; });

  // A slice checked with its offset equals the same rows of the full result.
  std::mt19937 rng(11);
  Tensor fullQ = randomTensor({1, 2, 6, 3}, rng),
         keys = randomTensor({1, 1, 6, 3}, rng),
         values = randomTensor({1, 1, 6, 2}, rng);
  AttentionOptions slidingCausal;
  slidingCausal.causal = true;
  slidingCausal.windowLeft = 2;
  slidingCausal.sinkTokens = 1;
  Tensor fullLse;
  Tensor full = attention(fullQ, keys, values, slidingCausal, &fullLse);
  Tensor slice({1, 2, 3, 3});
  for (int64_t h = 0; h < 2; ++h)
    for (int64_t i = 0; i < 3; ++i)
      for (int64_t d = 0; d < 3; ++d)
        slice.at({0, h, i, d}) = fullQ.at({0, h, i + 3, d});
  slidingCausal.queryOffset = 3;
  Tensor sliceLse;
  Tensor part = attention(slice, keys, values, slidingCausal, &sliceLse);
  for (int64_t h = 0; h < 2; ++h)
    for (int64_t i = 0; i < 3; ++i) {
      for (int64_t e = 0; e < 2; ++e)
        EXPECT_NEAR(part.at({0, h, i, e}), full.at({0, h, i + 3, e}), kTol);
      EXPECT_NEAR(sliceLse.at({0, h, i}), fullLse.at({0, h, i + 3}), kTol);
    }
}

TEST(ReferenceAttention, BiasBroadcast) {
  // Zero queries, bias log(w) gives softmax weights w / sum(w).
  std::mt19937 rng(7);
  Tensor q({2, 2, 2, 3}), k({2, 2, 2, 3}), v = randomTensor({2, 2, 2, 2}, rng);
  Tensor headBias({1, 2, 2, 2}); // [1, Hq, Lq, Lk]: same for both batches
  headBias.at({0, 0, 0, 1}) = std::log(3.0); // head 0 row 0: weights 1:3
  headBias.at({0, 1, 1, 0}) = std::log(4.0); // head 1 row 1: weights 4:1
  AttentionOptions opts;
  opts.bias = &headBias;
  Tensor lse;
  Tensor out = attention(q, k, v, opts, &lse);
  for (int64_t b = 0; b < 2; ++b)
    for (int64_t e = 0; e < 2; ++e) {
      EXPECT_NEAR(out.at({b, 0, 0, e}),
                  0.25 * v.at({b, 0, 0, e}) + 0.75 * v.at({b, 0, 1, e}), kTol);
      EXPECT_NEAR(out.at({b, 0, 1, e}),
                  0.5 * v.at({b, 0, 0, e}) + 0.5 * v.at({b, 0, 1, e}), kTol);
      EXPECT_NEAR(out.at({b, 1, 1, e}),
                  0.8 * v.at({b, 1, 0, e}) + 0.2 * v.at({b, 1, 1, e}), kTol);
    }
  EXPECT_NEAR(lse.at({1, 0, 0}), std::log(4.0), kTol);
  EXPECT_NEAR(lse.at({1, 1, 1}), std::log(5.0), kTol);

  Tensor batchBias({2, 1, 2, 2}); // [B, 1, Lq, Lk]: same for both heads
  batchBias.at({1, 0, 0, 0}) = std::log(9.0);
  opts.bias = &batchBias;
  out = attention(q, k, v, opts);
  for (int64_t h = 0; h < 2; ++h)
    for (int64_t e = 0; e < 2; ++e) {
      EXPECT_NEAR(out.at({1, h, 0, e}),
                  0.9 * v.at({1, h, 0, e}) + 0.1 * v.at({1, h, 1, e}), kTol);
      EXPECT_NEAR(out.at({0, h, 0, e}),
                  0.5 * v.at({0, h, 0, e}) + 0.5 * v.at({0, h, 1, e}), kTol);
    }
}

//===----------------------------------------------------------------------===//
// linear attention
//===----------------------------------------------------------------------===//

TEST(ReferenceLinearAttention, IdentityNonCausalIsQKtV) {
  std::mt19937 rng(8);
  const int64_t len = 5, dk = 3, dv = 2;
  Tensor q = randomTensor({1, 2, len, dk}, rng),
         k = randomTensor({1, 2, len, dk}, rng),
         v = randomTensor({1, 2, len, dv}, rng);
  Tensor out = linearAttention(q, k, v, {});
  for (int64_t h = 0; h < 2; ++h)
    for (int64_t i = 0; i < len; ++i)
      for (int64_t e = 0; e < dv; ++e) {
        double expected = 0;
        for (int64_t j = 0; j < len; ++j) {
          double s = 0;
          for (int64_t d = 0; d < dk; ++d)
            s += q.at({0, h, i, d}) * k.at({0, h, j, d});
          expected += s * v.at({0, h, j, e});
        }
        EXPECT_NEAR(out.at({0, h, i, e}), expected, kTol);
      }
}

TEST(ReferenceLinearAttention, PerHeadDecayByHand) {
  // L = 2, Dk = Dv = 1: q = [1, 2], k = [3, 4], v = [5, 6], gamma = 0.5.
  Tensor q({1, 1, 2, 1}), k({1, 1, 2, 1}), v({1, 1, 2, 1}), gamma({1}, 0.5);
  q.data = {1, 2};
  k.data = {3, 4};
  v.data = {5, 6};
  LinearAttentionOptions opts;
  opts.decay = &gamma;
  opts.causal = true;
  Tensor out = linearAttention(q, k, v, opts);
  EXPECT_NEAR(out.data[0], 1 * 3 * 5, kTol);
  EXPECT_NEAR(out.data[1], 0.5 * 2 * 3 * 5 + 2 * 4 * 6, kTol); // 63
  opts.causal = false;                                         // gamma^|i-j|
  out = linearAttention(q, k, v, opts);
  EXPECT_NEAR(out.data[0], 1 * 3 * 5 + 0.5 * 1 * 4 * 6, kTol); // 27
  EXPECT_NEAR(out.data[1], 63, kTol);
  opts.normalize = true; // den[0] = 3 + 0.5 * 4, den[1] = 0.5 * 6 + 8
  out = linearAttention(q, k, v, opts);
  EXPECT_NEAR(out.data[0], 27.0 / 5.0, kTol);
  EXPECT_NEAR(out.data[1], 63.0 / 11.0, kTol);
}

TEST(ReferenceLinearAttention, PerTokenDecayByHand) {
  // w(i, j) = prod_{t=j+1..i} g[t]; Dk = Dv = 1, q = 1, k = 1, v = [1, 10,
  // 100].
  Tensor q({1, 1, 3, 1}, 1.0), k({1, 1, 3, 1}, 1.0), v({1, 1, 3, 1});
  v.data = {1, 10, 100};
  Tensor g({1, 1, 3});
  g.data = {0.9, 0.5, 0.25}; // g[0] is never used
  LinearAttentionOptions opts;
  opts.decay = &g;
  opts.causal = true;
  Tensor out = linearAttention(q, k, v, opts);
  EXPECT_NEAR(out.data[0], 1, kTol);
  EXPECT_NEAR(out.data[1], 0.5 * 1 + 10, kTol);
  EXPECT_NEAR(out.data[2], 0.5 * 0.25 * 1 + 0.25 * 10 + 100, kTol);
}

TEST(ReferenceLinearAttention, FeatureMapsAndNormalize) {
  // Dk = 2: phi(q) . phi(k) with q = [-1, 2], k_j given; causal, normalize.
  Tensor q({1, 1, 2, 2}), k({1, 1, 2, 2}), v({1, 1, 2, 1});
  q.data = {0.5, 0.5, -1, 2};
  k.data = {-2, 1, 3, -0.5};
  v.data = {4, 8};
  LinearAttentionOptions opts;
  opts.causal = true;
  opts.normalize = true;
  opts.featureMap = FeatureMap::EluPlusOne;
  auto elu1 = [](double x) { return x > 0 ? x + 1 : std::exp(x); };
  double s0 = elu1(-1) * elu1(-2) + elu1(2) * elu1(1);
  double s1 = elu1(-1) * elu1(3) + elu1(2) * elu1(-0.5);
  Tensor out = linearAttention(q, k, v, opts);
  EXPECT_NEAR(out.data[0], 4, kTol); // one key: num / den = v[0]
  EXPECT_NEAR(out.data[1], (s0 * 4 + s1 * 8) / (s0 + s1), kTol);
  opts.featureMap = FeatureMap::Relu;
  opts.normalize = false;
  out = linearAttention(q, k, v, opts);
  // relu: q1 = [0, 2], k0 = [0, 1], k1 = [3, 0] -> scores 2 and 0.
  EXPECT_NEAR(out.data[1], 2 * 4, kTol);
  EXPECT_NEAR(out.data[0], (0.5 * 0 + 0.5 * 1) * 4, kTol);
}

//===----------------------------------------------------------------------===//
// selective scan
//===----------------------------------------------------------------------===//

TEST(ReferenceSelectiveScan, CumulativeSumsWithUnitDecay) {
  // N = 1, A = 0 (decay exp(0) = 1), dt = B = C = 1: h is a running sum.
  const int64_t len = 5;
  Tensor x({1, 1, len}), delta({1, 1, len}, 1.0), A({1, 1}),
      B({1, 1, 1, len}, 1.0), C({1, 1, 1, len}, 1.0), D({1}, 0.5);
  x.data = {1, 2, 3, 4, 5};
  SelectiveScanOptions opts;
  Tensor y = selectiveScan(x, delta, A, B, C, opts);
  std::vector<double> cum = {1, 3, 6, 10, 15}, rev = {15, 14, 12, 9, 5};
  for (int64_t t = 0; t < len; ++t)
    EXPECT_NEAR(y.data[t], cum[t], kTol);
  opts.direction = Direction::Reverse;
  y = selectiveScan(x, delta, A, B, C, opts);
  for (int64_t t = 0; t < len; ++t)
    EXPECT_NEAR(y.data[t], rev[t], kTol);
  // Both full state terms (the diagonal appears in each) plus one skip.
  opts.direction = Direction::Bidirectional;
  opts.D = &D;
  y = selectiveScan(x, delta, A, B, C, opts);
  for (int64_t t = 0; t < len; ++t)
    EXPECT_NEAR(y.data[t], cum[t] + rev[t] + 0.5 * x.data[t], kTol);
}

TEST(ReferenceSelectiveScan, DecayGroupsGateAndSoftplus) {
  // A = log(0.5), dt = 1: an impulse decays by halves.
  Tensor x({1, 1, 3}), delta({1, 1, 3}, 1.0), A({1, 1}, std::log(0.5)),
      B({1, 1, 1, 3}, 1.0), C({1, 1, 1, 3}, 1.0);
  x.data = {1, 0, 0};
  Tensor y = selectiveScan(x, delta, A, B, C, {});
  EXPECT_NEAR(y.data[0], 1, kTol);
  EXPECT_NEAR(y.data[1], 0.5, kTol);
  EXPECT_NEAR(y.data[2], 0.25, kTol);

  // L = 1, D = 4 channels in G = 2 groups, N = 2: y = sum_n C B dt x + D x,
  // then times silu(z); dt = softplus(delta + bias).
  Tensor x2({1, 4, 1}), delta2({1, 4, 1}), A2({4, 2}), B2({1, 2, 2, 1}),
      C2({1, 2, 2, 1}), D2({4}), z({1, 4, 1}), bias({4});
  x2.data = {1, 2, 3, 4};
  delta2.data = {0.1, -0.2, 0.3, 50};
  bias.data = {0.5, 0.5, -0.5, 1};
  B2.data = {1, 2, 3, 4}; // group 0: [1, 2], group 1: [3, 4]
  C2.data = {5, 6, 7, 8};
  D2.data = {0.1, 0.2, 0.3, 0.4};
  z.data = {1, -1, 0.5, 2};
  SelectiveScanOptions opts;
  opts.D = &D2;
  opts.z = &z;
  opts.deltaBias = &bias;
  opts.deltaSoftplus = true;
  Tensor y2 = selectiveScan(x2, delta2, A2, B2, C2, opts);
  double cb[2] = {1 * 5 + 2 * 6, 3 * 7 + 4 * 8};
  for (int64_t d = 0; d < 4; ++d) {
    double dt = std::log1p(std::exp(delta2.data[d] + bias.data[d]));
    double silu = z.data[d] / (1 + std::exp(-z.data[d]));
    double expected =
        (cb[d / 2] * dt * x2.data[d] + D2.data[d] * x2.data[d]) * silu;
    EXPECT_NEAR(y2.data[d], expected, 1e-12 * std::fabs(expected));
  }
}

//===----------------------------------------------------------------------===//
// SSD
//===----------------------------------------------------------------------===//

TEST(ReferenceSSD, UnitDecayIsCumulativeSum) {
  const int64_t len = 4;
  Tensor x({1, len, 1, 2}), dt({1, len, 1}, 1.0), A({1}),
      B({1, len, 1, 1}, 1.0), C({1, len, 1, 1}, 1.0), D({1}, 2.0);
  x.data = {1, -1, 2, -2, 3, -3, 4, -4};
  SSDOptions opts;
  opts.D = &D;
  Tensor y = ssd(x, dt, A, B, C, opts);
  std::vector<double> cum = {1, 3, 6, 10};
  for (int64_t t = 0; t < len; ++t) {
    EXPECT_NEAR(y.at({0, t, 0, 0}), cum[t] + 2 * (t + 1), kTol);
    EXPECT_NEAR(y.at({0, t, 0, 1}), -cum[t] - 2 * (t + 1), kTol);
  }
  // Bidirectional: total sum (diagonal once) + skip.
  opts.bidirectional = true;
  y = ssd(x, dt, A, B, C, opts);
  for (int64_t t = 0; t < len; ++t)
    EXPECT_NEAR(y.at({0, t, 0, 0}), 10 + 2 * (t + 1), kTol);
}

/// Forward or reverse recurrence of SSD for one (b, h): h_t = a_t h_prev +
/// dt_t B_t x_t^T, term_t = C_t h_t.
std::vector<double> ssdScan(const Tensor &x, const Tensor &dt, const Tensor &A,
                            const Tensor &B, const Tensor &C,
                            const Tensor &dtBias, int64_t b, int64_t h,
                            bool reverse) {
  const int64_t len = x.shape[1], heads = x.shape[2], p = x.shape[3],
                n = B.shape[3], g = h / (heads / B.shape[2]);
  std::vector<double> state(n * p, 0.0), term(len * p, 0.0);
  for (int64_t step = 0; step < len; ++step) {
    int64_t t = reverse ? len - 1 - step : step;
    double d = dt.at({b, t, h}) + dtBias.data[h];
    d = std::log1p(std::exp(d));
    double a = std::exp(d * A.data[h]);
    for (int64_t i = 0; i < n; ++i)
      for (int64_t j = 0; j < p; ++j) {
        double &s = state[i * p + j];
        s = a * s + d * B.at({b, t, g, i}) * x.at({b, t, h, j});
        term[t * p + j] += C.at({b, t, g, i}) * s;
      }
  }
  return term;
}

TEST(ReferenceSSD, MatchesRecurrence) {
  std::mt19937 rng(9);
  const int64_t batch = 2, len = 9, heads = 4, p = 3, groups = 2, n = 5;
  Tensor x = randomTensor({batch, len, heads, p}, rng),
         dt = randomTensor({batch, len, heads}, rng),
         A = randomTensor({heads}, rng, -2.0, -0.1),
         B = randomTensor({batch, len, groups, n}, rng),
         C = randomTensor({batch, len, groups, n}, rng),
         D = randomTensor({heads}, rng), dtBias = randomTensor({heads}, rng);
  SSDOptions opts;
  opts.D = &D;
  opts.dtBias = &dtBias;
  opts.dtSoftplus = true;
  Tensor fwd = ssd(x, dt, A, B, C, opts);
  // The library's own recurrence (mixc-bench's check of long sequences).
  Tensor recurrent = ssdRecurrent(x, dt, A, B, C, opts);
  ASSERT_EQ(recurrent.shape, fwd.shape);
  for (size_t e = 0; e < fwd.data.size(); ++e)
    EXPECT_NEAR(recurrent.data[e], fwd.data[e], 1e-12);
  SSDOptions plain;
  Tensor plainFwd = ssd(x, dt, A, B, C, plain);
  Tensor plainRec = ssdRecurrent(x, dt, A, B, C, plain);
  for (size_t e = 0; e < plainFwd.data.size(); ++e)
    EXPECT_NEAR(plainRec.data[e], plainFwd.data[e], 1e-12);
  opts.bidirectional = true;
  EXPECT_DEATH(ssdRecurrent(x, dt, A, B, C, opts), "only the forward form");
  Tensor bidi = ssd(x, dt, A, B, C, opts);
  for (int64_t b = 0; b < batch; ++b)
    for (int64_t h = 0; h < heads; ++h) {
      const int64_t g = h / (heads / groups);
      std::vector<double> f = ssdScan(x, dt, A, B, C, dtBias, b, h, false);
      std::vector<double> r = ssdScan(x, dt, A, B, C, dtBias, b, h, true);
      for (int64_t t = 0; t < len; ++t) {
        double d = std::log1p(std::exp(dt.at({b, t, h}) + dtBias.data[h]));
        double cb = 0;
        for (int64_t i = 0; i < n; ++i)
          cb += C.at({b, t, g, i}) * B.at({b, t, g, i});
        for (int64_t j = 0; j < p; ++j) {
          double xv = x.at({b, t, h, j}), skip = D.data[h] * xv;
          EXPECT_NEAR(fwd.at({b, t, h, j}), f[t * p + j] + skip, 1e-12);
          // Hydra: both scans include the diagonal; count it once.
          EXPECT_NEAR(bidi.at({b, t, h, j}),
                      f[t * p + j] + r[t * p + j] - cb * d * xv + skip, 1e-12);
        }
      }
    }
}

//===----------------------------------------------------------------------===//
// Monarch
//===----------------------------------------------------------------------===//

TEST(ReferenceMonarch, IdentityFactorsAreIdentity) {
  // n = 6, k = 2, p = q = 3; l = 3, r = s = 2. P L P^T R with L = R = I is I.
  std::mt19937 rng(10);
  Tensor x = randomTensor({2, 3, 6}, rng), f1({2, 3, 3}), f2({3, 2, 2});
  for (int64_t b = 0; b < 2; ++b)
    for (int64_t i = 0; i < 3; ++i)
      f1.at({b, i, i}) = 1;
  for (int64_t b = 0; b < 3; ++b)
    for (int64_t i = 0; i < 2; ++i)
      f2.at({b, i, i}) = 1;
  Tensor y = monarch(x, f1, f2);
  ASSERT_EQ(y.shape, x.shape);
  for (size_t e = 0; e < x.data.size(); ++e)
    EXPECT_EQ(y.data[e], x.data[e]);
}

TEST(ReferenceMonarch, SecondFactorReadsStrided) {
  // n = 4, k = q = p = l = s = r = 2, first factor identity, second factor
  // swaps within each block: block lb holds w[lb], w[2 + lb], so the swap
  // exchanges positions 0 <-> 2 and 1 <-> 3.
  Tensor x({4}), f1({2, 2, 2}), f2({2, 2, 2});
  x.data = {1, 2, 3, 4};
  for (int64_t b = 0; b < 2; ++b) {
    f1.at({b, 0, 0}) = f1.at({b, 1, 1}) = 1;
    f2.at({b, 0, 1}) = f2.at({b, 1, 0}) = 1;
  }
  Tensor y = monarch(x, f1, f2);
  EXPECT_EQ(y.data, (std::vector<double>{3, 4, 1, 2}));
  // The first factor's blocks are contiguous: its swap exchanges 0<->1, 2<->3.
  Tensor y2 = monarch(x, f2, f1);
  EXPECT_EQ(y2.data, (std::vector<double>{2, 1, 4, 3}));
}

TEST(ReferenceMonarch, OneBlockIsDenseMatmul) {
  // k = 1, l = 1: y = F2[0] * F1[0] * x, a dense [s, p] matrix.
  std::mt19937 rng(11);
  const int64_t p = 4, q = 3, s = 5;
  Tensor x = randomTensor({2, p}, rng), f1 = randomTensor({1, q, p}, rng),
         f2 = randomTensor({1, s, q}, rng);
  Tensor y = monarch(x, f1, f2);
  ASSERT_EQ(y.shape, (std::vector<int64_t>{2, s}));
  for (int64_t row = 0; row < 2; ++row)
    for (int64_t i = 0; i < s; ++i) {
      double expected = 0;
      for (int64_t m = 0; m < q; ++m)
        for (int64_t j = 0; j < p; ++j)
          expected += f2.at({0, i, m}) * f1.at({0, m, j}) * x.at({row, j});
      EXPECT_NEAR(y.at({row, i}), expected, kTol);
    }
}

//===----------------------------------------------------------------------===//
// permute
//===----------------------------------------------------------------------===//

TEST(ReferencePermute, GatherThenInverseIsIdentity) {
  std::mt19937 rng(12);
  Tensor x = randomTensor({2, 3, 5, 4}, rng);
  std::vector<int64_t> perm = {3, 0, 4, 1, 2};
  Tensor g = permute(x, {5}, perm, 2, false);
  for (int64_t i = 0; i < 5; ++i)
    EXPECT_EQ(g.at({1, 2, i, 3}), x.at({1, 2, perm[i], 3}));
  Tensor back = permute(g, {5}, perm, 2, true);
  EXPECT_EQ(back.data, x.data);
  // Inverse first, then gather, is the identity too.
  EXPECT_EQ(permute(permute(x, {5}, perm, 2, true), {5}, perm, 2, false).data,
            x.data);
}

TEST(ReferencePermute, PerHeadAndPerBatchIndices) {
  // input [B=2, H=2, L=3, D=2], indices [H, L] per head (batch broadcasts).
  Tensor x({2, 2, 3, 2});
  for (size_t e = 0; e < x.data.size(); ++e)
    x.data[e] = static_cast<double>(e);
  std::vector<int64_t> perHead = {2, 0, 1, /*head 1*/ 1, 2, 0};
  Tensor g = permute(x, {2, 3}, perHead, 2, false);
  Tensor s = permute(x, {2, 3}, perHead, 2, true);
  for (int64_t b = 0; b < 2; ++b)
    for (int64_t h = 0; h < 2; ++h)
      for (int64_t i = 0; i < 3; ++i)
        for (int64_t d = 0; d < 2; ++d) {
          int64_t idx = perHead[h * 3 + i];
          EXPECT_EQ(g.at({b, h, i, d}), x.at({b, h, idx, d}));
          EXPECT_EQ(s.at({b, h, idx, d}), x.at({b, h, i, d}));
        }
  // indices [B, H, L] on axis 2, and [B, L] on axis 1 of a [B, L, D] input.
  std::vector<int64_t> full = {0, 1, 2, 2, 1, 0, 1, 0, 2, 0, 2, 1};
  Tensor f = permute(x, {2, 2, 3}, full, 2, false);
  for (int64_t b = 0; b < 2; ++b)
    for (int64_t h = 0; h < 2; ++h)
      for (int64_t i = 0; i < 3; ++i)
        EXPECT_EQ(f.at({b, h, i, 1}),
                  x.at({b, h, full[(b * 2 + h) * 3 + i], 1}));
  Tensor y({2, 3, 2});
  for (size_t e = 0; e < y.data.size(); ++e)
    y.data[e] = static_cast<double>(e);
  std::vector<int64_t> perBatch = {1, 2, 0, 2, 1, 0};
  Tensor p = permute(y, {2, 3}, perBatch, 1, false);
  for (int64_t b = 0; b < 2; ++b)
    for (int64_t i = 0; i < 3; ++i)
      for (int64_t d = 0; d < 2; ++d)
        EXPECT_EQ(p.at({b, i, d}), y.at({b, perBatch[b * 3 + i], d}));
}

//===----------------------------------------------------------------------===//
// error measures
//===----------------------------------------------------------------------===//

TEST(ReferenceErrors, RelativeAndMaxAbs) {
  EXPECT_NEAR(relativeL2Error({1, 2}, {1, 1}), 1.0 / std::sqrt(2.0), kTol);
  EXPECT_EQ(maxAbsError({1, 2, 3}, {1, 2.5, 2}), 1.0);
  // Matching infinities are no error and do not inflate the norm.
  EXPECT_EQ(maxAbsError({-kInf, 1}, {-kInf, 1}), 0.0);
  EXPECT_NEAR(relativeL2Error({-kInf, 2}, {-kInf, 1}), 1.0, kTol);
  EXPECT_TRUE(std::isnan(maxAbsError({std::nan(""), 1}, {0, 1})));
  EXPECT_FALSE(maxAbsError({-kInf}, {0}) < 1.0);
  EXPECT_EQ(relativeL2Error({0, 0}, {0, 0}), 0.0);
}

} // namespace
