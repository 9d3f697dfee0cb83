//===- IterationDomainTest.cpp - Tile and mask domains against loops ------===//
//
// The attention tile domain (causal triangles, sliding-window bands) and the
// (query, key) mask domain, counted with the Presburger sets, against the
// loops the kernel builder runs and against plain element loops, for odd
// lengths, cross lengths and every block size; the library's Barvinok count
// where it applies; the SSD chunk domain.
//
//===----------------------------------------------------------------------===//

#include "mixc/CostModel/IterationDomain.h"

#include <gtest/gtest.h>

using namespace mixc::costmodel;
using mlir::presburger::IntegerPolyhedron;

namespace {

struct MaskCase {
  int64_t queryLength, keyLength;
  bool causal;
  std::optional<int64_t> left, right;
  int64_t sinks = 0;
};

AttentionShape shapeOf(const MaskCase &c) {
  AttentionShape op;
  op.queryLength = c.queryLength;
  op.keyLength = c.keyLength;
  op.causal = c.causal;
  op.windowLeft = c.left;
  op.windowRight = c.right;
  op.sinkTokens = c.sinks;
  return op;
}

std::string describe(const MaskCase &c) {
  auto opt = [](std::optional<int64_t> v) {
    return v ? std::to_string(*v) : std::string("none");
  };
  return "Lq=" + std::to_string(c.queryLength) +
         " Lk=" + std::to_string(c.keyLength) + (c.causal ? " causal" : "") +
         " window=(" + opt(c.left) + ", " + opt(c.right) +
         ") sinks=" + std::to_string(c.sinks);
}

/// The builder's loops: Attention.cpp's build() tile range and mainLoop's
/// needsMask, per query block.
AttentionTileCounts builderLoops(const MaskCase &c, int64_t blockM,
                                 int64_t blockN) {
  AttentionTileCounts counts;
  counts.queryBlocks = (c.queryLength + blockM - 1) / blockM;
  for (int64_t block = 0; block < counts.queryBlocks; ++block) {
    int64_t queryStart = block * blockM;
    int64_t keyEnd = c.keyLength;
    if (c.causal)
      keyEnd = std::min(keyEnd, queryStart + blockM);
    if (c.right)
      keyEnd = std::min(keyEnd, queryStart + blockM + *c.right);
    int64_t keyBegin = 0;
    if (c.left)
      keyBegin = std::max<int64_t>(keyBegin, queryStart - *c.left);
    int64_t tileBegin = keyBegin / blockN;
    int64_t tileEnd = (keyEnd + blockN - 1) / blockN;
    for (int64_t tile = tileBegin; tile < tileEnd; ++tile) {
      ++counts.tilePairs;
      int64_t keyStart = tile * blockN, keyLast = keyStart + blockN - 1;
      int64_t blockLastRow = queryStart + blockM - 1;
      bool needsMask = keyStart + blockN > c.keyLength;
      if (c.causal)
        needsMask |= keyLast > queryStart;
      if (c.left)
        needsMask |= keyStart + *c.left < blockLastRow;
      if (c.right)
        needsMask |= keyLast > queryStart + *c.right;
      counts.maskedTilePairs += needsMask;
      counts.keyRowsLoaded += std::min(blockN, c.keyLength - keyStart);
    }
  }
  return counts;
}

int64_t keptByLoops(const MaskCase &c) {
  int64_t kept = 0;
  for (int64_t i = 0; i < c.queryLength; ++i)
    for (int64_t j = 0; j < c.keyLength; ++j) {
      bool window =
          (!c.left || j >= i - *c.left) && (!c.right || j <= i + *c.right);
      bool sink = c.left && j < c.sinks;
      kept += (!c.causal || j <= i) && (window || sink);
    }
  return kept;
}

std::vector<MaskCase> maskCases() {
  std::vector<MaskCase> cases;
  for (int64_t length : {1, 100, 333, 4096})
    for (bool causal : {false, true})
      for (auto [left, right] :
           {std::pair<std::optional<int64_t>, std::optional<int64_t>>{
                std::nullopt, std::nullopt},
            {64, std::nullopt},
            {40, 24},
            {0, 0},
            {std::nullopt, 7}}) {
        if (causal && right) // the verifier refuses causal + window_right
          continue;
        cases.push_back({length, length, causal, left, right});
      }
  cases.push_back({100, 300, true, std::nullopt, std::nullopt});
  cases.push_back({300, 100, true, 64, std::nullopt});
  cases.push_back({257, 1000, false, 40, 24});
  cases.push_back({333, 333, true, 64, std::nullopt, /*sinks=*/4});
  cases.push_back({100, 100, false, 10, 5, /*sinks=*/30});
  return cases;
}

TEST(IterationDomainTest, TilePairsMatchTheBuilderLoops) {
  for (const MaskCase &c : maskCases())
    for (int64_t blockM : {64, 128})
      for (int64_t blockN : {32, 64, 128}) {
        SCOPED_TRACE(describe(c) + " block " + std::to_string(blockM) + "x" +
                     std::to_string(blockN));
        AttentionTileCounts expected = builderLoops(c, blockM, blockN);
        auto counts = countAttentionTiles(shapeOf(c), blockM, blockN);
        ASSERT_TRUE(static_cast<bool>(counts))
            << llvm::toString(counts.takeError());
        EXPECT_EQ(counts->queryBlocks, expected.queryBlocks);
        EXPECT_EQ(counts->tilePairs, expected.tilePairs);
        EXPECT_EQ(counts->maskedTilePairs, expected.maskedTilePairs);
        EXPECT_EQ(counts->keyRowsLoaded, expected.keyRowsLoaded);
      }
}

TEST(IterationDomainTest, TileDomainIsTheVisitedSet) {
  // Not only the count: the very pairs, for a band and a triangle.
  for (MaskCase c : {MaskCase{333, 333, false, 40, 24},
                     MaskCase{333, 333, true, std::nullopt, std::nullopt}}) {
    SCOPED_TRACE(describe(c));
    auto domain = attentionTileDomain(shapeOf(c), 64, 32);
    auto points = enumerateIntegerPoints(domain);
    ASSERT_TRUE(static_cast<bool>(points));
    std::vector<IntegerPoint> expected;
    for (int64_t qb = 0; qb * 64 < c.queryLength; ++qb) {
      int64_t keyEnd = c.keyLength;
      if (c.causal)
        keyEnd = std::min(keyEnd, qb * 64 + 64);
      if (c.right)
        keyEnd = std::min(keyEnd, qb * 64 + 64 + *c.right);
      int64_t keyBegin = c.left ? std::max<int64_t>(0, qb * 64 - *c.left) : 0;
      for (int64_t kb = keyBegin / 32; kb < (keyEnd + 31) / 32; ++kb)
        expected.push_back({qb, kb});
    }
    EXPECT_EQ(*points, expected);
  }
}

TEST(IterationDomainTest, KeptPairsMatchElementLoops) {
  for (const MaskCase &c : maskCases()) {
    SCOPED_TRACE(describe(c));
    auto kept = countKeptPairs(shapeOf(c));
    ASSERT_TRUE(static_cast<bool>(kept)) << llvm::toString(kept.takeError());
    EXPECT_EQ(*kept, keptByLoops(c));
  }
}

TEST(IterationDomainTest, BarvinokAgreesWhereItApplies) {
  // The mask domain's constraint normals are (1,0), (0,1) and (1,-1): its
  // tangent cones are unimodular, so the library's Barvinok count applies
  // whenever the domain is full-dimensional.
  int applied = 0;
  for (const MaskCase &c : maskCases()) {
    SCOPED_TRACE(describe(c));
    IntegerPolyhedron domain = attentionMaskDomain(shapeOf(c));
    std::optional<int64_t> barvinok = countWithBarvinok(domain);
    if (!barvinok)
      continue;
    ++applied;
    EXPECT_EQ(*barvinok, *countIntegerPoints(domain));
  }
  EXPECT_GE(applied, 15);
  // Not where a tile constraint has a normal like (2, -1) (block_m = 2
  // block_n): the library would crash, so the wrapper declines.
  AttentionShape causal =
      shapeOf({4096, 4096, true, std::nullopt, std::nullopt});
  EXPECT_EQ(countWithBarvinok(attentionTileDomain(causal, 128, 64)),
            std::nullopt);
  // Equal blocks: the tile triangle is unimodular again.
  EXPECT_EQ(countWithBarvinok(attentionTileDomain(causal, 64, 64)),
            std::optional<int64_t>(64 * 65 / 2));
  // Flat (one query row): declined, the library miscounts those.
  AttentionShape row = shapeOf({1, 300, false, std::nullopt, std::nullopt});
  EXPECT_EQ(countWithBarvinok(attentionMaskDomain(row)), std::nullopt);
}

TEST(IterationDomainTest, DynamicLengthsAreErrors) {
  AttentionShape op;
  op.queryLength = kDynamic;
  auto counts = countAttentionTiles(op, 64, 64);
  ASSERT_FALSE(static_cast<bool>(counts));
  EXPECT_EQ(llvm::toString(counts.takeError()),
            "attention iteration domains need static query and key lengths");
}

TEST(IterationDomainTest, SsdChunkTriangles) {
  for (int64_t length : {1, 63, 64, 100, 1000})
    for (int64_t chunk : {32, 64, 256})
      for (bool bidirectional : {false, true}) {
        SsdShape op;
        op.length = length;
        op.bidirectional = bidirectional;
        int64_t expected = 0;
        for (int64_t t = 0; t < length; ++t)
          for (int64_t s = 0; s < length; ++s)
            expected += t / chunk == s / chunk && (bidirectional || s <= t);
        auto count = countIntegerPoints(ssdIntraChunkDomain(op, chunk));
        ASSERT_TRUE(static_cast<bool>(count));
        EXPECT_EQ(*count, expected) << "L=" << length << " chunk=" << chunk
                                    << (bidirectional ? " bidirectional" : "");
      }
}

TEST(IterationDomainTest, SsdStripsMatchTheBuilderLoops) {
  for (int64_t length : {1, 63, 64, 100, 1000})
    for (int64_t chunk : {32, 64, 128, 256}) {
      SsdShape op;
      op.length = length;
      // Ssd.cpp: for every chunk, every 16-row tile i of it multiplies the
      // strips j < i in full and the diagonal strip masked.
      int64_t expected = 0;
      for (int64_t start = 0; start < length; start += chunk)
        for (int64_t tile = 0; tile < chunk / 16; ++tile)
          expected += tile + 1;
      auto count = countIntegerPoints(ssdStripDomain(op, chunk));
      ASSERT_TRUE(static_cast<bool>(count));
      EXPECT_EQ(*count, expected) << "L=" << length << " chunk=" << chunk;
    }
}

TEST(IterationDomainTest, LongSequencesCountQuickly) {
  // 2^20 tokens: the count is a sum over query blocks (or rows), not an
  // enumeration of pairs.
  AttentionShape op = shapeOf({1 << 20, 1 << 20, true, 4096, std::nullopt});
  auto counts = countAttentionTiles(op, 128, 64);
  ASSERT_TRUE(static_cast<bool>(counts));
  EXPECT_EQ(counts->queryBlocks, 8192);
  AttentionTileCounts expected =
      builderLoops({1 << 20, 1 << 20, true, 4096, std::nullopt}, 128, 64);
  EXPECT_EQ(counts->tilePairs, expected.tilePairs);
  auto kept = countKeptPairs(op);
  ASSERT_TRUE(static_cast<bool>(kept));
  // Row i keeps min(i, 4096) + 1 keys.
  int64_t rows = int64_t(1) << 20;
  EXPECT_EQ(*kept, 4097 * rows - 4096 * 4097 / 2);
}

} // namespace
