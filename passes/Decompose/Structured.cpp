//===- Structured.cpp - mix.monarch and mix.permute as linalg -------------===//
//
// The reference meaning of the structured mixers. Monarch applies the first
// block-diagonal factor to blocks of the feature dimension and the second to
// strided columns of the result (the permutation), then flattens.
// Permute is a gather along its axis; its inverse first inverts each index row
// with a loop nest, then gathers.
//
//===----------------------------------------------------------------------===//

#include "mixc/Dialect/Mix/MixOps.h"
#include "mixc/Passes/Passes.h"
#include "mixc/Support/TensorBuilder.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/IR/TypeUtilities.h"

using namespace mlir;
using namespace mixc;

namespace {

/// Loop indices 0 .. count-1 of a linalg.generic body.
SmallVector<Value> loopIndices(OpBuilder &b, Location loc, unsigned count) {
  SmallVector<Value> indices;
  for (unsigned d = 0; d < count; ++d)
    indices.push_back(TensorBuilder::loopIndex(b, loc, d));
  return indices;
}

/// The factors index the feature dimension arithmetically (x at kb * p + pi,
/// the intermediate at ri * l + lb) instead of reshaping it: expand_shape with
/// two dynamic sizes in one group crashes MLIR 22's expand-strided-metadata
/// (llvm-project#186830), and this form takes any mix of static and dynamic
/// sizes.
struct DecomposeMonarch : OpRewritePattern<mix::MonarchOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(mix::MonarchOp op,
                                PatternRewriter &rewriter) const override {
    TensorBuilder tb(rewriter, op.getLoc());
    Value x = tb.toF32(op.getX());
    Value first = tb.toF32(op.getFirstFactor());
    Value second = tb.toF32(op.getSecondFactor());
    unsigned lead = cast<RankedTensorType>(x.getType()).getRank() - 1;
    SmallVector<OpFoldResult> sizes = tb.dims(x);
    sizes.pop_back(); // the leading dims, then the block dims below
    SmallVector<unsigned> leadDims;
    for (unsigned d = 0; d < lead; ++d)
      leadDims.push_back(d);
    auto withLead = [&](std::initializer_list<unsigned> tail) {
      SmallVector<unsigned> dims(leadDims);
      dims.append(tail);
      return dims;
    };
    auto sizesWith = [&](OpFoldResult a, OpFoldResult b) {
      SmallVector<OpFoldResult> result(sizes);
      result.append({a, b});
      return result;
    };
    Value blockIn = tb.dimValue(first, 2);       // p
    Value blockOut = tb.dimValue(first, 1);      // q
    Value secondBlocks = tb.dimValue(second, 0); // l

    // u[..., kb, qi] = sum_pi first[kb, qi, pi] * x[..., kb * p + pi]
    Value u = tb.generic(
        {first}, tb.filled(sizesWith(tb.dim(first, 0), tb.dim(first, 1)), 0.0),
        {{lead, lead + 1, lead + 2}, withLead({lead, lead + 1})},
        TensorBuilder::iterators(std::string(lead + 2, 'p') + "r"),
        [&](OpBuilder &b, Location loc, ValueRange args) -> Value {
          SmallVector<Value> idx = loopIndices(b, loc, lead + 3);
          Value feature = arith::AddIOp::create(
              b, loc, arith::MulIOp::create(b, loc, idx[lead], blockIn),
              idx[lead + 2]);
          SmallVector<Value> xIndex(idx.begin(), idx.begin() + lead);
          xIndex.push_back(feature);
          Value xValue = tensor::ExtractOp::create(b, loc, x, xIndex);
          return TensorBuilder::multiplyAccumulate(b, loc,
                                                   {args[0], xValue, args[1]});
        });
    // y[..., si, lb] = sum_ri second[lb, si, ri] * u[..., ri * l + lb]: block
    // lb reads every l-th entry of the flat intermediate (the permutation).
    Value y = tb.generic(
        {second},
        tb.filled(sizesWith(tb.dim(second, 1), tb.dim(second, 0)), 0.0),
        {{lead + 1, lead, lead + 2}, withLead({lead, lead + 1})},
        TensorBuilder::iterators(std::string(lead + 2, 'p') + "r"),
        [&](OpBuilder &b, Location loc, ValueRange args) -> Value {
          SmallVector<Value> idx = loopIndices(b, loc, lead + 3);
          Value flat = arith::AddIOp::create(
              b, loc,
              arith::MulIOp::create(b, loc, idx[lead + 2], secondBlocks),
              idx[lead + 1]);
          SmallVector<Value> uIndex(idx.begin(), idx.begin() + lead);
          uIndex.push_back(arith::DivUIOp::create(b, loc, flat, blockOut));
          uIndex.push_back(arith::RemUIOp::create(b, loc, flat, blockOut));
          Value uValue = tensor::ExtractOp::create(b, loc, u, uIndex);
          return TensorBuilder::multiplyAccumulate(b, loc,
                                                   {args[0], uValue, args[1]});
        });
    // [..., s, l] -> [..., s * l]
    SmallVector<ReassociationIndices> groups;
    for (unsigned d = 0; d < lead; ++d)
      groups.push_back({d});
    groups.push_back({lead, lead + 1});
    Value result =
        tensor::CollapseShapeOp::create(rewriter, op.getLoc(), y, groups);
    result = tb.fromF32(result, getElementTypeOrSelf(op.getY().getType()));
    // The collapse may know a static size that the op's type leaves dynamic.
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
