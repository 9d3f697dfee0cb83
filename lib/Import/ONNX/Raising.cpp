//===- Raising.cpp - ONNX subgraphs to mix ops ----------------------------===//
//
// Recognises subgraphs that one mix op expresses and imports them as that op.
//
// Softmax attention, as exporters write it, becomes one mix.attention:
//
//   S = MatMul(Q * c1, Kt * c2)       Kt = K transposed (any producer)
//   S = S * c | S / c                 (any number of known scalar factors)
//   S = S + mask | Where(keep, S, -inf) | Where(drop, -inf, S)
//   O = MatMul(Softmax(S, axis=-1), V)
//
// The match starts at the final MatMul, after everything it reads has been
// imported, so known contents (folded scales, masks) are available. A mask
// that is lower-triangular with the diagonal (as a boolean, or 0 / -inf
// additive) becomes `causal`, including the Trilu -> Equal -> Where form of
// PyTorch's is_causal export; any other mask becomes an additive bias. The
// plain ops of the matched chain are left dead and erased after import; when
// anything does not fit, nothing is emitted and the MatMul imports as usual.
//
// The Monarch product as Monarch Mixer's reference writes it becomes one
// mix.monarch (the einsum letters may be any; their roles are checked):
//
//   u = Einsum(w1 [k,q,p], Reshape(x [b,n]) [b,k,p]) -> [b,k,q]
//   t = Transpose<perm=[0,2,1]>(Reshape(u) [b,r,l])   (through any reshapes)
//   y = Einsum(w2 [l,s,r], t [b,l,r]) -> [b,s,l];  out = Reshape(y) [b, s*l]
//
//===----------------------------------------------------------------------===//

#include "NodeImporter.h"

#include "mixc/Dialect/Mix/MixOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Verifier.h"

#include <cmath>

using namespace mlir;
using namespace mixc;
using namespace mixc::onnx_import;

namespace {

/// The single value of a known tensor whose elements are all equal.
std::optional<double> uniformValue(DenseElementsAttr constant) {
  if (!constant || constant.empty())
    return std::nullopt;
  std::optional<double> result;
  if (isa<FloatType>(constant.getElementType())) {
    for (const APFloat &value : constant.getValues<APFloat>()) {
      double v = value.convertToDouble();
      if (result && *result != v)
        return std::nullopt;
      result = v;
    }
    return result;
  }
  for (const APInt &value : constant.getValues<APInt>()) {
    double v = constant.getElementType().isInteger(1)
                   ? double(value.getZExtValue())
                   : double(value.getSExtValue());
    if (result && *result != v)
      return std::nullopt;
    result = v;
  }
  return result;
}

/// A score that masks a key out: -inf or the lowest finite f32 / f16 that
/// exporters use instead.
bool isMaskingValue(std::optional<double> value) {
  return value && *value <= -6.0e4;
}

/// Whether a known [.., Lq, Lk] mask keeps exactly j <= i in every trailing
/// matrix (top-left aligned causal); `keepIf` says which elements keep.
bool isCausalMask(DenseElementsAttr mask,
                  llvm::function_ref<bool(double)> keepIf) {
  auto type = mask.getType();
  if (type.getRank() < 2)
    return false;
  int64_t rows = type.getDimSize(type.getRank() - 2);
  int64_t cols = type.getDimSize(type.getRank() - 1);
  SmallVector<double> values;
  if (isa<FloatType>(mask.getElementType()))
    for (const APFloat &v : mask.getValues<APFloat>())
      values.push_back(v.convertToDouble());
  else
    for (const APInt &v : mask.getValues<APInt>())
      values.push_back(double(v.getZExtValue()));
  for (size_t k = 0; k < values.size(); ++k) {
    int64_t i = (k / cols) % rows, j = k % cols;
    if (keepIf(values[k]) != (j <= i))
      return false;
  }
  return true;
}

/// What the mask part of the chain says.
struct Mask {
  bool causal = false;
  Value bias; // additive, float
  Value keep; // boolean, true = attend (converted to a bias when emitted)
};

class AttentionMatcher {
public:
  explicit AttentionMatcher(NodeContext &node) : node(node) {}

  FailureOr<bool> match() {
    const onnx::NodeProto &out = node.node();
    if (out.op_type() != "MatMul" || !node.hasInput(0) || !node.hasInput(1))
      return false;
    const onnx::NodeProto *softmax = producer(out.input(0));
    if (!softmax || softmax->op_type() != "Softmax")
      return false;
    auto probsType = dyn_cast<RankedTensorType>(
        node.valueNamed(out.input(0)).value.getType());
    if (!probsType)
      return false;
    int64_t axis = -1;
    for (const auto &attribute : softmax->attribute())
      if (attribute.name() == "axis")
        axis = attribute.i();
    if (node.opset() < 13 && axis != -1 && axis != probsType.getRank() - 1)
      return false;
    if (axis != -1 && axis != probsType.getRank() - 1)
      return false;

    scoresType = probsType;
    std::string scores = softmax->input(0);
    if (!peelMask(scores))
      return false;
    if (!peelScale(scores))
      return false;
    const onnx::NodeProto *matmul = producer(scores);
    if (!matmul || matmul->op_type() != "MatMul")
      return false;
    query = matmul->input(0);
    keyT = matmul->input(1);
    peelScale(query);
    peelScale(keyT);
    value = out.input(1);
    return emit();
  }

private:
  const onnx::NodeProto *producer(StringRef name) {
    return node.producerOf(name);
  }
  DenseElementsAttr known(StringRef name) {
    return node.valueNamed(name).constant;
  }

  /// Multiplies `scale` by known scalar factors of `name` (Mul, Div).
  bool peelScale(std::string &name) {
    while (const onnx::NodeProto *op = producer(name)) {
      bool isDiv = op->op_type() == "Div";
      if (op->op_type() != "Mul" && !isDiv)
        return true;
      // The factor is the known scalar side (a divisor only on the right).
      int side = uniformValue(known(op->input(1))) ? 1 : 0;
      std::optional<double> factor = uniformValue(known(op->input(side)));
      if (!factor || (isDiv && side == 0))
        return true;
      if (!std::isfinite(*factor) || *factor == 0)
        return false;
      scale *= isDiv ? 1.0 / *factor : *factor;
      name = op->input(1 - side);
    }
    return true;
  }

  /// Peels Add(mask) / Where(mask) off the scores.
  bool peelMask(std::string &name) {
    const onnx::NodeProto *op = producer(name);
    if (!op)
      return true;
    if (op->op_type() == "Add") {
      // The scores side leads (through scale factors) to a MatMul.
      for (int side = 0; side < 2; ++side) {
        // Look through scale factors without taking them yet.
        double savedScale = scale;
        std::string candidate = op->input(side);
        peelScale(candidate);
        scale = savedScale;
        const onnx::NodeProto *mm = producer(candidate);
        if (mm && mm->op_type() == "MatMul" &&
            producer(op->input(1 - side)) != mm) {
          classifyAdditive(op->input(1 - side));
          name = op->input(side);
          return true;
        }
      }
      return false;
    }
    if (op->op_type() == "Where") {
      if (isMaskingValue(uniformValue(known(op->input(2))))) {
        classifyKeep(op->input(0), /*negate=*/false);
        name = op->input(1);
        return true;
      }
      if (isMaskingValue(uniformValue(known(op->input(1))))) {
        classifyKeep(op->input(0), /*negate=*/true);
        name = op->input(2);
        return true;
      }
      return false;
    }
    return true;
  }

  /// Whether `type` is [.., Lq, Lk] with exactly the score matrix's static
  /// sizes: a mask that broadcasts along a row or column is never causal.
  bool coversScores(Type type) {
    auto shaped = dyn_cast<RankedTensorType>(type);
    int64_t rank = scoresType.getRank();
    if (!shaped || shaped.getRank() < 2 || rank < 2)
      return false;
    for (int64_t d = 1; d <= 2; ++d) {
      int64_t size = shaped.getDimSize(shaped.getRank() - d);
      if (ShapedType::isDynamic(size) ||
          size != scoresType.getDimSize(rank - d))
        return false;
    }
    return true;
  }

  /// A boolean mask; `negate` when true means "masked out".
  void classifyKeep(StringRef name, bool negate) {
    if (DenseElementsAttr constant = known(name)) {
      if (coversScores(constant.getType()) &&
          isCausalMask(constant,
                       [&](double v) { return (v != 0) != negate; })) {
        mask.causal = true;
        return;
      }
    }
    if (!negate) {
      mask.keep = node.valueNamed(name).value;
      return;
    }
    // Where(drop, -inf, S) with an unknown `drop`: keep = !drop.
    Value drop = node.valueNamed(name).value;
    mask.keep = node.broadcastElementwise(
        {drop}, node.builder().getI1Type(),
        [](OpBuilder &b, Location loc, ValueRange args) -> Value {
          Value one = arith::ConstantOp::create(b, loc, b.getBoolAttr(true));
          return arith::XOrIOp::create(b, loc, args[0], one);
        });
  }

  /// An additive mask: causal when it is 0 on and below the diagonal and
  /// masking above, known or built as Where(Equal(Trilu(ones), 0), -inf, 0).
  void classifyAdditive(StringRef name) {
    if (DenseElementsAttr constant = known(name);
        constant && coversScores(constant.getType())) {
      bool zeroBelow = isCausalMask(constant, [](double v) { return v == 0; });
      bool maskAbove =
          isCausalMask(constant, [](double v) { return !isMaskingValue(v); });
      if (zeroBelow && maskAbove) {
        mask.causal = true;
        return;
      }
    }
    if (isTriluCausal(name)) {
      mask.causal = true;
      return;
    }
    mask.bias = node.valueNamed(name).value;
  }

  /// Where(Equal(Trilu(ones, upper=0), 0), -inf, 0): PyTorch's is_causal.
  bool isTriluCausal(StringRef name) {
    const onnx::NodeProto *where = producer(name);
    if (!where || where->op_type() != "Where" ||
        !isMaskingValue(uniformValue(known(where->input(1)))) ||
        uniformValue(known(where->input(2))) != 0.0)
      return false;
    const onnx::NodeProto *equal = producer(where->input(0));
    if (!equal || equal->op_type() != "Equal" ||
        uniformValue(known(equal->input(1))) != 0.0)
      return false;
    const onnx::NodeProto *trilu = producer(equal->input(0));
    if (!trilu || trilu->op_type() != "Trilu" || trilu->input_size() > 1 ||
        !coversScores(node.valueNamed(trilu->output(0)).value.getType()))
      return false;
    for (const auto &attribute : trilu->attribute())
      if (attribute.name() == "upper" && attribute.i() != 0)
        return false;
    std::string ones = trilu->input(0);
    if (const onnx::NodeProto *expand = producer(ones))
      if (expand->op_type() == "Expand")
        ones = expand->input(0);
    return uniformValue(known(ones)) == 1.0;
  }

  /// [.., L, D] of rank 3 or 4 as rank 4 (a unit head dim inserted).
  Value asRank4(Value value) {
    auto type = cast<RankedTensorType>(value.getType());
    if (type.getRank() == 4)
      return value;
    SmallVector<int64_t> shape = {type.getDimSize(0), 1, type.getDimSize(1),
                                  type.getDimSize(2)};
    TensorBuilder tb = node.tensors();
    SmallVector<OpFoldResult> sizes = tb.dims(value);
    sizes.insert(sizes.begin() + 1, node.builder().getIndexAttr(1));
    return tensor::ExpandShapeOp::create(
        node.builder(), node.loc(),
        RankedTensorType::get(shape, type.getElementType()), value,
        {{0, 1}, {2}, {3}}, sizes);
  }

  /// K from Kt: the Transpose's input when Kt swaps the last two dims of a
  /// tensor, else an explicit transpose.
  Value keyFromTransposed() {
    Value kt = node.valueNamed(keyT).value;
    auto type = cast<RankedTensorType>(kt.getType());
    int64_t rank = type.getRank();
    if (const onnx::NodeProto *transpose = producer(keyT)) {
      if (transpose->op_type() == "Transpose") {
        SmallVector<int64_t> perm;
        for (const auto &attribute : transpose->attribute())
          if (attribute.name() == "perm")
            perm.assign(attribute.ints().begin(), attribute.ints().end());
        bool swapsLast = int64_t(perm.size()) == rank;
        for (int64_t d = 0; swapsLast && d < rank; ++d)
          swapsLast =
              perm[d] ==
              (d < rank - 2 ? d : (d == rank - 2 ? rank - 1 : rank - 2));
        if (swapsLast)
          return node.valueNamed(transpose->input(0)).value;
      }
    }
    SmallVector<unsigned> in, out;
    for (unsigned d = 0; d < rank; ++d)
      in.push_back(d);
    out = in;
    std::swap(out[rank - 2], out[rank - 1]);
    TensorBuilder tb = node.tensors();
    SmallVector<OpFoldResult> sizes = tb.dims(kt);
    std::swap(sizes[rank - 2], sizes[rank - 1]);
    return tb.generic(
        {kt}, tb.empty(sizes, type.getElementType()), {out, in},
        SmallVector<utils::IteratorType>(rank, utils::IteratorType::parallel),
        [](OpBuilder &, Location, ValueRange args) { return args[0]; });
  }

  /// A boolean keep mask as an additive bias: 0 where kept, -inf elsewhere.
  Value biasFromKeep(Value keep, Type elementType) {
    return node.broadcastElementwise(
        {keep}, elementType,
        [&](OpBuilder &b, Location loc, ValueRange args) -> Value {
          Value zero =
              arith::ConstantOp::create(b, loc, b.getFloatAttr(elementType, 0));
          Value negInf = arith::ConstantOp::create(
              b, loc,
              b.getFloatAttr(elementType,
                             -std::numeric_limits<double>::infinity()));
          return arith::SelectOp::create(b, loc, args[0], zero, negInf);
        });
  }

  FailureOr<bool> emit() {
    Value q = node.valueNamed(query).value, v = node.valueNamed(value).value;
    Value kt = node.valueNamed(keyT).value;
    auto qType = cast<RankedTensorType>(q.getType());
    auto vType = cast<RankedTensorType>(v.getType());
    auto ktType = cast<RankedTensorType>(kt.getType());
    int64_t rank = qType.getRank();
    if ((rank != 3 && rank != 4) || ktType.getRank() != rank ||
        vType.getRank() != rank)
      return false;
    Type elementType = qType.getElementType();
    if (!isa<Float32Type, Float16Type, BFloat16Type>(elementType) ||
        ktType.getElementType() != elementType ||
        vType.getElementType() != elementType)
      return false;
    // The bias must be [B|1, H|1, Lq, Lk]: prepend unit dims; a mask that
    // broadcasts along Lq or Lk is not raised.
    Value bias = mask.bias;
    if (!bias && mask.keep)
      bias = biasFromKeep(mask.keep, elementType);
    if (bias) {
      auto biasType = cast<RankedTensorType>(bias.getType());
      int64_t biasRank = biasType.getRank();
      if (biasRank < 2 || biasRank > rank ||
          !isa<FloatType>(biasType.getElementType()))
        return false;
      int64_t lq = qType.getDimSize(rank - 2), lk = ktType.getDimSize(rank - 1);
      if (biasType.getDimSize(biasRank - 2) != lq ||
          biasType.getDimSize(biasRank - 1) != lk)
        return false;
      if (biasRank < 4) {
        SmallVector<int64_t> shape(4 - biasRank, 1);
        shape.append(biasType.getShape().begin(), biasType.getShape().end());
        SmallVector<ReassociationIndices> groups;
        int64_t lead = 4 - biasRank;
        groups.push_back({});
        for (int64_t d = 0; d <= lead; ++d)
          groups.back().push_back(d);
        for (int64_t d = lead + 1; d < 4; ++d)
          groups.push_back({d});
        TensorBuilder tb = node.tensors();
        SmallVector<OpFoldResult> sizes(lead, node.builder().getIndexAttr(1));
        llvm::append_range(sizes, tb.dims(bias));
        bias = tensor::ExpandShapeOp::create(
            node.builder(), node.loc(),
            RankedTensorType::get(shape, biasType.getElementType()), bias,
            groups, sizes);
      }
    }

    Value q4 = asRank4(q), k4 = asRank4(keyFromTransposed()), v4 = asRank4(v);
    auto q4Type = cast<RankedTensorType>(q4.getType());
    auto v4Type = cast<RankedTensorType>(v4.getType());
    auto resultType =
        RankedTensorType::get({q4Type.getDimSize(0), q4Type.getDimSize(1),
                               q4Type.getDimSize(2), v4Type.getDimSize(3)},
                              elementType);
    OpBuilder &b = node.builder();
    auto attention = mix::AttentionOp::create(
        b, node.loc(), resultType, /*lse=*/Type(), q4, k4, v4, bias,
        /*block_mask=*/Value(), b.getF32FloatAttr(scale), mask.causal,
        /*window_left=*/IntegerAttr(), /*window_right=*/IntegerAttr(),
        /*sink_tokens=*/0, /*block_sizes=*/DenseI64ArrayAttr(),
        /*schedule=*/mix::ScheduleAttr());
    if (failed(verify(attention))) {
      // Shapes the op rejects (e.g. heads that do not group): import plainly.
      attention.erase();
      return false;
    }
    Value result = attention.getOutput();
    if (rank == 3)
      result = tensor::CollapseShapeOp::create(b, node.loc(), result,
                                               {{0, 1}, {2}, {3}});
    node.setOutput(0, result);
    return true;
  }

  NodeContext &node;
  RankedTensorType scoresType;
  std::string query, keyT, value;
  double scale = 1.0;
  Mask mask;
};

/// Roles of a two-operand einsum "w,d->o" as letter strings.
struct EinsumRoles {
  std::string weight, data, out;
  int weightOperand = 0;
};

/// Parses an explicit two-operand equation and picks the operand that holds
/// the weight: the one without the output's first (batch) letter.
std::optional<EinsumRoles> einsumRoles(const onnx::NodeProto &einsum) {
  if (einsum.op_type() != "Einsum" || einsum.input_size() != 2)
    return std::nullopt;
  std::string equation;
  for (const auto &attribute : einsum.attribute())
    if (attribute.name() == "equation")
      equation = attribute.s();
  equation.erase(std::remove(equation.begin(), equation.end(), ' '),
                 equation.end());
  size_t arrow = equation.find("->"), comma = equation.find(',');
  if (arrow == std::string::npos || comma == std::string::npos ||
      comma > arrow || equation.find('.') != std::string::npos)
    return std::nullopt;
  std::string lhs = equation.substr(0, comma);
  std::string rhs = equation.substr(comma + 1, arrow - comma - 1);
  std::string out = equation.substr(arrow + 2);
  if (lhs.size() != 3 || rhs.size() != 3 || out.size() != 3)
    return std::nullopt;
  if (lhs.find(out[0]) == std::string::npos)
    return EinsumRoles{lhs, rhs, out, 0};
  if (rhs.find(out[0]) == std::string::npos)
    return EinsumRoles{rhs, lhs, out, 1};
  return std::nullopt;
}

class MonarchMatcher {
public:
  explicit MonarchMatcher(NodeContext &node) : node(node) {}

  FailureOr<bool> match() {
    const onnx::NodeProto &out = node.node();
    if (out.op_type() != "Reshape" || !node.hasInput(0))
      return false;
    // Second product: out[b,s,l] = sum_r w2[l,s,r] * t[b,l,r].
    const onnx::NodeProto *second = producer(out.input(0));
    std::optional<EinsumRoles> roles2 =
        second ? einsumRoles(*second) : std::nullopt;
    if (!roles2 || !isSecondProduct(*roles2))
      return false;
    std::string w2 = second->input(roles2->weightOperand);
    std::string t = second->input(1 - roles2->weightOperand);
    // t = Transpose<[0,2,1]>(reshape chain of u).
    const onnx::NodeProto *transpose = producer(t);
    if (!transpose || transpose->op_type() != "Transpose" ||
        permOf(*transpose) != SmallVector<int64_t>{0, 2, 1})
      return false;
    // Reshapes keep row-major order, so any chain from u to t's [b, r, l]
    // reads u's flat (k q) index as (r l).
    std::string u = skipReshapes(transpose->input(0));
    // First product: u[b,k,q] = sum_p w1[k,q,p] * x3[b,k,p].
    const onnx::NodeProto *first = producer(u);
    std::optional<EinsumRoles> roles1 =
        first ? einsumRoles(*first) : std::nullopt;
    if (!roles1 || !isFirstProduct(*roles1))
      return false;
    std::string w1 = first->input(roles1->weightOperand);
    // x [b, n] is the input of the one Reshape to [b, k, p].
    std::string x = first->input(1 - roles1->weightOperand);
    const onnx::NodeProto *split = producer(x);
    if (!split || split->op_type() != "Reshape")
      return false;
    x = split->input(0);

    Value xValue = node.valueNamed(x).value;
    Value w1Value = node.valueNamed(w1).value;
    Value w2Value = node.valueNamed(w2).value;
    auto xType = cast<RankedTensorType>(xValue.getType());
    auto w1Type = cast<RankedTensorType>(w1Value.getType());
    auto w2Type = cast<RankedTensorType>(w2Value.getType());
    auto tType = cast<RankedTensorType>(
        node.valueNamed(transpose->input(0)).value.getType());
    if (xType.getRank() != 2 || w1Type.getRank() != 3 ||
        w2Type.getRank() != 3 || tType.getRank() != 3 ||
        !isa<Float32Type, Float16Type, BFloat16Type>(xType.getElementType()))
      return false;
    // t is [b, r, l] before the transpose.
    if (conflict(tType.getDimSize(1), w2Type.getDimSize(2)) ||
        conflict(tType.getDimSize(2), w2Type.getDimSize(0)))
      return false;
    // The final Reshape flattens [b, s, l] to [b, s * l].
    int64_t flat = ShapedType::kDynamic;
    if (!w2Type.isDynamicDim(0) && !w2Type.isDynamicDim(1))
      flat = w2Type.getDimSize(0) * w2Type.getDimSize(1);
    std::optional<SmallVector<int64_t>> target = node.constantInts(1);
    if (!target || target->size() != 2 ||
        ((*target)[1] != -1 && conflict((*target)[1], flat)))
      return false;
    auto resultType = RankedTensorType::get({xType.getDimSize(0), flat},
                                            xType.getElementType());
    auto monarch = mix::MonarchOp::create(node.builder(), node.loc(),
                                          resultType, xValue, w1Value, w2Value,
                                          /*schedule=*/mix::ScheduleAttr());
    if (failed(verify(monarch))) {
      monarch.erase();
      return false;
    }
    node.setOutput(0, monarch.getY());
    return true;
  }

private:
  const onnx::NodeProto *producer(StringRef name) {
    return node.producerOf(name);
  }

  /// u[b,k,q] = sum_p w1[k,q,p] * x[b,k,p]: w = kqp, d = bkp, o = bkq.
  static bool isFirstProduct(const EinsumRoles &r) {
    const std::string &w = r.weight, &d = r.data, &o = r.out;
    return o[0] == d[0] && o[1] == d[1] && d[1] == w[0] && o[2] == w[1] &&
           d[2] == w[2] && distinct(w + o[0]);
  }

  /// y[b,s,l] = sum_r w2[l,s,r] * t[b,l,r]: w = lsr, d = blr, o = bsl.
  static bool isSecondProduct(const EinsumRoles &r) {
    const std::string &w = r.weight, &d = r.data, &o = r.out;
    return o[0] == d[0] && o[2] == d[1] && d[1] == w[0] && o[1] == w[1] &&
           d[2] == w[2] && distinct(w + o[0]);
  }

  /// Static sizes that differ (dynamic ones match anything).
  static bool conflict(int64_t a, int64_t b) {
    return !ShapedType::isDynamic(a) && !ShapedType::isDynamic(b) && a != b;
  }

  static bool distinct(const std::string &letters) {
    std::string sorted = letters;
    llvm::sort(sorted);
    return std::adjacent_find(sorted.begin(), sorted.end()) == sorted.end();
  }

  static SmallVector<int64_t> permOf(const onnx::NodeProto &transpose) {
    for (const auto &attribute : transpose.attribute())
      if (attribute.name() == "perm")
        return SmallVector<int64_t>(attribute.ints().begin(),
                                    attribute.ints().end());
    return {};
  }

  /// Follows Reshape producers back to the first non-Reshape value.
  std::string skipReshapes(std::string name) {
    while (const onnx::NodeProto *op = producer(name)) {
      if (op->op_type() != "Reshape")
        break;
      name = op->input(0);
    }
    return name;
  }

  NodeContext &node;
};

} // namespace

FailureOr<bool> onnx_import::raiseNode(NodeContext &node) {
  FailureOr<bool> attention = AttentionMatcher(node).match();
  if (failed(attention) || *attention)
    return attention;
  return MonarchMatcher(node).match();
}
