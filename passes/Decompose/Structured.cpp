//===- Structured.cpp - mix.monarch and mix.permute as linalg -------------===//
//
// The reference meaning of the structured mixers. Monarch reshapes the
// feature dimension into blocks, applies the first block-diagonal factor, the
// permutation (a reshape plus transposed indexing) and the second factor.
// Permute is a gather along its axis; its inverse first inverts each index row
// with a loop nest, then gathers.
//
//===----------------------------------------------------------------------===//

#include "DecomposeUtils.h"
#include "mixc/Dialect/Mix/MixOps.h"
#include "mixc/Passes/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/IR/TypeUtilities.h"

using namespace mlir;
using namespace mixc;
using namespace mixc::decompose;

namespace {

/// Static shape of `sizes` (dynamic where not constant).
SmallVector<int64_t> staticShape(ArrayRef<OpFoldResult> sizes) {
  SmallVector<int64_t> shape;
  for (OpFoldResult size : sizes)
    shape.push_back(getConstantIntValue(size).value_or(ShapedType::kDynamic));
  return shape;
}

/// tensor.expand_shape of `source` to `sizes` with `reassociation`.
Value expand(TensorBuilder &tb, Value source, ArrayRef<OpFoldResult> sizes,
             ArrayRef<ReassociationIndices> reassociation) {
  auto type = RankedTensorType::get(staticShape(sizes),
                                    getElementTypeOrSelf(source.getType()));
  return tensor::ExpandShapeOp::create(tb.b, tb.loc, type, source,
                                       reassociation, sizes);
}

Value collapse(TensorBuilder &tb, Value source,
               ArrayRef<ReassociationIndices> reassociation) {
  return tensor::CollapseShapeOp::create(tb.b, tb.loc, source, reassociation);
}

struct DecomposeMonarch : OpRewritePattern<mix::MonarchOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(mix::MonarchOp op,
                                PatternRewriter &rewriter) const override {
    TensorBuilder tb(rewriter, op.getLoc());
    Value x = tb.toF32(op.getX());
    Value first = tb.toF32(op.getFirstFactor());
    Value second = tb.toF32(op.getSecondFactor());
    int64_t rank = cast<RankedTensorType>(x.getType()).getRank();
    SmallVector<OpFoldResult> xSizes = tb.dims(x);

    // rows: [T, n] with all leading dims of x folded into T.
    Value rows = x;
    if (rank == 1)
      rows = expand(tb, x, {tb.b.getIndexAttr(1), xSizes[0]}, {{0, 1}});
    else if (rank > 2)
      rows = collapse(
          tb, x,
          {llvm::to_vector(llvm::seq<int64_t>(0, rank - 1)), {rank - 1}});
    OpFoldResult tokens = tb.dim(rows, 0);
    OpFoldResult k = tb.dim(first, 0), q = tb.dim(first, 1),
                 p = tb.dim(first, 2);
    OpFoldResult l = tb.dim(second, 0), s = tb.dim(second, 1),
                 r = tb.dim(second, 2);

    // u[t, kb, qi] = sum_pi first[kb, qi, pi] * x[t, kb * p + pi]
    Value blocks = expand(tb, rows, {tokens, k, p}, {{0}, {1, 2}});
    Value u = tb.generic({blocks, first}, tb.filled({tokens, k, q}, 0.0),
                         {{0, 1, 3}, {1, 2, 3}, {0, 1, 2}}, iterators("pppr"),
                         multiplyAccumulate);
    // The permutation: u (flat index kb * q + qi) is read as [r, l] and the
    // second factor takes its columns (index ri * l + lb for block lb).
    Value flat = collapse(tb, u, {{0}, {1, 2}});
    Value permuted = expand(tb, flat, {tokens, r, l}, {{0}, {1, 2}});
    // y[t, si, lb] = sum_ri second[lb, si, ri] * u[t, ri * l + lb]
    Value y = tb.generic({permuted, second}, tb.filled({tokens, s, l}, 0.0),
                         {{0, 3, 2}, {2, 1, 3}, {0, 1, 2}}, iterators("pppr"),
                         multiplyAccumulate);
    Value result = collapse(tb, y, {{0}, {1, 2}});
    if (rank == 1)
      result = collapse(tb, result, {{0, 1}});
    else if (rank > 2) {
      SmallVector<OpFoldResult> ySizes(xSizes);
      ySizes.back() = tb.dim(result, 1);
      result = expand(
          tb, result, ySizes,
          {llvm::to_vector(llvm::seq<int64_t>(0, rank - 1)), {rank - 1}});
    }
    result = tb.fromF32(result, getElementTypeOrSelf(op.getY().getType()));
    // The reshapes may know a static size that the op's type leaves dynamic.
    if (result.getType() != op.getY().getType())
      result = tensor::CastOp::create(rewriter, op.getLoc(),
                                      op.getY().getType(), result);
    rewriter.replaceOp(op, result);
    return success();
  }
};

struct DecomposePermute : OpRewritePattern<mix::PermuteOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(mix::PermuteOp op,
                                PatternRewriter &rewriter) const override {
    TensorBuilder tb(rewriter, op.getLoc());
    Value input = op.getInput();
    Value indices = op.getIndices();
    if (op.getInverse())
      indices = invert(tb, indices);
    auto inputType = cast<RankedTensorType>(input.getType());
    int64_t rank = inputType.getRank();
    int64_t axis = op.getAxis();
    int64_t indicesRank = cast<RankedTensorType>(indices.getType()).getRank();
    // indices dim j lines up with input dim firstDim + j.
    int64_t firstDim = axis + 1 - indicesRank;

    SmallVector<unsigned> all;
    for (unsigned i = 0; i < rank; ++i)
      all.push_back(i);
    Value output = tb.generic(
        {}, tb.empty(tb.dims(input), inputType.getElementType()), {all},
        SmallVector<utils::IteratorType>(rank, utils::IteratorType::parallel),
        [&](OpBuilder &b, Location loc, ValueRange) -> Value {
          SmallVector<Value> idx;
          for (unsigned d = 0; d < rank; ++d)
            idx.push_back(TensorBuilder::loopIndex(b, loc, d));
          SmallVector<Value> row(idx.begin() + firstDim,
                                 idx.begin() + axis + 1);
          Value source = tensor::ExtractOp::create(b, loc, indices, row);
          idx[axis] =
              arith::IndexCastOp::create(b, loc, b.getIndexType(), source);
          return tensor::ExtractOp::create(b, loc, input, idx);
        });
    rewriter.replaceOp(op, output);
    return success();
  }

  /// inverse[..., indices[..., i]] = i for every index row.
  static Value invert(TensorBuilder &tb, Value indices) {
    auto type = cast<RankedTensorType>(indices.getType());
    SmallVector<Value> lower, upper, steps;
    for (int64_t d = 0; d < type.getRank(); ++d) {
      lower.push_back(tb.index(0));
      upper.push_back(tb.dimValue(indices, d));
      steps.push_back(tb.index(1));
    }
    Value init = tb.empty(tb.dims(indices), type.getElementType());
    scf::LoopNest nest = scf::buildLoopNest(
        tb.b, tb.loc, lower, upper, steps, ValueRange{init},
        [&](OpBuilder &b, Location loc, ValueRange ivs,
            ValueRange args) -> scf::ValueVector {
          Value target = tensor::ExtractOp::create(b, loc, indices, ivs);
          SmallVector<Value> position(ivs);
          position.back() =
              arith::IndexCastOp::create(b, loc, b.getIndexType(), target);
          Value i = arith::IndexCastOp::create(b, loc, type.getElementType(),
                                               ivs.back());
          return {tensor::InsertOp::create(b, loc, i, args[0], position)};
        });
    return nest.results.front();
  }
};

} // namespace

void mixc::populateMixDecomposeStructuredPatterns(RewritePatternSet &patterns) {
  patterns.add<DecomposeMonarch, DecomposePermute>(patterns.getContext());
}
