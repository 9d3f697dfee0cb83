//===- OpsShape.cpp - ONNX ops: shapes and data movement ------------------===//
//
// Shape computations and data movement: Constant, ConstantOfShape, Shape,
// Size, Reshape, Flatten, Squeeze, Unsqueeze, Transpose, Expand, Concat,
// Split, Slice, Gather, GatherElements, Range, Tile, Pad.
//
// Exporters compute shapes inside the graph (PyTorch: Shape -> Gather ->
// Unsqueeze -> Concat -> Reshape). Three things keep such subgraphs static:
//  - Contents: a small tensor whose elements are known at import time, all
//    of them (the graph's known constant) or one by one (a tensor.from_elements
//    whose operands are constants or run-time scalars, as Shape builds for a
//    tensor with dynamic dims). One helper, foldMovement, moves such elements
//    for every data-movement op, so Gather(Shape(x), 1) of a [?, 3, 4] x is
//    the known constant 3 and Gather(Shape(x), 0) is dim(x, 0).
//  - Index lists: shape-like inputs (shapes, starts, pads, repeats) are read
//    as index sizes: constants where known, run-time values elsewhere. Results
//    are static wherever their sizes are known; what is not known is computed
//    at run time (tensor.dim, arith on index values).
//  - Symbolic sizes: a run-time size is named by the tensor dimension it is
//    the size of, so Reshape(x, [dim(x, 0), -1]) infers -1 and regroups
//    dimensions with collapse_shape/expand_shape rather than tensor.reshape.
// Shape-like inputs known only at run time are supported (Reshape with a
// run-time shape becomes a tensor.reshape, Slice with run-time axes a
// gather); only their lengths, which decide ranks, must be static.
//
//===----------------------------------------------------------------------===//

#include "NodeImporter.h"

#include <map>

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "mlir/IR/Matchers.h"

#include <cmath>
#include <numeric>

using namespace mlir;
using namespace mixc;
using namespace mixc::onnx_import;

namespace {

/// Most elements a folded result may have (as many as the importer keeps
/// known for initializers). A result that holds run-time scalars (a
/// tensor.from_elements) is kept shorter: shapes, not data.
constexpr int64_t kFoldLimit = 4096;
constexpr int64_t kPartialFoldLimit = 64;

std::string typeString(Type type) {
  std::string text;
  llvm::raw_string_ostream os(text);
  os << type;
  return text;
}

//===----------------------------------------------------------------------===//
// Index arithmetic that folds
//===----------------------------------------------------------------------===//

/// Signed integer division rounding down / up (b != 0).
int64_t floorDiv(int64_t a, int64_t b) {
  int64_t q = a / b;
  return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q;
}
int64_t ceilDiv(int64_t a, int64_t b) {
  int64_t q = a / b;
  return (a % b != 0 && ((a < 0) == (b < 0))) ? q + 1 : q;
}

/// Arithmetic on index OpFoldResults: constants fold, anything else becomes
/// arith ops on index values. Sizes, offsets and indices are computed with
/// it once, for the static and the run-time case alike.
class IndexMath {
public:
  IndexMath(OpBuilder &b, Location loc) : b(b), loc(loc) {}

  OpFoldResult constant(int64_t value) { return b.getIndexAttr(value); }
  /// `v` as a value; constants are made once per IndexMath.
  Value value(OpFoldResult v) {
    std::optional<int64_t> known = getConstantIntValue(v);
    if (!known || isa<Value>(v))
      return getValueOrCreateConstantIndexOp(b, loc, v);
    Value &constant = constants[*known];
    if (!constant)
      constant = arith::ConstantIndexOp::create(b, loc, *known);
    return constant;
  }
  static bool is(OpFoldResult v, int64_t c) {
    std::optional<int64_t> known = getConstantIntValue(v);
    return known && *known == c;
  }

  OpFoldResult add(OpFoldResult x, OpFoldResult y) {
    if (is(x, 0))
      return y;
    if (is(y, 0))
      return x;
    return binary<arith::AddIOp>(x, y, [](int64_t a, int64_t c) {
      return int64_t(uint64_t(a) + uint64_t(c)); // wraps as arith.addi does
    });
  }
  OpFoldResult sub(OpFoldResult x, OpFoldResult y) {
    if (is(y, 0))
      return x;
    return binary<arith::SubIOp>(x, y, [](int64_t a, int64_t c) {
      return int64_t(uint64_t(a) - uint64_t(c));
    });
  }
  OpFoldResult mul(OpFoldResult x, OpFoldResult y) {
    if (is(x, 1))
      return y;
    if (is(y, 1))
      return x;
    return binary<arith::MulIOp>(x, y, [](int64_t a, int64_t c) {
      return int64_t(uint64_t(a) * uint64_t(c));
    });
  }
  /// Signed division rounding up / down; `y` must not be 0.
  OpFoldResult ceilDiv(OpFoldResult x, OpFoldResult y) {
    if (is(y, 1))
      return x;
    return binary<arith::CeilDivSIOp>(x, y, ::ceilDiv);
  }
  OpFoldResult floorDiv(OpFoldResult x, OpFoldResult y) {
    if (is(y, 1))
      return x;
    return binary<arith::FloorDivSIOp>(x, y, ::floorDiv);
  }
  /// x mod y in [0, y) for y > 0.
  OpFoldResult mod(OpFoldResult x, OpFoldResult y) {
    return sub(x, mul(floorDiv(x, y), y));
  }
  OpFoldResult min(OpFoldResult x, OpFoldResult y) {
    return binary<arith::MinSIOp>(
        x, y, [](int64_t a, int64_t c) { return std::min(a, c); });
  }
  OpFoldResult max(OpFoldResult x, OpFoldResult y) {
    return binary<arith::MaxSIOp>(
        x, y, [](int64_t a, int64_t c) { return std::max(a, c); });
  }
  OpFoldResult clamp(OpFoldResult x, OpFoldResult lo, OpFoldResult hi) {
    return min(max(x, lo), hi);
  }
  /// `lhs pred rhs ? ifTrue : ifFalse`.
  OpFoldResult select(arith::CmpIPredicate pred, OpFoldResult lhs,
                      OpFoldResult rhs, OpFoldResult ifTrue,
                      OpFoldResult ifFalse) {
    std::optional<int64_t> l = getConstantIntValue(lhs);
    std::optional<int64_t> r = getConstantIntValue(rhs);
    if (l && r)
      return arith::applyCmpPredicate(pred, APInt(64, *l, true),
                                      APInt(64, *r, true))
                 ? ifTrue
                 : ifFalse;
    if (ifTrue == ifFalse)
      return ifTrue;
    Value condition =
        arith::CmpIOp::create(b, loc, pred, value(lhs), value(rhs));
    return arith::SelectOp::create(b, loc, condition, value(ifTrue),
                                   value(ifFalse))
        .getResult();
  }
  OpFoldResult product(ArrayRef<OpFoldResult> values) {
    OpFoldResult result = constant(1);
    for (OpFoldResult v : values)
      result = mul(result, v);
    return result;
  }

private:
  template <typename OpTy>
  OpFoldResult binary(OpFoldResult x, OpFoldResult y,
                      function_ref<int64_t(int64_t, int64_t)> fold) {
    std::optional<int64_t> cx = getConstantIntValue(x);
    std::optional<int64_t> cy = getConstantIntValue(y);
    if (cx && cy)
      return constant(fold(*cx, *cy));
    return OpTy::create(b, loc, value(x), value(y)).getResult();
  }

  OpBuilder &b;
  Location loc;
  // Keyed by any int64 (INT64_MAX means "to the end" in Slice), so not a
  // DenseMap, which reserves its largest keys.
  std::map<int64_t, Value> constants;
};

/// Constant values as attributes, so that types built from sizes and the
/// ops given those sizes agree on what is static.
SmallVector<OpFoldResult> normalized(ArrayRef<OpFoldResult> sizes) {
  SmallVector<OpFoldResult> result;
  for (OpFoldResult size : sizes)
    result.push_back(isa<Value>(size) ? getAsOpFoldResult(cast<Value>(size))
                                      : size);
  return result;
}

RankedTensorType typeWithSizes(ArrayRef<OpFoldResult> sizes, Type elementType) {
  SmallVector<int64_t> shape;
  for (OpFoldResult size : sizes)
    shape.push_back(getConstantIntValue(size).value_or(ShapedType::kDynamic));
  return RankedTensorType::get(shape, elementType);
}

/// An integer scalar as an index value.
Value toIndex(OpBuilder &b, Location loc, Value v) {
  if (v.getType().isIndex())
    return v;
  APInt known;
  if (matchPattern(v, m_ConstantInt(&known)))
    return arith::ConstantIndexOp::create(b, loc, known.getSExtValue());
  if (auto cast = v.getDefiningOp<arith::IndexCastOp>())
    if (cast.getIn().getType().isIndex())
      return cast.getIn();
  return arith::IndexCastOp::create(b, loc, b.getIndexType(), v);
}

//===----------------------------------------------------------------------===//
// Contents known at import time, and the one data-movement fold
//===----------------------------------------------------------------------===//

/// The elements of a tensor (row-major) known at import time: an attribute
/// of the element type each, or, for an element known only at run time, the
/// scalar a tensor.from_elements was built from.
struct Contents {
  RankedTensorType type;
  SmallVector<OpFoldResult> elements;
};

std::optional<Contents> contentsOf(NodeContext &node, size_t i) {
  if (!node.hasInput(i))
    return std::nullopt;
  Contents contents{node.inputType(i), {}};
  if (DenseElementsAttr known = node.constantInput(i)) {
    if (known.getNumElements() > kFoldLimit)
      return std::nullopt;
    for (Attribute element : known.getValues<Attribute>())
      contents.elements.push_back(element);
    return contents;
  }
  auto fromElements = node.input(i).getDefiningOp<tensor::FromElementsOp>();
  if (!fromElements)
    return std::nullopt;
  for (Value element : fromElements.getElements()) {
    Attribute attr;
    if (matchPattern(element, m_Constant(&attr)))
      contents.elements.push_back(attr);
    else
      contents.elements.push_back(element);
  }
  return contents;
}

/// Sets output `output` to `elements`: a known constant when all are
/// attributes, else a tensor.from_elements.
void setContents(NodeContext &node, size_t output, RankedTensorType type,
                 ArrayRef<OpFoldResult> elements) {
  if (llvm::all_of(elements,
                   [](OpFoldResult e) { return isa<Attribute>(e); })) {
    SmallVector<Attribute> attrs;
    for (OpFoldResult element : elements)
      attrs.push_back(cast<Attribute>(element));
    node.setConstantOutput(output, DenseElementsAttr::get(type, attrs));
    return;
  }
  OpBuilder &b = node.builder();
  SmallVector<Value> values;
  for (OpFoldResult element : elements) {
    if (auto attr = dyn_cast<Attribute>(element))
      values.push_back(
          arith::ConstantOp::create(b, node.loc(), cast<TypedAttr>(attr)));
    else
      values.push_back(cast<Value>(element));
  }
  node.setOutput(output,
                 tensor::FromElementsOp::create(b, node.loc(), type, values));
}

/// Calls `fn` with each multi-index of `shape` in row-major order.
void forEachIndex(ArrayRef<int64_t> shape,
                  function_ref<void(ArrayRef<int64_t>)> fn) {
  if (llvm::is_contained(shape, 0))
    return;
  SmallVector<int64_t> index(shape.size(), 0);
  while (true) {
    fn(index);
    int64_t d = shape.size() - 1;
    for (; d >= 0; --d) {
      if (++index[d] < shape[d])
        break;
      index[d] = 0;
    }
    if (d < 0)
      return;
  }
}

int64_t linearize(ArrayRef<int64_t> index, ArrayRef<int64_t> shape) {
  int64_t flat = 0;
  for (auto [i, size] : llvm::zip(index, shape))
    flat = flat * size + i;
  return flat;
}

/// Where a result element comes from: a flat (row-major) index into the
/// elements of the sources laid end to end, or -1 for the fill value.
using PickFn = function_ref<int64_t(ArrayRef<int64_t>)>;

/// The fold shared by the data-movement ops: when the contents of every
/// input in `sources` are known (all of them, or element by element) and
/// `resultType` is static and small, sets output `output` to the result's
/// contents, element `I` being the source element `pick(I)` (or `fill`), and
/// returns true; else builds nothing and returns false.
bool foldMovement(NodeContext &node, ArrayRef<size_t> sources,
                  RankedTensorType resultType, PickFn pick,
                  OpFoldResult fill = {}, size_t output = 0) {
  if (!resultType.hasStaticShape() || resultType.getNumElements() > kFoldLimit)
    return false;
  SmallVector<OpFoldResult> elements;
  bool partial = fill && isa<Value>(fill);
  for (size_t i : sources) {
    std::optional<Contents> contents = contentsOf(node, i);
    if (!contents)
      return false;
    partial |= llvm::any_of(contents->elements,
                            [](OpFoldResult e) { return isa<Value>(e); });
    elements.append(contents->elements);
  }
  if (partial && resultType.getNumElements() > kPartialFoldLimit)
    return false;
  SmallVector<OpFoldResult> result;
  forEachIndex(resultType.getShape(), [&](ArrayRef<int64_t> index) {
    int64_t from = pick(index);
    result.push_back(from < 0 ? fill : elements[from]);
  });
  setContents(node, output, resultType, result);
  return true;
}

/// foldMovement for ops that keep the row-major order (Reshape, Flatten,
/// Squeeze, Unsqueeze).
bool foldReshape(NodeContext &node, RankedTensorType resultType) {
  return foldMovement(node, {0}, resultType, [&](ArrayRef<int64_t> index) {
    return linearize(index, resultType.getShape());
  });
}

//===----------------------------------------------------------------------===//
// Shape-like inputs
//===----------------------------------------------------------------------===//

/// A small integer input (a shape, starts, pads, repeats) as index values:
/// constants where known at import time, else run-time values, taken from
/// the tensor.from_elements that built it or extracted. It must be 0-D or
/// 1-D of static length, since its length decides ranks.
FailureOr<SmallVector<OpFoldResult>> indexList(NodeContext &node, size_t i,
                                               StringRef what) {
  RankedTensorType type = node.inputType(i);
  if (!isa<IntegerType>(type.getElementType()))
    return node.fail(what + " must be an integer tensor, not " +
                     typeString(type));
  if (type.getRank() > 1 || !type.hasStaticShape())
    return node.fail(what +
                     " must be a scalar or a 1-D tensor of static "
                     "length, not " +
                     typeString(type));
  OpBuilder &b = node.builder();
  Location loc = node.loc();
  SmallVector<OpFoldResult> result;
  if (std::optional<Contents> contents = contentsOf(node, i)) {
    for (OpFoldResult element : contents->elements) {
      if (auto attr = dyn_cast<Attribute>(element))
        result.push_back(
            b.getIndexAttr(cast<IntegerAttr>(attr).getValue().getSExtValue()));
      else
        result.push_back(toIndex(b, loc, cast<Value>(element)));
    }
    return result;
  }
  for (int64_t k = 0; k < type.getNumElements(); ++k) {
    SmallVector<Value> position;
    if (type.getRank() == 1)
      position.push_back(arith::ConstantIndexOp::create(b, loc, k));
    result.push_back(toIndex(
        b, loc, tensor::ExtractOp::create(b, loc, node.input(i), position)));
  }
  return result;
}

/// A list of integers that must be known at import time: the attribute
/// `name` before opset `inputSince`, input `input` from then on. Unset when
/// neither is given; failure when the input is not known.
FailureOr<std::optional<SmallVector<int64_t>>> knownIntList(NodeContext &node,
                                                            StringRef name,
                                                            int64_t inputSince,
                                                            size_t input) {
  if (node.opset() < inputSince)
    return node.intsAttr(name);
  if (!node.hasInput(input))
    return std::optional<SmallVector<int64_t>>();
  if (std::optional<SmallVector<int64_t>> known = node.constantInts(input))
    return known;
  return node.fail("input '" + name +
                   "' must be known at import time (an initializer, a "
                   "Constant or computed from them and static shapes)");
}

/// A 0-D (or one-element) input as a scalar value of its element type.
Value scalarInput(NodeContext &node, size_t i) {
  OpBuilder &b = node.builder();
  if (std::optional<Contents> contents = contentsOf(node, i);
      contents && contents->elements.size() == 1) {
    OpFoldResult element = contents->elements.front();
    if (auto attr = dyn_cast<Attribute>(element))
      return arith::ConstantOp::create(b, node.loc(), cast<TypedAttr>(attr));
    return cast<Value>(element);
  }
  SmallVector<Value> position(node.inputType(i).getRank(),
                              arith::ConstantIndexOp::create(b, node.loc(), 0));
  return tensor::ExtractOp::create(b, node.loc(), node.input(i), position);
}

/// Checks that static sizes are not negative (a bad shape input).
LogicalResult checkSizes(NodeContext &node, ArrayRef<OpFoldResult> sizes) {
  for (OpFoldResult size : sizes)
    if (std::optional<int64_t> known = getConstantIntValue(size);
        known && *known < 0)
      return node.fail("computed a negative size " + Twine(*known));
  return success();
}

//===----------------------------------------------------------------------===//
// Sizes by name, and reshapes
//===----------------------------------------------------------------------===//

/// A size as a static factor times run-time sizes, each named by the tensor
/// dimension it is the size of (tensor.dim) or else by its value; products
/// (arith.muli) are looked through. Two sizes with equal names are equal at
/// run time, which lets Reshape match dimensions it cannot see.
struct SymbolicSize {
  struct Term {
    const void *name;
    int64_t dim;
    Value value;
    bool operator<(const Term &other) const {
      return std::tie(name, dim) < std::tie(other.name, other.dim);
    }
    bool operator==(const Term &other) const {
      return name == other.name && dim == other.dim;
    }
  };
  int64_t factor = 1;
  SmallVector<Term> terms; // sorted

  static SymbolicSize of(OpFoldResult size) {
    SymbolicSize result;
    if (std::optional<int64_t> known = getConstantIntValue(size)) {
      result.factor = *known;
      return result;
    }
    Value value = cast<Value>(size);
    if (auto mul = value.getDefiningOp<arith::MulIOp>()) {
      result = of(mul.getLhs());
      result.multiply(of(mul.getRhs()));
      return result;
    }
    Term term{value.getAsOpaquePointer(), -1, value};
    if (auto dim = value.getDefiningOp<tensor::DimOp>())
      if (std::optional<int64_t> index = dim.getConstantIndex())
        term = Term{dim.getSource().getAsOpaquePointer(), *index, value};
    result.terms.push_back(term);
    return result;
  }
  static SymbolicSize product(ArrayRef<OpFoldResult> sizes) {
    SymbolicSize result;
    for (OpFoldResult size : sizes)
      result.multiply(of(size));
    return result;
  }

  void multiply(const SymbolicSize &other) {
    factor *= other.factor;
    terms.append(other.terms);
    llvm::sort(terms);
  }
  bool isOne() const { return factor == 1 && terms.empty(); }
  bool operator==(const SymbolicSize &other) const {
    return factor == other.factor && terms == other.terms;
  }
  /// this / divisor, when that is a product of the same kind.
  std::optional<SymbolicSize> divide(const SymbolicSize &divisor) const {
    if (divisor.factor == 0 || factor % divisor.factor != 0)
      return std::nullopt;
    SymbolicSize quotient;
    quotient.factor = factor / divisor.factor;
    quotient.terms = terms;
    for (const Term &term : divisor.terms) {
      auto it = llvm::find(quotient.terms, term);
      if (it == quotient.terms.end())
        return std::nullopt;
      quotient.terms.erase(it);
    }
    return quotient;
  }
  /// Whether `other` is this times something other than 1.
  bool strictlyDivides(const SymbolicSize &other) const {
    std::optional<SymbolicSize> quotient = other.divide(*this);
    return quotient && !quotient->isOne();
  }
  OpFoldResult materialize(IndexMath &math) const {
    OpFoldResult result = math.constant(factor);
    for (const Term &term : terms)
      result = math.mul(result, term.value);
    return result;
  }
};

/// Groups the dimensions of a row-major reshape from `from` to `to` sizes
/// into consecutive runs of equal products, so that the reshape is a
/// collapse_shape into one dimension per run and an expand_shape out of it.
/// None when products cannot be matched by name.
std::optional<std::pair<SmallVector<ReassociationIndices>,
                        SmallVector<ReassociationIndices>>>
groupDims(ArrayRef<OpFoldResult> from, ArrayRef<OpFoldResult> to) {
  if (from.empty() || to.empty())
    return std::nullopt;
  SmallVector<SymbolicSize> a, b;
  for (OpFoldResult size : from)
    a.push_back(SymbolicSize::of(size));
  for (OpFoldResult size : to)
    b.push_back(SymbolicSize::of(size));
  SmallVector<ReassociationIndices> groupsA, groupsB;
  int64_t i = 0, j = 0, n = a.size(), m = b.size();
  while (i < n && j < m) {
    ReassociationIndices groupA{i}, groupB{j};
    SymbolicSize productA = a[i++], productB = b[j++];
    while (!(productA == productB)) {
      if (i < n && productA.strictlyDivides(productB)) {
        productA.multiply(a[i]);
        groupA.push_back(i++);
      } else if (j < m && productB.strictlyDivides(productA)) {
        productB.multiply(b[j]);
        groupB.push_back(j++);
      } else {
        return std::nullopt;
      }
    }
    groupsA.push_back(groupA);
    groupsB.push_back(groupB);
  }
  // Trailing unit dimensions join the last run.
  for (; i < n; ++i) {
    if (!a[i].isOne())
      return std::nullopt;
    groupsA.back().push_back(i);
  }
  for (; j < m; ++j) {
    if (!b[j].isOne())
      return std::nullopt;
    groupsB.back().push_back(j);
  }
  return std::make_pair(groupsA, groupsB);
}

/// `source` reshaped (row-major) to `sizes`, whose product must equal its
/// element count: a view (collapse_shape/expand_shape) where dimensions can
/// be grouped by name, else through one dimension, else tensor.reshape.
Value reshapeTo(NodeContext &node, Value source,
                ArrayRef<OpFoldResult> targetSizes) {
  OpBuilder &b = node.builder();
  Location loc = node.loc();
  IndexMath math(b, loc);
  SmallVector<OpFoldResult> sizes = normalized(targetSizes);
  auto sourceType = cast<RankedTensorType>(source.getType());
  Type elementType = sourceType.getElementType();
  RankedTensorType resultType = typeWithSizes(sizes, elementType);
  SmallVector<OpFoldResult> sourceSizes = node.tensors().dims(source);
  auto castToResult = [&](Value v) -> Value {
    if (v.getType() == resultType)
      return v;
    return tensor::CastOp::create(b, loc, resultType, v);
  };

  if (sizes.size() == sourceSizes.size() &&
      llvm::all_of(llvm::zip(sizes, sourceSizes), [](auto pair) {
        return SymbolicSize::of(std::get<0>(pair)) ==
               SymbolicSize::of(std::get<1>(pair));
      }))
    return castToResult(source);
  if (resultType.hasStaticShape() && resultType.getNumElements() == 0)
    return tensor::EmptyOp::create(b, loc, resultType.getShape(), elementType);
  int64_t rank = resultType.getRank();
  int64_t dynamicCount = llvm::count_if(resultType.getShape(), [](int64_t s) {
    return ShapedType::isDynamic(s);
  });

  // To or from rank 0: unit dimensions, an empty reassociation.
  if ((sourceType.getRank() == 0 || rank == 0) && sourceType.hasStaticShape() &&
      resultType.hasStaticShape()) {
    if (sourceType.getRank() == 0)
      return tensor::ExpandShapeOp::create(
          b, loc, resultType, source, ArrayRef<ReassociationIndices>{}, sizes);
    return tensor::CollapseShapeOp::create(b, loc, resultType, source,
                                           ArrayRef<ReassociationIndices>{});
  }

  // Runs of dimensions with equal products: collapse, then expand. An
  // expanded run may hold one dynamic size only (more crash later lowering).
  if (auto groups = groupDims(sourceSizes, sizes)) {
    auto &[from, to] = *groups;
    bool collapse = llvm::any_of(from, [](auto &g) { return g.size() > 1; });
    bool expand = llvm::any_of(to, [](auto &g) { return g.size() > 1; });
    bool expandable = llvm::all_of(to, [&](const ReassociationIndices &g) {
      return llvm::count_if(
                 g, [&](int64_t d) { return resultType.isDynamicDim(d); }) <= 1;
    });
    if (expandable) {
      Value result = source;
      if (collapse) {
        SmallVector<OpFoldResult> runSizes;
        for (const ReassociationIndices &group : from) {
          SmallVector<OpFoldResult> run;
          for (int64_t d : group)
            run.push_back(sourceSizes[d]);
          runSizes.push_back(math.product(run));
        }
        result = tensor::CollapseShapeOp::create(
            b, loc, typeWithSizes(normalized(runSizes), elementType), result,
            from);
      }
      if (expand)
        result = tensor::ExpandShapeOp::create(b, loc, resultType, result, to,
                                               sizes);
      return castToResult(result);
    }
  }

  // Through one dimension, when the result has at most one dynamic size.
  if (sourceType.getRank() > 0 && rank > 0 && dynamicCount <= 1) {
    Value flat = source;
    if (sourceType.getRank() > 1) {
      ReassociationIndices all(sourceType.getRank());
      std::iota(all.begin(), all.end(), 0);
      flat = tensor::CollapseShapeOp::create(
          b, loc,
          typeWithSizes(normalized({math.product(sourceSizes)}), elementType),
          source, ArrayRef<ReassociationIndices>{all});
    }
    if (rank == 1)
      return castToResult(flat);
    ReassociationIndices all(rank);
    std::iota(all.begin(), all.end(), 0);
    return tensor::ExpandShapeOp::create(
        b, loc, resultType, flat, ArrayRef<ReassociationIndices>{all}, sizes);
  }

  SmallVector<Value> shapeValues;
  for (OpFoldResult size : sizes)
    shapeValues.push_back(math.value(size));
  Value shape = tensor::FromElementsOp::create(
      b, loc, RankedTensorType::get({rank}, b.getIndexType()), shapeValues);
  return tensor::ReshapeOp::create(b, loc, resultType, source, shape);
}

//===----------------------------------------------------------------------===//
// Generators
//===----------------------------------------------------------------------===//

/// A full-rank tensor.extract_slice (a view) of in-bounds `sizes` elements.
/// An empty slice is a tensor.empty: the verifier rejects static offsets at
/// the end of a dimension, which empty slices may have.
Value extractSlice(NodeContext &node, Value source,
                   ArrayRef<OpFoldResult> offsets, ArrayRef<OpFoldResult> sizes,
                   ArrayRef<OpFoldResult> strides) {
  OpBuilder &b = node.builder();
  auto sourceType = cast<RankedTensorType>(source.getType());
  SmallVector<OpFoldResult> resultSizes = normalized(sizes);
  RankedTensorType resultType =
      typeWithSizes(resultSizes, sourceType.getElementType());
  if (llvm::is_contained(resultType.getShape(), 0) ||
      llvm::is_contained(sourceType.getShape(), 0))
    return tensor::EmptyOp::create(b, node.loc(), resultSizes,
                                   sourceType.getElementType());
  // A static offset past the last element reads nothing: any will do.
  SmallVector<OpFoldResult> at = normalized(offsets);
  for (int64_t d = 0; d < sourceType.getRank(); ++d) {
    std::optional<int64_t> offset = getConstantIntValue(at[d]);
    if (offset && !sourceType.isDynamicDim(d) &&
        *offset >= sourceType.getDimSize(d))
      at[d] = b.getIndexAttr(sourceType.getDimSize(d) - 1);
  }
  return tensor::ExtractSliceOp::create(b, node.loc(), resultType, source, at,
                                        resultSizes, normalized(strides));
}

using GenerateBodyFn = function_ref<Value(OpBuilder &, Location,
                                          ValueRange indices, ValueRange args)>;

/// A linalg.generic making a tensor of `sizes` whose element at each
/// position is `body(position, scalars of inputs read through inputMaps)`;
/// bodies that gather read other tensors with tensor.extract.
Value generate(NodeContext &node, ArrayRef<OpFoldResult> sizes,
               Type elementType, ArrayRef<Value> inputs,
               ArrayRef<AffineMap> inputMaps, GenerateBodyFn body) {
  OpBuilder &b = node.builder();
  Location loc = node.loc();
  int64_t rank = sizes.size();
  Value init = tensor::EmptyOp::create(b, loc, normalized(sizes), elementType);
  SmallVector<AffineMap> maps(inputMaps);
  maps.push_back(b.getMultiDimIdentityMap(rank));
  auto op = linalg::GenericOp::create(
      b, loc, TypeRange{init.getType()}, inputs, ValueRange{init}, maps,
      SmallVector<utils::IteratorType>(rank, utils::IteratorType::parallel),
      [&](OpBuilder &nested, Location nestedLoc, ValueRange args) {
        SmallVector<Value> indices;
        for (int64_t d = 0; d < rank; ++d)
          indices.push_back(TensorBuilder::loopIndex(nested, nestedLoc, d));
        linalg::YieldOp::create(
            nested, nestedLoc,
            body(nested, nestedLoc, indices, args.drop_back()));
        // Drop the loop indices the body did not use.
        for (Value index : indices)
          if (index.use_empty())
            index.getDefiningOp()->erase();
      });
  return op.getResult(0);
}

/// An index read from an integer tensor, with negative values counting
/// from `size` (Gather, GatherElements).
Value normalizedIndex(OpBuilder &b, Location loc, Value index, Value size) {
  Value i = toIndex(b, loc, index);
  Value zero = arith::ConstantIndexOp::create(b, loc, 0);
  Value negative =
      arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt, i, zero);
  return arith::SelectOp::create(b, loc, negative,
                                 arith::AddIOp::create(b, loc, i, size), i);
}

/// A scalar attribute of `type` (float or integer).
TypedAttr scalarAttr(Type type, double value) {
  if (isa<FloatType>(type))
    return FloatAttr::get(type, value);
  return IntegerAttr::get(type, static_cast<int64_t>(value));
}

//===----------------------------------------------------------------------===//
// Constants and shapes
//===----------------------------------------------------------------------===//

LogicalResult importConstant(NodeContext &node) {
  OpBuilder &b = node.builder();
  DenseElementsAttr value;
  if (const onnx::TensorProto *tensor = node.tensorAttr("value")) {
    FailureOr<DenseElementsAttr> attr = node.tensorToAttr(*tensor);
    if (failed(attr))
      return failure();
    value = *attr;
  } else if (node.hasAttr("value_float")) {
    value = DenseElementsAttr::get(RankedTensorType::get({}, b.getF32Type()),
                                   node.floatAttr("value_float", 0));
  } else if (std::optional<SmallVector<float>> floats =
                 node.floatsAttr("value_floats")) {
    value = DenseElementsAttr::get(
        RankedTensorType::get({int64_t(floats->size())}, b.getF32Type()),
        ArrayRef<float>(*floats));
  } else if (node.hasAttr("value_int")) {
    value = DenseElementsAttr::get(RankedTensorType::get({}, b.getI64Type()),
                                   node.intAttr("value_int", 0));
  } else if (std::optional<SmallVector<int64_t>> ints =
                 node.intsAttr("value_ints")) {
    value = DenseElementsAttr::get(
        RankedTensorType::get({int64_t(ints->size())}, b.getI64Type()),
        ArrayRef<int64_t>(*ints));
  } else if (node.hasAttr("sparse_value")) {
    return node.fail("sparse_value is not supported");
  } else {
    return node.fail("needs a value, value_float(s) or value_int(s) "
                     "attribute (strings are not supported)");
  }
  // Small contents are known and inline; large ones (weights exported as
  // Constant nodes) live in a resource blob, as initializers do.
  int64_t count = value.getNumElements();
  DenseElementsAttr known = count <= kFoldLimit ? value : DenseElementsAttr();
  if (known || value.isSplat() || value.getElementType().isInteger(1)) {
    node.setOutput(0, arith::ConstantOp::create(b, node.loc(), value), known);
    return success();
  }
  auto type = cast<ShapedType>(value.getType());
  size_t alignment = std::max<size_t>((type.getElementTypeBitWidth() + 7) / 8,
                                      alignof(int64_t));
  auto blob = HeapAsmResourceBlob::allocateAndCopyWithAlign(value.getRawData(),
                                                            alignment);
  auto resource =
      DenseResourceElementsAttr::get(type, "onnx_constant", std::move(blob));
  node.setOutput(0, arith::ConstantOp::create(b, node.loc(), resource), known);
  return success();
}

LogicalResult importConstantOfShape(NodeContext &node) {
  OpBuilder &b = node.builder();
  Attribute value = b.getF32FloatAttr(0);
  if (const onnx::TensorProto *tensor = node.tensorAttr("value")) {
    FailureOr<DenseElementsAttr> attr = node.tensorToAttr(*tensor);
    if (failed(attr))
      return failure();
    if (attr->getNumElements() != 1)
      return node.fail("value must hold one element");
    value = *attr->getValues<Attribute>().begin();
  }
  FailureOr<SmallVector<OpFoldResult>> sizes = indexList(node, 0, "shape");
  if (failed(sizes) || failed(checkSizes(node, *sizes)))
    return failure();
  RankedTensorType type =
      typeWithSizes(*sizes, cast<TypedAttr>(value).getType());
  if (type.hasStaticShape()) {
    auto splat = DenseElementsAttr::get(type, value);
    // A large splat is cheap to hold but not worth folding through.
    node.setOutput(0, arith::ConstantOp::create(b, node.loc(), splat),
                   type.getNumElements() <= kFoldLimit ? splat
                                                       : DenseElementsAttr());
    return success();
  }
  Value init = tensor::EmptyOp::create(b, node.loc(), normalized(*sizes),
                                       type.getElementType());
  Value scalar =
      arith::ConstantOp::create(b, node.loc(), cast<TypedAttr>(value));
  node.setOutput(0, linalg::FillOp::create(b, node.loc(), ValueRange{scalar},
                                           ValueRange{init})
                        .getResult(0));
  return success();
}

/// Shape: static sizes are known, dynamic ones tensor.dim at run time.
LogicalResult importShape(NodeContext &node) {
  OpBuilder &b = node.builder();
  RankedTensorType type = node.inputType(0);
  int64_t rank = type.getRank();
  auto clampToRank = [&](int64_t position) {
    return std::clamp<int64_t>(position < 0 ? position + rank : position, 0,
                               rank);
  };
  int64_t start = clampToRank(node.intAttr("start", 0));
  int64_t end = clampToRank(node.intAttr("end", rank));
  SmallVector<OpFoldResult> elements;
  for (int64_t d = start; d < end; ++d) {
    if (!type.isDynamicDim(d)) {
      elements.push_back(b.getI64IntegerAttr(type.getDimSize(d)));
      continue;
    }
    Value size = tensor::DimOp::create(b, node.loc(), node.input(0), d);
    elements.push_back(
        arith::IndexCastOp::create(b, node.loc(), b.getI64Type(), size)
            .getResult());
  }
  setContents(node, 0,
              RankedTensorType::get({int64_t(elements.size())}, b.getI64Type()),
              elements);
  return success();
}

LogicalResult importSize(NodeContext &node) {
  OpBuilder &b = node.builder();
  IndexMath math(b, node.loc());
  OpFoldResult count = math.product(node.tensors().dims(node.input(0)));
  OpFoldResult element;
  if (std::optional<int64_t> known = getConstantIntValue(count))
    element = b.getI64IntegerAttr(*known);
  else
    element = arith::IndexCastOp::create(b, node.loc(), b.getI64Type(),
                                         math.value(count))
                  .getResult();
  setContents(node, 0, RankedTensorType::get({}, b.getI64Type()), {element});
  return success();
}

//===----------------------------------------------------------------------===//
// Reshapes: Reshape, Flatten, Squeeze, Unsqueeze
//===----------------------------------------------------------------------===//

/// Sets output 0 to input 0 reshaped to `sizes`: folded when its contents
/// are known, else a view.
LogicalResult setReshaped(NodeContext &node, ArrayRef<OpFoldResult> sizes) {
  if (failed(checkSizes(node, sizes)))
    return failure();
  RankedTensorType sourceType = node.inputType(0);
  RankedTensorType resultType =
      typeWithSizes(normalized(sizes), sourceType.getElementType());
  if (sourceType.hasStaticShape() && resultType.hasStaticShape() &&
      sourceType.getNumElements() != resultType.getNumElements())
    return node.fail("cannot reshape " + typeString(sourceType) + " to " +
                     typeString(resultType) + ": element counts differ");
  if (!foldReshape(node, resultType))
    node.setOutput(0, reshapeTo(node, node.input(0), sizes));
  return success();
}

/// Reshape: 0 copies the input's size (unless allowzero), -1 is inferred,
/// by name where the other sizes are run-time ones (see SymbolicSize).
/// Elements known only at run time get the same rules at run time.
LogicalResult importReshape(NodeContext &node) {
  OpBuilder &b = node.builder();
  IndexMath math(b, node.loc());
  Value data = node.input(0);
  int64_t rank = node.inputType(0).getRank();
  bool allowZero = node.intAttr("allowzero", 0) != 0;
  FailureOr<SmallVector<OpFoldResult>> shape = indexList(node, 1, "shape");
  if (failed(shape))
    return failure();
  SmallVector<OpFoldResult> sourceSizes = node.tensors().dims(data);
  SmallVector<OpFoldResult> sizes;
  int64_t inferred = -1;
  // Run-time elements that may be -1 (not sizes by construction).
  SmallVector<int64_t> maybeInferred;
  for (auto [i, element] : llvm::enumerate(*shape)) {
    if (std::optional<int64_t> known = getConstantIntValue(element)) {
      if (*known == -1) {
        if (inferred >= 0)
          return node.fail("shape has more than one -1");
        inferred = i;
        sizes.push_back(math.constant(1));
      } else if (*known == 0 && !allowZero) {
        if (int64_t(i) >= rank)
          return node.fail("shape element " + Twine(i) +
                           " is 0 (copy) but the input has rank " +
                           Twine(rank));
        sizes.push_back(sourceSizes[i]);
      } else if (*known < 0) {
        return node.fail("shape element " + Twine(i) + " is " + Twine(*known));
      } else {
        sizes.push_back(element);
      }
      continue;
    }
    Value value = cast<Value>(element);
    if (value.getDefiningOp<tensor::DimOp>()) {
      sizes.push_back(element);
      continue;
    }
    if (!allowZero && int64_t(i) < rank)
      element = math.select(arith::CmpIPredicate::eq, element, math.constant(0),
                            sourceSizes[i], element);
    sizes.push_back(element);
    maybeInferred.push_back(i);
  }
  OpFoldResult count = math.product(sourceSizes);
  if (inferred >= 0) {
    SmallVector<OpFoldResult> others;
    for (auto [i, size] : llvm::enumerate(sizes))
      if (int64_t(i) != inferred)
        others.push_back(size);
    SymbolicSize otherProduct = SymbolicSize::product(others);
    std::optional<int64_t> knownCount = getConstantIntValue(count);
    if (std::optional<SymbolicSize> quotient =
            SymbolicSize::product(sourceSizes).divide(otherProduct))
      sizes[inferred] = quotient->materialize(math);
    else if (otherProduct.terms.empty() &&
             (otherProduct.factor == 0 || knownCount))
      return node.fail("cannot infer -1: the other sizes multiply to " +
                       Twine(otherProduct.factor) +
                       ", which does not divide the element count " +
                       std::to_string(knownCount.value_or(0)));
    else
      sizes[inferred] = math.floorDiv(count, math.product(others));
  } else if (!maybeInferred.empty()) {
    // A run-time -1: the product of the others, -1 counting as 1.
    SmallVector<OpFoldResult> factors;
    for (OpFoldResult size : sizes)
      factors.push_back(math.select(arith::CmpIPredicate::eq, size,
                                    math.constant(-1), math.constant(1), size));
    OpFoldResult missing = math.floorDiv(count, math.product(factors));
    for (int64_t i : maybeInferred)
      sizes[i] = math.select(arith::CmpIPredicate::eq, sizes[i],
                             math.constant(-1), missing, sizes[i]);
  }
  return setReshaped(node, sizes);
}

/// Flatten: [d0 * ... * d(axis-1), d(axis) * ... * d(rank-1)].
LogicalResult importFlatten(NodeContext &node) {
  IndexMath math(node.builder(), node.loc());
  SmallVector<OpFoldResult> dims = node.tensors().dims(node.input(0));
  int64_t rank = dims.size();
  int64_t axis = node.intAttr("axis", 1);
  if (axis < -rank || axis > rank)
    return node.fail("axis " + Twine(axis) + " is out of range for rank " +
                     Twine(rank));
  if (axis < 0)
    axis += rank;
  ArrayRef<OpFoldResult> all(dims);
  return setReshaped(node, {math.product(all.take_front(axis)),
                            math.product(all.drop_front(axis))});
}

/// Normalised, sorted, distinct axes for a tensor of rank `rank`.
FailureOr<SmallVector<int64_t>>
normalizeAxes(NodeContext &node, ArrayRef<int64_t> axes, int64_t rank) {
  SmallVector<int64_t> result;
  for (int64_t axis : axes) {
    FailureOr<int64_t> normalizedAxis = node.normalizeAxis(axis, rank);
    if (failed(normalizedAxis))
      return failure();
    result.push_back(*normalizedAxis);
  }
  llvm::sort(result);
  if (std::adjacent_find(result.begin(), result.end()) != result.end())
    return node.fail("axes repeat an axis");
  return result;
}

/// Axes known only at run time, normalised against `rank`.
SmallVector<OpFoldResult>
runTimeAxes(IndexMath &math, ArrayRef<OpFoldResult> axes, int64_t rank) {
  SmallVector<OpFoldResult> result;
  for (OpFoldResult axis : axes)
    result.push_back(math.select(arith::CmpIPredicate::slt, axis,
                                 math.constant(0),
                                 math.add(axis, math.constant(rank)), axis));
  return result;
}

/// 1 where `position` is one of (distinct) `axes`, else 0.
OpFoldResult isAxis(IndexMath &math, ArrayRef<OpFoldResult> axes,
                    int64_t position) {
  OpFoldResult count = math.constant(0);
  for (OpFoldResult axis : axes)
    count = math.add(count, math.select(arith::CmpIPredicate::eq, axis,
                                        math.constant(position),
                                        math.constant(1), math.constant(0)));
  return count;
}

/// values[index] for an index known at run time.
OpFoldResult pickAt(IndexMath &math, ArrayRef<OpFoldResult> values,
                    OpFoldResult index) {
  OpFoldResult result = values.front();
  for (int64_t k = 1; k < int64_t(values.size()); ++k)
    result = math.select(arith::CmpIPredicate::eq, index, math.constant(k),
                         values[k], result);
  return result;
}

LogicalResult importSqueeze(NodeContext &node) {
  IndexMath math(node.builder(), node.loc());
  RankedTensorType type = node.inputType(0);
  int64_t rank = type.getRank();
  SmallVector<OpFoldResult> dims = node.tensors().dims(node.input(0));
  SmallVector<int64_t> axes;
  if (node.opset() >= 13 && node.hasInput(1) && !node.constantInts(1)) {
    FailureOr<SmallVector<OpFoldResult>> given = indexList(node, 1, "axes");
    if (failed(given))
      return failure();
    // Axes known only at run time still name unit dimensions: when a static
    // shape has exactly as many as there are axes, they are those.
    if (!type.hasStaticShape() ||
        int64_t(given->size()) != llvm::count(type.getShape(), 1)) {
      // Else the kept sizes are picked at run time: output dimension q is
      // input dimension d where d is kept and q dimensions are kept before.
      SmallVector<OpFoldResult> axisList = runTimeAxes(math, *given, rank);
      int64_t resultRank = rank - given->size();
      if (resultRank < 0)
        return node.fail("has more axes than dimensions");
      SmallVector<OpFoldResult> sizes(resultRank, math.constant(1));
      OpFoldResult kept = math.constant(0);
      for (int64_t d = 0; d < rank; ++d) {
        OpFoldResult squeezed = isAxis(math, axisList, d);
        // The output position of d, or -1 when d is squeezed.
        OpFoldResult position =
            math.select(arith::CmpIPredicate::eq, squeezed, math.constant(0),
                        kept, math.constant(-1));
        for (int64_t q = 0; q < resultRank; ++q)
          sizes[q] = math.select(arith::CmpIPredicate::eq, position,
                                 math.constant(q), dims[d], sizes[q]);
        kept = math.add(kept, math.sub(math.constant(1), squeezed));
      }
      return setReshaped(node, sizes);
    }
    for (int64_t d = 0; d < rank; ++d)
      if (type.getDimSize(d) == 1)
        axes.push_back(d);
  } else {
    FailureOr<std::optional<SmallVector<int64_t>>> given =
        knownIntList(node, "axes", 13, 1);
    if (failed(given))
      return failure();
    if (*given) {
      FailureOr<SmallVector<int64_t>> normalizedAxes =
          normalizeAxes(node, **given, rank);
      if (failed(normalizedAxes))
        return failure();
      axes = *normalizedAxes;
    } else {
      // No axes: every (static) unit dimension.
      for (int64_t d = 0; d < rank; ++d)
        if (type.getDimSize(d) == 1)
          axes.push_back(d);
    }
  }
  SmallVector<OpFoldResult> sizes;
  for (int64_t d = 0; d < rank; ++d) {
    if (!llvm::is_contained(axes, d)) {
      sizes.push_back(dims[d]);
      continue;
    }
    if (!type.isDynamicDim(d) && type.getDimSize(d) != 1)
      return node.fail("cannot squeeze dimension " + Twine(d) + " of size " +
                       Twine(type.getDimSize(d)));
  }
  if (llvm::any_of(axes, [&](int64_t d) { return type.isDynamicDim(d); })) {
    // Squeezed dynamic dimensions are 1: say so, so that they group.
    SmallVector<int64_t> shape(type.getShape());
    for (int64_t d : axes)
      shape[d] = 1;
    Value unit = tensor::CastOp::create(
        node.builder(), node.loc(),
        RankedTensorType::get(shape, type.getElementType()), node.input(0));
    node.setOutput(0, reshapeTo(node, unit, sizes));
    return success();
  }
  return setReshaped(node, sizes);
}

LogicalResult importUnsqueeze(NodeContext &node) {
  IndexMath math(node.builder(), node.loc());
  RankedTensorType type = node.inputType(0);
  int64_t rank = type.getRank();
  SmallVector<OpFoldResult> dims = node.tensors().dims(node.input(0));
  OpFoldResult one = math.constant(1);
  if (node.opset() >= 13 && node.hasInput(1) && !node.constantInts(1)) {
    // Axes known only at run time: output dimension p is 1 where p is an
    // axis, else input dimension p - (axes before p).
    FailureOr<SmallVector<OpFoldResult>> given = indexList(node, 1, "axes");
    if (failed(given))
      return failure();
    int64_t resultRank = rank + given->size();
    SmallVector<OpFoldResult> axisList = runTimeAxes(math, *given, resultRank);
    SmallVector<OpFoldResult> sizes;
    OpFoldResult inserted = math.constant(0);
    for (int64_t p = 0; p < resultRank; ++p) {
      OpFoldResult unit = isAxis(math, axisList, p);
      OpFoldResult source = math.sub(math.constant(p), inserted);
      sizes.push_back(rank == 0 ? one
                                : math.select(arith::CmpIPredicate::eq, unit,
                                              math.constant(0),
                                              pickAt(math, dims, source), one));
      inserted = math.add(inserted, unit);
    }
    return setReshaped(node, sizes);
  }
  FailureOr<std::optional<SmallVector<int64_t>>> given =
      knownIntList(node, "axes", 13, 1);
  if (failed(given))
    return failure();
  if (!*given)
    return node.fail("needs axes");
  int64_t resultRank = rank + (*given)->size();
  FailureOr<SmallVector<int64_t>> axes =
      normalizeAxes(node, **given, resultRank);
  if (failed(axes))
    return failure();
  SmallVector<OpFoldResult> sizes;
  for (int64_t d = 0, next = 0; d < resultRank; ++d)
    sizes.push_back(llvm::is_contained(*axes, d) ? one : dims[next++]);
  return setReshaped(node, sizes);
}

//===----------------------------------------------------------------------===//
// Transpose, Expand, Tile
//===----------------------------------------------------------------------===//

LogicalResult importTranspose(NodeContext &node) {
  RankedTensorType type = node.inputType(0);
  int64_t rank = type.getRank();
  SmallVector<int64_t> perm(rank);
  std::iota(perm.rbegin(), perm.rend(), 0);
  if (std::optional<SmallVector<int64_t>> given = node.intsAttr("perm"))
    perm = *given;
  SmallVector<int64_t> sorted(perm);
  llvm::sort(sorted);
  SmallVector<int64_t> identity(rank);
  std::iota(identity.begin(), identity.end(), 0);
  if (sorted != identity)
    return node.fail("perm is not a permutation of the dimensions");
  if (llvm::equal(perm, sorted)) {
    node.setOutput(0, node.input(0), node.constantInput(0));
    return success();
  }
  SmallVector<OpFoldResult> dims = node.tensors().dims(node.input(0));
  SmallVector<OpFoldResult> sizes;
  SmallVector<AffineExpr> sourceExprs(rank);
  for (int64_t d = 0; d < rank; ++d) {
    sizes.push_back(dims[perm[d]]);
    sourceExprs[perm[d]] = node.builder().getAffineDimExpr(d);
  }
  RankedTensorType resultType =
      typeWithSizes(normalized(sizes), type.getElementType());
  if (foldMovement(node, {0}, resultType, [&](ArrayRef<int64_t> index) {
        SmallVector<int64_t> source(rank);
        for (int64_t d = 0; d < rank; ++d)
          source[perm[d]] = index[d];
        return linearize(source, type.getShape());
      }))
    return success();
  node.setOutput(
      0, generate(node, sizes, type.getElementType(), {node.input(0)},
                  {AffineMap::get(rank, 0, sourceExprs, node.context())},
                  [](OpBuilder &, Location, ValueRange, ValueRange args) {
                    return args[0];
                  }));
  return success();
}

/// Expand: broadcasting to a shape. A dynamic input size against a run-time
/// target is settled at run time (1 broadcasts).
LogicalResult importExpand(NodeContext &node) {
  OpBuilder &b = node.builder();
  IndexMath math(b, node.loc());
  RankedTensorType type = node.inputType(0);
  FailureOr<SmallVector<OpFoldResult>> shape = indexList(node, 1, "shape");
  if (failed(shape))
    return failure();
  int64_t rank = type.getRank();
  int64_t resultRank = std::max<int64_t>(rank, shape->size());
  int64_t inputOffset = resultRank - rank;
  int64_t shapeOffset = resultRank - shape->size();
  SmallVector<OpFoldResult> dims = node.tensors().dims(node.input(0));
  SmallVector<OpFoldResult> sizes;
  // How each input dimension is read: as the loop index, at 0, or decided
  // at run time.
  enum class Read { Index, Zero, RunTime };
  SmallVector<Read> reads(rank, Read::Index);
  for (int64_t d = 0; d < resultRank; ++d) {
    int64_t k = d - inputOffset;
    if (d < shapeOffset) {
      sizes.push_back(dims[k]);
      continue;
    }
    OpFoldResult target = (*shape)[d - shapeOffset];
    if (k < 0) {
      sizes.push_back(target);
      continue;
    }
    std::optional<int64_t> in = getConstantIntValue(dims[k]);
    std::optional<int64_t> out = getConstantIntValue(target);
    if (out == 1 || SymbolicSize::of(target) == SymbolicSize::of(dims[k])) {
      sizes.push_back(dims[k]);
    } else if (in == 1) {
      sizes.push_back(target);
      reads[k] = Read::Zero;
    } else if (in) {
      if (out && *out != *in)
        return node.fail("cannot expand dimension " + Twine(k) + " of size " +
                         Twine(*in) + " to " + Twine(*out));
      sizes.push_back(dims[k]);
    } else if (out) {
      sizes.push_back(target);
      reads[k] = Read::RunTime;
    } else {
      sizes.push_back(math.select(arith::CmpIPredicate::eq, dims[k],
                                  math.constant(1), target, dims[k]));
      reads[k] = Read::RunTime;
    }
  }
  if (failed(checkSizes(node, sizes)))
    return failure();
  RankedTensorType resultType =
      typeWithSizes(normalized(sizes), type.getElementType());
  if (foldMovement(node, {0}, resultType, [&](ArrayRef<int64_t> index) {
        SmallVector<int64_t> source;
        for (int64_t k = 0; k < rank; ++k)
          source.push_back(type.getDimSize(k) == 1 ? 0
                                                   : index[k + inputOffset]);
        return linearize(source, type.getShape());
      }))
    return success();
  Value input = node.input(0);
  if (!llvm::is_contained(reads, Read::RunTime)) {
    SmallVector<AffineExpr> exprs;
    for (int64_t k = 0; k < rank; ++k)
      exprs.push_back(reads[k] == Read::Zero
                          ? b.getAffineConstantExpr(0)
                          : b.getAffineDimExpr(k + inputOffset));
    node.setOutput(
        0, generate(node, sizes, type.getElementType(), {input},
                    {AffineMap::get(resultRank, 0, exprs, node.context())},
                    [](OpBuilder &, Location, ValueRange, ValueRange args) {
                      return args[0];
                    }));
    return success();
  }
  SmallVector<Value> inputSizes;
  for (int64_t k = 0; k < rank; ++k)
    inputSizes.push_back(math.value(dims[k]));
  node.setOutput(
      0, generate(node, sizes, type.getElementType(), {}, {},
                  [&](OpBuilder &nb, Location loc, ValueRange indices,
                      ValueRange) -> Value {
                    SmallVector<Value> position;
                    Value zero = arith::ConstantIndexOp::create(nb, loc, 0);
                    Value one = arith::ConstantIndexOp::create(nb, loc, 1);
                    for (int64_t k = 0; k < rank; ++k) {
                      Value index = indices[k + inputOffset];
                      if (reads[k] == Read::Zero) {
                        index = zero;
                      } else if (reads[k] == Read::RunTime) {
                        Value unit = arith::CmpIOp::create(
                            nb, loc, arith::CmpIPredicate::eq, inputSizes[k],
                            one);
                        index =
                            arith::SelectOp::create(nb, loc, unit, zero, index);
                      }
                      position.push_back(index);
                    }
                    return tensor::ExtractOp::create(nb, loc, input, position);
                  }));
  return success();
}

LogicalResult importTile(NodeContext &node) {
  IndexMath math(node.builder(), node.loc());
  RankedTensorType type = node.inputType(0);
  int64_t rank = type.getRank();
  FailureOr<SmallVector<OpFoldResult>> repeats = indexList(node, 1, "repeats");
  if (failed(repeats))
    return failure();
  if (int64_t(repeats->size()) != rank)
    return node.fail("repeats has " + Twine(repeats->size()) +
                     " elements for rank " + Twine(rank));
  SmallVector<OpFoldResult> dims = node.tensors().dims(node.input(0));
  SmallVector<OpFoldResult> sizes;
  for (int64_t d = 0; d < rank; ++d)
    sizes.push_back(math.mul(dims[d], (*repeats)[d]));
  if (failed(checkSizes(node, sizes)))
    return failure();
  RankedTensorType resultType =
      typeWithSizes(normalized(sizes), type.getElementType());
  if (foldMovement(node, {0}, resultType, [&](ArrayRef<int64_t> index) {
        SmallVector<int64_t> source;
        for (int64_t d = 0; d < rank; ++d)
          source.push_back(index[d] % type.getDimSize(d));
        return linearize(source, type.getShape());
      }))
    return success();
  Value input = node.input(0);
  SmallVector<Value> inputSizes;
  for (int64_t d = 0; d < rank; ++d)
    inputSizes.push_back(math.value(dims[d]));
  node.setOutput(
      0, generate(node, sizes, type.getElementType(), {}, {},
                  [&](OpBuilder &nb, Location loc, ValueRange indices,
                      ValueRange) -> Value {
                    SmallVector<Value> position;
                    for (int64_t d = 0; d < rank; ++d)
                      position.push_back(
                          IndexMath::is((*repeats)[d], 1)
                              ? indices[d]
                              : arith::RemUIOp::create(nb, loc, indices[d],
                                                       inputSizes[d])
                                    .getResult());
                    return tensor::ExtractOp::create(nb, loc, input, position);
                  }));
  return success();
}

//===----------------------------------------------------------------------===//
// Concat, Split, Slice
//===----------------------------------------------------------------------===//

LogicalResult importConcat(NodeContext &node) {
  OpBuilder &b = node.builder();
  IndexMath math(b, node.loc());
  SmallVector<size_t> inputs;
  for (size_t i = 0; i < node.numInputs(); ++i)
    if (node.hasInput(i))
      inputs.push_back(i);
  if (inputs.empty())
    return node.fail("has no inputs");
  RankedTensorType firstType = node.inputType(inputs.front());
  int64_t rank = firstType.getRank();
  int64_t defaultAxis = node.opset() < 4 ? 1 : 0;
  if (node.opset() >= 4 && !node.hasAttr("axis"))
    return node.fail("needs an axis");
  FailureOr<int64_t> axis =
      node.normalizeAxis(node.intAttr("axis", defaultAxis), rank);
  if (failed(axis))
    return failure();
  // Sizes: static where any input has them; the axis adds up.
  SmallVector<OpFoldResult> sizes = node.tensors().dims(node.input(inputs[0]));
  SmallVector<OpFoldResult> offsets;
  OpFoldResult total = math.constant(0);
  for (size_t i : inputs) {
    RankedTensorType type = node.inputType(i);
    if (type.getRank() != rank ||
        type.getElementType() != firstType.getElementType())
      return node.fail("inputs differ in rank or element type");
    for (int64_t d = 0; d < rank; ++d) {
      if (d == *axis || type.isDynamicDim(d))
        continue;
      std::optional<int64_t> known = getConstantIntValue(sizes[d]);
      if (known && *known != type.getDimSize(d))
        return node.fail("inputs differ in size along dimension " + Twine(d));
      sizes[d] = b.getIndexAttr(type.getDimSize(d));
    }
    offsets.push_back(total);
    total = math.add(total, node.tensors().dim(node.input(i), *axis));
  }
  sizes[*axis] = total;
  RankedTensorType resultType =
      typeWithSizes(normalized(sizes), firstType.getElementType());
  // Flat offsets of each input's elements among all inputs' elements.
  SmallVector<int64_t> flatOffsets{0};
  for (size_t i : inputs)
    flatOffsets.push_back(flatOffsets.back() +
                          (node.inputType(i).hasStaticShape()
                               ? node.inputType(i).getNumElements()
                               : 0));
  if (foldMovement(node, inputs, resultType, [&](ArrayRef<int64_t> index) {
        SmallVector<int64_t> source(index);
        for (auto [k, i] : llvm::enumerate(inputs)) {
          ArrayRef<int64_t> shape = node.inputType(i).getShape();
          if (source[*axis] < shape[*axis])
            return flatOffsets[k] + linearize(source, shape);
          source[*axis] -= shape[*axis];
        }
        llvm_unreachable("index past the concatenation");
      }))
    return success();
  Value result = tensor::EmptyOp::create(b, node.loc(), normalized(sizes),
                                         firstType.getElementType());
  for (auto [k, i] : llvm::enumerate(inputs)) {
    // Empty inputs add nothing (and their offset may be the end).
    if (llvm::is_contained(node.inputType(i).getShape(), 0))
      continue;
    SmallVector<OpFoldResult> at(rank, b.getIndexAttr(0));
    at[*axis] = offsets[k];
    result = tensor::InsertSliceOp::create(
        b, node.loc(), node.input(i), result, normalized(at),
        node.tensors().dims(node.input(i)),
        SmallVector<OpFoldResult>(rank, b.getIndexAttr(1)));
  }
  node.setOutput(0, result);
  return success();
}

/// Output `output`: the part of input 0 at `offset` of size `size` along
/// `axis` (a full-rank slice: a view).
void setSliceAlong(NodeContext &node, size_t output, int64_t axis,
                   OpFoldResult offset, OpFoldResult size) {
  OpBuilder &b = node.builder();
  RankedTensorType type = node.inputType(0);
  int64_t rank = type.getRank();
  SmallVector<OpFoldResult> sizes = node.tensors().dims(node.input(0));
  sizes[axis] = size;
  sizes = normalized(sizes);
  RankedTensorType resultType = typeWithSizes(sizes, type.getElementType());
  std::optional<int64_t> start = getConstantIntValue(offset);
  if (start && foldMovement(
                   node, {0}, resultType,
                   [&](ArrayRef<int64_t> index) {
                     SmallVector<int64_t> source(index);
                     source[axis] += *start;
                     return linearize(source, type.getShape());
                   },
                   {}, output))
    return;
  SmallVector<OpFoldResult> offsets(rank, b.getIndexAttr(0));
  offsets[axis] = offset;
  node.setOutput(
      output, extractSlice(node, node.input(0), offsets, sizes,
                           SmallVector<OpFoldResult>(rank, b.getIndexAttr(1))));
}

/// Split: sizes from the split attribute (before 13) or input, else equal
/// parts (the last one smaller with num_outputs, since 18).
LogicalResult importSplit(NodeContext &node) {
  IndexMath math(node.builder(), node.loc());
  RankedTensorType type = node.inputType(0);
  FailureOr<int64_t> axis =
      node.normalizeAxis(node.intAttr("axis", 0), type.getRank());
  if (failed(axis))
    return failure();
  int64_t parts = node.numOutputs();
  OpFoldResult size = node.tensors().dim(node.input(0), *axis);
  SmallVector<OpFoldResult> splits;
  if (node.opset() < 13 && node.hasAttr("split")) {
    SmallVector<int64_t> given = *node.intsAttr("split");
    for (int64_t s : given)
      splits.push_back(math.constant(s));
  } else if (node.opset() >= 13 && node.hasInput(1)) {
    FailureOr<SmallVector<OpFoldResult>> given = indexList(node, 1, "split");
    if (failed(given))
      return failure();
    splits = *given;
  } else {
    if (std::optional<int64_t> numOutputs = node.optionalIntAttr("num_outputs"))
      parts = *numOutputs;
    if (parts < 1)
      return node.fail("needs at least one output");
    std::optional<int64_t> known = getConstantIntValue(size);
    if (known && !node.hasAttr("num_outputs") && *known % parts != 0)
      return node.fail("cannot split " + Twine(*known) + " into " +
                       Twine(parts) + " equal parts");
    OpFoldResult chunk = math.ceilDiv(size, math.constant(parts));
    splits.assign(parts - 1, chunk);
    splits.push_back(math.sub(size, math.mul(chunk, math.constant(parts - 1))));
  }
  if (int64_t(splits.size()) != parts || parts != int64_t(node.numOutputs()))
    return node.fail("has " + Twine(node.numOutputs()) + " outputs but " +
                     Twine(splits.size()) + " split sizes");
  if (failed(checkSizes(node, splits)))
    return failure();
  std::optional<int64_t> knownSize = getConstantIntValue(size);
  bool allKnown = true;
  int64_t sum = 0;
  for (OpFoldResult split : splits) {
    std::optional<int64_t> known = getConstantIntValue(split);
    allKnown &= known.has_value();
    sum += known.value_or(0);
  }
  if (allKnown && knownSize && sum != *knownSize)
    return node.fail("split sizes add up to " + Twine(sum) + ", not " +
                     Twine(*knownSize));
  OpFoldResult offset = math.constant(0);
  for (int64_t k = 0; k < parts; ++k) {
    if (node.hasOutput(k))
      setSliceAlong(node, k, *axis, offset, splits[k]);
    offset = math.add(offset, splits[k]);
  }
  return success();
}

/// Slice: starts/ends/axes attributes before opset 10, inputs (with steps)
/// since. Negative starts and ends count from the end and are clamped;
/// negative steps walk backwards. Any of them may be known only at run
/// time; the result is then a gather with run-time offsets and strides.
LogicalResult importSlice(NodeContext &node) {
  OpBuilder &b = node.builder();
  IndexMath math(b, node.loc());
  RankedTensorType type = node.inputType(0);
  int64_t rank = type.getRank();
  SmallVector<OpFoldResult> starts, ends, steps;
  // Axes: known (empty: all in order), or known only at run time.
  SmallVector<int64_t> axes;
  SmallVector<OpFoldResult> runTimeAxisList;
  bool axesKnown = true;
  auto constants = [&](ArrayRef<int64_t> values) {
    SmallVector<OpFoldResult> result;
    for (int64_t v : values)
      result.push_back(math.constant(v));
    return result;
  };
  if (node.opset() < 10) {
    std::optional<SmallVector<int64_t>> s = node.intsAttr("starts");
    std::optional<SmallVector<int64_t>> e = node.intsAttr("ends");
    if (!s || !e)
      return node.fail("needs starts and ends");
    starts = constants(*s);
    ends = constants(*e);
    if (std::optional<SmallVector<int64_t>> a = node.intsAttr("axes"))
      axes = *a;
  } else {
    FailureOr<SmallVector<OpFoldResult>> s = indexList(node, 1, "starts");
    if (failed(s))
      return failure();
    FailureOr<SmallVector<OpFoldResult>> e = indexList(node, 2, "ends");
    if (failed(e))
      return failure();
    starts = *s;
    ends = *e;
    if (node.hasInput(3)) {
      if (std::optional<SmallVector<int64_t>> known = node.constantInts(3)) {
        axes = *known;
      } else {
        FailureOr<SmallVector<OpFoldResult>> a = indexList(node, 3, "axes");
        if (failed(a))
          return failure();
        runTimeAxisList = *a;
        axesKnown = false;
      }
    }
    if (node.hasInput(4)) {
      FailureOr<SmallVector<OpFoldResult>> k = indexList(node, 4, "steps");
      if (failed(k))
        return failure();
      steps = *k;
    }
  }
  if (steps.empty())
    steps.assign(starts.size(), math.constant(1));
  if (starts.size() != ends.size() || starts.size() != steps.size() ||
      (axesKnown && !axes.empty() && axes.size() != starts.size()) ||
      (!axesKnown && runTimeAxisList.size() != starts.size()))
    return node.fail("starts, ends, axes and steps differ in length");
  if (axesKnown && axes.empty())
    for (int64_t d = 0; d < int64_t(starts.size()); ++d)
      axes.push_back(d);

  // Per dimension: start, end and step, as given for it.
  using Pred = arith::CmpIPredicate;
  SmallVector<OpFoldResult> dims = node.tensors().dims(node.input(0));
  SmallVector<OpFoldResult> dimStarts(rank, math.constant(0)),
      dimEnds(rank, math.constant(std::numeric_limits<int64_t>::max())),
      dimSteps(rank, math.constant(1));
  SmallVector<bool> sliced(rank, false);
  if (axesKnown) {
    for (size_t i = 0; i < axes.size(); ++i) {
      FailureOr<int64_t> axis = node.normalizeAxis(axes[i], rank);
      if (failed(axis))
        return failure();
      if (sliced[*axis])
        return node.fail("axes repeat an axis");
      sliced[*axis] = true;
      dimStarts[*axis] = starts[i];
      dimEnds[*axis] = ends[i];
      dimSteps[*axis] = steps[i];
    }
  } else {
    // Axes known at run time: any dimension may be the one.
    SmallVector<OpFoldResult> axisList =
        runTimeAxes(math, runTimeAxisList, rank);
    for (int64_t d = 0; d < rank; ++d) {
      sliced[d] = true;
      for (size_t i = 0; i < axisList.size(); ++i) {
        auto pick = [&](OpFoldResult given, OpFoldResult current) {
          return math.select(Pred::eq, axisList[i], math.constant(d), given,
                             current);
        };
        dimStarts[d] = pick(starts[i], dimStarts[d]);
        dimEnds[d] = pick(ends[i], dimEnds[d]);
        dimSteps[d] = pick(steps[i], dimSteps[d]);
      }
    }
  }

  // Per dimension: first index, step and count.
  SmallVector<OpFoldResult> offsets(rank, math.constant(0)), sizes(dims),
      strides(rank, math.constant(1));
  for (int64_t d = 0; d < rank; ++d) {
    if (!sliced[d])
      continue;
    OpFoldResult size = dims[d], step = dimSteps[d];
    if (IndexMath::is(step, 0))
      return node.fail("steps must not be 0");
    // Negative positions count from the end.
    auto fromEnd = [&](OpFoldResult v) -> OpFoldResult {
      if (std::optional<int64_t> known = getConstantIntValue(v))
        return *known < 0 ? math.add(v, size) : v;
      return math.select(Pred::slt, v, math.constant(0), math.add(v, size), v);
    };
    OpFoldResult start = fromEnd(dimStarts[d]), end = fromEnd(dimEnds[d]);
    // Forward: [start, end) clamped to [0, size]. Backward: start clamped to
    // [0, size - 1], end to [-1, size - 1]. Returns the first index and the
    // count.
    auto bounds = [&](bool forward) -> std::pair<OpFoldResult, OpFoldResult> {
      if (forward) {
        OpFoldResult first = math.clamp(start, math.constant(0), size);
        OpFoldResult stop = math.clamp(end, math.constant(0), size);
        return {first, math.max(math.constant(0),
                                math.ceilDiv(math.sub(stop, first), step))};
      }
      OpFoldResult last = math.sub(size, math.constant(1));
      OpFoldResult first = math.clamp(start, math.constant(0), last);
      OpFoldResult stop = math.clamp(end, math.constant(-1), last);
      return {first, math.max(math.constant(0),
                              math.ceilDiv(math.sub(first, stop),
                                           math.sub(math.constant(0), step)))};
    };
    if (std::optional<int64_t> knownStep = getConstantIntValue(step)) {
      std::tie(offsets[d], sizes[d]) = bounds(*knownStep > 0);
    } else {
      auto [forwardFirst, forwardCount] = bounds(true);
      auto [backwardFirst, backwardCount] = bounds(false);
      offsets[d] = math.select(Pred::sgt, step, math.constant(0), forwardFirst,
                               backwardFirst);
      sizes[d] = math.select(Pred::sgt, step, math.constant(0), forwardCount,
                             backwardCount);
    }
    strides[d] = step;
  }
  sizes = normalized(sizes);
  RankedTensorType resultType = typeWithSizes(sizes, type.getElementType());
  auto knownAll = [](ArrayRef<OpFoldResult> values) {
    return llvm::all_of(values, [](OpFoldResult v) {
      return getConstantIntValue(v).has_value();
    });
  };
  if (knownAll(offsets) && knownAll(strides) &&
      foldMovement(node, {0}, resultType, [&](ArrayRef<int64_t> index) {
        SmallVector<int64_t> source;
        for (int64_t d = 0; d < rank; ++d)
          source.push_back(*getConstantIntValue(offsets[d]) +
                           index[d] * *getConstantIntValue(strides[d]));
        return linearize(source, type.getShape());
      }))
    return success();
  bool forward = llvm::all_of(strides, [](OpFoldResult s) {
    std::optional<int64_t> known = getConstantIntValue(s);
    return known && *known > 0;
  });
  if (forward) {
    node.setOutput(0,
                   extractSlice(node, node.input(0), offsets, sizes, strides));
    return success();
  }
  // Backward or run-time steps: read offset + index * stride.
  SmallVector<Value> offsetValues, strideValues;
  for (int64_t d = 0; d < rank; ++d) {
    offsetValues.push_back(math.value(offsets[d]));
    strideValues.push_back(math.value(strides[d]));
  }
  Value input = node.input(0);
  node.setOutput(0, generate(node, sizes, type.getElementType(), {}, {},
                             [&](OpBuilder &nb, Location loc,
                                 ValueRange indices, ValueRange) -> Value {
                               SmallVector<Value> position;
                               for (int64_t d = 0; d < rank; ++d) {
                                 if (!sliced[d]) {
                                   position.push_back(indices[d]);
                                   continue;
                                 }
                                 Value scaled = arith::MulIOp::create(
                                     nb, loc, indices[d], strideValues[d]);
                                 position.push_back(arith::AddIOp::create(
                                     nb, loc, offsetValues[d], scaled));
                               }
                               return tensor::ExtractOp::create(nb, loc, input,
                                                                position);
                             }));
  return success();
}

//===----------------------------------------------------------------------===//
// Gather, GatherElements
//===----------------------------------------------------------------------===//

LogicalResult importGather(NodeContext &node) {
  OpBuilder &b = node.builder();
  RankedTensorType type = node.inputType(0);
  RankedTensorType indicesType = node.inputType(1);
  int64_t rank = type.getRank(), indicesRank = indicesType.getRank();
  FailureOr<int64_t> axis = node.normalizeAxis(node.intAttr("axis", 0), rank);
  if (failed(axis))
    return failure();
  if (!isa<IntegerType>(indicesType.getElementType()))
    return node.fail("indices must be integers");
  SmallVector<OpFoldResult> dims = node.tensors().dims(node.input(0));
  SmallVector<OpFoldResult> sizes(dims.begin(), dims.begin() + *axis);
  llvm::append_range(sizes, node.tensors().dims(node.input(1)));
  sizes.append(dims.begin() + *axis + 1, dims.end());
  sizes = normalized(sizes);
  RankedTensorType resultType = typeWithSizes(sizes, type.getElementType());

  std::optional<SmallVector<int64_t>> indices = node.constantInts(1);
  int64_t axisSize = type.getDimSize(*axis);
  if (indices && !ShapedType::isDynamic(axisSize)) {
    for (int64_t &index : *indices) {
      if (index < -axisSize || index >= axisSize)
        return node.fail("index " + Twine(index) + " is out of range for " +
                         "size " + Twine(axisSize));
      if (index < 0)
        index += axisSize;
    }
    if (foldMovement(node, {0}, resultType, [&](ArrayRef<int64_t> index) {
          SmallVector<int64_t> source(index.take_front(*axis));
          source.push_back((*indices)[linearize(index.slice(*axis, indicesRank),
                                                indicesType.getShape())]);
          llvm::append_range(source, index.drop_front(*axis + indicesRank));
          return linearize(source, type.getShape());
        }))
      return success();
  }
  // One known index: a slice (x[:, i]).
  if (indices && indices->size() == 1 && indicesRank == 0 &&
      (!ShapedType::isDynamic(axisSize) || indices->front() >= 0)) {
    int64_t index = indices->front();
    SmallVector<OpFoldResult> offsets(rank, b.getIndexAttr(0));
    offsets[*axis] = b.getIndexAttr(index);
    SmallVector<OpFoldResult> sliceSizes(dims);
    sliceSizes[*axis] = b.getIndexAttr(1);
    Value slice =
        extractSlice(node, node.input(0), offsets, sliceSizes,
                     SmallVector<OpFoldResult>(rank, b.getIndexAttr(1)));
    node.setOutput(0, reshapeTo(node, slice, sizes));
    return success();
  }
  Value data = node.input(0);
  Value axisSizeValue = node.tensors().dimValue(data, *axis);
  SmallVector<AffineExpr> indexExprs;
  for (int64_t d = 0; d < indicesRank; ++d)
    indexExprs.push_back(b.getAffineDimExpr(*axis + d));
  int64_t resultRank = sizes.size();
  node.setOutput(
      0, generate(node, sizes, type.getElementType(), {node.input(1)},
                  {AffineMap::get(resultRank, 0, indexExprs, node.context())},
                  [&](OpBuilder &nb, Location loc, ValueRange loops,
                      ValueRange args) -> Value {
                    SmallVector<Value> position(loops.take_front(*axis));
                    position.push_back(
                        normalizedIndex(nb, loc, args[0], axisSizeValue));
                    llvm::append_range(position,
                                       loops.drop_front(*axis + indicesRank));
                    return tensor::ExtractOp::create(nb, loc, data, position);
                  }));
  return success();
}

LogicalResult importGatherElements(NodeContext &node) {
  OpBuilder &b = node.builder();
  RankedTensorType type = node.inputType(0);
  RankedTensorType indicesType = node.inputType(1);
  int64_t rank = type.getRank();
  if (indicesType.getRank() != rank)
    return node.fail("data and indices differ in rank");
  FailureOr<int64_t> axis = node.normalizeAxis(node.intAttr("axis", 0), rank);
  if (failed(axis))
    return failure();
  SmallVector<OpFoldResult> sizes =
      normalized(node.tensors().dims(node.input(1)));
  RankedTensorType resultType = typeWithSizes(sizes, type.getElementType());
  std::optional<SmallVector<int64_t>> indices = node.constantInts(1);
  int64_t axisSize = type.getDimSize(*axis);
  if (indices && type.hasStaticShape() &&
      llvm::all_of(*indices,
                   [&](int64_t i) { return i >= -axisSize && i < axisSize; }) &&
      foldMovement(node, {0}, resultType, [&](ArrayRef<int64_t> index) {
        SmallVector<int64_t> source(index);
        int64_t i = (*indices)[linearize(index, indicesType.getShape())];
        source[*axis] = i < 0 ? i + axisSize : i;
        return linearize(source, type.getShape());
      }))
    return success();
  Value data = node.input(0);
  Value axisSizeValue = node.tensors().dimValue(data, *axis);
  node.setOutput(
      0, generate(node, sizes, type.getElementType(), {node.input(1)},
                  {b.getMultiDimIdentityMap(rank)},
                  [&](OpBuilder &nb, Location loc, ValueRange loops,
                      ValueRange args) -> Value {
                    SmallVector<Value> position(loops);
                    position[*axis] =
                        normalizedIndex(nb, loc, args[0], axisSizeValue);
                    return tensor::ExtractOp::create(nb, loc, data, position);
                  }));
  return success();
}

//===----------------------------------------------------------------------===//
// Range, Pad
//===----------------------------------------------------------------------===//

/// Range: max(ceil((limit - start) / delta), 0) elements start + i * delta.
LogicalResult importRange(NodeContext &node) {
  OpBuilder &b = node.builder();
  Location loc = node.loc();
  Type elementType = node.inputType(0).getElementType();
  for (size_t i = 0; i < 3; ++i)
    if (node.inputType(i).getNumElements() != 1 ||
        node.inputType(i).getElementType() != elementType)
      return node.fail("start, limit and delta must be scalars of one type");
  bool isFloat = isa<FloatType>(elementType);
  // Known inputs: a static count, and known contents when small.
  DenseElementsAttr start = node.constantInput(0),
                    limit = node.constantInput(1),
                    delta = node.constantInput(2);
  OpFoldResult count;
  if (start && limit && delta) {
    auto element = [](DenseElementsAttr attr) {
      return *attr.getValues<Attribute>().begin();
    };
    auto asInt = [&](DenseElementsAttr attr) {
      return cast<IntegerAttr>(element(attr)).getValue().getSExtValue();
    };
    auto asDouble = [&](DenseElementsAttr attr) {
      return cast<FloatAttr>(element(attr)).getValueAsDouble();
    };
    int64_t n;
    SmallVector<Attribute> elements;
    if (isFloat) {
      double s = asDouble(start), l = asDouble(limit), d = asDouble(delta);
      if (d == 0)
        return node.fail("delta is 0");
      n = std::max<int64_t>(int64_t(std::ceil((l - s) / d)), 0);
      for (int64_t i = 0; i < n && n <= kFoldLimit; ++i)
        elements.push_back(scalarAttr(elementType, s + i * d));
    } else {
      int64_t s = asInt(start), l = asInt(limit), d = asInt(delta);
      if (d == 0)
        return node.fail("delta is 0");
      n = std::max<int64_t>(::ceilDiv(l - s, d), 0);
      for (int64_t i = 0; i < n && n <= kFoldLimit; ++i)
        elements.push_back(IntegerAttr::get(elementType, s + i * d));
    }
    if (n <= kFoldLimit) {
      node.setConstantOutput(
          0, DenseElementsAttr::get(RankedTensorType::get({n}, elementType),
                                    elements));
      return success();
    }
    count = b.getIndexAttr(n);
  }
  Value startValue = scalarInput(node, 0);
  Value deltaValue = scalarInput(node, 2);
  if (!count) {
    Value limitValue = scalarInput(node, 1);
    IndexMath arithmetic(b, loc);
    OpFoldResult steps;
    if (isFloat) {
      Value quotient = arith::DivFOp::create(
          b, loc, arith::SubFOp::create(b, loc, limitValue, startValue),
          deltaValue);
      steps = toIndex(
          b, loc,
          arith::FPToSIOp::create(b, loc, b.getI64Type(),
                                  math::CeilOp::create(b, loc, quotient)));
    } else {
      auto asIndex = [&](Value v) {
        return getAsOpFoldResult(toIndex(b, loc, v));
      };
      steps = arithmetic.ceilDiv(
          arithmetic.sub(asIndex(limitValue), asIndex(startValue)),
          asIndex(deltaValue));
    }
    count = arithmetic.max(arithmetic.constant(0), steps);
  }
  node.setOutput(
      0, generate(node, {count}, elementType, {}, {},
                  [&](OpBuilder &nb, Location nl, ValueRange indices,
                      ValueRange) -> Value {
                    if (isFloat) {
                      Value i = arith::IndexCastOp::create(
                          nb, nl, nb.getI64Type(), indices[0]);
                      Value fi =
                          arith::SIToFPOp::create(nb, nl, elementType, i);
                      return arith::AddFOp::create(
                          nb, nl, startValue,
                          arith::MulFOp::create(nb, nl, fi, deltaValue));
                    }
                    Value i = arith::IndexCastOp::create(nb, nl, elementType,
                                                         indices[0]);
                    return nb.createOrFold<arith::AddIOp>(
                        nl, startValue,
                        nb.createOrFold<arith::MulIOp>(nl, i, deltaValue));
                  }));
  return success();
}

enum class PadMode { Constant, Reflect, Edge, Wrap };

/// Which input index an index `j` (of the unpadded range, so negative or
/// past `size` in the padding) reads in a non-constant mode.
OpFoldResult padSource(IndexMath &math, PadMode mode, OpFoldResult j,
                       OpFoldResult size) {
  using Pred = arith::CmpIPredicate;
  OpFoldResult last = math.sub(size, math.constant(1));
  switch (mode) {
  case PadMode::Edge:
    return math.clamp(j, math.constant(0), last);
  case PadMode::Wrap:
    return math.mod(j, size);
  case PadMode::Reflect: {
    // Period 2 (size - 1), mirrored in its second half.
    OpFoldResult period =
        math.max(math.mul(last, math.constant(2)), math.constant(1));
    OpFoldResult r = math.mod(j, period);
    return math.select(Pred::sge, r, size, math.sub(period, r), r);
  }
  case PadMode::Constant:
    break;
  }
  return j;
}

/// Pad: pads (and value, mode) attributes before opset 11, inputs since;
/// axes since 18. Negative pads crop.
LogicalResult importPad(NodeContext &node) {
  OpBuilder &b = node.builder();
  Location loc = node.loc();
  IndexMath math(b, loc);
  RankedTensorType type = node.inputType(0);
  Type elementType = type.getElementType();
  int64_t rank = type.getRank();
  std::string modeName = node.stringAttr("mode", "constant");
  PadMode mode;
  if (modeName == "constant")
    mode = PadMode::Constant;
  else if (modeName == "reflect")
    mode = PadMode::Reflect;
  else if (modeName == "edge")
    mode = PadMode::Edge;
  else if (modeName == "wrap")
    mode = PadMode::Wrap;
  else
    return node.fail("mode '" + modeName + "' is not supported");

  SmallVector<OpFoldResult> pads;
  // The constant, as an attribute when known.
  OpFoldResult value = scalarAttr(elementType, 0);
  if (node.opset() < 11) {
    std::optional<SmallVector<int64_t>> given = node.intsAttr("pads");
    if (!given)
      return node.fail("needs pads");
    for (int64_t p : *given)
      pads.push_back(math.constant(p));
    value = scalarAttr(elementType, node.floatAttr("value", 0));
  } else {
    FailureOr<SmallVector<OpFoldResult>> given = indexList(node, 1, "pads");
    if (failed(given))
      return failure();
    pads = *given;
    if (node.hasInput(2)) {
      std::optional<Contents> contents = contentsOf(node, 2);
      if (contents && contents->elements.size() == 1)
        value = contents->elements.front();
      else
        value = scalarInput(node, 2);
    }
  }
  SmallVector<int64_t> axes(rank);
  std::iota(axes.begin(), axes.end(), 0);
  if (node.opset() >= 18 && node.hasInput(3)) {
    FailureOr<std::optional<SmallVector<int64_t>>> given =
        knownIntList(node, "axes", 18, 3);
    if (failed(given))
      return failure();
    if (failed(normalizeAxes(node, **given, rank)))
      return failure();
    // In the given order: pads follow it.
    axes.clear();
    for (int64_t axis : **given)
      axes.push_back(axis < 0 ? axis + rank : axis);
  }
  if (pads.size() != 2 * axes.size())
    return node.fail("pads has " + Twine(pads.size()) + " elements for " +
                     Twine(axes.size()) + " axes");
  SmallVector<OpFoldResult> low(rank, math.constant(0)),
      high(rank, math.constant(0));
  for (auto [i, axis] : llvm::enumerate(axes)) {
    low[axis] = pads[i];
    high[axis] = pads[i + axes.size()];
  }
  SmallVector<OpFoldResult> dims = node.tensors().dims(node.input(0));
  SmallVector<OpFoldResult> sizes;
  for (int64_t d = 0; d < rank; ++d)
    sizes.push_back(math.add(math.add(dims[d], low[d]), high[d]));
  if (failed(checkSizes(node, sizes)))
    return failure();
  sizes = normalized(sizes);
  RankedTensorType resultType = typeWithSizes(sizes, elementType);
  if (mode != PadMode::Constant)
    for (int64_t d = 0; d < rank; ++d)
      if (IndexMath::is(dims[d], 0) && !IndexMath::is(sizes[d], 0))
        return node.fail("cannot pad an empty dimension in mode '" + modeName +
                         "'");

  // Known contents: each result element reads source index - low (or is
  // the constant).
  auto allKnown = [](ArrayRef<OpFoldResult> values) {
    return llvm::all_of(values, [](OpFoldResult v) {
      return getConstantIntValue(v).has_value();
    });
  };
  if (type.hasStaticShape() && allKnown(low) &&
      foldMovement(
          node, {0}, resultType,
          [&](ArrayRef<int64_t> index) -> int64_t {
            SmallVector<int64_t> source;
            for (int64_t d = 0; d < rank; ++d) {
              int64_t size = type.getDimSize(d);
              int64_t j = index[d] - *getConstantIntValue(low[d]);
              if (mode == PadMode::Constant) {
                if (j < 0 || j >= size)
                  return -1;
              } else {
                j = *getConstantIntValue(padSource(math, mode, math.constant(j),
                                                   math.constant(size)));
              }
              source.push_back(j);
            }
            return linearize(source, type.getShape());
          },
          value))
    return success();

  Value input = node.input(0);
  if (mode == PadMode::Constant) {
    // Crop what negative pads remove, then tensor.pad the rest.
    SmallVector<OpFoldResult> cropOffsets, cropSizes, padLow, padHigh;
    bool crop = false;
    for (int64_t d = 0; d < rank; ++d) {
      OpFoldResult cutLow =
          math.max(math.constant(0), math.sub(math.constant(0), low[d]));
      OpFoldResult cutHigh =
          math.max(math.constant(0), math.sub(math.constant(0), high[d]));
      crop |= !IndexMath::is(cutLow, 0) || !IndexMath::is(cutHigh, 0);
      cropOffsets.push_back(cutLow);
      cropSizes.push_back(math.sub(math.sub(dims[d], cutLow), cutHigh));
      padLow.push_back(math.max(math.constant(0), low[d]));
      padHigh.push_back(math.max(math.constant(0), high[d]));
    }
    if (crop) {
      input = extractSlice(node, input, cropOffsets, cropSizes,
                           SmallVector<OpFoldResult>(rank, b.getIndexAttr(1)));
    }
    Value padValue = isa<Attribute>(value)
                         ? arith::ConstantOp::create(
                               b, loc, cast<TypedAttr>(cast<Attribute>(value)))
                               .getResult()
                         : cast<Value>(value);
    node.setOutput(0, tensor::PadOp::create(b, loc, resultType, input,
                                            normalized(padLow),
                                            normalized(padHigh), padValue));
    return success();
  }
  SmallVector<Value> lowValues, dimValues;
  for (int64_t d = 0; d < rank; ++d) {
    lowValues.push_back(math.value(low[d]));
    dimValues.push_back(math.value(dims[d]));
  }
  node.setOutput(
      0, generate(node, sizes, elementType, {}, {},
                  [&](OpBuilder &nb, Location nl, ValueRange indices,
                      ValueRange) -> Value {
                    IndexMath inner(nb, nl);
                    SmallVector<Value> position;
                    for (int64_t d = 0; d < rank; ++d) {
                      OpFoldResult j = inner.sub(indices[d], lowValues[d]);
                      position.push_back(
                          inner.value(padSource(inner, mode, j, dimValues[d])));
                    }
                    return tensor::ExtractOp::create(nb, nl, input, position);
                  }));
  return success();
}

} // namespace

ArrayRef<OnnxOpDecl> mixc::onnx_import::getShapeOps() {
  // Shape-like inputs (shapes, starts, pads, repeats, axes) may be run-time
  // values unless noted; their lengths must be static.
  static const OnnxOpDecl rows[] = {
      {"Concat", 1, 23, importConcat, ""},
      {"Constant", 1, 23, importConstant,
       "value, value_float(s), value_int(s); not sparse_value or strings"},
      {"ConstantOfShape", 9, 23, importConstantOfShape, ""},
      {"Expand", 8, 23, importExpand, ""},
      {"Flatten", 1, 23, importFlatten, ""},
      {"Gather", 1, 23, importGather, ""},
      {"GatherElements", 11, 23, importGatherElements, ""},
      {"Pad", 2, 23, importPad,
       "modes constant, reflect, edge, wrap; axes (opset 18) known at import "
       "time"},
      {"Range", 11, 23, importRange, ""},
      {"Reshape", 5, 23, importReshape, ""},
      {"Shape", 1, 23, importShape, ""},
      {"Size", 1, 23, importSize, ""},
      {"Slice", 1, 23, importSlice, ""},
      {"Split", 2, 23, importSplit, ""},
      {"Squeeze", 1, 23, importSqueeze, ""},
      {"Tile", 6, 23, importTile, ""},
      {"Transpose", 1, 23, importTranspose, ""},
      {"Unsqueeze", 1, 23, importUnsqueeze, ""},
  };
  return rows;
}
