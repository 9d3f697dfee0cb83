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
// The quadratic (one-chunk) form of Mamba-2's SSD, in head-major layout
// ([B, H, L, *]), becomes one mix.ssd with the layout changes around it:
//
//   cs  = CumSum(Mul(dt [B,H,L], A [H,1]), axis=-1)
//   seg = Sub(Unsqueeze(cs, -1), Unsqueeze(cs, -2))        cs[t] - cs[s]
//   Lm  = Exp(Where(causal keep, seg, -inf)) | Mul(Exp(seg), causal 0/1)
//   M   = Mul(MatMul(C [B,G,L,N], Transpose(B [B,G,L,N])), Lm)
//   y   = MatMul(M, Mul(x [B,H,L,P], Unsqueeze(dt, -1)))
//
// which is y[t] = sum_{s<=t} C[t].B[s] exp(cs[t] - cs[s]) dt[s] x[s], the
// op's definition with a = exp(dt A). Both uses of dt must be the same
// value, the mask known and exactly causal, and G equal to 1 or H.
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

/// `value` with its dimensions permuted: result dim i is input dim perm[i].
Value transposed(NodeContext &node, Value value, ArrayRef<int64_t> perm) {
  auto type = cast<RankedTensorType>(value.getType());
  TensorBuilder tb = node.tensors();
  SmallVector<OpFoldResult> inSizes = tb.dims(value), outSizes;
  SmallVector<unsigned> inputMap(perm.size()), outputMap;
  for (auto [i, from] : llvm::enumerate(perm)) {
    outSizes.push_back(inSizes[from]);
    inputMap[from] = i;
    outputMap.push_back(i);
  }
  return tb.generic(
      {value}, tb.empty(outSizes, type.getElementType()), {inputMap, outputMap},
      SmallVector<utils::IteratorType>(perm.size(),
                                       utils::IteratorType::parallel),
      [](OpBuilder &, Location, ValueRange args) { return args[0]; });
}

/// The `perm` attribute of a Transpose node (empty when absent).
SmallVector<int64_t> permOf(const onnx::NodeProto &transpose) {
  for (const auto &attribute : transpose.attribute())
    if (attribute.name() == "perm")
      return SmallVector<int64_t>(attribute.ints().begin(),
                                  attribute.ints().end());
  return {};
}

/// Static sizes that differ (dynamic ones match anything).
bool conflict(int64_t lhs, int64_t rhs) {
  return !ShapedType::isDynamic(lhs) && !ShapedType::isDynamic(rhs) &&
         lhs != rhs;
}

/// What every matcher reads of the graph around the node being imported.
class GraphMatcher {
protected:
  explicit GraphMatcher(NodeContext &node) : node(node) {}

  const onnx::NodeProto *producer(StringRef name) {
    return node.producerOf(name);
  }
  DenseElementsAttr known(StringRef name) {
    return node.valueNamed(name).constant;
  }

  NodeContext &node;
};

class AttentionMatcher : public GraphMatcher {
public:
  explicit AttentionMatcher(NodeContext &node) : GraphMatcher(node) {}

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
        SmallVector<int64_t> perm = permOf(*transpose);
        bool swapsLast = int64_t(perm.size()) == rank;
        for (int64_t d = 0; swapsLast && d < rank; ++d)
          swapsLast =
              perm[d] ==
              (d < rank - 2 ? d : (d == rank - 2 ? rank - 1 : rank - 2));
        if (swapsLast)
          return node.valueNamed(transpose->input(0)).value;
      }
    }
    SmallVector<int64_t> swapLast = llvm::to_vector(llvm::seq<int64_t>(rank));
    std::swap(swapLast[rank - 2], swapLast[rank - 1]);
    return transposed(node, kt, swapLast);
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

class MonarchMatcher : public GraphMatcher {
public:
  explicit MonarchMatcher(NodeContext &node) : GraphMatcher(node) {}

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

  static bool distinct(const std::string &letters) {
    std::string sorted = letters;
    llvm::sort(sorted);
    return std::adjacent_find(sorted.begin(), sorted.end()) == sorted.end();
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
};

class SsdMatcher : public GraphMatcher {
public:
  explicit SsdMatcher(NodeContext &node) : GraphMatcher(node) {}

  FailureOr<bool> match() {
    const onnx::NodeProto &out = node.node();
    if (out.op_type() != "MatMul" || !node.hasInput(0) || !node.hasInput(1))
      return false;
    // y = MatMul(M, Mul(x, Unsqueeze(dt, -1))).
    const onnx::NodeProto *scaledX = producer(out.input(1));
    if (!scaledX || scaledX->op_type() != "Mul")
      return false;
    for (int side = 0; side < 2 && dt.empty(); ++side)
      if (auto inner = unsqueezedFrom(scaledX->input(side), /*axis=*/3)) {
        dt = *inner;
        x = scaledX->input(1 - side);
      }
    if (dt.empty())
      return false;
    // M = Mul(MatMul(C, Transpose(B)), Lm).
    const onnx::NodeProto *weights = producer(out.input(0));
    if (!weights || weights->op_type() != "Mul")
      return false;
    bool found = false;
    for (int side = 0; side < 2 && !found; ++side)
      found = matchScores(weights->input(side)) &&
              matchDecay(weights->input(1 - side));
    if (!found)
      return false;
    return emit();
  }

private:
  RankedTensorType typeOf(StringRef name) {
    return dyn_cast<RankedTensorType>(node.valueNamed(name).value.getType());
  }

  /// The input of `Unsqueeze(input, axes=[axis])` producing a rank-4 `name`.
  std::optional<std::string> unsqueezedFrom(StringRef name, int64_t axis) {
    const onnx::NodeProto *op = producer(name);
    RankedTensorType type = typeOf(name);
    if (!op || op->op_type() != "Unsqueeze" || !type || type.getRank() != 4)
      return std::nullopt;
    SmallVector<int64_t> axes;
    if (op->input_size() > 1) {
      DenseElementsAttr constant = known(op->input(1));
      if (!constant || !isa<IntegerType>(constant.getElementType()))
        return std::nullopt;
      for (const APInt &value : constant.getValues<APInt>())
        axes.push_back(value.getSExtValue());
    } else {
      for (const auto &attribute : op->attribute())
        if (attribute.name() == "axes")
          axes.assign(attribute.ints().begin(), attribute.ints().end());
    }
    if (axes.size() != 1 || (axes[0] != axis && axes[0] != axis - 4))
      return std::nullopt;
    return op->input(0);
  }

  /// S = MatMul(C, Transpose<[0,1,3,2]>(B)).
  bool matchScores(StringRef name) {
    const onnx::NodeProto *matmul = producer(name);
    if (!matmul || matmul->op_type() != "MatMul")
      return false;
    const onnx::NodeProto *transpose = producer(matmul->input(1));
    if (!transpose || transpose->op_type() != "Transpose" ||
        permOf(*transpose) != SmallVector<int64_t>{0, 1, 3, 2})
      return false;
    c = matmul->input(0);
    b = transpose->input(0);
    return true;
  }

  /// Lm = Exp(Where(causal, seg, -inf)) or Mul(Exp(seg), causal 0/1), with
  /// seg = cs[t] - cs[s] and cs = CumSum(dt * A) over the length.
  bool matchDecay(StringRef name) {
    const onnx::NodeProto *op = producer(name);
    if (!op)
      return false;
    std::string segment;
    if (op->op_type() == "Mul") {
      for (int side = 0; side < 2 && segment.empty(); ++side) {
        const onnx::NodeProto *exp = producer(op->input(side));
        if (exp && exp->op_type() == "Exp" &&
            isCausal(
                op->input(1 - side), [](double v) { return v == 1; },
                [](double v) { return v == 0; }))
          segment = exp->input(0);
      }
    } else if (op->op_type() == "Exp") {
      const onnx::NodeProto *where = producer(op->input(0));
      if (!where || where->op_type() != "Where")
        return false;
      auto keeps = [](double v) { return v != 0; };
      auto drops = [](double v) { return v == 0; };
      StringRef condition = where->input(0);
      if (isMaskingValue(uniformValue(known(where->input(2)))) &&
          (isCausal(condition, keeps, drops) ||
           isBuiltCausal(condition, /*keeps=*/true)))
        segment = where->input(1);
      else if (isMaskingValue(uniformValue(known(where->input(1)))) &&
               (isCausal(condition, drops, keeps) ||
                isBuiltCausal(condition, /*keeps=*/false)))
        segment = where->input(2);
    }
    return !segment.empty() && matchSegmentSum(segment);
  }

  /// Whether `name` is a known [L, L] mask (any leading unit dims) whose
  /// entries pass `kept` on and below the diagonal and `dropped` above it.
  bool isCausal(StringRef name, function_ref<bool(double)> kept,
                function_ref<bool(double)> dropped) {
    DenseElementsAttr mask = known(name);
    if (!mask || mask.getType().getRank() < 2)
      return false;
    for (int64_t size : mask.getType().getShape().drop_back(2))
      if (size != 1)
        return false;
    maskLength = mask.getType().getShape().back();
    return mask.getType().getShape().drop_back().back() == maskLength &&
           isCausalMask(mask, kept) &&
           isCausalMask(mask, [&](double v) { return !dropped(v); });
  }

  /// Whether `name` is a boolean causal mask built in the graph, as
  /// PyTorch's exporter leaves torch.tril(ones) with masked_fill: Trilu(ones
  /// [L, L], upper = 0, k = 0) keeps j <= i; each Not flips it, a Cast to
  /// bool keeps it. `keeps` is the polarity wanted (true: true = attend).
  bool isBuiltCausal(StringRef name, bool keeps) {
    const onnx::NodeProto *op = producer(name);
    while (op && (op->op_type() == "Not" || op->op_type() == "Cast")) {
      if (op->op_type() == "Not")
        keeps = !keeps;
      for (const auto &attribute : op->attribute())
        if (attribute.name() == "to" &&
            attribute.i() != onnx::TensorProto::BOOL)
          return false;
      op = producer(op->input(0));
    }
    if (!op || op->op_type() != "Trilu" || !keeps)
      return false;
    for (const auto &attribute : op->attribute())
      if (attribute.name() == "upper" && attribute.i() != 0)
        return false;
    if (op->input_size() > 1 && !op->input(1).empty() &&
        uniformValue(known(op->input(1))) != 0.0)
      return false;
    DenseElementsAttr ones = known(op->input(0));
    if (!ones || ones.getType().getRank() != 2 || uniformValue(ones) != 1.0 ||
        ones.getType().getDimSize(0) != ones.getType().getDimSize(1))
      return false;
    maskLength = ones.getType().getDimSize(0);
    return true;
  }

  /// seg = Sub(Unsqueeze(cs, -1), Unsqueeze(cs, -2)), cs = CumSum(dA, -1),
  /// dA = Mul(dt, A) with the dt of x's scaling.
  bool matchSegmentSum(StringRef name) {
    const onnx::NodeProto *sub = producer(name);
    if (!sub || sub->op_type() != "Sub")
      return false;
    std::optional<std::string> rows = unsqueezedFrom(sub->input(0), 3);
    std::optional<std::string> cols = unsqueezedFrom(sub->input(1), 2);
    if (!rows || !cols || *rows != *cols)
      return false;
    const onnx::NodeProto *cumsum = producer(*rows);
    if (!cumsum || cumsum->op_type() != "CumSum")
      return false;
    for (const auto &attribute : cumsum->attribute())
      if ((attribute.name() == "exclusive" || attribute.name() == "reverse") &&
          attribute.i() != 0)
        return false;
    DenseElementsAttr axis = known(cumsum->input(1));
    if (!axis || axis.getNumElements() != 1 ||
        !isa<IntegerType>(axis.getElementType()))
      return false;
    int64_t axisValue = (*axis.getValues<APInt>().begin()).getSExtValue();
    if (axisValue != 2 && axisValue != -1)
      return false;
    const onnx::NodeProto *decay = producer(cumsum->input(0));
    if (!decay || decay->op_type() != "Mul")
      return false;
    for (int side = 0; side < 2 && a.empty(); ++side)
      if (decay->input(side) == dt)
        a = decay->input(1 - side);
    return !a.empty();
  }

  FailureOr<bool> emit() {
    RankedTensorType xType = typeOf(x), dtType = typeOf(dt), aType = typeOf(a),
                     bType = typeOf(b), cType = typeOf(c);
    if (!xType || !dtType || !aType || !bType || !cType ||
        xType.getRank() != 4 || dtType.getRank() != 3 || bType != cType ||
        bType.getRank() != 4 || aType.getRank() < 2)
      return false;
    for (RankedTensorType type : {xType, dtType, aType, bType})
      if (!isa<Float32Type, Float16Type, BFloat16Type>(type.getElementType()))
        return false;
    // x [B,H,L,P], dt [B,H,L], B = C [B,G,L,N] with G in {1, H}, A [.., H, 1]
    // with unit leading dims, and the mask as long as the sequence.
    int64_t heads = xType.getDimSize(1), length = xType.getDimSize(2);
    int64_t groups = bType.getDimSize(1);
    if (conflict(dtType.getDimSize(0), xType.getDimSize(0)) ||
        conflict(dtType.getDimSize(1), heads) ||
        conflict(dtType.getDimSize(2), length) ||
        conflict(bType.getDimSize(0), xType.getDimSize(0)) ||
        conflict(bType.getDimSize(2), length) || maskLength != length ||
        ShapedType::isDynamic(groups) || (groups != 1 && groups != heads))
      return false;
    ArrayRef<int64_t> aShape = aType.getShape();
    if (aShape.back() != 1 || conflict(aShape.drop_back().back(), heads) ||
        llvm::any_of(aShape.drop_back(2), [](int64_t s) { return s != 1; }))
      return false;

    OpBuilder &builder = node.builder();
    Location loc = node.loc();
    // Head-major to the op's token-major layout, and back for the result.
    Value xTokens = transposed(node, node.valueNamed(x).value, {0, 2, 1, 3});
    Value dtTokens = transposed(node, node.valueNamed(dt).value, {0, 2, 1});
    Value bTokens = transposed(node, node.valueNamed(b).value, {0, 2, 1, 3});
    Value cTokens = transposed(node, node.valueNamed(c).value, {0, 2, 1, 3});
    ReassociationIndices all =
        llvm::to_vector(llvm::seq<int64_t>(aType.getRank()));
    Value aHeads = tensor::CollapseShapeOp::create(
        builder, loc, node.valueNamed(a).value, {all});
    auto ssd = mix::SSDOp::create(builder, loc, xTokens, dtTokens, aHeads,
                                  bTokens, cTokens, /*D=*/Value());
    if (failed(verify(ssd))) {
      ssd.erase();
      return false;
    }
    node.setOutput(0, transposed(node, ssd.getY(), {0, 2, 1, 3}));
    return true;
  }

  std::string x, dt, a, b, c;
  int64_t maskLength = ShapedType::kDynamic;
};

} // namespace

FailureOr<bool> onnx_import::raiseNode(NodeContext &node) {
  FailureOr<bool> attention = AttentionMatcher(node).match();
  if (failed(attention) || *attention)
    return attention;
  FailureOr<bool> ssd = SsdMatcher(node).match();
  if (failed(ssd) || *ssd)
    return ssd;
  return MonarchMatcher(node).match();
}
