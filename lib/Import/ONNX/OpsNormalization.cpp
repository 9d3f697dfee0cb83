//===- OpsNormalization.cpp - ONNX ops: Normalization ---------------------===//
//
// Softmax, normalizations, reductions, CumSum and Trilu.
//
// Reductions are linalg.generic ops over the input's iteration space with
// the reduced dimensions as reduction loops (buildReduction; softmax and
// log-sum-exp take a max first, then the sum of exp(x - max)); keepdims is a
// tensor.expand_shape that puts the unit dimensions back. Floating-point
// math runs in f32 (f64 for f64 inputs) and is converted back to the element
// type at the end, as ONNX runtimes do; integer sums, products, maxima and
// minima stay in the integer type. A reduction over a size-0 dimension gives
// the identity of its combiner (0 for sums, 1 for products, -inf/+inf or the
// integer extremes for max/min).
//
// Axes given as an input (ReduceSum from opset 13, the other reductions from
// opset 18, CumSum's axis) are normally known at import time. When they are
// not, the input's rank and the number of axes are still static, so every
// possible choice of axes is built and an scf.index_switch picks the one the
// run-time value names (dispatchOnAxes).
//
//===----------------------------------------------------------------------===//

#include "NodeImporter.h"
#include "ScalarMath.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/TypeUtilities.h"

#include <limits>

using namespace mlir;
using namespace mixc;
using namespace mixc::onnx_import;

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

//===----------------------------------------------------------------------===//
// Scalars
//===----------------------------------------------------------------------===//

/// The type floating-point math on `elementType` runs in: f64 for f64, f32
/// for every other type (smaller floats and integers).
Type floatComputeType(Type elementType) {
  MLIRContext *context = elementType.getContext();
  if (elementType.isF64())
    return Float64Type::get(context);
  return Float32Type::get(context);
}

/// Converts a scalar between the element types (integers are signed, i1 is
/// unsigned, float-to-integer truncates toward zero as ONNX Cast does).
Value convertScalar(OpBuilder &b, Location loc, Value value, Type to) {
  Type from = value.getType();
  if (from == to)
    return value;
  bool fromFloat = isa<FloatType>(from), toFloat = isa<FloatType>(to);
  unsigned fromWidth = from.getIntOrFloatBitWidth();
  unsigned toWidth = to.getIntOrFloatBitWidth();
  if (fromFloat && toFloat) {
    if (fromWidth == toWidth) // f16 <-> bf16: through f32
      value = arith::ExtFOp::create(b, loc, b.getF32Type(), value);
    if (value.getType().getIntOrFloatBitWidth() < toWidth)
      return arith::ExtFOp::create(b, loc, to, value);
    return arith::TruncFOp::create(b, loc, to, value);
  }
  if (toFloat) {
    if (from.isInteger(1))
      return arith::UIToFPOp::create(b, loc, to, value);
    return arith::SIToFPOp::create(b, loc, to, value);
  }
  if (fromFloat) {
    if (to.isInteger(1))
      return arith::CmpFOp::create(
          b, loc, arith::CmpFPredicate::UNE, value,
          arith::ConstantOp::create(b, loc, b.getFloatAttr(from, 0.0)));
    return arith::FPToSIOp::create(b, loc, to, value);
  }
  if (fromWidth < toWidth) {
    if (from.isInteger(1))
      return arith::ExtUIOp::create(b, loc, to, value);
    return arith::ExtSIOp::create(b, loc, to, value);
  }
  return arith::TruncIOp::create(b, loc, to, value);
}

/// `value` as an attribute of `type`. For integer types, -inf and +inf stand
/// for the smallest and largest value (false and true for i1).
TypedAttr scalarAttr(Type type, double value) {
  if (auto floatType = dyn_cast<FloatType>(type))
    return FloatAttr::get(floatType, value);
  auto intType = cast<IntegerType>(type);
  unsigned width = intType.getWidth();
  APInt bits;
  if (value == -kInf)
    bits = width == 1 ? APInt(1, 0) : APInt::getSignedMinValue(width);
  else if (value == kInf)
    bits = width == 1 ? APInt(1, 1) : APInt::getSignedMaxValue(width);
  else
    bits = APInt(width, static_cast<int64_t>(value), /*isSigned=*/true,
                 /*implicitTrunc=*/true);
  return IntegerAttr::get(intType, bits);
}

Value scalarConstant(OpBuilder &b, Location loc, Type type, double value) {
  return arith::ConstantOp::create(b, loc, scalarAttr(type, value));
}

/// The product of `sizes` (index values or attributes) as an index value.
Value productOfSizes(TensorBuilder &tb, ArrayRef<OpFoldResult> sizes) {
  Value product = tb.index(1);
  for (OpFoldResult size : sizes)
    product = arith::MulIOp::create(
        tb.b, tb.loc, product,
        getValueOrCreateConstantIndexOp(tb.b, tb.loc, size));
  return product;
}

/// An index value as a scalar of `type` (float or integer).
Value indexToScalar(OpBuilder &b, Location loc, Value index, Type type) {
  Value asInt = arith::IndexCastOp::create(b, loc, b.getI64Type(), index);
  return convertScalar(b, loc, asInt, type);
}

//===----------------------------------------------------------------------===//
// Reductions over a set of dimensions
//===----------------------------------------------------------------------===//

/// Which dimensions of a rank-N iteration space a reduction folds.
struct ReducedDims {
  SmallVector<bool> reduced;

  ReducedDims(int64_t rank, ArrayRef<int64_t> axes) : reduced(rank, false) {
    for (int64_t axis : axes)
      reduced[axis] = true;
  }
  /// The trailing dimensions [first, rank).
  static ReducedDims trailing(int64_t rank, int64_t first) {
    SmallVector<int64_t> axes;
    for (int64_t d = first; d < rank; ++d)
      axes.push_back(d);
    return ReducedDims(rank, axes);
  }

  int64_t rank() const { return reduced.size(); }
  SmallVector<unsigned> all() const {
    SmallVector<unsigned> dims;
    for (unsigned d = 0; d < reduced.size(); ++d)
      dims.push_back(d);
    return dims;
  }
  SmallVector<unsigned> kept() const {
    SmallVector<unsigned> dims;
    for (unsigned d = 0; d < reduced.size(); ++d)
      if (!reduced[d])
        dims.push_back(d);
    return dims;
  }
  SmallVector<utils::IteratorType> iterators() const {
    SmallVector<utils::IteratorType> result;
    for (bool r : reduced)
      result.push_back(r ? utils::IteratorType::reduction
                         : utils::IteratorType::parallel);
    return result;
  }
  /// The sizes of `tensor` (shaped like the iteration space) that are kept.
  SmallVector<OpFoldResult> keptSizes(TensorBuilder &tb, Value tensor) const {
    SmallVector<OpFoldResult> sizes;
    for (unsigned d : kept())
      sizes.push_back(tb.dim(tensor, d));
    return sizes;
  }
  /// The number of elements each reduction folds, as an index value.
  Value count(TensorBuilder &tb, Value tensor) const {
    SmallVector<OpFoldResult> sizes;
    for (int64_t d = 0; d < rank(); ++d)
      if (reduced[d])
        sizes.push_back(tb.dim(tensor, d));
    return productOfSizes(tb, sizes);
  }
};

/// A tensor of `sizes` filled with `value` of `elementType`.
Value filledTensor(TensorBuilder &tb, ArrayRef<OpFoldResult> sizes,
                   Type elementType, double value) {
  Value scalar = scalarConstant(tb.b, tb.loc, elementType, value);
  return linalg::FillOp::create(tb.b, tb.loc, ValueRange{scalar},
                                ValueRange{tb.empty(sizes, elementType)})
      .getResult(0);
}

/// A reduction of `full` inputs (shaped like the iteration space) and `kept`
/// inputs (shaped like the result: the kept dimensions) over the reduced
/// dimensions of `dims`, into an accumulator of `accType` starting at `init`
/// (see scalarAttr). `step` gets (full..., kept..., acc) and returns the new
/// accumulator.
Value buildReduction(TensorBuilder &tb, ArrayRef<Value> full,
                     ArrayRef<Value> kept, const ReducedDims &dims,
                     Type accType, double init, BodyFn step) {
  SmallVector<Value> inputs(full);
  inputs.append(kept.begin(), kept.end());
  SmallVector<SmallVector<unsigned>> maps(full.size(), dims.all());
  maps.append(kept.size() + 1, dims.kept());
  return tb.generic(
      inputs, filledTensor(tb, dims.keptSizes(tb, full.front()), accType, init),
      maps, dims.iterators(), step);
}

/// An elementwise map over the iteration space: `full` inputs are shaped like
/// it, `kept` ones like a reduction's result (broadcast along the reduced
/// dimensions). The result has `full.front()`'s shape and `elementType`.
Value buildBroadcastMap(TensorBuilder &tb, ArrayRef<Value> full,
                        ArrayRef<Value> kept, const ReducedDims &dims,
                        Type elementType, BodyFn body) {
  SmallVector<Value> inputs(full);
  inputs.append(kept.begin(), kept.end());
  SmallVector<SmallVector<unsigned>> maps(full.size(), dims.all());
  maps.append(kept.size(), dims.kept());
  maps.push_back(dims.all());
  return tb.generic(inputs, tb.empty(tb.dims(full.front()), elementType), maps,
                    SmallVector<utils::IteratorType>(
                        dims.rank(), utils::IteratorType::parallel),
                    body);
}

/// An elementwise map of one tensor to `elementType`.
Value mapTensor(TensorBuilder &tb, Value tensor, Type elementType,
                BodyFn body) {
  ReducedDims none(cast<RankedTensorType>(tensor.getType()).getRank(), {});
  return buildBroadcastMap(tb, {tensor}, {}, none, elementType, body);
}

/// Converts every element of `tensor` to `elementType`.
Value convertTensor(TensorBuilder &tb, Value tensor, Type elementType) {
  if (getElementTypeOrSelf(tensor.getType()) == elementType)
    return tensor;
  return mapTensor(tb, tensor, elementType,
                   [&](OpBuilder &b, Location loc, ValueRange args) {
                     return convertScalar(b, loc, args[0], elementType);
                   });
}

/// Puts the reduced dimensions of `dims` back, as size 1, into `reduced` (the
/// kept dimensions only): what keepdims = 1 returns.
Value insertUnitDims(TensorBuilder &tb, Value reduced,
                     const ReducedDims &dims) {
  auto type = cast<RankedTensorType>(reduced.getType());
  SmallVector<int64_t> shape;
  SmallVector<OpFoldResult> sizes;
  // Each kept dimension's group takes the unit dimensions after it; leading
  // unit dimensions join the first group. A rank-0 source has no groups.
  SmallVector<ReassociationIndices> groups;
  int64_t source = 0;
  for (int64_t d = 0; d < dims.rank(); ++d) {
    if (dims.reduced[d]) {
      shape.push_back(1);
      sizes.push_back(tb.b.getIndexAttr(1));
      if (!groups.empty())
        groups.back().push_back(d);
      continue;
    }
    shape.push_back(type.getDimSize(source));
    sizes.push_back(tb.dim(reduced, source));
    ++source;
    if (groups.empty()) {
      ReassociationIndices leading;
      for (int64_t u = 0; u < d; ++u)
        leading.push_back(u);
      groups.push_back(leading);
    } else {
      groups.emplace_back();
    }
    groups.back().push_back(d);
  }
  if (shape.size() == static_cast<size_t>(type.getRank()))
    return reduced;
  return tensor::ExpandShapeOp::create(
      tb.b, tb.loc, RankedTensorType::get(shape, type.getElementType()),
      reduced, groups, sizes);
}

//===----------------------------------------------------------------------===//
// Axes known only at run time
//===----------------------------------------------------------------------===//

/// Every sorted choice of `count` distinct dimensions of `rank`.
void axisChoices(int64_t rank, int64_t count, int64_t first,
                 SmallVector<int64_t> &current,
                 SmallVector<SmallVector<int64_t>> &choices) {
  if (static_cast<int64_t>(current.size()) == count) {
    choices.push_back(current);
    return;
  }
  for (int64_t d = first; d < rank; ++d) {
    current.push_back(d);
    axisChoices(rank, count, d + 1, current, choices);
    current.pop_back();
  }
}

/// The cap on the cases dispatchOnAxes builds.
constexpr size_t kMaxAxisChoices = 64;

using AxesBuildFn = function_ref<Value(ArrayRef<int64_t> sortedAxes)>;

/// `build(axes)` for the axes that the integer tensor `axesTensor` (of
/// `count` elements, in [-rank, rank), distinct) holds at run time: each
/// choice is built in a case of an scf.index_switch on the bitmask of the
/// normalized axes, and the results are cast to their common type. Axes that
/// break the rules select an unspecified choice. Null on failure.
Value dispatchOnAxes(NodeContext &node, Value axesTensor, int64_t count,
                     int64_t rank, AxesBuildFn build) {
  OpBuilder &b = node.builder();
  Location loc = node.loc();
  SmallVector<SmallVector<int64_t>> choices;
  SmallVector<int64_t> current;
  axisChoices(rank, count, 0, current, choices);
  if (choices.empty()) {
    (void)node.fail(Twine(count) + " distinct axes do not exist in rank " +
                    Twine(rank));
    return {};
  }
  if (choices.size() > kMaxAxisChoices) {
    (void)node.fail("the axes are not known at import time, and the " +
                    Twine(choices.size()) +
                    " possible choices are too many to dispatch on");
    return {};
  }

  // key = OR of 1 << axis over the normalized run-time axes.
  auto axesType = cast<RankedTensorType>(axesTensor.getType());
  Type i64 = b.getI64Type();
  Value key = arith::ConstantIntOp::create(b, loc, i64, 0);
  Value one = arith::ConstantIntOp::create(b, loc, i64, 1);
  Value zero = arith::ConstantIntOp::create(b, loc, i64, 0);
  Value rankValue = arith::ConstantIntOp::create(b, loc, i64, rank);
  for (int64_t i = 0; i < count; ++i) {
    SmallVector<Value> position;
    if (axesType.getRank() == 1)
      position.push_back(arith::ConstantIndexOp::create(b, loc, i));
    Value axis = convertScalar(
        b, loc, tensor::ExtractOp::create(b, loc, axesTensor, position), i64);
    Value negative =
        arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt, axis, zero);
    axis = arith::SelectOp::create(
        b, loc, negative, arith::AddIOp::create(b, loc, axis, rankValue), axis);
    key = arith::OrIOp::create(b, loc, key,
                               arith::ShLIOp::create(b, loc, one, axis));
  }
  Value keyIndex = arith::IndexCastOp::create(b, loc, b.getIndexType(), key);

  // Build each choice in a detached block; the last one is the default.
  SmallVector<Block *> blocks;
  SmallVector<Value> results;
  SmallVector<int64_t> caseKeys;
  auto dropBlocks = [&] {
    for (Block *block : blocks)
      delete block;
  };
  {
    OpBuilder::InsertionGuard guard(b);
    for (ArrayRef<int64_t> choice : choices) {
      blocks.push_back(new Block());
      b.setInsertionPointToEnd(blocks.back());
      Value result = build(choice);
      if (!result) {
        dropBlocks();
        return {};
      }
      results.push_back(result);
      int64_t mask = 0;
      for (int64_t axis : choice)
        mask |= int64_t(1) << axis;
      caseKeys.push_back(mask);
    }
  }
  caseKeys.pop_back();

  // Common type: a dimension stays static where every choice agrees.
  auto firstType = cast<RankedTensorType>(results.front().getType());
  SmallVector<int64_t> shape(firstType.getShape());
  for (Value result : results) {
    auto type = cast<RankedTensorType>(result.getType());
    for (int64_t d = 0; d < type.getRank(); ++d)
      if (type.getDimSize(d) != shape[d])
        shape[d] = ShapedType::kDynamic;
  }
  auto commonType = RankedTensorType::get(shape, firstType.getElementType());
  {
    OpBuilder::InsertionGuard guard(b);
    for (auto [block, result] : llvm::zip(blocks, results)) {
      b.setInsertionPointToEnd(block);
      Value cast = result.getType() == commonType
                       ? result
                       : tensor::CastOp::create(b, loc, commonType, result);
      scf::YieldOp::create(b, loc, cast);
    }
  }
  auto switchOp = scf::IndexSwitchOp::create(
      b, loc, TypeRange{commonType}, keyIndex, caseKeys, caseKeys.size());
  for (auto [region, block] :
       llvm::zip(switchOp.getCaseRegions(), ArrayRef(blocks).drop_back()))
    region.push_back(block);
  switchOp.getDefaultRegion().push_back(blocks.back());
  return switchOp.getResult(0);
}

//===----------------------------------------------------------------------===//
// Reduce*
//===----------------------------------------------------------------------===//

enum class ReduceKind {
  Sum,
  Mean,
  Max,
  Min,
  Prod,
  L1,
  L2,
  LogSum,
  LogSumExp,
  SumSquare
};

/// Reduces `input` over the normalized, distinct `axes` (none: each element
/// alone, which is what noop_with_empty_axes asks for).
Value reduce(NodeContext &node, ReduceKind kind, Value input,
             ArrayRef<int64_t> axes, bool keepDims) {
  TensorBuilder tb = node.tensors();
  Type elementType = getElementTypeOrSelf(input.getType());
  bool isFloat = isa<FloatType>(elementType);
  Type floatType = floatComputeType(elementType);
  ReducedDims dims(cast<RankedTensorType>(input.getType()).getRank(), axes);

  // Sums, products, max and min of integers stay integers; the rest is
  // floating-point math.
  bool integerMath = !isFloat && kind != ReduceKind::L2 &&
                     kind != ReduceKind::LogSum &&
                     kind != ReduceKind::LogSumExp;
  Type accType = integerMath ? elementType : floatType;
  auto element = [&](OpBuilder &b, Location loc, Value value) {
    return convertScalar(b, loc, value, accType);
  };
  auto reduceWith = [&](double init, auto combine) {
    return buildReduction(
        tb, {input}, {}, dims, accType, init,
        [&](OpBuilder &b, Location loc, ValueRange args) -> Value {
          return combine(b, loc, element(b, loc, args[0]), args[1]);
        });
  };
  auto sum = [](OpBuilder &b, Location loc, Value x, Value acc) {
    return scalar::add(b, loc, acc, x);
  };
  auto sumSquares = [](OpBuilder &b, Location loc, Value x, Value acc) {
    return scalar::add(b, loc, acc, scalar::mul(b, loc, x, x));
  };
  auto maximum = [](OpBuilder &b, Location loc, Value x, Value acc) {
    return scalar::max(b, loc, acc, x);
  };

  Value result;
  switch (kind) {
  case ReduceKind::Sum:
    result = reduceWith(0, sum);
    break;
  case ReduceKind::SumSquare:
    result = reduceWith(0, sumSquares);
    break;
  case ReduceKind::Prod:
    result = reduceWith(1, [](OpBuilder &b, Location loc, Value x, Value acc) {
      return scalar::mul(b, loc, acc, x);
    });
    break;
  case ReduceKind::Max:
    result = reduceWith(-kInf, maximum);
    break;
  case ReduceKind::Min:
    result =
        reduceWith(kInf, [](OpBuilder &b, Location loc, Value x, Value acc) {
          return scalar::min(b, loc, acc, x);
        });
    break;
  case ReduceKind::L1:
    result = reduceWith(0, [](OpBuilder &b, Location loc, Value x, Value acc) {
      Value magnitude = isa<FloatType>(x.getType())
                            ? Value(math::AbsFOp::create(b, loc, x))
                            : Value(math::AbsIOp::create(b, loc, x));
      return scalar::add(b, loc, acc, magnitude);
    });
    break;
  case ReduceKind::L2:
    result = mapTensor(tb, reduceWith(0, sumSquares), accType,
                       [](OpBuilder &b, Location loc, ValueRange args) {
                         return math::SqrtOp::create(b, loc, args[0]);
                       });
    break;
  case ReduceKind::LogSum:
    result = mapTensor(tb, reduceWith(0, sum), accType,
                       [](OpBuilder &b, Location loc, ValueRange args) {
                         return math::LogOp::create(b, loc, args[0]);
                       });
    break;
  case ReduceKind::Mean: {
    // sum / count; an empty float reduction gives 0/0 = NaN. Integers divide
    // truncating toward zero and by at least 1.
    Value count = dims.count(tb, input);
    if (integerMath)
      count = arith::MaxUIOp::create(tb.b, tb.loc, count, tb.index(1));
    Value divisor = indexToScalar(tb.b, tb.loc, count, accType);
    result =
        mapTensor(tb, reduceWith(0, sum), accType,
                  [&](OpBuilder &b, Location loc, ValueRange args) -> Value {
                    if (integerMath)
                      return arith::DivSIOp::create(b, loc, args[0], divisor);
                    return arith::DivFOp::create(b, loc, args[0], divisor);
                  });
    break;
  }
  case ReduceKind::LogSumExp: {
    // shift + log(sum(exp(x - shift))) with shift = max(x), or 0 where the
    // max is infinite (all -inf, an empty set or a +inf element), which
    // gives -inf, -inf and +inf without computing inf - inf.
    Value max =
        reduceWith(-kInf, [](OpBuilder &b, Location loc, Value x, Value acc) {
          return scalar::max(b, loc, acc, x);
        });
    Value shift = mapTensor(
        tb, max, accType, [&](OpBuilder &b, Location loc, ValueRange args) {
          Value magnitude = math::AbsFOp::create(b, loc, args[0]);
          Value infinite = arith::CmpFOp::create(
              b, loc, arith::CmpFPredicate::OEQ, magnitude,
              scalarConstant(b, loc, accType, kInf));
          return arith::SelectOp::create(
              b, loc, infinite, scalarConstant(b, loc, accType, 0), args[0]);
        });
    Value sumExp = buildReduction(
        tb, {input}, {shift}, dims, accType, 0,
        [&](OpBuilder &b, Location loc, ValueRange args) -> Value {
          Value shifted =
              arith::SubFOp::create(b, loc, element(b, loc, args[0]), args[1]);
          return arith::AddFOp::create(b, loc, args[2],
                                       math::ExpOp::create(b, loc, shifted));
        });
    ReducedDims none(dims.kept().size(), {});
    result = buildBroadcastMap(
        tb, {sumExp, shift}, {}, none, accType,
        [](OpBuilder &b, Location loc, ValueRange args) -> Value {
          return arith::AddFOp::create(
              b, loc, math::LogOp::create(b, loc, args[0]), args[1]);
        });
    break;
  }
  }
  result = convertTensor(tb, result, elementType);
  return keepDims ? insertUnitDims(tb, result, dims) : result;
}

/// Sorted, distinct, normalized axes; fails on out-of-range or repeated ones.
FailureOr<SmallVector<int64_t>>
normalizeAxes(NodeContext &node, ArrayRef<int64_t> axes, int64_t rank) {
  SmallVector<int64_t> result;
  if (rank == 0) // a scalar has no axes: each element is reduced alone
    return result;
  for (int64_t axis : axes) {
    FailureOr<int64_t> normalized = node.normalizeAxis(axis, rank);
    if (failed(normalized))
      return failure();
    if (llvm::is_contained(result, *normalized))
      return node.fail("axis " + Twine(axis) + " is repeated");
    result.push_back(*normalized);
  }
  llvm::sort(result);
  return result;
}

/// Reduce* of any opset: the axes come from the `axes` attribute before
/// `axesInputOpset`, from the optional second input from it on. Absent or
/// empty axes reduce every dimension unless noop_with_empty_axes is set.
template <ReduceKind kind, int64_t axesInputOpset>
LogicalResult importReduce(NodeContext &node) {
  Value input = node.input(0);
  RankedTensorType type = node.inputType(0);
  int64_t rank = type.getRank();
  Type elementType = type.getElementType();
  if (elementType.isInteger(1) && kind != ReduceKind::Max &&
      kind != ReduceKind::Min)
    return node.fail("bool inputs are supported by ReduceMax and ReduceMin "
                     "only");
  bool keepDims = node.intAttr("keepdims", 1) != 0;
  bool noopWithEmptyAxes = node.intAttr("noop_with_empty_axes", 0) != 0;

  std::optional<SmallVector<int64_t>> axes;
  if (node.opset() < axesInputOpset) {
    axes = node.intsAttr("axes");
  } else if (node.hasInput(1)) {
    axes = node.constantInts(1);
    if (!axes) {
      // Known only at run time: dispatch over the possible choices.
      RankedTensorType axesType = node.inputType(1);
      if (axesType.getRank() != 1 || axesType.isDynamicDim(0))
        return node.fail("axes must be known at import time, or at least "
                         "their number (a 1-D input of static size)");
      int64_t count = axesType.getDimSize(0);
      if (count > 0) {
        Value result = dispatchOnAxes(
            node, node.input(1), count, rank, [&](ArrayRef<int64_t> choice) {
              return reduce(node, kind, input, choice, keepDims);
            });
        if (!result)
          return failure();
        node.setOutput(0, result);
        return success();
      }
      axes.emplace(); // statically empty
    }
  }

  SmallVector<int64_t> normalized;
  if (!axes || axes->empty()) {
    if (!noopWithEmptyAxes)
      for (int64_t d = 0; d < rank; ++d)
        normalized.push_back(d);
  } else {
    FailureOr<SmallVector<int64_t>> result = normalizeAxes(node, *axes, rank);
    if (failed(result))
      return failure();
    normalized = std::move(*result);
  }
  node.setOutput(0, reduce(node, kind, input, normalized, keepDims));
  return success();
}

//===----------------------------------------------------------------------===//
// ArgMax, ArgMin
//===----------------------------------------------------------------------===//

/// The int64 index of the first (or, with select_last_index, last) maximum
/// or minimum along `axis`, in two reductions: the extreme value, then the
/// smallest (largest) index holding it. NaN counts as the extreme, as in
/// numpy.
template <bool isMax> LogicalResult importArgExtreme(NodeContext &node) {
  Value input = node.input(0);
  RankedTensorType type = node.inputType(0);
  FailureOr<int64_t> axis =
      node.normalizeAxis(node.intAttr("axis", 0), type.getRank());
  if (failed(axis))
    return failure();
  if (type.getRank() == 0)
    return node.fail("the input must have rank 1 or more");
  bool keepDims = node.intAttr("keepdims", 1) != 0;
  bool selectLast = node.intAttr("select_last_index", 0) != 0;

  TensorBuilder tb = node.tensors();
  Type elementType = type.getElementType();
  bool isFloat = isa<FloatType>(elementType);
  Type valueType = isFloat ? floatComputeType(elementType) : elementType;
  Type i64 = tb.b.getI64Type();
  ReducedDims dims(type.getRank(), {*axis});

  Value extreme =
      buildReduction(tb, {input}, {}, dims, valueType, isMax ? -kInf : kInf,
                     [&](OpBuilder &b, Location loc, ValueRange args) -> Value {
                       Value x = convertScalar(b, loc, args[0], valueType);
                       return isMax ? scalar::max(b, loc, args[1], x)
                                    : scalar::min(b, loc, args[1], x);
                     });
  // Indices that do not hold the extreme propose the reduction's identity.
  double none = selectLast ? -1 : kInf;
  Value index = buildReduction(
      tb, {input}, {extreme}, dims, i64, none,
      [&](OpBuilder &b, Location loc, ValueRange args) -> Value {
        Value x = convertScalar(b, loc, args[0], valueType);
        Value found;
        if (isFloat) {
          Value equal = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OEQ,
                                              x, args[1]);
          Value bothNaN = arith::AndIOp::create(
              b, loc,
              arith::CmpFOp::create(b, loc, arith::CmpFPredicate::UNO, x, x),
              arith::CmpFOp::create(b, loc, arith::CmpFPredicate::UNO, args[1],
                                    args[1]));
          found = arith::OrIOp::create(b, loc, equal, bothNaN);
        } else {
          found = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, x,
                                        args[1]);
        }
        Value position = arith::IndexCastOp::create(
            b, loc, i64, TensorBuilder::loopIndex(b, loc, *axis));
        Value candidate = arith::SelectOp::create(
            b, loc, found, position, scalarConstant(b, loc, i64, none));
        if (selectLast)
          return arith::MaxSIOp::create(b, loc, args[2], candidate);
        return arith::MinSIOp::create(b, loc, args[2], candidate);
      });
  node.setOutput(0, keepDims ? insertUnitDims(tb, index, dims) : index);
  return success();
}

//===----------------------------------------------------------------------===//
// Softmax, LogSoftmax
//===----------------------------------------------------------------------===//

/// softmax or log-softmax over the reduced dimensions of `dims`, with the max
/// subtracted: exp(x - m) / sum(exp(x - m)) and x - m - log(sum(exp(x - m))).
Value buildSoftmax(NodeContext &node, Value input, const ReducedDims &dims,
                   bool log) {
  TensorBuilder tb = node.tensors();
  Type elementType = getElementTypeOrSelf(input.getType());
  Type computeType = floatComputeType(elementType);
  auto element = [&](OpBuilder &b, Location loc, Value value) {
    return convertScalar(b, loc, value, computeType);
  };
  Value max = buildReduction(
      tb, {input}, {}, dims, computeType, -kInf,
      [&](OpBuilder &b, Location loc, ValueRange args) -> Value {
        return scalar::max(b, loc, args[1], element(b, loc, args[0]));
      });
  Value sum = buildReduction(
      tb, {input}, {max}, dims, computeType, 0,
      [&](OpBuilder &b, Location loc, ValueRange args) -> Value {
        Value shifted =
            arith::SubFOp::create(b, loc, element(b, loc, args[0]), args[1]);
        return arith::AddFOp::create(b, loc, args[2],
                                     math::ExpOp::create(b, loc, shifted));
      });
  return buildBroadcastMap(
      tb, {input}, {max, sum}, dims, elementType,
      [&](OpBuilder &b, Location loc, ValueRange args) -> Value {
        Value shifted =
            arith::SubFOp::create(b, loc, element(b, loc, args[0]), args[1]);
        Value result =
            log ? Value(arith::SubFOp::create(
                      b, loc, shifted, math::LogOp::create(b, loc, args[2])))
                : Value(arith::DivFOp::create(
                      b, loc, math::ExpOp::create(b, loc, shifted), args[2]));
        return convertScalar(b, loc, result, elementType);
      });
}

/// Softmax and LogSoftmax. From opset 13 they normalize along `axis`
/// (default -1); before, the input is seen as a 2-D matrix [d0 x ... x
/// d(axis-1), d(axis) x ... x dn] (default axis 1) and each row is
/// normalized, i.e. all dimensions from `axis` on together.
template <bool log> LogicalResult importSoftmax(NodeContext &node) {
  RankedTensorType type = node.inputType(0);
  if (!isa<FloatType>(type.getElementType()))
    return node.fail("the input must be a floating-point tensor");
  int64_t rank = type.getRank();
  bool coerceTo2D = node.opset() < 13;
  FailureOr<int64_t> axis =
      node.normalizeAxis(node.intAttr("axis", coerceTo2D ? 1 : -1), rank);
  if (failed(axis))
    return failure();
  if (rank == 0)
    return node.fail("the input must have rank 1 or more");
  ReducedDims dims = coerceTo2D ? ReducedDims::trailing(rank, *axis)
                                : ReducedDims(rank, {*axis});
  node.setOutput(0, buildSoftmax(node, node.input(0), dims, log));
  return success();
}

//===----------------------------------------------------------------------===//
// LayerNormalization, RMSNormalization
//===----------------------------------------------------------------------===//

/// What LayerNormalization and RMSNormalization share: the normalized
/// dimensions (from `axis` on), epsilon and the types.
struct Normalization {
  ReducedDims dims;
  Type elementType; // of X and Y
  Type computeType; // f32, or f64 for f64 inputs or stash_type DOUBLE
  Type stashType;   // of Mean and InvStdDev
  double epsilon;

  static FailureOr<Normalization> get(NodeContext &node) {
    RankedTensorType type = node.inputType(0);
    Type elementType = type.getElementType();
    if (!isa<FloatType>(elementType))
      return node.fail("X must be a floating-point tensor");
    if (!node.hasInput(1))
      return node.fail("the scale input is required");
    int64_t rank = type.getRank();
    FailureOr<int64_t> axis =
        node.normalizeAxis(node.intAttr("axis", -1), rank);
    if (failed(axis))
      return failure();
    int64_t stash = node.intAttr("stash_type", onnx::TensorProto::FLOAT);
    Type stashType = elementTypeFor(node.context(), stash);
    if (!stashType || !isa<FloatType>(stashType))
      return node.fail("stash_type " + onnxTypeName(stash) +
                       " is not supported");
    Type computeType =
        stashType.isF64() ? stashType : floatComputeType(elementType);
    return Normalization{ReducedDims::trailing(rank, *axis), elementType,
                         computeType, stashType,
                         node.floatAttr("epsilon", 1e-5f)};
  }

  Value element(OpBuilder &b, Location loc, Value value) const {
    return convertScalar(b, loc, value, computeType);
  }

  /// sum(f(x, kept...)) over the normalized dimensions / their count.
  Value mean(
      TensorBuilder &tb, Value input, ArrayRef<Value> kept,
      function_ref<Value(OpBuilder &, Location, Value x, ValueRange)> f) const {
    Value sum = buildReduction(
        tb, {input}, kept, dims, computeType, 0,
        [&](OpBuilder &b, Location loc, ValueRange args) -> Value {
          Value term = f(b, loc, element(b, loc, args[0]),
                         args.drop_front().drop_back());
          return arith::AddFOp::create(b, loc, args.back(), term);
        });
    Value count =
        indexToScalar(tb.b, tb.loc, dims.count(tb, input), computeType);
    return mapTensor(tb, sum, computeType,
                     [&](OpBuilder &b, Location loc, ValueRange args) {
                       return arith::DivFOp::create(b, loc, args[0], count);
                     });
  }

  /// 1 / sqrt(m + epsilon) for each element of `meanSquares`.
  Value inverseRoot(TensorBuilder &tb, Value meanSquares) const {
    Value eps = scalarConstant(tb.b, tb.loc, computeType, epsilon);
    return mapTensor(tb, meanSquares, computeType,
                     [&](OpBuilder &b, Location loc, ValueRange args) -> Value {
                       Value root = math::SqrtOp::create(
                           b, loc, arith::AddFOp::create(b, loc, args[0], eps));
                       return arith::DivFOp::create(
                           b, loc, scalarConstant(b, loc, computeType, 1),
                           root);
                     });
  }

  /// Y = normalized * scale (+ bias), with scale and bias broadcast to the
  /// normalized dimensions (NumPy rules, aligned to the right). Null on
  /// failure.
  Value scaleAndShift(NodeContext &node, Value normalized, Value scale,
                      Value bias) const {
    SmallVector<Value> inputs = {normalized, scale};
    if (bias)
      inputs.push_back(bias);
    return node.broadcastElementwise(
        inputs, elementType,
        [&](OpBuilder &b, Location loc, ValueRange args) -> Value {
          Value result =
              arith::MulFOp::create(b, loc, args[0], element(b, loc, args[1]));
          if (args.size() > 2)
            result =
                arith::AddFOp::create(b, loc, result, element(b, loc, args[2]));
          return convertScalar(b, loc, result, elementType);
        });
  }
};

/// LayerNormalization: over the dimensions from `axis` on,
/// Y = (X - mean) * InvStdDev * Scale + B with InvStdDev = 1 / sqrt(var +
/// epsilon) and var the mean of (X - mean)^2. Mean and InvStdDev (optional
/// outputs, of stash_type) keep the normalized dimensions as size 1.
LogicalResult importLayerNormalization(NodeContext &node) {
  FailureOr<Normalization> norm = Normalization::get(node);
  if (failed(norm))
    return failure();
  Value input = node.input(0);
  TensorBuilder tb = node.tensors();
  Value mean =
      norm->mean(tb, input, {},
                 [](OpBuilder &, Location, Value x, ValueRange) { return x; });
  Value variance = norm->mean(
      tb, input, {mean},
      [](OpBuilder &b, Location loc, Value x, ValueRange kept) -> Value {
        Value diff = arith::SubFOp::create(b, loc, x, kept[0]);
        return arith::MulFOp::create(b, loc, diff, diff);
      });
  Value invStdDev = norm->inverseRoot(tb, variance);
  Value normalized = buildBroadcastMap(
      tb, {input}, {mean, invStdDev}, norm->dims, norm->computeType,
      [&](OpBuilder &b, Location loc, ValueRange args) -> Value {
        Value diff = arith::SubFOp::create(
            b, loc, norm->element(b, loc, args[0]), args[1]);
        return arith::MulFOp::create(b, loc, diff, args[2]);
      });
  Value y = norm->scaleAndShift(node, normalized, node.input(1),
                                node.hasInput(2) ? node.input(2) : Value());
  if (!y)
    return failure();
  node.setOutput(0, y);
  auto stashed = [&](Value statistic) {
    return insertUnitDims(tb, convertTensor(tb, statistic, norm->stashType),
                          norm->dims);
  };
  if (node.hasOutput(1))
    node.setOutput(1, stashed(mean));
  if (node.hasOutput(2))
    node.setOutput(2, stashed(invStdDev));
  return success();
}

/// RMSNormalization: over the dimensions from `axis` on,
/// Y = X / sqrt(mean(X^2) + epsilon) * scale.
LogicalResult importRMSNormalization(NodeContext &node) {
  FailureOr<Normalization> norm = Normalization::get(node);
  if (failed(norm))
    return failure();
  Value input = node.input(0);
  TensorBuilder tb = node.tensors();
  Value meanSquare = norm->mean(
      tb, input, {}, [](OpBuilder &b, Location loc, Value x, ValueRange) {
        return arith::MulFOp::create(b, loc, x, x);
      });
  Value invRms = norm->inverseRoot(tb, meanSquare);
  Value normalized = buildBroadcastMap(
      tb, {input}, {invRms}, norm->dims, norm->computeType,
      [&](OpBuilder &b, Location loc, ValueRange args) -> Value {
        return arith::MulFOp::create(b, loc, norm->element(b, loc, args[0]),
                                     args[1]);
      });
  Value y = norm->scaleAndShift(node, normalized, node.input(1), Value());
  if (!y)
    return failure();
  node.setOutput(0, y);
  return success();
}

//===----------------------------------------------------------------------===//
// CumSum
//===----------------------------------------------------------------------===//

/// The running sum along `axis`, as a recurrence (scf.for over the axis
/// carrying the sum so far, in f32/f64 for floats): y[i] = sum of x[j] for j
/// <= i, j < i with `exclusive`, and j >= i (j > i) with `reverse`.
Value buildCumSum(NodeContext &node, Value input, int64_t axis, bool exclusive,
                  bool reverse) {
  TensorBuilder tb = node.tensors();
  Type elementType = getElementTypeOrSelf(input.getType());
  Type accType =
      isa<FloatType>(elementType) ? floatComputeType(elementType) : elementType;
  SmallVector<OpFoldResult> sliceSizes = tb.dims(input);
  sliceSizes.erase(sliceSizes.begin() + axis);
  Value length = tb.dimValue(input, axis);
  Value zeroSum = filledTensor(tb, sliceSizes, accType, 0);
  Value output = tb.empty(tb.dims(input), elementType);
  auto loop = scf::ForOp::create(
      tb.b, tb.loc, tb.index(0), length, tb.index(1),
      ValueRange{zeroSum, output},
      [&](OpBuilder &b, Location loc, Value step, ValueRange carried) {
        TensorBuilder inner(b, loc);
        Value position = step;
        if (reverse) {
          Value last = arith::SubIOp::create(b, loc, length, inner.index(1));
          position = arith::SubIOp::create(b, loc, last, step);
        }
        Value slice = inner.sliceAt(input, axis, position);
        Value running = carried[0];
        ReducedDims none(static_cast<int64_t>(sliceSizes.size()), {});
        Value next = buildBroadcastMap(
            inner, {slice, running}, {}, none, accType,
            [&](OpBuilder &b, Location loc, ValueRange args) {
              return scalar::add(b, loc, args[1],
                                 convertScalar(b, loc, args[0], accType));
            });
        Value emitted =
            convertTensor(inner, exclusive ? running : next, elementType);
        Value updated = inner.insertAt(emitted, carried[1], axis, position);
        scf::YieldOp::create(b, loc, ValueRange{next, updated});
      });
  return loop.getResult(1);
}

/// CumSum: the axis is a 0-D (or one-element 1-D) integer input, normally
/// known at import time; otherwise every axis is built and the run-time one
/// picked.
LogicalResult importCumSum(NodeContext &node) {
  Value input = node.input(0);
  RankedTensorType type = node.inputType(0);
  Type elementType = type.getElementType();
  if (elementType.isInteger(1))
    return node.fail("bool inputs are not supported");
  int64_t rank = type.getRank();
  if (rank == 0)
    return node.fail("the input must have rank 1 or more");
  bool exclusive = node.intAttr("exclusive", 0) != 0;
  bool reverse = node.intAttr("reverse", 0) != 0;
  if (!node.hasInput(1))
    return node.fail("the axis input is required");
  RankedTensorType axisType = node.inputType(1);
  if (axisType.getNumElements() != 1 || axisType.getRank() > 1)
    return node.fail("axis must be a 0-D tensor");

  Value result;
  if (std::optional<SmallVector<int64_t>> axis = node.constantInts(1)) {
    FailureOr<int64_t> normalized = node.normalizeAxis(axis->front(), rank);
    if (failed(normalized))
      return failure();
    result = buildCumSum(node, input, *normalized, exclusive, reverse);
  } else {
    result = dispatchOnAxes(
        node, node.input(1), 1, rank, [&](ArrayRef<int64_t> choice) {
          return buildCumSum(node, input, choice.front(), exclusive, reverse);
        });
    if (!result)
      return failure();
  }
  node.setOutput(0, result);
  return success();
}

//===----------------------------------------------------------------------===//
// Trilu
//===----------------------------------------------------------------------===//

/// Trilu: keeps the elements of the last two dimensions (i, j) with
/// j - i >= k (upper) or j - i <= k (lower) and zeroes the others. k (default
/// 0) may be known only at run time.
LogicalResult importTrilu(NodeContext &node) {
  Value input = node.input(0);
  RankedTensorType type = node.inputType(0);
  int64_t rank = type.getRank();
  if (rank < 2)
    return node.fail("the input must have rank 2 or more");
  bool upper = node.intAttr("upper", 1) != 0;
  OpBuilder &b = node.builder();
  Location loc = node.loc();
  Type i64 = b.getI64Type();

  Value k;
  if (!node.hasInput(1)) {
    k = arith::ConstantIntOp::create(b, loc, i64, 0);
  } else if (std::optional<SmallVector<int64_t>> known = node.constantInts(1)) {
    if (known->size() != 1)
      return node.fail("k must hold one value");
    k = arith::ConstantIntOp::create(b, loc, i64, known->front());
  } else {
    RankedTensorType kType = node.inputType(1);
    if (kType.getNumElements() != 1 || kType.getRank() > 1 ||
        !isa<IntegerType>(kType.getElementType()))
      return node.fail("k must be a 0-D integer tensor");
    SmallVector<Value> position(kType.getRank(),
                                arith::ConstantIndexOp::create(b, loc, 0));
    k = convertScalar(
        b, loc, tensor::ExtractOp::create(b, loc, node.input(1), position),
        i64);
  }

  TensorBuilder tb = node.tensors();
  Type elementType = type.getElementType();
  Value result = mapTensor(
      tb, input, elementType,
      [&](OpBuilder &b, Location loc, ValueRange args) -> Value {
        auto index = [&](unsigned dim) -> Value {
          return arith::IndexCastOp::create(
              b, loc, i64, TensorBuilder::loopIndex(b, loc, dim));
        };
        Value diagonal =
            arith::SubIOp::create(b, loc, index(rank - 1), index(rank - 2));
        Value keep = arith::CmpIOp::create(b, loc,
                                           upper ? arith::CmpIPredicate::sge
                                                 : arith::CmpIPredicate::sle,
                                           diagonal, k);
        return arith::SelectOp::create(b, loc, keep, args[0],
                                       scalarConstant(b, loc, elementType, 0));
      });
  node.setOutput(0, result);
  return success();
}

} // namespace

ArrayRef<OnnxOpDecl> mixc::onnx_import::getNormalizationOps() {
  static constexpr StringLiteral kAxesAttr =
      "axes attribute; float math in f32 (f64 for f64)";
  static constexpr StringLiteral kAxesInput =
      "axes input, known at import time or dispatched on at run time (static "
      "rank and count); float math in f32 (f64 for f64)";
  static const OnnxOpDecl rows[] = {
      {"ArgMax", 1, 23, importArgExtreme<true>,
       "keepdims, select_last_index; NaN counts as the maximum"},
      {"ArgMin", 1, 23, importArgExtreme<false>,
       "keepdims, select_last_index; NaN counts as the minimum"},
      {"CumSum", 11, 23, importCumSum,
       "exclusive, reverse; a run-time axis is dispatched on; a sequential "
       "recurrence along the axis"},
      {"LayerNormalization", 17, 23, importLayerNormalization,
       "Mean and InvStdDev outputs; computed in f32 (f64 for f64 or "
       "stash_type DOUBLE)"},
      {"LogSoftmax", 1, 12, importSoftmax<true>,
       "2-D coercion: normalizes all dimensions from axis on"},
      {"LogSoftmax", 13, 23, importSoftmax<true>, "max-subtracted, in f32"},
      {"RMSNormalization", 23, 23, importRMSNormalization,
       "computed in f32 (f64 for f64 or stash_type DOUBLE)", /*minInputs=*/2},
      {"ReduceL1", 1, 17, importReduce<ReduceKind::L1, 18>, kAxesAttr},
      {"ReduceL1", 18, 23, importReduce<ReduceKind::L1, 18>, kAxesInput},
      {"ReduceL2", 1, 17, importReduce<ReduceKind::L2, 18>, kAxesAttr},
      {"ReduceL2", 18, 23, importReduce<ReduceKind::L2, 18>, kAxesInput},
      {"ReduceLogSum", 1, 17, importReduce<ReduceKind::LogSum, 18>, kAxesAttr},
      {"ReduceLogSum", 18, 23, importReduce<ReduceKind::LogSum, 18>,
       kAxesInput},
      {"ReduceLogSumExp", 1, 17, importReduce<ReduceKind::LogSumExp, 18>,
       kAxesAttr},
      {"ReduceLogSumExp", 18, 23, importReduce<ReduceKind::LogSumExp, 18>,
       kAxesInput},
      {"ReduceMax", 1, 17, importReduce<ReduceKind::Max, 18>, kAxesAttr},
      {"ReduceMax", 18, 23, importReduce<ReduceKind::Max, 18>, kAxesInput},
      {"ReduceMean", 1, 17, importReduce<ReduceKind::Mean, 18>, kAxesAttr},
      {"ReduceMean", 18, 23, importReduce<ReduceKind::Mean, 18>, kAxesInput},
      {"ReduceMin", 1, 17, importReduce<ReduceKind::Min, 18>, kAxesAttr},
      {"ReduceMin", 18, 23, importReduce<ReduceKind::Min, 18>, kAxesInput},
      {"ReduceProd", 1, 17, importReduce<ReduceKind::Prod, 18>, kAxesAttr},
      {"ReduceProd", 18, 23, importReduce<ReduceKind::Prod, 18>, kAxesInput},
      {"ReduceSum", 1, 12, importReduce<ReduceKind::Sum, 13>, kAxesAttr},
      {"ReduceSum", 13, 23, importReduce<ReduceKind::Sum, 13>, kAxesInput},
      {"ReduceSumSquare", 1, 17, importReduce<ReduceKind::SumSquare, 18>,
       kAxesAttr},
      {"ReduceSumSquare", 18, 23, importReduce<ReduceKind::SumSquare, 18>,
       kAxesInput},
      {"Softmax", 1, 12, importSoftmax<false>,
       "2-D coercion: normalizes all dimensions from axis on"},
      {"Softmax", 13, 23, importSoftmax<false>, "max-subtracted, in f32"},
      {"Trilu", 14, 23, importTrilu, "k known at import time or at run time"},
  };
  return rows;
}
