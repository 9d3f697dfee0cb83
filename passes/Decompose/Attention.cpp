//===- Attention.cpp - mix.attention and mix.linear_attention as linalg ---===//
//
// The reference meaning of softmax and linear attention as linalg on tensors,
// computed in f32. Softmax attention materialises the masked score matrix and
// applies a max-subtracted softmax; causal linear attention runs its
// recurrence over the sequence (scf.for), non-causal linear attention its
// quadratic form. Grouped-query heads are expanded to the query head count
// first (each query head h reads key/value head h / (Hq / Hkv)).
//
//===----------------------------------------------------------------------===//

#include "mixc/Dialect/Mix/MixOps.h"
#include "mixc/Passes/Passes.h"
#include "mixc/Support/TensorBuilder.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/IR/TypeUtilities.h"

#include <limits>

using namespace mlir;
using namespace mixc;

namespace {

constexpr double kNegInf = -std::numeric_limits<double>::infinity();

/// [B, Hkv, L, D] -> [B, Hq, L, D] with head h reading head h / (Hq / Hkv).
Value repeatHeads(TensorBuilder &tb, Value tensor, OpFoldResult queryHeads) {
  auto type = cast<RankedTensorType>(tensor.getType());
  std::optional<int64_t> staticQueryHeads = getConstantIntValue(queryHeads);
  if (staticQueryHeads && !type.isDynamicDim(1) &&
      *staticQueryHeads == type.getDimSize(1))
    return tensor;
  Value groupSize = arith::DivUIOp::create(
      tb.b, tb.loc, getValueOrCreateConstantIndexOp(tb.b, tb.loc, queryHeads),
      tb.dimValue(tensor, 1));
  SmallVector<OpFoldResult> sizes = tb.dims(tensor);
  sizes[1] = queryHeads;
  return tb.generic(
      {}, tb.empty(sizes), {{0, 1, 2, 3}}, TensorBuilder::iterators("pppp"),
      [&](OpBuilder &b, Location loc, ValueRange) -> Value {
        SmallVector<Value> index;
        for (unsigned d = 0; d < 4; ++d)
          index.push_back(TensorBuilder::loopIndex(b, loc, d));
        index[1] = arith::DivUIOp::create(b, loc, index[1], groupSize);
        return tensor::ExtractOp::create(b, loc, tensor, index);
      });
}

/// Index into a dimension that may broadcast: 0 when the operand's size is 1,
/// else the loop index. `size` is computed outside the generic body.
Value broadcastIndex(OpBuilder &b, Location loc, OpFoldResult size,
                     Value loopIndex) {
  if (std::optional<int64_t> value = getConstantIntValue(size))
    return *value == 1 ? Value(arith::ConstantIndexOp::create(b, loc, 0))
                       : loopIndex;
  Value one = arith::ConstantIndexOp::create(b, loc, 1);
  Value isOne = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq,
                                      cast<Value>(size), one);
  return arith::SelectOp::create(
      b, loc, isOne, arith::ConstantIndexOp::create(b, loc, 0), loopIndex);
}

/// The softmax scale as an f32 value: the attribute, or 1/sqrt(D) computed at
/// run time when D is dynamic.
Value softmaxScale(TensorBuilder &tb, mix::AttentionOp op) {
  if (std::optional<double> scale = op.getEffectiveScale())
    return tb.f32Constant(*scale);
  Value headDim = tb.dimValue(op.getQuery(), 3);
  Value asInt =
      arith::IndexCastOp::create(tb.b, tb.loc, tb.b.getI64Type(), headDim);
  Value asFloat = arith::SIToFPOp::create(tb.b, tb.loc, tb.f32(), asInt);
  return math::RsqrtOp::create(tb.b, tb.loc, asFloat);
}

struct DecomposeAttention : OpRewritePattern<mix::AttentionOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(mix::AttentionOp op,
                                PatternRewriter &rewriter) const override {
    TensorBuilder tb(rewriter, op.getLoc());
    Value query = tb.toF32(op.getQuery());
    OpFoldResult queryHeads = tb.dim(query, 1);
    Value key = repeatHeads(tb, tb.toF32(op.getKey()), queryHeads);
    Value value = repeatHeads(tb, tb.toF32(op.getValue()), queryHeads);
    OpFoldResult batch = tb.dim(query, 0), queryLen = tb.dim(query, 2);
    OpFoldResult keyLen = tb.dim(key, 2), valueDim = tb.dim(value, 3);

    // dots[b, h, i, j] = sum_d query[b, h, i, d] * key[b, h, j, d]
    Value dots = tb.generic(
        {query, key}, tb.filled({batch, queryHeads, queryLen, keyLen}, 0.0),
        {{0, 1, 2, 4}, {0, 1, 3, 4}, {0, 1, 2, 3}},
        TensorBuilder::iterators("ppppr"), TensorBuilder::multiplyAccumulate);

    Value scores = maskedScores(tb, op, dots);

    // Max-subtracted softmax. A row with no allowed key has max -inf; its
    // probabilities are 0, its output 0 and its log-sum-exp -inf.
    OpFoldResult rowSizes[] = {batch, queryHeads, queryLen};
    Value rowMax =
        tb.generic({scores}, tb.filled(rowSizes, kNegInf),
                   {{0, 1, 2, 3}, {0, 1, 2}}, TensorBuilder::iterators("pppr"),
                   [](OpBuilder &b, Location loc, ValueRange args) {
                     return arith::MaximumFOp::create(b, loc, args[0], args[1]);
                   });
    Value negInf = tb.f32Constant(kNegInf);
    Value probs = tb.generic(
        {scores, rowMax}, tb.empty(tb.dims(scores)),
        {{0, 1, 2, 3}, {0, 1, 2}, {0, 1, 2, 3}},
        TensorBuilder::iterators("pppp"),
        [&](OpBuilder &b, Location loc, ValueRange args) -> Value {
          Value masked = arith::CmpFOp::create(
              b, loc, arith::CmpFPredicate::OEQ, args[0], negInf);
          Value shifted = arith::SubFOp::create(b, loc, args[0], args[1]);
          Value exp = math::ExpOp::create(b, loc, shifted);
          Value zero = arith::ConstantOp::create(b, loc, b.getF32FloatAttr(0));
          return arith::SelectOp::create(b, loc, masked, zero, exp);
        });
    Value rowSum =
        tb.generic({probs}, tb.filled(rowSizes, 0.0), {{0, 1, 2, 3}, {0, 1, 2}},
                   TensorBuilder::iterators("pppr"), TensorBuilder::add);
    // weighted[b, h, i, e] = sum_j probs[b, h, i, j] * value[b, h, j, e]
    Value weighted = tb.generic(
        {probs, value}, tb.filled({batch, queryHeads, queryLen, valueDim}, 0.0),
        {{0, 1, 2, 4}, {0, 1, 4, 3}, {0, 1, 2, 3}},
        TensorBuilder::iterators("ppppr"), TensorBuilder::multiplyAccumulate);
    Value zero = tb.f32Constant(0.0);
    Value output = tb.generic(
        {weighted, rowSum}, tb.empty(tb.dims(weighted)),
        {{0, 1, 2, 3}, {0, 1, 2}, {0, 1, 2, 3}},
        TensorBuilder::iterators("pppp"),
        [&](OpBuilder &b, Location loc, ValueRange args) -> Value {
          Value nonEmpty = arith::CmpFOp::create(
              b, loc, arith::CmpFPredicate::OGT, args[1], zero);
          Value normalized = arith::DivFOp::create(b, loc, args[0], args[1]);
          return arith::SelectOp::create(b, loc, nonEmpty, normalized, zero);
        });
    SmallVector<Value> results = {
        tb.fromF32(output, getElementTypeOrSelf(op.getOutput().getType()))};
    if (op.getLse()) {
      results.push_back(tb.map(
          {rowMax, rowSum},
          [&](OpBuilder &b, Location loc, ValueRange args) -> Value {
            Value nonEmpty = arith::CmpFOp::create(
                b, loc, arith::CmpFPredicate::OGT, args[1], zero);
            Value log = math::LogOp::create(b, loc, args[1]);
            Value lse = arith::AddFOp::create(b, loc, args[0], log);
            return arith::SelectOp::create(b, loc, nonEmpty, lse, negInf);
          }));
    }
    rewriter.replaceOp(op, results);
    return success();
  }

  /// scale * dots + bias where (i, j) is allowed by the causal, window, sink
  /// and block-mask rules; -inf elsewhere.
  static Value maskedScores(TensorBuilder &tb, mix::AttentionOp op,
                            Value dots) {
    Value scale = softmaxScale(tb, op);
    Value bias = op.getBias() ? tb.toF32(op.getBias()) : Value();
    Value blockMask = op.getBlockMask();
    SmallVector<OpFoldResult> biasSizes, maskSizes;
    if (bias)
      biasSizes = tb.dims(bias);
    if (blockMask)
      maskSizes = tb.dims(blockMask);
    Value negInf = tb.f32Constant(kNegInf);
    bool causal = op.getCausal();
    std::optional<int64_t> windowLeft = op.getWindowLeft();
    std::optional<int64_t> windowRight = op.getWindowRight();
    int64_t sinks = op.getSinkTokens();
    std::optional<ArrayRef<int64_t>> blockSizes = op.getBlockSizes();

    return tb.generic(
        {dots}, tb.empty(tb.dims(dots)), {{0, 1, 2, 3}, {0, 1, 2, 3}},
        TensorBuilder::iterators("pppp"),
        [&](OpBuilder &b, Location loc, ValueRange args) -> Value {
          SmallVector<Value> idx;
          for (unsigned d = 0; d < 4; ++d)
            idx.push_back(TensorBuilder::loopIndex(b, loc, d));
          Value i = idx[2], j = idx[3];
          auto constant = [&](int64_t v) -> Value {
            return arith::ConstantIndexOp::create(b, loc, v);
          };
          auto cmp = [&](arith::CmpIPredicate pred, Value lhs, Value rhs) {
            return arith::CmpIOp::create(b, loc, pred, lhs, rhs).getResult();
          };
          auto both = [&](Value lhs, Value rhs) -> Value {
            if (!lhs || !rhs)
              return lhs ? lhs : rhs;
            return arith::AndIOp::create(b, loc, lhs, rhs);
          };

          Value score = arith::MulFOp::create(b, loc, scale, args[0]);
          if (bias) {
            Value element = tensor::ExtractOp::create(
                b, loc, bias,
                ValueRange{broadcastIndex(b, loc, biasSizes[0], idx[0]),
                           broadcastIndex(b, loc, biasSizes[1], idx[1]), i, j});
            score = arith::AddFOp::create(b, loc, score, element);
          }

          Value allowed;
          if (causal)
            allowed = cmp(arith::CmpIPredicate::ule, j, i);
          Value inWindow;
          if (windowLeft) // i - j <= windowLeft, i.e. i <= j + windowLeft
            inWindow =
                cmp(arith::CmpIPredicate::ule, i,
                    arith::AddIOp::create(b, loc, j, constant(*windowLeft)));
          if (windowRight)
            inWindow = both(
                inWindow,
                cmp(arith::CmpIPredicate::ule, j,
                    arith::AddIOp::create(b, loc, i, constant(*windowRight))));
          if (inWindow && sinks > 0)
            inWindow = arith::OrIOp::create(
                b, loc, inWindow,
                cmp(arith::CmpIPredicate::ult, j, constant(sinks)));
          allowed = both(allowed, inWindow);
          if (blockMask) {
            Value row =
                arith::DivUIOp::create(b, loc, i, constant((*blockSizes)[0]));
            Value column =
                arith::DivUIOp::create(b, loc, j, constant((*blockSizes)[1]));
            Value keep = tensor::ExtractOp::create(
                b, loc, blockMask,
                ValueRange{broadcastIndex(b, loc, maskSizes[0], idx[0]),
                           broadcastIndex(b, loc, maskSizes[1], idx[1]), row,
                           column});
            if (!keep.getType().isInteger(1))
              keep = arith::CmpIOp::create(
                  b, loc, arith::CmpIPredicate::ne, keep,
                  arith::ConstantOp::create(
                      b, loc, b.getIntegerAttr(keep.getType(), 0)));
            allowed = both(allowed, keep);
          }
          if (!allowed)
            return score;
          return arith::SelectOp::create(b, loc, allowed, score, negInf);
        });
  }
};

/// phi of linear attention, elementwise.
Value featureMap(TensorBuilder &tb, Value tensor, mix::FeatureMap map) {
  if (map == mix::FeatureMap::identity)
    return tensor;
  return tb.map({tensor}, [&](OpBuilder &b, Location loc, ValueRange args) {
    Value x = args[0];
    Value zero = arith::ConstantOp::create(b, loc, b.getF32FloatAttr(0));
    if (map == mix::FeatureMap::relu)
      return arith::MaximumFOp::create(b, loc, x, zero).getResult();
    // elu(x) + 1 = x + 1 for x > 0, exp(x) otherwise.
    Value one = arith::ConstantOp::create(b, loc, b.getF32FloatAttr(1));
    Value positive =
        arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OGT, x, zero);
    Value shifted = arith::AddFOp::create(b, loc, x, one);
    Value exp = math::ExpOp::create(b, loc, x);
    return arith::SelectOp::create(b, loc, positive, shifted, exp).getResult();
  });
}

struct DecomposeLinearAttention : OpRewritePattern<mix::LinearAttentionOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(mix::LinearAttentionOp op,
                                PatternRewriter &rewriter) const override {
    TensorBuilder tb(rewriter, op.getLoc());
    mix::FeatureMap map = op.getFeatureMap();
    Value query = featureMap(tb, tb.toF32(op.getQuery()), map);
    Value key = featureMap(tb, tb.toF32(op.getKey()), map);
    Value value = tb.toF32(op.getValue());
    Value decay = op.getDecay() ? tb.toF32(op.getDecay()) : Value();

    auto [numerator, denominator] =
        op.getCausal() ? causalRecurrence(tb, op, query, key, value, decay)
                       : quadraticForm(tb, op, query, key, value, decay);
    Value output = numerator;
    if (op.getNormalize())
      output =
          tb.generic({numerator, denominator}, tb.empty(tb.dims(numerator)),
                     {{0, 1, 2, 3}, {0, 1, 2}, {0, 1, 2, 3}},
                     TensorBuilder::iterators("pppp"),
                     [](OpBuilder &b, Location loc, ValueRange args) {
                       return arith::DivFOp::create(b, loc, args[0], args[1]);
                     });
    rewriter.replaceOp(
        op, tb.fromF32(output, getElementTypeOrSelf(op.getOutput().getType())));
    return success();
  }

  /// Non-causal: w(i, j) * dot(phi q_i, phi k_j) summed against v_j, with
  /// w = gamma[h]^|i - j| for a per-head decay and 1 without.
  static std::pair<Value, Value> quadraticForm(TensorBuilder &tb,
                                               mix::LinearAttentionOp op,
                                               Value query, Value key,
                                               Value value, Value decay) {
    OpFoldResult batch = tb.dim(query, 0), heads = tb.dim(query, 1),
                 length = tb.dim(query, 2), valueDim = tb.dim(value, 3);
    Value scores = tb.generic(
        {query, key}, tb.filled({batch, heads, length, length}, 0.0),
        {{0, 1, 2, 4}, {0, 1, 3, 4}, {0, 1, 2, 3}},
        TensorBuilder::iterators("ppppr"), TensorBuilder::multiplyAccumulate);
    if (decay) // per-head: the verifier allows only [H] without causal
      scores = tb.generic(
          {scores, decay}, tb.empty(tb.dims(scores)),
          {{0, 1, 2, 3}, {1}, {0, 1, 2, 3}}, TensorBuilder::iterators("pppp"),
          [](OpBuilder &b, Location loc, ValueRange args) -> Value {
            Value i = TensorBuilder::loopIndex(b, loc, 2);
            Value j = TensorBuilder::loopIndex(b, loc, 3);
            Value later =
                arith::CmpIOp::create(b, loc, arith::CmpIPredicate::uge, i, j);
            Value distance = arith::SelectOp::create(
                b, loc, later, arith::SubIOp::create(b, loc, i, j),
                arith::SubIOp::create(b, loc, j, i));
            Value asInt =
                arith::IndexCastOp::create(b, loc, b.getI64Type(), distance);
            Value exponent =
                arith::SIToFPOp::create(b, loc, b.getF32Type(), asInt);
            Value weight = math::PowFOp::create(b, loc, args[1], exponent);
            return arith::MulFOp::create(b, loc, args[0], weight);
          });
    Value numerator = tb.generic(
        {scores, value}, tb.filled({batch, heads, length, valueDim}, 0.0),
        {{0, 1, 2, 4}, {0, 1, 4, 3}, {0, 1, 2, 3}},
        TensorBuilder::iterators("ppppr"), TensorBuilder::multiplyAccumulate);
    Value denominator;
    if (op.getNormalize())
      denominator =
          tb.generic({scores}, tb.filled({batch, heads, length}, 0.0),
                     {{0, 1, 2, 3}, {0, 1, 2}},
                     TensorBuilder::iterators("pppr"), TensorBuilder::add);
    return {numerator, denominator};
  }

  /// Causal: S_t = g_t S_{t-1} + phi(k_t) v_t^T, z_t = g_t z_{t-1} + phi(k_t),
  /// num_t = phi(q_t)^T S_t, den_t = phi(q_t)^T z_t, with g_t = 1, gamma[h]
  /// or gamma[b, h, t].
  static std::pair<Value, Value> causalRecurrence(TensorBuilder &tb,
                                                  mix::LinearAttentionOp op,
                                                  Value query, Value key,
                                                  Value value, Value decay) {
    OpFoldResult batch = tb.dim(query, 0), heads = tb.dim(query, 1),
                 length = tb.dim(query, 2), keyDim = tb.dim(query, 3),
                 valueDim = tb.dim(value, 3);
    // gates[b, h, t]
    Value gates;
    if (!decay)
      gates = tb.filled({batch, heads, length}, 1.0);
    else if (cast<RankedTensorType>(decay.getType()).getRank() == 1)
      gates = tb.generic(
          {decay}, tb.empty({batch, heads, length}), {{1}, {0, 1, 2}},
          TensorBuilder::iterators("ppp"),
          [](OpBuilder &, Location, ValueRange args) { return args[0]; });
    else
      gates = decay;
    bool normalize = op.getNormalize();

    SmallVector<Value> init = {
        tb.filled({batch, heads, keyDim, valueDim}, 0.0),
        tb.filled({batch, heads, length, valueDim}, 0.0)};
    if (normalize) {
      init.push_back(tb.filled({batch, heads, keyDim}, 0.0));
      init.push_back(tb.filled({batch, heads, length}, 0.0));
    }
    auto loop = scf::ForOp::create(
        tb.b, tb.loc, tb.index(0), tb.dimValue(query, 2), tb.index(1), init,
        [&](OpBuilder &b, Location loc, Value t, ValueRange state) {
          TensorBuilder inner(b, loc);
          Value queryT = inner.sliceAt(query, 2, t);
          Value keyT = inner.sliceAt(key, 2, t);
          Value valueT = inner.sliceAt(value, 2, t);
          Value gateT = inner.sliceAt(gates, 2, t);
          Value kv = inner.generic(
              {state[0], keyT, valueT, gateT},
              inner.empty(inner.dims(state[0])),
              {{0, 1, 2, 3}, {0, 1, 2}, {0, 1, 3}, {0, 1}, {0, 1, 2, 3}},
              TensorBuilder::iterators("pppp"),
              [](OpBuilder &b, Location loc, ValueRange args) -> Value {
                Value decayed = arith::MulFOp::create(b, loc, args[3], args[0]);
                Value outer = arith::MulFOp::create(b, loc, args[1], args[2]);
                return arith::AddFOp::create(b, loc, decayed, outer);
              });
          Value numeratorT = inner.generic(
              {queryT, kv}, inner.filled({batch, heads, valueDim}, 0.0),
              {{0, 1, 3}, {0, 1, 3, 2}, {0, 1, 2}},
              TensorBuilder::iterators("pppr"),
              TensorBuilder::multiplyAccumulate);
          SmallVector<Value> next = {
              kv, inner.insertAt(numeratorT, state[1], 2, t)};
          if (normalize) {
            Value keySum = inner.generic(
                {state[2], keyT, gateT}, inner.empty(inner.dims(state[2])),
                {{0, 1, 2}, {0, 1, 2}, {0, 1}, {0, 1, 2}},
                TensorBuilder::iterators("ppp"),
                [](OpBuilder &b, Location loc, ValueRange args) -> Value {
                  Value decayed =
                      arith::MulFOp::create(b, loc, args[2], args[0]);
                  return arith::AddFOp::create(b, loc, decayed, args[1]);
                });
            Value denominatorT = inner.generic(
                {queryT, keySum}, inner.filled({batch, heads}, 0.0),
                {{0, 1, 2}, {0, 1, 2}, {0, 1}}, TensorBuilder::iterators("ppr"),
                TensorBuilder::multiplyAccumulate);
            next.push_back(keySum);
            next.push_back(inner.insertAt(denominatorT, state[3], 2, t));
          }
          scf::YieldOp::create(b, loc, next);
        });
    return {loop.getResult(1), normalize ? loop.getResult(3) : Value()};
  }
};

} // namespace

void mixc::populateMixDecomposeAttentionPatterns(RewritePatternSet &patterns) {
  patterns.add<DecomposeAttention, DecomposeLinearAttention>(
      patterns.getContext());
}
