//===- MixOps.cpp - Verifiers and builders of the mix ops -----------------===//
//
// Every shape, type and attribute rule that the lowerings rely on is checked
// here, so no lowering checks again. Messages name the operand or attribute
// and the rule, with the values in parentheses; a dynamic dimension ('?') is
// never a reason to reject, the rule is then checked when it becomes static.
//
//===----------------------------------------------------------------------===//

#include "mixc/Dialect/Mix/MixOps.h"
#include "mixc/Dialect/Mix/ScheduleTemplates.h"

#include "mlir/IR/Matchers.h"
#include "mlir/IR/OpImplementation.h"
#include "mlir/IR/TypeUtilities.h"
#include "llvm/ADT/SmallBitVector.h"

#include <cmath>

using namespace mlir;
using namespace mixc::mix;

#include "mixc/Dialect/Mix/MixInterfaces.cpp.inc"

#define GET_OP_CLASSES
#include "mixc/Dialect/Mix/MixOps.cpp.inc"

//===----------------------------------------------------------------------===//
// Shape-checking helpers
//===----------------------------------------------------------------------===//

namespace {

bool isStatic(int64_t dim) { return !ShapedType::isDynamic(dim); }

std::string dimString(int64_t dim) {
  return isStatic(dim) ? std::to_string(dim) : std::string("?");
}

/// Checks one op's shapes, emitting at the op. Each method returns failure
/// after emitting, so rules chain with `failed(...)`.
class ShapeRules {
public:
  explicit ShapeRules(Operation *op) : op(op) {}

  /// `name` must be a tensor of rank `rank`; `layout` ("[B, H, L, D]") is
  /// quoted in the message so the user sees which dims are meant.
  LogicalResult rank(Value value, StringRef name, int64_t rank,
                     StringRef layout) {
    auto type = cast<RankedTensorType>(value.getType());
    if (type.getRank() == rank)
      return success();
    return op->emitOpError() << name << " must have rank " << rank << " ("
                             << layout << "), got rank " << type.getRank();
  }

  /// `actualName (actual)` must equal `expectedName (expected)` when both are
  /// static.
  LogicalResult equal(StringRef actualName, int64_t actual,
                      StringRef expectedName, int64_t expected) {
    if (!isStatic(actual) || !isStatic(expected) || actual == expected)
      return success();
    return op->emitOpError() << actualName << " (" << actual << ") must equal "
                             << expectedName << " (" << expected << ")";
  }

  /// `actual` must be 1 (broadcast) or equal `expected`.
  LogicalResult broadcastable(StringRef actualName, int64_t actual,
                              StringRef expectedName, int64_t expected) {
    if (!isStatic(actual) || !isStatic(expected) || actual == expected ||
        actual == 1)
      return success();
    return op->emitOpError()
           << actualName << " (" << actual << ") must be 1 or equal "
           << expectedName << " (" << expected << ")";
  }

  /// `divisor` must divide `dividend` (groups, grouped heads).
  LogicalResult divides(StringRef divisorName, int64_t divisor,
                        StringRef dividendName, int64_t dividend) {
    if (!isStatic(divisor) || !isStatic(dividend))
      return success();
    if (divisor > 0 && dividend % divisor == 0)
      return success();
    return op->emitOpError()
           << divisorName << " (" << divisor << ") must divide " << dividendName
           << " (" << dividend << ")";
  }

  LogicalResult sameElementType(Value actual, StringRef actualName,
                                Value expected, StringRef expectedName) {
    Type actualType = getElementTypeOrSelf(actual.getType());
    Type expectedType = getElementTypeOrSelf(expected.getType());
    if (actualType == expectedType)
      return success();
    return op->emitOpError()
           << actualName << " element type (" << actualType << ") must equal "
           << expectedName << " element type (" << expectedType << ")";
  }

  /// `actual` must have the shape of `expected`, dim by dim (dynamic dims
  /// match anything); `dimNames` names the dims for the message.
  LogicalResult sameShape(Value actual, StringRef actualName, Value expected,
                          StringRef expectedName,
                          ArrayRef<StringRef> dimNames) {
    ArrayRef<int64_t> actualShape = shape(actual);
    ArrayRef<int64_t> expectedShape = shape(expected);
    if (actualShape.size() != expectedShape.size())
      return op->emitOpError()
             << actualName << " must have the rank of " << expectedName << " ("
             << expectedShape.size() << "), got rank " << actualShape.size();
    for (size_t i = 0; i < actualShape.size(); ++i) {
      std::string what =
          i < dimNames.size() ? dimNames[i].str() : "dim " + std::to_string(i);
      if (failed(equal((actualName + " " + what).str(), actualShape[i],
                       (expectedName + " " + what).str(), expectedShape[i])))
        return failure();
    }
    return success();
  }

  static ArrayRef<int64_t> shape(Value value) {
    return cast<RankedTensorType>(value.getType()).getShape();
  }

private:
  Operation *op;
};

/// Product of static dims, or dynamic if any is dynamic.
int64_t product(std::initializer_list<int64_t> dims) {
  int64_t result = 1;
  for (int64_t dim : dims) {
    if (!isStatic(dim))
      return ShapedType::kDynamic;
    result *= dim;
  }
  return result;
}

/// ceil(dim / block), or dynamic; no overflow for any positive block.
int64_t ceilDiv(int64_t dim, int64_t block) {
  if (!isStatic(dim))
    return ShapedType::kDynamic;
  return dim / block + (dim % block != 0);
}

Type computeElementType(Type elementType) {
  if (isa<Float32Type, Float16Type, BFloat16Type>(elementType))
    return elementType;
  return Float32Type::get(elementType.getContext());
}

} // namespace

//===----------------------------------------------------------------------===//
// Schedule against the op
//===----------------------------------------------------------------------===//

/// Rules a template's kernel builder relies on beyond its parameter ranges.
static LogicalResult
verifyTemplateShapeRules(Operation *op, const ScheduleTemplateDecl &decl) {
  if (auto attention = dyn_cast<AttentionOp>(op)) {
    // Interface verifiers run before the op's own verifier: leave operands of
    // the wrong rank to it.
    if (ShapeRules::shape(attention.getQuery()).size() != 4 ||
        ShapeRules::shape(attention.getValue()).size() != 4)
      return success();
    // Both attention templates run QK^T and PV on tensor cores: the head
    // dims are MMA K/N extents (multiples of 16) and the tile of one row
    // lives in registers (at most 256 columns).
    auto checkHeadDim = [&](Value operand, StringRef what) -> LogicalResult {
      int64_t headDim = ShapeRules::shape(operand).back();
      if (isStatic(headDim) && headDim > 0 && headDim % 16 == 0 &&
          headDim <= 256)
        return success();
      return op->emitOpError()
             << "schedule template '" << decl.name << "' needs a static "
             << what << " that is a multiple of 16 and at most 256 (got "
             << dimString(headDim) << ")";
    };
    if (failed(checkHeadDim(attention.getQuery(), "query head dim")) ||
        failed(checkHeadDim(attention.getValue(), "value head dim")))
      return failure();
    for (auto [operand, name] :
         {std::pair<Value, StringRef>{attention.getQuery(), "query"},
          {attention.getValue(), "value"}}) {
      Type elementType = getElementTypeOrSelf(operand.getType());
      if (!isa<Float16Type, BFloat16Type>(elementType))
        return op->emitOpError()
               << "schedule template '" << decl.name << "' needs f16 or bf16 "
               << name << " (got " << elementType << ")";
    }
  }
  return success();
}

LogicalResult mixc::mix::verifyScheduleForOp(Operation *op) {
  auto scheduled = cast<ScheduledOpInterface>(op);
  ScheduleAttr schedule = scheduled.getScheduleAttr();
  if (!schedule)
    return success();
  StringRef opName = op->getName().getStringRef();
  const ScheduleTemplateDecl *decl =
      lookupScheduleTemplate(schedule.getTemplateName());
  if (!decl)
    return op->emitOpError()
           << "unknown kernel template '" << schedule.getTemplateName() << "'";
  if (decl->opName != opName)
    return op->emitOpError()
           << "schedule template '" << decl->name << "' lowers '"
           << decl->opName << "', not '" << opName << "' (templates for '"
           << opName << "': " << templateNamesForOp(opName) << ")";
  return verifyTemplateShapeRules(op, *decl);
}

//===----------------------------------------------------------------------===//
// mix.attention
//===----------------------------------------------------------------------===//

void AttentionOp::build(OpBuilder &builder, OperationState &state, Value query,
                        Value key, Value value, bool causal) {
  ArrayRef<int64_t> queryShape = ShapeRules::shape(query);
  ArrayRef<int64_t> valueShape = ShapeRules::shape(value);
  SmallVector<int64_t> outputShape(queryShape);
  if (!outputShape.empty() && !valueShape.empty())
    outputShape.back() = valueShape.back();
  auto outputType = RankedTensorType::get(
      outputShape, computeElementType(getElementTypeOrSelf(value.getType())));
  build(builder, state, outputType, /*lse=*/Type(), query, key, value,
        /*bias=*/Value(), /*block_mask=*/Value(), /*scale=*/FloatAttr(), causal,
        /*window_left=*/IntegerAttr(), /*window_right=*/IntegerAttr(),
        /*sink_tokens=*/0, /*block_sizes=*/DenseI64ArrayAttr(),
        /*schedule=*/ScheduleAttr());
}

std::optional<double> AttentionOp::getEffectiveScale() {
  if (std::optional<APFloat> scale = getScale())
    return scale->convertToDouble();
  int64_t headDim = ShapeRules::shape(getQuery()).back();
  if (!isStatic(headDim) || headDim <= 0)
    return std::nullopt;
  return 1.0 / std::sqrt(static_cast<double>(headDim));
}

LogicalResult AttentionOp::verify() {
  ShapeRules rules(*this);
  if (failed(rules.rank(getQuery(), "query", 4, "[B, Hq, Lq, D]")) ||
      failed(rules.rank(getKey(), "key", 4, "[B, Hkv, Lk, D]")) ||
      failed(rules.rank(getValue(), "value", 4, "[B, Hkv, Lk, Dv]")) ||
      failed(rules.rank(getOutput(), "output", 4, "[B, Hq, Lq, Dv]")))
    return failure();
  ArrayRef<int64_t> q = ShapeRules::shape(getQuery());
  ArrayRef<int64_t> k = ShapeRules::shape(getKey());
  ArrayRef<int64_t> v = ShapeRules::shape(getValue());
  ArrayRef<int64_t> out = ShapeRules::shape(getOutput());
  int64_t batch = q[0], queryHeads = q[1], queryLen = q[2];
  int64_t keyHeads = k[1], keyLen = k[2];

  if (failed(rules.equal("key batch", k[0], "query batch", batch)) ||
      failed(rules.equal("value batch", v[0], "query batch", batch)) ||
      failed(
          rules.equal("value head count", v[1], "key head count", keyHeads)) ||
      failed(rules.divides("key head count", keyHeads, "query head count",
                           queryHeads)) ||
      failed(rules.equal("value length", v[2], "key length", keyLen)) ||
      failed(rules.equal("key head dim", k[3], "query head dim", q[3])) ||
      failed(rules.sameElementType(getKey(), "key", getQuery(), "query")) ||
      failed(rules.equal("output batch", out[0], "query batch", batch)) ||
      failed(rules.equal("output head count", out[1], "query head count",
                         queryHeads)) ||
      failed(rules.equal("output length", out[2], "query length", queryLen)) ||
      failed(rules.equal("output head dim", out[3], "value head dim", v[3])))
    return failure();

  if (Value lse = getLse()) {
    if (failed(rules.rank(lse, "lse", 3, "[B, Hq, Lq]")))
      return failure();
    ArrayRef<int64_t> l = ShapeRules::shape(lse);
    if (failed(rules.equal("lse batch", l[0], "query batch", batch)) ||
        failed(rules.equal("lse head count", l[1], "query head count",
                           queryHeads)) ||
        failed(rules.equal("lse length", l[2], "query length", queryLen)))
      return failure();
  }

  if (std::optional<APFloat> scale = getScale()) {
    double value = scale->convertToDouble();
    if (!(std::isfinite(value) && value > 0))
      return emitOpError() << "'scale' (" << value
                           << ") must be positive and finite";
  }
  if (std::optional<int64_t> left = getWindowLeft(); left && *left < 0)
    return emitOpError() << "'window_left' (" << *left
                         << ") must be non-negative";
  if (std::optional<int64_t> right = getWindowRight()) {
    if (*right < 0)
      return emitOpError() << "'window_right' (" << *right
                           << ") must be non-negative";
    if (getCausal())
      return emitOpError() << "'window_right' (" << *right
                           << ") cannot be combined with 'causal' (causal "
                              "fixes the right window at 0)";
  }
  int64_t sinks = getSinkTokens();
  if (sinks < 0)
    return emitOpError() << "'sink_tokens' (" << sinks
                         << ") must be non-negative";
  if (sinks > 0 && !getWindowLeft())
    return emitOpError() << "'sink_tokens' (" << sinks
                         << ") needs 'window_left': without a sliding window "
                            "every key is already visible";

  if (Value bias = getBias()) {
    if (failed(rules.rank(bias, "bias", 4, "[B|1, Hq|1, Lq, Lk]")))
      return failure();
    ArrayRef<int64_t> b = ShapeRules::shape(bias);
    if (failed(rules.broadcastable("bias batch", b[0], "query batch", batch)) ||
        failed(rules.broadcastable("bias head count", b[1], "query head count",
                                   queryHeads)) ||
        failed(rules.equal("bias rows", b[2], "query length", queryLen)) ||
        failed(rules.equal("bias columns", b[3], "key length", keyLen)))
      return failure();
  }

  std::optional<ArrayRef<int64_t>> blockSizes = getBlockSizes();
  Value blockMask = getBlockMask();
  if (blockSizes && !blockMask)
    return emitOpError() << "'block_sizes' needs a block_mask operand";
  if (blockMask) {
    if (!blockSizes)
      return emitOpError() << "block_mask needs 'block_sizes' (query and key "
                              "block sizes)";
    if (blockSizes->size() != 2)
      return emitOpError() << "'block_sizes' must have 2 entries (query block, "
                              "key block), got "
                           << blockSizes->size();
    int64_t queryBlock = (*blockSizes)[0], keyBlock = (*blockSizes)[1];
    if (queryBlock <= 0 || keyBlock <= 0)
      return emitOpError() << "'block_sizes' (" << queryBlock << ", "
                           << keyBlock << ") must be positive";
    if (failed(rules.rank(blockMask, "block_mask", 4,
                          "[B|1, Hq|1, ceil(Lq/bq), ceil(Lk/bk)]")))
      return failure();
    ArrayRef<int64_t> m = ShapeRules::shape(blockMask);
    // The mask tiles the score matrix: ceil(L / block) blocks per side, the
    // last block possibly partial.
    if (failed(rules.broadcastable("block_mask batch", m[0], "query batch",
                                   batch)) ||
        failed(rules.broadcastable("block_mask head count", m[1],
                                   "query head count", queryHeads)) ||
        failed(rules.equal("block_mask rows", m[2],
                           "query blocks ceil(Lq / " +
                               std::to_string(queryBlock) + ")",
                           ceilDiv(queryLen, queryBlock))) ||
        failed(rules.equal("block_mask columns", m[3],
                           "key blocks ceil(Lk / " + std::to_string(keyBlock) +
                               ")",
                           ceilDiv(keyLen, keyBlock))))
      return failure();
  }
  return success();
}

//===----------------------------------------------------------------------===//
// mix.linear_attention
//===----------------------------------------------------------------------===//

void LinearAttentionOp::build(OpBuilder &builder, OperationState &state,
                              Value query, Value key, Value value,
                              FeatureMap featureMap, bool causal) {
  SmallVector<int64_t> outputShape(ShapeRules::shape(query));
  ArrayRef<int64_t> valueShape = ShapeRules::shape(value);
  if (!outputShape.empty() && !valueShape.empty())
    outputShape.back() = valueShape.back();
  auto outputType = RankedTensorType::get(
      outputShape, computeElementType(getElementTypeOrSelf(value.getType())));
  build(builder, state, outputType, query, key, value, /*decay=*/Value(),
        featureMap, causal, /*normalize=*/false, /*schedule=*/ScheduleAttr());
}

LogicalResult LinearAttentionOp::verify() {
  ShapeRules rules(*this);
  if (failed(rules.rank(getQuery(), "query", 4, "[B, H, L, Dk]")) ||
      failed(rules.rank(getKey(), "key", 4, "[B, H, L, Dk]")) ||
      failed(rules.rank(getValue(), "value", 4, "[B, H, L, Dv]")) ||
      failed(rules.rank(getOutput(), "output", 4, "[B, H, L, Dv]")))
    return failure();
  ArrayRef<int64_t> q = ShapeRules::shape(getQuery());
  ArrayRef<int64_t> v = ShapeRules::shape(getValue());
  ArrayRef<int64_t> out = ShapeRules::shape(getOutput());
  if (failed(rules.sameShape(getKey(), "key", getQuery(), "query",
                             {"batch", "head count", "length", "head dim"})) ||
      failed(rules.sameElementType(getKey(), "key", getQuery(), "query")) ||
      failed(rules.equal("value batch", v[0], "query batch", q[0])) ||
      failed(rules.equal("value head count", v[1], "query head count", q[1])) ||
      failed(rules.equal("value length", v[2], "query length", q[2])) ||
      failed(rules.equal("output batch", out[0], "query batch", q[0])) ||
      failed(
          rules.equal("output head count", out[1], "query head count", q[1])) ||
      failed(rules.equal("output length", out[2], "query length", q[2])) ||
      failed(rules.equal("output head dim", out[3], "value head dim", v[3])))
    return failure();

  if (Value decay = getDecay()) {
    ArrayRef<int64_t> d = ShapeRules::shape(decay);
    if (d.size() == 1)
      return rules.equal("decay head count", d[0], "query head count", q[1]);
    if (d.size() != 3)
      return emitOpError() << "decay must have rank 1 ([H], per head) or 3 "
                              "([B, H, L], per token), got rank "
                           << d.size();
    if (!getCausal())
      return emitOpError() << "a per-token decay ([B, H, L]) needs 'causal'";
    if (failed(rules.equal("decay batch", d[0], "query batch", q[0])) ||
        failed(
            rules.equal("decay head count", d[1], "query head count", q[1])) ||
        failed(rules.equal("decay length", d[2], "query length", q[2])))
      return failure();
  }
  return success();
}

//===----------------------------------------------------------------------===//
// mix.selective_scan
//===----------------------------------------------------------------------===//

void SelectiveScanOp::build(OpBuilder &builder, OperationState &state, Value x,
                            Value delta, Value A, Value B, Value C, Value D,
                            ScanDirection direction) {
  auto xType = cast<RankedTensorType>(x.getType());
  auto yType = RankedTensorType::get(
      xType.getShape(), computeElementType(xType.getElementType()));
  build(builder, state, yType, x, delta, A, B, C, D, /*z=*/Value(),
        /*delta_bias=*/Value(), direction, /*delta_softplus=*/false,
        /*schedule=*/ScheduleAttr());
}

LogicalResult SelectiveScanOp::verify() {
  ShapeRules rules(*this);
  if (failed(rules.rank(getX(), "x", 3, "[B, D, L]")) ||
      failed(rules.rank(getA(), "A", 2, "[D, N]")) ||
      failed(rules.rank(getB(), "B", 4, "[B, G, N, L]")) ||
      failed(rules.rank(getC(), "C", 4, "[B, G, N, L]")))
    return failure();
  static constexpr StringRef xDims[] = {"batch", "channel count", "length"};
  ArrayRef<int64_t> x = ShapeRules::shape(getX());
  ArrayRef<int64_t> a = ShapeRules::shape(getA());
  ArrayRef<int64_t> b = ShapeRules::shape(getB());
  int64_t batch = x[0], channels = x[1], length = x[2];
  if (failed(rules.sameShape(getDelta(), "delta", getX(), "x", xDims)) ||
      failed(rules.sameShape(getY(), "y", getX(), "x", xDims)) ||
      failed(
          rules.equal("A channel count", a[0], "x channel count", channels)) ||
      failed(rules.equal("B batch", b[0], "x batch", batch)) ||
      failed(
          rules.divides("B group count", b[1], "x channel count", channels)) ||
      failed(rules.equal("B state dim", b[2], "A state dim", a[1])) ||
      failed(rules.equal("B length", b[3], "x length", length)) ||
      failed(rules.sameShape(getC(), "C", getB(), "B",
                             {"batch", "group count", "state dim", "length"})))
    return failure();
  for (auto [operand, name] : {std::pair<Value, StringRef>{getD(), "D"},
                               {getDeltaBias(), "delta_bias"}}) {
    if (!operand)
      continue;
    if (failed(rules.rank(operand, name, 1, "[D]")) ||
        failed(rules.equal((name + " size").str(),
                           ShapeRules::shape(operand)[0], "x channel count",
                           channels)))
      return failure();
  }
  if (Value z = getZ())
    return rules.sameShape(z, "z", getX(), "x", xDims);
  return success();
}

//===----------------------------------------------------------------------===//
// mix.ssd
//===----------------------------------------------------------------------===//

void SSDOp::build(OpBuilder &builder, OperationState &state, Value x, Value dt,
                  Value A, Value B, Value C, Value D, ScanDirection direction) {
  auto xType = cast<RankedTensorType>(x.getType());
  auto yType = RankedTensorType::get(
      xType.getShape(), computeElementType(xType.getElementType()));
  build(builder, state, yType, x, dt, A, B, C, D, /*dt_bias=*/Value(),
        direction, /*dt_softplus=*/false, /*schedule=*/ScheduleAttr());
}

LogicalResult SSDOp::verify() {
  if (getDirection() == ScanDirection::reverse)
    return emitOpError() << "direction 'reverse' is not an SSD form (use "
                            "'forward' for Mamba-2 or 'bidirectional' for "
                            "Hydra)";
  ShapeRules rules(*this);
  if (failed(rules.rank(getX(), "x", 4, "[B, L, H, P]")) ||
      failed(rules.rank(getDt(), "dt", 3, "[B, L, H]")) ||
      failed(rules.rank(getA(), "A", 1, "[H]")) ||
      failed(rules.rank(getB(), "B", 4, "[B, L, G, N]")) ||
      failed(rules.rank(getC(), "C", 4, "[B, L, G, N]")))
    return failure();
  ArrayRef<int64_t> x = ShapeRules::shape(getX());
  ArrayRef<int64_t> dt = ShapeRules::shape(getDt());
  ArrayRef<int64_t> b = ShapeRules::shape(getB());
  int64_t batch = x[0], length = x[1], heads = x[2];
  if (failed(rules.sameShape(getY(), "y", getX(), "x",
                             {"batch", "length", "head count", "head dim"})) ||
      failed(rules.equal("dt batch", dt[0], "x batch", batch)) ||
      failed(rules.equal("dt length", dt[1], "x length", length)) ||
      failed(rules.equal("dt head count", dt[2], "x head count", heads)) ||
      failed(rules.equal("A size", ShapeRules::shape(getA())[0], "x head count",
                         heads)) ||
      failed(rules.equal("B batch", b[0], "x batch", batch)) ||
      failed(rules.equal("B length", b[1], "x length", length)) ||
      failed(rules.divides("B group count", b[2], "x head count", heads)) ||
      failed(rules.sameShape(getC(), "C", getB(), "B",
                             {"batch", "length", "group count", "state dim"})))
    return failure();
  for (auto [operand, name] :
       {std::pair<Value, StringRef>{getD(), "D"}, {getDtBias(), "dt_bias"}}) {
    if (!operand)
      continue;
    if (failed(rules.rank(operand, name, 1, "[H]")) ||
        failed(rules.equal((name + " size").str(),
                           ShapeRules::shape(operand)[0], "x head count",
                           heads)))
      return failure();
  }
  return success();
}

//===----------------------------------------------------------------------===//
// mix.monarch
//===----------------------------------------------------------------------===//

void MonarchOp::build(OpBuilder &builder, OperationState &state, Value x,
                      Value firstFactor, Value secondFactor) {
  auto xType = cast<RankedTensorType>(x.getType());
  ArrayRef<int64_t> second = ShapeRules::shape(secondFactor);
  SmallVector<int64_t> yShape(xType.getShape());
  if (!yShape.empty() && second.size() == 3)
    yShape.back() = product({second[0], second[1]});
  auto yType =
      RankedTensorType::get(yShape, computeElementType(xType.getElementType()));
  build(builder, state, yType, x, firstFactor, secondFactor,
        /*schedule=*/ScheduleAttr());
}

LogicalResult MonarchOp::verify() {
  ShapeRules rules(*this);
  auto xType = cast<RankedTensorType>(getX().getType());
  if (xType.getRank() < 1)
    return emitOpError()
           << "x must have rank at least 1 ([..., n]), got rank 0";
  if (failed(rules.rank(getFirstFactor(), "first_factor", 3, "[k, q, p]")) ||
      failed(rules.rank(getSecondFactor(), "second_factor", 3, "[l, s, r]")) ||
      failed(rules.rank(getY(), "y", xType.getRank(), "the rank of x")))
    return failure();
  ArrayRef<int64_t> x = xType.getShape();
  ArrayRef<int64_t> first = ShapeRules::shape(getFirstFactor());
  ArrayRef<int64_t> second = ShapeRules::shape(getSecondFactor());
  ArrayRef<int64_t> y = ShapeRules::shape(getY());
  int64_t k = first[0], q = first[1], p = first[2];
  int64_t l = second[0], s = second[1], r = second[2];
  auto blocks = [](int64_t count, int64_t size) {
    return dimString(count) + " x " + dimString(size);
  };
  if (failed(rules.equal("x feature size", x.back(),
                         "first_factor blocks x block input size (" +
                             blocks(k, p) + ")",
                         product({k, p}))) ||
      failed(rules.equal(
          "second_factor blocks x block input size (" + blocks(l, r) + ")",
          product({l, r}),
          "first_factor blocks x block output size (" + blocks(k, q) + ")",
          product({k, q}))) ||
      failed(rules.equal("y feature size", y.back(),
                         "second_factor blocks x block output size (" +
                             blocks(l, s) + ")",
                         product({l, s}))))
    return failure();
  for (int64_t i = 0; i + 1 < xType.getRank(); ++i)
    if (failed(rules.equal("y dim " + std::to_string(i), y[i],
                           "x dim " + std::to_string(i), x[i])))
      return failure();
  return success();
}

//===----------------------------------------------------------------------===//
// mix.permute
//===----------------------------------------------------------------------===//

void PermuteOp::build(OpBuilder &builder, OperationState &state, Value input,
                      Value indices, int64_t axis, bool inverse) {
  build(builder, state, input.getType(), input, indices,
        builder.getI64IntegerAttr(axis),
        inverse ? builder.getUnitAttr() : UnitAttr(),
        /*schedule=*/ScheduleAttr());
}

/// Checks that every row of constant `indices` (rows along the last dim) is
/// a permutation of 0 .. n-1.
static LogicalResult verifyConstantPermutation(PermuteOp op,
                                               DenseIntElementsAttr indices) {
  int64_t rowLength = indices.getType().getShape().back();
  if (rowLength == 0)
    return success();
  llvm::SmallBitVector seen(rowLength);
  int64_t position = 0;
  for (const APInt &raw : indices.getValues<APInt>()) {
    int64_t column = position % rowLength, row = position / rowLength;
    if (column == 0)
      seen.reset();
    int64_t value = raw.getSExtValue();
    if (value < 0 || value >= rowLength)
      return op.emitOpError()
             << "indices row " << row << " is not a permutation of 0.."
             << rowLength - 1 << ": value " << value << " at position "
             << column << " is out of range";
    if (seen.test(value))
      return op.emitOpError()
             << "indices row " << row << " is not a permutation of 0.."
             << rowLength - 1 << ": value " << value << " appears twice";
    seen.set(value);
    ++position;
  }
  return success();
}

LogicalResult PermuteOp::verify() {
  ShapeRules rules(*this);
  auto inputType = cast<RankedTensorType>(getInput().getType());
  int64_t rank = inputType.getRank();
  int64_t axis = getAxis();
  if (axis < 0 || axis >= rank)
    return emitOpError() << "'axis' (" << axis << ") must be in [0, " << rank
                         << ") for an input of rank " << rank;
  ArrayRef<int64_t> indices = ShapeRules::shape(getIndices());
  int64_t indicesRank = indices.size();
  if (indicesRank < 1 || indicesRank > axis + 1)
    return emitOpError() << "indices must have rank 1 to " << axis + 1
                         << " (the input dims that end at axis " << axis
                         << "), got rank " << indicesRank;
  // indices dim i lines up with input dim (axis + 1 - indicesRank + i).
  int64_t firstInputDim = axis + 1 - indicesRank;
  for (int64_t i = 0; i < indicesRank; ++i)
    if (failed(rules.equal("indices dim " + std::to_string(i), indices[i],
                           "input dim " + std::to_string(firstInputDim + i),
                           inputType.getDimSize(firstInputDim + i))))
      return failure();
  if (failed(rules.sameShape(getOutput(), "output", getInput(), "input", {})) ||
      failed(rules.sameElementType(getOutput(), "output", getInput(), "input")))
    return failure();
  DenseIntElementsAttr constantIndices;
  if (matchPattern(getIndices(), m_Constant(&constantIndices)))
    return verifyConstantPermutation(*this, constantIndices);
  return success();
}

//===----------------------------------------------------------------------===//
// Default kernel templates
//===----------------------------------------------------------------------===//

/// Whether attention.wgmma lowers `op` at its default schedule and is the
/// better default there: measured on the H100 at head dims 64 and 128, its
/// default was 1.04-1.75x faster than attention.mma_sync's on all 22 tasks
/// measured on 2026-12-05 (L 512 to 8192; costmodel/data/h100/README.md;
/// with cp.async, before TMA made it faster still) and 1.25-1.75x
/// on the benchmarks (bench/results/2026-12-05-h100-wgmma-resident). Larger
/// head dims would overflow shared memory at its default tiles.
static bool prefersWgmma(AttentionOp op) {
  if (op.getBias() || op.getBlockMask() || op.getSinkTokens() != 0)
    return false;
  auto query = cast<ShapedType>(op.getQuery().getType());
  auto value = cast<ShapedType>(op.getValue().getType());
  Type element = query.getElementType();
  if (!(element.isF16() || element.isBF16()) ||
      value.getElementType() != element ||
      cast<ShapedType>(op.getKey().getType()).getElementType() != element)
    return false;
  for (int64_t dim : {query.getDimSize(3), value.getDimSize(3)})
    if (dim != 64 && dim != 128)
      return false;
  return true;
}

const ScheduleTemplateDecl *
mixc::mix::getDefaultScheduleTemplate(Operation *op, StringRef chip) {
  const ScheduleTemplateDecl *wgmma = lookupScheduleTemplate("attention.wgmma");
  if (auto attention = dyn_cast<AttentionOp>(op);
      attention && wgmma->runsOn(chip) && prefersWgmma(attention))
    return wgmma;
  std::vector<const ScheduleTemplateDecl *> templates =
      getScheduleTemplatesForOp(op->getName().getStringRef());
  return templates.empty() ? nullptr : templates.front();
}
