//===- OpsElementwise.cpp - Elementwise ONNX ops --------------------------===//
//
// Arithmetic, comparisons, logic, activations, unary math and casts: each is
// one linalg.generic over the broadcast result
// (NodeContext::broadcastElementwise) whose body a scalar function below
// builds. Most ops share one importer template (unary, binary, variadic,
// comparison) parameterised by that body, the element types the op accepts
// and, for the integer ops of shape computations, a fold function; Pow, Mod,
// Where, Cast and Clip have their own importers.
//
// - f16 and bf16 are computed in f32 and rounded back: exact for the basic
//   arithmetic, and the math library has f32 routines only.
// - Integer and boolean ops whose inputs are all known at import time are
//   folded to constants, so that the shape subgraphs of exported models
//   (Shape -> Gather -> Add -> Concat -> Reshape) give static shapes.
//
//===----------------------------------------------------------------------===//

#include "NodeImporter.h"
#include "ScalarMath.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/MathExtras.h"

#include <cmath>
#include <limits>

using namespace mlir;
using namespace mixc::onnx_import;

namespace {

//===----------------------------------------------------------------------===//
// Element types
//===----------------------------------------------------------------------===//

/// The classes of element types an op accepts: ONNX's type constraints, over
/// the types mixc supports (integers are signed).
enum TypeClass : unsigned {
  Floats = 1,
  Ints = 2,
  Bools = 4,
  Numbers = Floats | Ints,
  AllTypes = Floats | Ints | Bools,
};

unsigned typeClassOf(Type type) {
  if (isa<FloatType>(type))
    return Floats;
  return type.isInteger(1) ? Bools : Ints;
}

std::string typeClassNames(unsigned classes) {
  SmallVector<StringRef> names;
  if (classes & Floats)
    names.push_back("float");
  if (classes & Ints)
    names.push_back("integer");
  if (classes & Bools)
    names.push_back("bool");
  return llvm::join(names, " or ");
}

std::string typeName(Type type) {
  std::string name;
  llvm::raw_string_ostream os(name);
  os << type;
  return name;
}

/// Fails unless `type` is in `classes`.
LogicalResult checkType(NodeContext &node, Type type, unsigned classes) {
  if (typeClassOf(type) & classes)
    return success();
  return node.fail("element type " + typeName(type) + " is not supported (" +
                   typeClassNames(classes) + " expected)");
}

//===----------------------------------------------------------------------===//
// Scalars in generic bodies
//===----------------------------------------------------------------------===//

Value constantOf(OpBuilder &b, Location loc, Type type, double value) {
  if (auto floatType = dyn_cast<FloatType>(type))
    return arith::ConstantOp::create(b, loc, b.getFloatAttr(floatType, value));
  APInt bits(type.getIntOrFloatBitWidth(), static_cast<int64_t>(value),
             /*isSigned=*/true, /*implicitTrunc=*/true);
  return arith::ConstantOp::create(b, loc, IntegerAttr::get(type, bits));
}

/// A constant of `like`'s type.
Value constantLike(OpBuilder &b, Location loc, Value like, double value) {
  return constantOf(b, loc, like.getType(), value);
}

bool isFloat(Value value) { return isa<FloatType>(value.getType()); }

/// f16 and bf16 widen to f32 for computing; other types are kept.
Value promote(OpBuilder &b, Location loc, Value value) {
  auto type = dyn_cast<FloatType>(value.getType());
  if (!type || type.getWidth() >= 32)
    return value;
  return arith::ExtFOp::create(b, loc, b.getF32Type(), value);
}

/// Rounds a float computed in f32 by promote()'s rule back to `type`; other
/// values already have their type.
Value demote(OpBuilder &b, Location loc, Value value, Type type) {
  if (value.getType() == type)
    return value;
  return arith::TruncFOp::create(b, loc, type, value);
}

using scalar::add;
using scalar::div;
using scalar::max;
using scalar::min;
using scalar::mul;
using scalar::sub;

/// Comparison; floats compare ordered (false when either is NaN), integers
/// signed, booleans (only for equality) as bits.
Value compare(OpBuilder &b, Location loc, arith::CmpFPredicate floatPredicate,
              arith::CmpIPredicate intPredicate, Value x, Value y) {
  if (isFloat(x))
    return arith::CmpFOp::create(b, loc, floatPredicate, x, y);
  return arith::CmpIOp::create(b, loc, intPredicate, x, y);
}
Value select(OpBuilder &b, Location loc, Value condition, Value x, Value y) {
  return arith::SelectOp::create(b, loc, condition, x, y);
}

/// Converts a scalar as ONNX's Cast does: float to integer truncates toward
/// zero, anything to bool is `!= 0` (NaN is true), bool is 0 or 1, floats
/// round to nearest even.
Value castScalar(OpBuilder &b, Location loc, Value x, Type to) {
  Type from = x.getType();
  if (from == to)
    return x;
  auto fromFloat = dyn_cast<FloatType>(from);
  auto toFloat = dyn_cast<FloatType>(to);
  if (to.isInteger(1)) {
    Value zero = constantLike(b, loc, x, 0);
    if (fromFloat)
      return arith::CmpFOp::create(b, loc, arith::CmpFPredicate::UNE, x, zero);
    return arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ne, x, zero);
  }
  Type f32 = b.getF32Type();
  if (fromFloat && toFloat) {
    // f16 <-> bf16 and bf16 <-> f64 go through f32 (exact but for f64 ->
    // bf16, rounded twice): the lowering of bf16 handles f32 only.
    if (from != f32 && to != f32 &&
        (from.isBF16() || to.isBF16() ||
         fromFloat.getWidth() == toFloat.getWidth())) {
      x = castScalar(b, loc, x, f32);
      return castScalar(b, loc, x, to);
    }
    if (fromFloat.getWidth() < toFloat.getWidth())
      return arith::ExtFOp::create(b, loc, to, x);
    return arith::TruncFOp::create(b, loc, to, x);
  }
  if (fromFloat)
    return arith::FPToSIOp::create(b, loc, to, promote(b, loc, x));
  if (toFloat) {
    Type via = toFloat.getWidth() < 32 ? f32 : to;
    Value converted = from.isInteger(1)
                          ? arith::UIToFPOp::create(b, loc, via, x).getResult()
                          : arith::SIToFPOp::create(b, loc, via, x).getResult();
    return demote(b, loc, converted, to);
  }
  if (from.isInteger(1))
    return arith::ExtUIOp::create(b, loc, to, x);
  if (from.getIntOrFloatBitWidth() < to.getIntOrFloatBitWidth())
    return arith::ExtSIOp::create(b, loc, to, x);
  return arith::TruncIOp::create(b, loc, to, x);
}

/// base ** exponent for integers, by squaring (exact, wrapping like C). A
/// negative exponent gives what C's pow truncated to an integer gives: 1 for
/// base 1, +-1 for base -1, else 0.
Value integerPow(OpBuilder &b, Location loc, Value base, Value exponent) {
  Type type = base.getType();
  Type exponentType = exponent.getType();
  Value zero = constantLike(b, loc, exponent, 0);
  Value one = constantLike(b, loc, base, 1);
  auto loop = scf::WhileOp::create(
      b, loc, TypeRange{type, type, exponentType},
      ValueRange{one, base, exponent},
      [&](OpBuilder &b, Location loc, ValueRange args) {
        Value more = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::sgt,
                                           args[2], zero);
        scf::ConditionOp::create(b, loc, more, args);
      },
      [&](OpBuilder &b, Location loc, ValueRange args) {
        Value result = args[0], power = args[1], rest = args[2];
        Value odd = arith::TruncIOp::create(b, loc, b.getI1Type(), rest);
        result = select(b, loc, odd, mul(b, loc, result, power), result);
        power = mul(b, loc, power, power);
        rest =
            arith::ShRSIOp::create(b, loc, rest, constantLike(b, loc, rest, 1));
        scf::YieldOp::create(b, loc, ValueRange{result, power, rest});
      });
  Value negative =
      arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt, exponent, zero);
  Value odd = arith::TruncIOp::create(b, loc, b.getI1Type(), exponent);
  Value minusOne = constantLike(b, loc, base, -1);
  Value isOne =
      arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, base, one);
  Value isMinusOne =
      arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, base, minusOne);
  Value reciprocal =
      select(b, loc, isOne, one,
             select(b, loc, isMinusOne, select(b, loc, odd, minusOne, one),
                    constantLike(b, loc, base, 0)));
  return select(b, loc, negative, reciprocal, loop.getResult(0));
}

//===----------------------------------------------------------------------===//
// Folding integer ops whose inputs are known
//===----------------------------------------------------------------------===//

/// The result of an integer op on int64 operands (booleans are 0 or 1),
/// wrapped to the result type afterwards; nullopt leaves the op unfolded
/// (division by zero).
using FoldFn = std::optional<int64_t> (*)(ArrayRef<int64_t> args);

/// Results larger than this are computed at run time.
constexpr int64_t kMaxFoldElements = 1024;

/// Folds `fold` over known integer or boolean `inputs` with broadcasting, or
/// returns null when an input is unknown or not an integer, or the result is
/// large.
DenseElementsAttr foldInts(NodeContext &node,
                           ArrayRef<DenseElementsAttr> inputs,
                           Type resultElementType, FoldFn fold) {
  if (!fold || !isa<IntegerType>(resultElementType))
    return {};
  SmallVector<SmallVector<int64_t>> values;
  SmallVector<ArrayRef<int64_t>> shapes;
  for (DenseElementsAttr input : inputs) {
    if (!input || !isa<IntegerType>(input.getElementType()))
      return {};
    bool isBool = input.getElementType().isInteger(1);
    SmallVector<int64_t> &ints = values.emplace_back();
    for (const APInt &value : input.getValues<APInt>())
      ints.push_back(isBool ? value.getZExtValue() : value.getSExtValue());
    shapes.push_back(input.getType().getShape());
  }
  // A failure here is reported and fails the import when the op is built.
  FailureOr<SmallVector<int64_t>> shape = node.broadcastShape(shapes);
  if (failed(shape))
    return {};
  int64_t count = 1;
  for (int64_t size : *shape)
    count *= size;
  if (count > kMaxFoldElements)
    return {};

  int64_t rank = shape->size();
  unsigned width = resultElementType.getIntOrFloatBitWidth();
  SmallVector<int64_t> index(rank, 0), args(inputs.size());
  SmallVector<APInt> results;
  for (int64_t element = 0; element < count; ++element) {
    // Each input's flat position: its trailing dims align with the result's,
    // and its size-1 dims stay at 0.
    for (auto [i, inputShape] : llvm::enumerate(shapes)) {
      int64_t offset = rank - inputShape.size(), position = 0;
      for (int64_t d = 0, e = inputShape.size(); d < e; ++d)
        position = position * inputShape[d] +
                   (inputShape[d] == 1 ? 0 : index[d + offset]);
      args[i] = values[i][position];
    }
    std::optional<int64_t> result = fold(args);
    if (!result)
      return {};
    results.push_back(APInt(width, static_cast<uint64_t>(*result),
                            /*isSigned=*/true, /*implicitTrunc=*/true));
    for (int64_t d = rank - 1; d >= 0 && ++index[d] == (*shape)[d]; --d)
      index[d] = 0;
  }
  return DenseElementsAttr::get(
      RankedTensorType::get(*shape, resultElementType), results);
}

// Wrapping int64 arithmetic (the result is truncated to its type's width).
int64_t wrapAdd(int64_t x, int64_t y) {
  return static_cast<int64_t>(static_cast<uint64_t>(x) +
                              static_cast<uint64_t>(y));
}
int64_t wrapMul(int64_t x, int64_t y) {
  return static_cast<int64_t>(static_cast<uint64_t>(x) *
                              static_cast<uint64_t>(y));
}

std::optional<int64_t> foldSum(ArrayRef<int64_t> args) {
  int64_t result = 0;
  for (int64_t arg : args)
    result = wrapAdd(result, arg);
  return result;
}
std::optional<int64_t> foldSub(ArrayRef<int64_t> args) {
  return wrapAdd(args[0], wrapMul(args[1], -1));
}
std::optional<int64_t> foldMul(ArrayRef<int64_t> args) {
  return wrapMul(args[0], args[1]);
}
std::optional<int64_t> foldDiv(ArrayRef<int64_t> args) {
  if (args[1] == 0)
    return std::nullopt;
  if (args[1] == -1) // INT64_MIN / -1 wraps
    return wrapMul(args[0], -1);
  return args[0] / args[1];
}
std::optional<int64_t> foldMax(ArrayRef<int64_t> args) {
  return *llvm::max_element(args);
}
std::optional<int64_t> foldMin(ArrayRef<int64_t> args) {
  return *llvm::min_element(args);
}
std::optional<int64_t> foldNeg(ArrayRef<int64_t> args) {
  return wrapMul(args[0], -1);
}
std::optional<int64_t> foldAbs(ArrayRef<int64_t> args) {
  return args[0] < 0 ? wrapMul(args[0], -1) : args[0];
}
std::optional<int64_t> foldSign(ArrayRef<int64_t> args) {
  return (args[0] > 0) - (args[0] < 0);
}
std::optional<int64_t> foldEqual(ArrayRef<int64_t> args) {
  return args[0] == args[1];
}
std::optional<int64_t> foldLess(ArrayRef<int64_t> args) {
  return args[0] < args[1];
}
std::optional<int64_t> foldLessOrEqual(ArrayRef<int64_t> args) {
  return args[0] <= args[1];
}
std::optional<int64_t> foldGreater(ArrayRef<int64_t> args) {
  return args[0] > args[1];
}
std::optional<int64_t> foldGreaterOrEqual(ArrayRef<int64_t> args) {
  return args[0] >= args[1];
}
std::optional<int64_t> foldNot(ArrayRef<int64_t> args) { return !args[0]; }
std::optional<int64_t> foldAnd(ArrayRef<int64_t> args) {
  return args[0] && args[1];
}
std::optional<int64_t> foldOr(ArrayRef<int64_t> args) {
  return args[0] || args[1];
}
std::optional<int64_t> foldXor(ArrayRef<int64_t> args) {
  return (args[0] != 0) != (args[1] != 0);
}
std::optional<int64_t> foldWhere(ArrayRef<int64_t> args) {
  return args[0] ? args[1] : args[2];
}
std::optional<int64_t> foldFmod(ArrayRef<int64_t> args) {
  if (args[1] == 0)
    return std::nullopt;
  return args[1] == -1 ? 0 : args[0] % args[1];
}
std::optional<int64_t> foldMod(ArrayRef<int64_t> args) {
  std::optional<int64_t> remainder = foldFmod(args);
  if (remainder && *remainder != 0 && (*remainder < 0) != (args[1] < 0))
    return *remainder + args[1];
  return remainder;
}
/// Integer to integer casts truncate or sign-extend (done by the wrapping).
std::optional<int64_t> foldCastToInt(ArrayRef<int64_t> args) { return args[0]; }
std::optional<int64_t> foldCastToBool(ArrayRef<int64_t> args) {
  return args[0] != 0;
}
/// Clip's inputs: x, then the bounds present (min, then max); see importClip.
std::optional<int64_t> foldClipMin(ArrayRef<int64_t> args) {
  return std::max(args[0], args[1]);
}
std::optional<int64_t> foldClipMax(ArrayRef<int64_t> args) {
  return std::min(args[0], args[1]);
}
std::optional<int64_t> foldClipBoth(ArrayRef<int64_t> args) {
  return std::min(std::max(args[0], args[1]), args[2]);
}

//===----------------------------------------------------------------------===//
// The shared importer
//===----------------------------------------------------------------------===//

/// A generic body: the scalars of the inputs (f16 and bf16 promoted to f32)
/// to the result's scalar. It may read the node's attributes.
using ScalarFn = Value (*)(NodeContext &node, OpBuilder &b, Location loc,
                           ValueRange args);

/// An elementwise op whose inputs all have one element type.
struct ElementwiseOp {
  ScalarFn body;
  unsigned types;  // accepted element types
  size_t arity;    // number of inputs; 0: one or more
  bool boolResult; // comparisons: the result is i1, else the input type
  FoldFn fold;     // folds known integer inputs, if set
};

/// Builds `body` over `inputs` with broadcasting, or folds it with `fold`
/// when the inputs are known integers. A float result computed in f32 for
/// f16 or bf16 is rounded back.
LogicalResult buildElementwise(NodeContext &node, ArrayRef<Value> inputs,
                               ArrayRef<DenseElementsAttr> constants,
                               Type resultElementType, ScalarFn body,
                               FoldFn fold) {
  if (DenseElementsAttr folded =
          foldInts(node, constants, resultElementType, fold)) {
    node.setConstantOutput(0, folded);
    return success();
  }
  Value result = node.broadcastElementwise(
      inputs, resultElementType,
      [&](OpBuilder &b, Location loc, ValueRange args) {
        SmallVector<Value> promoted;
        for (Value arg : args)
          promoted.push_back(promote(b, loc, arg));
        return demote(b, loc, body(node, b, loc, promoted), resultElementType);
      });
  if (!result)
    return failure();
  node.setOutput(0, result);
  return success();
}

LogicalResult importElementwise(NodeContext &node, const ElementwiseOp &op) {
  size_t count = node.numInputs();
  if (op.arity ? count != op.arity : count == 0)
    return node.fail("expects " +
                     (op.arity ? Twine(op.arity) : Twine("at least one")) +
                     " inputs, has " + Twine(count));
  SmallVector<Value> inputs;
  SmallVector<DenseElementsAttr> constants;
  for (size_t i = 0; i < count; ++i) {
    if (!node.hasInput(i))
      return node.fail("input " + Twine(i) + " is missing");
    inputs.push_back(node.input(i));
    constants.push_back(node.constantInput(i));
  }
  Type elementType = node.inputType(0).getElementType();
  for (size_t i = 1; i < count; ++i)
    if (node.inputType(i).getElementType() != elementType)
      return node.fail("inputs have different element types (" +
                       typeName(elementType) + " and " +
                       typeName(node.inputType(i).getElementType()) + ")");
  if (failed(checkType(node, elementType, op.types)))
    return failure();
  Type resultType = op.boolResult ? node.builder().getI1Type() : elementType;
  return buildElementwise(node, inputs, constants, resultType, op.body,
                          op.fold);
}

// The importers of the table: one input, two, one or more, and two with a
// boolean result.
template <ScalarFn body, unsigned types, FoldFn fold = nullptr>
LogicalResult unary(NodeContext &node) {
  return importElementwise(node, {body, types, 1, false, fold});
}
template <ScalarFn body, unsigned types, FoldFn fold = nullptr>
LogicalResult binary(NodeContext &node) {
  return importElementwise(node, {body, types, 2, false, fold});
}
template <ScalarFn body, unsigned types, FoldFn fold = nullptr>
LogicalResult variadic(NodeContext &node) {
  return importElementwise(node, {body, types, 0, false, fold});
}
template <ScalarFn body, unsigned types, FoldFn fold = nullptr>
LogicalResult comparison(NodeContext &node) {
  return importElementwise(node, {body, types, 2, true, fold});
}
template <ScalarFn body, unsigned types>
LogicalResult unaryPredicate(NodeContext &node) {
  return importElementwise(node, {body, types, 1, true, nullptr});
}

//===----------------------------------------------------------------------===//
// Bodies
//===----------------------------------------------------------------------===//

// Arithmetic. Add and Sum, Max and Min of two or more inputs share bodies.
Value sumBody(NodeContext &, OpBuilder &b, Location loc, ValueRange args) {
  Value result = args[0];
  for (Value arg : args.drop_front())
    result = add(b, loc, result, arg);
  return result;
}
Value subBody(NodeContext &, OpBuilder &b, Location loc, ValueRange args) {
  return sub(b, loc, args[0], args[1]);
}
Value mulBody(NodeContext &, OpBuilder &b, Location loc, ValueRange args) {
  return mul(b, loc, args[0], args[1]);
}
Value divBody(NodeContext &, OpBuilder &b, Location loc, ValueRange args) {
  return div(b, loc, args[0], args[1]);
}
Value maxBody(NodeContext &, OpBuilder &b, Location loc, ValueRange args) {
  Value result = args[0];
  for (Value arg : args.drop_front())
    result = max(b, loc, result, arg);
  return result;
}
Value minBody(NodeContext &, OpBuilder &b, Location loc, ValueRange args) {
  Value result = args[0];
  for (Value arg : args.drop_front())
    result = min(b, loc, result, arg);
  return result;
}
Value meanBody(NodeContext &node, OpBuilder &b, Location loc, ValueRange args) {
  Value sum = sumBody(node, b, loc, args);
  return div(b, loc, sum, constantLike(b, loc, sum, args.size()));
}

// Comparisons and logic.
Value equalBody(NodeContext &, OpBuilder &b, Location loc, ValueRange args) {
  return compare(b, loc, arith::CmpFPredicate::OEQ, arith::CmpIPredicate::eq,
                 args[0], args[1]);
}
Value lessBody(NodeContext &, OpBuilder &b, Location loc, ValueRange args) {
  return compare(b, loc, arith::CmpFPredicate::OLT, arith::CmpIPredicate::slt,
                 args[0], args[1]);
}
Value lessOrEqualBody(NodeContext &, OpBuilder &b, Location loc,
                      ValueRange args) {
  return compare(b, loc, arith::CmpFPredicate::OLE, arith::CmpIPredicate::sle,
                 args[0], args[1]);
}
Value greaterBody(NodeContext &, OpBuilder &b, Location loc, ValueRange args) {
  return compare(b, loc, arith::CmpFPredicate::OGT, arith::CmpIPredicate::sgt,
                 args[0], args[1]);
}
Value greaterOrEqualBody(NodeContext &, OpBuilder &b, Location loc,
                         ValueRange args) {
  return compare(b, loc, arith::CmpFPredicate::OGE, arith::CmpIPredicate::sge,
                 args[0], args[1]);
}
Value notBody(NodeContext &, OpBuilder &b, Location loc, ValueRange args) {
  return arith::XOrIOp::create(b, loc, args[0],
                               constantLike(b, loc, args[0], 1));
}
Value andBody(NodeContext &, OpBuilder &b, Location loc, ValueRange args) {
  return arith::AndIOp::create(b, loc, args[0], args[1]);
}
Value orBody(NodeContext &, OpBuilder &b, Location loc, ValueRange args) {
  return arith::OrIOp::create(b, loc, args[0], args[1]);
}
Value xorBody(NodeContext &, OpBuilder &b, Location loc, ValueRange args) {
  return arith::XOrIOp::create(b, loc, args[0], args[1]);
}

// Unary math on floats, and on integers where the op allows them.
template <typename MathOp>
Value mathBody(NodeContext &, OpBuilder &b, Location loc, ValueRange args) {
  return MathOp::create(b, loc, args[0]);
}
Value reciprocalBody(NodeContext &, OpBuilder &b, Location loc,
                     ValueRange args) {
  return div(b, loc, constantLike(b, loc, args[0], 1), args[0]);
}
Value negBody(NodeContext &, OpBuilder &b, Location loc, ValueRange args) {
  if (isFloat(args[0]))
    return arith::NegFOp::create(b, loc, args[0]);
  return sub(b, loc, constantLike(b, loc, args[0], 0), args[0]);
}
Value absBody(NodeContext &, OpBuilder &b, Location loc, ValueRange args) {
  if (isFloat(args[0]))
    return math::AbsFOp::create(b, loc, args[0]);
  return math::AbsIOp::create(b, loc, args[0]);
}
/// -1, 0 or 1; NaN stays NaN.
Value signBody(NodeContext &, OpBuilder &b, Location loc, ValueRange args) {
  Value x = args[0];
  Value zero = constantLike(b, loc, x, 0);
  Value positive = compare(b, loc, arith::CmpFPredicate::OGT,
                           arith::CmpIPredicate::sgt, x, zero);
  Value negative = compare(b, loc, arith::CmpFPredicate::OLT,
                           arith::CmpIPredicate::slt, x, zero);
  return select(b, loc, positive, constantLike(b, loc, x, 1),
                select(b, loc, negative, constantLike(b, loc, x, -1),
                       isFloat(x) ? x : zero));
}

// Activations.
Value reluBody(NodeContext &, OpBuilder &b, Location loc, ValueRange args) {
  return max(b, loc, args[0], constantLike(b, loc, args[0], 0));
}
Value sigmoidBody(NodeContext &, OpBuilder &b, Location loc, ValueRange args) {
  Value x = args[0];
  Value one = constantLike(b, loc, x, 1);
  Value exp = math::ExpOp::create(b, loc, arith::NegFOp::create(b, loc, x));
  return arith::DivFOp::create(b, loc, one, add(b, loc, one, exp));
}
/// log(1 + exp(x)), as max(x, 0) + log1p(exp(-|x|)) so that large |x| neither
/// overflows nor loses the result.
Value softplusBody(NodeContext &, OpBuilder &b, Location loc, ValueRange args) {
  Value x = args[0];
  Value negAbs = arith::NegFOp::create(b, loc, math::AbsFOp::create(b, loc, x));
  Value tail =
      math::Log1pOp::create(b, loc, math::ExpOp::create(b, loc, negAbs));
  return add(b, loc, max(b, loc, x, constantLike(b, loc, x, 0)), tail);
}
/// Gelu (opset 20): 0.5 x (1 + erf(x / sqrt 2)), or with approximate="tanh"
/// 0.5 x (1 + tanh(sqrt(2 / pi) (x + 0.044715 x^3))).
Value geluBody(NodeContext &node, OpBuilder &b, Location loc, ValueRange args) {
  Value x = args[0];
  auto c = [&](double value) { return constantLike(b, loc, x, value); };
  Value inner;
  if (node.stringAttr("approximate", "none") == "tanh") {
    Value cube = mul(b, loc, mul(b, loc, x, x), x);
    Value poly = add(b, loc, x, mul(b, loc, c(0.044715), cube));
    inner = math::TanhOp::create(
        b, loc, mul(b, loc, c(std::sqrt(2 * llvm::numbers::inv_pi)), poly));
  } else {
    inner = math::ErfOp::create(b, loc,
                                mul(b, loc, x, c(llvm::numbers::inv_sqrt2)));
  }
  return mul(b, loc, mul(b, loc, c(0.5), x), add(b, loc, c(1), inner));
}
/// x for x >= 0, alpha x below.
Value leakyReluBody(NodeContext &node, OpBuilder &b, Location loc,
                    ValueRange args) {
  Value x = args[0];
  Value alpha = constantLike(b, loc, x, node.floatAttr("alpha", 0.01f));
  Value negative =
      compare(b, loc, arith::CmpFPredicate::OLT, arith::CmpIPredicate::slt, x,
              constantLike(b, loc, x, 0));
  return select(b, loc, negative, mul(b, loc, alpha, x), x);
}
/// alpha (exp(x) - 1) for x < 0 (scaled by gamma for Selu, where the branch
/// also takes x = 0: the same value).
Value expLinear(OpBuilder &b, Location loc, Value x, double alpha,
                double gamma) {
  Value negative =
      compare(b, loc, arith::CmpFPredicate::OLT, arith::CmpIPredicate::slt, x,
              constantLike(b, loc, x, 0));
  Value below = mul(b, loc, constantLike(b, loc, x, alpha * gamma),
                    math::ExpM1Op::create(b, loc, x));
  Value above = gamma == 1 ? x : mul(b, loc, constantLike(b, loc, x, gamma), x);
  return select(b, loc, negative, below, above);
}
Value eluBody(NodeContext &node, OpBuilder &b, Location loc, ValueRange args) {
  return expLinear(b, loc, args[0], node.floatAttr("alpha", 1.0f), 1.0);
}
Value seluBody(NodeContext &node, OpBuilder &b, Location loc, ValueRange args) {
  return expLinear(b, loc, args[0],
                   node.floatAttr("alpha", 1.67326319217681884765625f),
                   node.floatAttr("gamma", 1.05070102214813232421875f));
}
/// max(0, x) + min(0, alpha (exp(x / alpha) - 1)).
Value celuBody(NodeContext &node, OpBuilder &b, Location loc, ValueRange args) {
  Value x = args[0];
  Value alpha = constantLike(b, loc, x, node.floatAttr("alpha", 1.0f));
  Value zero = constantLike(b, loc, x, 0);
  Value expm1 = math::ExpM1Op::create(b, loc, div(b, loc, x, alpha));
  return add(b, loc, max(b, loc, zero, x),
             min(b, loc, zero, mul(b, loc, alpha, expm1)));
}
/// max(0, min(1, alpha x + beta)).
Value hardSigmoidBody(NodeContext &node, OpBuilder &b, Location loc,
                      ValueRange args) {
  Value x = args[0];
  Value alpha = constantLike(b, loc, x, node.floatAttr("alpha", 0.2f));
  Value beta = constantLike(b, loc, x, node.floatAttr("beta", 0.5f));
  Value linear = add(b, loc, mul(b, loc, alpha, x), beta);
  return max(b, loc, constantLike(b, loc, x, 0),
             min(b, loc, constantLike(b, loc, x, 1), linear));
}

/// x / (1 + |x|).
Value softsignBody(NodeContext &, OpBuilder &b, Location loc, ValueRange args) {
  Value x = args[0];
  Value magnitude = math::AbsFOp::create(b, loc, x);
  return div(b, loc, x, add(b, loc, constantLike(b, loc, x, 1), magnitude));
}
/// x max(0, min(1, x / 6 + 1 / 2)).
Value hardSwishBody(NodeContext &, OpBuilder &b, Location loc,
                    ValueRange args) {
  Value x = args[0];
  Value linear = add(b, loc, mul(b, loc, constantLike(b, loc, x, 1.0 / 6), x),
                     constantLike(b, loc, x, 0.5));
  Value gate = max(b, loc, constantLike(b, loc, x, 0),
                   min(b, loc, constantLike(b, loc, x, 1), linear));
  return mul(b, loc, x, gate);
}
/// x for x > alpha, else 0.
Value thresholdedReluBody(NodeContext &node, OpBuilder &b, Location loc,
                          ValueRange args) {
  Value x = args[0];
  Value alpha = constantLike(b, loc, x, node.floatAttr("alpha", 1.0f));
  Value above = compare(b, loc, arith::CmpFPredicate::OGT,
                        arith::CmpIPredicate::sgt, x, alpha);
  return select(b, loc, above, x, constantLike(b, loc, x, 0));
}
/// PRelu(x, slope): x for x >= 0, slope x below.
Value preluBody(NodeContext &, OpBuilder &b, Location loc, ValueRange args) {
  Value x = args[0];
  Value negative =
      compare(b, loc, arith::CmpFPredicate::OLT, arith::CmpIPredicate::slt, x,
              constantLike(b, loc, x, 0));
  return select(b, loc, negative, mul(b, loc, args[1], x), x);
}
Value isNaNBody(NodeContext &, OpBuilder &b, Location loc, ValueRange args) {
  return arith::CmpFOp::create(b, loc, arith::CmpFPredicate::UNO, args[0],
                               args[0]);
}
/// IsInf: +inf when detect_positive (default 1), -inf when detect_negative
/// (default 1).
Value isInfBody(NodeContext &node, OpBuilder &b, Location loc,
                ValueRange args) {
  Value x = args[0];
  double infinity = std::numeric_limits<double>::infinity();
  Value result = constantOf(b, loc, b.getI1Type(), 0);
  if (node.intAttr("detect_positive", 1))
    result = arith::OrIOp::create(
        b, loc, result,
        arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OEQ, x,
                              constantLike(b, loc, x, infinity)));
  if (node.intAttr("detect_negative", 1))
    result = arith::OrIOp::create(
        b, loc, result,
        arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OEQ, x,
                              constantLike(b, loc, x, -infinity)));
  return result;
}
/// Mod with fmod=1: the remainder has the dividend's sign (C fmod).
Value fmodBody(NodeContext &, OpBuilder &b, Location loc, ValueRange args) {
  if (isFloat(args[0]))
    return arith::RemFOp::create(b, loc, args[0], args[1]);
  return arith::RemSIOp::create(b, loc, args[0], args[1]);
}
/// Mod with fmod=0 (integers only): the remainder has the divisor's sign
/// (Python %).
Value modBody(NodeContext &, OpBuilder &b, Location loc, ValueRange args) {
  Value x = args[0], y = args[1];
  Value zero = constantLike(b, loc, x, 0);
  Value remainder = arith::RemSIOp::create(b, loc, x, y);
  Value nonzero =
      arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ne, remainder, zero);
  Value signsDiffer = arith::XOrIOp::create(
      b, loc,
      arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt, remainder, zero),
      arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt, y, zero));
  Value adjust = arith::AndIOp::create(b, loc, nonzero, signsDiffer);
  return select(b, loc, adjust, add(b, loc, remainder, y), remainder);
}

//===----------------------------------------------------------------------===//
// Ops with their own importers
//===----------------------------------------------------------------------===//

LogicalResult importIdentity(NodeContext &node) {
  node.setOutput(0, node.input(0), node.constantInput(0));
  return success();
}

LogicalResult importGelu(NodeContext &node) {
  std::string approximate = node.stringAttr("approximate", "none");
  if (approximate != "none" && approximate != "tanh")
    return node.fail("approximate='" + approximate +
                     "' is not supported (none or tanh)");
  return unary<geluBody, Floats>(node);
}

/// Mod: fmod=0 (the default) takes the divisor's sign and needs integers;
/// fmod=1 takes the dividend's.
LogicalResult importMod(NodeContext &node) {
  int64_t fmod = node.intAttr("fmod", 0);
  if (fmod == 1)
    return binary<fmodBody, Numbers, foldFmod>(node);
  if (fmod != 0)
    return node.fail("fmod must be 0 or 1");
  if (isa<FloatType>(node.inputType(0).getElementType()))
    return node.fail("float inputs need fmod=1");
  return binary<modBody, Ints, foldMod>(node);
}

/// Pow(base, exponent): the exponent's type may differ from the base's, and
/// the result has the base's type, as numpy.power(x, y).astype(x.dtype).
LogicalResult importPow(NodeContext &node) {
  if (node.numInputs() != 2)
    return node.fail("expects 2 inputs");
  Type baseType = node.inputType(0).getElementType();
  Type exponentType = node.inputType(1).getElementType();
  if (failed(checkType(node, baseType, Numbers)) ||
      failed(checkType(node, exponentType, Numbers)))
    return failure();
  Value result = node.broadcastElementwise(
      {node.input(0), node.input(1)}, baseType,
      [&](OpBuilder &b, Location loc, ValueRange args) -> Value {
        Value base = promote(b, loc, args[0]), exponent = args[1];
        if (isFloat(base)) {
          // An integer exponent becomes a float one: libm's pow is exact for
          // integral exponents, negative bases included.
          exponent = castScalar(b, loc, exponent, base.getType());
          return demote(b, loc, math::PowFOp::create(b, loc, base, exponent),
                        baseType);
        }
        if (isFloat(exponent)) {
          // Integer base, float exponent: in f64, truncated toward zero.
          Type f64 = b.getF64Type();
          Value power =
              math::PowFOp::create(b, loc, castScalar(b, loc, base, f64),
                                   castScalar(b, loc, exponent, f64));
          return castScalar(b, loc, power, baseType);
        }
        return integerPow(b, loc, base, exponent);
      });
  if (!result)
    return failure();
  node.setOutput(0, result);
  return success();
}

/// Where(condition, x, y): x where condition holds, else y.
LogicalResult importWhere(NodeContext &node) {
  if (node.numInputs() != 3)
    return node.fail("expects 3 inputs");
  if (!node.inputType(0).getElementType().isInteger(1))
    return node.fail("the condition is not bool");
  Type type = node.inputType(1).getElementType();
  if (node.inputType(2).getElementType() != type)
    return node.fail("x and y have different element types");
  return buildElementwise(
      node, {node.input(0), node.input(1), node.input(2)},
      {node.constantInput(0), node.constantInput(1), node.constantInput(2)},
      type,
      [](NodeContext &, OpBuilder &b, Location loc, ValueRange args) {
        return select(b, loc, args[0], args[1], args[2]);
      },
      foldWhere);
}

/// The element type Cast (attribute `to`) or CastLike (input 1's type)
/// converts to; null for an unsupported one.
Type castTarget(NodeContext &node) {
  if (node.node().op_type() == "CastLike")
    return node.inputType(1).getElementType();
  return elementTypeFor(node.context(), node.intAttr("to", 0));
}

Value castBody(NodeContext &node, OpBuilder &b, Location loc, ValueRange args) {
  return castScalar(b, loc, args[0], castTarget(node));
}

/// Cast (opset 6+: `to` is an enum; 19 adds `saturate`, which concerns only
/// float8 types) and CastLike.
LogicalResult importCast(NodeContext &node) {
  Type to = castTarget(node);
  if (!to)
    return node.fail("cast to " + onnxTypeName(node.intAttr("to", 0)) +
                     " is not supported");
  if (to == node.inputType(0).getElementType()) {
    node.setOutput(0, node.input(0), node.constantInput(0));
    return success();
  }
  return buildElementwise(node, {node.input(0)}, {node.constantInput(0)}, to,
                          castBody,
                          to.isInteger(1) ? foldCastToBool : foldCastToInt);
}

/// x, then the bounds present: max(x, min), then min(_, max).
Value clipBody(NodeContext &node, OpBuilder &b, Location loc, ValueRange args) {
  Value x = args[0];
  size_t next = 1;
  if (node.hasInput(1))
    x = max(b, loc, x, args[next++]);
  if (node.hasInput(2))
    x = min(b, loc, x, args[next++]);
  return x;
}

/// Clip (opset 11+): the bounds are optional scalar inputs 1 (min) and 2
/// (max); min(max(x, min), max), so min > max gives max as ONNX specifies.
LogicalResult importClip(NodeContext &node) {
  Type type = node.inputType(0).getElementType();
  if (failed(checkType(node, type, Numbers)))
    return failure();
  SmallVector<Value> inputs = {node.input(0)};
  SmallVector<DenseElementsAttr> constants = {node.constantInput(0)};
  bool hasMin = node.hasInput(1), hasMax = node.hasInput(2);
  for (size_t i = 1; i <= 2; ++i) {
    if (!node.hasInput(i))
      continue;
    if (node.inputType(i).getElementType() != type)
      return node.fail("bound " + Twine(i) + " has another element type");
    // A scalar; exporters sometimes give shape [1], which broadcasts alike
    // unless it would raise x's rank.
    RankedTensorType boundType = node.inputType(i);
    if (boundType.getRank() > node.inputType(0).getRank() ||
        llvm::any_of(boundType.getShape(),
                     [](int64_t size) { return size != 1; }))
      return node.fail("bound " + Twine(i) + " is not a scalar");
    inputs.push_back(node.input(i));
    constants.push_back(node.constantInput(i));
  }
  if (!hasMin && !hasMax) {
    node.setOutput(0, node.input(0), node.constantInput(0));
    return success();
  }
  FoldFn fold = hasMin && hasMax ? foldClipBoth
                : hasMin         ? foldClipMin
                                 : foldClipMax;
  return buildElementwise(node, inputs, constants, type, clipBody, fold);
}

/// Clip (opset 6-10): the bounds are float attributes; an absent one does not
/// clip.
LogicalResult importClipAttributes(NodeContext &node) {
  Type type = node.inputType(0).getElementType();
  if (failed(checkType(node, type, Floats)))
    return failure();
  if (!node.hasAttr("min") && !node.hasAttr("max")) {
    node.setOutput(0, node.input(0), node.constantInput(0));
    return success();
  }
  return buildElementwise(
      node, {node.input(0)}, {}, type,
      [](NodeContext &node, OpBuilder &b, Location loc, ValueRange args) {
        Value x = args[0];
        if (node.hasAttr("min"))
          x = max(b, loc, x, constantLike(b, loc, x, node.floatAttr("min", 0)));
        if (node.hasAttr("max"))
          x = min(b, loc, x, constantLike(b, loc, x, node.floatAttr("max", 0)));
        return x;
      },
      nullptr);
}

} // namespace

//===----------------------------------------------------------------------===//
// The table
//===----------------------------------------------------------------------===//

// Where an opset range starts later than the op's first version, the earlier
// versions had the legacy `broadcast`/`consumed_inputs` attributes. The
// versions inside a range differ only in the types they allow.
#define BROADCAST                                                              \
  "NumPy broadcasting (a dynamic dimension is taken to equal the result's: "   \
  "no run-time broadcasting of size 1)"
#define FOLDS "known integer inputs fold"

ArrayRef<OnnxOpDecl> mixc::onnx_import::getElementwiseOps() {
  static const OnnxOpDecl rows[] = {
      // Arithmetic.
      {"Add", 7, 23, binary<sumBody, Numbers, foldSum>, BROADCAST "; " FOLDS},
      {"Sub", 7, 23, binary<subBody, Numbers, foldSub>, BROADCAST "; " FOLDS},
      {"Mul", 7, 23, binary<mulBody, Numbers, foldMul>, BROADCAST "; " FOLDS},
      {"Div", 7, 23, binary<divBody, Numbers, foldDiv>,
       "integers truncate toward zero (by zero: undefined); " BROADCAST
       "; " FOLDS},
      {"Mod", 10, 23, importMod,
       "fmod=0 (integers): the divisor's sign; fmod=1: the "
       "dividend's; " BROADCAST "; " FOLDS},
      {"Pow", 7, 23, importPow,
       "mixed base/exponent types; integer powers exact, a negative integer "
       "exponent as C's pow truncated; " BROADCAST},
      {"Sum", 6, 23, variadic<sumBody, Numbers, foldSum>, BROADCAST "; " FOLDS},
      {"Mean", 6, 23, variadic<meanBody, Floats>, BROADCAST},
      {"Max", 6, 23, variadic<maxBody, Numbers, foldMax>,
       "NaN propagates; " BROADCAST "; " FOLDS},
      {"Min", 6, 23, variadic<minBody, Numbers, foldMin>,
       "NaN propagates; " BROADCAST "; " FOLDS},
      {"Clip", 6, 10, importClipAttributes, "min/max: float attributes"},
      {"Clip", 11, 23, importClip, "min/max: optional scalar inputs; " FOLDS},
      // Unary math.
      {"Abs", 6, 23, unary<absBody, Numbers, foldAbs>, FOLDS},
      {"Neg", 6, 23, unary<negBody, Numbers, foldNeg>, FOLDS},
      {"Sign", 9, 23, unary<signBody, Numbers, foldSign>, FOLDS},
      {"Reciprocal", 6, 23, unary<reciprocalBody, Floats>, ""},
      {"Sqrt", 6, 23, unary<mathBody<math::SqrtOp>, Floats>, ""},
      {"Exp", 6, 23, unary<mathBody<math::ExpOp>, Floats>, ""},
      {"Log", 6, 23, unary<mathBody<math::LogOp>, Floats>, ""},
      {"Erf", 9, 23, unary<mathBody<math::ErfOp>, Floats>, ""},
      {"Tanh", 6, 23, unary<mathBody<math::TanhOp>, Floats>, ""},
      {"Sin", 7, 23, unary<mathBody<math::SinOp>, Floats>, ""},
      {"Cos", 7, 23, unary<mathBody<math::CosOp>, Floats>, ""},
      {"Floor", 6, 23, unary<mathBody<math::FloorOp>, Floats>, ""},
      {"Ceil", 6, 23, unary<mathBody<math::CeilOp>, Floats>, ""},
      {"Round", 11, 23, unary<mathBody<math::RoundEvenOp>, Floats>,
       "halves to even"},
      {"Tan", 7, 23, unary<mathBody<math::TanOp>, Floats>, ""},
      {"Asin", 7, 23, unary<mathBody<math::AsinOp>, Floats>, ""},
      {"Acos", 7, 23, unary<mathBody<math::AcosOp>, Floats>, ""},
      {"Atan", 7, 23, unary<mathBody<math::AtanOp>, Floats>, ""},
      {"Sinh", 9, 23, unary<mathBody<math::SinhOp>, Floats>, ""},
      {"Cosh", 9, 23, unary<mathBody<math::CoshOp>, Floats>, ""},
      {"Asinh", 9, 23, unary<mathBody<math::AsinhOp>, Floats>, ""},
      {"Acosh", 9, 23, unary<mathBody<math::AcoshOp>, Floats>, ""},
      {"Atanh", 9, 23, unary<mathBody<math::AtanhOp>, Floats>, ""},
      {"IsNaN", 9, 23, unaryPredicate<isNaNBody, Floats>, ""},
      {"IsInf", 10, 23, unaryPredicate<isInfBody, Floats>, ""},
      // Activations.
      {"Relu", 6, 23, unary<reluBody, Numbers>, ""},
      {"LeakyRelu", 6, 23, unary<leakyReluBody, Floats>, ""},
      {"Sigmoid", 6, 23, unary<sigmoidBody, Floats>, ""},
      {"Softplus", 1, 23, unary<softplusBody, Floats>, ""},
      {"Elu", 6, 23, unary<eluBody, Floats>, ""},
      {"Selu", 6, 23, unary<seluBody, Floats>, ""},
      {"Celu", 12, 23, unary<celuBody, Floats>, ""},
      {"HardSigmoid", 6, 23, unary<hardSigmoidBody, Floats>, ""},
      {"Gelu", 20, 23, importGelu, "approximate: none or tanh",
       /*minInputs=*/1},
      {"HardSwish", 14, 23, unary<hardSwishBody, Floats>, ""},
      {"Softsign", 1, 23, unary<softsignBody, Floats>, ""},
      {"ThresholdedRelu", 10, 23, unary<thresholdedReluBody, Floats>, ""},
      {"PRelu", 7, 23, binary<preluBody, Numbers>, BROADCAST},
      // Comparisons and logic.
      {"Equal", 7, 23, comparison<equalBody, AllTypes, foldEqual>,
       BROADCAST "; " FOLDS},
      {"Less", 7, 23, comparison<lessBody, Numbers, foldLess>,
       BROADCAST "; " FOLDS},
      {"LessOrEqual", 12, 23,
       comparison<lessOrEqualBody, Numbers, foldLessOrEqual>,
       BROADCAST "; " FOLDS},
      {"Greater", 7, 23, comparison<greaterBody, Numbers, foldGreater>,
       BROADCAST "; " FOLDS},
      {"GreaterOrEqual", 12, 23,
       comparison<greaterOrEqualBody, Numbers, foldGreaterOrEqual>,
       BROADCAST "; " FOLDS},
      {"Not", 1, 23, unary<notBody, Bools, foldNot>, FOLDS},
      {"And", 7, 23, binary<andBody, Bools, foldAnd>, BROADCAST "; " FOLDS},
      {"Or", 7, 23, binary<orBody, Bools, foldOr>, BROADCAST "; " FOLDS},
      {"Xor", 7, 23, binary<xorBody, Bools, foldXor>, BROADCAST "; " FOLDS},
      {"Where", 9, 23, importWhere, BROADCAST "; " FOLDS},
      // Types.
      {"Cast", 6, 23, importCast,
       "float to integer truncates toward zero; to bool is != 0; no strings; "
       "integer and bool " FOLDS},
      {"CastLike", 15, 23, importCast, "as Cast"},
      {"Identity", 1, 23, importIdentity, "tensors only"},
  };
  return rows;
}

#undef BROADCAST
#undef FOLDS
