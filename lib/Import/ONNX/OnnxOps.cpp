//===- OnnxOps.cpp - The table of supported ONNX ops ----------------------===//
//
// Joins the rows that each op-family file declares beside its importers into
// the one table the importer looks ops up in and docs/onnx-ops.md lists.
//
//===----------------------------------------------------------------------===//

#include "NodeImporter.h"

#include "mixc/Import/OnnxImporter.h"

using namespace mlir;
using namespace mixc;
using namespace mixc::onnx_import;

ArrayRef<OnnxOpDecl> onnx_import::getOnnxOpTable() {
  static const std::vector<OnnxOpDecl> table = [] {
    std::vector<OnnxOpDecl> rows;
    for (ArrayRef<OnnxOpDecl> family :
         {getElementwiseOps(), getNormalizationOps(), getShapeOps(),
          getLinearOps()})
      rows.insert(rows.end(), family.begin(), family.end());
    llvm::sort(rows, [](const OnnxOpDecl &a, const OnnxOpDecl &b) {
      return std::make_pair(a.opType, a.minOpset) <
             std::make_pair(b.opType, b.minOpset);
    });
    return rows;
  }();
  return table;
}

const OnnxOpDecl *onnx_import::lookupOnnxOp(StringRef opType, int64_t opset) {
  for (const OnnxOpDecl &decl : getOnnxOpTable())
    if (decl.opType == opType && decl.minOpset <= opset &&
        opset <= decl.maxOpset)
      return &decl;
  return nullptr;
}

std::vector<OnnxOpSupport> mixc::getSupportedOnnxOps() {
  std::vector<OnnxOpSupport> result;
  for (const OnnxOpDecl &decl : getOnnxOpTable())
    result.push_back(
        {decl.opType.str(), decl.minOpset, decl.maxOpset, decl.notes.str()});
  return result;
}
