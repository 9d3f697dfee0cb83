//===- IterationDomain.cpp - Kernel iteration domains as integer sets -----===//
//
// The tile and element domains of attention and the chunk domain of the
// SSD, and their exact counts (see IterationDomain.h).
//
//===----------------------------------------------------------------------===//

#include "mixc/CostModel/IterationDomain.h"

using namespace mixc::costmodel;
using namespace mlir::presburger;

namespace {

llvm::Error domainError(const llvm::Twine &message) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), message);
}

llvm::Error requireStaticLengths(const AttentionShape &op) {
  if (op.queryLength == kDynamic || op.keyLength == kDynamic)
    return domainError("attention iteration domains need static query and "
                       "key lengths");
  return llvm::Error::success();
}

/// The visited (qb, kb) pairs in `b`, whose dimensions are (qb, kb).
void addVisitedTiles(SetBuilder &b, const AttentionShape &op, int64_t blockM,
                     int64_t blockN) {
  AffineForm qb = b.dim(0), kb = b.dim(1);
  AffineForm queryStart = qb * blockM;
  b.addGE(qb, 0);
  b.addLE(queryStart, op.queryLength - 1);
  // floor(keyBegin / blockN) <= kb for keyBegin = max(0, start - left).
  AffineForm lastKeyOfTile = kb * blockN + (blockN - 1);
  b.addLE(0, lastKeyOfTile);
  if (op.windowLeft)
    b.addLE(queryStart - *op.windowLeft, lastKeyOfTile);
  // kb < ceil(keyEnd / blockN) for keyEnd = min(Lk, start + blockM [+ right]).
  AffineForm keyStart = kb * blockN;
  b.addLE(keyStart, op.keyLength - 1);
  if (op.causal)
    b.addLE(keyStart, queryStart + (blockM - 1));
  if (op.windowRight)
    b.addLE(keyStart, queryStart + (blockM + *op.windowRight - 1));
}

/// The (query i, key j) pairs in `b`, whose dimensions are (i, j):
/// 0 <= i < Lq, 0 <= j < Lk, and j <= i when causal.
void addCausalPairs(SetBuilder &b, const AttentionShape &op) {
  AffineForm i = b.dim(0), j = b.dim(1);
  b.addGE(i, 0);
  b.addLT(i, op.queryLength);
  b.addGE(j, 0);
  b.addLT(j, op.keyLength);
  if (op.causal)
    b.addLE(j, i);
}

} // namespace

IntegerPolyhedron mixc::costmodel::attentionTileDomain(const AttentionShape &op,
                                                       int64_t blockM,
                                                       int64_t blockN) {
  SetBuilder b(2);
  addVisitedTiles(b, op, blockM, blockN);
  return b.take();
}

IntegerPolyhedron
mixc::costmodel::attentionUnmaskedTileDomain(const AttentionShape &op,
                                             int64_t blockM, int64_t blockN) {
  SetBuilder b(2);
  addVisitedTiles(b, op, blockM, blockN);
  AffineForm queryStart = b.dim(0) * blockM;
  AffineForm keyStart = b.dim(1) * blockN;
  AffineForm keyLast = keyStart + (blockN - 1);
  AffineForm blockLastRow = queryStart + (blockM - 1);
  // not (keyStart + blockN > Lk)
  b.addLE(keyStart + blockN, op.keyLength);
  // not (keyLast > queryStart)
  if (op.causal)
    b.addLE(keyLast, queryStart);
  // not (keyStart + left < blockLastRow)
  if (op.windowLeft)
    b.addGE(keyStart + *op.windowLeft, blockLastRow);
  // not (keyLast > queryStart + right)
  if (op.windowRight)
    b.addLE(keyLast, queryStart + *op.windowRight);
  return b.take();
}

IntegerPolyhedron
mixc::costmodel::attentionMaskDomain(const AttentionShape &op) {
  SetBuilder b(2);
  addCausalPairs(b, op);
  AffineForm i = b.dim(0), j = b.dim(1);
  if (op.windowLeft)
    b.addGE(j, i - *op.windowLeft);
  if (op.windowRight)
    b.addLE(j, i + *op.windowRight);
  return b.take();
}

IntegerPolyhedron
mixc::costmodel::attentionSinkDomain(const AttentionShape &op) {
  SetBuilder b(2);
  addCausalPairs(b, op);
  b.addLT(b.dim(1), op.sinkTokens);
  return b.take();
}

llvm::Expected<AttentionTileCounts>
mixc::costmodel::countAttentionTiles(const AttentionShape &op, int64_t blockM,
                                     int64_t blockN) {
  if (llvm::Error error = requireStaticLengths(op))
    return error;
  AttentionTileCounts counts;
  counts.queryBlocks = (op.queryLength + blockM - 1) / blockM;
  IntegerPolyhedron visited = attentionTileDomain(op, blockM, blockN);
  auto pairs = countIntegerPoints(visited);
  if (!pairs)
    return pairs.takeError();
  auto unmasked =
      countIntegerPoints(attentionUnmaskedTileDomain(op, blockM, blockN));
  if (!unmasked)
    return unmasked.takeError();
  counts.tilePairs = *pairs;
  counts.maskedTilePairs = *pairs - *unmasked;

  // Every visited tile copies blockN rows but the last key tile, which
  // copies the rows below Lk: subtract the shortfall once per visit of it.
  int64_t lastTile = (op.keyLength + blockN - 1) / blockN - 1;
  int64_t shortfall = (lastTile + 1) * blockN - op.keyLength;
  counts.keyRowsLoaded = *pairs * blockN;
  if (shortfall > 0) {
    IntegerPolyhedron atLast = visited;
    atLast.addBound(BoundType::EQ, 1, lastTile);
    auto visitsOfLast = countIntegerPoints(atLast);
    if (!visitsOfLast)
      return visitsOfLast.takeError();
    counts.keyRowsLoaded -= *visitsOfLast * shortfall;
  }
  return counts;
}

llvm::Expected<int64_t>
mixc::costmodel::countKeptPairs(const AttentionShape &op) {
  if (llvm::Error error = requireStaticLengths(op))
    return error;
  IntegerPolyhedron window = attentionMaskDomain(op);
  auto kept = countIntegerPoints(window);
  if (!kept || op.sinkTokens <= 0 || !op.windowLeft)
    return kept;
  IntegerPolyhedron sinks = attentionSinkDomain(op);
  auto sinkPairs = countIntegerPoints(sinks);
  if (!sinkPairs)
    return sinkPairs.takeError();
  auto both = countIntegerPoints(window.intersect(sinks));
  if (!both)
    return both.takeError();
  return *kept + *sinkPairs - *both;
}

IntegerPolyhedron mixc::costmodel::ssdIntraChunkDomain(const SsdShape &op,
                                                       int64_t chunkSize) {
  SetBuilder b(3);
  AffineForm chunk = b.dim(0), t = b.dim(1), s = b.dim(2);
  b.addGE(chunk, 0);
  b.addGE(t, 0);
  b.addLT(t, chunkSize);
  b.addLT(chunk * chunkSize + t, op.length);
  b.addGE(s, 0);
  if (op.bidirectional) {
    b.addLT(s, chunkSize);
    b.addLT(chunk * chunkSize + s, op.length);
  } else {
    b.addLE(s, t);
  }
  return b.take();
}

IntegerPolyhedron mixc::costmodel::ssdStripDomain(const SsdShape &op,
                                                  int64_t chunkSize) {
  SetBuilder b(3);
  AffineForm chunk = b.dim(0), tile = b.dim(1), strip = b.dim(2);
  b.addGE(chunk, 0);
  b.addLT(chunk * chunkSize, op.length);
  b.addGE(strip, 0);
  b.addLE(strip, tile);
  b.addLT(tile * 16, chunkSize);
  return b.take();
}
