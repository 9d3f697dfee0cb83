//===- OpsLinear.cpp - ONNX ops: Linear ---------------------------===//
//
// MatMul, Gemm, Einsum and the opset-23 Attention op.
//
//===----------------------------------------------------------------------===//

#include "NodeImporter.h"

using namespace mlir;
using namespace mixc::onnx_import;

ArrayRef<OnnxOpDecl> mixc::onnx_import::getLinearOps() { return {}; }
