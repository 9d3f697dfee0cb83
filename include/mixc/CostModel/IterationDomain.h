//===- IterationDomain.h - Kernel loops as integer sets ---------*- C++ -*-===//
//
// Causal and sliding-window attention do not visit a rectangle of tiles: the
// (query block, key block) pairs form a triangle or a band, and the chunked
// SSD's quadratic part is a triangle per chunk. These domains are integer
// sets (Presburger polyhedra without locals), written exactly as the kernel
// builders compute their loop ranges, and counted exactly: the counts give
// the features their tiles visited, FLOPs executed and bytes moved.
// Everything here is per (batch, head); sizes must be static.
//
//===----------------------------------------------------------------------===//

#ifndef MIXC_COSTMODEL_ITERATIONDOMAIN_H
#define MIXC_COSTMODEL_ITERATIONDOMAIN_H

#include "mixc/CostModel/IntegerSets.h"
#include "mixc/CostModel/OpShape.h"

namespace mixc::costmodel {

/// The (query block qb, key block kb) pairs that attention.mma_sync visits
/// with blockM x blockN tiles (Attention.cpp, build()):
///   0 <= qb < ceil(Lq / blockM),
///   floor(keyBegin / blockN) <= kb < ceil(keyEnd / blockN), where
///   keyBegin = max(0, qb blockM - window_left)       (with a left window),
///   keyEnd = min(Lk, qb blockM + blockM            (causal),
///                    qb blockM + blockM + window_right (right window)).
/// Written without locals: floor(x / n) <= kb  <=>  x <= n kb + n - 1, and
/// kb < ceil(y / n)  <=>  n kb <= y - 1.
mlir::presburger::IntegerPolyhedron
attentionTileDomain(const AttentionShape &op, int64_t blockM, int64_t blockN);

/// The visited pairs whose tile needs no mask: it ends before the sequence
/// end, lies on or below the diagonal, inside the window (the negation of
/// the builder's `needsMask`).
mlir::presburger::IntegerPolyhedron
attentionUnmaskedTileDomain(const AttentionShape &op, int64_t blockM,
                            int64_t blockN);

/// The (query i, key j) pairs that causal and window masks keep:
/// 0 <= i < Lq, 0 <= j < Lk, j <= i (causal), i - window_left <= j <=
/// i + window_right. Sink tokens add {j < sink_tokens} (see
/// countKeptPairs); block masks are data, not counted.
mlir::presburger::IntegerPolyhedron
attentionMaskDomain(const AttentionShape &op);

/// The keys kept by sink tokens: 0 <= i < Lq, 0 <= j < min(Lk, sinks), j <= i
/// when causal.
mlir::presburger::IntegerPolyhedron
attentionSinkDomain(const AttentionShape &op);

/// Counts of one (batch, query head) of attention.mma_sync.
struct AttentionTileCounts {
  /// Thread blocks: ceil(Lq / blockM).
  int64_t queryBlocks = 0;
  /// Visited (query block, key block) pairs.
  int64_t tilePairs = 0;
  /// Visited pairs that take the masked path.
  int64_t maskedTilePairs = 0;
  /// Key (and value) rows copied from global memory over all visited pairs:
  /// a tile past the sequence end copies only its rows below Lk.
  int64_t keyRowsLoaded = 0;
};

/// The counts of attentionTileDomain and its parts; an error for dynamic
/// lengths.
llvm::Expected<AttentionTileCounts>
countAttentionTiles(const AttentionShape &op, int64_t blockM, int64_t blockN);

/// The (query, key) pairs the mask keeps, sinks included (|A u B| =
/// |A| + |B| - |A n B|); an error for dynamic lengths.
llvm::Expected<int64_t> countKeptPairs(const AttentionShape &op);

/// The (chunk c, query t, key s) triples of the chunked SSD's quadratic part,
/// positions relative to the chunk: 0 <= s <= t < chunkSize and
/// c chunkSize + t < L (forward); bidirectional has every s < chunkSize
/// with c chunkSize + s < L.
mlir::presburger::IntegerPolyhedron ssdIntraChunkDomain(const SsdShape &op,
                                                        int64_t chunkSize);

/// The (chunk c, row tile i, strip j) triples that ssd.chunked's
/// intra-chunk product visits: every chunk of the sequence (the last one
/// zero-padded), each 16-row tile i of a chunk, and the 16-token strips
/// j <= i it multiplies (j = i masked): c chunkSize < L, 0 <= j <= i,
/// 16 i < chunkSize (Ssd.cpp, the strip loops).
mlir::presburger::IntegerPolyhedron ssdStripDomain(const SsdShape &op,
                                                   int64_t chunkSize);

} // namespace mixc::costmodel

#endif // MIXC_COSTMODEL_ITERATIONDOMAIN_H
