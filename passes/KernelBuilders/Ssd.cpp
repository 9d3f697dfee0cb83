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
// The serial dependency is one chunk deep, so one block's time is
// ~ L / chunk_size steps of a few microseconds whatever the head count. When
// batch x heads x (P / block_p) blocks leave the GPU idle (a long sequence at
// batch 1), the sequence is cut into `segments` (ssdSegments: enough blocks
// to fill the GPU once) and each (batch, head, slice) becomes `segments`
// blocks, in one launch:
//
//   1. segment j < segments-1 walks its chunks computing only the state (no
//      C, no Y), from S = 0: its local end state S_j and total decay D_j
//      (log2), which it publishes in the workspace with a release flag;
//   2. segment k waits for the flags of segments 0..k-1 (acquire) and
//      combines their states, S_in = sum_j 2^(D_j+1 + ... + D_k-1) S_j;
//   3. segment k walks its chunks in full from S_in.
//
// Blocks take their work from a per-batch ticket counter, segment-major, so
// a block waits only on blocks that drew earlier tickets and are therefore
// resident: no deadlock whatever the grid. Each reader decrements the flag it
// read and the last ticket resets the counter, so the workspace is all zeros
// again after each launch (the runtime zero-fills it once).
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
      cumOffset, dtEffOffset, ticketOffset, sharedBytes;
  /// Sequence segments (1: none) and the workspace of one batch:
  /// [ticket counter | flags | decays | states], flags and decays indexed
  /// [segment][head][slice], states [segment][head][N][P] in f32.
  int64_t segments = 1, headDim, slices;
  int64_t flagsOffset, decaysOffset, statesOffset, workspacePerBatch;

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
  /// Blocks per batch without segments.
  int64_t itemsPerSegment() const { return heads * slices; }
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
    y = kernel.getArgument(i++);
    if (p.segments > 1)
      workspace = kernel.getArgument(i);
  }

  void build();

private:
  void computeCoordinates();
  /// Segments: draws this block's ticket and derives segment, head and p0.
  void drawTicket();
  /// The workspace address `byteOffset` bytes into this batch's part (i64).
  Value workspaceAddress(Value byteOffset);
  /// Flag, decay and state addresses of segment `j` for this block's head
  /// and column slice; the state's at row n, column pc of the slice.
  Value flagAddress(Value j);
  Value decayAddress(Value j);
  /// The index of segment `j`'s flag and decay: [segment][head][slice].
  Value segmentSlot(Value j) {
    return e.add(e.mul(e.add(e.mul(j, p.heads), head), p.slices),
                 e.div(p0, p.blockP));
  }
  Value stateAddress(Value j, Value n, Value pc);
  /// Walks chunks [first, end): with `outputs`, computes Y; without, only
  /// the state (C is not loaded). Returns the final state fragments and, in
  /// `decaySum`, the sum of the chunks' total decays (log2).
  SmallVector<Value> walk(Value first, Value end, ValueRange init, bool outputs,
                          Value *decaySum);
  /// Calls `fn(fragment, half, n, pc)` for each row pair of the thread's
  /// state fragments (2 per 16x16 tile), with n and pc the pair's row and
  /// first column in the slice.
  void forEachStatePair(function_ref<void(int64_t, int64_t, Value, Value)> fn);
  /// Segment j < segments-1: stores S_j and D_j and raises its flag.
  void publish(ValueRange state, Value decaySum);
  /// Waits for segments 0..segment-1 and returns S_in's fragments.
  SmallVector<Value> combinePrefix();
  /// Writes the element-type copy of the state that C S reads.
  void storeSharedState(ValueRange state);
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
  /// Chunk `c` into ring slot `slot`, as one cp.async group (C only when
  /// `withC`).
  Value loadChunk(Value c, Value slot, Value enabled, bool withC);
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
  /// S = 2^cum_last S + B^T xs; with `toShared`, writes the new S to shared
  /// memory for the next chunk's C S.
  SmallVector<Value> updateState(Value slot, ValueRange state, bool toShared);

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
  Value x, dt, decayRate, inputB, inputC, skip, dtBias, y, workspace;
  Value shared, tid, lane, warp, group, quad;
  Value batch, head, bcGroup, p0, length, segment, workspaceBase;
  Value aLog2, skipScale, bias;
  Value scaled, stateBuffer, cum, dtEff;
};

void SsdKernelBuilder::computeCoordinates() {
  tid = gpu::ThreadIdOp::create(b, gpu::Dimension::x);
  lane = e.rem(tid, 32);
  warp = e.div(tid, 32);
  group = e.div(lane, 4);
  quad = e.rem(lane, 4);
  batch = gpu::BlockIdOp::create(b, gpu::Dimension::z);
  length = memref::DimOp::create(b, x, 1);
  if (p.segments > 1) {
    drawTicket();
  } else {
    p0 = e.mul(gpu::BlockIdOp::create(b, gpu::Dimension::x), p.blockP);
    head = gpu::BlockIdOp::create(b, gpu::Dimension::y);
  }
  bcGroup = e.div(head, p.headsPerGroup);
}

Value SsdKernelBuilder::workspaceAddress(Value byteOffset) {
  Type i64 = b.getI64Type();
  return arith::AddIOp::create(b, workspaceBase,
                               arith::IndexCastOp::create(b, i64, byteOffset));
}

void SsdKernelBuilder::drawTicket() {
  Type i64 = b.getI64Type(), i32 = b.getI32Type();
  Value pointer = memref::ExtractAlignedPointerAsIndexOp::create(b, workspace);
  workspaceBase = arith::IndexCastOp::create(
      b, i64, e.add(pointer, e.mul(batch, p.workspacePerBatch)));
  // Thread 0 draws; the block that draws the launch's last ticket of this
  // batch resets the counter (every ticket is drawn by then).
  Value ticketSlot = sharedView(b, shared, e.index(p.ticketOffset), {1}, i32);
  int64_t tickets = p.segments * p.itemsPerSegment();
  auto first = scf::IfOp::create(b, e.eq(tid, e.index(0)), false);
  {
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToStart(&first.getThenRegion().front());
    Value counter = workspaceAddress(e.index(0));
    Value ticket = inlinePtxVolatile(
        b, i32, "atom.relaxed.gpu.global.add.u32 $0, [$1], 1;", "=r,l",
        counter);
    auto last = scf::IfOp::create(
        b,
        arith::CmpIOp::create(
            b, arith::CmpIPredicate::eq, ticket,
            arith::ConstantOp::create(b, b.getI32IntegerAttr(tickets - 1))),
        false);
    {
      OpBuilder::InsertionGuard inner(b);
      b.setInsertionPointToStart(&last.getThenRegion().front());
      inlinePtxVolatile(
          b, Type(), "red.relaxed.gpu.global.add.u32 [$0], $1;", "l,r",
          {counter,
           arith::ConstantOp::create(
               b, b.getI32IntegerAttr(static_cast<int32_t>(-tickets)))});
    }
    memref::StoreOp::create(b, ticket, ticketSlot, ValueRange{e.index(0)});
  }
  gpu::BarrierOp::create(b);
  Value ticket = arith::IndexCastUIOp::create(
      b, b.getIndexType(),
      memref::LoadOp::create(b, ticketSlot, ValueRange{e.index(0)}));
  // Segment-major: every ticket of segment j precedes those of j + 1.
  segment = e.div(ticket, p.itemsPerSegment());
  Value item = e.rem(ticket, p.itemsPerSegment());
  head = e.div(item, p.slices);
  p0 = e.mul(e.rem(item, p.slices), p.blockP);
}

Value SsdKernelBuilder::flagAddress(Value j) {
  return workspaceAddress(e.add(e.mul(segmentSlot(j), 4), p.flagsOffset));
}

Value SsdKernelBuilder::decayAddress(Value j) {
  return workspaceAddress(e.add(e.mul(segmentSlot(j), 4), p.decaysOffset));
}

Value SsdKernelBuilder::stateAddress(Value j, Value n, Value pc) {
  Value row = e.add(e.mul(e.add(e.mul(j, p.heads), head), p.stateDim), n);
  Value element = e.add(e.mul(row, p.headDim), e.add(p0, pc));
  return workspaceAddress(e.add(e.mul(element, 4), p.statesOffset));
}

void SsdKernelBuilder::forEachStatePair(
    function_ref<void(int64_t, int64_t, Value, Value)> fn) {
  int64_t pairsPerRow = p.blockP / 16;
  for (int64_t i = 0; i < p.stateTiles; ++i) {
    Value tileIndex = e.add(e.mul(warp, p.stateTiles), i);
    Value n0 = e.mul(e.div(tileIndex, pairsPerRow), 16);
    Value pCol = e.mul(e.rem(tileIndex, pairsPerRow), 16);
    for (int64_t t = 0; t < 2; ++t)
      for (int64_t half = 0; half < 2; ++half)
        fn(2 * i + t, half, e.add(n0, e.add(group, 8 * half)),
           e.add(pCol, e.add(e.mul(quad, 2), 8 * t)));
  }
}

void SsdKernelBuilder::publish(ValueRange state, Value decaySum) {
  forEachStatePair([&](int64_t fragment, int64_t half, Value n, Value pc) {
    Value pair =
        vector::ExtractOp::create(b, state[fragment], ArrayRef<int64_t>{half});
    Value v0 = vector::ExtractOp::create(b, pair, ArrayRef<int64_t>{0});
    Value v1 = vector::ExtractOp::create(b, pair, ArrayRef<int64_t>{1});
    inlinePtxVolatile(b, Type(), "st.global.v2.f32 [$0], {$1, $2};", "l,f,f",
                      {stateAddress(segment, n, pc), v0, v1});
  });
  gpu::BarrierOp::create(b);
  auto first = scf::IfOp::create(b, e.eq(tid, e.index(0)), false);
  OpBuilder::InsertionGuard guard(b);
  b.setInsertionPointToStart(&first.getThenRegion().front());
  inlinePtxVolatile(b, Type(), "st.global.f32 [$0], $1;", "l,f",
                    {decayAddress(segment), decaySum});
  // Readers: the segments after this one. The fence orders every thread's
  // stores (seen through the barrier) before the flag.
  Value readers = arith::IndexCastOp::create(
      b, b.getI32Type(), e.sub(e.index(p.segments - 1), segment));
  inlinePtxVolatile(b, Type(),
                    "fence.acq_rel.gpu;\n\tst.relaxed.gpu.global.u32 [$0], $1;",
                    "l,r,~{memory}", {flagAddress(segment), readers});
}

SmallVector<Value> SsdKernelBuilder::combinePrefix() {
  Type i32 = b.getI32Type(), f32 = b.getF32Type();
  // Thread 0 waits for each earlier segment's flag, then takes its share.
  auto first = scf::IfOp::create(b, e.eq(tid, e.index(0)), false);
  {
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToStart(&first.getThenRegion().front());
    auto loop = scf::ForOp::create(b, e.index(0), segment, e.index(1));
    b.setInsertionPointToStart(loop.getBody());
    Value flag = flagAddress(loop.getInductionVar());
    auto wait = scf::WhileOp::create(b, TypeRange{}, ValueRange{});
    Block *before = b.createBlock(&wait.getBefore());
    {
      OpBuilder::InsertionGuard inner(b);
      b.setInsertionPointToStart(before);
      Value value = inlinePtxVolatile(
          b, i32, "ld.acquire.gpu.global.u32 $0, [$1];", "=r,l", flag);
      Value unset = arith::CmpIOp::create(
          b, arith::CmpIPredicate::eq, value,
          arith::ConstantOp::create(b, b.getI32IntegerAttr(0)));
      scf::ConditionOp::create(b, unset, ValueRange{});
    }
    Block *after = b.createBlock(&wait.getAfter());
    {
      OpBuilder::InsertionGuard inner(b);
      b.setInsertionPointToStart(after);
      scf::YieldOp::create(b);
    }
    b.setInsertionPointAfter(wait);
    inlinePtxVolatile(
        b, Type(), "red.relaxed.gpu.global.add.u32 [$0], $1;", "l,r",
        {flag, arith::ConstantOp::create(b, b.getI32IntegerAttr(-1))});
  }
  gpu::BarrierOp::create(b);

  // S_in = fold over j of 2^D_j S_in + S_j, each thread its own fragments.
  // The loads bypass L1 (.cg): the data was written by other blocks.
  SmallVector<Value> init(2 * p.stateTiles, mma::zeroAcc(b));
  auto loop = scf::ForOp::create(b, e.index(0), segment, e.index(1), init);
  OpBuilder::InsertionGuard guard(b);
  b.setInsertionPointToStart(loop.getBody());
  Value j = loop.getInductionVar();
  Value decay = e.exp2(inlinePtxVolatile(b, f32, "ld.global.cg.f32 $0, [$1];",
                                         "=f,l", decayAddress(j)));
  SmallVector<Value> next(loop.getRegionIterArgs().begin(),
                          loop.getRegionIterArgs().end());
  forEachStatePair([&](int64_t fragment, int64_t half, Value n, Value pc) {
    Value address = stateAddress(j, n, pc);
    for (int64_t c = 0; c < 2; ++c) {
      Value loaded = inlinePtxVolatile(
          b, f32, "ld.global.cg.f32 $0, [$1];", "=f,l",
          c ? arith::AddIOp::create(
                  b, address,
                  arith::ConstantOp::create(b, b.getI64IntegerAttr(4)))
                  .getResult()
            : address);
      Value old = vector::ExtractOp::create(b, next[fragment],
                                            ArrayRef<int64_t>{half, c});
      next[fragment] =
          vector::InsertOp::create(b, e.fadd(e.fmul(old, decay), loaded),
                                   next[fragment], ArrayRef<int64_t>{half, c});
    }
  });
  scf::YieldOp::create(b, next);
  return SmallVector<Value>(loop.getResults().begin(), loop.getResults().end());
}

void SsdKernelBuilder::storeSharedState(ValueRange state) {
  VectorType pairType = VectorType::get({2}, p.elementType);
  forEachStatePair([&](int64_t fragment, int64_t half, Value n, Value pc) {
    Value pair =
        vector::ExtractOp::create(b, state[fragment], ArrayRef<int64_t>{half});
    vector::StoreOp::create(b, arith::TruncFOp::create(b, pairType, pair),
                            stateBuffer, ValueRange{n, pc},
                            /*nontemporal=*/false, llvm::MaybeAlign(4));
  });
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

Value SsdKernelBuilder::loadChunk(Value c, Value slot, Value enabled,
                                  bool withC) {
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
  if (withC)
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

SmallVector<Value> SsdKernelBuilder::updateState(Value slot, ValueRange state,
                                                 bool toShared) {
  Value bs = bSlot(slot);
  Value decay =
      e.exp2(memref::LoadOp::create(b, cum, ValueRange{e.index(p.chunk - 1)}));
  VectorType accType = mma::accType(b.getContext());
  Value decayVector = vector::BroadcastOp::create(b, accType, decay);
  int64_t pairsPerRow = p.blockP / 16;
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
  }
  if (toShared)
    storeSharedState(next);
  return next;
}

SmallVector<Value> SsdKernelBuilder::walk(Value first, Value end,
                                          ValueRange init, bool outputs,
                                          Value *decaySum) {
  Value anchorGroup;
  for (int64_t s = 0; s + 1 < p.stages; ++s) {
    Value c = e.add(first, s);
    Value committed = loadChunk(c, e.index(s), e.lt(c, end), outputs);
    if (!anchorGroup)
      anchorGroup = committed;
  }

  SmallVector<Value> carried(init.begin(), init.end());
  if (decaySum)
    carried.push_back(e.f32(0.0));
  auto loop = scf::ForOp::create(b, first, end, e.index(1), carried);
  {
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToStart(loop.getBody());
    Value c = loop.getInductionVar();
    // Ring slot (c - first) % stages holds chunk c: wait for it, then refill
    // the slot that the previous chunk read (every thread passed the
    // barrier).
    Value slot;
    if (p.stages == 1) {
      slot = e.index(0);
      Value always = arith::ConstantOp::create(b, b.getBoolAttr(true));
      gpu::BarrierOp::create(b);
      waitGroups(loadChunk(c, slot, always, outputs), 0);
      gpu::BarrierOp::create(b);
    } else {
      Value step = e.sub(c, first);
      slot = e.rem(step, p.stages);
      waitGroups(anchorGroup, p.stages - 2);
      gpu::BarrierOp::create(b);
      Value next = e.add(c, p.stages - 1);
      loadChunk(next, e.rem(e.add(step, p.stages - 1), p.stages),
                e.lt(next, end), outputs);
    }
    scanDecay(dtSlot(slot));
    gpu::BarrierOp::create(b);
    scaleX(xSlot(slot));
    if (outputs)
      computeOutput(slot, e.mul(c, p.chunk));
    // The scaled x is complete and every warp has read S_prev.
    gpu::BarrierOp::create(b);
    ValueRange state = loop.getRegionIterArgs().take_front(init.size());
    SmallVector<Value> yielded = updateState(slot, state, outputs);
    if (decaySum)
      yielded.push_back(e.fadd(
          loop.getRegionIterArgs().back(),
          memref::LoadOp::create(b, cum, ValueRange{e.index(p.chunk - 1)})));
    scf::YieldOp::create(b, yielded);
  }
  if (anchorGroup)
    waitGroups(anchorGroup, 0);
  if (decaySum)
    *decaySum = loop.getResults().back();
  return SmallVector<Value>(loop.getResults().begin(),
                            loop.getResults().begin() + init.size());
}

void SsdKernelBuilder::build() {
  auto space =
      gpu::AddressSpaceAttr::get(b.getContext(), gpu::AddressSpace::Workgroup);
  shared = gpu::DynamicSharedMemoryOp::create(
      b, MemRefType::get({ShapedType::kDynamic}, b.getI8Type(),
                         MemRefLayoutAttrInterface(), space));
  computeCoordinates();
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

  Value chunks = e.ceilDiv(length, p.chunk);
  SmallVector<Value> zeros(2 * p.stateTiles, mma::zeroAcc(b));
  if (p.segments == 1) {
    storeSharedState(zeros);
    walk(e.index(0), chunks, zeros, /*outputs=*/true, nullptr);
    gpu::ReturnOp::create(b);
    return;
  }

  // This segment's chunks [c0, c1); the later segments may be empty.
  Value perSegment = e.ceilDiv(chunks, p.segments);
  Value c0 = e.min(e.mul(segment, perSegment), chunks);
  Value c1 = e.min(e.add(c0, perSegment), chunks);
  auto notLast =
      scf::IfOp::create(b, e.lt(segment, e.index(p.segments - 1)), false);
  {
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToStart(&notLast.getThenRegion().front());
    Value decaySum;
    SmallVector<Value> local =
        walk(c0, c1, zeros, /*outputs=*/false, &decaySum);
    publish(local, decaySum);
    // The ring is free again for the walk below.
    gpu::BarrierOp::create(b);
  }
  SmallVector<Value> initial = combinePrefix();
  storeSharedState(initial);
  walk(c0, c1, initial, /*outputs=*/true, nullptr);
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

  p.headDim = headDim;
  p.slices = headDim / p.blockP;

  // The layout without the ticket slot decides the occupancy; with segments
  // the slot adds one aligned 16-byte buffer at the end.
  auto planShared = [&](bool ticket) {
    SharedMemoryPlan shared;
    p.xOffset = shared.allocate("x", p.stages * p.xStageBytes());
    p.bOffset = shared.allocate("B", p.stages * p.bcStageBytes());
    p.cOffset = shared.allocate("C", p.stages * p.bcStageBytes());
    p.dtOffset = shared.allocate("dt", p.stages * p.dtStageBytes());
    p.scaledOffset = shared.allocate("scaled x", p.chunk * p.xRow() * 2);
    p.stateOffset = shared.allocate("state", p.stateDim * p.xRow() * 2);
    p.cumOffset = shared.allocate("cum", p.chunk * 4);
    p.dtEffOffset = shared.allocate("dt_eff", p.chunk * 4);
    if (ticket)
      p.ticketOffset = shared.allocate("ticket", 16);
    p.sharedBytes = shared.totalBytes();
    return !shared.hasOverlap();
  };
  if (!planShared(false))
    return op.emitOpError() << "internal error: overlapping shared buffers";
  if (p.sharedBytes + kStaticSharedBytes > kMaxSharedBytesPerBlock)
    return badSchedule() << "needs " << p.sharedBytes + kStaticSharedBytes
                         << " bytes of shared memory, more than a block may "
                            "have ("
                         << kMaxSharedBytesPerBlock
                         << "); lower chunk_size, block_p or stages";

  // Segments: only with a static batch (the work of a launch without them
  // must be known).
  if (!xType.isDynamicDim(0)) {
    int64_t chunks = xType.isDynamicDim(1)
                         ? -1
                         : (xType.getDimSize(1) + p.chunk - 1) / p.chunk;
    p.segments = ssdSegments(xType.getDimSize(0) * p.heads * p.slices,
                             p.sharedBytes, p.threads(), chunks);
  }
  if (p.segments > 1 && !planShared(true))
    return op.emitOpError() << "internal error: overlapping shared buffers";
  if (p.segments > 1) {
    auto align = [](int64_t v) { return (v + 127) / 128 * 128; };
    int64_t slots = p.segments * p.heads * p.slices * 4;
    p.flagsOffset = 128;
    p.decaysOffset = align(p.flagsOffset + slots);
    p.statesOffset = align(p.decaysOffset + slots);
    p.workspacePerBatch = align(p.statesOffset + (p.segments - 1) * p.heads *
                                                     p.stateDim * headDim * 4);
  }

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
  if (p.segments > 1)
    argTypes.push_back(globalMemRefType(RankedTensorType::get(
        {ShapedType::kDynamic}, IntegerType::get(op.getContext(), 8))));

  gpu::GPUFuncOp kernel = createKernel(b, module, name, argTypes);
  SsdKernelBuilder(p, b, kernel).build();

  LaunchConfig config;
  config.blockThreads = p.threads();
  config.grid[0].push_back({p.slices * p.segments});
  config.grid[1].push_back({p.heads});
  config.grid[2].push_back({1, /*arg=*/0, /*dim=*/0, 1});
  config.sharedBytes = p.sharedBytes;
  if (p.segments > 1) {
    config.workspaceBytes = p.workspacePerBatch;
    config.workspaceTimes.push_back({1, /*arg=*/0, /*dim=*/0, 1});
  }
  Builder attrs(op.getContext());
  NamedAttribute opAttrs[] = {
      attrs.getNamedAttr("direction", attrs.getStringAttr("forward")),
      attrs.getNamedAttr("dt_softplus", attrs.getBoolAttr(p.softplus)),
  };
  setLaunchAttr(kernel, config, op, schedule, names, roles,
                attrs.getDictionaryAttr(opAttrs));
  return kernel;
}
