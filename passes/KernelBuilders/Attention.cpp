//===- Attention.cpp - mix.attention as a FlashAttention-2 kernel ---------===//
//
// The `attention.mma_sync` kernel builder. One thread block computes
// `block_m` query rows of one (batch, head); each warp owns 16 or 32 of them.
// The Q tile is copied to shared memory once and kept in registers as MMA A
// fragments. Key/value tiles of `block_n` rows stream through a `stages`-deep
// cp.async ring in shared memory. Per tile, S = Q K^T runs on the tensor
// cores (mma.sync m16n8k16, f32 accumulation), the online softmax keeps the
// running row max m of the raw scores and the sum l in registers (in the
// log2 domain with k = scale * log2 e: p = 2^(s k - m k), one FFMA and one
// ex2 per score), and O += P V reuses the S accumulators as
// the A fragments of P. Masks (causal, sliding window, the sequence end) are
// applied only on tiles that cross them; tiles entirely outside the causal
// or window range are never visited. The epilogue divides by l and writes O
// (and lse = ln 2 (m k + log2 l)) straight from registers.
//
// Shared memory: one dynamic block, [Q | K stages | V stages], rows padded by
// 16 bytes so that the eight row addresses of an ldmatrix hit distinct banks.
//
// `attention.wgmma` builds the same algorithm on wgmma from 128-byte-swizzled
// tiles; with `tma = 1` (its default) thread 0 brings K/V in as TMA boxes
// from tensor maps, counted on a full mbarrier per ring slot, and the warps
// release each slot on an empty mbarrier instead of a block barrier.
//
//===----------------------------------------------------------------------===//

#include "KernelBuilder.h"
#include "MmaSync.h"
#include "Wgmma.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/NVGPU/IR/NVGPUDialect.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

#include <cmath>
#include <limits>

using namespace mlir;
using namespace mixc;
using namespace mixc::kernels;
namespace mma = mixc::kernels::mma_sync;
namespace wg = mixc::kernels::wgmma;

namespace {

/// Everything the kernel's shape depends on, fixed at build time.
struct AttentionPlan {
  /// attention.wgmma: the products on wgmma from 128-byte-swizzled tiles;
  /// otherwise mma.sync from padded rows.
  bool wgmma = false;
  /// attention.wgmma with tma = 1: K/V tiles by cp.async.bulk.tensor (one
  /// [block_n x 64] box per panel) from thread 0, counted on a "full"
  /// mbarrier per ring slot at barrierOffset; each warp releases the slot
  /// it has read on the slot's "empty" mbarrier (after the full ones), which
  /// thread 0 waits for before refilling it: no block barrier per tile.
  bool tma = false;
  int64_t barrierOffset = -1;
  int64_t blockM, blockN, warps, stages;
  int64_t rowTilesPerWarp; // 16-row MMA tiles per warp (1 or 2)
  int64_t headDim, valueDim;
  int64_t queryHeads, groupSize; // Hq, Hq / Hkv
  Type elementType;
  double scaleLog2; // scale * log2(e)
  /// The factor that the softmax applies to the raw scores: scaleLog2 when it
  /// is positive (then max(s) scales with s and s * k - m * k is one FFMA per
  /// score), else 1 with the scores scaled first.
  double softmaxFactor() const { return scaleLog2 > 0 ? scaleLog2 : 1.0; }
  bool causal, hasLse;
  std::optional<int64_t> windowLeft, windowRight;
  int64_t qOffset, kOffset, vOffset, sharedBytes;
  int64_t threads() const { return warps * 32; }
  /// Elements per shared row of a tile of `cols` columns: padded against
  /// ldmatrix bank conflicts, or dense (the swizzle spreads the banks).
  int64_t rowStride(int64_t cols) const {
    return wgmma ? cols : cols + kRowPad;
  }
  /// With wgmma and at least 3 stages, the next tile's S = Q K^T runs on the
  /// tensor cores during this tile's softmax: its K slot must have landed a
  /// tile early, so the ring looks stages - 2 tiles ahead instead of
  /// stages - 1.
  bool overlapsScores() const { return wgmma && stages >= 3; }
  int64_t kStageBytes() const { return blockN * rowStride(headDim) * 2; }
  int64_t vStageBytes() const { return blockN * rowStride(valueDim) * 2; }
};

class AttentionKernelBuilder {
public:
  AttentionKernelBuilder(const AttentionPlan &plan, ImplicitLocOpBuilder &b,
                         gpu::GPUFuncOp kernel)
      : p(plan), b(b), e(b), query(kernel.getArgument(0)),
        key(kernel.getArgument(1)), value(kernel.getArgument(2)),
        output(kernel.getArgument(3)),
        lse(plan.hasLse ? kernel.getArgument(4) : Value()) {
    if (p.tma) {
      unsigned maps = plan.hasLse ? 5 : 4;
      keyMap = kernel.getArgument(maps);
      valueMap = kernel.getArgument(maps + 1);
    }
  }

  void build();

private:
  /// Thread, block and sequence coordinates.
  void computeCoordinates();
  /// Issues the cp.async copies of a [rows x cols] tile of `source` rows
  /// from `row0` (of `batch`, `head`) into `dest`, zero-filling rows past
  /// `length` and every row when `enabled` is false (so that every thread
  /// commits the same groups whatever the tile count). Returns the tokens.
  SmallVector<Value> copyTile(Value source, Value head, Value row0,
                              Value length, Value enabled, Value dest,
                              int64_t rows, int64_t cols);
  /// K and V tile `tile` into ring slot `slot`, as one cp.async group
  /// (null with TMA: thread 0 issues the boxes when `enabled`, after the
  /// slot's release by the warps that read it, when `reuse` holds: the
  /// loop step `step` - stages).
  Value loadKeyValueTile(Value tile, Value slot, Value enabled,
                         Value step = Value(), Value reuse = Value());
  /// With TMA: thread 0 initializes the slot mbarriers.
  void initSlotBarriers();
  /// With TMA: waits until the K/V tile of loop step `step` (slot
  /// step % stages) has landed, when `condition` holds.
  void waitTile(Value step, Value condition);
  /// The i32 shared-window address of the full (or, `empty`, the empty)
  /// mbarrier of ring slot `slot`.
  Value slotBarrier(Value slot, bool empty = false);

  Value commitGroup(ValueRange tokens);
  /// Waits until at most `pending` of the thread's groups are in flight
  /// (`anyGroup` is only an SSA anchor: wait_group counts groups).
  void waitGroups(Value anyGroup, int64_t pending);
  Value keyBuffer(Value slot);
  Value valueBuffer(Value slot);
  /// S = Q K^T for one key tile: [row tile][n-tile] accumulators.
  SmallVector<Value> computeScores(Value keys);
  /// Issues S = Q K^T with wgmma from the swizzled Q tile and key slot
  /// `slot`: the N / 2 accumulator registers, valid after wg::wait.
  SmallVector<Value> issueScoresWgmma(Value slot);
  /// issueScoresWgmma(slot) when `condition` holds, else zeros (nothing in
  /// flight).
  SmallVector<Value> issueScoresIf(Value condition, Value slot);
  /// The [n-tile] accumulator tiles of wgmma registers.
  SmallVector<Value> accTiles(ArrayRef<Value> registers);
  /// O += P V for one value tile, `probs` the probability tiles.
  void accumulateValues(Value slot, ArrayRef<Value> probs,
                        MutableArrayRef<Value> outputs,
                        MutableArrayRef<Value> inFlight = {});
  /// The wgmma form of accumulateValues; `inFlight` (the next tile's
  /// scores, issued earlier) is waited for with it.
  void accumulateValuesWgmma(Value slot, ArrayRef<Value> probs,
                             MutableArrayRef<Value> outputs,
                             MutableArrayRef<Value> inFlight);
  /// After this thread's copies landed: with wgmma, publish them to the
  /// async proxy; then the block barrier.
  void publishTiles();
  /// The i64 shared-window address of byte `offset` of the plan.
  Value sharedAddress(Value offset);
  /// The scores times scale * log2 e, with -inf where (row, key) is masked
  /// when `masked`.
  SmallVector<Value> scaleAndMask(ArrayRef<Value> scores, Value keyStart,
                                  bool masked);
  /// The main loop over key tiles; returns the final O, m and l.
  SmallVector<Value> mainLoop(Value tileBegin, Value tileCount);
  void epilogue(ArrayRef<Value> state);

  int64_t nTiles() const { return p.blockN / mma::kN; }
  int64_t oTiles() const { return p.valueDim / mma::kN; }
  /// Index of the first query row (in the block) of row tile `rt`.
  Value warpRow(int64_t rowTile) {
    return e.add(e.mul(warp, 16 * p.rowTilesPerWarp), 16 * rowTile);
  }

  const AttentionPlan &p;
  ImplicitLocOpBuilder &b;
  Emitter e;
  Value query, key, value, output, lse;
  Value keyMap, valueMap; // TMA tensor maps (with tma)
  Value shared, tid, lane, warp, group, quad;
  /// Bytes from the dynamic shared block to the plan's origin: 0, or with
  /// wgmma up to 1023 to reach a 1024-byte boundary (the swizzle pattern
  /// follows absolute addresses).
  Value planOrigin;
  Value batch, head, kvHead, queryStart, queryLength, keyLength;
  SmallVector<Value> queryFragments; // [row tile][k step]
  Value anchorGroup;                 // the Q group: dominates every wait
};

void AttentionKernelBuilder::computeCoordinates() {
  tid = gpu::ThreadIdOp::create(b, gpu::Dimension::x);
  lane = e.rem(tid, 32);
  warp = e.div(tid, 32);
  group = e.div(lane, 4);
  quad = e.rem(lane, 4);
  queryLength = memref::DimOp::create(b, query, 2);
  keyLength = memref::DimOp::create(b, key, 2);
  // Heavy (late) query blocks first: with causal masks they have the most
  // key tiles, and starting them early shortens the tail of the grid.
  Value blocks = e.ceilDiv(queryLength, p.blockM);
  Value blockX = gpu::BlockIdOp::create(b, gpu::Dimension::x);
  Value queryBlock = e.sub(e.sub(blocks, e.index(1)), blockX);
  queryStart = e.mul(queryBlock, p.blockM);
  Value batchHead = gpu::BlockIdOp::create(b, gpu::Dimension::y);
  batch = e.div(batchHead, p.queryHeads);
  head = e.rem(batchHead, p.queryHeads);
  kvHead = e.div(head, p.groupSize);
}

SmallVector<Value>
AttentionKernelBuilder::copyTile(Value source, Value sourceHead, Value row0,
                                 Value length, Value enabled, Value dest,
                                 int64_t rows, int64_t cols) {
  int64_t chunksPerRow = cols / kChunkElements;
  int64_t chunks = rows * chunksPerRow;
  Type tokenType = nvgpu::DeviceAsyncTokenType::get(b.getContext());
  SmallVector<Value> tokens;
  for (int64_t first = 0; first < chunks; first += p.threads()) {
    Value chunk = e.add(tid, first);
    Value row = e.div(chunk, chunksPerRow);
    Value col = e.mul(e.rem(chunk, chunksPerRow), kChunkElements);
    Value globalRow = e.add(row0, row);
    // Rows past the end read nothing and fill zeros (so that P V never meets
    // garbage); the address stays in bounds.
    Value inside = e.andI(enabled, e.lt(globalRow, length));
    Value sourceRow = e.select(inside, globalRow, e.index(0));
    Value count = e.select(inside, e.index(kChunkElements), e.index(0));
    SmallVector<Value> destIndices = {row, col};
    if (p.wgmma)
      destIndices = {wg::swizzledIndex(e, row, col, rows)};
    tokens.push_back(nvgpu::DeviceAsyncCopyOp::create(
        b, tokenType, dest, destIndices, source,
        ValueRange{batch, sourceHead, sourceRow, col},
        b.getIndexAttr(kChunkElements), count, b.getUnitAttr()));
  }
  return tokens;
}

/// The view of a [rows x cols] tile at byte `offset` of the plan: 2-D rows
/// of rowStride(cols), or, swizzled, 1-D (wgmma::swizzledIndex addresses it).
static Value tileView(ImplicitLocOpBuilder &b, const AttentionPlan &p,
                      Value shared, Value offset, int64_t rows, int64_t cols) {
  if (p.wgmma)
    return sharedView(b, shared, offset, {rows * cols}, p.elementType);
  return sharedView(b, shared, offset, {rows, p.rowStride(cols)},
                    p.elementType);
}

Value AttentionKernelBuilder::keyBuffer(Value slot) {
  Value offset =
      e.add(e.mul(slot, p.kStageBytes()), e.add(planOrigin, p.kOffset));
  return tileView(b, p, shared, offset, p.blockN, p.headDim);
}

Value AttentionKernelBuilder::valueBuffer(Value slot) {
  Value offset =
      e.add(e.mul(slot, p.vStageBytes()), e.add(planOrigin, p.vOffset));
  return tileView(b, p, shared, offset, p.blockN, p.valueDim);
}

Value AttentionKernelBuilder::sharedAddress(Value offset) {
  Value base = memref::ExtractAlignedPointerAsIndexOp::create(b, shared);
  return arith::IndexCastOp::create(b, b.getI64Type(),
                                    e.add(base, e.add(planOrigin, offset)));
}

void AttentionKernelBuilder::publishTiles() {
  // (TMA's boxes are the async proxy's own writes: only the Q tile, by
  // cp.async, needs the fence, in the prologue.)
  if (p.wgmma && !p.tma)
    wg::fenceProxyAsync(b);
  gpu::BarrierOp::create(b);
}

Value AttentionKernelBuilder::slotBarrier(Value slot, bool empty) {
  Value base = memref::ExtractAlignedPointerAsIndexOp::create(b, shared);
  int64_t offset = p.barrierOffset + (empty ? 8 * p.stages : 0);
  return arith::IndexCastOp::create(
      b, b.getI32Type(),
      e.add(base, e.add(planOrigin, e.add(e.mul(slot, 8), offset))));
}

void AttentionKernelBuilder::initSlotBarriers() {
  OpBuilder::InsertionGuard guard(b);
  ifThen(b, e.eq(tid, e.index(0)));
  // Full: thread 0's arrival with the byte count; empty: one per warp.
  initRingBarriers(b, p.stages, p.warps, [&](int64_t slot, bool empty) {
    return slotBarrier(e.index(slot), empty);
  });
  // Visible to the copy engine (async proxy) before the first box.
  wg::fenceProxyAsync(b);
}

void AttentionKernelBuilder::waitTile(Value step, Value condition) {
  // Slot step % stages completes one phase per use: parity (step / stages)
  // mod 2.
  OpBuilder::InsertionGuard guard(b);
  ifThen(b, condition);
  mbarrierWait(b, slotBarrier(e.rem(step, p.stages)), e.div(step, p.stages));
}

Value AttentionKernelBuilder::loadKeyValueTile(Value tile, Value slot,
                                               Value enabled, Value step,
                                               Value reuse) {
  Value row0 = e.mul(tile, p.blockN);
  if (p.tma) {
    // One box per 64-column panel of K and V, in the (batch, kv head)
    // plane: rows past the key length arrive as zeros.
    OpBuilder::InsertionGuard guard(b);
    ifThen(b, e.andI(e.eq(tid, e.index(0)), enabled));
    // The slot's previous tile (step - stages) released by every warp: its
    // (use - 1)-th phase.
    if (reuse) {
      OpBuilder::InsertionGuard inner(b);
      ifThen(b, reuse);
      mbarrierWait(b, slotBarrier(slot, /*empty=*/true),
                   e.sub(e.div(step, p.stages), e.index(1)));
    }
    Value barrier = slotBarrier(slot);
    mbarrierArriveExpectTx(b, barrier, p.blockN * (p.headDim + p.valueDim) * 2);
    Value plane = e.add(e.mul(batch, p.queryHeads / p.groupSize), kvHead);
    Value base = memref::ExtractAlignedPointerAsIndexOp::create(b, shared);
    auto boxes = [&](Value map, int64_t offset, int64_t stageBytes,
                     int64_t columns) {
      for (int64_t panel = 0; panel < columns / wg::kPanelColumns; ++panel) {
        Value dest = arith::IndexCastOp::create(
            b, b.getI32Type(),
            e.add(base, e.add(planOrigin,
                              e.add(e.mul(slot, stageBytes),
                                    offset + panel * p.blockN *
                                                 wg::kPanelColumns * 2))));
        tmaLoadBox(b, dest, map,
                   {e.index(panel * wg::kPanelColumns), row0, plane}, barrier);
      }
    };
    boxes(keyMap, p.kOffset, p.kStageBytes(), p.headDim);
    boxes(valueMap, p.vOffset, p.vStageBytes(), p.valueDim);
    return Value();
  }
  SmallVector<Value> tokens = copyTile(key, kvHead, row0, keyLength, enabled,
                                       keyBuffer(slot), p.blockN, p.headDim);
  llvm::append_range(tokens, copyTile(value, kvHead, row0, keyLength, enabled,
                                      valueBuffer(slot), p.blockN, p.valueDim));
  return commitGroup(tokens);
}

Value AttentionKernelBuilder::commitGroup(ValueRange tokens) {
  return nvgpu::DeviceAsyncCreateGroupOp::create(
      b, nvgpu::DeviceAsyncTokenType::get(b.getContext()), tokens);
}

void AttentionKernelBuilder::waitGroups(Value anyGroup, int64_t pending) {
  nvgpu::DeviceAsyncWaitOp::create(b, anyGroup, b.getI32IntegerAttr(pending));
}

SmallVector<Value> AttentionKernelBuilder::computeScores(Value keys) {
  SmallVector<Value> scores(p.rowTilesPerWarp * nTiles(), mma::zeroAcc(b));
  for (int64_t kStep = 0; kStep < p.headDim / mma::kK; ++kStep) {
    for (int64_t pair = 0; pair < nTiles() / 2; ++pair) {
      auto [left, right] = mma::loadBPairNK(e, keys, lane, e.index(16 * pair),
                                            e.index(mma::kK * kStep));
      for (int64_t rt = 0; rt < p.rowTilesPerWarp; ++rt) {
        Value a = queryFragments[rt * (p.headDim / mma::kK) + kStep];
        Value &s0 = scores[rt * nTiles() + 2 * pair];
        Value &s1 = scores[rt * nTiles() + 2 * pair + 1];
        s0 = mma::mma(b, a, left, s0);
        s1 = mma::mma(b, a, right, s1);
      }
    }
  }
  return scores;
}

SmallVector<Value> AttentionKernelBuilder::issueScoresWgmma(Value slot) {
  // The warpgroup's 64 query rows start 64 rows into every panel of Q.
  Value warpgroup = e.div(warp, 4);
  Value queryRows = e.mul(warpgroup, wg::kM * wg::kSwizzleBytes);
  Value queryDesc =
      wg::descriptor(b, sharedAddress(e.add(queryRows, p.qOffset)),
                     /*leadingBytes=*/16, wg::kPatternBytes);
  Value keyDesc = wg::descriptor(
      b, sharedAddress(e.add(e.mul(slot, p.kStageBytes()), p.kOffset)),
      /*leadingBytes=*/16, wg::kPatternBytes);
  SmallVector<Value> queryDescs, keyDescs;
  for (int64_t k = 0; k < p.headDim; k += wg::kK) {
    int64_t panel = k / wg::kPanelColumns;
    int64_t within = k % wg::kPanelColumns * 2;
    queryDescs.push_back(wg::advance(
        b, queryDesc, panel * p.blockM * wg::kSwizzleBytes + within));
    keyDescs.push_back(
        wg::advance(b, keyDesc, panel * p.blockN * wg::kSwizzleBytes + within));
  }
  return wg::mmaAsync(b, p.elementType, p.blockN, /*acc=*/{}, queryDescs,
                      /*aRegisters=*/{}, keyDescs, /*transposeB=*/false);
}

SmallVector<Value> AttentionKernelBuilder::issueScoresIf(Value condition,
                                                         Value slot) {
  SmallVector<Type> types(p.blockN / 2, b.getF32Type());
  auto ifOp = scf::IfOp::create(b, types, condition, /*withElseRegion=*/true);
  OpBuilder::InsertionGuard guard(b);
  b.setInsertionPointToStart(&ifOp.getThenRegion().front());
  scf::YieldOp::create(b, issueScoresWgmma(slot));
  b.setInsertionPointToStart(&ifOp.getElseRegion().front());
  scf::YieldOp::create(b, SmallVector<Value>(types.size(), e.f32(0.0)));
  return SmallVector<Value>(ifOp.getResults().begin(), ifOp.getResults().end());
}

SmallVector<Value> AttentionKernelBuilder::accTiles(ArrayRef<Value> registers) {
  SmallVector<Value> tiles;
  for (size_t first = 0; first < registers.size(); first += 4)
    tiles.push_back(vector::FromElementsOp::create(
        b, mma::accType(b.getContext()), registers.slice(first, 4)));
  return tiles;
}

void AttentionKernelBuilder::accumulateValues(Value slot, ArrayRef<Value> probs,
                                              MutableArrayRef<Value> outputs,
                                              MutableArrayRef<Value> inFlight) {
  if (p.wgmma)
    return accumulateValuesWgmma(slot, probs, outputs, inFlight);
  // P's A fragments come straight from the probability tiles.
  Value values = valueBuffer(slot);
  for (int64_t kStep = 0; kStep < p.blockN / mma::kK; ++kStep) {
    SmallVector<Value> a;
    for (int64_t rt = 0; rt < p.rowTilesPerWarp; ++rt)
      a.push_back(mma::accPairToA(b, probs[rt * nTiles() + 2 * kStep],
                                  probs[rt * nTiles() + 2 * kStep + 1],
                                  p.elementType));
    for (int64_t pair = 0; pair < oTiles() / 2; ++pair) {
      auto [left, right] = mma::loadBPairKN(
          e, values, lane, e.index(mma::kK * kStep), e.index(16 * pair));
      for (int64_t rt = 0; rt < p.rowTilesPerWarp; ++rt) {
        Value &o0 = outputs[rt * oTiles() + 2 * pair];
        Value &o1 = outputs[rt * oTiles() + 2 * pair + 1];
        o0 = mma::mma(b, a[rt], left, o0);
        o1 = mma::mma(b, a[rt], right, o1);
      }
    }
  }
}

void AttentionKernelBuilder::accumulateValuesWgmma(
    Value slot, ArrayRef<Value> probs, MutableArrayRef<Value> outputs,
    MutableArrayRef<Value> inFlight) {
  // A from registers (P, as for mma.sync); B = V read MN-major: 16 keys of
  // 128-byte rows per step, the next 64 value columns one panel further.
  SmallVector<Value> aRegisters;
  for (int64_t kStep = 0; kStep < p.blockN / wg::kK; ++kStep)
    llvm::append_range(aRegisters,
                       mma::packedRows(b, mma::accPairToA(b, probs[2 * kStep],
                                                          probs[2 * kStep + 1],
                                                          p.elementType)));
  Value valueDesc = wg::descriptor(
      b, sharedAddress(e.add(e.mul(slot, p.vStageBytes()), p.vOffset)),
      /*leadingBytes=*/p.blockN * wg::kSwizzleBytes, wg::kPatternBytes);
  SmallVector<Value> valueDescs;
  for (int64_t k = 0; k < p.blockN; k += wg::kK)
    valueDescs.push_back(wg::advance(b, valueDesc, k * wg::kSwizzleBytes));
  SmallVector<Value> acc;
  for (Value tile : outputs)
    for (int64_t half = 0; half < 2; ++half)
      for (int64_t c = 0; c < 2; ++c)
        acc.push_back(
            vector::ExtractOp::create(b, tile, ArrayRef<int64_t>{half, c}));
  acc = wg::mmaAsync(b, p.elementType, p.valueDim, acc, /*aDescs=*/{},
                     aRegisters, valueDescs, /*transposeB=*/true);
  // One wait for both groups: this product and the scores in flight.
  int64_t count = acc.size();
  acc.append(inFlight.begin(), inFlight.end());
  acc = wg::wait(b, acc);
  llvm::copy(accTiles(ArrayRef<Value>(acc).take_front(count)), outputs.begin());
  llvm::copy(ArrayRef<Value>(acc).drop_front(count), inFlight.begin());
}

SmallVector<Value> AttentionKernelBuilder::scaleAndMask(ArrayRef<Value> scores,
                                                        Value keyStart,
                                                        bool masked) {
  Value scale = e.f32(p.scaleLog2);
  Value negInf = e.f32(-std::numeric_limits<double>::infinity());
  SmallVector<Value> result;
  for (int64_t rt = 0; rt < p.rowTilesPerWarp; ++rt) {
    for (int64_t nt = 0; nt < nTiles(); ++nt) {
      Value tileValue = scores[rt * nTiles() + nt];
      Value scaled = tileValue;
      if (p.softmaxFactor() == 1.0)
        scaled = arith::MulFOp::create(
            b, tileValue,
            vector::BroadcastOp::create(b, tileValue.getType(), scale));
      if (!masked) {
        result.push_back(scaled);
        continue;
      }
      SmallVector<Value> elements;
      for (int64_t half = 0; half < 2; ++half) {
        Value row =
            e.add(e.add(queryStart, warpRow(rt)), e.add(group, 8 * half));
        for (int64_t c = 0; c < 2; ++c) {
          Value col = e.add(e.add(keyStart, 8 * nt), e.add(e.mul(quad, 2), c));
          Value keep = e.lt(col, keyLength);
          if (p.causal)
            keep = e.andI(keep, e.le(col, row));
          if (p.windowLeft)
            keep = e.andI(keep, e.ge(e.add(col, *p.windowLeft), row));
          if (p.windowRight)
            keep = e.andI(keep, e.le(col, e.add(row, *p.windowRight)));
          Value element =
              vector::ExtractOp::create(b, scaled, ArrayRef<int64_t>{half, c});
          elements.push_back(e.select(keep, element, negInf));
        }
      }
      result.push_back(vector::FromElementsOp::create(
          b, mma::accType(b.getContext()), elements));
    }
  }
  return result;
}

SmallVector<Value> AttentionKernelBuilder::mainLoop(Value tileBegin,
                                                    Value tileCount) {
  // Loop state: O [row tile][o tile], then m and l [row tile][half].
  int64_t oCount = p.rowTilesPerWarp * oTiles();
  int64_t rowCount = p.rowTilesPerWarp * 2;
  SmallVector<Value> init(oCount, mma::zeroAcc(b));
  init.append(rowCount, e.f32(-std::numeric_limits<double>::infinity()));
  init.append(rowCount, e.f32(0.0));
  // Overlapped: the raw scores of the loop's tile, computed a step early
  // (the first here: build() waited for tile 0).
  int64_t stateCount = init.size();
  if (p.overlapsScores()) {
    Value anyTile = e.lt(e.index(0), tileCount);
    llvm::append_range(init, wg::wait(b, issueScoresIf(anyTile, e.index(0))));
  }

  auto loop = scf::ForOp::create(b, e.index(0), tileCount, e.index(1), init);
  OpBuilder::InsertionGuard guard(b);
  b.setInsertionPointToStart(loop.getBody());
  Value it = loop.getInductionVar();
  ValueRange state = loop.getRegionIterArgs();

  // Ring slot `it % stages` holds tile `it`: wait for it, then refill the
  // slot that the previous iteration read (every thread passed the barrier).
  // Overlapped, wait for tile it + 1 instead (its scores are issued now) and
  // refill the slot of tile it - 1, whose V the previous step read.
  Value slot;
  SmallVector<Value> nextScores;
  if (p.stages == 1) {
    slot = e.index(0);
    Value always = arith::ConstantOp::create(b, b.getBoolAttr(true));
    gpu::BarrierOp::create(b);
    Value group = loadKeyValueTile(e.add(tileBegin, it), slot, always);
    if (p.tma)
      waitTile(it, always);
    else
      waitGroups(group, 0);
    publishTiles();
  } else if (p.tma) {
    // The step's tile (overlapped: the next one, when there is one); no
    // block barrier: thread 0 refills the slot of the previous step once
    // every warp has released it (after its P V, below).
    slot = e.rem(it, p.stages);
    if (p.overlapsScores()) {
      Value following = e.add(it, 1);
      waitTile(following, e.lt(following, tileCount));
    } else {
      waitTile(it, arith::ConstantOp::create(b, b.getBoolAttr(true)));
    }
    Value ahead = e.add(it, p.stages - 1);
    loadKeyValueTile(e.add(tileBegin, ahead), e.rem(ahead, p.stages),
                     e.lt(ahead, tileCount), ahead,
                     e.ge(ahead, e.index(p.stages)));
    if (p.overlapsScores()) {
      Value following = e.add(it, 1);
      nextScores =
          issueScoresIf(e.lt(following, tileCount), e.rem(following, p.stages));
    }
  } else {
    slot = e.rem(it, p.stages);
    waitGroups(anchorGroup, p.stages - (p.overlapsScores() ? 3 : 2));
    publishTiles();
    Value ahead = e.add(it, p.stages - 1);
    loadKeyValueTile(e.add(tileBegin, ahead), e.rem(ahead, p.stages),
                     e.lt(ahead, tileCount));
    if (p.overlapsScores()) {
      Value following = e.add(it, 1);
      nextScores =
          issueScoresIf(e.lt(following, tileCount), e.rem(following, p.stages));
    }
  }

  Value tile = e.add(tileBegin, it);
  Value keyStart = e.mul(tile, p.blockN);
  SmallVector<Value> scores;
  if (p.overlapsScores())
    scores = accTiles(SmallVector<Value>(state.drop_front(stateCount)));
  else if (p.wgmma)
    scores = accTiles(wg::wait(b, issueScoresWgmma(slot)));
  else
    scores = computeScores(keyBuffer(slot));

  // Does the tile cross the sequence end, the diagonal or a window edge for
  // some row of the block? (Uniform over the block.)
  Value keyLast = e.add(keyStart, p.blockN - 1);
  Value blockLastRow = e.add(queryStart, p.blockM - 1);
  Value needsMask = e.gt(e.add(keyStart, p.blockN), keyLength);
  if (p.causal)
    needsMask = e.orI(needsMask, e.gt(keyLast, queryStart));
  if (p.windowLeft)
    needsMask =
        e.orI(needsMask, e.lt(e.add(keyStart, *p.windowLeft), blockLastRow));
  if (p.windowRight)
    needsMask =
        e.orI(needsMask, e.gt(keyLast, e.add(queryStart, *p.windowRight)));
  SmallVector<Type> scoreTypes(scores.size(), mma::accType(b.getContext()));
  auto maskIf = scf::IfOp::create(b, scoreTypes, needsMask,
                                  /*withElseRegion=*/true);
  {
    OpBuilder::InsertionGuard inner(b);
    b.setInsertionPointToStart(&maskIf.getThenRegion().front());
    scf::YieldOp::create(b, scaleAndMask(scores, keyStart, true));
    b.setInsertionPointToStart(&maskIf.getElseRegion().front());
    scf::YieldOp::create(b, scaleAndMask(scores, keyStart, false));
  }
  SmallVector<Value> s(maskIf.getResults().begin(), maskIf.getResults().end());

  SmallVector<Value> next(state.begin(), state.begin() + stateCount);
  Value negInf = e.f32(-std::numeric_limits<double>::infinity());
  Value zero = e.f32(0.0);
  // m is kept in score units; 2^(s k - m k) with k = softmaxFactor().
  Value factor = e.f32(p.softmaxFactor());
  for (int64_t rt = 0; rt < p.rowTilesPerWarp; ++rt) {
    for (int64_t half = 0; half < 2; ++half) {
      auto element = [&](int64_t nt, int64_t c) -> Value {
        return vector::ExtractOp::create(b, s[rt * nTiles() + nt],
                                         ArrayRef<int64_t>{half, c});
      };
      // Row max over this thread's columns, then over the 4 lanes of the row.
      Value rowMax = element(0, 0);
      for (int64_t nt = 0; nt < nTiles(); ++nt)
        for (int64_t c = 0; c < 2; ++c)
          if (nt || c)
            rowMax = e.fmax(rowMax, element(nt, c));
      rowMax = e.fmax(rowMax, e.shuffleXor(rowMax, 1));
      rowMax = e.fmax(rowMax, e.shuffleXor(rowMax, 2));
      int64_t row = rt * 2 + half;
      Value oldMax = state[p.rowTilesPerWarp * oTiles() + row];
      Value newMax = e.fmax(oldMax, rowMax);
      // A row with every key masked so far keeps m = -inf; subtract 0 then
      // so that 2^(s - m) stays 0 rather than NaN.
      Value base =
          e.select(e.feq(newMax, negInf), zero, e.fmul(newMax, factor));
      Value correction = e.exp2(e.fsub(e.fmul(oldMax, factor), base));
      next[p.rowTilesPerWarp * oTiles() + row] = newMax;
      Value rowSum = zero;
      for (int64_t nt = 0; nt < nTiles(); ++nt) {
        for (int64_t c = 0; c < 2; ++c) {
          Value prob = e.exp2(e.fsub(e.fmul(element(nt, c), factor), base));
          rowSum = e.fadd(rowSum, prob);
          Value &tileValue = s[rt * nTiles() + nt];
          // Written back in place: element() of later columns reads other
          // positions, which this insert does not touch.
          tileValue = vector::InsertOp::create(b, prob, tileValue,
                                               ArrayRef<int64_t>{half, c});
        }
      }
      int64_t lIndex = p.rowTilesPerWarp * oTiles() + rowCount + row;
      next[lIndex] = e.fadd(e.fmul(state[lIndex], correction), rowSum);
      for (int64_t ot = 0; ot < oTiles(); ++ot) {
        Value &acc = next[rt * oTiles() + ot];
        for (int64_t c = 0; c < 2; ++c) {
          Value scaled = e.fmul(
              vector::ExtractOp::create(b, acc, ArrayRef<int64_t>{half, c}),
              correction);
          acc = vector::InsertOp::create(b, scaled, acc,
                                         ArrayRef<int64_t>{half, c});
        }
      }
    }
  }

  accumulateValues(slot, s, MutableArrayRef<Value>(next).take_front(oCount),
                   nextScores);
  // With TMA (and a ring), this warp is done with the slot: its products
  // have been waited for.
  if (p.tma && p.stages > 1) {
    OpBuilder::InsertionGuard inner(b);
    ifThen(b, e.eq(lane, e.index(0)));
    mbarrierArrive(b, slotBarrier(slot, /*empty=*/true));
  }
  llvm::append_range(next, nextScores);
  scf::YieldOp::create(b, next);
  return SmallVector<Value>(loop.getResults().begin(),
                            loop.getResults().begin() + stateCount);
}

void AttentionKernelBuilder::epilogue(ArrayRef<Value> state) {
  int64_t rowCount = p.rowTilesPerWarp * 2;
  Value zero = e.f32(0.0);
  Value one = e.f32(1.0);
  Value negInf = e.f32(-std::numeric_limits<double>::infinity());
  VectorType pairType = VectorType::get({2}, p.elementType);
  for (int64_t rt = 0; rt < p.rowTilesPerWarp; ++rt) {
    for (int64_t half = 0; half < 2; ++half) {
      int64_t row = rt * 2 + half;
      Value sum = state[p.rowTilesPerWarp * oTiles() + rowCount + row];
      sum = e.fadd(sum, e.shuffleXor(sum, 1));
      sum = e.fadd(sum, e.shuffleXor(sum, 2));
      // A row that attends to nothing is 0 (and its lse -inf).
      Value any = e.fgt(sum, zero);
      Value inverse = e.select(any, e.fdiv(one, sum), zero);
      Value globalRow =
          e.add(e.add(queryStart, warpRow(rt)), e.add(group, 8 * half));
      auto ifOp = scf::IfOp::create(b, e.lt(globalRow, queryLength), false);
      OpBuilder::InsertionGuard guard(b);
      b.setInsertionPointToStart(&ifOp.getThenRegion().front());
      for (int64_t ot = 0; ot < oTiles(); ++ot) {
        Value acc = state[rt * oTiles() + ot];
        Value first = e.fmul(
            vector::ExtractOp::create(b, acc, ArrayRef<int64_t>{half, 0}),
            inverse);
        Value second = e.fmul(
            vector::ExtractOp::create(b, acc, ArrayRef<int64_t>{half, 1}),
            inverse);
        Value pair =
            arith::TruncFOp::create(b, pairType,
                                    vector::FromElementsOp::create(
                                        b, VectorType::get({2}, b.getF32Type()),
                                        ValueRange{first, second}));
        Value col = e.add(e.mul(quad, 2), 8 * ot);
        vector::StoreOp::create(b, pair, output,
                                ValueRange{batch, head, globalRow, col});
      }
      if (lse) {
        Value max = state[p.rowTilesPerWarp * oTiles() + row];
        Value logSum =
            e.fmul(e.fadd(e.fmul(max, e.f32(p.softmaxFactor())), e.log2(sum)),
                   e.f32(std::log(2.0)));
        Value result = e.select(any, logSum, negInf);
        auto first = scf::IfOp::create(b, e.eq(quad, e.index(0)), false);
        OpBuilder::InsertionGuard inner(b);
        b.setInsertionPointToStart(&first.getThenRegion().front());
        memref::StoreOp::create(b, result, lse,
                                ValueRange{batch, head, globalRow});
      }
    }
  }
}

void AttentionKernelBuilder::build() {
  computeCoordinates();
  auto space =
      gpu::AddressSpaceAttr::get(b.getContext(), gpu::AddressSpace::Workgroup);
  shared = gpu::DynamicSharedMemoryOp::create(
      b, MemRefType::get({ShapedType::kDynamic}, b.getI8Type(),
                         MemRefLayoutAttrInterface(), space));
  planOrigin = e.index(0);
  if (p.wgmma) {
    Value base = memref::ExtractAlignedPointerAsIndexOp::create(b, shared);
    planOrigin =
        e.rem(e.sub(e.index(wg::kPatternBytes), e.rem(base, wg::kPatternBytes)),
              wg::kPatternBytes);
  }

  // Key tiles this block visits: [tileBegin, tileEnd).
  Value keyEnd = keyLength;
  if (p.causal)
    keyEnd = e.min(keyEnd, e.add(queryStart, p.blockM));
  if (p.windowRight)
    keyEnd = e.min(keyEnd, e.add(queryStart, p.blockM + *p.windowRight));
  Value keyBegin = e.index(0);
  if (p.windowLeft)
    keyBegin = e.max(keyBegin, e.sub(queryStart, e.index(*p.windowLeft)));
  Value tileBegin = e.div(keyBegin, p.blockN);
  Value tileEnd = e.ceilDiv(keyEnd, p.blockN);
  Value tileCount = e.max(e.sub(tileEnd, tileBegin), e.index(0));

  // Prologue: Q, then the first stages - 1 key/value tiles, one group each.
  Value queryTile =
      tileView(b, p, shared, e.add(planOrigin, p.qOffset), p.blockM, p.headDim);
  Value always = arith::ConstantOp::create(b, b.getBoolAttr(true));
  if (p.tma)
    initSlotBarriers();
  anchorGroup = commitGroup(copyTile(query, head, queryStart, queryLength,
                                     always, queryTile, p.blockM, p.headDim));
  for (int64_t s = 0; s + 1 < p.stages; ++s)
    loadKeyValueTile(e.add(tileBegin, s), e.index(s),
                     e.lt(e.index(s), tileCount));
  // Q landed, and when the loop starts with tile 0's scores, tile 0.
  if (p.tma) {
    waitGroups(anchorGroup, 0);
    wg::fenceProxyAsync(b);
    publishTiles();
    if (p.overlapsScores())
      waitTile(e.index(0), e.lt(e.index(0), tileCount));
  } else {
    waitGroups(anchorGroup, p.overlapsScores() ? p.stages - 2 : p.stages - 1);
    publishTiles();
  }
  // With wgmma, Q stays in shared memory as the A operand.
  if (!p.wgmma)
    for (int64_t rt = 0; rt < p.rowTilesPerWarp; ++rt)
      for (int64_t kStep = 0; kStep < p.headDim / mma::kK; ++kStep)
        queryFragments.push_back(mma::loadA(e, queryTile, lane, warpRow(rt),
                                            e.index(mma::kK * kStep)));

  SmallVector<Value> state = mainLoop(tileBegin, tileCount);
  // The ring's last refills were zero fills past the end; drain them.
  waitGroups(anchorGroup, 0);
  epilogue(state);
  gpu::ReturnOp::create(b);
}

/// Both templates: the plan from the op and the schedule, then the kernel.
FailureOr<gpu::GPUFuncOp> buildAttentionKernel(mix::AttentionOp op,
                                               mix::ScheduleAttr schedule,
                                               gpu::GPUModuleOp module,
                                               StringRef name, bool wgmma) {
  StringRef templateName = schedule.getTemplateName();
  auto unsupported = [&](StringRef what) {
    return op.emitOpError()
           << "kernel template '" << templateName << "' does not lower " << what
           << " yet (the CPU path, --mix-cpu-pipeline, does)";
  };
  if (op.getBias())
    return unsupported("an additive bias");
  if (op.getBlockMask())
    return unsupported("a block mask");
  if (op.getSinkTokens() != 0)
    return unsupported("sink tokens");

  auto qType = cast<RankedTensorType>(op.getQuery().getType());
  auto kType = cast<RankedTensorType>(op.getKey().getType());
  auto vType = cast<RankedTensorType>(op.getValue().getType());
  Type elementType = qType.getElementType();
  if (!isa<Float16Type, BFloat16Type>(elementType) ||
      kType.getElementType() != elementType ||
      vType.getElementType() != elementType)
    return unsupported("element types other than one of f16 and bf16 for "
                       "query, key and value");
  if (qType.isDynamicDim(1) || kType.isDynamicDim(1) || qType.isDynamicDim(3) ||
      vType.isDynamicDim(3))
    return unsupported("dynamic head counts or head dims");

  AttentionPlan p;
  p.wgmma = wgmma;
  p.blockM = *schedule.getParam("block_m");
  p.blockN = *schedule.getParam("block_n");
  p.stages = *schedule.getParam("stages");
  p.headDim = qType.getDimSize(3);
  p.valueDim = vType.getDimSize(3);
  if (wgmma) {
    // One warpgroup per 64 query rows; each warp holds 16 of them.
    int64_t warpgroups = *schedule.getParam("consumer_warpgroups");
    if (p.blockM != wg::kM * warpgroups)
      return op.emitOpError()
             << "schedule '" << templateName << "': block_m (" << p.blockM
             << ") must be 64 rows per consumer warpgroup (consumer_warpgroups "
                "= "
             << warpgroups << ")";
    p.warps = 4 * warpgroups;
    if (p.blockN % wg::kK != 0)
      return op.emitOpError() << "schedule '" << templateName << "': block_n ("
                              << p.blockN << ") must be a multiple of 16";
    if (p.headDim % wg::kPanelColumns != 0 ||
        p.valueDim % wg::kPanelColumns != 0 || p.valueDim > 256)
      return unsupported("head dims that are not multiples of 64 (or a value "
                         "head dim above 256); attention.mma_sync does");
  } else {
    p.warps = *schedule.getParam("warps");
    if (p.blockM % (16 * p.warps) != 0 || p.blockM / (16 * p.warps) > 2)
      return op.emitOpError()
             << "schedule '" << templateName << "': block_m (" << p.blockM
             << ") must be 16 or 32 rows per warp (warps = " << p.warps << ")";
    if (p.headDim % 16 != 0 || p.valueDim % 16 != 0)
      return unsupported("head dims that are not multiples of 16");
  }
  p.rowTilesPerWarp = p.blockM / (16 * p.warps);
  p.queryHeads = qType.getDimSize(1);
  p.groupSize = p.queryHeads / kType.getDimSize(1);
  p.elementType = elementType;
  p.scaleLog2 = op.getEffectiveScale().value_or(1.0) / std::log(2.0);
  p.causal = op.getCausal();
  p.hasLse = static_cast<bool>(op.getLse());
  if (IntegerAttr left = op.getWindowLeftAttr())
    p.windowLeft = left.getInt();
  if (IntegerAttr right = op.getWindowRightAttr())
    p.windowRight = right.getInt();

  for (auto [rows, cols] : {std::pair<int64_t, int64_t>{p.blockM, p.headDim},
                            {p.blockN, p.headDim},
                            {p.blockN, p.valueDim}})
    if (rows * cols / kChunkElements % p.threads() != 0)
      return op.emitOpError()
             << "schedule '" << templateName << "': a " << rows << "x" << cols
             << " tile is not a whole number of 16-byte copies per thread ("
             << p.threads() << " threads); use fewer warps or larger tiles";

  // Swizzled tiles start on 1024-byte boundaries from an origin that the
  // kernel aligns at run time (up to 1023 bytes past the block's start).
  SharedMemoryPlan shared;
  int64_t alignment = wgmma ? wg::kPatternBytes : kSharedAlignment;
  p.qOffset = shared.allocate("query", p.blockM * p.rowStride(p.headDim) * 2,
                              alignment);
  p.kOffset = shared.allocate("key", p.stages * p.kStageBytes(), alignment);
  p.vOffset = shared.allocate("value", p.stages * p.vStageBytes(), alignment);
  p.tma = wgmma && *schedule.getParam("tma") != 0;
  if (p.tma)
    p.barrierOffset = shared.allocate("slot mbarriers", 16 * p.stages, 8);
  p.sharedBytes = shared.totalBytes() + (wgmma ? wg::kPatternBytes - 1 : 0);
  if (shared.hasOverlap())
    return op.emitOpError() << "internal error: overlapping shared buffers";
  if (p.sharedBytes + kStaticSharedBytes > kMaxSharedBytesPerBlock)
    return op.emitOpError()
           << "schedule '" << templateName << "' needs "
           << p.sharedBytes + kStaticSharedBytes
           << " bytes of shared memory, more than a block may have ("
           << kMaxSharedBytesPerBlock << "); lower block_m, block_n or stages";

  ImplicitLocOpBuilder b(op.getLoc(), op.getContext());
  SmallVector<Type> argTypes = {
      globalMemRefType(qType), globalMemRefType(kType), globalMemRefType(vType),
      globalMemRefType(cast<RankedTensorType>(op.getOutput().getType()))};
  SmallVector<StringRef> names = {"query", "key", "value", "result"};
  SmallVector<StringRef> roles = {"input", "input", "input", "output"};
  if (p.hasLse) {
    argTypes.push_back(
        globalMemRefType(cast<RankedTensorType>(op.getLse().getType())));
    names.push_back("lse");
    roles.push_back("output");
  }
  LaunchConfig config;
  // With TMA: K and V as [batch kv heads, length, head dim] planes, boxes of
  // [1, block_n, 64] (one 128-byte-swizzled panel).
  if (p.tma) {
    for (int64_t arg : {1, 2})
      config.tensorMaps.push_back(
          {arg, {1, p.blockN, wg::kPanelColumns}, wg::kPanelColumns * 2});
    argTypes.append(2, tensorMapArgType(op.getContext()));
  }
  gpu::GPUFuncOp kernel = createKernel(b, module, name, argTypes);
  AttentionKernelBuilder(p, b, kernel).build();
  // Two blocks per SM when their shared memory fits and the fragments they
  // keep live (Q, O, S: 4 registers per 16x16 / 16x8 tile pair) leave room
  // under 128 registers; ptxas is then held to that. Otherwise one block of
  // up to 255 registers.
  int64_t fragmentRegisters =
      p.rowTilesPerWarp *
      (p.headDim / mma::kK * 4 + p.valueDim / mma::kN * 4 + p.blockN / 2);
  bool twoFit =
      2 * (p.sharedBytes + kStaticSharedBytes + kReservedSharedBytesPerBlock) <=
      kSharedBytesPerSM;
  if (wgmma) {
    // One block per SM; ptxas must know the block size to keep 384 threads
    // within the register file.
    kernel.setKnownBlockSizeAttr(
        b.getDenseI32ArrayAttr({static_cast<int32_t>(p.threads()), 1, 1}));
  } else {
    setOccupancyHints(kernel, p.threads(),
                      twoFit && fragmentRegisters <= 80 ? 2 : 1);
  }

  config.blockThreads = p.threads();
  config.grid[0].push_back({1, /*arg=*/0, /*dim=*/2, p.blockM});
  config.grid[1].push_back({1, 0, 0, 1});
  config.grid[1].push_back({1, 0, 1, 1});
  config.sharedBytes = p.sharedBytes;
  Builder attrs(op.getContext());
  NamedAttribute opAttrs[] = {
      attrs.getNamedAttr("causal", attrs.getBoolAttr(p.causal)),
      attrs.getNamedAttr(
          "scale", attrs.getF64FloatAttr(op.getEffectiveScale().value_or(1.0))),
      attrs.getNamedAttr("window_left",
                         attrs.getI64IntegerAttr(p.windowLeft.value_or(-1))),
      attrs.getNamedAttr("window_right",
                         attrs.getI64IntegerAttr(p.windowRight.value_or(-1))),
      attrs.getNamedAttr("sink_tokens", attrs.getI64IntegerAttr(0)),
  };
  setLaunchAttr(kernel, config, op, schedule, names, roles,
                attrs.getDictionaryAttr(opAttrs));
  return kernel;
}

} // namespace

FailureOr<gpu::GPUFuncOp>
kernels::buildAttentionMmaSyncKernel(mix::AttentionOp op,
                                     mix::ScheduleAttr schedule,
                                     gpu::GPUModuleOp module, StringRef name) {
  return buildAttentionKernel(op, schedule, module, name, /*wgmma=*/false);
}

FailureOr<gpu::GPUFuncOp>
kernels::buildAttentionWgmmaKernel(mix::AttentionOp op,
                                   mix::ScheduleAttr schedule,
                                   gpu::GPUModuleOp module, StringRef name) {
  if (*schedule.getParam("warp_specialize") != 0)
    return op.emitOpError()
           << "kernel template 'attention.wgmma' does not lower "
              "warp_specialize = 1 yet (every warp computes; with tma = 1 "
              "thread 0 issues the K/V boxes)";
  if (*schedule.getParam("tma") != 0 && *schedule.getParam("block_n") > 256)
    return op.emitOpError()
           << "schedule 'attention.wgmma': tma = 1 copies boxes of at most "
              "256 rows; block_n is "
           << *schedule.getParam("block_n");
  return buildAttentionKernel(op, schedule, module, name, /*wgmma=*/true);
}
