//===- OpsNormalization.cpp - ONNX ops: Normalization ---------------------------===//
//
// Softmax, normalizations, reductions, CumSum and Trilu.
//
//===----------------------------------------------------------------------===//

#include "NodeImporter.h"

using namespace mlir;
using namespace mixc::onnx_import;

ArrayRef<OnnxOpDecl> mixc::onnx_import::getNormalizationOps() { return {}; }
