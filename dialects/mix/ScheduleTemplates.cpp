//===- ScheduleTemplates.cpp - The kernel-template table ------------------===//
//
// Declares every kernel template and its parameters (see ScheduleTemplates.h).
// The values are the ones the kernel builders support; a value added here must
// be handled by the template's builder, and the tuner will try it.
//
//===----------------------------------------------------------------------===//

#include "mixc/Dialect/Mix/ScheduleTemplates.h"

#include "llvm/ADT/STLExtras.h"

#include <algorithm>

using namespace mixc::mix;

bool ScheduleParamDecl::isLegal(int64_t value) const {
  return std::binary_search(choices.begin(), choices.end(), value);
}

std::string ScheduleParamDecl::choicesString() const {
  std::string text;
  for (int64_t choice : choices) {
    if (!text.empty())
      text += ", ";
    text += std::to_string(choice);
  }
  return text;
}

const ScheduleParamDecl *
ScheduleTemplateDecl::findParam(llvm::StringRef paramName) const {
  for (const ScheduleParamDecl &param : params)
    if (param.name == paramName)
      return &param;
  return nullptr;
}

bool ScheduleTemplateDecl::runsOn(llvm::StringRef chip,
                                  llvm::ArrayRef<int64_t> values) const {
  if (!runsOn(chip))
    return false;
  int64_t version = chipVersion(chip);
  for (auto [param, value] : llvm::zip(params, values))
    if (!param.runsOn(value, version))
      return false;
  return true;
}

std::vector<int64_t> mixc::mix::defaultValues(const ScheduleTemplateDecl &decl,
                                              llvm::StringRef chip) {
  int64_t version = chipVersion(chip);
  std::vector<int64_t> values;
  for (const ScheduleParamDecl &param : decl.params)
    values.push_back(param.runsOn(param.defaultValue, version)
                         ? param.defaultValue
                         : param.portableMax);
  return values;
}

int64_t mixc::mix::chipVersion(llvm::StringRef chip) {
  int64_t version = 0;
  if (!chip.consume_front("sm_"))
    return 0;
  chip.consume_back("a");
  return chip.getAsInteger(10, version) ? 0 : version;
}

static std::vector<ScheduleTemplateDecl> buildTemplates() {
  // Parameters several templates share.
  ScheduleParamDecl warps{"warps", "warps per thread block", {4, 8}, 4};
  auto stages = [](std::vector<int64_t> values, int64_t defaultValue) {
    return ScheduleParamDecl{
        "stages",
        "depth of the asynchronous-copy pipeline that streams tiles through "
        "shared memory",
        std::move(values), defaultValue};
  };

  return {
      {"attention.mma_sync",
       "mix.attention",
       "FlashAttention-2: online softmax in registers, Q tile resident, K/V "
       "tiles streamed with cp.async, mma.sync m16n8k16 for QK^T and PV",
       {{"block_m", "query rows per thread block", {64, 128}, 128},
        {"block_n", "key rows per main-loop step", {32, 64, 128}, 64},
        // 16 query rows per warp by default: 32 double the registers.
        {"warps", "warps per thread block", {4, 8}, 8},
        stages({1, 2, 3, 4}, 2)}},
      {"attention.wgmma",
       "mix.attention",
       "Hopper FlashAttention: one warpgroup per 64 query rows, Q and K/V "
       "tiles in 128-byte-swizzled shared memory (K/V by TMA), "
       "wgmma.mma_async for QK^T (both operands shared) and PV (P from "
       "registers)",
       {{"block_m", "query rows per thread block", {64, 128, 192}, 128},
        {"block_n",
         "key rows per main-loop step",
         {64, 96, 128, 176, 192},
         128},
        {"consumer_warpgroups",
         "warpgroups that run the MMAs and softmax",
         {1, 2, 3},
         2},
        stages({2, 3, 4}, 2),
        {"tma",
         "1: K/V tiles by cp.async.bulk.tensor, one [block_n x 64] box per "
         "panel from thread 0, counted on an mbarrier per ring slot (tensor "
         "maps from the runtime); 0: cp.async from every thread",
         {0, 1},
         1},
        // Reserved for the warp-specialized form; the builder lowers 0 only.
        {"warp_specialize",
         "1: a producer warpgroup issues the loads while consumers compute",
         {0},
         0}},
       /*requiredChip=*/"sm_90a"},
      {"linear_attention.chunked",
       "mix.linear_attention",
       "chunked linear attention: quadratic within a chunk on tensor cores, "
       "state passed between chunks",
       {{"chunk_size", "tokens per chunk", {16, 32, 64, 128}, 64},
        warps,
        stages({1, 2, 3}, 2)}},
      {"selective_scan.chunked",
       "mix.selective_scan",
       "Mamba-1 scan: each thread block scans one channel group over the "
       "sequence in chunks, state carried in registers",
       {{"threads", "threads per block", {32, 64, 128, 256}, 128},
        {"items_per_thread",
         "tokens each thread holds per chunk",
         {4, 8, 16},
         16},
        {"channels_per_block", "channels one block scans", {1, 2, 4}, 1}}},
      {"ssd.chunked",
       "mix.ssd",
       "Mamba-2 SSD: intra-chunk quadratic part on tensor cores, inter-chunk "
       "state passing, in one launch",
       {{"chunk_size", "tokens per chunk", {32, 64, 128, 256}, 64},
        {"block_p",
         "head-dimension columns per thread block (more blocks when the "
         "batch and head count are small: the chunks of a block run in "
         "sequence)",
         {16, 32, 64, 128},
         64},
        warps,
        stages({1, 2, 3}, 2)}},
      {"monarch.fused",
       "mix.monarch",
       "both block-diagonal products in one kernel, the permutation through "
       "shared memory",
       {{"block_tokens",
         "tokens (rows of x) per thread block",
         {16, 32, 64, 128, 256},
         32},
        {"warps", "warps per thread block", {4, 8}, 8},
        stages({1, 2, 3, 4}, 2),
        {"cluster",
         "thread blocks of a cluster that take the same tokens, split the "
         "blocks of both factors and exchange u through distributed shared "
         "memory (1: no cluster; more needs sm_90)",
         {1, 2, 4, 8},
         2,
         /*portableMax=*/1,
         /*minChipAbove=*/90},
        {"tiles",
         "token tiles each thread block (or cluster) loops over, its copy "
         "pipeline running on from one tile into the next",
         {1, 2, 4, 8, 16, 32, 64},
         4},
        {"resident_factors",
         "factor blocks each thread block loads into shared memory once and "
         "keeps over its tiles (pair with several tiles): 1 both factors' "
         "(only x streams), 2 the second factor's; with either, stage 2 "
         "stores y straight from registers. 0: both stream with x, every "
         "tile",
         {0, 1, 2},
         0},
        {"blocks_per_sm",
         "thread blocks that share an SM: with 2, each plans with half the "
         "SM's shared memory (113 KiB) and ptxas caps registers so that two "
         "fit (.minnctapersm), two pipelines hiding each other's waits",
         {1, 2},
         1},
        {"tma",
         "1: stage 1's x columns (and a streamed first factor) arrive as "
         "128-byte-swizzled boxes by cp.async.bulk.tensor from thread 0, "
         "counted on an mbarrier per ring slot (tensor maps from the "
         "runtime; sm_90, needs resident_factors 1 or 2); 0: cp.async from "
         "every thread",
         {0, 1},
         0,
         /*portableMax=*/0,
         /*minChipAbove=*/90}}},
      {"permute.gather",
       "mix.permute",
       "gather of whole rows along the permuted axis with vector loads",
       {{"rows_per_block",
         "permuted rows per thread block",
         {1, 2, 4, 8, 16},
         4},
        {"vector_bytes", "bytes per load and store", {4, 8, 16}, 16}}},
  };
}

llvm::ArrayRef<ScheduleTemplateDecl> mixc::mix::getScheduleTemplates() {
  static const std::vector<ScheduleTemplateDecl> templates = buildTemplates();
  return templates;
}

const ScheduleTemplateDecl *
mixc::mix::lookupScheduleTemplate(llvm::StringRef name) {
  for (const ScheduleTemplateDecl &decl : getScheduleTemplates())
    if (decl.name == name)
      return &decl;
  return nullptr;
}

std::vector<const ScheduleTemplateDecl *>
mixc::mix::getScheduleTemplatesForOp(llvm::StringRef opName) {
  std::vector<const ScheduleTemplateDecl *> result;
  for (const ScheduleTemplateDecl &decl : getScheduleTemplates())
    if (decl.opName == opName)
      result.push_back(&decl);
  return result;
}

std::string mixc::mix::templateNamesForOp(llvm::StringRef opName) {
  std::string text;
  for (const ScheduleTemplateDecl *decl : getScheduleTemplatesForOp(opName)) {
    if (!text.empty())
      text += ", ";
    text += decl->name.str();
  }
  return text.empty() ? std::string("none") : text;
}
