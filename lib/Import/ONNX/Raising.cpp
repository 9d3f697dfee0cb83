//===- Raising.cpp - ONNX subgraphs to mix ops ----------------------------===//
//
// Recognises softmax attention as exporters write it and imports it as one
// mix.attention:
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

  /// A boolean mask; `negate` when true means "masked out".
  void classifyKeep(StringRef name, bool negate) {
    if (DenseElementsAttr constant = known(name)) {
      if (isCausalMask(constant,
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
    if (DenseElementsAttr constant = known(name)) {
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
    if (!trilu || trilu->op_type() != "Trilu" || trilu->input_size() > 1)
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
  std::string query, keyT, value;
  double scale = 1.0;
  Mask mask;
};

} // namespace

FailureOr<bool> onnx_import::raiseNode(NodeContext &node) {
  return AttentionMatcher(node).match();
}
