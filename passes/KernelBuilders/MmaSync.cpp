//===- MmaSync.cpp - Warp-level mma.sync m16n8k16 fragments ---------------===//
//
// ldmatrix addressing and mma.sync for the fragments described in MmaSync.h.
// With .x4, lanes 8i..8i+7 give the row addresses of 8x8 matrix i, and every
// lane receives, per matrix, the two elements (row l/4, columns 2(l%4)..+1),
// or with .trans the two elements (rows 2(l%4)..+1, column l/4).
//
//===----------------------------------------------------------------------===//

#include "MmaSync.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/NVGPU/IR/NVGPUDialect.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

using namespace mlir;
using namespace mixc::kernels;

VectorType mma_sync::aType(Type elementType) {
  return VectorType::get({4, 2}, elementType);
}
VectorType mma_sync::bType(Type elementType) {
  return VectorType::get({2, 2}, elementType);
}
VectorType mma_sync::accType(MLIRContext *context) {
  return VectorType::get({2, 2}, Float32Type::get(context));
}
Value mma_sync::zeroAcc(ImplicitLocOpBuilder &b) {
  VectorType type = accType(b.getContext());
  return arith::ConstantOp::create(
      b, DenseElementsAttr::get(type, b.getF32FloatAttr(0.0f)));
}

static Value ldmatrix(Emitter &e, Value buffer, Value row, Value col,
                      bool transpose, mma_sync::TileIndexer indexer = nullptr) {
  ImplicitLocOpBuilder &b = e.builder();
  Type elementType = cast<MemRefType>(buffer.getType()).getElementType();
  SmallVector<Value> indices =
      indexer ? indexer(row, col) : SmallVector<Value>{row, col};
  return nvgpu::LdMatrixOp::create(b, mma_sync::aType(elementType), buffer,
                                   indices, transpose,
                                   /*numTiles=*/4);
}

static std::pair<Value, Value> splitRows(ImplicitLocOpBuilder &b, Value x4) {
  auto half = [&](int64_t row) -> Value {
    return vector::ExtractStridedSliceOp::create(
        b, x4, ArrayRef<int64_t>{row, 0}, ArrayRef<int64_t>{2, 2},
        ArrayRef<int64_t>{1, 1});
  };
  return {half(0), half(2)};
}

Value mma_sync::loadA(Emitter &e, Value buffer, Value lane, Value row,
                      Value col, TileIndexer indexer) {
  // Matrices: (rows 0-7, k 0-7), (rows 8-15, k 0-7), (0-7, 8-15), (8-15,
  // 8-15), so lane l addresses row l % 16 at k (l / 16) * 8.
  return ldmatrix(e, buffer, e.add(row, e.rem(lane, 16)),
                  e.add(col, e.mul(e.div(lane, 16), 8)), /*transpose=*/false,
                  indexer);
}

Value mma_sync::loadAT(Emitter &e, Value buffer, Value lane, Value row,
                       Value col) {
  // Transposed matrices, in loadA's order: (m 0-7, k 0-7) is stored as k rows
  // 0-7 at m 0, then (m 8-15, k 0-7), (m 0-7, k 8-15), (m 8-15, k 8-15). Lane
  // l addresses k row l % 8 + 8 (l / 16) at m 8 ((l / 8) % 2).
  Value k = e.add(col, e.add(e.rem(lane, 8), e.mul(e.div(lane, 16), 8)));
  Value m = e.add(row, e.mul(e.rem(e.div(lane, 8), 2), 8));
  return ldmatrix(e, buffer, k, m, /*transpose=*/true);
}

std::pair<Value, Value> mma_sync::loadBPairNK(Emitter &e, Value buffer,
                                              Value lane, Value n0, Value k0,
                                              TileIndexer indexer) {
  // Matrices: (n 0-7, k 0-7), (n 0-7, k 8-15), (n 8-15, k 0-7), (n 8-15,
  // k 8-15): the first two are B of n-tile n0, the last two of n0 + 8.
  Value n = e.add(n0, e.add(e.rem(lane, 8), e.mul(e.div(lane, 16), 8)));
  Value k = e.add(k0, e.mul(e.rem(e.div(lane, 8), 2), 8));
  return splitRows(e.builder(), ldmatrix(e, buffer, n, k, false, indexer));
}

std::pair<Value, Value> mma_sync::loadBPairKN(Emitter &e, Value buffer,
                                              Value lane, Value k0, Value n0) {
  // Transposed matrices: (k 0-7, n 0-7), (k 8-15, n 0-7), (k 0-7, n 8-15),
  // (k 8-15, n 8-15).
  Value k =
      e.add(k0, e.add(e.rem(lane, 8), e.mul(e.rem(e.div(lane, 8), 2), 8)));
  Value n = e.add(n0, e.mul(e.div(lane, 16), 8));
  return splitRows(e.builder(), ldmatrix(e, buffer, k, n, true));
}

SmallVector<Value> mma_sync::packedRows(ImplicitLocOpBuilder &b,
                                        Value fragment) {
  auto type = cast<VectorType>(fragment.getType());
  SmallVector<Value> registers;
  for (int64_t row = 0; row < type.getDimSize(0); ++row) {
    Value pair = vector::ExtractOp::create(b, fragment, ArrayRef<int64_t>{row});
    Value packed = vector::BitCastOp::create(
        b, VectorType::get({1}, b.getI32Type()), pair);
    registers.push_back(
        vector::ExtractOp::create(b, packed, ArrayRef<int64_t>{0}));
  }
  return registers;
}

Value mma_sync::mma(ImplicitLocOpBuilder &b, Value a, Value bFrag, Value acc) {
  // Inline PTX rather than nvgpu.mma.sync: MLIR 22's NVGPU-to-NVVM lowering
  // cannot type bf16 operands. A and B travel as packed 32-bit registers.
  Type elementType = cast<VectorType>(a.getType()).getElementType();
  StringRef type = elementType.isBF16() ? "bf16" : "f16";
  std::string text =
      ("mma.sync.aligned.m16n8k16.row.col.f32." + type + "." + type +
       ".f32 {$0, $1, $2, $3}, {$4, $5, $6, $7}, {$8, $9}, "
       "{$10, $11, $12, $13};")
          .str();
  SmallVector<Value> operands = packedRows(b, a);
  llvm::append_range(operands, packedRows(b, bFrag));
  for (int64_t row = 0; row < 2; ++row)
    for (int64_t col = 0; col < 2; ++col)
      operands.push_back(
          vector::ExtractOp::create(b, acc, ArrayRef<int64_t>{row, col}));
  Type f32 = b.getF32Type();
  auto resultType =
      LLVM::LLVMStructType::getLiteral(b.getContext(), {f32, f32, f32, f32});
  Value sum = inlinePtx(b, resultType, text, "=f,=f,=f,=f,r,r,r,r,r,r,f,f,f,f",
                        operands);
  SmallVector<Value> results;
  for (int64_t i = 0; i < 4; ++i)
    results.push_back(
        LLVM::ExtractValueOp::create(b, sum, ArrayRef<int64_t>{i}));
  return vector::FromElementsOp::create(b, accType(b.getContext()), results);
}

Value mma_sync::accPairToA(ImplicitLocOpBuilder &b, Value left, Value right,
                           Type elementType) {
  // A rows {g, g+8, g, g+8} x k halves {0, 0, 8, 8} = left row 0, left row 1,
  // right row 0, right row 1.
  auto narrow = [&](Value acc) -> Value {
    return arith::TruncFOp::create(b, bType(elementType), acc);
  };
  Value l = narrow(left), r = narrow(right);
  Value a = arith::ConstantOp::create(
      b, DenseElementsAttr::get(aType(elementType),
                                b.getFloatAttr(elementType, 0.0)));
  a = vector::InsertStridedSliceOp::create(b, l, a, ArrayRef<int64_t>{0, 0},
                                           ArrayRef<int64_t>{1, 1});
  return vector::InsertStridedSliceOp::create(b, r, a, ArrayRef<int64_t>{2, 0},
                                              ArrayRef<int64_t>{1, 1});
}
