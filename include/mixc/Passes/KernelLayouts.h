//===- KernelLayouts.h - Builder limits and plans without MLIR --*- C++ -*-===//
//
// What the GPU kernel builders decide with integer arithmetic alone, shared
// with the cost model (costmodel/) so that the schedule spaces restate no
// builder logic: the shared-memory limits of the target, and monarch.fused's
// plan search (its tiling and shared-memory layout, which depend on a search
// rather than on affine rules). Plain C++: no MLIR types.
//
//===----------------------------------------------------------------------===//

#ifndef MIXC_PASSES_KERNELLAYOUTS_H
#define MIXC_PASSES_KERNELLAYOUTS_H

#include <cstdint>
#include <optional>

namespace mixc::kernels {

/// The per-block shared memory a kernel may ask for on sm_80/sm_90 (227 KiB).
constexpr int64_t kMaxSharedBytesPerBlock = 227 * 1024;
/// What the block holds besides the dynamic bytes: LLVM 22 emits the dynamic
/// base as a 16-byte-aligned static `.shared` symbol, and the dynamic
/// allocation comes after the static one.
constexpr int64_t kStaticSharedBytes = 16;
/// Shared memory per SM on sm_90 (228 KiB), and what the driver reserves of
/// it per block (1 KiB).
constexpr int64_t kSharedBytesPerSM = 228 * 1024;
constexpr int64_t kReservedSharedBytesPerBlock = 1024;
/// The shared memory (static bytes included) each of `blocksPerSM` resident
/// blocks of one SM may have: kMaxSharedBytesPerBlock for one, else its
/// share of the SM less what the driver reserves per block.
int64_t sharedBudget(int64_t blocksPerSM);

/// Alignment of every buffer of a kernel's shared block.
constexpr int64_t kSharedAlignment = 128;
/// Elements of a 2-byte type per 16-byte cp.async copy.
constexpr int64_t kChunkElements = 8;
/// Row padding of shared tiles in elements of a 2-byte type (16 bytes): the
/// eight row addresses of an ldmatrix then fall in distinct banks.
constexpr int64_t kRowPad = 8;

/// TMA (cp.async.bulk.tensor) limits the builders plan for: box sizes, and
/// the alignment of a 128-byte swizzled box in shared memory (the period of
/// its pattern).
constexpr int64_t kTmaMaxBoxRows = 256;
constexpr int64_t kTmaAlignment = 1024;
/// The box width, in 2-byte elements, that tiles `columns`: the widest of
/// 64, 32 and 16 that divides it (128-, 64- and 32-byte rows, each swizzled
/// over its own width), or 0 if none does.
int64_t tmaBoxColumns(int64_t columns);

/// Streaming multiprocessors of the sm_90a parts the builders size grids for
/// (H100 SXM, H200).
constexpr int64_t kTargetMultiprocessors = 132;

/// Most sequence segments of one ssd.chunked (batch, head, column slice).
constexpr int64_t kSsdMaxSegments = 16;

/// How many segments ssd.chunked cuts the sequence into: enough blocks to
/// fill the GPU once (`workItems` = batch x heads x column slices blocks
/// without segments; the resident blocks per SM follow from `sharedBytes`,
/// the dynamic shared memory without segments, and `threads`), at most
/// kSsdMaxSegments, and, when `chunks` is known (>= 0), at most one per two
/// chunks. 1 means no segments (also when the 16-byte ticket slot that
/// segments add would not fit in a block).
int64_t ssdSegments(int64_t workItems, int64_t sharedBytes, int64_t threads,
                    int64_t chunks);

/// How one stage of monarch.fused's products is cut: a ring step loads
/// `blocksPerStep` factor blocks; each is an [m x n] += [m x k] [k x n]
/// product, split into warp tasks of `mTiles` 16-row tiles by `nPairs`
/// 16-column pairs.
struct MonarchTiling {
  int64_t blocksPerStep = 1, mTiles = 1, nPairs = 1;
  int64_t mGroups = 1, nGroups = 1; // tasks per block along m and n
  int64_t tasksPerStep = 1, tasksPerWarp = 1, steps = 1, kSteps = 1;
};

/// monarch.fused's plan for factors [k, q, p] and [l, s, r], `tokens` rows
/// per block, `warps`, `stages` and `cluster` blocks, `blocksPerSM` blocks
/// sharing an SM (the ring gets what sharedBudget(blocksPerSM) leaves),
/// 2-byte inputs and `resultBytes`-byte results: the tilings of both
/// products and the layout [u | resident factors | ring | staging |
/// mbarrier] of the shared block.
/// `residentFactors` (the schedule's resident_factors) keeps factor blocks
/// in shared memory over the block's tiles, loaded once: 1 both factors'
/// (the ring then carries stage 1's x columns alone), 2 the second
/// factor's; 0 none (factorBytes is 0, every ring slot holds factor blocks
/// and, in stage 1, x columns at xInSlot). With the second factor resident,
/// stage 2 has no ring steps and no staging buffer: its one compute step
/// (`second`, whose "blocks" are the groups of `group` lb) keeps every lb
/// of a group for its tile in registers and stores y from there.
struct MonarchLayout {
  int64_t kLocal, lLocal; // factor blocks per thread block
  MonarchTiling first, second;
  int64_t group;        // consecutive lb per staging buffer or direct task
  int64_t storeWidth;   // y elements per global store
  int64_t stagingPitch; // elements per staging row (an odd number of words)
  int64_t regionPitch;  // elements per u region ([r][T] + pad)
  int64_t uBytes, slotBytes, xInSlot, stagingBytes;
  bool residentFirst, residentSecond;
  // Resident factors: the first factor's blocks (if resident), then the
  // second's at factorOffset + secondFactorOffset, rows padded by kRowPad.
  int64_t factorBytes, secondFactorOffset;
  int64_t uOffset, factorOffset, ringOffset, stagingOffset, sharedBytes;
  int64_t barrierOffset; // the u mbarrier, with a cluster (else -1)
  /// With TMA (`tma`): stage 1's x columns and streamed first-factor blocks
  /// arrive as swizzled boxes (tmaBoxColumns wide, one after another in the
  /// slot) counted on a "full" mbarrier per ring slot, at slotBarrierOffset
  /// (else -1), and released on an "empty" one per slot after them; the
  /// ring starts at the first kTmaAlignment boundary at or after ringOffset
  /// (the plan leaves room for it).
  bool tma;
  int64_t slotBarrierOffset;
  /// Ring steps per token tile: stage 1's, and stage 2's when they load.
  int64_t ringStepsPerTile() const {
    return residentSecond ? first.steps : first.steps + second.steps;
  }
};

/// Accumulator tiles (16x8 f32) one monarch.fused warp task may hold.
constexpr int64_t kMonarchMaxAccTiles = 16;

/// The plan, or nullopt when `cluster` does not divide k and l,
/// `residentFactors` is not 0, 1 or 2, `blocksPerSM` is not positive, or
/// `tma` is asked with more than kTmaMaxBoxRows tokens or q, or with
/// streamed factors (resident_factors 0). The layout may exceed
/// sharedBudget(blocksPerSM): the caller refuses it.
std::optional<MonarchLayout>
planMonarchLayout(int64_t k, int64_t q, int64_t p, int64_t l, int64_t s,
                  int64_t r, int64_t tokens, int64_t warps, int64_t stages,
                  int64_t cluster, int64_t residentFactors, int64_t blocksPerSM,
                  int64_t resultBytes, bool tma = false);

} // namespace mixc::kernels

#endif // MIXC_PASSES_KERNELLAYOUTS_H
