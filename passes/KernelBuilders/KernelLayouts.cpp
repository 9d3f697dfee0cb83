//===- KernelLayouts.cpp - Builder plans without MLIR ---------------------===//
//
// monarch.fused's plan search (see KernelLayouts.h), used by its builder
// (Monarch.cpp) and by the cost model's schedule space.
//
//===----------------------------------------------------------------------===//

#include "mixc/Passes/KernelLayouts.h"

#include <algorithm>
#include <vector>

using namespace mixc::kernels;

namespace {

std::vector<int64_t> divisors(int64_t value) {
  std::vector<int64_t> result;
  for (int64_t d = 1; d <= value; ++d)
    if (value % d == 0)
      result.push_back(d);
  return result;
}

int64_t alignUp(int64_t value, int64_t alignment = kSharedAlignment) {
  return (value + alignment - 1) / alignment * alignment;
}

/// The tiling of `blocks` factor blocks of [m x n] products (K = kDim) over
/// `warps` warps, at most `maxBlocks` blocks per step. Prefers tilings that
/// give every warp the same number of tasks, then the most MMAs per ldmatrix
/// (2 mTiles nPairs / (mTiles + nPairs)), then fewer blocks per step.
MonarchTiling chooseTiling(int64_t blocks, int64_t m, int64_t n, int64_t kDim,
                           int64_t warps, int64_t maxBlocks) {
  MonarchTiling best;
  double bestScore = -1;
  bool bestEven = false;
  for (int64_t g : divisors(blocks)) {
    if (g > maxBlocks && g != 1)
      break;
    for (int64_t mw : divisors(m / 16)) {
      for (int64_t nw : divisors(n / 16)) {
        if (mw * nw * 2 > kMonarchMaxAccTiles)
          continue;
        int64_t tasks = g * (m / 16 / mw) * (n / 16 / nw);
        bool even = tasks % warps == 0;
        double score = 2.0 * mw * nw / (mw + nw);
        if (!even)
          score *= static_cast<double>(tasks) /
                   (warps * ((tasks + warps - 1) / warps));
        if ((even && !bestEven) ||
            (even == bestEven && score > bestScore + 1e-9)) {
          best.blocksPerStep = g;
          best.mTiles = mw;
          best.nPairs = nw;
          bestScore = score;
          bestEven = even;
        }
      }
    }
  }
  best.mGroups = m / 16 / best.mTiles;
  best.nGroups = n / 16 / best.nPairs;
  best.tasksPerStep = best.blocksPerStep * best.mGroups * best.nGroups;
  best.tasksPerWarp = (best.tasksPerStep + warps - 1) / warps;
  best.steps = blocks / best.blocksPerStep;
  best.kSteps = kDim / 16;
  return best;
}

/// The staging row pitch (elements, >= `minimum`, a whole number of 4-byte
/// words) for which the 2-byte or 4-byte stores of one warp's accumulator
/// elements (rows t = g, columns si = 2 tq: offset t * pitch + si * group)
/// meet the fewest bank conflicts; an odd number of words is best.
int64_t chooseStagingPitch(int64_t minimum, int64_t group,
                           int64_t elementBytes) {
  int64_t perWord = 4 / elementBytes;
  int64_t start = (minimum + perWord - 1) / perWord * perWord;
  int64_t bestPitch = start, bestConflicts = 33;
  for (int64_t pitch = start; pitch < start + 32 * perWord; pitch += perWord) {
    int64_t conflicts = 0;
    for (int64_t bank = 0; bank < 32; ++bank) {
      std::vector<int64_t> words;
      for (int64_t lane = 0; lane < 32; ++lane) {
        int64_t offset = (lane / 4) * pitch + 2 * (lane % 4) * group;
        int64_t word = offset * elementBytes / 4;
        if (word % 32 == bank &&
            std::find(words.begin(), words.end(), word) == words.end())
          words.push_back(word);
      }
      conflicts = std::max<int64_t>(conflicts, words.size());
    }
    if (conflicts < bestConflicts) {
      bestConflicts = conflicts;
      bestPitch = pitch;
    }
  }
  return bestPitch;
}

} // namespace

std::optional<MonarchLayout>
mixc::kernels::planMonarchLayout(int64_t k, int64_t q, int64_t p, int64_t l,
                                 int64_t s, int64_t r, int64_t tokens,
                                 int64_t warps, int64_t stages, int64_t cluster,
                                 int64_t residentFactors, int64_t blocksPerSM,
                                 int64_t resultBytes, bool tma) {
  if (cluster <= 0 || k % cluster || l % cluster || residentFactors < 0 ||
      residentFactors > 2 || blocksPerSM < 1)
    return std::nullopt;
  // TMA boxes have at most 256 rows; the streamed second factor stays on
  // cp.async, so tma needs it resident.
  if (tma &&
      (tokens > kTmaMaxBoxRows || q > kTmaMaxBoxRows || residentFactors == 0))
    return std::nullopt;
  constexpr int64_t bytes = 2;
  MonarchLayout m;
  m.kLocal = k / cluster;
  m.lLocal = l / cluster;
  m.residentFirst = residentFactors == 1;
  m.residentSecond = residentFactors != 0;
  m.tma = tma;

  // u: one [r][T] region per local lb, 16 bytes apart.
  m.regionPitch = r * tokens + kRowPad;
  m.uBytes = m.lLocal * m.regionPitch * bytes;
  auto firstFactorBytes = [&](int64_t blocks) {
    return alignUp(blocks * q * (p + kRowPad) * bytes);
  };
  auto secondFactorBytes = [&](int64_t blocks) {
    return blocks * s * (r + kRowPad) * bytes;
  };
  m.secondFactorOffset = m.residentFirst ? firstFactorBytes(m.kLocal) : 0;
  m.factorBytes = m.secondFactorOffset +
                  (m.residentSecond ? secondFactorBytes(m.lLocal) : 0);
  // With TMA a slot's tiles are unpadded boxes, swizzled within and
  // aligned to the swizzle pattern (1024 bytes at most).
  auto xBytes = [&](int64_t blocks) {
    return tma ? alignUp(tokens * blocks * p * bytes, kTmaAlignment)
               : tokens * (blocks * p + kRowPad) * bytes;
  };
  auto slotFactorBytes = [&](int64_t blocks) {
    return tma ? alignUp(blocks * q * p * bytes, kTmaAlignment)
               : firstFactorBytes(blocks);
  };
  auto firstSlotBytes = [&](int64_t blocks) {
    return m.residentFirst ? xBytes(blocks)
                           : slotFactorBytes(blocks) + xBytes(blocks);
  };
  auto secondSlotBytes = [&](int64_t blocks) {
    return m.residentSecond ? 0 : secondFactorBytes(blocks);
  };
  auto stagingBytesFor = [&](int64_t group) {
    return tokens * chooseStagingPitch(s * group, group, resultBytes) *
           resultBytes;
  };
  // (Less the alignment of the three offsets after u, and, with a cluster,
  // the u mbarrier at the end.)
  // With TMA, the ring's start is aligned at run time (up to
  // kTmaAlignment bytes later) and each slot has two 8-byte mbarriers.
  int64_t available = sharedBudget(blocksPerSM) - kStaticSharedBytes -
                      m.uBytes - alignUp(m.factorBytes) - 3 * kSharedAlignment -
                      (cluster > 1 ? 16 : 0) -
                      (tma ? kTmaAlignment + 16 * stages : 0);
  int64_t minSlot = std::max(firstSlotBytes(1), secondSlotBytes(1));
  int64_t maxWidth = 16 / resultBytes;
  m.group = 1;
  if (m.residentSecond) {
    // Direct stores: a warp task holds one [16 x 16] (token, si) tile of
    // `group` consecutive lb, which y keeps contiguous: up to 16 bytes.
    for (int64_t g : divisors(m.lLocal))
      if (g <= maxWidth)
        m.group = g;
    m.stagingPitch = 0;
    m.stagingBytes = 0;
  } else {
    // y leaves in groups of consecutive lb that divide the local count: up
    // to 8 (16 bytes of 2-byte values), fewer when the staging buffer would
    // not leave room for the ring's smallest slots.
    for (int64_t g : divisors(m.lLocal))
      if (g <= 8 &&
          (g == 1 || stagingBytesFor(g) + stages * minSlot <= available))
        m.group = g;
    m.stagingPitch = chooseStagingPitch(s * m.group, m.group, resultBytes);
    m.stagingBytes = stagingBytesFor(m.group);
  }
  // The store width divides the group and l, so that stores are aligned.
  m.storeWidth = maxWidth;
  while (m.group % m.storeWidth || l % m.storeWidth)
    m.storeWidth /= 2;

  // The ring gets what u, the factors and the staging buffer leave.
  int64_t perSlot = (available - m.stagingBytes) / stages;
  int64_t maxFirst = 1;
  for (int64_t g : divisors(m.kLocal))
    if (firstSlotBytes(g) <= perSlot &&
        (!tma || m.residentFirst || g * q <= kTmaMaxBoxRows))
      maxFirst = g;
  m.first = chooseTiling(m.kLocal, q, tokens, p, warps, maxFirst);
  if (m.residentSecond) {
    // One compute step over all lb groups; each task is [16 x 16] of
    // `group` lb (2 group accumulator tiles).
    MonarchTiling &t = m.second;
    t.blocksPerStep = m.lLocal / m.group;
    t.mGroups = tokens / 16;
    t.nGroups = s / 16;
    t.tasksPerStep = t.blocksPerStep * t.mGroups * t.nGroups;
    t.tasksPerWarp = (t.tasksPerStep + warps - 1) / warps;
    t.steps = 1;
    t.kSteps = r / 16;
  } else {
    int64_t maxSecond = 1;
    for (int64_t g : divisors(m.group))
      if (secondSlotBytes(g) <= perSlot)
        maxSecond = g;
    m.second = chooseTiling(m.group, tokens, s, r, warps, maxSecond);
    m.second.steps = m.lLocal / m.second.blocksPerStep;
  }

  // [u | factors | ring | staging], each at a 128-byte aligned offset.
  m.xInSlot = m.residentFirst ? 0 : slotFactorBytes(m.first.blocksPerStep);
  m.slotBytes = alignUp(std::max(firstSlotBytes(m.first.blocksPerStep),
                                 secondSlotBytes(m.second.blocksPerStep)));
  m.uOffset = 0;
  m.factorOffset = alignUp(m.uBytes);
  m.ringOffset = alignUp(m.factorOffset + m.factorBytes);
  m.stagingOffset =
      alignUp(m.ringOffset + stages * m.slotBytes + (tma ? kTmaAlignment : 0));
  m.sharedBytes = m.stagingOffset + m.stagingBytes;
  // With a cluster, the 8-byte mbarrier that counts the bytes of u stored
  // into the block; with TMA, two per ring slot after it (full, empty).
  m.barrierOffset = -1;
  m.slotBarrierOffset = -1;
  if (cluster > 1) {
    m.barrierOffset = (m.sharedBytes + 7) / 8 * 8;
    m.sharedBytes = m.barrierOffset + 8;
  }
  if (tma) {
    m.slotBarrierOffset = (m.sharedBytes + 7) / 8 * 8;
    m.sharedBytes = m.slotBarrierOffset + 16 * stages;
  }
  return m;
}

int64_t mixc::kernels::tmaBoxColumns(int64_t columns) {
  for (int64_t width : {64, 32, 16})
    if (columns % width == 0)
      return width;
  return 0;
}

int64_t mixc::kernels::sharedBudget(int64_t blocksPerSM) {
  if (blocksPerSM <= 1)
    return kMaxSharedBytesPerBlock;
  return std::min(kMaxSharedBytesPerBlock, kSharedBytesPerSM / blocksPerSM -
                                               kReservedSharedBytesPerBlock);
}

int64_t mixc::kernels::ssdSegments(int64_t workItems, int64_t sharedBytes,
                                   int64_t threads, int64_t chunks) {
  if (workItems < 1 || threads < 1)
    return 1;
  int64_t blockBytes =
      sharedBytes + kStaticSharedBytes + kReservedSharedBytesPerBlock;
  int64_t resident =
      std::min(kSharedBytesPerSM / blockBytes, int64_t(2048) / threads);
  int64_t segments = kTargetMultiprocessors * resident / workItems;
  segments = std::min(segments, kSsdMaxSegments);
  if (chunks >= 0)
    segments = std::min(segments, chunks / 2);
  int64_t withTicket = (sharedBytes + kSharedAlignment - 1) / kSharedAlignment *
                           kSharedAlignment +
                       16 + kStaticSharedBytes;
  if (withTicket > kMaxSharedBytesPerBlock)
    return 1;
  return std::max<int64_t>(segments, 1);
}
