//===- Wgmma.h - wgmma.mma_async on swizzled shared tiles -------*- C++ -*-===//
//
// Hopper's warpgroup MMA (`wgmma.mma_async.m64nNk16`, f16/bf16 operands, f32
// accumulators) as the kernel builders use it. A warpgroup (4 warps) owns 64
// rows; warp w of it holds rows 16w..16w+15 of the accumulator in exactly
// the m16n8 fragments of mma.sync (MmaSync.h): register 4j + {0, 1} of lane
// 4g + t is (row g, columns 8j + 2t + {0, 1}), 4j + {2, 3} the same at row
// g + 8. A operand fragments in registers are mma.sync's A fragments.
//
// Shared operands live in the 128-byte-swizzle layout: a [rows x cols]
// 16-bit tile (cols a multiple of 64) is cols / 64 panels of rows x 128
// bytes, and the 16-byte chunk c of row r sits at chunk c ^ (r % 8) of its
// row. Tiles start on 1024-byte boundaries (the swizzle is a function of the
// absolute address). Read K-major (rows = M or N, cols = K) or MN-major
// (rows = K, cols = N) through 64-bit matrix descriptors.
//
// The MMAs of one product are issued as one inline-assembly statement that
// starts with wgmma.fence and ends with wgmma.commit_group, so that no
// compiler-placed register access can fall between the fence and an MMA;
// `wait` carries the accumulators through wgmma.wait_group so that nothing
// reads them before they are complete.
//
//===----------------------------------------------------------------------===//

#ifndef MIXC_PASSES_KERNELBUILDERS_WGMMA_H
#define MIXC_PASSES_KERNELBUILDERS_WGMMA_H

#include "KernelBuilder.h"

namespace mixc::kernels::wgmma {

constexpr int64_t kM = 64, kK = 16;
/// Bytes per swizzled row and per swizzle pattern (8 rows).
constexpr int64_t kSwizzleBytes = 128, kPatternBytes = 1024;
/// Elements (16-bit) per swizzled row: the column width of one panel.
constexpr int64_t kPanelColumns = 64;

/// Bytes of a [rows x cols] 16-bit swizzled tile.
inline int64_t tileBytes(int64_t rows, int64_t cols) { return rows * cols * 2; }

/// The element index, from the tile's start, of the 8-element chunk that
/// holds (row, col) of a swizzled [rows x cols] tile (col a multiple of 8).
mlir::Value swizzledIndex(Emitter &e, mlir::Value row, mlir::Value col,
                          int64_t rows);

/// The i64 descriptor of a 128-byte-swizzled operand at shared-window byte
/// address `address` (i64): `leadingBytes` is the stride between 64-column
/// panels (used MN-major only), `strideBytes` between groups of 8 rows.
mlir::Value descriptor(mlir::ImplicitLocOpBuilder &b, mlir::Value address,
                       int64_t leadingBytes, int64_t strideBytes);
/// `desc` moved `bytes` (a multiple of 16) further into shared memory.
mlir::Value advance(mlir::ImplicitLocOpBuilder &b, mlir::Value desc,
                    int64_t bytes);

/// Issues acc (+)= A * B over k steps as one wgmma group: step i multiplies
/// A step i (a descriptor when `aRegisters` is empty, else four packed
/// registers per step from aRegisters) by the B descriptor bDescs[i]. With an
/// empty `acc` the first step overwrites (D = A * B). Returns the N / 2
/// accumulator registers, valid only after `wait`.
llvm::SmallVector<mlir::Value>
mmaAsync(mlir::ImplicitLocOpBuilder &b, mlir::Type elementType, int64_t n,
         mlir::ValueRange acc, mlir::ValueRange aDescs,
         mlir::ValueRange aRegisters, mlir::ValueRange bDescs, bool transposeB);

/// wgmma.wait_group 0, carrying `acc` through it.
llvm::SmallVector<mlir::Value> wait(mlir::ImplicitLocOpBuilder &b,
                                    mlir::ValueRange acc);

/// Makes this thread's generic-proxy shared-memory writes (cp.async, st)
/// visible to the async proxy that wgmma reads through; every writer runs it
/// before the barrier that precedes the MMAs.
void fenceProxyAsync(mlir::ImplicitLocOpBuilder &b);

} // namespace mixc::kernels::wgmma

#endif // MIXC_PASSES_KERNELBUILDERS_WGMMA_H
