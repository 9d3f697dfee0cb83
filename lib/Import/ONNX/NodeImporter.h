//===- NodeImporter.h - What an ONNX op importer sees of its node -*- C++
//-*-===//
//
// The interface between the graph importer (OnnxImporter.cpp) and the op
// importers (Ops*.cpp, one function per ONNX op type, listed in the table in
// OnnxOps.cpp). An op importer reads its node's inputs (as MLIR values, and
// as constants when they are known at import time), its attributes, builds
// linalg/tensor/arith/math (or mix) ops at the node's location and sets its
// outputs. It reports what it cannot handle with fail(), which names the node.
//
//===----------------------------------------------------------------------===//

#ifndef MIXC_LIB_IMPORT_ONNX_NODEIMPORTER_H
#define MIXC_LIB_IMPORT_ONNX_NODEIMPORTER_H

#include "mixc/Support/TensorBuilder.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinTypes.h"
#include "llvm/ADT/StringMap.h"

#include <onnx/onnx_pb.h>

#include <optional>
#include <string>

namespace mixc::onnx_import {

/// A value of the graph: the MLIR value and, when its contents are known at
/// import time (an initializer, a Constant, or folded from known values, as
/// shape computations are), those contents.
struct GraphValue {
  mlir::Value value;
  mlir::DenseElementsAttr constant;
};

class GraphImporter;

class NodeContext {
public:
  NodeContext(GraphImporter &graph, const onnx::NodeProto &node,
              llvm::StringRef displayName, int64_t opset,
              mlir::OpBuilder &builder, mlir::Location loc);

  const onnx::NodeProto &node() const { return nodeProto; }
  /// The opset of the default ONNX domain that the model imports.
  int64_t opset() const { return opsetVersion; }
  mlir::OpBuilder &builder() { return b; }
  mlir::Location loc() const { return location; }
  mlir::MLIRContext *context() const { return b.getContext(); }
  TensorBuilder tensors() { return TensorBuilder(b, location); }

  //===--- Inputs: optional inputs left out or named "" are absent --------===//
  size_t numInputs() const { return nodeProto.input_size(); }
  bool hasInput(size_t i) const;
  mlir::Value input(size_t i) const;
  mlir::RankedTensorType inputType(size_t i) const;
  /// The input's contents when known at import time, else null.
  mlir::DenseElementsAttr constantInput(size_t i) const;
  /// The contents of a known integer input, as int64 values.
  std::optional<llvm::SmallVector<int64_t>> constantInts(size_t i) const;

  /// Any graph value by name (for raising patterns that look past the
  /// node's own inputs), and the node that produced it (null for graph
  /// inputs and initializers).
  GraphValue valueNamed(llvm::StringRef name) const;
  const onnx::NodeProto *producerOf(llvm::StringRef name) const;

  //===--- Attributes -----------------------------------------------------===//
  bool hasAttr(llvm::StringRef name) const;
  std::optional<int64_t> optionalIntAttr(llvm::StringRef name) const;
  int64_t intAttr(llvm::StringRef name, int64_t defaultValue) const;
  float floatAttr(llvm::StringRef name, float defaultValue) const;
  std::string stringAttr(llvm::StringRef name,
                         llvm::StringRef defaultValue) const;
  std::optional<llvm::SmallVector<int64_t>>
  intsAttr(llvm::StringRef name) const;
  std::optional<llvm::SmallVector<float>>
  floatsAttr(llvm::StringRef name) const;
  const onnx::TensorProto *tensorAttr(llvm::StringRef name) const;

  //===--- Outputs --------------------------------------------------------===//
  size_t numOutputs() const { return nodeProto.output_size(); }
  /// Whether output i is used (declared and not named "").
  bool hasOutput(size_t i) const;
  void setOutput(size_t i, mlir::Value value,
                 mlir::DenseElementsAttr constant = {});
  /// Materializes `constant` as arith.constant and sets it as output i.
  void setConstantOutput(size_t i, mlir::DenseElementsAttr constant);

  //===--- Helpers --------------------------------------------------------===//
  /// Reports "node '<name>' (<OpType>, opset <N>): <message>" and returns
  /// failure; the whole import then fails.
  mlir::LogicalResult fail(const llvm::Twine &message);
  /// The TensorProto's contents as an attribute (raw, typed or external
  /// data); fails with a message naming the tensor.
  mlir::FailureOr<mlir::DenseElementsAttr>
  tensorToAttr(const onnx::TensorProto &tensor);
  /// Normalises an axis in [-rank, rank) to [0, rank); fails otherwise.
  mlir::FailureOr<int64_t> normalizeAxis(int64_t axis, int64_t rank,
                                         llvm::StringRef what = "axis");

  /// Elementwise op with NumPy/ONNX multidirectional broadcasting over
  /// `inputs`; the body gets one scalar per input. A static size-1 dimension
  /// broadcasts; dynamic dimensions are taken to be equal to the result's.
  mlir::Value broadcastElementwise(llvm::ArrayRef<mlir::Value> inputs,
                                   mlir::Type resultElementType, BodyFn body);
  /// Broadcast result shape of `shapes`, or failure with a message when two
  /// static sizes differ and neither is 1.
  mlir::FailureOr<llvm::SmallVector<int64_t>>
  broadcastShape(llvm::ArrayRef<llvm::ArrayRef<int64_t>> shapes);

private:
  GraphImporter &graph;
  const onnx::NodeProto &nodeProto;
  std::string displayName;
  int64_t opsetVersion;
  mlir::OpBuilder &b;
  mlir::Location location;
  llvm::StringMap<const onnx::AttributeProto *> attributes;
};

/// The MLIR element type of an ONNX TensorProto::DataType, or null for one
/// mixc does not support (strings, unsigned, complex, ...).
mlir::Type elementTypeFor(mlir::MLIRContext *context, int32_t onnxType);
/// "FLOAT16", "UINT8": the name of an ONNX data type, for messages.
llvm::StringRef onnxTypeName(int32_t onnxType);

using NodeImportFn = mlir::LogicalResult (*)(NodeContext &);

/// One supported ONNX op: the opset range (of the default domain) whose
/// semantics the importer implements, the importer, and notes on limits.
struct OnnxOpDecl {
  llvm::StringRef opType;
  int64_t minOpset;
  int64_t maxOpset;
  NodeImportFn import;
  llvm::StringRef notes;
  /// Required inputs, checked before the importer runs. -1: take it from
  /// libonnx's schema (opsets up to 17); set it for ops newer than those.
  int minInputs = -1;
};

/// The one table of supported ops, joined in OnnxOps.cpp from the rows each
/// op-family file declares next to its importers; docs/onnx-ops.md is
/// generated from it.
llvm::ArrayRef<OnnxOpDecl> getOnnxOpTable();
/// The rows of each family (OpsElementwise.cpp, OpsNormalization.cpp,
/// OpsShape.cpp, OpsLinear.cpp).
llvm::ArrayRef<OnnxOpDecl> getElementwiseOps();
llvm::ArrayRef<OnnxOpDecl> getNormalizationOps();
llvm::ArrayRef<OnnxOpDecl> getShapeOps();
llvm::ArrayRef<OnnxOpDecl> getLinearOps();
/// The entry for `opType` whose range holds `opset`, or null.
const OnnxOpDecl *lookupOnnxOp(llvm::StringRef opType, int64_t opset);

/// Raising (Raising.cpp): imports `node` as the mix op that the subgraph it
/// ends computes, when it matches (the output MatMul of softmax attention,
/// the final Reshape of a Monarch product). Returns true when it did; false
/// when the pattern does not match (ops it built on the way are left unused
/// and erased with the dead code after import); failure on an error.
mlir::FailureOr<bool> raiseNode(NodeContext &node);

} // namespace mixc::onnx_import

#endif // MIXC_LIB_IMPORT_ONNX_NODEIMPORTER_H
