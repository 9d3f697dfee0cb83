//===- OpsElementwise.cpp - Elementwise ONNX ops --------------------------===//
//
// Arithmetic, comparisons, logic, activations and casts: each is one
// linalg.generic over the broadcast result (NodeContext::broadcastElementwise).
//
//===----------------------------------------------------------------------===//

#include "NodeImporter.h"

#include "mlir/Dialect/Arith/IR/Arith.h"

using namespace mlir;
using namespace mixc::onnx_import;

static LogicalResult importIdentity(NodeContext &node) {
  node.setOutput(0, node.input(0), node.constantInput(0));
  return success();
}

static LogicalResult importAdd(NodeContext &node) {
  Type elementType = node.inputType(0).getElementType();
  if (node.inputType(1).getElementType() != elementType)
    return node.fail("inputs have different element types");
  Value result = node.broadcastElementwise(
      {node.input(0), node.input(1)}, elementType,
      [&](OpBuilder &b, Location loc, ValueRange args) -> Value {
        if (isa<FloatType>(elementType))
          return arith::AddFOp::create(b, loc, args[0], args[1]);
        return arith::AddIOp::create(b, loc, args[0], args[1]);
      });
  if (!result)
    return failure();
  node.setOutput(0, result);
  return success();
}

ArrayRef<OnnxOpDecl> mixc::onnx_import::getElementwiseOps() {
  static const OnnxOpDecl rows[] = {
      {"Add", 7, 23, importAdd, ""},
      {"Identity", 1, 23, importIdentity, "tensors only"},
  };
  return rows;
}
