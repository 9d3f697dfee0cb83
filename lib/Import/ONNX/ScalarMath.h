//===- ScalarMath.h - Scalar arithmetic on floats or integers ---*- C++ -*-===//
//
// The arithmetic that ONNX op importers build inside linalg.generic bodies,
// for floats and signed integers alike (i1 compares as unsigned). Shared by
// the op families so that each rule (NaN propagation, truncating division)
// is written once.
//
//===----------------------------------------------------------------------===//

#ifndef MIXC_LIB_IMPORT_ONNX_SCALARMATH_H
#define MIXC_LIB_IMPORT_ONNX_SCALARMATH_H

#include "mlir/Dialect/Arith/IR/Arith.h"

namespace mixc::onnx_import::scalar {

/// `FloatOp` on floats, `IntOp` on integers.
template <typename FloatOp, typename IntOp>
mlir::Value floatOrInt(mlir::OpBuilder &b, mlir::Location loc, mlir::Value x,
                       mlir::Value y) {
  if (llvm::isa<mlir::FloatType>(x.getType()))
    return FloatOp::create(b, loc, x, y);
  return IntOp::create(b, loc, x, y);
}

inline mlir::Value add(mlir::OpBuilder &b, mlir::Location loc, mlir::Value x,
                       mlir::Value y) {
  return floatOrInt<mlir::arith::AddFOp, mlir::arith::AddIOp>(b, loc, x, y);
}
inline mlir::Value sub(mlir::OpBuilder &b, mlir::Location loc, mlir::Value x,
                       mlir::Value y) {
  return floatOrInt<mlir::arith::SubFOp, mlir::arith::SubIOp>(b, loc, x, y);
}
inline mlir::Value mul(mlir::OpBuilder &b, mlir::Location loc, mlir::Value x,
                       mlir::Value y) {
  return floatOrInt<mlir::arith::MulFOp, mlir::arith::MulIOp>(b, loc, x, y);
}
/// Integer division truncates toward zero (C, and ONNX's reference: the
/// quotient cast back to the integer type); by zero it is undefined.
inline mlir::Value div(mlir::OpBuilder &b, mlir::Location loc, mlir::Value x,
                       mlir::Value y) {
  return floatOrInt<mlir::arith::DivFOp, mlir::arith::DivSIOp>(b, loc, x, y);
}
/// Max and min propagate NaN, as numpy.maximum and numpy.minimum do; i1
/// (bool) is unsigned.
inline mlir::Value max(mlir::OpBuilder &b, mlir::Location loc, mlir::Value x,
                       mlir::Value y) {
  if (x.getType().isInteger(1))
    return mlir::arith::MaxUIOp::create(b, loc, x, y);
  return floatOrInt<mlir::arith::MaximumFOp, mlir::arith::MaxSIOp>(b, loc, x,
                                                                   y);
}
inline mlir::Value min(mlir::OpBuilder &b, mlir::Location loc, mlir::Value x,
                       mlir::Value y) {
  if (x.getType().isInteger(1))
    return mlir::arith::MinUIOp::create(b, loc, x, y);
  return floatOrInt<mlir::arith::MinimumFOp, mlir::arith::MinSIOp>(b, loc, x,
                                                                   y);
}

} // namespace mixc::onnx_import::scalar

#endif // MIXC_LIB_IMPORT_ONNX_SCALARMATH_H
