//===- Scans.cpp - mix.selective_scan and mix.ssd as linalg + scf.for -----===//
//
// The reference meaning of the state-space mixers: each runs its recurrence
// over the sequence with scf.for, carrying the state as a tensor, one linalg
// step per token. This is exact to f32 rounding for any length (no cumulative
// sums of logarithms whose differences lose precision on long sequences).
// Grouped B/C are read with tensor.extract at the channel's (or head's) group.
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

using namespace mlir;
using namespace mixc;

namespace {

/// softplus(x) = log(1 + exp(x)), computed as max(x, 0) + log1p(exp(-|x|))
/// so that it neither overflows nor loses small values.
Value softplus(OpBuilder &b, Location loc, Value x) {
  Value zero = arith::ConstantOp::create(b, loc, b.getF32FloatAttr(0));
  Value positivePart = arith::MaximumFOp::create(b, loc, x, zero);
  Value negAbs = arith::NegFOp::create(b, loc, math::AbsFOp::create(b, loc, x));
  Value tail =
      math::Log1pOp::create(b, loc, math::ExpOp::create(b, loc, negAbs));
  return arith::AddFOp::create(b, loc, positivePart, tail);
}

/// dt + bias (broadcast along `biasDim` of dt), then softplus if asked.
Value stepSizes(TensorBuilder &tb, Value dt, Value bias, unsigned biasDim,
                bool applySoftplus) {
  if (!bias && !applySoftplus)
    return dt;
  auto rank = cast<RankedTensorType>(dt.getType()).getRank();
  SmallVector<unsigned> all;
  for (unsigned i = 0; i < rank; ++i)
    all.push_back(i);
  SmallVector<Value> inputs = {dt};
  SmallVector<SmallVector<unsigned>> maps = {all};
  if (bias) {
    inputs.push_back(bias);
    maps.push_back({biasDim});
  }
  maps.push_back(all);
  return tb.generic(
      inputs, tb.empty(tb.dims(dt)), maps,
      SmallVector<utils::IteratorType>(rank, utils::IteratorType::parallel),
      [&](OpBuilder &b, Location loc, ValueRange args) {
        Value value = args[0];
        if (bias)
          value = arith::AddFOp::create(b, loc, value, args[1]);
        return applySoftplus ? softplus(b, loc, value) : value;
      });
}

/// Position of step `iv` of a scan over `length` tokens.
Value scanPosition(OpBuilder &b, Location loc, Value iv, Value length,
                   bool reverse) {
  if (!reverse)
    return iv;
  Value one = arith::ConstantIndexOp::create(b, loc, 1);
  Value last = arith::SubIOp::create(b, loc, length, one);
  return arith::SubIOp::create(b, loc, last, iv);
}

/// Element of a grouped [B, G, N] slice for channel/head `member` of
/// `members`: group member / (members / G).
Value groupedElement(OpBuilder &b, Location loc, Value slice, Value groupSize,
                     Value batch, Value member, Value stateIndex) {
  Value group = arith::DivUIOp::create(b, loc, member, groupSize);
  return tensor::ExtractOp::create(b, loc, slice,
                                   ValueRange{batch, group, stateIndex});
}

Value multiplyAdd(OpBuilder &b, Location loc, Value acc, Value lhs, Value rhs) {
  Value product = arith::MulFOp::create(b, loc, lhs, rhs);
  return arith::AddFOp::create(b, loc, acc, product);
}

//===----------------------------------------------------------------------===//
// mix.selective_scan
//===----------------------------------------------------------------------===//

struct DecomposeSelectiveScan : OpRewritePattern<mix::SelectiveScanOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(mix::SelectiveScanOp op,
                                PatternRewriter &rewriter) const override {
    TensorBuilder tb(rewriter, op.getLoc());
    Value x = tb.toF32(op.getX());
    Value dt =
        stepSizes(tb, tb.toF32(op.getDelta()),
                  op.getDeltaBias() ? tb.toF32(op.getDeltaBias()) : Value(), 1,
                  op.getDeltaSoftplus());
    Value A = tb.toF32(op.getA());
    Value B = tb.toF32(op.getB());
    Value C = tb.toF32(op.getC());

    mix::ScanDirection direction = op.getDirection();
    Value y;
    if (direction != mix::ScanDirection::reverse)
      y = scan(tb, x, dt, A, B, C, /*reverse=*/false);
    if (direction != mix::ScanDirection::forward) {
      Value reverse = scan(tb, x, dt, A, B, C, /*reverse=*/true);
      y = y ? tb.map({y, reverse}, TensorBuilder::add) : reverse;
    }
    // y += D[d] * x, then y *= silu(z).
    if (Value skip = op.getD())
      y = tb.generic({y, x, tb.toF32(skip)}, tb.empty(tb.dims(y)),
                     {{0, 1, 2}, {0, 1, 2}, {1}, {0, 1, 2}},
                     TensorBuilder::iterators("ppp"),
                     [](OpBuilder &b, Location loc, ValueRange args) {
                       return multiplyAdd(b, loc, args[0], args[2], args[1]);
                     });
    if (Value gate = op.getZ())
      y = tb.map({y, tb.toF32(gate)},
                 [](OpBuilder &b, Location loc, ValueRange args) -> Value {
                   Value one =
                       arith::ConstantOp::create(b, loc, b.getF32FloatAttr(1));
                   Value negZ = arith::NegFOp::create(b, loc, args[1]);
                   Value denom = arith::AddFOp::create(
                       b, loc, one, math::ExpOp::create(b, loc, negZ));
                   Value silu = arith::DivFOp::create(b, loc, args[1], denom);
                   return arith::MulFOp::create(b, loc, args[0], silu);
                 });
    rewriter.replaceOp(
        op, tb.fromF32(y, getElementTypeOrSelf(op.getY().getType())));
    return success();
  }

  /// State term sum_n C[g, n, t] h[d, n, t] of one scan direction, [B, D, L]:
  /// h_t = exp(dt_t A[d, n]) h_prev + dt_t B[g, n, t] x_t.
  static Value scan(TensorBuilder &tb, Value x, Value dt, Value A, Value B,
                    Value C, bool reverse) {
    OpFoldResult batch = tb.dim(x, 0), channels = tb.dim(x, 1),
                 stateDim = tb.dim(A, 1);
    Value length = tb.dimValue(x, 2);
    Value groupSize = arith::DivUIOp::create(tb.b, tb.loc, tb.dimValue(x, 1),
                                             tb.dimValue(B, 1));
    Value init[] = {tb.filled({batch, channels, stateDim}, 0.0),
                    tb.filled(tb.dims(x), 0.0)};
    auto loop = scf::ForOp::create(
        tb.b, tb.loc, tb.index(0), length, tb.index(1), init,
        [&](OpBuilder &b, Location loc, Value iv, ValueRange state) {
          TensorBuilder inner(b, loc);
          Value t = scanPosition(b, loc, iv, length, reverse);
          Value xT = inner.sliceAt(x, 2, t), dtT = inner.sliceAt(dt, 2, t);
          Value BT = inner.sliceAt(B, 3, t), CT = inner.sliceAt(C, 3, t);
          Value h = inner.generic(
              {state[0], dtT, A, xT}, inner.empty(inner.dims(state[0])),
              {{0, 1, 2}, {0, 1}, {1, 2}, {0, 1}, {0, 1, 2}},
              TensorBuilder::iterators("ppp"),
              [&](OpBuilder &b, Location loc, ValueRange args) -> Value {
                Value bIdx = TensorBuilder::loopIndex(b, loc, 0);
                Value d = TensorBuilder::loopIndex(b, loc, 1);
                Value n = TensorBuilder::loopIndex(b, loc, 2);
                Value Bv = groupedElement(b, loc, BT, groupSize, bIdx, d, n);
                Value decay = math::ExpOp::create(
                    b, loc, arith::MulFOp::create(b, loc, args[1], args[2]));
                Value input = arith::MulFOp::create(
                    b, loc, arith::MulFOp::create(b, loc, args[1], Bv),
                    args[3]);
                return multiplyAdd(b, loc, input, decay, args[0]);
              });
          Value yT = inner.generic(
              {h}, inner.filled({batch, channels}, 0.0), {{0, 1, 2}, {0, 1}},
              TensorBuilder::iterators("ppr"),
              [&](OpBuilder &b, Location loc, ValueRange args) -> Value {
                Value bIdx = TensorBuilder::loopIndex(b, loc, 0);
                Value d = TensorBuilder::loopIndex(b, loc, 1);
                Value n = TensorBuilder::loopIndex(b, loc, 2);
                Value Cv = groupedElement(b, loc, CT, groupSize, bIdx, d, n);
                return multiplyAdd(b, loc, args[1], Cv, args[0]);
              });
          Value next[] = {h, inner.insertAt(yT, state[1], 2, t)};
          scf::YieldOp::create(b, loc, next);
        });
    return loop.getResult(1);
  }
};

//===----------------------------------------------------------------------===//
// mix.ssd
//===----------------------------------------------------------------------===//

struct DecomposeSSD : OpRewritePattern<mix::SSDOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(mix::SSDOp op,
                                PatternRewriter &rewriter) const override {
    TensorBuilder tb(rewriter, op.getLoc());
    Value x = tb.toF32(op.getX());
    Value dt = stepSizes(tb, tb.toF32(op.getDt()),
                         op.getDtBias() ? tb.toF32(op.getDtBias()) : Value(), 2,
                         op.getDtSoftplus());
    Value A = tb.toF32(op.getA());
    Value B = tb.toF32(op.getB());
    Value C = tb.toF32(op.getC());

    Value y = causalScan(tb, x, dt, A, B, C);
    if (op.getDirection() == mix::ScanDirection::bidirectional) {
      Value upper = anticausalScan(tb, x, dt, A, B, C);
      y = tb.map({y, upper}, TensorBuilder::add);
    }
    if (Value skip = op.getD())
      y = tb.generic({y, x, tb.toF32(skip)}, tb.empty(tb.dims(y)),
                     {{0, 1, 2, 3}, {0, 1, 2, 3}, {2}, {0, 1, 2, 3}},
                     TensorBuilder::iterators("pppp"),
                     [](OpBuilder &b, Location loc, ValueRange args) {
                       return multiplyAdd(b, loc, args[0], args[2], args[1]);
                     });
    rewriter.replaceOp(
        op, tb.fromF32(y, getElementTypeOrSelf(op.getY().getType())));
    return success();
  }

  /// One token's slices: x_t [B, H, P], dt_t [B, H], B_t and C_t [B, G, N].
  struct Token {
    Value x, dt, B, C;
  };
  static Token tokenAt(TensorBuilder &tb, Value x, Value dt, Value B, Value C,
                       Value t) {
    return {tb.sliceAt(x, 1, t), tb.sliceAt(dt, 1, t), tb.sliceAt(B, 1, t),
            tb.sliceAt(C, 1, t)};
  }

  /// next[b, h, p, n] = a_t * prev + (include input ? dt_t B_t[g, n] x_t[p] :
  /// 0) with a_t = exp(dt_t A[h]); `decayed` says whether prev is multiplied.
  static Value stateStep(TensorBuilder &tb, Value prev, const Token &token,
                         Value A, Value groupSize, bool addInput) {
    return tb.generic(
        {prev, token.dt, A, token.x}, tb.empty(tb.dims(prev)),
        {{0, 1, 2, 3}, {0, 1}, {1}, {0, 1, 2}, {0, 1, 2, 3}},
        TensorBuilder::iterators("pppp"),
        [&](OpBuilder &b, Location loc, ValueRange args) -> Value {
          Value decay = math::ExpOp::create(
              b, loc, arith::MulFOp::create(b, loc, args[1], args[2]));
          Value decayed = arith::MulFOp::create(b, loc, decay, args[0]);
          if (!addInput)
            return decayed;
          Value bIdx = TensorBuilder::loopIndex(b, loc, 0);
          Value h = TensorBuilder::loopIndex(b, loc, 1);
          Value n = TensorBuilder::loopIndex(b, loc, 3);
          Value Bv = groupedElement(b, loc, token.B, groupSize, bIdx, h, n);
          Value input = arith::MulFOp::create(
              b, loc, arith::MulFOp::create(b, loc, args[1], Bv), args[3]);
          return arith::AddFOp::create(b, loc, decayed, input);
        });
  }

  /// state[b, h, p, n] -> y[b, h, p] = sum_n C_t[g, n] state.
  static Value readOut(TensorBuilder &tb, Value state, const Token &token,
                       Value groupSize) {
    return tb.generic(
        {state}, tb.filled(tb.dims(token.x), 0.0), {{0, 1, 2, 3}, {0, 1, 2}},
        TensorBuilder::iterators("pppr"),
        [&](OpBuilder &b, Location loc, ValueRange args) -> Value {
          Value bIdx = TensorBuilder::loopIndex(b, loc, 0);
          Value h = TensorBuilder::loopIndex(b, loc, 1);
          Value n = TensorBuilder::loopIndex(b, loc, 3);
          Value Cv = groupedElement(b, loc, token.C, groupSize, bIdx, h, n);
          return multiplyAdd(b, loc, args[1], Cv, args[0]);
        });
  }

  static Value groupSizeOf(TensorBuilder &tb, Value x, Value B) {
    return arith::DivUIOp::create(tb.b, tb.loc, tb.dimValue(x, 2),
                                  tb.dimValue(B, 2));
  }

  /// Lower triangle with the diagonal: h_t = a_t h_{t-1} + dt_t B_t x_t^T,
  /// y_t = C_t . h_t.
  static Value causalScan(TensorBuilder &tb, Value x, Value dt, Value A,
                          Value B, Value C) {
    Value groupSize = groupSizeOf(tb, x, B);
    Value init[] = {
        tb.filled({tb.dim(x, 0), tb.dim(x, 2), tb.dim(x, 3), tb.dim(B, 3)},
                  0.0),
        tb.filled(tb.dims(x), 0.0)};
    auto loop = scf::ForOp::create(
        tb.b, tb.loc, tb.index(0), tb.dimValue(x, 1), tb.index(1), init,
        [&](OpBuilder &b, Location loc, Value t, ValueRange state) {
          TensorBuilder inner(b, loc);
          Token token = tokenAt(inner, x, dt, B, C, t);
          Value h = stateStep(inner, state[0], token, A, groupSize, true);
          Value yT = readOut(inner, h, token, groupSize);
          Value next[] = {h, inner.insertAt(yT, state[1], 1, t)};
          scf::YieldOp::create(b, loc, next);
        });
    return loop.getResult(1);
  }

  /// Strict upper triangle (Hydra's mirror): with the inclusive reverse state
  /// Q_t = dt_t B_t x_t^T + R_t and R_t = a_t Q_{t+1} (R_{L-1} = 0), the term
  /// is y_t = C_t . R_t = sum_{s>t} C_t.B_s prod_{r=t..s-1} a_r dt_s x_s.
  static Value anticausalScan(TensorBuilder &tb, Value x, Value dt, Value A,
                              Value B, Value C) {
    Value groupSize = groupSizeOf(tb, x, B);
    Value length = tb.dimValue(x, 1);
    Value init[] = {
        tb.filled({tb.dim(x, 0), tb.dim(x, 2), tb.dim(x, 3), tb.dim(B, 3)},
                  0.0),
        tb.filled(tb.dims(x), 0.0)};
    auto loop = scf::ForOp::create(
        tb.b, tb.loc, tb.index(0), length, tb.index(1), init,
        [&](OpBuilder &b, Location loc, Value iv, ValueRange state) {
          TensorBuilder inner(b, loc);
          Value t = scanPosition(b, loc, iv, length, /*reverse=*/true);
          Token token = tokenAt(inner, x, dt, B, C, t);
          // R_t = a_t Q_{t+1}; then Q_t = R_t + dt_t B_t x_t^T.
          Value R = stateStep(inner, state[0], token, A, groupSize, false);
          Value yT = readOut(inner, R, token, groupSize);
          Value zero = inner.filled(inner.dims(R), 0.0);
          Value input = stateStep(inner, zero, token, A, groupSize, true);
          Value Q = inner.map({R, input}, TensorBuilder::add);
          Value next[] = {Q, inner.insertAt(yT, state[1], 1, t)};
          scf::YieldOp::create(b, loc, next);
        });
    return loop.getResult(1);
  }
};

} // namespace

void mixc::populateMixDecomposeScanPatterns(RewritePatternSet &patterns) {
  patterns.add<DecomposeSelectiveScan, DecomposeSSD>(patterns.getContext());
}
