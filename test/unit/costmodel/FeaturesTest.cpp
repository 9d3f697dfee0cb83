//===- FeaturesTest.cpp - Features of fixed ops, by hand --------------===//
//
// Feature extraction on fixed attention, SSD and Monarch ops against values
// computed by hand in the comments; the schema's version and names (a
// change to them must bump the version); manifests' ptxas numbers; and the
// JSON record.
//
//===----------------------------------------------------------------------===//

#include "mixc/CostModel/Features.h"

#include "mixc/Dialect/Mix/ScheduleTemplates.h"
#include "mixc/Runtime/Manifest.h"

#include <gtest/gtest.h>

#include <cmath>
#include <set>

using namespace mixc;
using namespace mixc::costmodel;

namespace {

const mix::ScheduleTemplateDecl &mmaSync() {
  return *mix::lookupScheduleTemplate("attention.mma_sync");
}

/// B = 2, Hq = 8, Hkv = 2, Lq = Lk = 256, D = Dv = 64, bf16, causal.
AttentionShape causalGqa() {
  AttentionShape op;
  op.batch = 2;
  op.queryHeads = 8;
  op.keyHeads = 2;
  op.queryLength = op.keyLength = 256;
  op.headDim = op.valueDim = 64;
  op.causal = true;
  return op;
}

/// B = 2, L = 100, H = 8, P = 64, G = 1, N = 128, bf16, forward.
SsdShape forwardSsd() {
  SsdShape op;
  op.batch = 2;
  op.length = 100;
  op.heads = 8;
  op.headDim = 64;
  op.groups = 1;
  op.stateDim = 128;
  return op;
}

TEST(FeaturesTest, SchemaIsStable) {
  // Changing this list (names or order) needs a new kFeatureSchemaVersion:
  // models and records name the version they were made with.
  EXPECT_EQ(kFeatureSchemaVersion, "mixc-features-4");
  std::vector<std::string> expected = {"op_kind",
                                       "batch",
                                       "heads",
                                       "kv_heads",
                                       "gqa_ratio",
                                       "query_length",
                                       "key_length",
                                       "head_dim",
                                       "value_dim",
                                       "state_dim",
                                       "first_blocks",
                                       "first_block_in",
                                       "first_block_out",
                                       "second_blocks",
                                       "second_block_in",
                                       "second_block_out",
                                       "element_bytes",
                                       "output_bytes",
                                       "mask_kind",
                                       "window_left",
                                       "window_right",
                                       "sink_tokens",
                                       "has_bias",
                                       "has_block_mask",
                                       "mask_blocks",
                                       "has_lse",
                                       "mask_density",
                                       "num_chunks",
                                       "useful_flops",
                                       "compulsory_bytes",
                                       "template_index",
                                       "param_block_m",
                                       "param_block_n",
                                       "param_warps",
                                       "param_stages",
                                       "param_consumer_warpgroups",
                                       "param_tma",
                                       "param_warp_specialize",
                                       "param_chunk_size",
                                       "param_block_p",
                                       "param_block_tokens",
                                       "param_cluster",
                                       "param_tiles",
                                       "param_resident_factors",
                                       "param_blocks_per_sm",
                                       "param_threads",
                                       "param_items_per_thread",
                                       "param_channels_per_block",
                                       "param_rows_per_block",
                                       "param_vector_bytes",
                                       "block_threads",
                                       "grid_blocks",
                                       "shared_bytes",
                                       "registers_per_thread",
                                       "blocks_per_sm",
                                       "occupancy",
                                       "waves",
                                       "wave_efficiency",
                                       "tiles_visited",
                                       "masked_tile_fraction",
                                       "executed_flops",
                                       "flop_efficiency",
                                       "tiled_bytes",
                                       "arithmetic_intensity",
                                       "ptxas_registers",
                                       "ptxas_spill_store_bytes",
                                       "ptxas_spill_load_bytes",
                                       "ptxas_stack_bytes",
                                       "kernel_shared_bytes"};
  std::vector<std::string> names;
  for (const FeatureInfo &info : featureSchema())
    names.push_back(info.name.str());
  EXPECT_EQ(names, expected);
  EXPECT_EQ(featureSchema().size(), kFeatureCount);
  EXPECT_EQ(Features().values().size(), kFeatureCount);
}

TEST(FeaturesTest, SchemaCoversEveryTemplateParameter) {
  std::set<std::string> names;
  for (const FeatureInfo &info : featureSchema())
    names.insert(info.name.str());
  for (const mix::ScheduleTemplateDecl &decl : mix::getScheduleTemplates())
    for (const mix::ScheduleParamDecl &param : decl.params)
      EXPECT_TRUE(names.count(("param_" + param.name).str()))
          << decl.name.str() << " " << param.name.str()
          << ": add it to MIXC_FEATURES and bump the schema version";
}

TEST(FeaturesTest, CausalGqaAttentionByHand) {
  // block_m 128, block_n 64, 8 warps, 2 stages.
  auto features = computeFeatures(OpShape::attention(causalGqa()), mmaSync(),
                                  {128, 64, 8, 2});
  ASSERT_TRUE(static_cast<bool>(features))
      << llvm::toString(features.takeError());
  const Features &f = *features;
  EXPECT_EQ(f.op_kind, 0);
  EXPECT_EQ(f.gqa_ratio, 4);
  EXPECT_EQ(f.mask_kind, 1);
  EXPECT_TRUE(std::isnan(f.window_left));
  // Kept pairs: 256 * 257 / 2 = 32896 of 65536.
  EXPECT_DOUBLE_EQ(f.mask_density, 32896.0 / 65536.0);
  // 16 (batch, head) pairs x 32896 x 2 (64 + 64).
  EXPECT_EQ(f.useful_flops, 16.0 * 32896 * 256);
  // Q 16*256*64*2 + K,V 2*2*256*(64+64)*2 + O 16*256*64*2.
  EXPECT_EQ(f.compulsory_bytes, 524288.0 + 262144 + 524288);
  EXPECT_EQ(f.template_index, 0);
  EXPECT_EQ(f.param_block_m, 128);
  EXPECT_EQ(f.param_block_n, 64);
  EXPECT_EQ(f.param_warps, 8);
  EXPECT_EQ(f.param_stages, 2);
  EXPECT_TRUE(std::isnan(f.param_chunk_size));
  EXPECT_EQ(f.block_threads, 256);
  // Grid: ceil(256 / 128) query blocks x 16 (batch, head) pairs.
  EXPECT_EQ(f.grid_blocks, 32);
  // Q 128*(64+8)*2 = 18432; K and V 2*64*72*2 = 18432 each; + 16.
  EXPECT_EQ(f.shared_bytes, 55312);
  // Tiles per head: query block 0 visits key tiles 0-1, block 1 tiles 0-3;
  // 4 of the 6 cross the diagonal.
  EXPECT_EQ(f.tiles_visited, 6.0 * 16);
  EXPECT_DOUBLE_EQ(f.masked_tile_fraction, 4.0 / 6.0);
  // 96 tiles x 2 x 128 x 64 x (64 + 64).
  EXPECT_EQ(f.executed_flops, 96.0 * 2 * 128 * 64 * 128);
  EXPECT_DOUBLE_EQ(f.flop_efficiency, f.useful_flops / f.executed_flops);
  // Q 524288 + K,V 16 heads x 6 tiles x 64 rows x (64 + 64) x 2 + O 524288.
  EXPECT_EQ(f.tiled_bytes, 524288.0 + 16 * 384 * 256 + 524288);
  EXPECT_DOUBLE_EQ(f.arithmetic_intensity, f.executed_flops / f.tiled_bytes);
  // Registers (estimate): 1 row tile x (4*8 + 4*8 + 4*4 + 4) + 64/4 + 64/4
  // + 24 = 140, but the builder asks for two blocks per SM (live fragments
  // 4*4 + 8*4 + 64/2 = 80, shared memory 2 x 56336 fits), so ptxas holds it
  // to 65536 / 512 = 128 (ptxas: 128) -> 4096 per warp, 16 warps = 2 blocks
  // of 8; threads allow 8, shared memory 233472 / 56336 = 4.
  EXPECT_EQ(f.registers_per_thread, 128);
  EXPECT_EQ(f.blocks_per_sm, 2);
  EXPECT_DOUBLE_EQ(f.occupancy, 16.0 / 64);
  EXPECT_DOUBLE_EQ(f.waves, 32.0 / 264);
  EXPECT_DOUBLE_EQ(f.wave_efficiency, 32.0 / 264);
  EXPECT_TRUE(std::isnan(f.ptxas_registers));
}

TEST(FeaturesTest, OddLengthsAndPtxasNumbers) {
  // Lq = Lk = 100, D = 128, Dv = 64, f16, no mask, with lse; 64 x 64 tiles,
  // 4 warps, 3 stages.
  AttentionShape op;
  op.batch = 1;
  op.queryHeads = op.keyHeads = 1;
  op.queryLength = op.keyLength = 100;
  op.headDim = 128;
  op.valueDim = 64;
  op.elementType = op.valueElementType = "f16";
  op.outputElementBytes = 4;
  op.hasLse = true;
  CompiledStats compiled;
  compiled.registers = 128;
  compiled.spillStoreBytes = 0;
  compiled.spillLoadBytes = 8;
  compiled.sharedBytes = 48000;
  auto features = computeFeatures(OpShape::attention(op), mmaSync(),
                                  {64, 64, 4, 3}, &compiled);
  ASSERT_TRUE(static_cast<bool>(features));
  const Features &f = *features;
  EXPECT_EQ(f.mask_kind, 0);
  EXPECT_EQ(f.mask_density, 1);
  EXPECT_EQ(f.grid_blocks, 2);
  // 2 query blocks x 2 key tiles; the second key tile crosses Lk, so half
  // of the visits take the masked path.
  EXPECT_EQ(f.tiles_visited, 4);
  EXPECT_DOUBLE_EQ(f.masked_tile_fraction, 0.5);
  // Rows loaded: 2 x (64 + 36) = 200; K 128 + V 64 columns, 2 bytes.
  // Q 100*128*2 + K,V 200*192*2 + O 100*64*4 + lse 100*4.
  EXPECT_EQ(f.tiled_bytes, 25600.0 + 76800 + 25600 + 400);
  EXPECT_EQ(f.compulsory_bytes, 25600.0 + 100 * 192 * 2 + 25600 + 400);
  EXPECT_EQ(f.executed_flops, 4.0 * 2 * 64 * 64 * 192);
  EXPECT_EQ(f.useful_flops, 10000.0 * 2 * 192);
  // Q 64*136*2 = 17408; K 3*64*136*2 = 52224; V 3*64*72*2 = 27648; + 16.
  EXPECT_EQ(f.shared_bytes, 17408 + 52224 + 27648 + 16);
  // ptxas's registers replace the estimate: 128*32 = 4096 per warp, 16
  // warps = 4 blocks of 4 warps; shared memory allows 233472 / 98320 = 2.
  EXPECT_EQ(f.registers_per_thread, 128);
  EXPECT_EQ(f.blocks_per_sm, 2);
  EXPECT_EQ(f.ptxas_registers, 128);
  EXPECT_EQ(f.ptxas_spill_store_bytes, 0);
  EXPECT_EQ(f.ptxas_spill_load_bytes, 8);
  EXPECT_TRUE(std::isnan(f.ptxas_stack_bytes));
  EXPECT_EQ(f.kernel_shared_bytes, 48000);
}

TEST(FeaturesTest, SsdAndMonarchOpLevel) {
  // SSD: chunk 64 (the default): chunks of 64 and 36 tokens, 64*65/2 +
  // 36*37/2 = 2746 intra pairs.
  SsdShape ssd = forwardSsd();
  auto f = computeOpFeatures(OpShape::ssd(ssd));
  ASSERT_TRUE(static_cast<bool>(f)) << llvm::toString(f.takeError());
  EXPECT_EQ(f->op_kind, 1);
  EXPECT_EQ(f->gqa_ratio, 8);
  EXPECT_EQ(f->state_dim, 128);
  EXPECT_EQ(f->param_chunk_size, 64);
  EXPECT_EQ(f->num_chunks, 2);
  EXPECT_EQ(f->mask_kind, 1);
  EXPECT_DOUBLE_EQ(f->mask_density, 101.0 / 200);
  // Per head: 2746 * 2 (128 + 64) + (2 * 100 + 2) * 2 * 128 * 64.
  double perHead = 2746.0 * 384 + 202.0 * 2 * 128 * 64;
  EXPECT_EQ(f->useful_flops, perHead * 16);
  // x and y 200*8*64*2 each, B and C 200*2*128*2, dt 200*8*4.
  EXPECT_EQ(f->compulsory_bytes, 2 * 204800.0 + 102400 + 6400);

  // The chunk size comes from a schedule when given.
  const mix::ScheduleTemplateDecl *chunked =
      mix::lookupScheduleTemplate("ssd.chunked");
  ASSERT_TRUE(chunked);
  llvm::SmallVector<int64_t, 8> params;
  for (const mix::ScheduleParamDecl &param : chunked->params)
    params.push_back(param.name == "chunk_size" ? 32 : param.defaultValue);
  auto scheduled = computeFeatures(OpShape::ssd(ssd), *chunked, params);
  ASSERT_TRUE(static_cast<bool>(scheduled));
  EXPECT_EQ(scheduled->param_chunk_size, 32);
  EXPECT_EQ(scheduled->num_chunks, 4);

  // Monarch: 16 rows of n = 64, both factors 8 blocks of 8 x 8.
  MonarchShape monarch;
  monarch.rows = 16;
  monarch.size = 64;
  monarch.firstBlocks = monarch.firstIn = monarch.firstOut = 8;
  monarch.secondBlocks = monarch.secondIn = monarch.secondOut = 8;
  auto m = computeOpFeatures(OpShape::monarch(monarch));
  ASSERT_TRUE(static_cast<bool>(m));
  EXPECT_EQ(m->op_kind, 2);
  EXPECT_EQ(m->value_dim, 64);
  EXPECT_EQ(m->useful_flops, 2.0 * 16 * (512 + 512));
  EXPECT_EQ(m->compulsory_bytes, 16.0 * 64 * 2 * 2 + 1024 * 2);
  EXPECT_TRUE(std::isnan(m->mask_density));
}

TEST(FeaturesTest, SsdChunkedScheduleByHand) {
  // chunk 64, block_p 32, 4 warps, 2 stages.
  SsdShape ssd = forwardSsd();
  const mix::ScheduleTemplateDecl &decl =
      *mix::lookupScheduleTemplate("ssd.chunked");
  llvm::SmallVector<int64_t, 8> params;
  for (const mix::ScheduleParamDecl &param : decl.params)
    params.push_back(param.name == "chunk_size" ? 64
                     : param.name == "block_p"  ? 32
                     : param.name == "warps"    ? 4
                     : param.name == "stages"   ? 2
                                                : param.defaultValue);
  auto features = computeFeatures(OpShape::ssd(ssd), decl, params);
  ASSERT_TRUE(static_cast<bool>(features))
      << llvm::toString(features.takeError());
  const Features &f = *features;
  EXPECT_EQ(f.template_index, 4);
  EXPECT_EQ(f.param_block_p, 32);
  EXPECT_EQ(f.block_threads, 128);
  // Grid: 64 / 32 column slices x 8 heads x 2 batches.
  EXPECT_EQ(f.grid_blocks, 32);
  // x 2*64*40*2 = 10240; B and C 2*64*136*2 = 34816 each; dt 2*128*4 =
  // 1024; scaled x 64*40*2 = 5120; state 128*40*2 = 10240; cum and dt_eff
  // 256 each; all 128-aligned; + 16.
  EXPECT_EQ(f.shared_bytes,
            10240 + 34816 + 34816 + 1024 + 5120 + 10240 + 256 + 256 + 16);
  EXPECT_TRUE(std::isnan(f.registers_per_thread));
  // Strips per block: 2 chunks x (1 + 2 + 3 + 4) = 20, 8 of them diagonal.
  EXPECT_EQ(f.tiles_visited, 20.0 * 32);
  EXPECT_DOUBLE_EQ(f.masked_tile_fraction, 8.0 / 20);
  // Per block: 20 strips x 2*16*16*(128 + 32) + 2 chunks x 2 x 2*64*128*32.
  EXPECT_EQ(f.executed_flops, 32.0 * (20 * 512 * 160 + 2 * 2 * 524288));
  // Per block: 100 tokens x (32*2 + 2*128*2 + 4 + 32*2).
  EXPECT_EQ(f.tiled_bytes, 32.0 * 100 * (64 + 512 + 4 + 64));
  EXPECT_DOUBLE_EQ(f.arithmetic_intensity, f.executed_flops / f.tiled_bytes);
}

TEST(FeaturesTest, SsdChunkedSegmentsFillTheGpu) {
  // B = 1, L = 1024, H = 8, default schedule (chunk 64, block_p 64, 4 warps,
  // 2 stages): 8 work items, one 117248-byte block per SM, 16 chunks, so the
  // builder cuts 8 segments (at most one per two chunks).
  SsdShape ssd = forwardSsd();
  ssd.batch = 1;
  ssd.length = 1024;
  const mix::ScheduleTemplateDecl &decl =
      *mix::lookupScheduleTemplate("ssd.chunked");
  llvm::SmallVector<int64_t, 8> params;
  for (const mix::ScheduleParamDecl &param : decl.params)
    params.push_back(param.defaultValue);
  auto features = computeFeatures(OpShape::ssd(ssd), decl, params);
  ASSERT_TRUE(static_cast<bool>(features))
      << llvm::toString(features.takeError());
  EXPECT_EQ(features->grid_blocks, 8 * 8);
  // The ticket slot: 117248 aligned + 16, + the 16 static bytes.
  EXPECT_EQ(features->shared_bytes, 117248 + 16 + 16);
  EXPECT_EQ(features->blocks_per_sm, 1);
  // The same op at batch 4 has 32 items: 4 segments.
  ssd.batch = 4;
  features = computeFeatures(OpShape::ssd(ssd), decl, params);
  ASSERT_TRUE(static_cast<bool>(features));
  EXPECT_EQ(features->grid_blocks, 32 * 4);
  // At batch 32, 256 items: none.
  ssd.batch = 32;
  features = computeFeatures(OpShape::ssd(ssd), decl, params);
  ASSERT_TRUE(static_cast<bool>(features));
  EXPECT_EQ(features->grid_blocks, 256);
  EXPECT_EQ(features->shared_bytes, 117248 + 16);
}

TEST(FeaturesTest, MonarchFusedScheduleByHand) {
  // x [4, 100, 1024] bf16, both factors 32 blocks of 32 x 32; 32 tokens per
  // block, 8 warps, 2 stages, clusters of 2, 4 tiles per cluster.
  MonarchShape op;
  op.rows = 400;
  op.tokens = 100;
  op.size = 1024;
  op.firstBlocks = op.firstOut = op.firstIn = 32;
  op.secondBlocks = op.secondOut = op.secondIn = 32;
  const mix::ScheduleTemplateDecl &decl =
      *mix::lookupScheduleTemplate("monarch.fused");
  llvm::SmallVector<int64_t, 8> params;
  for (const mix::ScheduleParamDecl &param : decl.params)
    params.push_back(param.name == "block_tokens" ? 32
                     : param.name == "warps"      ? 8
                     : param.name == "stages"     ? 2
                     : param.name == "cluster"    ? 2
                     : param.name == "tiles"      ? 4
                                                  : param.defaultValue);
  auto features = computeFeatures(OpShape::monarch(op), decl, params);
  ASSERT_TRUE(static_cast<bool>(features))
      << llvm::toString(features.takeError());
  const Features &f = *features;
  EXPECT_EQ(f.param_cluster, 2);
  EXPECT_EQ(f.block_threads, 256);
  // Grid: 2 x ceil(100 / (32 x 4)) x 4 leading rows.
  EXPECT_EQ(f.grid_blocks, 8);
  // What the builder itself planned for this op (its manifest's
  // shared_bytes, from `mixc`), + 16 static bytes.
  EXPECT_EQ(f.shared_bytes, 124296 + 16);
  // Token tiles: ceil(100 / 32) = 4 per leading row, 16 in all, each
  // multiplying 32 + 32 factor blocks.
  EXPECT_EQ(f.tiles_visited, 16.0 * 64);
  // 2 x 16 tiles x 32 tokens x (32^3 + 32^3) against 2 x 400 x 65536.
  EXPECT_EQ(f.executed_flops, 2.0 * 16 * 32 * 65536);
  EXPECT_EQ(f.useful_flops, 2.0 * 400 * 65536);
  // x and y once (400 x 1024 x 2 each), the factors once per token tile.
  EXPECT_EQ(f.tiled_bytes, 2 * 819200.0 + 16 * 65536 * 2);

  // Resident factors: read once per cluster (grid 8 blocks = 4 clusters),
  // not once per token tile.
  size_t resident = decl.findParam("resident_factors") - decl.params.data();
  params[resident] = 1;
  auto residentFeatures = computeFeatures(OpShape::monarch(op), decl, params);
  ASSERT_TRUE(static_cast<bool>(residentFeatures))
      << llvm::toString(residentFeatures.takeError());
  EXPECT_EQ(residentFeatures->param_resident_factors, 1);
  EXPECT_EQ(residentFeatures->tiled_bytes, 2 * 819200.0 + 4 * 65536 * 2);
  EXPECT_GT(residentFeatures->shared_bytes, f.shared_bytes);

  // The second factor alone resident: it once per cluster, the first once
  // per token tile (32^3 elements each).
  params[resident] = 2;
  auto secondFeatures = computeFeatures(OpShape::monarch(op), decl, params);
  ASSERT_TRUE(static_cast<bool>(secondFeatures))
      << llvm::toString(secondFeatures.takeError());
  EXPECT_EQ(secondFeatures->param_resident_factors, 2);
  EXPECT_EQ(secondFeatures->tiled_bytes, 2 * 819200.0 + (16 + 4) * 32768 * 2);

  // Two blocks per SM: the plan's ring gets half an SM's shared memory
  // (no more than one block's), and two blocks fit where one did.
  EXPECT_EQ(f.param_blocks_per_sm, 1);
  params[decl.findParam("blocks_per_sm") - decl.params.data()] = 2;
  auto paired = computeFeatures(OpShape::monarch(op), decl, params);
  ASSERT_TRUE(static_cast<bool>(paired)) << llvm::toString(paired.takeError());
  EXPECT_EQ(paired->param_blocks_per_sm, 2);
  EXPECT_LE(paired->shared_bytes, secondFeatures->shared_bytes);
  EXPECT_GE(paired->blocks_per_sm, 2);

  // TMA boxes (with the second factor resident): the feature attention's
  // tma fills, and the plan without padded rows.
  EXPECT_EQ(f.param_tma, 0);
  params[decl.findParam("blocks_per_sm") - decl.params.data()] = 1;
  params[decl.findParam("tma") - decl.params.data()] = 1;
  auto boxed = computeFeatures(OpShape::monarch(op), decl, params);
  ASSERT_TRUE(static_cast<bool>(boxed)) << llvm::toString(boxed.takeError());
  EXPECT_EQ(boxed->param_tma, 1);
  EXPECT_NE(boxed->shared_bytes, secondFeatures->shared_bytes);
  // Streamed factors are not boxed: an error, as the builder's.
  params[resident] = 0;
  auto refused = computeFeatures(OpShape::monarch(op), decl, params);
  ASSERT_FALSE(static_cast<bool>(refused));
  llvm::consumeError(refused.takeError());
}

TEST(FeaturesTest, Errors) {
  auto wrongArity =
      computeFeatures(OpShape::attention(causalGqa()), mmaSync(), {128, 64});
  ASSERT_FALSE(static_cast<bool>(wrongArity));
  EXPECT_EQ(llvm::toString(wrongArity.takeError()),
            "kernel template 'attention.mma_sync' has 4 parameters, got 2 "
            "values");
  auto wrongOp =
      computeFeatures(OpShape::ssd(SsdShape()), mmaSync(), {128, 64, 8, 2});
  ASSERT_FALSE(static_cast<bool>(wrongOp));
  llvm::consumeError(wrongOp.takeError());
}

TEST(FeaturesTest, ManifestPtxasNumbers) {
  const char *manifest = R"({"schema_version": 1, "kernel": "attention_0",
    "shared_bytes": 55296,
    "ptxas": {"registers": 168, "spill_store_bytes": 0,
              "spill_load_bytes": 0, "stack_frame_bytes": 16}})";
  auto stats = parseCompiledStats(manifest, "k.json");
  ASSERT_TRUE(static_cast<bool>(stats)) << llvm::toString(stats.takeError());
  EXPECT_EQ(stats->registers, std::optional<int64_t>(168));
  EXPECT_EQ(stats->spillStoreBytes, std::optional<int64_t>(0));
  EXPECT_EQ(stats->stackFrameBytes, std::optional<int64_t>(16));
  EXPECT_EQ(stats->sharedBytes, std::optional<int64_t>(55296));

  // Without ptxas (PTX only): nothing known but the shared bytes.
  auto ptxOnly = parseCompiledStats(R"({"shared_bytes": 1024})", "p.json");
  ASSERT_TRUE(static_cast<bool>(ptxOnly));
  EXPECT_FALSE(ptxOnly->registers.has_value());

  auto bad =
      parseCompiledStats(R"({"ptxas": {"registers": "many"}})", "bad.json");
  ASSERT_FALSE(static_cast<bool>(bad));
  EXPECT_EQ(llvm::toString(bad.takeError()),
            "bad.json:1:25: 'registers' must be an integer");
  auto broken = parseCompiledStats("{", "broken.json");
  ASSERT_FALSE(static_cast<bool>(broken));
  EXPECT_NE(llvm::toString(broken.takeError()).find("broken.json:1:"),
            std::string::npos);
}

TEST(FeaturesTest, RecordIsJsonWithTheSchema) {
  auto features = computeFeatures(OpShape::attention(causalGqa()), mmaSync(),
                                  {128, 64, 8, 2});
  ASSERT_TRUE(static_cast<bool>(features));
  std::string record = featureRecord(OpShape::attention(causalGqa()),
                                     &mmaSync(), {128, 64, 8, 2}, *features);
  runtime::json::Value root;
  std::string error;
  ASSERT_TRUE(runtime::json::parse(record, "record", root, error)) << error;
  EXPECT_EQ(root.get("schema_version")->string, "mixc-features-4");
  EXPECT_EQ(root.get("op")->string, "mix.attention");
  EXPECT_EQ(root.get("template")->string, "attention.mma_sync");
  EXPECT_EQ(root.get("params")->get("block_n")->integer, 64);
  const runtime::json::Value *names = root.get("feature_names");
  const runtime::json::Value *values = root.get("features");
  ASSERT_EQ(names->array.size(), kFeatureCount);
  ASSERT_EQ(values->array.size(), kFeatureCount);
  EXPECT_EQ(names->array[1].string, "batch");
  EXPECT_EQ(values->array[1].asDouble(), 2);
  // state_dim is not an attention feature: null.
  EXPECT_EQ(values->array[9].kind, runtime::json::Value::Kind::Null);
  EXPECT_EQ(record.find('\n'), std::string::npos);
}

TEST(FeaturesTest, ScalingIsSignedLog) {
  EXPECT_EQ(slog(0), 0);
  EXPECT_EQ(slog(1), 1);
  EXPECT_EQ(slog(-3), -2);
  EXPECT_TRUE(std::isnan(slog(std::nan(""))));
  Features f;
  f.batch = 3;     // Log
  f.gqa_ratio = 3; // Raw
  std::vector<double> scaled = f.scaledValues();
  EXPECT_EQ(scaled[1], 2);
  EXPECT_EQ(scaled[4], 3);
}

} // namespace
