//===- OpsLinear.cpp - ONNX ops: contractions and attention ---------------===//
//
// MatMul, Gemm and Einsum are each one linalg.generic, built by one
// contraction builder: every dimension of every operand is indexed by a loop,
// the loops that index no dimension of the result are summed over, and the
// product of the operands is accumulated in f32 for f16/bf16 inputs (in the
// element type otherwise) before the result is converted back. The opset-23
// Attention op becomes mix.attention in (batch, heads, length, dim) layout,
// with its attn_mask turned into an additive bias.
//
//===----------------------------------------------------------------------===//

#include "NodeImporter.h"

#include "mixc/Dialect/Mix/MixOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/AffineMap.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringExtras.h"

#include <cmath>
#include <cstdio>
#include <limits>
#include <map>

using namespace mlir;
using namespace mixc;
using namespace mixc::onnx_import;

//===----------------------------------------------------------------------===//
// The contraction builder
//===----------------------------------------------------------------------===//

namespace {

/// A contraction: the sum, over the loops that index no result dimension, of
/// the product of the operands. `operandLoops[i][d]` is the loop that indexes
/// dimension `d` of operand `i` (one loop may index two dimensions of an
/// operand: a diagonal); `resultLoops` are the loops of the result's
/// dimensions, in order. Along a loop marked in `broadcastLoops`, a static
/// size-1 dimension broadcasts against the others (NumPy rules); along the
/// other loops all sizes must agree.
struct Contraction {
  unsigned numLoops = 0;
  SmallVector<SmallVector<unsigned>> operandLoops;
  SmallVector<unsigned> resultLoops;
  SmallVector<bool> broadcastLoops;
};

} // namespace

/// The type products are summed in: f32 for 16-bit floats, else the element
/// type itself.
static Type accumulatorType(Type elementType) {
  if (isa<Float16Type, BFloat16Type>(elementType))
    return Float32Type::get(elementType.getContext());
  return elementType;
}

/// Checks that all `inputs` of the node share one float or (non-bool) integer
/// element type and returns it.
static FailureOr<Type> numericElementType(NodeContext &node,
                                          ArrayRef<size_t> inputs) {
  Type type = node.inputType(inputs.front()).getElementType();
  for (size_t i : inputs.drop_front())
    if (node.inputType(i).getElementType() != type)
      return node.fail("inputs have different element types");
  if (!isa<FloatType>(type) && (!isa<IntegerType>(type) || type.isInteger(1))) {
    std::string name;
    llvm::raw_string_ostream os(name);
    os << type;
    return node.fail("element type " + name +
                     " is not supported (float or non-bool integer types are)");
  }
  return type;
}

/// Builds `c` over `operands` (which share one element type) as one
/// linalg.generic and returns its result, in the accumulator type of the
/// element type. Fails with a message when two sizes that must agree differ.
static FailureOr<Value> buildContraction(NodeContext &node,
                                         ArrayRef<Value> operands,
                                         const Contraction &c) {
  OpBuilder &b = node.builder();
  Location loc = node.loc();
  Type accType =
      accumulatorType(getElementTypeOrSelf(operands.front().getType()));

  // Each loop's extent: a static size, dynamic, or 1 when every dimension it
  // indexes is 1. `source` names an operand dimension that has that extent.
  struct Extent {
    int64_t size = 1;
    std::optional<std::pair<unsigned, unsigned>> source;
  };
  SmallVector<Extent> extents(c.numLoops);
  for (auto [i, operand] : llvm::enumerate(operands)) {
    ArrayRef<int64_t> shape =
        cast<RankedTensorType>(operand.getType()).getShape();
    for (auto [d, loop] : llvm::enumerate(c.operandLoops[i])) {
      int64_t size = shape[d];
      Extent &extent = extents[loop];
      // A dynamic size gives the extent until a static one is seen; along a
      // broadcast loop size 1 says nothing about it.
      if (ShapedType::isDynamic(size)) {
        if (!extent.source)
          extent = {ShapedType::kDynamic,
                    std::make_pair(unsigned(i), unsigned(d))};
        continue;
      }
      if (size == 1 && c.broadcastLoops[loop])
        continue;
      if (!extent.source || ShapedType::isDynamic(extent.size)) {
        extent = {size, std::make_pair(unsigned(i), unsigned(d))};
        continue;
      }
      if (extent.size != size)
        return node.fail("dimension " + Twine(d) + " of input " + Twine(i) +
                         " has size " + Twine(size) + " but dimension " +
                         Twine(extent.source->second) + " of input " +
                         Twine(extent.source->first) + " has size " +
                         Twine(extent.size) + "; they must agree");
    }
  }

  // Indexing maps: a static size-1 dimension along a broadcast loop of
  // another extent is read at index 0.
  MLIRContext *context = node.context();
  SmallVector<AffineMap> maps;
  for (auto [i, operand] : llvm::enumerate(operands)) {
    ArrayRef<int64_t> shape =
        cast<RankedTensorType>(operand.getType()).getShape();
    SmallVector<AffineExpr> exprs;
    for (auto [d, loop] : llvm::enumerate(c.operandLoops[i])) {
      bool broadcasts =
          c.broadcastLoops[loop] && shape[d] == 1 && extents[loop].size != 1;
      exprs.push_back(broadcasts ? getAffineConstantExpr(0, context)
                                 : getAffineDimExpr(loop, context));
    }
    maps.push_back(AffineMap::get(c.numLoops, 0, exprs, context));
  }
  SmallVector<AffineExpr> resultExprs;
  SmallVector<OpFoldResult> resultSizes;
  SmallVector<utils::IteratorType> iterators(c.numLoops,
                                             utils::IteratorType::reduction);
  for (unsigned loop : c.resultLoops) {
    resultExprs.push_back(getAffineDimExpr(loop, context));
    iterators[loop] = utils::IteratorType::parallel;
    const Extent &extent = extents[loop];
    if (!extent.source)
      resultSizes.push_back(b.getIndexAttr(1));
    else
      resultSizes.push_back(node.tensors().dim(operands[extent.source->first],
                                               extent.source->second));
  }
  maps.push_back(AffineMap::get(c.numLoops, 0, resultExprs, context));

  Value zero = arith::ConstantOp::create(b, loc, b.getZeroAttr(accType));
  Value init = tensor::EmptyOp::create(b, loc, resultSizes, accType);
  init = linalg::FillOp::create(b, loc, ValueRange{zero}, ValueRange{init})
             .getResult(0);
  bool isFloat = isa<FloatType>(accType);
  auto op = linalg::GenericOp::create(
      b, loc, TypeRange{init.getType()}, operands, ValueRange{init}, maps,
      iterators, [&](OpBuilder &nested, Location nestedLoc, ValueRange args) {
        Value product;
        for (Value arg : args.drop_back()) {
          if (arg.getType() != accType)
            arg = arith::ExtFOp::create(nested, nestedLoc, accType, arg);
          if (!product)
            product = arg;
          else if (isFloat)
            product = arith::MulFOp::create(nested, nestedLoc, product, arg);
          else
            product = arith::MulIOp::create(nested, nestedLoc, product, arg);
        }
        Value sum =
            isFloat
                ? arith::AddFOp::create(nested, nestedLoc, args.back(), product)
                      .getResult()
                : arith::AddIOp::create(nested, nestedLoc, args.back(), product)
                      .getResult();
        linalg::YieldOp::create(nested, nestedLoc, sum);
      });
  return op.getResult(0);
}

/// Converts a contraction's accumulator back to `elementType`.
static Value fromAccumulator(NodeContext &node, Value acc, Type elementType) {
  if (getElementTypeOrSelf(acc.getType()) == elementType)
    return acc;
  return node.tensors().fromF32(acc, elementType);
}

//===----------------------------------------------------------------------===//
// MatMul
//===----------------------------------------------------------------------===//

/// NumPy matmul: [..., M, K] x [..., K, N] -> [..., M, N] with broadcast
/// batch dimensions; a 1-D left operand is a row [1, K] and a 1-D right
/// operand a column [K, 1], whose unit dimension the result drops.
static LogicalResult importMatMul(NodeContext &node) {
  FailureOr<Type> elementType = numericElementType(node, {0, 1});
  if (failed(elementType))
    return failure();
  int64_t lhsRank = node.inputType(0).getRank();
  int64_t rhsRank = node.inputType(1).getRank();
  if (lhsRank == 0 || rhsRank == 0)
    return node.fail("operands must have rank 1 or more");

  // Loops: the batch dimensions, M (unless the left operand is 1-D), N
  // (unless the right one is), then K.
  int64_t lhsBatch = std::max<int64_t>(lhsRank - 2, 0);
  int64_t rhsBatch = std::max<int64_t>(rhsRank - 2, 0);
  unsigned batchRank = std::max(lhsBatch, rhsBatch);
  Contraction c;
  unsigned next = batchRank;
  std::optional<unsigned> m, n;
  if (lhsRank >= 2)
    m = next++;
  if (rhsRank >= 2)
    n = next++;
  unsigned k = next++;
  c.numLoops = next;
  c.broadcastLoops.assign(c.numLoops, false);
  for (unsigned loop = 0; loop < batchRank; ++loop) {
    c.broadcastLoops[loop] = true;
    c.resultLoops.push_back(loop);
  }
  if (m)
    c.resultLoops.push_back(*m);
  if (n)
    c.resultLoops.push_back(*n);
  // Batch dimensions align to the right.
  auto batchLoops = [&](int64_t count) {
    SmallVector<unsigned> loops;
    for (int64_t i = 0; i < count; ++i)
      loops.push_back(batchRank - count + i);
    return loops;
  };
  SmallVector<unsigned> lhsLoops = batchLoops(lhsBatch);
  if (m)
    lhsLoops.push_back(*m);
  lhsLoops.push_back(k);
  SmallVector<unsigned> rhsLoops = batchLoops(rhsBatch);
  rhsLoops.push_back(k);
  if (n)
    rhsLoops.push_back(*n);
  c.operandLoops = {lhsLoops, rhsLoops};

  FailureOr<Value> acc =
      buildContraction(node, {node.input(0), node.input(1)}, c);
  if (failed(acc))
    return failure();
  node.setOutput(0, fromAccumulator(node, *acc, *elementType));
  return success();
}

//===----------------------------------------------------------------------===//
// Gemm
//===----------------------------------------------------------------------===//

/// Y = alpha * A' * B' + beta * C, A' = transA ? A^T : A (M x K), B' = transB
/// ? B^T : B (K x N), C optional and broadcast to (M, N).
static LogicalResult importGemm(NodeContext &node) {
  bool hasBias = node.hasInput(2);
  SmallVector<size_t> typed = {0, 1};
  if (hasBias)
    typed.push_back(2);
  FailureOr<Type> elementType = numericElementType(node, typed);
  if (failed(elementType))
    return failure();
  if (node.inputType(0).getRank() != 2 || node.inputType(1).getRank() != 2)
    return node.fail("A and B must have rank 2");
  double alpha = node.floatAttr("alpha", 1.0f);
  double beta = node.floatAttr("beta", 1.0f);
  bool isFloat = isa<FloatType>(*elementType);
  if (!isFloat && (alpha != std::trunc(alpha) || beta != std::trunc(beta)))
    return node.fail("alpha and beta must be integral for integer types");

  // Loops M = 0, N = 1, K = 2.
  Contraction c;
  c.numLoops = 3;
  c.broadcastLoops.assign(3, false);
  c.resultLoops = {0, 1};
  c.operandLoops = {node.intAttr("transA", 0) ? SmallVector<unsigned>{2, 0}
                                              : SmallVector<unsigned>{0, 2},
                    node.intAttr("transB", 0) ? SmallVector<unsigned>{1, 2}
                                              : SmallVector<unsigned>{2, 1}};
  FailureOr<Value> acc =
      buildContraction(node, {node.input(0), node.input(1)}, c);
  if (failed(acc))
    return failure();

  // C is left out when beta is 0 (so that its NaNs and infinities do not
  // reach Y, as in ONNX's reference).
  SmallVector<Value> epilogueInputs = {*acc};
  if (hasBias && beta != 0) {
    Value bias = node.input(2);
    ArrayRef<int64_t> biasShape = node.inputType(2).getShape();
    ArrayRef<int64_t> accShape =
        cast<RankedTensorType>(acc->getType()).getShape();
    if (biasShape.size() > 2)
      return node.fail("C must have rank 2 or less");
    // C broadcasts one way only: to (M, N).
    for (auto [d, size] : llvm::enumerate(biasShape)) {
      int64_t target = accShape[d + 2 - biasShape.size()];
      if (!ShapedType::isDynamic(size) && size != 1 &&
          !ShapedType::isDynamic(target) && size != target)
        return node.fail("C dimension " + Twine(d) + " of size " + Twine(size) +
                         " does not broadcast to " + Twine(target));
    }
    epilogueInputs.push_back(bias);
  }
  if (alpha == 1 && epilogueInputs.size() == 1) {
    node.setOutput(0, fromAccumulator(node, *acc, *elementType));
    return success();
  }

  Type accType = getElementTypeOrSelf(acc->getType());
  Value result = node.broadcastElementwise(
      epilogueInputs, *elementType,
      [&](OpBuilder &b, Location loc, ValueRange args) -> Value {
        auto constant = [&](double value) -> Value {
          return arith::ConstantOp::create(
              b, loc,
              isFloat ? TypedAttr(b.getFloatAttr(accType, value))
                      : TypedAttr(b.getIntegerAttr(accType, int64_t(value))));
        };
        auto mul = [&](Value lhs, Value rhs) -> Value {
          if (isFloat)
            return arith::MulFOp::create(b, loc, lhs, rhs);
          return arith::MulIOp::create(b, loc, lhs, rhs);
        };
        Value y = args[0];
        if (alpha != 1)
          y = mul(y, constant(alpha));
        if (args.size() > 1) {
          Value bias = args[1];
          if (bias.getType() != accType)
            bias = arith::ExtFOp::create(b, loc, accType, bias);
          if (beta != 1)
            bias = mul(bias, constant(beta));
          y = isFloat ? arith::AddFOp::create(b, loc, y, bias).getResult()
                      : arith::AddIOp::create(b, loc, y, bias).getResult();
        }
        if (y.getType() != *elementType)
          y = arith::TruncFOp::create(b, loc, *elementType, y);
        return y;
      });
  if (!result)
    return failure();
  node.setOutput(0, result);
  return success();
}

//===----------------------------------------------------------------------===//
// Einsum
//===----------------------------------------------------------------------===//

namespace {

/// One term of an einsum equation: its letters and where "..." stands among
/// them (the number of letters before it), if it does.
struct EinsumTerm {
  std::string letters;
  std::optional<size_t> ellipsis;
};

} // namespace

/// Parses one term ("bij", "...ii", "b...d"); spaces are already removed.
static FailureOr<EinsumTerm> parseEinsumTerm(NodeContext &node,
                                             StringRef text) {
  EinsumTerm term;
  for (size_t i = 0; i < text.size(); ++i) {
    if (llvm::isAlpha(text[i])) {
      term.letters.push_back(text[i]);
      continue;
    }
    if (text.substr(i).starts_with("...") && !term.ellipsis) {
      term.ellipsis = term.letters.size();
      i += 2;
      continue;
    }
    return node.fail("equation term '" + text + "' is not letters with at " +
                     "most one '...'");
  }
  return term;
}

/// Einsum: explicit ("ij,jk->ik") and implicit ("ij,jk") equations, "..."
/// with broadcasting, and repeated letters (diagonals, traces). Letters that
/// the output does not name are summed over.
static LogicalResult importEinsum(NodeContext &node) {
  std::string equation;
  for (char ch : node.stringAttr("equation", ""))
    if (!llvm::isSpace(ch))
      equation.push_back(ch);
  if (node.numInputs() == 0)
    return node.fail("needs at least one input");
  SmallVector<size_t> inputIndices;
  for (size_t i = 0; i < node.numInputs(); ++i) {
    if (!node.hasInput(i))
      return node.fail("input " + Twine(i) + " is missing");
    inputIndices.push_back(i);
  }
  FailureOr<Type> elementType = numericElementType(node, inputIndices);
  if (failed(elementType))
    return failure();

  // Terms.
  StringRef eq(equation);
  auto [lhs, rhs] = eq.split("->");
  bool explicitOutput = eq.contains("->");
  SmallVector<StringRef> inputTexts;
  lhs.split(inputTexts, ',');
  if (inputTexts.size() != node.numInputs())
    return node.fail("equation '" + equation + "' has " +
                     Twine(inputTexts.size()) + " input terms for " +
                     Twine(node.numInputs()) + " inputs");
  SmallVector<EinsumTerm> inputs;
  for (StringRef text : inputTexts) {
    FailureOr<EinsumTerm> term = parseEinsumTerm(node, text);
    if (failed(term))
      return failure();
    inputs.push_back(*term);
  }

  // Each input's "..." covers the dimensions its letters leave; the
  // ellipsis dimensions of all inputs align to the right.
  SmallVector<int64_t> ellipsisRanks;
  int64_t ellipsisRank = 0;
  for (auto [i, term] : llvm::enumerate(inputs)) {
    int64_t rank = node.inputType(i).getRank();
    int64_t letters = term.letters.size();
    if (term.ellipsis ? rank < letters : rank != letters)
      return node.fail("term '" + inputTexts[i] + "' does not fit input " +
                       Twine(i) + " of rank " + Twine(rank));
    ellipsisRanks.push_back(rank - letters);
    ellipsisRank = std::max(ellipsisRank, rank - letters);
  }

  EinsumTerm output;
  if (explicitOutput) {
    FailureOr<EinsumTerm> term = parseEinsumTerm(node, rhs);
    if (failed(term))
      return failure();
    output = *term;
  } else {
    // Implicit output: "..." first, then the letters used once, sorted.
    std::map<char, int> counts;
    for (const EinsumTerm &term : inputs)
      for (char letter : term.letters)
        ++counts[letter];
    for (auto [letter, count] : counts)
      if (count == 1)
        output.letters.push_back(letter);
    if (llvm::any_of(inputs, [](const EinsumTerm &t) { return t.ellipsis; }))
      output.ellipsis = 0;
  }

  // Loops: the output's dimensions in order, then the summed ellipsis
  // dimensions (when the output has no "..."), then the summed letters.
  Contraction c;
  llvm::DenseMap<char, unsigned> letterLoops;
  SmallVector<unsigned> ellipsisLoops;
  auto addEllipsisLoops = [&]() {
    for (int64_t i = 0; i < ellipsisRank; ++i)
      ellipsisLoops.push_back(c.numLoops++);
  };
  for (size_t i = 0; i <= output.letters.size(); ++i) {
    if (output.ellipsis == i)
      addEllipsisLoops();
    if (i == output.letters.size())
      break;
    char letter = output.letters[i];
    if (letterLoops.count(letter))
      return node.fail("output letter '" + Twine(letter) +
                       "' appears more than once");
    if (llvm::none_of(inputs, [&](const EinsumTerm &t) {
          return StringRef(t.letters).contains(letter);
        }))
      return node.fail("output letter '" + Twine(letter) +
                       "' appears in no input");
    letterLoops[letter] = c.numLoops++;
  }
  for (unsigned loop = 0; loop < c.numLoops; ++loop)
    c.resultLoops.push_back(loop);
  if (!output.ellipsis)
    addEllipsisLoops();
  for (const EinsumTerm &term : inputs)
    for (char letter : term.letters)
      if (!letterLoops.count(letter))
        letterLoops[letter] = c.numLoops++;

  for (auto [i, term] : llvm::enumerate(inputs)) {
    SmallVector<unsigned> loops;
    for (size_t l = 0; l <= term.letters.size(); ++l) {
      if (term.ellipsis == l)
        for (int64_t e = ellipsisRank - ellipsisRanks[i]; e < ellipsisRank; ++e)
          loops.push_back(ellipsisLoops[e]);
      if (l < term.letters.size())
        loops.push_back(letterLoops[term.letters[l]]);
    }
    c.operandLoops.push_back(loops);
  }
  // np.einsum broadcasts size-1 dimensions along every letter.
  c.broadcastLoops.assign(c.numLoops, true);

  SmallVector<Value> operands;
  for (size_t i : inputIndices)
    operands.push_back(node.input(i));
  FailureOr<Value> acc = buildContraction(node, operands, c);
  if (failed(acc))
    return failure();
  node.setOutput(0, fromAccumulator(node, *acc, *elementType));
  return success();
}

//===----------------------------------------------------------------------===//
// Attention
//===----------------------------------------------------------------------===//

/// [B, L, heads * D] -> [B, heads, L, D].
static FailureOr<Value> splitHeads(NodeContext &node, Value x, int64_t heads,
                                   StringRef name) {
  OpBuilder &b = node.builder();
  Location loc = node.loc();
  TensorBuilder tb = node.tensors();
  auto type = cast<RankedTensorType>(x.getType());
  int64_t hidden = type.getDimSize(2);
  OpFoldResult headDim;
  int64_t staticHeadDim = ShapedType::kDynamic;
  if (!ShapedType::isDynamic(hidden)) {
    if (hidden % heads != 0)
      return node.fail(name + " hidden size " + Twine(hidden) +
                       " is not a multiple of its head count " + Twine(heads));
    staticHeadDim = hidden / heads;
    headDim = b.getIndexAttr(staticHeadDim);
  } else {
    headDim = arith::DivUIOp::create(b, loc, tb.dimValue(x, 2), tb.index(heads))
                  .getResult();
  }
  auto expandedType = RankedTensorType::get(
      {type.getDimSize(0), type.getDimSize(1), heads, staticHeadDim},
      type.getElementType());
  Value expanded = tensor::ExpandShapeOp::create(
      b, loc, expandedType, x, {{0}, {1}, {2, 3}},
      {tb.dim(x, 0), tb.dim(x, 1), b.getIndexAttr(heads), headDim});
  Value init =
      tb.empty({tb.dim(x, 0), b.getIndexAttr(heads), tb.dim(x, 1), headDim},
               type.getElementType());
  return linalg::TransposeOp::create(b, loc, expanded, init,
                                     ArrayRef<int64_t>{0, 2, 1, 3})
      .getResult()[0];
}

/// [B, heads, L, D] -> [B, L, heads * D].
static Value mergeHeads(NodeContext &node, Value y) {
  OpBuilder &b = node.builder();
  TensorBuilder tb = node.tensors();
  Value init =
      tb.empty({tb.dim(y, 0), tb.dim(y, 2), tb.dim(y, 1), tb.dim(y, 3)},
               getElementTypeOrSelf(y.getType()));
  Value transposed = linalg::TransposeOp::create(b, node.loc(), y, init,
                                                 ArrayRef<int64_t>{0, 2, 1, 3})
                         .getResult()[0];
  return tensor::CollapseShapeOp::create(
      b, node.loc(), transposed,
      ArrayRef<ReassociationIndices>{{0}, {1}, {2, 3}});
}

/// A float attribute's value for messages ("0.5", "1e-09").
static std::string formatFloat(double value) {
  char text[32];
  std::snprintf(text, sizeof(text), "%g", value);
  return text;
}

static bool staticMismatch(int64_t a, int64_t b) {
  return !ShapedType::isDynamic(a) && !ShapedType::isDynamic(b) && a != b;
}

/// The additive bias [B|1, H|1, Lq, Lk] that attn_mask (broadcastable to
/// [B, Hq, Lq, Lk]) stands for: a bool mask gives 0 where true and -inf where
/// false, a float mask is the bias. A mask whose last dimension is static and
/// shorter than Lk is padded with -inf (false), as in ONNX's reference; rows
/// of size 1 are broadcast to Lq. A float mask in f32/f16/bf16 that is
/// already [B|1, H|1, Lq, Lk] passes as is; otherwise the bias is an f32
/// tensor built by one linalg.generic.
static FailureOr<Value> attentionBias(NodeContext &node, Value mask, Value q,
                                      Value k) {
  OpBuilder &b = node.builder();
  Location loc = node.loc();
  TensorBuilder tb = node.tensors();
  auto maskType = cast<RankedTensorType>(mask.getType());
  Type maskElement = maskType.getElementType();
  bool isBool = maskElement.isInteger(1);
  if (!isBool && !isa<FloatType>(maskElement))
    return node.fail("attn_mask must be bool or float");
  int64_t rank = maskType.getRank();
  if (rank < 1 || rank > 4)
    return node.fail("attn_mask must have rank 1 to 4, got " + Twine(rank));
  ArrayRef<int64_t> qShape = cast<RankedTensorType>(q.getType()).getShape();
  int64_t keyLen = cast<RankedTensorType>(k.getType()).getDimSize(2);

  // The mask's dimensions, right-aligned to [B, H, Lq, Lk].
  SmallVector<int64_t> shape(4 - rank, 1);
  llvm::append_range(shape, maskType.getShape());
  StringRef names[] = {"batch", "head count", "query length", "key length"};
  for (int64_t d = 0; d < 3; ++d)
    if (shape[d] != 1 && staticMismatch(shape[d], qShape[d]))
      return node.fail("attn_mask " + names[d] + " " + Twine(shape[d]) +
                       " does not broadcast to " + Twine(qShape[d]));

  // Pad the key dimension to Lk.
  int64_t columns = shape[3];
  if (!ShapedType::isDynamic(columns) &&
      (ShapedType::isDynamic(keyLen) || columns < keyLen)) {
    SmallVector<OpFoldResult> low(rank, b.getIndexAttr(0));
    SmallVector<OpFoldResult> high(rank, b.getIndexAttr(0));
    if (ShapedType::isDynamic(keyLen))
      high.back() =
          arith::SubIOp::create(b, loc, tb.dimValue(k, 2), tb.index(columns))
              .getResult();
    else
      high.back() = b.getIndexAttr(keyLen - columns);
    TypedAttr padValue =
        isBool ? TypedAttr(b.getBoolAttr(false))
               : TypedAttr(b.getFloatAttr(
                     maskElement, -std::numeric_limits<double>::infinity()));
    SmallVector<int64_t> paddedShape(maskType.getShape());
    paddedShape.back() = keyLen;
    Value padScalar = arith::ConstantOp::create(b, loc, padValue);
    mask = tensor::PadOp::create(
        b, loc, RankedTensorType::get(paddedShape, maskElement), mask, low,
        high, padScalar);
    shape.back() = keyLen;
  } else if (staticMismatch(columns, keyLen)) {
    return node.fail("attn_mask key length " + Twine(columns) +
                     " is longer than the key length " + Twine(keyLen));
  }

  bool broadcastRows = shape[2] == 1 && qShape[2] != 1;
  if (rank == 4 && !isBool && !broadcastRows &&
      isa<Float32Type, Float16Type, BFloat16Type>(maskElement))
    return mask;

  // One generic over [B|1, H|1, Lq, Lk] reads the mask (its missing leading
  // dimensions are 1; a row dimension of 1 is read at 0) and yields f32.
  SmallVector<AffineExpr> maskExprs;
  for (int64_t d = 4 - rank; d < 4; ++d)
    maskExprs.push_back(d == 2 && broadcastRows ? b.getAffineConstantExpr(0)
                                                : b.getAffineDimExpr(d));
  auto maskDim = [&](int64_t d) { return tb.dim(mask, d - (4 - rank)); };
  SmallVector<OpFoldResult> sizes = {
      rank >= 4 ? maskDim(0) : b.getIndexAttr(1),
      rank >= 3 ? maskDim(1) : b.getIndexAttr(1),
      rank >= 2 && !broadcastRows ? maskDim(2) : tb.dim(q, 2), maskDim(3)};
  Value init = tb.empty(sizes);
  SmallVector<AffineMap> maps = {
      AffineMap::get(4, 0, maskExprs, node.context()),
      b.getMultiDimIdentityMap(4)};
  auto op = linalg::GenericOp::create(
      b, loc, TypeRange{init.getType()}, ValueRange{mask}, ValueRange{init},
      maps, TensorBuilder::iterators("pppp"),
      [&](OpBuilder &nested, Location nestedLoc, ValueRange args) {
        Value value;
        if (isBool) {
          Value zero = arith::ConstantOp::create(nested, nestedLoc,
                                                 nested.getF32FloatAttr(0));
          Value minusInf = arith::ConstantOp::create(
              nested, nestedLoc,
              nested.getF32FloatAttr(-std::numeric_limits<float>::infinity()));
          value = arith::SelectOp::create(nested, nestedLoc, args[0], zero,
                                          minusInf);
        } else {
          value = TensorBuilder::scalarToF32(nested, nestedLoc, args[0]);
        }
        linalg::YieldOp::create(nested, nestedLoc, value);
      });
  return op.getResult(0);
}

/// Attention (opset 23): softmax(scale * Q K^T + bias) V over inputs in
/// [B, H, L, D] layout, or [B, L, H * D] with q_num_heads/kv_num_heads, with
/// grouped key/value heads, is_causal (top-left aligned) and attn_mask.
static LogicalResult importAttention(NodeContext &node) {
  if (node.hasInput(4) || node.hasInput(5))
    return node.fail("past_key/past_value (a KV cache) are not supported");
  if (node.hasInput(6))
    return node.fail("nonpad_kv_seqlen is not supported");
  StringRef outputNames[] = {"Y", "present_key", "present_value",
                             "qk_matmul_output"};
  for (size_t i = 1; i < 4; ++i)
    if (node.hasOutput(i))
      return node.fail("output " + outputNames[i] +
                       " is not supported (only Y is)");
  if (float softcap = node.floatAttr("softcap", 0.0f); softcap != 0)
    return node.fail("softcap " + formatFloat(softcap) + " is not supported");
  if (int64_t mode = node.intAttr("qk_matmul_output_mode", 0); mode != 0)
    return node.fail("qk_matmul_output_mode " + Twine(mode) +
                     " is not supported");

  Type elementType = node.inputType(0).getElementType();
  if (node.inputType(1).getElementType() != elementType ||
      node.inputType(2).getElementType() != elementType)
    return node.fail("Q, K and V have different element types");
  if (!isa<Float32Type, Float16Type, BFloat16Type, Float64Type>(elementType))
    return node.fail("Q, K and V must be f32, f16, bf16 or f64");
  int64_t rank = node.inputType(0).getRank();
  if ((rank != 3 && rank != 4) || node.inputType(1).getRank() != rank ||
      node.inputType(2).getRank() != rank)
    return node.fail("Q, K and V must all have rank 3 or all rank 4");

  Value q = node.input(0), k = node.input(1), v = node.input(2);
  if (rank == 3) {
    std::optional<int64_t> qHeads = node.optionalIntAttr("q_num_heads");
    std::optional<int64_t> kvHeads = node.optionalIntAttr("kv_num_heads");
    if (!qHeads || !kvHeads || *qHeads <= 0 || *kvHeads <= 0)
      return node.fail("3-D inputs need positive q_num_heads and "
                       "kv_num_heads attributes");
    FailureOr<Value> qSplit = splitHeads(node, q, *qHeads, "Q");
    if (failed(qSplit))
      return failure();
    FailureOr<Value> kSplit = splitHeads(node, k, *kvHeads, "K");
    if (failed(kSplit))
      return failure();
    FailureOr<Value> vSplit = splitHeads(node, v, *kvHeads, "V");
    if (failed(vSplit))
      return failure();
    q = *qSplit;
    k = *kSplit;
    v = *vSplit;
  }

  // What mix.attention would reject, said in ONNX's terms.
  ArrayRef<int64_t> qShape = cast<RankedTensorType>(q.getType()).getShape();
  ArrayRef<int64_t> kShape = cast<RankedTensorType>(k.getType()).getShape();
  ArrayRef<int64_t> vShape = cast<RankedTensorType>(v.getType()).getShape();
  if (staticMismatch(kShape[0], qShape[0]) ||
      staticMismatch(vShape[0], qShape[0]))
    return node.fail("Q, K and V have different batch sizes");
  if (staticMismatch(kShape[1], vShape[1]))
    return node.fail("K and V have different head counts");
  if (!ShapedType::isDynamic(kShape[1]) && !ShapedType::isDynamic(qShape[1]) &&
      (kShape[1] == 0 || qShape[1] % kShape[1] != 0))
    return node.fail("the key/value head count " + Twine(kShape[1]) +
                     " does not divide the query head count " +
                     Twine(qShape[1]));
  if (staticMismatch(kShape[3], qShape[3]))
    return node.fail("Q and K have different head sizes");
  if (staticMismatch(kShape[2], vShape[2]))
    return node.fail("K and V have different sequence lengths");

  FloatAttr scale;
  if (node.hasAttr("scale")) {
    float value = node.floatAttr("scale", 0.0f);
    if (!(std::isfinite(value) && value > 0))
      return node.fail("scale " + formatFloat(value) +
                       " is not supported (must be positive and finite)");
    scale = node.builder().getF32FloatAttr(value);
  }

  // mix.attention takes f32/f16/bf16; f64 is computed in f32.
  Type computeType = elementType;
  if (elementType.isF64()) {
    TensorBuilder tb = node.tensors();
    computeType = tb.f32();
    q = tb.toF32(q);
    k = tb.toF32(k);
    v = tb.toF32(v);
  }

  Value bias;
  if (node.hasInput(3)) {
    FailureOr<Value> built = attentionBias(node, node.input(3), q, k);
    if (failed(built))
      return failure();
    bias = *built;
  }

  auto outputType = RankedTensorType::get(
      {qShape[0], qShape[1], qShape[2], vShape[3]}, computeType);
  bool causal = node.intAttr("is_causal", 0) != 0;
  Value y = mix::AttentionOp::create(
                node.builder(), node.loc(), outputType, /*lse=*/Type(), q, k, v,
                bias, /*block_mask=*/Value(), scale, causal,
                /*window_left=*/IntegerAttr(), /*window_right=*/IntegerAttr(),
                /*sink_tokens=*/0, /*block_sizes=*/DenseI64ArrayAttr(),
                /*schedule=*/mix::ScheduleAttr())
                .getOutput();
  if (rank == 3)
    y = mergeHeads(node, y);
  if (computeType != elementType)
    y = node.tensors().fromF32(y, elementType);
  node.setOutput(0, y);
  return success();
}

//===----------------------------------------------------------------------===//
// The family's rows
//===----------------------------------------------------------------------===//

ArrayRef<OnnxOpDecl> mixc::onnx_import::getLinearOps() {
  static const OnnxOpDecl rows[] = {
      {"Attention", 23, 24, importAttention,
       "to mix.attention; 3-D (with q_num_heads/kv_num_heads) or 4-D inputs, "
       "GQA, is_causal, bool or float attn_mask; no past_key/past_value, "
       "nonpad_kv_seqlen, softcap or outputs other than Y",
       /*minInputs=*/3},
      {"Einsum", 12, 23, importEinsum,
       "explicit and implicit equations, '...', repeated letters; f16/bf16 "
       "accumulate in f32"},
      {"Gemm", 7, 23, importGemm,
       "C optional, broadcast to (M, N); f16/bf16 accumulate in f32; integer "
       "types need integral alpha/beta"},
      {"MatMul", 1, 23, importMatMul,
       "NumPy semantics (1-D operands, broadcast batch dimensions); f16/bf16 "
       "accumulate in f32"},
  };
  return rows;
}
