//===- KernelLayoutsTest.cpp - monarch.fused plans over many schedules ----===//
//
// planMonarchLayout (mixc/Passes/KernelLayouts.h) is the plan that the
// Monarch kernel builder emits and the cost model's space enumerates. These
// tests sweep factor shapes, token tiles, warps, stages, clusters, resident
// factors, blocks per SM and result widths, and check the invariants the
// builder relies on: the shared regions are ordered, aligned and inside the
// block, the ring steps cover every factor block, the stage-2 tasks cover every
// (lb, token, si) tile, and the y stores are aligned vectors of whole
// groups.
//
//===----------------------------------------------------------------------===//

#include "mixc/Passes/KernelLayouts.h"

#include <gtest/gtest.h>

#include <string>

using namespace mixc::kernels;

namespace {

struct Factors {
  int64_t k, q, p, l, s, r;
};

std::string describe(const Factors &f, int64_t tokens, int64_t warps,
                     int64_t stages, int64_t cluster, int64_t resident,
                     int64_t blocksPerSM, int64_t resultBytes, bool tma) {
  return "k,q,p=" + std::to_string(f.k) + "," + std::to_string(f.q) + "," +
         std::to_string(f.p) + " l,s,r=" + std::to_string(f.l) + "," +
         std::to_string(f.s) + "," + std::to_string(f.r) +
         " tokens=" + std::to_string(tokens) +
         " warps=" + std::to_string(warps) +
         " stages=" + std::to_string(stages) +
         " cluster=" + std::to_string(cluster) +
         " resident=" + std::to_string(resident) +
         " blocksPerSM=" + std::to_string(blocksPerSM) +
         " resultBytes=" + std::to_string(resultBytes) +
         " tma=" + std::to_string(tma);
}

void checkPlan(const MonarchLayout &m, const Factors &f, int64_t tokens,
               int64_t warps, int64_t stages, int64_t cluster, int64_t resident,
               int64_t resultBytes, bool tma) {
  constexpr int64_t bytes = 2;
  EXPECT_EQ(m.tma, tma);
  EXPECT_EQ(m.kLocal * cluster, f.k);
  EXPECT_EQ(m.lLocal * cluster, f.l);
  EXPECT_EQ(m.residentFirst, resident == 1);
  EXPECT_EQ(m.residentSecond, resident != 0);

  // [u | factors | ring | staging | mbarrier], ordered and aligned.
  EXPECT_EQ(m.uOffset, 0);
  EXPECT_EQ(m.uBytes, m.lLocal * (f.r * tokens + kRowPad) * bytes);
  EXPECT_GE(m.factorOffset, m.uBytes);
  EXPECT_GE(m.ringOffset, m.factorOffset + m.factorBytes);
  // With TMA the ring starts up to kTmaAlignment bytes late (aligned at run
  // time).
  EXPECT_GE(m.stagingOffset,
            m.ringOffset + stages * m.slotBytes + (tma ? kTmaAlignment : 0));
  for (int64_t offset : {m.factorOffset, m.ringOffset, m.stagingOffset})
    EXPECT_EQ(offset % kSharedAlignment, 0);
  EXPECT_EQ(m.slotBytes % kSharedAlignment, 0);
  // The u mbarrier (cluster), then the slot mbarriers (TMA), last.
  int64_t end = m.stagingOffset + m.stagingBytes;
  if (cluster > 1) {
    EXPECT_EQ(m.barrierOffset % 8, 0);
    EXPECT_GE(m.barrierOffset, end);
    end = m.barrierOffset + 8;
  } else {
    EXPECT_EQ(m.barrierOffset, -1);
  }
  if (tma) {
    EXPECT_EQ(m.slotBarrierOffset % 8, 0);
    EXPECT_GE(m.slotBarrierOffset, end);
    end = m.slotBarrierOffset + 16 * stages;
  } else {
    EXPECT_EQ(m.slotBarrierOffset, -1);
  }
  EXPECT_EQ(m.sharedBytes, end);

  // Resident factors: the first factor's blocks (with 1), then the
  // second's, rows padded.
  int64_t secondBytes = m.lLocal * f.s * (f.r + kRowPad) * bytes;
  if (resident == 0)
    EXPECT_EQ(m.factorBytes, 0);
  else
    EXPECT_EQ(m.factorBytes, m.secondFactorOffset + secondBytes);
  if (resident == 1)
    EXPECT_GE(m.secondFactorOffset, m.kLocal * f.q * (f.p + kRowPad) * bytes);
  else
    EXPECT_EQ(m.secondFactorOffset, 0);

  // Stage 1's ring steps cover the block's first-factor blocks; a slot
  // holds a step's x columns (after its factor blocks when they stream).
  const MonarchTiling &first = m.first;
  EXPECT_EQ(first.steps * first.blocksPerStep, m.kLocal);
  EXPECT_EQ(first.kSteps * 16, f.p);
  EXPECT_EQ(first.mGroups * first.mTiles * 16, f.q);
  EXPECT_EQ(first.nGroups * first.nPairs * 16, tokens);
  EXPECT_LE(first.mTiles * first.nPairs * 2, kMonarchMaxAccTiles);
  EXPECT_GE(first.tasksPerWarp * warps, first.tasksPerStep);
  int64_t xBytes = tma ? tokens * first.blocksPerStep * f.p * bytes
                       : tokens * (first.blocksPerStep * f.p + kRowPad) * bytes;
  int64_t factorRow = tma ? f.p : f.p + kRowPad;
  if (resident == 1)
    EXPECT_EQ(m.xInSlot, 0);
  else
    EXPECT_GE(m.xInSlot, first.blocksPerStep * f.q * factorRow * bytes);
  EXPECT_LE(m.xInSlot + xBytes, m.slotBytes);
  // TMA boxes: slots and the x boxes in them on the swizzle pattern's
  // period, boxes of at most 256 rows that tile the step's columns.
  if (tma) {
    EXPECT_EQ(m.slotBytes % kTmaAlignment, 0);
    EXPECT_EQ(m.xInSlot % kTmaAlignment, 0);
    int64_t box = tmaBoxColumns(first.blocksPerStep * f.p);
    EXPECT_GT(box, 0);
    // A box is whole periods of its swizzle pattern (8 rows).
    EXPECT_EQ(tokens * box * bytes % (8 * box * bytes), 0);
    EXPECT_LE(tokens, kTmaMaxBoxRows);
    if (resident != 1) {
      EXPECT_LE(first.blocksPerStep * f.q, kTmaMaxBoxRows);
    }
  }

  // y: aligned vectors of whole groups, at most 16 bytes.
  EXPECT_EQ(m.lLocal % m.group, 0);
  EXPECT_EQ(m.group % m.storeWidth, 0);
  EXPECT_EQ(f.l % m.storeWidth, 0);
  EXPECT_LE(m.storeWidth * resultBytes, 16);

  const MonarchTiling &second = m.second;
  EXPECT_EQ(second.kSteps * 16, f.r);
  if (m.residentSecond) {
    // One step; a task per (lb group, 16 tokens, 16 si), `group` lb each.
    EXPECT_EQ(m.stagingBytes, 0);
    EXPECT_EQ(second.steps, 1);
    EXPECT_EQ(second.blocksPerStep * m.group, m.lLocal);
    EXPECT_EQ(second.mGroups * 16, tokens);
    EXPECT_EQ(second.nGroups * 16, f.s);
    EXPECT_EQ(second.tasksPerStep,
              second.blocksPerStep * second.mGroups * second.nGroups);
    EXPECT_LE(2 * m.group, kMonarchMaxAccTiles);
    EXPECT_LE(m.group * resultBytes, 16);
    EXPECT_EQ(m.ringStepsPerTile(), first.steps);
  } else {
    // Ring steps of streamed blocks that pace a staging buffer of `group`
    // lb: [tokens][s x group] plus padding.
    EXPECT_EQ(second.steps * second.blocksPerStep, m.lLocal);
    EXPECT_EQ(m.group % second.blocksPerStep, 0);
    EXPECT_EQ(second.mGroups * second.mTiles * 16, tokens);
    EXPECT_EQ(second.nGroups * second.nPairs * 16, f.s);
    EXPECT_GE(m.stagingPitch, f.s * m.group);
    EXPECT_EQ(m.stagingBytes, tokens * m.stagingPitch * resultBytes);
    EXPECT_LE(second.blocksPerStep * f.s * (f.r + kRowPad) * bytes,
              m.slotBytes);
    EXPECT_EQ(m.ringStepsPerTile(), first.steps + second.steps);
  }
  EXPECT_GE(second.tasksPerWarp * warps, second.tasksPerStep);
}

TEST(KernelLayoutsTest, MonarchPlansKeepTheirInvariants) {
  const Factors shapes[] = {
      {16, 16, 16, 16, 16, 16},   {32, 32, 32, 32, 32, 32},
      {64, 64, 64, 64, 64, 64},   {128, 128, 128, 128, 128, 128},
      {8, 32, 64, 16, 32, 16},    {32, 64, 64, 64, 32, 32},
      {64, 128, 128, 128, 64, 64}};
  int64_t plans = 0, fitting = 0;
  for (const Factors &f : shapes)
    for (int64_t tokens : {16, 32, 64, 128, 256})
      for (int64_t warps : {4, 8})
        for (int64_t stages : {1, 2, 3, 4})
          for (int64_t cluster : {1, 2, 4, 8})
            for (int64_t resident : {0, 1, 2})
              for (int64_t blocksPerSM : {1, 2})
                for (int64_t resultBytes : {2, 4})
                  for (bool tma : {false, true}) {
                    std::optional<MonarchLayout> m = planMonarchLayout(
                        f.k, f.q, f.p, f.l, f.s, f.r, tokens, warps, stages,
                        cluster, resident, blocksPerSM, resultBytes, tma);
                    bool divides = f.k % cluster == 0 && f.l % cluster == 0;
                    bool boxes =
                        !tma || (resident != 0 && tokens <= kTmaMaxBoxRows &&
                                 f.q <= kTmaMaxBoxRows);
                    ASSERT_EQ(m.has_value(), divides && boxes)
                        << describe(f, tokens, warps, stages, cluster, resident,
                                    blocksPerSM, resultBytes, tma);
                    if (!m)
                      continue;
                    SCOPED_TRACE(describe(f, tokens, warps, stages, cluster,
                                          resident, blocksPerSM, resultBytes,
                                          tma));
                    checkPlan(*m, f, tokens, warps, stages, cluster, resident,
                              resultBytes, tma);
                    ++plans;
                    bool fits = m->sharedBytes + kStaticSharedBytes <=
                                sharedBudget(blocksPerSM);
                    fitting += fits;
                    // Half an SM each leaves two blocks room for each other.
                    if (fits && blocksPerSM == 2) {
                      EXPECT_LE(2 * (m->sharedBytes + kStaticSharedBytes +
                                     kReservedSharedBytesPerBlock),
                                kSharedBytesPerSM);
                    }
                    if (::testing::Test::HasFailure())
                      return;
                  }
  // The sweep reaches plans that fit and plans the builder must refuse.
  EXPECT_GT(fitting, 0);
  EXPECT_LT(fitting, plans);
}

TEST(KernelLayoutsTest, MonarchRefusesUnknownResidencyAndClusters) {
  EXPECT_FALSE(planMonarchLayout(64, 64, 64, 64, 64, 64, 64, 8, 3, 8, 3, 1, 2));
  EXPECT_FALSE(
      planMonarchLayout(64, 64, 64, 64, 64, 64, 64, 8, 3, 8, -1, 1, 2));
  EXPECT_FALSE(planMonarchLayout(8, 32, 64, 16, 32, 16, 32, 8, 2, 16, 0, 1, 2));
  EXPECT_FALSE(planMonarchLayout(64, 64, 64, 64, 64, 64, 64, 8, 3, 0, 0, 1, 2));
  EXPECT_FALSE(planMonarchLayout(64, 64, 64, 64, 64, 64, 64, 8, 3, 8, 0, 0, 2));
}

TEST(KernelLayoutsTest, MonarchResidentSecondFactorAtN4096) {
  // The measured schedule b64-c8-s3-t*-r2: 8 second-factor blocks of
  // 64 x (64 + 8) resident beside a u of 64 tokens, one first-factor block
  // and its x columns per ring step, no staging buffer, and y in groups of
  // 8 lb (16-byte stores of bf16).
  std::optional<MonarchLayout> m =
      planMonarchLayout(64, 64, 64, 64, 64, 64, 64, 8, 3, 8, 2, 1, 2);
  ASSERT_TRUE(m);
  EXPECT_EQ(m->factorBytes, 8 * 64 * 72 * 2);
  EXPECT_EQ(m->stagingBytes, 0);
  EXPECT_EQ(m->group, 8);
  EXPECT_EQ(m->storeWidth, 8);
  EXPECT_EQ(m->first.blocksPerStep, 1);
  EXPECT_EQ(m->sharedBytes, 194696);
  EXPECT_LE(m->sharedBytes + kStaticSharedBytes, kMaxSharedBytesPerBlock);
  // An f32 result makes groups of 4 lb: still 16-byte stores.
  std::optional<MonarchLayout> f32 =
      planMonarchLayout(64, 64, 64, 64, 64, 64, 64, 8, 3, 8, 2, 1, 4);
  ASSERT_TRUE(f32);
  EXPECT_EQ(f32->group, 4);
  EXPECT_EQ(f32->storeWidth, 4);
}

} // namespace
