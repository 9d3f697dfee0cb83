//===- Monarch.cpp - mix.monarch as one fused kernel ----------------------===//
//
// The `monarch.fused` kernel builder. One thread block takes `block_tokens`
// rows of x (tokens t) and computes both block-diagonal products for them:
//
//   stage 1, per first-factor block kb:  U_kb^T [q x T] = F1[kb] [q x p] *
//            X_kb^T [p x T]   (u[t, kb*q + qi] = U_kb^T[qi, t])
//   stage 2, per second-factor block lb: Y_lb [T x s] = V_lb [T x r] *
//            F2[lb]^T [r x s] (V_lb[t, ri] = u[t, ri*l + lb],
//            y[t, si*l + lb] = Y_lb[t, si])
//
// both on the tensor cores (mma.sync m16n8k16, f32 accumulation). The
// permutation P between the products is where stage 1 stores u: shared
// memory holds u as one region per second-factor block, [lb][ri][t], so that
// each V_lb is one [r x T] matrix that ldmatrix.trans reads as A fragments.
// Stage 1's accumulators pair two adjacent tokens of one u entry, so each
// lane stores 4 bytes; a XOR swizzle of the 16-byte token chunks keeps both
// the stores and the ldmatrix reads free of bank conflicts, and a 16-byte
// pad between regions spreads the lanes that write different regions.
//
// Factor blocks (and stage 1's x columns) stream through one `stages`-deep
// cp.async ring: a step loads a few blocks while the previous steps compute,
// and the ring runs on from stage 1's steps into stage 2's. Stage 2's results
// go to a staging buffer of `group` consecutive lb, so that y leaves in
// vectors of up to 16 bytes (y's column si*l + lb makes consecutive lb the
// contiguous direction); its row pitch is an odd number of words, which
// makes the 2-byte stores of a warp hit 32 distinct banks.
//
// With `cluster` = C > 1, the C thread blocks of a thread-block cluster take
// the same tokens and split the blocks of both factors: block c computes k/C
// stage-1 blocks and l/C stage-2 blocks, and each u entry is stored straight
// into the shared memory of the block that owns its lb (mapa + st.async).
// u then costs each block only 1/C of the memory, so a block holds C times
// more tokens and every factor byte read from L2 serves C times more
// tokens. (At n = 4096 one token's u is 8 KiB: without a cluster a block
// holds 16 tokens, and each token costs 64 KiB of factor reads.) The stores
// complete on an mbarrier of the receiving block, which counts the bytes
// of its u (armed per tile by its thread 0); stage 2 waits on it. No fence
// waits for the stores then, nor for y's global stores: a relaxed cluster
// arrive after stage 2, and its wait before the next tile's first remote
// store, only keep the blocks from overwriting a u still being read.
//
// A block (or cluster) loops over `tiles` consecutive token tiles; the ring
// runs on from one tile's last step into the next tile's first, so the
// pipeline fills once per block rather than once per tile.
//
// With `resident_factors` = 1, a block loads its k/C + l/C factor blocks
// into shared memory once and keeps them over its tiles: the ring then
// carries stage 1's x columns alone (its steps run on into the next tile's
// while stage 2 computes), and factor bytes no longer cost L2 traffic per
// tile. With 2, only the second factor's l/C blocks stay (64 KiB at
// n = 4096 with a cluster of 8, where a u of 64 tokens still fits) and the
// first streams with x. Either way stage 2 has no ring steps and no staging
// buffer: a warp task computes a [16 x 16] (token, si) tile for `group`
// consecutive lb at once, so each lane holds, for each of its (t, si), the
// group's lb values that y keeps contiguous, and stores them straight from
// its accumulators (16 bytes at a group of 8 2-byte values).
//
// With `blocks_per_sm` = 2 the plan keeps to half an SM's shared memory
// and the kernel asks ptxas for two resident blocks (.minnctapersm), so
// that one block's waits (its copies, the u mbarrier, the cluster barrier)
// overlap the other's products.
//
// With `tma` = 1 (sm_90, resident factors), stage 1's ring slots are filled
// by the copy engine: thread 0 arms the slot's mbarrier with the step's
// bytes and issues one cp.async.bulk.tensor.2d per box (x's columns as
// [tokens x 64] boxes, a streamed first factor as [blocks q x 64]), from
// tensor maps that the runtime encodes at launch and passes as 128-byte
// __grid_constant__ parameters (manifest `tensor_maps`). The boxes land
// swizzled over their 128-, 64- or 32-byte rows (conflict-free ldmatrix
// without padding), so the slots are aligned to the 1024-byte period at run
// time. Every thread waits on the slot's mbarrier phase; each warp then
// releases the slot on its "empty" mbarrier, which thread 0 waits for
// before refilling it (no block barrier per step; one per tile keeps u
// from being overwritten while read, where no cluster barrier does). Rows
// past x's end
// arrive as zeros; rows of the next batch row make tokens whose y is never
// stored.
//
// Each step's products are cut into warp tasks of up to 16 accumulator tiles
// (chooseTiling): every warp gets the same number of tasks where possible,
// and each task reuses its A and B fragments across as many MMAs as it can.
//
// Shared memory: one dynamic block, [u regions | resident factors | ring
// slots | staging (streamed second factor only) | u mbarrier (cluster)].
//
//===----------------------------------------------------------------------===//

#include "KernelBuilder.h"
#include "MmaSync.h"

#include "mixc/Dialect/Mix/ScheduleTemplates.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/NVGPU/IR/NVGPUDialect.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

#include <functional>
#include <numeric>

using namespace mlir;
using namespace mixc;
using namespace mixc::kernels;
namespace mma = mixc::kernels::mma_sync;

namespace {

/// How one stage's products are cut (mixc/Passes/KernelLayouts.h).
using StageTiling = MonarchTiling;

/// Everything the kernel's shape depends on, fixed at build time: the
/// shapes and schedule, and the plan that planMonarchLayout derives from
/// them (tilings, staging, shared layout).
struct MonarchPlan : MonarchLayout {
  int64_t k, q, p, l, s, r;
  int64_t tokens, warps, stages, cluster, tiles;
  int64_t xRank;
  Type elementType, resultType;
  int64_t threads() const { return warps * 32; }
  int64_t elementBytes() const { return 2; }
  int64_t resultBytes() const { return resultType.getIntOrFloatBitWidth() / 8; }
};

class MonarchKernelBuilder {
public:
  MonarchKernelBuilder(const MonarchPlan &plan, ImplicitLocOpBuilder &b,
                       gpu::GPUFuncOp kernel)
      : p(plan), b(b), e(b), xArg(kernel.getArgument(0)),
        firstFactor(kernel.getArgument(1)), secondFactor(kernel.getArgument(2)),
        yArg(kernel.getArgument(3)) {
    if (p.tma) {
      xMap = kernel.getArgument(4);
      if (!p.residentFirst)
        firstFactorMap = kernel.getArgument(5);
    }
  }

  void build();

private:
  /// Thread, block and cluster coordinates, the tiles this block loops
  /// over; x and y as [rows, n].
  void computeCoordinates();
  /// The first token (in its batch row) and row (of x as [rows, n]) of this
  /// block's tile `tileIndex`.
  std::pair<Value, Value> tileOrigin(Value tileIndex);
  Value rowsView(Value arg);
  /// Issues the cp.async copies of ring step `step` (per tile, stage 1's
  /// steps, then stage 2's; nothing past the last tile) and commits them as
  /// one group, so that every thread commits one group per step.
  Value issueStep(Value step);
  void loadFirstStep(Value step, Value slot, Value start, Value row0);
  void loadSecondStep(Value step, Value slot);
  /// cp.async of `blocks` blocks of `factor` (the first or the second),
  /// from block `block0` on, into rows padded by kRowPad at byte `offset`.
  void copyFactorBlocks(Value offset, Value factor, Value block0,
                        int64_t blocks);
  /// With resident factors: cp.async of this block's resident factor
  /// blocks, once (committed with the ring's first step).
  void loadResidentFactors();
  /// The factor blocks stage 1 step `localStep`, ring step `step`, reads:
  /// its ring slot, or its part of the resident factors.
  Value firstFactors(Value step, Value localStep);
  /// The streamed second-factor blocks of stage-2 ring step `step`.
  Value secondFactors(Value step);
  /// cp.async of a [rows x cols] tile, 16 bytes a copy spread over the
  /// threads; `source(row, col)` gives the source indices and whether the
  /// row exists (else the chunk is zero-filled).
  void copyTile(Value dest, int64_t rows, int64_t cols,
                llvm::function_ref<
                    std::pair<SmallVector<Value>, Value>(Value row, Value col)>
                    source,
                Value sourceMemref);
  /// Waits for step `step`'s tiles and refills the slot the previous step
  /// read.
  void beginStep(Value step);
  /// With TMA: thread 0 arms the slot's mbarrier with the step's bytes and
  /// issues its boxes (x columns, streamed first-factor blocks); nothing
  /// past the last tile.
  void issueStepTma(Value step);
  /// With TMA: the ring's start (the first kTmaAlignment boundary at or
  /// after ringOffset, a byte offset from the dynamic base), and the slot
  /// mbarriers, initialized by thread 0.
  void initTma();
  /// The shared-window address (i32) of the full (or, `empty`, the empty)
  /// mbarrier of `step`'s slot.
  Value slotBarrier(Value step, bool empty = false);
  /// With TMA and a ring: this warp is done reading `step`'s slot (lane 0
  /// arrives on its empty mbarrier).
  void releaseSlot(Value step);
  /// One cp.async.bulk.tensor.2d box of `map` at (column, row) into shared
  /// byte offset `offset`, counted on `barrier`.
  void copyBox(Value map, Value offset, Value column, Value row, Value barrier);
  /// The element index, in a rank-1 view of a slot tile that TMA wrote as
  /// boxes of [rows x boxColumns] one after another, each swizzled over its
  /// row width, of element (row, col).
  SmallVector<Value> swizzledIndex(Value base, int64_t rows, int64_t boxColumns,
                                   Value row, Value col);

  Value slotBase(Value step);
  /// Stage-1 step `localStep` (ring step `step`): U^T of its blocks, stored
  /// into u.
  void firstStage(Value step, Value localStep);
  /// Stage-2 step `localStep` (ring step `step`): Y of its blocks, into the
  /// staging buffer; y leaves when a group of lb is complete.
  void secondStage(Value step, Value localStep);
  /// Writes the staging buffer of lb group `groupIndex` to y.
  void storeGroup(Value groupIndex);
  /// Stage 2 from the resident second factor, in one step: each warp task
  /// computes a [16 x 16] (token, si) tile of `group` consecutive lb and
  /// stores y straight from its accumulators (y keeps those lb contiguous).
  void secondStageDirect();
  /// [mTiles x 2 nPairs] accumulators of one warp task.
  SmallVector<Value> warpProduct(
      const StageTiling &tiling,
      llvm::function_ref<Value(int64_t mi, int64_t kStep)> loadA,
      llvm::function_ref<std::pair<Value, Value>(int64_t nj, int64_t kStep)>
          loadB);
  /// Runs `body(block, mGroup, nGroup)` for each of this warp's tasks:
  /// unrolled, or `rolled` into a loop (for many tasks per warp).
  void forEachTask(const StageTiling &tiling,
                   llvm::function_ref<void(Value, Value, Value)> body,
                   bool rolled = false);
  /// The A fragment of V (tokens m0.., ri k0..) from a swizzled u region.
  Value loadU(Value region, Value m0, Value k0);
  /// The physical column of token chunk start `t` (a multiple of 8) in row
  /// `ri` of a u region.
  Value swizzle(Value ri, Value t);
  /// Stores a pair of u entries (tokens t, t+1 of entry j) into this
  /// block's u.
  void storeU(Value j, Value t, Value pair);
  /// Stores 8 tokens (t .. t+7, 4 words) of u entry j into the u of the
  /// block of the cluster that owns it.
  void storeUChunk(Value j, Value t, ArrayRef<Value> words);
  /// The words of 4 accumulator rows of 8 tokens, one pair of tokens per
  /// lane of a quad (words[v] holds tokens 2 tq, 2 tq + 1 of row v),
  /// transposed: lane tq gets the 4 words (8 tokens) of row tq.
  SmallVector<Value> transposeQuad(ArrayRef<Value> words);
  /// The full cluster barrier (release, then acquire at cluster scope).
  void clusterBarrier();
  /// The cluster barrier's two halves apart: a relaxed arrive (no memory
  /// ordering) and the wait.
  void clusterArriveRelaxed();
  void clusterWait();
  /// With a cluster: the mbarrier that counts the bytes of u the blocks
  /// store into this one (st.async) — initialized once; armed per tile by
  /// thread 0 with the tile's byte count; waited for, at phase parity
  /// `parity`, before stage 2.
  void initUBarrier();
  void expectU();
  void waitU(Value parity);

  const MonarchPlan &p;
  ImplicitLocOpBuilder &b;
  Emitter e;
  Value xArg, firstFactor, secondFactor, yArg;
  Value xMap, firstFactorMap; // TMA tensor maps (with tma)
  Value ringStart;            // byte offset of the ring's first slot
  Value x, y;                 // [rows, n] and [rows, l * s]
  Value shared, sharedAddress, tid, lane, warp, group, quad;
  Value uBarrier; // i32 shared-window address of the u mbarrier (cluster)
  Value rank, length, batchRow, clusterIndex, tileCount, kbBase, lbBase;
  Value tileStart, rowBase; // of the tile being computed
  Value anchor;             // a committed group: an SSA anchor for the waits
};

void MonarchKernelBuilder::computeCoordinates() {
  tid = gpu::ThreadIdOp::create(b, gpu::Dimension::x);
  lane = e.rem(tid, 32);
  warp = e.div(tid, 32);
  group = e.div(lane, 4);
  quad = e.rem(lane, 4);
  Value blockX = gpu::BlockIdOp::create(b, gpu::Dimension::x);
  Value batch = gpu::BlockIdOp::create(b, gpu::Dimension::y);
  // The C blocks of a cluster are consecutive in x. Cluster i takes token
  // tiles i * tiles .. (i + 1) * tiles - 1 of its batch row.
  rank = e.rem(blockX, p.cluster);
  clusterIndex = e.div(blockX, p.cluster);
  length = p.xRank >= 2
               ? memref::DimOp::create(b, xArg, p.xRank - 2).getResult()
               : e.index(1);
  batchRow = e.mul(batch, length);
  Value remaining =
      e.sub(e.ceilDiv(length, p.tokens), e.mul(clusterIndex, p.tiles));
  tileCount = e.max(e.min(remaining, e.index(p.tiles)), e.index(0));
  kbBase = e.mul(rank, p.kLocal);
  lbBase = e.mul(rank, p.lLocal);
  x = rowsView(xArg);
  y = rowsView(yArg);
}

std::pair<Value, Value> MonarchKernelBuilder::tileOrigin(Value tileIndex) {
  Value start = e.mul(e.add(e.mul(clusterIndex, p.tiles), tileIndex), p.tokens);
  return {start, e.add(batchRow, start)};
}

Value MonarchKernelBuilder::rowsView(Value arg) {
  auto type = cast<MemRefType>(arg.getType());
  int64_t rank = type.getRank();
  if (rank == 2)
    return arg;
  if (rank == 1) {
    auto result =
        MemRefType::get({1, type.getDimSize(0)}, type.getElementType(),
                        MemRefLayoutAttrInterface(), type.getMemorySpace());
    return memref::ExpandShapeOp::create(
        b, result, arg, ArrayRef<ReassociationIndices>{{0, 1}});
  }
  ReassociationIndices leading;
  for (int64_t i = 0; i + 1 < rank; ++i)
    leading.push_back(i);
  return memref::CollapseShapeOp::create(
      b, arg, ArrayRef<ReassociationIndices>{leading, {rank - 1}});
}

void MonarchKernelBuilder::copyTile(
    Value dest, int64_t rows, int64_t cols,
    llvm::function_ref<std::pair<SmallVector<Value>, Value>(Value, Value)>
        source,
    Value sourceMemref) {
  int64_t chunksPerRow = cols / kChunkElements;
  int64_t chunks = rows * chunksPerRow;
  Type tokenType = nvgpu::DeviceAsyncTokenType::get(b.getContext());
  for (int64_t first = 0; first < chunks; first += p.threads()) {
    Value chunk = e.add(tid, first);
    // The last round's spare threads copy nothing.
    OpBuilder::InsertionGuard guard(b);
    if (first + p.threads() > chunks)
      ifThen(b, e.lt(chunk, e.index(chunks)));
    Value row = e.div(chunk, chunksPerRow);
    Value col = e.mul(e.rem(chunk, chunksPerRow), kChunkElements);
    auto [indices, inside] = source(row, col);
    Value count;
    if (inside)
      count = e.select(inside, e.index(kChunkElements), e.index(0));
    nvgpu::DeviceAsyncCopyOp::create(
        b, tokenType, dest, ValueRange{row, col}, sourceMemref, indices,
        b.getIndexAttr(kChunkElements), count, b.getUnitAttr());
  }
}

Value MonarchKernelBuilder::slotBase(Value step) {
  return e.add(e.mul(e.rem(step, p.stages), p.slotBytes), ringStart);
}

void MonarchKernelBuilder::initTma() {
  // The dynamic block starts 16-byte aligned: round the ring up to the
  // swizzle pattern's period.
  Value ring = e.add(sharedAddress, p.ringOffset);
  Value aligned = e.mul(e.ceilDiv(ring, kTmaAlignment), kTmaAlignment);
  ringStart = e.add(e.index(p.ringOffset), e.sub(aligned, ring));
  // Full: thread 0's arrival with the step's byte count; empty: one per
  // warp.
  OpBuilder::InsertionGuard guard(b);
  ifThen(b, e.eq(tid, e.index(0)));
  initRingBarriers(b, p.stages, p.warps, [&](int64_t slot, bool empty) {
    return slotBarrier(e.index(slot), empty);
  });
}

Value MonarchKernelBuilder::slotBarrier(Value step, bool empty) {
  int64_t offset = p.slotBarrierOffset + (empty ? 8 * p.stages : 0);
  return arith::IndexCastOp::create(
      b, b.getI32Type(),
      e.add(sharedAddress, e.add(e.mul(e.rem(step, p.stages), 8), offset)));
}

void MonarchKernelBuilder::releaseSlot(Value step) {
  // The warp's ldmatrix reads of the slot have returned (the MMAs used
  // them).
  OpBuilder::InsertionGuard guard(b);
  ifThen(b, e.eq(lane, e.index(0)));
  mbarrierArrive(b, slotBarrier(step, /*empty=*/true));
}

void MonarchKernelBuilder::copyBox(Value map, Value offset, Value column,
                                   Value row, Value barrier) {
  Value address = arith::IndexCastOp::create(b, b.getI32Type(),
                                             e.add(sharedAddress, offset));
  tmaLoadBox(b, address, map, {column, row}, barrier);
}

void MonarchKernelBuilder::issueStepTma(Value step) {
  const StageTiling &t = p.first;
  Value tileIndex = e.div(step, p.ringStepsPerTile());
  Value local = e.rem(step, p.ringStepsPerTile());
  OpBuilder::InsertionGuard guard(b);
  ifThen(b, e.andI(e.eq(tid, e.index(0)), e.lt(tileIndex, tileCount)));
  // With a ring, the slot's previous step (step - stages) released by every
  // warp: the (use - 1)-th phase of its empty mbarrier.
  if (p.stages > 1) {
    OpBuilder::InsertionGuard inner(b);
    ifThen(b, e.ge(step, e.index(p.stages)));
    mbarrierWait(b, slotBarrier(step, /*empty=*/true),
                 e.sub(e.div(step, p.stages), e.index(1)));
  }
  Value row0 = tileOrigin(tileIndex).second;
  Value slot = slotBase(step);
  Value barrier = slotBarrier(step);
  int64_t columns = t.blocksPerStep * p.p;
  int64_t bytes = p.tokens * columns * p.elementBytes();
  if (!p.residentFirst)
    bytes += t.blocksPerStep * p.q * p.p * p.elementBytes();
  mbarrierArriveExpectTx(b, barrier, bytes);
  // x's columns: rows past the tensor arrive as zeros; rows of the next
  // batch row (past `length`) arrive as they are and make tokens whose y is
  // never stored.
  Value kb0 = e.add(kbBase, e.mul(local, t.blocksPerStep));
  int64_t xBox = tmaBoxColumns(columns);
  for (int64_t box = 0; box < columns / xBox; ++box)
    copyBox(xMap,
            e.add(slot, p.xInSlot + box * p.tokens * xBox * p.elementBytes()),
            e.add(e.mul(kb0, p.p), box * xBox), row0, barrier);
  if (p.residentFirst)
    return;
  int64_t rows = t.blocksPerStep * p.q;
  int64_t factorBox = tmaBoxColumns(p.p);
  for (int64_t box = 0; box < p.p / factorBox; ++box)
    copyBox(firstFactorMap,
            e.add(slot, box * rows * factorBox * p.elementBytes()),
            e.index(box * factorBox), e.mul(kb0, p.q), barrier);
}

SmallVector<Value> MonarchKernelBuilder::swizzledIndex(Value base, int64_t rows,
                                                       int64_t boxColumns,
                                                       Value row, Value col) {
  // Byte o of a box (aligned to its pattern's period) holds what TMA's
  // swizzle put there: 16-byte chunk bits [4, 4 + w) XOR bits [7, 7 + w),
  // w = log2(row bytes / 16).
  int64_t rowBytes = boxColumns * p.elementBytes();
  Value box = e.div(col, boxColumns);
  Value offset = e.add(e.mul(box, rows * rowBytes),
                       e.add(e.mul(row, rowBytes),
                             e.mul(e.rem(col, boxColumns), p.elementBytes())));
  Value key = e.rem(e.div(offset, 128), rowBytes / 16);
  Value swizzled = arith::XOrIOp::create(b, offset, e.mul(key, 16));
  return {
      e.add(e.div(base, p.elementBytes()), e.div(swizzled, p.elementBytes()))};
}

void MonarchKernelBuilder::loadFirstStep(Value step, Value slot, Value start,
                                         Value row0) {
  const StageTiling &t = p.first;
  Value kb0 = e.add(kbBase, e.mul(step, t.blocksPerStep));
  if (!p.residentFirst)
    copyFactorBlocks(slot, firstFactor, kb0, t.blocksPerStep);
  Value columns =
      sharedView(b, shared, e.add(slot, p.xInSlot),
                 {p.tokens, t.blocksPerStep * p.p + kRowPad}, p.elementType);
  Value column0 = e.mul(kb0, p.p);
  copyTile(
      columns, p.tokens, t.blocksPerStep * p.p,
      [&](Value row, Value col) -> std::pair<SmallVector<Value>, Value> {
        // Rows past the end read row 0 and fill zeros.
        Value inside = e.lt(e.add(start, row), length);
        Value sourceRow = e.select(inside, e.add(row0, row), e.index(0));
        return {{sourceRow, e.add(column0, col)}, inside};
      },
      x);
}

void MonarchKernelBuilder::loadSecondStep(Value step, Value slot) {
  const StageTiling &t = p.second;
  copyFactorBlocks(slot, secondFactor,
                   e.add(lbBase, e.mul(step, t.blocksPerStep)),
                   t.blocksPerStep);
}

void MonarchKernelBuilder::copyFactorBlocks(Value offset, Value factor,
                                            Value block0, int64_t blocks) {
  bool first = factor == firstFactor;
  int64_t rows = first ? p.q : p.s, cols = first ? p.p : p.r;
  Value dest = sharedView(b, shared, offset, {blocks * rows, cols + kRowPad},
                          p.elementType);
  copyTile(
      dest, blocks * rows, cols,
      [&](Value row, Value col) -> std::pair<SmallVector<Value>, Value> {
        return {{e.add(block0, e.div(row, rows)), e.rem(row, rows), col},
                Value()};
      },
      factor);
}

void MonarchKernelBuilder::loadResidentFactors() {
  if (p.residentFirst)
    copyFactorBlocks(e.index(p.factorOffset), firstFactor, kbBase, p.kLocal);
  copyFactorBlocks(e.index(p.factorOffset + p.secondFactorOffset), secondFactor,
                   lbBase, p.lLocal);
}

Value MonarchKernelBuilder::firstFactors(Value step, Value localStep) {
  int64_t rows = p.first.blocksPerStep * p.q;
  Value base = slotBase(step);
  if (p.residentFirst)
    base = e.add(e.mul(localStep, rows * (p.p + kRowPad) * p.elementBytes()),
                 p.factorOffset);
  return sharedView(b, shared, base, {rows, p.p + kRowPad}, p.elementType);
}

Value MonarchKernelBuilder::secondFactors(Value step) {
  return sharedView(b, shared, slotBase(step),
                    {p.second.blocksPerStep * p.s, p.r + kRowPad},
                    p.elementType);
}

Value MonarchKernelBuilder::issueStep(Value step) {
  int64_t firstSteps = p.first.steps;
  Value tileIndex = e.div(step, p.ringStepsPerTile());
  Value local = e.rem(step, p.ringStepsPerTile());
  Value slot = slotBase(step);
  auto exists = scf::IfOp::create(b, e.lt(tileIndex, tileCount), false);
  if (p.residentSecond) {
    // Only stage 1 has ring steps.
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToStart(&exists.getThenRegion().front());
    auto [start, row0] = tileOrigin(tileIndex);
    loadFirstStep(local, slot, start, row0);
  } else {
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToStart(&exists.getThenRegion().front());
    auto isFirst = scf::IfOp::create(b, e.lt(local, e.index(firstSteps)),
                                     /*withElseRegion=*/true);
    b.setInsertionPointToStart(&isFirst.getThenRegion().front());
    auto [start, row0] = tileOrigin(tileIndex);
    loadFirstStep(local, slot, start, row0);
    b.setInsertionPointToStart(&isFirst.getElseRegion().front());
    loadSecondStep(e.sub(local, e.index(firstSteps)), slot);
  }
  // cp.async.commit_group commits the thread's copies issued since the last
  // one (none past the end: an empty group), whatever tokens it is given.
  return nvgpu::DeviceAsyncCreateGroupOp::create(
      b, nvgpu::DeviceAsyncTokenType::get(b.getContext()), ValueRange{});
}

void MonarchKernelBuilder::beginStep(Value step) {
  if (p.tma) {
    // The slot of the step's boxes completes one mbarrier phase per use.
    // With one stage, the block barrier frees the slot for this step's
    // boxes.
    Value use = e.div(step, p.stages);
    if (p.stages == 1) {
      gpu::BarrierOp::create(b);
      issueStepTma(step);
      mbarrierWait(b, slotBarrier(step), use);
      return;
    }
    // No block barrier: thread 0 refills the slot of step - 1 once every
    // warp has released it (releaseSlot).
    mbarrierWait(b, slotBarrier(step), use);
    issueStepTma(e.add(step, p.stages - 1));
    return;
  }
  if (p.stages == 1) {
    gpu::BarrierOp::create(b);
    nvgpu::DeviceAsyncWaitOp::create(b, issueStep(step),
                                     b.getI32IntegerAttr(0));
    gpu::BarrierOp::create(b);
    return;
  }
  nvgpu::DeviceAsyncWaitOp::create(b, anchor,
                                   b.getI32IntegerAttr(p.stages - 2));
  gpu::BarrierOp::create(b);
  issueStep(e.add(step, p.stages - 1));
}

SmallVector<Value> MonarchKernelBuilder::warpProduct(
    const StageTiling &tiling,
    llvm::function_ref<Value(int64_t, int64_t)> loadA,
    llvm::function_ref<std::pair<Value, Value>(int64_t, int64_t)> loadB) {
  int64_t nTiles = 2 * tiling.nPairs;
  SmallVector<Value> acc(tiling.mTiles * nTiles, mma::zeroAcc(b));
  for (int64_t kStep = 0; kStep < tiling.kSteps; ++kStep) {
    SmallVector<Value> a;
    for (int64_t mi = 0; mi < tiling.mTiles; ++mi)
      a.push_back(loadA(mi, kStep));
    for (int64_t nj = 0; nj < tiling.nPairs; ++nj) {
      auto [left, right] = loadB(nj, kStep);
      for (int64_t mi = 0; mi < tiling.mTiles; ++mi) {
        Value &c0 = acc[mi * nTiles + 2 * nj];
        Value &c1 = acc[mi * nTiles + 2 * nj + 1];
        c0 = mma::mma(b, a[mi], left, c0);
        c1 = mma::mma(b, a[mi], right, c1);
      }
    }
  }
  return acc;
}

void MonarchKernelBuilder::forEachTask(
    const StageTiling &tiling,
    llvm::function_ref<void(Value, Value, Value)> body, bool rolled) {
  // Task `warp + i warps` for the i-th of this warp's tasks; past the last
  // task (`maybePast`) nothing runs.
  auto run = [&](Value task, bool maybePast) {
    OpBuilder::InsertionGuard guard(b);
    if (maybePast)
      ifThen(b, e.lt(task, e.index(tiling.tasksPerStep)));
    Value block = e.div(task, tiling.mGroups * tiling.nGroups);
    Value mGroup = e.rem(e.div(task, tiling.nGroups), tiling.mGroups);
    Value nGroup = e.rem(task, tiling.nGroups);
    body(block, mGroup, nGroup);
  };
  if (rolled) {
    auto loop = scf::ForOp::create(b, e.index(0), e.index(tiling.tasksPerWarp),
                                   e.index(1));
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToStart(loop.getBody());
    run(e.add(warp, e.mul(loop.getInductionVar(), p.warps)),
        tiling.tasksPerWarp * p.warps > tiling.tasksPerStep);
    return;
  }
  for (int64_t i = 0; i < tiling.tasksPerWarp; ++i)
    run(e.add(warp, i * p.warps), (i + 1) * p.warps > tiling.tasksPerStep);
}

Value MonarchKernelBuilder::swizzle(Value ri, Value t) {
  // Token chunks of 16 bytes; the rows that share a 128-byte line (or, for
  // long rows, 8 consecutive rows) XOR their chunk index with distinct
  // values, so that the 8 rows an ldmatrix reads at one chunk fall on 8
  // distinct groups of banks.
  int64_t chunksPerRow = p.tokens / 8;
  int64_t rowsPerLine = std::max<int64_t>(1, 8 / chunksPerRow);
  int64_t span = std::min<int64_t>(8, chunksPerRow);
  Value key = e.rem(e.div(ri, rowsPerLine), span);
  Value chunk = arith::XOrIOp::create(b, e.div(t, 8), key);
  return e.mul(chunk, 8);
}

Value MonarchKernelBuilder::loadU(Value region, Value m0, Value k0) {
  // ldmatrix.x4.trans of A = V [m = t][k = ri] stored [ri][t], in
  // mma::loadAT's matrix order: lane l gives row k0 + l % 8 + 8 (l / 16) at
  // token m0 + 8 ((l / 8) % 2).
  Value ri = e.add(k0, e.add(e.rem(lane, 8), e.mul(e.div(lane, 16), 8)));
  Value t = e.add(m0, e.mul(e.rem(e.div(lane, 8), 2), 8));
  return nvgpu::LdMatrixOp::create(b, mma::aType(p.elementType), region,
                                   ValueRange{ri, swizzle(ri, t)},
                                   /*transpose=*/true, /*numTiles=*/4);
}

void MonarchKernelBuilder::storeU(Value j, Value t, Value pair) {
  Value lb = e.rem(j, p.l);
  Value ri = e.div(j, p.l);
  Value local = e.rem(lb, p.lLocal);
  Value index = e.add(e.add(e.mul(local, p.regionPitch), e.mul(ri, p.tokens)),
                      e.add(swizzle(ri, t), e.rem(t, 8)));
  Value u = sharedView(b, shared, e.index(p.uOffset),
                       {p.lLocal * p.regionPitch}, p.elementType);
  vector::StoreOp::create(b, pair, u, ValueRange{index},
                          /*nontemporal=*/false, llvm::MaybeAlign(4));
}

void MonarchKernelBuilder::storeUChunk(Value j, Value t,
                                       ArrayRef<Value> words) {
  Value lb = e.rem(j, p.l);
  Value ri = e.div(j, p.l);
  Value index = e.add(
      e.add(e.mul(e.rem(lb, p.lLocal), p.regionPitch), e.mul(ri, p.tokens)),
      swizzle(ri, t));
  // The owner's shared-memory window addresses of the entry and of its u
  // mbarrier (mapa), then one asynchronous 16-byte store that adds its bytes
  // to that mbarrier's transaction count: a quad of lanes writes 64
  // contiguous bytes, whole 32-byte sectors of the SM-to-SM network, and no
  // fence waits for them.
  Type i32 = b.getI32Type();
  Value owner = arith::IndexCastOp::create(b, i32, e.div(lb, p.lLocal));
  Value address = arith::IndexCastOp::create(
      b, i32,
      e.add(sharedAddress, e.add(e.mul(index, p.elementBytes()), p.uOffset)));
  SmallVector<Value> operands = {address, owner, uBarrier};
  llvm::append_range(operands, words);
  inlinePtxVolatile(
      b, Type(),
      "{\n.reg .b32 remote, bar;\nmapa.shared::cluster.u32 remote, $0, $1;\n"
      "mapa.shared::cluster.u32 bar, $2, $1;\n"
      "st.async.shared::cluster.mbarrier::complete_tx::bytes.v4.b32 [remote], "
      "{$3, $4, $5, $6}, [bar];\n}",
      "r,r,r,r,r,r,r,~{memory}", operands);
}

SmallVector<Value> MonarchKernelBuilder::transposeQuad(ArrayRef<Value> words) {
  // Round r: lane tq reads lane tq ^ r, which sends its word of row tq
  // (its words[tq ^ r]); the received word is tokens of pair tq ^ r.
  auto pick = [&](Value index, ArrayRef<Value> values) {
    Value result = values[0];
    for (int64_t i = 1; i < 4; ++i)
      result = e.select(e.eq(index, e.index(i)), values[i], result);
    return result;
  };
  SmallVector<Value> result(4, pick(quad, words));
  for (int64_t i = 0; i < 4; ++i)
    result[i] = e.select(e.eq(quad, e.index(i)), result[i],
                         arith::ConstantOp::create(b, b.getI32IntegerAttr(0)));
  for (int64_t round = 1; round < 4; ++round) {
    Value partner = arith::XOrIOp::create(b, quad, e.index(round));
    Value received = e.shuffleXor(pick(partner, words), round);
    for (int64_t i = 0; i < 4; ++i)
      result[i] = e.select(e.eq(partner, e.index(i)), received, result[i]);
  }
  return result;
}

void MonarchKernelBuilder::clusterBarrier() {
  // Release then acquire at cluster scope: the u entries stored into other
  // blocks before it are visible to them after it. (Inline PTX rather than
  // nvvm.cluster.*: the memory clobber also keeps the compiler from moving
  // shared-memory accesses across it.)
  inlinePtxVolatile(
      b, Type(),
      "barrier.cluster.arrive.aligned;\nbarrier.cluster.wait.aligned;",
      "~{memory}", ValueRange{});
}

void MonarchKernelBuilder::clusterArriveRelaxed() {
  inlinePtxVolatile(b, Type(), "barrier.cluster.arrive.relaxed.aligned;",
                    "~{memory}", ValueRange{});
}

void MonarchKernelBuilder::clusterWait() {
  inlinePtxVolatile(b, Type(), "barrier.cluster.wait.aligned;", "~{memory}",
                    ValueRange{});
}

void MonarchKernelBuilder::initUBarrier() {
  uBarrier = arith::IndexCastOp::create(b, b.getI32Type(),
                                        e.add(sharedAddress, p.barrierOffset));
  // One arrival per phase (thread 0's, with the byte count); the fence
  // makes the initialization visible to the cluster's st.async, which
  // start after the cluster barrier that follows.
  OpBuilder::InsertionGuard guard(b);
  ifThen(b, e.eq(tid, e.index(0)));
  mbarrierInit(b, uBarrier, 1);
  mbarrierInitFence(b);
}

void MonarchKernelBuilder::expectU() {
  OpBuilder::InsertionGuard guard(b);
  ifThen(b, e.eq(tid, e.index(0)));
  mbarrierArriveExpectTx(b, uBarrier,
                         p.lLocal * p.r * p.tokens * p.elementBytes());
}

void MonarchKernelBuilder::waitU(Value parity) {
  mbarrierWait(b, uBarrier, parity);
}

void MonarchKernelBuilder::firstStage(Value step, Value localStep) {
  const StageTiling &t = p.first;
  Value slot = slotBase(step);
  Value factors = firstFactors(step, localStep);
  Value columns;
  // With TMA, the slot's tiles are swizzled boxes, read through a rank-1
  // view of the dynamic block.
  std::function<SmallVector<Value>(Value, Value)> xIndex, factorIndex;
  if (p.tma) {
    columns = sharedView(b, shared, e.index(0),
                         {p.sharedBytes / p.elementBytes()}, p.elementType);
    Value xBase = e.add(slot, p.xInSlot);
    int64_t xBox = tmaBoxColumns(t.blocksPerStep * p.p);
    xIndex = [=](Value row, Value col) {
      return swizzledIndex(xBase, p.tokens, xBox, row, col);
    };
    if (!p.residentFirst) {
      factors = columns;
      int64_t factorBox = tmaBoxColumns(p.p);
      factorIndex = [=](Value row, Value col) {
        return swizzledIndex(slot, t.blocksPerStep * p.q, factorBox, row, col);
      };
    }
  } else {
    columns =
        sharedView(b, shared, e.add(slot, p.xInSlot),
                   {p.tokens, t.blocksPerStep * p.p + kRowPad}, p.elementType);
  }
  auto orNull = [](const std::function<SmallVector<Value>(Value, Value)> &f)
      -> mma::TileIndexer { return f ? mma::TileIndexer(f) : nullptr; };
  forEachTask(t, [&](Value block, Value mGroup, Value nGroup) {
    Value row0 = e.add(e.mul(block, p.q), e.mul(mGroup, 16 * t.mTiles));
    Value token0 = e.mul(nGroup, 16 * t.nPairs);
    Value column0 = e.mul(block, p.p);
    SmallVector<Value> acc = warpProduct(
        t,
        [&](int64_t mi, int64_t kStep) {
          return mma::loadA(e, factors, lane, e.add(row0, 16 * mi),
                            e.index(16 * kStep), orNull(factorIndex));
        },
        [&](int64_t nj, int64_t kStep) {
          return mma::loadBPairNK(e, columns, lane, e.add(token0, 16 * nj),
                                  e.add(column0, 16 * kStep), orNull(xIndex));
        });
    // Accumulator (qi, t), (qi, t + 1): entry j = kb q + qi of two tokens.
    Value kb = e.add(e.add(kbBase, e.mul(localStep, t.blocksPerStep)), block);
    Value qi0 = e.add(e.mul(mGroup, 16 * t.mTiles), group);
    VectorType pairType = VectorType::get({2}, p.elementType);
    int64_t nTiles = 2 * t.nPairs;
    SmallVector<Value> words; // [mi][half][nt]
    for (int64_t mi = 0; mi < t.mTiles; ++mi) {
      for (int64_t half = 0; half < 2; ++half) {
        Value j = e.add(e.mul(kb, p.q), e.add(qi0, 16 * mi + 8 * half));
        for (int64_t nt = 0; nt < nTiles; ++nt) {
          Value values = vector::ExtractOp::create(b, acc[mi * nTiles + nt],
                                                   ArrayRef<int64_t>{half});
          Value pair = arith::TruncFOp::create(b, pairType, values);
          if (p.cluster == 1) {
            Value token = e.add(token0, e.add(e.mul(quad, 2), 8 * nt));
            storeU(j, token, pair);
            continue;
          }
          words.push_back(vector::ExtractOp::create(
              b,
              vector::BitCastOp::create(b, VectorType::get({1}, b.getI32Type()),
                                        pair)
                  .getResult(),
              ArrayRef<int64_t>{0}));
        }
      }
    }
    // Into other blocks: 16-byte stores of 8 tokens, each quad of lanes
    // transposing 4 of its rows of 8 tokens (consecutive nt, or both halves
    // when a task has 2).
    for (size_t first = 0; first < words.size(); first += 4) {
      SmallVector<Value> chunk =
          transposeQuad(ArrayRef<Value>(words).slice(first, 4));
      Value row = e.add(quad, static_cast<int64_t>(first));
      Value nt = e.rem(row, nTiles);
      Value half = e.rem(e.div(row, nTiles), 2);
      Value mi = e.div(row, 2 * nTiles);
      Value qi = e.add(qi0, e.add(e.mul(mi, 16), e.mul(half, 8)));
      storeUChunk(e.add(e.mul(kb, p.q), qi), e.add(token0, e.mul(nt, 8)),
                  chunk);
    }
  });
}

void MonarchKernelBuilder::secondStage(Value step, Value localStep) {
  const StageTiling &t = p.second;
  Value factors = secondFactors(step);
  Value staging = sharedView(b, shared, e.index(p.stagingOffset),
                             {p.tokens * p.stagingPitch}, p.resultType);
  int64_t regionBytes = p.regionPitch * p.elementBytes();
  forEachTask(t, [&](Value block, Value mGroup, Value nGroup) {
    Value lbLocal = e.add(e.mul(localStep, t.blocksPerStep), block);
    Value region =
        sharedView(b, shared, e.add(e.mul(lbLocal, regionBytes), p.uOffset),
                   {p.r, p.tokens}, p.elementType);
    Value token0 = e.mul(mGroup, 16 * t.mTiles);
    Value col0 = e.mul(nGroup, 16 * t.nPairs);
    Value row0 = e.add(e.mul(block, p.s), col0);
    SmallVector<Value> acc = warpProduct(
        t,
        [&](int64_t mi, int64_t kStep) {
          return loadU(region, e.add(token0, 16 * mi), e.index(16 * kStep));
        },
        [&](int64_t nj, int64_t kStep) {
          return mma::loadBPairNK(e, factors, lane, e.add(row0, 16 * nj),
                                  e.index(16 * kStep));
        });
    // Accumulator (t, si), (t, si + 1) -> staging[t][si][lb % group].
    Value lbInGroup = e.rem(lbLocal, p.group);
    for (int64_t mi = 0; mi < t.mTiles; ++mi) {
      for (int64_t half = 0; half < 2; ++half) {
        Value token = e.add(token0, e.add(group, 16 * mi + 8 * half));
        Value rowStart = e.add(e.mul(token, p.stagingPitch), lbInGroup);
        for (int64_t nt = 0; nt < 2 * t.nPairs; ++nt) {
          for (int64_t c = 0; c < 2; ++c) {
            Value si = e.add(col0, e.add(e.mul(quad, 2), 8 * nt + c));
            Value value = vector::ExtractOp::create(
                b, acc[mi * 2 * t.nPairs + nt], ArrayRef<int64_t>{half, c});
            if (value.getType() != p.resultType)
              value = arith::TruncFOp::create(b, p.resultType, value);
            memref::StoreOp::create(
                b, value, staging,
                ValueRange{e.add(rowStart, e.mul(si, p.group))});
          }
        }
      }
    }
  });
}

void MonarchKernelBuilder::secondStageDirect() {
  const StageTiling &t = p.second;
  int64_t regionBytes = p.regionPitch * p.elementBytes();
  Value factors =
      sharedView(b, shared, e.index(p.factorOffset + p.secondFactorOffset),
                 {p.lLocal * p.s, p.r + kRowPad}, p.elementType);
  // A task is a lb group ("block") and a [16 x 16] (token, si) tile; rolled
  // into a loop, as a block may have many per warp (with small clusters,
  // every lb group has (T / 16) (s / 16) of them).
  forEachTask(
      t,
      [&](Value block, Value mGroup, Value nGroup) {
        Value lb0 = e.mul(block, p.group);
        Value token0 = e.mul(mGroup, 16);
        Value si0 = e.mul(nGroup, 16);
        // acc[2 g + nt]: lb lb0 + g, columns si0 + 8 nt ..
        SmallVector<Value> acc(2 * p.group, mma::zeroAcc(b));
        for (int64_t kStep = 0; kStep < t.kSteps; ++kStep) {
          for (int64_t g = 0; g < p.group; ++g) {
            Value lbLocal = e.add(lb0, g);
            Value region = sharedView(
                b, shared, e.add(e.mul(lbLocal, regionBytes), p.uOffset),
                {p.r, p.tokens}, p.elementType);
            Value a = loadU(region, token0, e.index(16 * kStep));
            auto [left, right] = mma::loadBPairNK(
                e, factors, lane, e.add(e.mul(lbLocal, p.s), si0),
                e.index(16 * kStep));
            acc[2 * g] = mma::mma(b, a, left, acc[2 * g]);
            acc[2 * g + 1] = mma::mma(b, a, right, acc[2 * g + 1]);
          }
        }
        // Accumulator element (half, c) of tile nt is (token0 + group + 8 half,
        // si0 + 8 nt + 2 quad + c); its `group` lb are consecutive in y.
        VectorType storeType = VectorType::get({p.storeWidth}, p.resultType);
        Value lbFirst = e.add(lbBase, lb0);
        for (int64_t half = 0; half < 2; ++half) {
          Value token = e.add(token0, e.add(group, 8 * half));
          OpBuilder::InsertionGuard rowGuard(b);
          ifThen(b, e.lt(e.add(tileStart, token), length));
          for (int64_t nt = 0; nt < 2; ++nt) {
            for (int64_t c = 0; c < 2; ++c) {
              Value si = e.add(si0, e.add(e.mul(quad, 2), 8 * nt + c));
              SmallVector<Value> values;
              for (int64_t g = 0; g < p.group; ++g) {
                Value value = vector::ExtractOp::create(
                    b, acc[2 * g + nt], ArrayRef<int64_t>{half, c});
                if (value.getType() != p.resultType)
                  value = arith::TruncFOp::create(b, p.resultType, value);
                values.push_back(value);
              }
              for (int64_t first = 0; first < p.group; first += p.storeWidth) {
                Value vector = vector::FromElementsOp::create(
                    b, storeType,
                    ArrayRef<Value>(values).slice(first, p.storeWidth));
                Value column = e.add(e.mul(si, p.l), e.add(lbFirst, first));
                vector::StoreOp::create(
                    b, vector, y, ValueRange{e.add(rowBase, token), column},
                    /*nontemporal=*/false,
                    llvm::MaybeAlign(p.storeWidth * p.resultBytes()));
              }
            }
          }
        }
      },
      /*rolled=*/true);
}

void MonarchKernelBuilder::storeGroup(Value groupIndex) {
  // Lanes 8i..8i+7 take 8 consecutive chunks of token row 4 task + i: with
  // an odd-word pitch the 4 rows start in different banks.
  int64_t width = p.storeWidth;
  int64_t chunksPerRow = p.s * p.group / width;
  int64_t octets = chunksPerRow / 8;
  int64_t tasks = p.tokens / 4 * octets;
  Value staging = sharedView(b, shared, e.index(p.stagingOffset),
                             {p.tokens * p.stagingPitch}, p.resultType);
  Value lb0 = e.add(lbBase, e.mul(groupIndex, p.group));
  // Staging reads of up to 4 bytes: rows are only word-aligned.
  int64_t unit = std::min<int64_t>(width, 4 / p.resultBytes());
  if ((p.group * p.resultBytes()) % 4 != 0)
    unit = 1;
  VectorType unitType = VectorType::get({unit}, p.resultType);
  VectorType storeType = VectorType::get({width}, p.resultType);
  for (int64_t first = 0; first < tasks; first += p.warps) {
    Value task = e.add(warp, first);
    OpBuilder::InsertionGuard guard(b);
    if (first + p.warps > tasks) {
      auto inside = scf::IfOp::create(b, e.lt(task, e.index(tasks)), false);
      b.setInsertionPointToStart(&inside.getThenRegion().front());
    }
    Value token = e.add(e.mul(e.div(task, octets), 4), e.div(lane, 8));
    Value chunk = e.add(e.mul(e.rem(task, octets), 8), e.rem(lane, 8));
    Value si = e.div(chunk, p.group / width);
    Value part = e.mul(e.rem(chunk, p.group / width), width);
    Value offset =
        e.add(e.mul(token, p.stagingPitch), e.add(e.mul(si, p.group), part));
    SmallVector<Value> elements;
    for (int64_t i = 0; i < width; i += unit) {
      Value piece = vector::LoadOp::create(
          b, unitType, staging, ValueRange{e.add(offset, i)},
          /*nontemporal=*/false, llvm::MaybeAlign(unit * p.resultBytes()));
      for (int64_t j = 0; j < unit; ++j)
        elements.push_back(
            vector::ExtractOp::create(b, piece, ArrayRef<int64_t>{j}));
    }
    Value vector = vector::FromElementsOp::create(b, storeType, elements);
    auto inside =
        scf::IfOp::create(b, e.lt(e.add(tileStart, token), length), false);
    b.setInsertionPointToStart(&inside.getThenRegion().front());
    Value column = e.add(e.mul(si, p.l), e.add(lb0, part));
    vector::StoreOp::create(
        b, vector, y, ValueRange{e.add(rowBase, token), column},
        /*nontemporal=*/false, llvm::MaybeAlign(width * p.resultBytes()));
  }
}

void MonarchKernelBuilder::build() {
  computeCoordinates();
  auto space =
      gpu::AddressSpaceAttr::get(b.getContext(), gpu::AddressSpace::Workgroup);
  shared = gpu::DynamicSharedMemoryOp::create(
      b, MemRefType::get({ShapedType::kDynamic}, b.getI8Type(),
                         MemRefLayoutAttrInterface(), space));
  // The shared-window address of the block, for mapa and TMA.
  if (p.cluster > 1 || p.tma)
    sharedAddress =
        memref::ExtractAlignedPointerAsIndexOp::create(b, shared).getResult();
  ringStart = e.index(p.ringOffset);
  if (p.tma)
    initTma();
  if (p.cluster > 1) {
    initUBarrier();
    // Every block of the cluster runs and has its mbarriers ready before
    // any stores into it.
    clusterBarrier();
  } else if (p.tma) {
    gpu::BarrierOp::create(b);
  }

  // Prologue: resident factors, committed with the ring's first step; the
  // first stages - 1 steps, one group each (with one stage, every step
  // loads and waits for itself). With TMA, the boxes of those steps go
  // first; the resident factors (cp.async) are then waited for here and
  // published by a block barrier.
  if (p.tma) {
    for (int64_t step = 0; step + 1 < p.stages; ++step)
      issueStepTma(e.index(step));
    loadResidentFactors();
    Value group = nvgpu::DeviceAsyncCreateGroupOp::create(
        b, nvgpu::DeviceAsyncTokenType::get(b.getContext()), ValueRange{});
    nvgpu::DeviceAsyncWaitOp::create(b, group, b.getI32IntegerAttr(0));
    gpu::BarrierOp::create(b);
  } else {
    if (p.residentFirst || p.residentSecond)
      loadResidentFactors();
    if (p.stages > 1) {
      anchor = issueStep(e.index(0));
      for (int64_t step = 1; step + 1 < p.stages; ++step)
        issueStep(e.index(step));
    }
  }

  // The tiles: the ring's steps run on from one tile into the next.
  auto tileLoop = scf::ForOp::create(b, e.index(0), tileCount, e.index(1));
  OpBuilder::InsertionGuard guard(b);
  b.setInsertionPointToStart(tileLoop.getBody());
  Value tileIndex = tileLoop.getInductionVar();
  std::tie(tileStart, rowBase) = tileOrigin(tileIndex);
  Value tileStep = e.mul(tileIndex, p.ringStepsPerTile());
  // With a cluster: every block has read the u of the previous tile (its
  // relaxed arrive after stage 2) before any block stores into another's u;
  // thread 0 then arms the mbarrier with this tile's bytes. The remote
  // stores of a faster block may come first: the phase cannot complete
  // before thread 0's arrival.
  if (p.cluster > 1) {
    {
      OpBuilder::InsertionGuard inner(b);
      ifThen(b, e.gt(tileIndex, e.index(0)));
      clusterWait();
    }
    expectU();
  } else if (p.tma && p.stages > 1) {
    // Without a cluster barrier or a block barrier per step, every warp
    // has read the previous tile's u (stage 2) before any stores this
    // tile's.
    OpBuilder::InsertionGuard inner(b);
    ifThen(b, e.gt(tileIndex, e.index(0)));
    gpu::BarrierOp::create(b);
  }

  // Stage 1.
  {
    auto loop =
        scf::ForOp::create(b, e.index(0), e.index(p.first.steps), e.index(1));
    OpBuilder::InsertionGuard inner(b);
    b.setInsertionPointToStart(loop.getBody());
    Value localStep = loop.getInductionVar();
    Value step = e.add(tileStep, localStep);
    beginStep(step);
    firstStage(step, localStep);
    if (p.tma && p.stages > 1)
      releaseSlot(step);
  }
  // u is complete: with a cluster, when its mbarrier has counted every
  // byte of this tile (phase parity = tile index mod 2); without one, at a
  // block barrier (stage 2's ring steps have one; a resident second factor
  // needs its own). With a resident second factor, that barrier also
  // publishes its blocks: their copies were committed with the first ring
  // step, which the last stage-1 step waited for (with a cluster, the
  // stage-1 steps' barriers did).
  if (p.cluster > 1)
    waitU(e.rem(tileIndex, 2));
  else if (p.residentSecond)
    gpu::BarrierOp::create(b);

  // Stage 2: straight from registers with a resident second factor, else
  // through ring steps and the staging buffer.
  if (p.residentSecond) {
    secondStageDirect();
  } else {
    auto loop =
        scf::ForOp::create(b, e.index(0), e.index(p.second.steps), e.index(1));
    OpBuilder::InsertionGuard inner(b);
    b.setInsertionPointToStart(loop.getBody());
    Value localStep = loop.getInductionVar();
    Value step = e.add(e.add(tileStep, p.first.steps), localStep);
    int64_t stepsPerGroup = p.group / p.second.blocksPerStep;
    beginStep(step);
    secondStage(step, localStep);
    Value next = e.add(localStep, 1);
    auto complete = scf::IfOp::create(
        b, e.eq(e.rem(next, stepsPerGroup), e.index(0)), false);
    b.setInsertionPointToStart(&complete.getThenRegion().front());
    gpu::BarrierOp::create(b);
    storeGroup(e.div(localStep, stepsPerGroup));
  }
  // This block has read its u (its y stores need not have landed).
  if (p.cluster > 1)
    clusterArriveRelaxed();
  b.setInsertionPointAfter(tileLoop);
  // The last tile's arrive gets its wait: no block leaves while stores into
  // or from it may be in flight.
  if (p.cluster > 1) {
    OpBuilder::InsertionGuard inner(b);
    ifThen(b, e.gt(tileCount, e.index(0)));
    clusterWait();
  }
  // The ring's last groups are empty (past the end); drain them. (TMA
  // issues nothing past the last tile.)
  if (p.stages > 1 && !p.tma)
    nvgpu::DeviceAsyncWaitOp::create(b, anchor, b.getI32IntegerAttr(0));
  gpu::ReturnOp::create(b);
}

} // namespace

FailureOr<gpu::GPUFuncOp>
kernels::buildMonarchFusedKernel(mix::MonarchOp op, mix::ScheduleAttr schedule,
                                 gpu::GPUModuleOp module, StringRef name,
                                 StringRef chip) {
  StringRef templateName = schedule.getTemplateName();
  auto unsupported = [&](const Twine &what) {
    return op.emitOpError()
           << "kernel template '" << templateName << "' does not lower " << what
           << " (the CPU path, --mix-cpu-pipeline, does)";
  };
  auto xType = cast<RankedTensorType>(op.getX().getType());
  auto firstType = cast<RankedTensorType>(op.getFirstFactor().getType());
  auto secondType = cast<RankedTensorType>(op.getSecondFactor().getType());
  auto yType = cast<RankedTensorType>(op.getY().getType());
  Type elementType = xType.getElementType();
  if (!isa<Float16Type, BFloat16Type>(elementType) ||
      firstType.getElementType() != elementType ||
      secondType.getElementType() != elementType)
    return unsupported("element types other than one of f16 and bf16 for x "
                       "and both factors");
  Type resultType = yType.getElementType();
  if (resultType != elementType && !resultType.isF32())
    return unsupported("a result type other than x's or f32");
  if (xType.isDynamicDim(xType.getRank() - 1) || !firstType.hasStaticShape() ||
      !secondType.hasStaticShape())
    return unsupported("a dynamic feature size or dynamic factor shapes");

  MonarchPlan p;
  p.k = firstType.getDimSize(0);
  p.q = firstType.getDimSize(1);
  p.p = firstType.getDimSize(2);
  p.l = secondType.getDimSize(0);
  p.s = secondType.getDimSize(1);
  p.r = secondType.getDimSize(2);
  if (p.q % 16 || p.p % 16 || p.s % 16 || p.r % 16)
    return unsupported("factor blocks whose sizes are not multiples of 16 "
                       "(first_factor [k, q, p] = [" +
                       Twine(p.k) + ", " + Twine(p.q) + ", " + Twine(p.p) +
                       "], second_factor [l, s, r] = [" + Twine(p.l) + ", " +
                       Twine(p.s) + ", " + Twine(p.r) +
                       "]: q, p, s and r must be)");
  p.tokens = *schedule.getParam("block_tokens");
  p.warps = *schedule.getParam("warps");
  p.stages = *schedule.getParam("stages");
  p.cluster = *schedule.getParam("cluster");
  p.tiles = *schedule.getParam("tiles");
  int64_t residentFactors = *schedule.getParam("resident_factors");
  int64_t blocksPerSM = *schedule.getParam("blocks_per_sm");
  bool tma = *schedule.getParam("tma") != 0;
  // Thread-block clusters (and st.async, mapa) and TMA are sm_90's.
  if (p.cluster > 1 && mix::chipVersion(chip) < 90)
    return op.emitOpError()
           << "schedule '" << templateName << "': cluster = " << p.cluster
           << " (thread-block clusters) needs sm_90 or later, not chip '"
           << chip << "'; give a schedule with cluster = 1";
  if (tma && mix::chipVersion(chip) < 90)
    return op.emitOpError()
           << "schedule '" << templateName
           << "': tma = 1 (cp.async.bulk.tensor) needs sm_90 or later, not "
              "chip '"
           << chip << "'; give a schedule with tma = 0";
  if (tma && residentFactors == 0)
    return op.emitOpError()
           << "schedule '" << templateName
           << "': tma = 1 needs resident_factors = 1 or 2 (a streamed second "
              "factor is copied with cp.async); give resident_factors or "
              "tma = 0";
  if (tma && (p.tokens > kTmaMaxBoxRows || p.q > kTmaMaxBoxRows))
    return op.emitOpError()
           << "schedule '" << templateName << "': tma = 1 copies boxes of at "
           << "most " << kTmaMaxBoxRows << " rows: block_tokens (" << p.tokens
           << ") and the first factor's q (" << p.q << ") must not exceed it";
  p.xRank = xType.getRank();
  p.elementType = elementType;
  p.resultType = resultType;
  if (p.k % p.cluster || p.l % p.cluster)
    return op.emitOpError()
           << "schedule '" << templateName << "': cluster (" << p.cluster
           << ") must divide the block counts of both factors (k = " << p.k
           << ", l = " << p.l << ")";

  // The tilings and the shared layout come from one search that the cost
  // model's schedule space runs too (mixc/Passes/KernelLayouts.h).
  std::optional<MonarchLayout> layout = planMonarchLayout(
      p.k, p.q, p.p, p.l, p.s, p.r, p.tokens, p.warps, p.stages, p.cluster,
      residentFactors, blocksPerSM, p.resultBytes(), tma);
  assert(layout && "cluster divides k and l, tma's limits hold (checked "
                   "above)");
  static_cast<MonarchLayout &>(p) = *layout;
  int64_t budget = sharedBudget(blocksPerSM);
  if (p.sharedBytes + kStaticSharedBytes > budget)
    return op.emitOpError()
           << "schedule '" << templateName << "' needs "
           << p.sharedBytes + kStaticSharedBytes
           << " bytes of shared memory (u: " << p.uBytes << " for " << p.tokens
           << " tokens x " << p.lLocal * p.r << " entries per block"
           << (p.factorBytes
                   ? ", resident factors: " + std::to_string(p.factorBytes)
                   : std::string())
           << "), more than a block may have (" << budget
           << (blocksPerSM > 1
                   ? " with blocks_per_sm = " + std::to_string(blocksPerSM)
                   : std::string())
           << "); lower block_tokens or stages, or raise cluster"
           << (p.factorBytes ? ", or stream the factors (resident_factors = 0)"
                             : "")
           << (blocksPerSM > 1 ? ", or lower blocks_per_sm" : "");

  ImplicitLocOpBuilder b(op.getLoc(), op.getContext());
  SmallVector<Type> argTypes = {
      globalMemRefType(xType), globalMemRefType(firstType),
      globalMemRefType(secondType), globalMemRefType(yType)};
  LaunchConfig config;
  // With TMA: x's map, and the streamed first factor's (as [k q, p]).
  if (p.tma) {
    int64_t xBox = tmaBoxColumns(p.first.blocksPerStep * p.p);
    config.tensorMaps.push_back({0, {p.tokens, xBox}, xBox * p.elementBytes()});
    if (!p.residentFirst) {
      int64_t factorBox = tmaBoxColumns(p.p);
      config.tensorMaps.push_back({1,
                                   {p.first.blocksPerStep * p.q, factorBox},
                                   factorBox * p.elementBytes()});
    }
    argTypes.append(config.tensorMaps.size(),
                    tensorMapArgType(op.getContext()));
  }
  gpu::GPUFuncOp kernel = createKernel(b, module, name, argTypes);
  if (p.cluster > 1)
    kernel->setAttr(
        "nvvm.cluster_dim",
        b.getDenseI32ArrayAttr({static_cast<int32_t>(p.cluster), 1, 1}));
  MonarchKernelBuilder(p, b, kernel).build();
  // With several blocks per SM, ptxas caps the registers to let them fit.
  setOccupancyHints(kernel, p.threads(), blocksPerSM);

  config.blockThreads = p.threads();
  config.grid[0].push_back({p.cluster, -1, -1, 1});
  if (p.xRank >= 2)
    config.grid[0].push_back(
        {1, /*arg=*/0, /*dim=*/p.xRank - 2, p.tokens * p.tiles});
  for (int64_t dim = 0; dim + 2 < p.xRank; ++dim)
    config.grid[1].push_back({1, 0, dim, 1});
  config.sharedBytes = p.sharedBytes;
  setLaunchAttr(kernel, config, op, schedule,
                {"input", "first_factor", "second_factor", "result"},
                {"input", "input", "input", "output"},
                DictionaryAttr::get(op.getContext(), {}));
  return kernel;
}
