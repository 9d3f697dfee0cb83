//===- TensorBuilder.cpp - Building linalg on tensors, tersely -----------===//
//
// See TensorBuilder.h.
//
//===----------------------------------------------------------------------===//

#include "mixc/Support/TensorBuilder.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/AffineMap.h"
#include "mlir/IR/TypeUtilities.h"

using namespace mlir;
using namespace mixc;

Value TensorBuilder::index(int64_t value) {
  return arith::ConstantIndexOp::create(b, loc, value);
}

Value TensorBuilder::f32Constant(double value) {
  return arith::ConstantOp::create(b, loc, b.getF32FloatAttr(value));
}

OpFoldResult TensorBuilder::dim(Value tensor, int64_t dim) {
  auto type = cast<RankedTensorType>(tensor.getType());
  if (!type.isDynamicDim(dim))
    return b.getIndexAttr(type.getDimSize(dim));
  return tensor::DimOp::create(b, loc, tensor, dim).getResult();
}

Value TensorBuilder::dimValue(Value tensor, int64_t dim) {
  return getValueOrCreateConstantIndexOp(b, loc, this->dim(tensor, dim));
}

SmallVector<OpFoldResult> TensorBuilder::dims(Value tensor) {
  SmallVector<OpFoldResult> result;
  for (int64_t i = 0, e = cast<RankedTensorType>(tensor.getType()).getRank();
       i < e; ++i)
    result.push_back(dim(tensor, i));
  return result;
}

Value TensorBuilder::empty(ArrayRef<OpFoldResult> sizes, Type elementType) {
  return tensor::EmptyOp::create(b, loc, sizes,
                                 elementType ? elementType : f32());
}

Value TensorBuilder::filled(ArrayRef<OpFoldResult> sizes, double value) {
  return linalg::FillOp::create(b, loc, ValueRange{f32Constant(value)},
                                ValueRange{empty(sizes)})
      .getResult(0);
}

Value TensorBuilder::scalarToF32(OpBuilder &b, Location loc, Value value) {
  Type type = value.getType();
  Type f32 = b.getF32Type();
  if (type == f32)
    return value;
  if (isa<IntegerType>(type))
    return arith::SIToFPOp::create(b, loc, f32, value);
  if (type.getIntOrFloatBitWidth() < 32)
    return arith::ExtFOp::create(b, loc, f32, value);
  return arith::TruncFOp::create(b, loc, f32, value);
}

Value TensorBuilder::scalarFromF32(OpBuilder &b, Location loc, Value value,
                                   Type type) {
  if (type == value.getType())
    return value;
  if (isa<IntegerType>(type))
    return arith::FPToSIOp::create(b, loc, type, value);
  if (type.getIntOrFloatBitWidth() < 32)
    return arith::TruncFOp::create(b, loc, type, value);
  return arith::ExtFOp::create(b, loc, type, value);
}

Value TensorBuilder::toF32(Value tensor) {
  if (getElementTypeOrSelf(tensor.getType()) == f32())
    return tensor;
  return map({tensor}, [](OpBuilder &b, Location loc, ValueRange args) {
    return scalarToF32(b, loc, args[0]);
  });
}

Value TensorBuilder::fromF32(Value tensor, Type elementType) {
  if (elementType == f32())
    return tensor;
  auto type = cast<RankedTensorType>(tensor.getType());
  SmallVector<unsigned> all;
  for (unsigned i = 0; i < type.getRank(); ++i)
    all.push_back(i);
  return generic({tensor}, empty(dims(tensor), elementType), {all, all},
                 SmallVector<utils::IteratorType>(
                     type.getRank(), utils::IteratorType::parallel),
                 [&](OpBuilder &b, Location loc, ValueRange args) {
                   return scalarFromF32(b, loc, args[0], elementType);
                 });
}

Value TensorBuilder::generic(ArrayRef<Value> inputs, Value init,
                             ArrayRef<SmallVector<unsigned>> maps,
                             ArrayRef<utils::IteratorType> iteratorTypes,
                             BodyFn body) {
  SmallVector<AffineMap> affineMaps;
  for (const SmallVector<unsigned> &targets : maps)
    affineMaps.push_back(AffineMap::getMultiDimMapWithTargets(
        iteratorTypes.size(), targets, b.getContext()));
  auto op = linalg::GenericOp::create(
      b, loc, TypeRange{init.getType()}, inputs, ValueRange{init}, affineMaps,
      iteratorTypes,
      [&](OpBuilder &nested, Location nestedLoc, ValueRange args) {
        Value result = body(nested, nestedLoc, args);
        linalg::YieldOp::create(nested, nestedLoc, result);
      });
  return op.getResult(0);
}

Value TensorBuilder::map(ArrayRef<Value> inputs, BodyFn body) {
  auto type = cast<RankedTensorType>(inputs.front().getType());
  SmallVector<unsigned> all;
  for (unsigned i = 0; i < type.getRank(); ++i)
    all.push_back(i);
  SmallVector<SmallVector<unsigned>> maps(inputs.size() + 1, all);
  return generic(inputs, empty(dims(inputs.front())), maps,
                 SmallVector<utils::IteratorType>(
                     type.getRank(), utils::IteratorType::parallel),
                 body);
}

/// Reassociation that folds unit dimension `dim` of a rank-`rank` tensor into
/// a neighbour (none for rank 1: the result is rank 0).
static SmallVector<ReassociationIndices> dropDimReassociation(int64_t rank,
                                                              int64_t dim) {
  SmallVector<ReassociationIndices> groups;
  for (int64_t i = 0; i < rank; ++i) {
    if (i == dim)
      continue;
    groups.push_back({i});
  }
  if (groups.empty())
    return groups;
  if (dim == 0)
    groups.front().insert(groups.front().begin(), 0);
  else
    groups[dim - 1].push_back(dim);
  return groups;
}

// Slices keep every dimension and the unit one is collapsed (or expanded)
// explicitly: MLIR 22's rank-reducing extract_slice folds wrongly when another
// dimension is also 1 (llvm-project#178118), and its buffer lowering drops the
// wrong unit dimension when strides are dynamic (llvm-project#184334).
Value TensorBuilder::sliceAt(Value tensor, int64_t dim, OpFoldResult pos) {
  auto type = cast<RankedTensorType>(tensor.getType());
  SmallVector<OpFoldResult> offsets(type.getRank(), b.getIndexAttr(0));
  SmallVector<OpFoldResult> sizes = dims(tensor);
  SmallVector<OpFoldResult> strides(type.getRank(), b.getIndexAttr(1));
  offsets[dim] = pos;
  sizes[dim] = b.getIndexAttr(1);
  SmallVector<int64_t> shape(type.getShape());
  shape[dim] = 1;
  Value slice = tensor::ExtractSliceOp::create(
      b, loc, RankedTensorType::get(shape, type.getElementType()), tensor,
      offsets, sizes, strides);
  return tensor::CollapseShapeOp::create(
      b, loc, slice, dropDimReassociation(type.getRank(), dim));
}

Value TensorBuilder::insertAt(Value slice, Value dest, int64_t dim,
                              OpFoldResult pos) {
  auto type = cast<RankedTensorType>(dest.getType());
  SmallVector<OpFoldResult> offsets(type.getRank(), b.getIndexAttr(0));
  SmallVector<OpFoldResult> sizes = dims(dest);
  SmallVector<OpFoldResult> strides(type.getRank(), b.getIndexAttr(1));
  offsets[dim] = pos;
  sizes[dim] = b.getIndexAttr(1);
  SmallVector<int64_t> sliceShape(
      cast<RankedTensorType>(slice.getType()).getShape());
  sliceShape.insert(sliceShape.begin() + dim, 1);
  SmallVector<OpFoldResult> sliceSizes = dims(slice);
  sliceSizes.insert(sliceSizes.begin() + dim, b.getIndexAttr(1));
  Value expanded = tensor::ExpandShapeOp::create(
      b, loc, RankedTensorType::get(sliceShape, type.getElementType()), slice,
      dropDimReassociation(type.getRank(), dim), sliceSizes);
  return tensor::InsertSliceOp::create(b, loc, expanded, dest, offsets, sizes,
                                       strides);
}

Value TensorBuilder::loopIndex(OpBuilder &b, Location loc, unsigned dim) {
  return linalg::IndexOp::create(b, loc, dim);
}

Value TensorBuilder::multiplyAccumulate(OpBuilder &b, Location loc,
                                        ValueRange args) {
  Value product = arith::MulFOp::create(b, loc, args[0], args[1]);
  return arith::AddFOp::create(b, loc, args[2], product);
}

Value TensorBuilder::add(OpBuilder &b, Location loc, ValueRange args) {
  return arith::AddFOp::create(b, loc, args[0], args[1]);
}

SmallVector<utils::IteratorType> TensorBuilder::iterators(StringRef spec) {
  SmallVector<utils::IteratorType> result;
  for (char c : spec)
    result.push_back(c == 'r' ? utils::IteratorType::reduction
                              : utils::IteratorType::parallel);
  return result;
}
