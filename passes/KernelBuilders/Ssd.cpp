//===- Ssd.cpp - mix.ssd as one chunked kernel ---------------------------===//
//
// The `ssd.chunked` kernel builder: Mamba-2's chunked SSD in one launch. One
// thread block owns one (batch, head, slice of `block_p` head-dim columns)
// and walks the sequence chunk by chunk, `chunk_size` tokens at a time,
// carrying the state S [N x block_p] in f32 registers. Chunk tiles of x, B,
// C and dt stream through a `stages`-deep cp.async ring. Per chunk, with the
// decay in the log2 domain (a_t = dt_t A log2 e, acum = inclusive prefix sum
// of a over the chunk):
//
//   Y   = diag(2^acum) C S_prev                       (C S on tensor cores)
//       + (C B^T o 2^(acum_t - acum_s) dt_s, s <= t) x (as FlashAttention's
//         P V: 16-key strips, the score tile reused as the A fragment)
//       + D x
//   S   = 2^acum_last S_prev + B^T (2^(acum_last - acum_s) dt_s x_s)
//
// Each warp owns one or two 16-row tiles of the chunk for Y (with two, warp
// w takes tiles w and T-1-w, which balances the triangle) and a share of the
// 16x16 tiles of S. The inclusive scan of dt runs in warp 0 (shuffle-up); S
// passes to the next chunk's C S through shared memory in the element type, as
// mamba_ssm's kernels do. All MMAs are mma.sync m16n8k16, f32 accumulation.
//
// The serial dependency is one chunk deep, so the time is ~ L / chunk_size
// steps of a few microseconds whatever the head count; the grid is
// (P / block_p) x H x batch.
//
//===----------------------------------------------------------------------===//

#include "KernelBuilder.h"
#include "MmaSync.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/NVGPU/IR/NVGPUDialect.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

#include <cmath>

using namespace mlir;
using namespace mixc;
using namespace mixc::kernels;
namespace mma = mixc::kernels::mma_sync;

namespace {

constexpr double kLog2E = 1.4426950408889634;

/// Everything the kernel's shape depends on, fixed at build time.
struct SsdPlan {
  int64_t chunk, blockP, warps, stages;
  int64_t rowTiles;   // 16-row tiles of the chunk per warp (1 or 2)
  int64_t stateTiles; // 16x16 tiles of S per warp
  int64_t heads, headsPerGroup, stateDim;
  Type elementType, resultType;
  bool softplus, hasSkip, hasDtBias;
  int64_t xOffset, bOffset, cOffset, dtOffset, scaledOffset, stateOffset,
      cumOffset, dtEffOffset, sharedBytes;

  int64_t threads() const { return warps * 32; }
  int64_t xRow() const { return blockP + kRowPad; }
  int64_t bcRow() const { return stateDim + kRowPad; }
  /// dt slots per stage: one per thread at least, so that every thread
  /// issues the same copies (zero fills past the chunk).
  int64_t dtSlots() const { return std::max(chunk, threads()); }
  int64_t xStageBytes() const { return chunk * xRow() * 2; }
  int64_t bcStageBytes() const { return chunk * bcRow() * 2; }
  int64_t dtStageBytes() const { return dtSlots() * 4; }
  int64_t pTiles() const { return blockP / mma::kN; }
};

class SsdKernelBuilder {
public:
  SsdKernelBuilder(const SsdPlan &plan, ImplicitLocOpBuilder &b,
                   gpu::GPUFuncOp kernel)
      : p(plan), b(b), e(b) {
    unsigned i = 0;
    x = kernel.getArgument(i++);
    dt = kernel.getArgument(i++);
    decayRate = kernel.getArgument(i++);
    inputB = kernel.getArgument(i++);
    inputC = kernel.getArgument(i++);
    if (p.hasSkip)
      skip = kernel.getArgument(i++);
    if (p.hasDtBias)
      dtBias = kernel.getArgument(i++);
    y = kernel.getArgument(i);
  }

  void build();

private:
  void computeCoordinates();
  /// A scalar of a per-head f32-convertible vector (A, D, dt_bias).
  Value headScalar(Value vector);
  /// Issues the cp.async copies of rows [t0, t0 + rows) of a chunk into
  /// `dest` ([rows][cols] of `elements`-wide copies); `sourceIndices` maps a
  /// token and a column to the source's indices. Rows past the sequence end,
  /// and every row when `enabled` is false, are zero fills.
  SmallVector<Value>
  copyRows(Value source,
           function_ref<SmallVector<Value>(Value token, Value col)> indices,
           Value t0, int64_t validRows, Value enabled, Value dest, int64_t rows,
           int64_t cols, int64_t elements);
  /// Chunk `c` into ring slot `slot`, as one cp.async group.
  Value loadChunk(Value c, Value slot, Value enabled);
  void waitGroups(Value anyGroup, int64_t pending);
  Value xSlot(Value slot);
  Value bSlot(Value slot);
  Value cSlot(Value slot);
  Value dtSlot(Value slot);
  /// Warp 0: dt_eff = (softplus)(dt + bias) and the inclusive prefix sum of
  /// dt_eff A log2 e, into the cum and dtEff buffers.
  void scanDecay(Value dts);
  /// The scaled x of the state update: 2^(cum_last - cum_s) dt_s x_s.
  void scaleX(Value xs);
  /// Y of the warp's rows for the chunk starting at token `chunkStart`,
  /// written to y.
  void computeOutput(Value slot, Value chunkStart);
  /// S = 2^cum_last S + B^T xs; writes the new S to shared memory.
  SmallVector<Value> updateState(Value slot, ValueRange state);

  /// The index (in the chunk) of the warp's 16-row tile `rt`. With two
  /// tiles per warp, warp w takes tiles w and T - 1 - w: the strips below the
  /// diagonal (w + 1 and T - w of them) then sum to T + 1 on every warp.
  Value rowTile(int64_t rt) {
    return rt == 0 ? warp : e.sub(e.index(p.chunk / 16 - 1), warp);
  }
  /// Row (in the chunk) of the first row of the warp's row tile `rt`.
  Value rowBase(int64_t rt) { return e.mul(rowTile(rt), 16); }
  Value load2(Value buffer, ValueRange indices, Type elementType,
              int64_t alignment) {
    return vector::LoadOp::create(b, VectorType::get({2}, elementType), buffer,
                                  indices, /*nontemporal=*/false,
                                  llvm::MaybeAlign(alignment));
  }

  const SsdPlan &p;
  ImplicitLocOpBuilder &b;
  Emitter e;
  Value x, dt, decayRate, inputB, inputC, skip, dtBias, y;
  Value shared, tid, lane, warp, group, quad;
  Value batch, head, bcGroup, p0, length;
  Value aLog2, skipScale, bias;
  Value scaled, stateBuffer, cum, dtEff;
};

void SsdKernelBuilder::computeCoordinates() {
  tid = gpu::ThreadIdOp::create(b, gpu::Dimension::x);
  lane = e.rem(tid, 32);
  warp = e.div(tid, 32);
  group = e.div(lane, 4);
  quad = e.rem(lane, 4);
  p0 = e.mul(gpu::BlockIdOp::create(b, gpu::Dimension::x), p.blockP);
  head = gpu::BlockIdOp::create(b, gpu::Dimension::y);
  batch = gpu::BlockIdOp::create(b, gpu::Dimension::z);
  bcGroup = e.div(head, p.headsPerGroup);
  length = memref::DimOp::create(b, x, 1);
}

Value SsdKernelBuilder::headScalar(Value vector) {
  Value value = memref::LoadOp::create(b, vector, ValueRange{head});
  if (!value.getType().isF32())
    value = arith::ExtFOp::create(b, b.getF32Type(), value);
  return value;
}

SmallVector<Value> SsdKernelBuilder::copyRows(
    Value source,
    function_ref<SmallVector<Value>(Value token, Value col)> indices, Value t0,
    int64_t validRows, Value enabled, Value dest, int64_t rows, int64_t cols,
    int64_t elements) {
  int64_t copiesPerRow = cols / elements;
  int64_t bytes =
      elements * cast<MemRefType>(dest.getType()).getElementTypeBitWidth() / 8;
  Type tokenType = nvgpu::DeviceAsyncTokenType::get(b.getContext());
  SmallVector<Value> tokens;
  for (int64_t first = 0; first < rows * copiesPerRow; first += p.threads()) {
    Value copy = e.add(tid, first);
    Value row = e.div(copy, copiesPerRow);
    Value col = e.mul(e.rem(copy, copiesPerRow), elements);
    Value token = e.add(t0, row);
    // Rows past the end read nothing and fill zeros (B = C = x = 0 there, so
    // they add nothing to S or Y); the address stays in bounds.
    Value inside = e.andI(enabled, e.lt(token, length));
    if (validRows < rows)
      inside = e.andI(inside, e.lt(row, e.index(validRows)));
    Value sourceToken = e.select(inside, token, e.index(0));
    Value count = e.select(inside, e.index(elements), e.index(0));
    tokens.push_back(nvgpu::DeviceAsyncCopyOp::create(
        b, tokenType, dest, ValueRange{row, col}, source,
        indices(sourceToken, col), b.getIndexAttr(elements), count,
        // L1 bypass (cp.async.cg) exists for 16-byte copies only.
        bytes == 16 ? b.getUnitAttr() : UnitAttr()));
  }
  return tokens;
}

Value SsdKernelBuilder::xSlot(Value slot) {
  return sharedView(b, shared, e.add(e.mul(slot, p.xStageBytes()), p.xOffset),
                    {p.chunk, p.xRow()}, p.elementType);
}
Value SsdKernelBuilder::bSlot(Value slot) {
  return sharedView(b, shared, e.add(e.mul(slot, p.bcStageBytes()), p.bOffset),
                    {p.chunk, p.bcRow()}, p.elementType);
}
Value SsdKernelBuilder::cSlot(Value slot) {
  return sharedView(b, shared, e.add(e.mul(slot, p.bcStageBytes()), p.cOffset),
                    {p.chunk, p.bcRow()}, p.elementType);
}
Value SsdKernelBuilder::dtSlot(Value slot) {
  return sharedView(b, shared, e.add(e.mul(slot, p.dtStageBytes()), p.dtOffset),
                    {p.dtSlots(), 1}, b.getF32Type());
}

Value SsdKernelBuilder::loadChunk(Value c, Value slot, Value enabled) {
  Value t0 = e.mul(c, p.chunk);
  SmallVector<Value> tokens = copyRows(
      x,
      [&](Value t, Value col) -> SmallVector<Value> {
        return {batch, t, head, e.add(p0, col)};
      },
      t0, p.chunk, enabled, xSlot(slot), p.chunk, p.blockP, kChunkElements);
  auto bcIndices = [&](Value t, Value col) -> SmallVector<Value> {
    return {batch, t, bcGroup, col};
  };
  llvm::append_range(tokens, copyRows(inputB, bcIndices, t0, p.chunk, enabled,
                                      bSlot(slot), p.chunk, p.stateDim,
                                      kChunkElements));
  llvm::append_range(tokens, copyRows(inputC, bcIndices, t0, p.chunk, enabled,
                                      cSlot(slot), p.chunk, p.stateDim,
                                      kChunkElements));
  llvm::append_range(tokens, copyRows(
                                 dt,
                                 [&](Value t, Value) -> SmallVector<Value> {
                                   return {batch, t, head};
                                 },
                                 t0, p.chunk, enabled, dtSlot(slot),
                                 p.dtSlots(), 1, 1));
  return nvgpu::DeviceAsyncCreateGroupOp::create(
      b, nvgpu::DeviceAsyncTokenType::get(b.getContext()), tokens);
}

void SsdKernelBuilder::waitGroups(Value anyGroup, int64_t pending) {
  nvgpu::DeviceAsyncWaitOp::create(b, anyGroup, b.getI32IntegerAttr(pending));
}

void SsdKernelBuilder::scanDecay(Value dts) {
  auto ifOp = scf::IfOp::create(b, e.eq(warp, e.index(0)), false);
  OpBuilder::InsertionGuard guard(b);
  b.setInsertionPointToStart(&ifOp.getThenRegion().front());
  // Lane l holds tokens [l k, l k + k): a serial scan of its own, then a
  // warp-wide inclusive scan of the lane totals.
  int64_t perLane = p.chunk / 32;
  Value first = e.mul(lane, perLane);
  SmallVector<Value> prefix, effective;
  Value running = e.f32(0.0);
  for (int64_t i = 0; i < perLane; ++i) {
    Value raw =
        memref::LoadOp::create(b, dts, ValueRange{e.add(first, i), e.index(0)});
    if (bias)
      raw = e.fadd(raw, bias);
    Value eff = raw;
    if (p.softplus) {
      // softplus(v) = ln(1 + e^v) = ln 2 log2(1 + 2^(v log2 e)); v past 20
      // is its own softplus to f32 precision.
      Value soft = e.fmul(
          e.f32(std::log(2.0)),
          e.log2(e.fadd(e.f32(1.0), e.exp2(e.fmul(raw, e.f32(kLog2E))))));
      eff = e.select(e.fgt(raw, e.f32(20.0)), raw, soft);
    }
    effective.push_back(eff);
    running = e.fadd(running, e.fmul(eff, aLog2));
    prefix.push_back(running);
  }
  Value scan = running;
  for (int64_t delta = 1; delta < 32; delta *= 2) {
    Value other = e.shuffleUp(scan, delta);
    scan = e.select(e.ge(lane, e.index(delta)), e.fadd(scan, other), scan);
  }
  Value before = e.fsub(scan, running);
  for (int64_t i = 0; i < perLane; ++i) {
    Value index = e.add(first, i);
    memref::StoreOp::create(b, e.fadd(before, prefix[i]), cum, index);
    memref::StoreOp::create(b, effective[i], dtEff, index);
  }
}

void SsdKernelBuilder::scaleX(Value xs) {
  VectorType wide = VectorType::get({kChunkElements}, p.elementType);
  VectorType wideF32 = VectorType::get({kChunkElements}, b.getF32Type());
  int64_t vectorsPerRow = p.blockP / kChunkElements;
  Value last = memref::LoadOp::create(b, cum, ValueRange{e.index(p.chunk - 1)});
  for (int64_t first = 0; first < p.chunk * vectorsPerRow;
       first += p.threads()) {
    Value v = e.add(tid, first);
    Value row = e.div(v, vectorsPerRow);
    Value col = e.mul(e.rem(v, vectorsPerRow), kChunkElements);
    Value weight = e.fmul(
        e.exp2(e.fsub(last, memref::LoadOp::create(b, cum, ValueRange{row}))),
        memref::LoadOp::create(b, dtEff, ValueRange{row}));
    Value raw =
        vector::LoadOp::create(b, wide, xs, ValueRange{row, col},
                               /*nontemporal=*/false, llvm::MaybeAlign(16));
    Value values = arith::ExtFOp::create(b, wideF32, raw);
    values = arith::MulFOp::create(
        b, values, vector::BroadcastOp::create(b, wideF32, weight));
    vector::StoreOp::create(b, arith::TruncFOp::create(b, wide, values), scaled,
                            ValueRange{row, col},
                            /*nontemporal=*/false, llvm::MaybeAlign(16));
  }
}

void SsdKernelBuilder::computeOutput(Value slot, Value chunkStart) {
  Value xs = xSlot(slot), bs = bSlot(slot), cs = cSlot(slot);
  int64_t kSteps = p.stateDim / mma::kK;
  // C fragments of the warp's rows: [row tile][k step].
  SmallVector<Value> cFragments;
  for (int64_t rt = 0; rt < p.rowTiles; ++rt)
    for (int64_t k = 0; k < kSteps; ++k)
      cFragments.push_back(
          mma::loadA(e, cs, lane, rowBase(rt), e.index(mma::kK * k)));
  // cum of the thread's rows: [row tile][half].
  SmallVector<Value> rowCum;
  for (int64_t rt = 0; rt < p.rowTiles; ++rt)
    for (int64_t half = 0; half < 2; ++half)
      rowCum.push_back(memref::LoadOp::create(
          b, cum, ValueRange{e.add(rowBase(rt), e.add(group, 8 * half))}));

  // Y = diag(2^cum) C S_prev.
  SmallVector<Value> acc(p.rowTiles * p.pTiles(), mma::zeroAcc(b));
  for (int64_t k = 0; k < kSteps; ++k) {
    for (int64_t pair = 0; pair < p.pTiles() / 2; ++pair) {
      auto [left, right] = mma::loadBPairKN(
          e, stateBuffer, lane, e.index(mma::kK * k), e.index(16 * pair));
      for (int64_t rt = 0; rt < p.rowTiles; ++rt) {
        Value a = cFragments[rt * kSteps + k];
        acc[rt * p.pTiles() + 2 * pair] =
            mma::mma(b, a, left, acc[rt * p.pTiles() + 2 * pair]);
        acc[rt * p.pTiles() + 2 * pair + 1] =
            mma::mma(b, a, right, acc[rt * p.pTiles() + 2 * pair + 1]);
      }
    }
  }
  for (int64_t rt = 0; rt < p.rowTiles; ++rt) {
    for (int64_t half = 0; half < 2; ++half) {
      Value factor = e.exp2(rowCum[rt * 2 + half]);
      for (int64_t pt = 0; pt < p.pTiles(); ++pt) {
        Value &tile = acc[rt * p.pTiles() + pt];
        for (int64_t c = 0; c < 2; ++c) {
          Value v =
              vector::ExtractOp::create(b, tile, ArrayRef<int64_t>{half, c});
          tile = vector::InsertOp::create(b, e.fmul(v, factor), tile,
                                          ArrayRef<int64_t>{half, c});
        }
      }
    }
  }

  // Y += (C B^T o L) x over 16-token strips of the chunk, for row tile rt:
  // the strips before the tile in full, the diagonal strip masked, those
  // after skipped.
  auto strip = [&](Value j, int64_t rt, bool masked,
                   MutableArrayRef<Value> out) {
    Value s0 = mma::zeroAcc(b), s1 = mma::zeroAcc(b);
    Value keyStart = e.mul(j, 16);
    for (int64_t k = 0; k < kSteps; ++k) {
      auto [left, right] =
          mma::loadBPairNK(e, bs, lane, keyStart, e.index(mma::kK * k));
      s0 = mma::mma(b, cFragments[rt * kSteps + k], left, s0);
      s1 = mma::mma(b, cFragments[rt * kSteps + k], right, s1);
    }
    Value zero = e.f32(0.0);
    Value scores[2] = {s0, s1};
    for (int64_t nt = 0; nt < 2; ++nt) {
      Value col = e.add(keyStart, e.add(e.mul(quad, 2), 8 * nt));
      Value cumPair = load2(cum, ValueRange{col}, b.getF32Type(), 8);
      Value effPair = load2(dtEff, ValueRange{col}, b.getF32Type(), 8);
      for (int64_t c = 0; c < 2; ++c) {
        Value cumCol =
            vector::ExtractOp::create(b, cumPair, ArrayRef<int64_t>{c});
        Value effCol =
            vector::ExtractOp::create(b, effPair, ArrayRef<int64_t>{c});
        for (int64_t half = 0; half < 2; ++half) {
          Value v = vector::ExtractOp::create(b, scores[nt],
                                              ArrayRef<int64_t>{half, c});
          v = e.fmul(e.fmul(v, effCol),
                     e.exp2(e.fsub(rowCum[rt * 2 + half], cumCol)));
          if (masked) {
            Value row = e.add(rowBase(rt), e.add(group, 8 * half));
            v = e.select(e.le(e.add(col, c), row), v, zero);
          }
          scores[nt] = vector::InsertOp::create(b, v, scores[nt],
                                                ArrayRef<int64_t>{half, c});
        }
      }
    }
    Value probs = mma::accPairToA(b, scores[0], scores[1], p.elementType);
    for (int64_t pair = 0; pair < p.pTiles() / 2; ++pair) {
      auto [left, right] =
          mma::loadBPairKN(e, xs, lane, keyStart, e.index(16 * pair));
      out[2 * pair] = mma::mma(b, probs, left, out[2 * pair]);
      out[2 * pair + 1] = mma::mma(b, probs, right, out[2 * pair + 1]);
    }
  };

  for (int64_t rt = 0; rt < p.rowTiles; ++rt) {
    MutableArrayRef<Value> tiles =
        MutableArrayRef<Value>(acc).slice(rt * p.pTiles(), p.pTiles());
    auto loop = scf::ForOp::create(b, e.index(0), rowTile(rt), e.index(1),
                                   ValueRange(tiles));
    {
      OpBuilder::InsertionGuard guard(b);
      b.setInsertionPointToStart(loop.getBody());
      SmallVector<Value> next(loop.getRegionIterArgs().begin(),
                              loop.getRegionIterArgs().end());
      strip(loop.getInductionVar(), rt, /*masked=*/false, next);
      scf::YieldOp::create(b, next);
    }
    llvm::copy(loop.getResults(), tiles.begin());
    strip(rowTile(rt), rt, /*masked=*/true, tiles);
  }

  // Y += D x; store the rows inside the sequence.
  VectorType resultPair = VectorType::get({2}, p.resultType);
  VectorType f32Pair = VectorType::get({2}, b.getF32Type());
  for (int64_t rt = 0; rt < p.rowTiles; ++rt) {
    for (int64_t half = 0; half < 2; ++half) {
      Value row = e.add(rowBase(rt), e.add(group, 8 * half));
      Value token = e.add(chunkStart, row);
      auto inside = scf::IfOp::create(b, e.lt(token, length), false);
      OpBuilder::InsertionGuard guard(b);
      b.setInsertionPointToStart(&inside.getThenRegion().front());
      for (int64_t pt = 0; pt < p.pTiles(); ++pt) {
        Value col = e.add(e.mul(quad, 2), 8 * pt);
        Value pair = vector::ExtractOp::create(b, acc[rt * p.pTiles() + pt],
                                               ArrayRef<int64_t>{half});
        if (skipScale) {
          Value xPair = arith::ExtFOp::create(
              b, f32Pair, load2(xs, ValueRange{row, col}, p.elementType, 4));
          pair = vector::FMAOp::create(
              b, xPair, vector::BroadcastOp::create(b, f32Pair, skipScale),
              pair);
        }
        if (!p.resultType.isF32())
          pair = arith::TruncFOp::create(b, resultPair, pair);
        vector::StoreOp::create(b, pair, y,
                                ValueRange{batch, token, head, e.add(p0, col)},
                                /*nontemporal=*/false,
                                llvm::MaybeAlign(p.resultType.isF32() ? 8 : 4));
      }
    }
  }
}

SmallVector<Value> SsdKernelBuilder::updateState(Value slot, ValueRange state) {
  Value bs = bSlot(slot);
  Value decay =
      e.exp2(memref::LoadOp::create(b, cum, ValueRange{e.index(p.chunk - 1)}));
  VectorType accType = mma::accType(b.getContext());
  Value decayVector = vector::BroadcastOp::create(b, accType, decay);
  int64_t pairsPerRow = p.blockP / 16;
  VectorType pairType = VectorType::get({2}, p.elementType);
  SmallVector<Value> next;
  for (int64_t i = 0; i < p.stateTiles; ++i) {
    Value tileIndex = e.add(e.mul(warp, p.stateTiles), i);
    Value n0 = e.mul(e.div(tileIndex, pairsPerRow), 16);
    Value pCol = e.mul(e.rem(tileIndex, pairsPerRow), 16);
    Value s0 = arith::MulFOp::create(b, state[2 * i], decayVector);
    Value s1 = arith::MulFOp::create(b, state[2 * i + 1], decayVector);
    for (int64_t k = 0; k < p.chunk / mma::kK; ++k) {
      Value a = mma::loadAT(e, bs, lane, n0, e.index(mma::kK * k));
      auto [left, right] =
          mma::loadBPairKN(e, scaled, lane, e.index(mma::kK * k), pCol);
      s0 = mma::mma(b, a, left, s0);
      s1 = mma::mma(b, a, right, s1);
    }
    next.push_back(s0);
    next.push_back(s1);
    // The element-type copy that the next chunk's C S reads.
    for (int64_t t = 0; t < 2; ++t)
      for (int64_t half = 0; half < 2; ++half) {
        Value pair =
            vector::ExtractOp::create(b, t ? s1 : s0, ArrayRef<int64_t>{half});
        vector::StoreOp::create(
            b, arith::TruncFOp::create(b, pairType, pair), stateBuffer,
            ValueRange{e.add(n0, e.add(group, 8 * half)),
                       e.add(pCol, e.add(e.mul(quad, 2), 8 * t))},
            /*nontemporal=*/false, llvm::MaybeAlign(4));
      }
  }
  return next;
}

void SsdKernelBuilder::build() {
  computeCoordinates();
  auto space =
      gpu::AddressSpaceAttr::get(b.getContext(), gpu::AddressSpace::Workgroup);
  shared = gpu::DynamicSharedMemoryOp::create(
      b, MemRefType::get({ShapedType::kDynamic}, b.getI8Type(),
                         MemRefLayoutAttrInterface(), space));
  scaled = sharedView(b, shared, e.index(p.scaledOffset), {p.chunk, p.xRow()},
                      p.elementType);
  stateBuffer = sharedView(b, shared, e.index(p.stateOffset),
                           {p.stateDim, p.xRow()}, p.elementType);
  cum = sharedView(b, shared, e.index(p.cumOffset), {p.chunk}, b.getF32Type());
  dtEff =
      sharedView(b, shared, e.index(p.dtEffOffset), {p.chunk}, b.getF32Type());
  aLog2 = e.fmul(headScalar(decayRate), e.f32(kLog2E));
  if (p.hasSkip)
    skipScale = headScalar(skip);
  if (p.hasDtBias)
    bias = headScalar(dtBias);

  // S_prev of the first chunk is zero.
  VectorType wide = VectorType::get({kChunkElements}, p.elementType);
  Value zeros = arith::ConstantOp::create(
      b, DenseElementsAttr::get(wide, b.getFloatAttr(p.elementType, 0.0)));
  int64_t vectorsPerRow = p.blockP / kChunkElements;
  for (int64_t first = 0; first < p.stateDim * vectorsPerRow;
       first += p.threads()) {
    Value v = e.add(tid, first);
    vector::StoreOp::create(
        b, zeros, stateBuffer,
        ValueRange{e.div(v, vectorsPerRow),
                   e.mul(e.rem(v, vectorsPerRow), kChunkElements)},
        /*nontemporal=*/false, llvm::MaybeAlign(16));
  }

  Value chunks = e.ceilDiv(length, p.chunk);
  Value anchorGroup;
  for (int64_t s = 0; s + 1 < p.stages; ++s) {
    Value committed =
        loadChunk(e.index(s), e.index(s), e.lt(e.index(s), chunks));
    if (!anchorGroup)
      anchorGroup = committed;
  }

  SmallVector<Value> init(2 * p.stateTiles, mma::zeroAcc(b));
  auto loop = scf::ForOp::create(b, e.index(0), chunks, e.index(1), init);
  {
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToStart(loop.getBody());
    Value c = loop.getInductionVar();
    // Ring slot `c % stages` holds chunk c: wait for it, then refill the
    // slot that the previous chunk read (every thread passed the barrier).
    Value slot;
    if (p.stages == 1) {
      slot = e.index(0);
      Value always = arith::ConstantOp::create(b, b.getBoolAttr(true));
      gpu::BarrierOp::create(b);
      waitGroups(loadChunk(c, slot, always), 0);
      gpu::BarrierOp::create(b);
    } else {
      slot = e.rem(c, p.stages);
      waitGroups(anchorGroup, p.stages - 2);
      gpu::BarrierOp::create(b);
      Value next = e.add(c, p.stages - 1);
      loadChunk(next, e.rem(next, p.stages), e.lt(next, chunks));
    }
    scanDecay(dtSlot(slot));
    gpu::BarrierOp::create(b);
    scaleX(xSlot(slot));
    computeOutput(slot, e.mul(c, p.chunk));
    // The scaled x is complete and every warp has read S_prev.
    gpu::BarrierOp::create(b);
    scf::YieldOp::create(b, updateState(slot, loop.getRegionIterArgs()));
  }
  if (anchorGroup)
    waitGroups(anchorGroup, 0);
  gpu::ReturnOp::create(b);
}

} // namespace

FailureOr<gpu::GPUFuncOp>
kernels::buildSsdChunkedKernel(mix::SSDOp op, mix::ScheduleAttr schedule,
                               gpu::GPUModuleOp module, StringRef name) {
  StringRef templateName = schedule.getTemplateName();
  auto unsupported = [&](StringRef what) {
    return op.emitOpError()
           << "kernel template '" << templateName << "' does not lower " << what
           << " yet (the CPU path, --mix-cpu-pipeline, does)";
  };
  if (op.getDirection() != mix::ScanDirection::forward)
    return unsupported("the bidirectional (Hydra) form");
  auto xType = cast<RankedTensorType>(op.getX().getType());
  auto dtType = cast<RankedTensorType>(op.getDt().getType());
  auto bType = cast<RankedTensorType>(op.getB().getType());
  auto cType = cast<RankedTensorType>(op.getC().getType());
  auto yType = cast<RankedTensorType>(op.getY().getType());
  Type elementType = xType.getElementType();
  if (!isa<Float16Type, BFloat16Type>(elementType) ||
      bType.getElementType() != elementType ||
      cType.getElementType() != elementType)
    return unsupported("x, B and C other than all f16 or all bf16");
  if (!dtType.getElementType().isF32())
    return unsupported("dt other than f32");
  Type resultType = yType.getElementType();
  if (resultType != elementType && !resultType.isF32())
    return unsupported("a result type other than x's or f32");
  if (xType.isDynamicDim(2) || xType.isDynamicDim(3) || bType.isDynamicDim(2) ||
      bType.isDynamicDim(3))
    return unsupported("dynamic head counts, head dims, groups or state "
                       "sizes");

  SsdPlan p;
  p.chunk = *schedule.getParam("chunk_size");
  p.warps = *schedule.getParam("warps");
  p.stages = *schedule.getParam("stages");
  int64_t headDim = xType.getDimSize(3);
  p.blockP = std::min(*schedule.getParam("block_p"), headDim);
  p.heads = xType.getDimSize(2);
  p.headsPerGroup = p.heads / bType.getDimSize(2);
  p.stateDim = bType.getDimSize(3);
  p.elementType = elementType;
  p.resultType = resultType;
  p.softplus = op.getDtSoftplus();
  p.hasSkip = static_cast<bool>(op.getD());
  p.hasDtBias = static_cast<bool>(op.getDtBias());
  if (headDim % 16 != 0 || p.stateDim % 16 != 0)
    return unsupported("head dims or state sizes that are not multiples of 16");
  auto badSchedule = [&]() {
    return op.emitOpError() << "schedule '" << templateName << "': ";
  };
  if (headDim % p.blockP != 0)
    return badSchedule() << "block_p (" << p.blockP
                         << ") must divide the head dim (" << headDim << ")";
  if (p.chunk % (16 * p.warps) != 0 || p.chunk / (16 * p.warps) > 2)
    return badSchedule() << "chunk_size (" << p.chunk
                         << ") must be 16 or 32 rows per warp (warps = "
                         << p.warps << ")";
  p.rowTiles = p.chunk / (16 * p.warps);
  int64_t tiles = (p.stateDim / 16) * (p.blockP / 16);
  if (tiles % p.warps != 0)
    return badSchedule() << "the " << p.stateDim << "x" << p.blockP
                         << " state is " << tiles
                         << " 16x16 tiles, not a multiple of warps (" << p.warps
                         << ")";
  p.stateTiles = tiles / p.warps;

  SharedMemoryPlan shared;
  p.xOffset = shared.allocate("x", p.stages * p.xStageBytes());
  p.bOffset = shared.allocate("B", p.stages * p.bcStageBytes());
  p.cOffset = shared.allocate("C", p.stages * p.bcStageBytes());
  p.dtOffset = shared.allocate("dt", p.stages * p.dtStageBytes());
  p.scaledOffset = shared.allocate("scaled x", p.chunk * p.xRow() * 2);
  p.stateOffset = shared.allocate("state", p.stateDim * p.xRow() * 2);
  p.cumOffset = shared.allocate("cum", p.chunk * 4);
  p.dtEffOffset = shared.allocate("dt_eff", p.chunk * 4);
  p.sharedBytes = shared.totalBytes();
  if (shared.hasOverlap())
    return op.emitOpError() << "internal error: overlapping shared buffers";
  if (p.sharedBytes + kStaticSharedBytes > kMaxSharedBytesPerBlock)
    return badSchedule() << "needs " << p.sharedBytes + kStaticSharedBytes
                         << " bytes of shared memory, more than a block may "
                            "have ("
                         << kMaxSharedBytesPerBlock
                         << "); lower chunk_size, block_p or stages";

  ImplicitLocOpBuilder b(op.getLoc(), op.getContext());
  SmallVector<Type> argTypes;
  SmallVector<StringRef> names = {"x", "dt", "A", "B", "C"};
  for (Value v : {op.getX(), op.getDt(), op.getA(), op.getB(), op.getC()})
    argTypes.push_back(globalMemRefType(cast<RankedTensorType>(v.getType())));
  if (Value skip = op.getD()) {
    argTypes.push_back(
        globalMemRefType(cast<RankedTensorType>(skip.getType())));
    names.push_back("D");
  }
  if (Value dtBias = op.getDtBias()) {
    argTypes.push_back(
        globalMemRefType(cast<RankedTensorType>(dtBias.getType())));
    names.push_back("dt_bias");
  }
  argTypes.push_back(globalMemRefType(yType));
  names.push_back("y");
  SmallVector<StringRef> roles(names.size() - 1, "input");
  roles.push_back("output");

  gpu::GPUFuncOp kernel = createKernel(b, module, name, argTypes);
  SsdKernelBuilder(p, b, kernel).build();

  LaunchConfig config;
  config.blockThreads = p.threads();
  config.grid[0].push_back({headDim / p.blockP});
  config.grid[1].push_back({p.heads});
  config.grid[2].push_back({1, /*arg=*/0, /*dim=*/0, 1});
  config.sharedBytes = p.sharedBytes;
  Builder attrs(op.getContext());
  NamedAttribute opAttrs[] = {
      attrs.getNamedAttr("direction", attrs.getStringAttr("forward")),
      attrs.getNamedAttr("dt_softplus", attrs.getBoolAttr(p.softplus)),
  };
  setLaunchAttr(kernel, config, op, schedule, names, roles,
                attrs.getDictionaryAttr(opAttrs));
  return kernel;
}
