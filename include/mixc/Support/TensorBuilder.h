//===- TensorBuilder.h - Building linalg on tensors, tersely -*- C++ -*-===//
//
// Small builders shared by the code that emits linalg on tensors (the mix
// decompositions, the ONNX importer): f32 conversion of whole tensors,
// empty/filled tensors with dynamic sizes, linalg.generic with indexing maps
// given as dim lists, common generic bodies, and slices along one dimension
// for recurrences. Tensors it creates are f32 unless said.
//
//===----------------------------------------------------------------------===//

#ifndef MIXC_SUPPORT_TENSORBUILDER_H
#define MIXC_SUPPORT_TENSORBUILDER_H

#include "mlir/Dialect/Arith/Utils/Utils.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/Dialect/Utils/StructuredOpsUtils.h"
#include "mlir/IR/Builders.h"

namespace mixc {

using BodyFn = llvm::function_ref<mlir::Value(mlir::OpBuilder &, mlir::Location,
                                              mlir::ValueRange)>;

/// Builds at one location; every tensor it creates is f32 unless said.
class TensorBuilder {
public:
  TensorBuilder(mlir::OpBuilder &builder, mlir::Location loc)
      : b(builder), loc(loc) {}

  mlir::OpBuilder &b;
  mlir::Location loc;

  mlir::Type f32() { return b.getF32Type(); }
  mlir::Value index(int64_t value);
  mlir::Value f32Constant(double value);

  /// Size of `dim` of `tensor`: an attribute when static, tensor.dim if not.
  mlir::OpFoldResult dim(mlir::Value tensor, int64_t dim);
  mlir::Value dimValue(mlir::Value tensor, int64_t dim);
  llvm::SmallVector<mlir::OpFoldResult> dims(mlir::Value tensor);

  mlir::Value empty(llvm::ArrayRef<mlir::OpFoldResult> sizes,
                    mlir::Type elementType = {});
  mlir::Value filled(llvm::ArrayRef<mlir::OpFoldResult> sizes, double value);

  /// Elementwise conversion of a whole tensor to f32 (ints are signed).
  mlir::Value toF32(mlir::Value tensor);
  /// Elementwise conversion of an f32 tensor to `elementType`.
  mlir::Value fromF32(mlir::Value tensor, mlir::Type elementType);

  /// linalg.generic with one output `init`; `maps` lists, for each input and
  /// then the output, the loop dims that index it (e.g. {0, 1, 3}).
  mlir::Value generic(llvm::ArrayRef<mlir::Value> inputs, mlir::Value init,
                      llvm::ArrayRef<llvm::SmallVector<unsigned>> maps,
                      llvm::ArrayRef<mlir::utils::IteratorType> iterators,
                      BodyFn body);
  /// Elementwise f32 map over same-shaped inputs.
  mlir::Value map(llvm::ArrayRef<mlir::Value> inputs, BodyFn body);

  /// The slice of `tensor` at position `pos` of `dim`, with `dim` dropped.
  mlir::Value sliceAt(mlir::Value tensor, int64_t dim, mlir::OpFoldResult pos);
  /// Inserts `slice` (shaped like sliceAt's result) into `dest` at `pos`.
  mlir::Value insertAt(mlir::Value slice, mlir::Value dest, int64_t dim,
                       mlir::OpFoldResult pos);

  /// Loop index `dim` inside a linalg.generic body.
  static mlir::Value loopIndex(mlir::OpBuilder &b, mlir::Location loc,
                               unsigned dim);
  static mlir::Value scalarToF32(mlir::OpBuilder &b, mlir::Location loc,
                                 mlir::Value value);
  static mlir::Value scalarFromF32(mlir::OpBuilder &b, mlir::Location loc,
                                   mlir::Value value, mlir::Type type);

  /// Generic bodies: acc + lhs * rhs for (lhs, rhs, acc), a contraction step;
  /// args[0] + args[1], a sum reduction step or an elementwise sum.
  static mlir::Value multiplyAccumulate(mlir::OpBuilder &b, mlir::Location loc,
                                        mlir::ValueRange args);
  static mlir::Value add(mlir::OpBuilder &b, mlir::Location loc,
                         mlir::ValueRange args);

  /// Iterator lists: "pppr" -> parallel x3, reduction.
  static llvm::SmallVector<mlir::utils::IteratorType>
  iterators(llvm::StringRef spec);
};

} // namespace mixc

#endif // MIXC_SUPPORT_TENSORBUILDER_H
