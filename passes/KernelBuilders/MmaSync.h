//===- MmaSync.h - Warp-level mma.sync m16n8k16 fragments -------*- C++ -*-===//
//
// The register fragments of `mma.sync.m16n8k16` with f16/bf16 operands and
// f32 accumulators, loaded from shared memory with `ldmatrix`, as the kernel
// builders use them. Lane l = 4g + t (g = l / 4, t = l % 4) holds:
//   A (16x16, vector<4x2>): rows {g, g+8, g, g+8}, columns 2t, 2t+1 of the
//     k halves {0, 0, 8, 8};
//   B (16x8, vector<2x2>): column g, rows 2t, 2t+1 of the k halves {0, 8};
//   C (16x8 f32, vector<2x2>): rows {g, g+8}, columns 2t, 2t+1.
// So two adjacent C tiles of one row block are, converted, the A fragment of
// a product over their 16 columns: what FlashAttention keeps P in.
//
//===----------------------------------------------------------------------===//

#ifndef MIXC_PASSES_KERNELBUILDERS_MMASYNC_H
#define MIXC_PASSES_KERNELBUILDERS_MMASYNC_H

#include "KernelBuilder.h"

#include <utility>

namespace mixc::kernels::mma_sync {

constexpr int64_t kM = 16, kN = 8, kK = 16;

mlir::VectorType aType(mlir::Type elementType);
mlir::VectorType bType(mlir::Type elementType);
mlir::VectorType accType(mlir::MLIRContext *context);
mlir::Value zeroAcc(mlir::ImplicitLocOpBuilder &b);

/// Where element (row, col) of a shared tile is in its buffer: the indices
/// of a swizzled layout. Null: (row, col) themselves, a row-major buffer.
/// Columns are multiples of 8 (one 16-byte ldmatrix row).
using TileIndexer = llvm::function_ref<llvm::SmallVector<mlir::Value>(
    mlir::Value row, mlir::Value col)>;

/// The A fragment of the 16x16 tile at (row, col) of a row-major [m][k]
/// shared buffer (ldmatrix.x4).
mlir::Value loadA(Emitter &e, mlir::Value buffer, mlir::Value lane,
                  mlir::Value row, mlir::Value col,
                  TileIndexer indexer = nullptr);
/// The A fragment of the 16x16 tile at (row, col) of A for a buffer that
/// holds A transposed, row-major [k][m] (ldmatrix.x4.trans): `row` indexes m
/// and `col` indexes k.
mlir::Value loadAT(Emitter &e, mlir::Value buffer, mlir::Value lane,
                   mlir::Value row, mlir::Value col);
/// The B fragments of the n-tiles at n0 and n0 + 8 (k from k0) of a buffer
/// that holds B transposed, row-major [n][k] (ldmatrix.x4).
std::pair<mlir::Value, mlir::Value> loadBPairNK(Emitter &e, mlir::Value buffer,
                                                mlir::Value lane,
                                                mlir::Value n0, mlir::Value k0,
                                                TileIndexer indexer = nullptr);
/// The B fragments of the n-tiles at n0 and n0 + 8 (k from k0) of a
/// row-major [k][n] buffer (ldmatrix.x4.trans).
std::pair<mlir::Value, mlir::Value> loadBPairKN(Emitter &e, mlir::Value buffer,
                                                mlir::Value lane,
                                                mlir::Value k0, mlir::Value n0);
/// acc + a * b on the tensor cores.
mlir::Value mma(mlir::ImplicitLocOpBuilder &b, mlir::Value a, mlir::Value bFrag,
                mlir::Value acc);
/// The A fragment, in `elementType`, of the 16 columns held by two adjacent
/// accumulator tiles (columns 0-7 in `left`, 8-15 in `right`).
mlir::Value accPairToA(mlir::ImplicitLocOpBuilder &b, mlir::Value left,
                       mlir::Value right, mlir::Type elementType);

/// The 32-bit registers of an A or B fragment: each row of two 16-bit
/// elements, packed (what the PTX of an MMA takes).
llvm::SmallVector<mlir::Value> packedRows(mlir::ImplicitLocOpBuilder &b,
                                          mlir::Value fragment);

} // namespace mixc::kernels::mma_sync

#endif // MIXC_PASSES_KERNELBUILDERS_MMASYNC_H
