//===- Features.cpp - Features of an (op, schedule) pair ------------------===//
//
// Computes the feature schema of Features.h: op-level features from the
// op's shape, schedule-level ones from the template's launch geometry and
// shared-memory plan and the iteration-domain counts, and the ptxas numbers
// from a launch manifest.
//
//===----------------------------------------------------------------------===//

#include "mixc/CostModel/Features.h"

#include "mixc/CostModel/IterationDomain.h"
#include "mixc/CostModel/ScheduleSpace.h"
#include "mixc/Dialect/Mix/ScheduleTemplates.h"
#include "mixc/Passes/KernelLayouts.h"
#include "mixc/Runtime/Manifest.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/Twine.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/raw_ostream.h"

#include <cmath>

using namespace mixc;
using namespace mixc::costmodel;

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// Per-SM limits of the H100 SXM (sm_90) for the occupancy estimate.
constexpr int64_t kMultiprocessors = 132;
constexpr int64_t kThreadsPerSM = 2048;
constexpr int64_t kWarpsPerSM = kThreadsPerSM / 32;
constexpr int64_t kBlocksPerSM = 32;
constexpr int64_t kRegistersPerSM = 65536;
/// Registers are allocated per warp in units of 256.
constexpr int64_t kRegisterUnit = 256;
constexpr int64_t kSharedBytesPerSM = 228 * 1024;
/// What the driver keeps of each block's shared memory on sm_80 and later
/// (cudaDevAttrReservedSharedMemoryPerBlock).
constexpr int64_t kReservedSharedPerBlock = 1024;

llvm::Error featureError(const llvm::Twine &message) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), message);
}

/// A size as a double: NaN when dynamic.
double known(int64_t size) { return size == kDynamic ? kNaN : double(size); }

double ceilDiv(double a, double b) { return std::ceil(a / b); }

/// The field of feature `name`, or null.
double *featureField(Features &features, llvm::StringRef name) {
#define MIXC_FEATURE_LOOKUP(field, scale, description)                         \
  if (name == #field)                                                          \
    return &features.field;
  MIXC_FEATURES(MIXC_FEATURE_LOOKUP)
#undef MIXC_FEATURE_LOOKUP
  return nullptr;
}

/// The value of parameter `name` among `params` (in `decl`'s order).
std::optional<int64_t> paramValue(const mix::ScheduleTemplateDecl &decl,
                                  llvm::ArrayRef<int64_t> params,
                                  llvm::StringRef name) {
  for (auto [param, value] : llvm::zip(decl.params, params))
    if (param.name == name)
      return value;
  return std::nullopt;
}

//===----------------------------------------------------------------------===//
// Op level
//===----------------------------------------------------------------------===//

llvm::Error fillAttention(Features &f, const AttentionShape &op) {
  f.op_kind = 0;
  f.batch = known(op.batch);
  f.heads = known(op.queryHeads);
  f.kv_heads = known(op.keyHeads);
  f.gqa_ratio = f.heads / f.kv_heads;
  f.query_length = known(op.queryLength);
  f.key_length = known(op.keyLength);
  f.head_dim = known(op.headDim);
  f.value_dim = known(op.valueDim);
  f.element_bytes = op.elementBytes;
  f.output_bytes = op.outputElementBytes;
  bool window = op.windowLeft || op.windowRight;
  f.mask_kind = (op.causal ? 1 : 0) + (window ? 2 : 0);
  if (op.windowLeft)
    f.window_left = *op.windowLeft;
  if (op.windowRight)
    f.window_right = *op.windowRight;
  f.sink_tokens = op.sinkTokens;
  f.has_bias = op.hasBias;
  f.has_block_mask = op.hasBlockMask;
  if (op.maskBlockSizes)
    f.mask_blocks = ceilDiv(f.query_length, op.maskBlockSizes->first) *
                    ceilDiv(f.key_length, op.maskBlockSizes->second);
  f.has_lse = op.hasLse;

  double heads = f.batch * f.heads;
  if (op.queryLength != kDynamic && op.keyLength != kDynamic) {
    auto kept = countKeptPairs(op);
    if (!kept)
      return kept.takeError();
    f.mask_density = double(*kept) / (f.query_length * f.key_length);
    f.useful_flops = double(*kept) * heads * 2 * (f.head_dim + f.value_dim);
  }
  double queryBytes = heads * f.query_length * f.head_dim * op.elementBytes;
  double keyValueBytes =
      f.batch * f.kv_heads * f.key_length *
      (f.head_dim * op.elementBytes + f.value_dim * op.valueElementBytes);
  double outputBytes =
      heads * f.query_length *
      (f.value_dim * op.outputElementBytes + (op.hasLse ? 4 : 0));
  f.compulsory_bytes = queryBytes + keyValueBytes + outputBytes;
  return llvm::Error::success();
}

/// The chunked SSD's matrix FLOPs per (batch, head) at `chunkSize`: the
/// quadratic part within chunks (C B^T scores over the chunk domain, 2N per
/// pair, then times x, 2P per pair), each token's B x^T into its chunk's
/// state and C times the state into its output (2NP each), and the state
/// passed between chunks (2NP per chunk); twice the state work when
/// bidirectional.
llvm::Expected<double> ssdFlopsPerHead(const SsdShape &op, int64_t chunkSize) {
  auto pairs = countIntegerPoints(ssdIntraChunkDomain(op, chunkSize));
  if (!pairs)
    return pairs.takeError();
  double n = op.stateDim, p = op.headDim, length = op.length;
  double chunks = ceilDiv(length, chunkSize);
  double stateWork = (2 * length + chunks) * 2 * n * p;
  return double(*pairs) * 2 * (n + p) + (op.bidirectional ? 2 : 1) * stateWork;
}

llvm::Error fillSsd(Features &f, const SsdShape &op, int64_t chunkSize) {
  f.op_kind = 1;
  f.batch = known(op.batch);
  f.heads = known(op.heads);
  f.kv_heads = known(op.groups);
  f.gqa_ratio = f.heads / f.kv_heads;
  f.query_length = f.key_length = known(op.length);
  f.head_dim = known(op.headDim);
  f.state_dim = known(op.stateDim);
  f.element_bytes = op.elementBytes;
  f.output_bytes = op.outputElementBytes;
  f.mask_kind = op.bidirectional ? 0 : 1;
  f.param_chunk_size = chunkSize;
  f.num_chunks = ceilDiv(f.query_length, chunkSize);
  f.mask_density =
      op.bidirectional ? 1.0 : (f.query_length + 1) / (2 * f.query_length);
  if (op.length != kDynamic && op.stateDim != kDynamic &&
      op.headDim != kDynamic) {
    auto flops = ssdFlopsPerHead(op, chunkSize);
    if (!flops)
      return flops.takeError();
    f.useful_flops = *flops * f.batch * f.heads;
  }
  double tokens = f.batch * f.query_length;
  f.compulsory_bytes =
      tokens * f.heads * f.head_dim *
          (op.elementBytes + op.outputElementBytes) +
      tokens * 2 * f.kv_heads * f.state_dim * op.stateElementBytes +
      tokens * f.heads * op.dtElementBytes;
  return llvm::Error::success();
}

void fillMonarch(Features &f, const MonarchShape &op) {
  f.op_kind = 2;
  f.batch = known(op.rows);
  f.head_dim = known(op.size);
  f.value_dim = double(op.secondBlocks) * op.secondOut;
  f.first_blocks = op.firstBlocks;
  f.first_block_in = op.firstIn;
  f.first_block_out = op.firstOut;
  f.second_blocks = op.secondBlocks;
  f.second_block_in = op.secondIn;
  f.second_block_out = op.secondOut;
  f.element_bytes = op.elementBytes;
  f.output_bytes = op.outputElementBytes;
  double factorElements = double(op.firstBlocks) * op.firstOut * op.firstIn +
                          double(op.secondBlocks) * op.secondOut * op.secondIn;
  f.useful_flops = 2 * f.batch * factorElements;
  f.compulsory_bytes = f.batch * f.head_dim * op.elementBytes +
                       factorElements * op.factorElementBytes +
                       f.batch * f.value_dim * op.outputElementBytes;
}

/// The SSD's chunk size: the op's own ssd.chunked schedule's, else the
/// template default.
int64_t defaultChunkSize(const OpShape &shape) {
  const mix::ScheduleTemplateDecl *decl =
      mix::lookupScheduleTemplate("ssd.chunked");
  if (!decl)
    return 64;
  if (shape.scheduleTemplate && *shape.scheduleTemplate == decl->name)
    if (std::optional<int64_t> chunk =
            paramValue(*decl, shape.scheduleValues, "chunk_size"))
      return *chunk;
  const mix::ScheduleParamDecl *param = decl->findParam("chunk_size");
  return param ? param->defaultValue : 64;
}

//===----------------------------------------------------------------------===//
// Schedule level
//===----------------------------------------------------------------------===//

int64_t alignUp(int64_t bytes) { return (bytes + 127) / 128 * 128; }

/// Resident blocks per SM for blocks of `threads` threads, `registers` per
/// thread and `sharedBytes` of shared memory.
int64_t blocksPerSM(int64_t threads, int64_t registers, int64_t sharedBytes) {
  int64_t warps = (threads + 31) / 32;
  int64_t byThreads = kWarpsPerSM / warps;
  int64_t registersPerWarp =
      (registers * 32 + kRegisterUnit - 1) / kRegisterUnit * kRegisterUnit;
  int64_t byRegisters = registersPerWarp > 0
                            ? kRegistersPerSM / registersPerWarp / warps
                            : kBlocksPerSM;
  int64_t byShared =
      kSharedBytesPerSM / (sharedBytes + kReservedSharedPerBlock);
  return std::min({byThreads, byRegisters, byShared, kBlocksPerSM});
}

/// Occupancy and waves of `f.grid_blocks` blocks of `threads` threads with
/// `sharedBytes` of shared memory and `registers` per thread (0: unknown, no
/// register limit).
void fillOccupancy(Features &f, int64_t threads, int64_t registers,
                   int64_t sharedBytes) {
  f.block_threads = threads;
  f.shared_bytes = sharedBytes;
  if (registers > 0)
    f.registers_per_thread = registers;
  int64_t resident = blocksPerSM(threads, registers, sharedBytes);
  f.blocks_per_sm = resident;
  f.occupancy = double(resident * ((threads + 31) / 32)) / kWarpsPerSM;
  if (resident > 0) {
    f.waves = f.grid_blocks / double(kMultiprocessors * resident);
    f.wave_efficiency = f.waves / std::ceil(f.waves);
  }
}

/// Shared bytes and registers of attention.mma_sync.
std::pair<int64_t, int64_t>
attentionMmaSyncResources(const AttentionShape &op, int64_t blockM,
                          int64_t blockN, int64_t warps, int64_t stages) {
  // Shared memory: [Q | K stages | V stages], rows padded by 8 elements,
  // 128-byte aligned, plus the 16-byte static symbol.
  int64_t rowPad = 8, bytes = op.elementBytes;
  int64_t shared = blockM * (op.headDim + rowPad) * bytes;
  shared = alignUp(shared) + stages * blockN * (op.headDim + rowPad) * bytes;
  shared = alignUp(shared) + stages * blockN * (op.valueDim + rowPad) * bytes;

  // Registers: per thread, the f32 O and S accumulators (4 per m16n8 tile),
  // the Q A-fragments (4 per m16k16 tile) and m and l of each row tile, one
  // k-step's B fragments of K and V, and about 24 for addresses and indices
  // (within 12 registers on average of ptxas's count for 21 schedules of
  // d, dv in {64, 128}); ptxas's count when known.
  int64_t rowTiles = std::max<int64_t>(1, blockM / (16 * warps));
  int64_t estimate = rowTiles * (4 * op.valueDim / 8 + 4 * blockN / 8 +
                                 4 * op.headDim / 16 + 4) +
                     blockN / 4 + op.valueDim / 4 + 24;
  int64_t registers = std::min<int64_t>(255, estimate);
  // The builder asks for two blocks per SM (nvvm.minctasm) when their shared
  // memory fits and the fragments they keep live stay under 80 registers;
  // ptxas then holds each thread to half the register file per block.
  int64_t liveFragments =
      rowTiles * (op.headDim / 16 * 4 + op.valueDim / 8 * 4 + blockN / 2);
  if (liveFragments <= 80 &&
      2 * (shared + 16 + kReservedSharedPerBlock) <= kSharedBytesPerSM)
    registers = std::min(registers, kRegistersPerSM / (2 * 32 * warps) / 8 * 8);
  return {shared, registers};
}

/// Shared bytes and registers of attention.wgmma.
std::pair<int64_t, int64_t>
attentionWgmmaResources(const AttentionShape &op, int64_t blockM,
                        int64_t blockN, int64_t warps, int64_t stages) {
  // Shared memory: [Q | K stages | V stages], dense (swizzled) and 1024-byte
  // aligned from an origin up to 1023 bytes into the block.
  int64_t bytes = op.elementBytes;
  int64_t shared = blockM * op.headDim * bytes +
                   stages * blockN * (op.headDim + op.valueDim) * bytes + 1023;
  // Registers: per thread of a warpgroup (64 rows), the f32 S and O
  // accumulators (N / 2 each), P's A fragments (block_n / 4) and about 40
  // for addresses, descriptors and the softmax state; at most what the
  // register file gives each thread of the block.
  int64_t estimate = blockN / 2 + op.valueDim / 2 + blockN / 4 + 40;
  int64_t registers = std::min<int64_t>(
      std::min<int64_t>(255, kRegistersPerSM / (32 * warps) / 8 * 8), estimate);
  return {shared, registers};
}

/// Launch geometry, occupancy, domains, FLOPs and bytes of
/// attention.mma_sync and attention.wgmma, as Attention.cpp builds and
/// launches them.
llvm::Error fillAttention(Features &f, const AttentionShape &op,
                          const mix::ScheduleTemplateDecl &decl,
                          llvm::ArrayRef<int64_t> params,
                          const CompiledStats *compiled) {
  bool wgmma = decl.name == "attention.wgmma";
  int64_t blockM = *paramValue(decl, params, "block_m");
  int64_t blockN = *paramValue(decl, params, "block_n");
  int64_t warps = wgmma ? 4 * *paramValue(decl, params, "consumer_warpgroups")
                        : *paramValue(decl, params, "warps");
  int64_t stages = *paramValue(decl, params, "stages");
  // Grid: (ceil(Lq / block_m), B Hq).
  double heads = f.batch * f.heads;
  f.grid_blocks = ceilDiv(f.query_length, blockM) * heads;
  f.block_threads = 32 * warps;

  auto [shared, registers] =
      wgmma ? attentionWgmmaResources(op, blockM, blockN, warps, stages)
            : attentionMmaSyncResources(op, blockM, blockN, warps, stages);
  if (compiled && compiled->registers)
    registers = *compiled->registers;
  fillOccupancy(f, 32 * warps, registers, shared + 16);

  if (op.queryLength == kDynamic || op.keyLength == kDynamic)
    return llvm::Error::success();
  auto counts = countAttentionTiles(op, blockM, blockN);
  if (!counts)
    return counts.takeError();
  f.tiles_visited = double(counts->tilePairs) * heads;
  f.masked_tile_fraction = counts->tilePairs ? double(counts->maskedTilePairs) /
                                                   double(counts->tilePairs)
                                             : 0.0;
  f.executed_flops = f.tiles_visited * 2.0 * double(blockM) * double(blockN) *
                     (f.head_dim + f.value_dim);
  f.flop_efficiency = f.useful_flops / f.executed_flops;
  // Q rows below Lq once per block, K and V rows as the domain counts them
  // (per query head: GQA heads reload their key/value head), O and lse once.
  double queryBytes = heads * f.query_length * f.head_dim * op.elementBytes;
  double keyValueBytes =
      heads * double(counts->keyRowsLoaded) *
      (f.head_dim * op.elementBytes + f.value_dim * op.valueElementBytes);
  double outputBytes =
      heads * f.query_length *
      (f.value_dim * op.outputElementBytes + (op.hasLse ? 4 : 0));
  f.tiled_bytes = queryBytes + keyValueBytes + outputBytes;
  f.arithmetic_intensity = f.executed_flops / f.tiled_bytes;
  return llvm::Error::success();
}

/// Launch geometry, occupancy, strips, FLOPs and bytes of ssd.chunked, as
/// Ssd.cpp builds and launches it: one block per (batch, head, block_p
/// columns) walking every chunk in full (the last one zero-padded), or, with
/// `segments` (kernels::ssdSegments), one per (segment, batch, head, slice),
/// every segment but the last first walking its chunks for the state alone.
llvm::Error fillSsdChunked(Features &f, const SsdShape &op,
                           const mix::ScheduleTemplateDecl &decl,
                           llvm::ArrayRef<int64_t> params,
                           const CompiledStats *compiled) {
  int64_t chunk = *paramValue(decl, params, "chunk_size");
  int64_t warps = *paramValue(decl, params, "warps");
  int64_t stages = *paramValue(decl, params, "stages");
  if (op.headDim == kDynamic || op.stateDim == kDynamic)
    return llvm::Error::success();
  int64_t blockP = std::min(*paramValue(decl, params, "block_p"), op.headDim);
  int64_t threads = 32 * warps;
  // Work items: (P / block_p, H, B).
  double items = double(op.headDim / blockP) * f.heads * f.batch;

  // Shared memory: x, B, C, dt rings, scaled x, state, cum, dt_eff.
  int64_t xRow = (blockP + 8) * 2, bcRow = (op.stateDim + 8) * 2;
  int64_t shared = stages * chunk * xRow;
  shared = alignUp(shared) + stages * chunk * bcRow;
  shared = alignUp(shared) + stages * chunk * bcRow;
  shared = alignUp(shared) + stages * std::max(chunk, threads) * 4;
  shared = alignUp(shared) + chunk * xRow;
  shared = alignUp(shared) + op.stateDim * xRow;
  shared = alignUp(shared) + chunk * 4;
  shared = alignUp(shared) + chunk * 4;

  // Segments, as the builder picks them (static batch only); they add a
  // 16-byte ticket slot.
  int64_t segments = 1;
  if (op.batch != kDynamic)
    segments = kernels::ssdSegments(
        op.batch * op.heads * (op.headDim / blockP), shared, threads,
        op.length == kDynamic ? -1 : (op.length + chunk - 1) / chunk);
  if (segments > 1)
    shared = alignUp(shared) + 16;
  f.grid_blocks = items * segments;
  int64_t registers =
      compiled && compiled->registers ? *compiled->registers : 0;
  fillOccupancy(f, threads, registers, shared + 16);

  if (op.length == kDynamic)
    return llvm::Error::success();
  auto strips = countIntegerPoints(ssdStripDomain(op, chunk));
  if (!strips)
    return strips.takeError();
  double chunks = ceilDiv(f.query_length, chunk);
  double n = op.stateDim, p = blockP;
  // The share of the sequence that the state-only walk covers again.
  double stateWalk = double(segments - 1) / segments;
  f.tiles_visited = double(*strips) * items;
  f.masked_tile_fraction = chunks * double(chunk / 16) / double(*strips);
  // Per work item: 16x16 score strips (C B^T over N, then times x over
  // block_p) and per chunk C S_prev and the state update (chunk x N x
  // block_p each); the state walk repeats the state update.
  double stateUpdate = 2 * double(chunk) * n * p;
  f.executed_flops =
      items * (double(*strips) * 2 * 16 * 16 * (n + p) +
               chunks * 2 * stateUpdate + stateWalk * chunks * stateUpdate);
  f.flop_efficiency = f.useful_flops / f.executed_flops;
  // Per work item: x's block_p columns, B, C and dt of every token, y's
  // columns; the state walk reads x, B and dt again.
  f.tiled_bytes = items * f.query_length *
                  (p * op.elementBytes + 2 * n * op.stateElementBytes +
                   op.dtElementBytes + p * op.outputElementBytes +
                   stateWalk * (p * op.elementBytes + n * op.stateElementBytes +
                                op.dtElementBytes));
  f.arithmetic_intensity = f.executed_flops / f.tiled_bytes;
  return llvm::Error::success();
}

/// Launch geometry, occupancy, FLOPs and bytes of monarch.fused, as
/// Monarch.cpp builds and launches it: clusters of `cluster` blocks, each
/// cluster looping over up to `tiles` token tiles of block_tokens rows (the
/// last zero-padded), its blocks splitting the factor blocks (streamed per
/// tile, or loaded once per block when resident_factors keeps them).
llvm::Error fillMonarchFused(Features &f, const MonarchShape &op,
                             const mix::ScheduleTemplateDecl &decl,
                             llvm::ArrayRef<int64_t> params,
                             const CompiledStats *compiled) {
  int64_t tokens = *paramValue(decl, params, "block_tokens");
  int64_t warps = *paramValue(decl, params, "warps");
  int64_t cluster = *paramValue(decl, params, "cluster");
  int64_t tiles = *paramValue(decl, params, "tiles");
  int64_t resident = *paramValue(decl, params, "resident_factors");
  int64_t blocksPerSM = *paramValue(decl, params, "blocks_per_sm");
  int64_t tma = *paramValue(decl, params, "tma");
  std::optional<int64_t> shared = monarchFusedSharedBytes(
      op, tokens, warps, *paramValue(decl, params, "stages"), cluster, resident,
      blocksPerSM, tma);
  if (!shared)
    return featureError(
        "monarch.fused: cluster (" + llvm::Twine(cluster) +
        ") does not divide the factors' block counts, or tma = 1 without "
        "resident factors or with more than 256 tokens or rows a box");
  // Grid: (cluster x ceil(tokens / (block_tokens tiles)), the other leading
  // dims).
  double clusters = ceilDiv(known(op.tokens), double(tokens * tiles)) *
                    (known(op.rows) / known(op.tokens));
  f.grid_blocks = clusters * cluster;
  int64_t registers =
      compiled && compiled->registers ? *compiled->registers : 0;
  fillOccupancy(f, 32 * warps, registers, *shared + 16);

  // A cluster skips its tiles past the end: ceil(tokens / block_tokens)
  // token tiles per leading row in all.
  double tokenTiles = ceilDiv(known(op.tokens), double(tokens)) *
                      (known(op.rows) / known(op.tokens));
  double firstElements = double(op.firstBlocks) * op.firstOut * op.firstIn;
  double secondElements = double(op.secondBlocks) * op.secondOut * op.secondIn;
  double factorElements = firstElements + secondElements;
  f.tiles_visited = tokenTiles * double(op.firstBlocks + op.secondBlocks);
  f.executed_flops = 2 * tokenTiles * double(tokens) * factorElements;
  f.flop_efficiency = f.useful_flops / f.executed_flops;
  // x and y once; each factor once per token tile (from L2), or, resident
  // (the second with resident_factors 1 or 2, the first with 1), once per
  // cluster.
  double firstLoads = resident == 1 ? clusters : tokenTiles;
  double secondLoads = resident != 0 ? clusters : tokenTiles;
  f.tiled_bytes = f.batch * f.head_dim * op.elementBytes +
                  (firstLoads * firstElements + secondLoads * secondElements) *
                      op.factorElementBytes +
                  f.batch * f.value_dim * op.outputElementBytes;
  f.arithmetic_intensity = f.executed_flops / f.tiled_bytes;
  return llvm::Error::success();
}

} // namespace

//===----------------------------------------------------------------------===//
// Schema
//===----------------------------------------------------------------------===//

llvm::ArrayRef<FeatureInfo> mixc::costmodel::featureSchema() {
  static const FeatureInfo schema[] = {
#define MIXC_FEATURE_INFO(name, scale, description)                            \
  {#name, FeatureScale::scale, description},
      MIXC_FEATURES(MIXC_FEATURE_INFO)
#undef MIXC_FEATURE_INFO
  };
  return schema;
}

double mixc::costmodel::slog(double x) {
  if (std::isnan(x))
    return x;
  return std::copysign(std::log2(1.0 + std::fabs(x)), x);
}

std::vector<double> Features::values() const {
  return {
#define MIXC_FEATURE_VALUE(name, scale, description) name,
      MIXC_FEATURES(MIXC_FEATURE_VALUE)
#undef MIXC_FEATURE_VALUE
  };
}

std::vector<double> Features::scaledValues() const {
  std::vector<double> result = values();
  for (auto [value, info] : llvm::zip(result, featureSchema()))
    if (info.scale == FeatureScale::Log)
      value = slog(value);
  return result;
}

//===----------------------------------------------------------------------===//
// Manifests
//===----------------------------------------------------------------------===//

llvm::Expected<CompiledStats>
mixc::costmodel::parseCompiledStats(llvm::StringRef text,
                                    llvm::StringRef path) {
  namespace json = runtime::json;
  json::Value root;
  std::string error;
  if (!json::parse(text.str(), path.str(), root, error))
    return featureError(error);
  if (root.kind != json::Value::Kind::Object)
    return featureError(path + ": a manifest is a JSON object");
  auto integer =
      [&](const json::Value *object,
          const char *key) -> llvm::Expected<std::optional<int64_t>> {
    const json::Value *value = object ? object->get(key) : nullptr;
    if (!value)
      return std::nullopt;
    if (value->kind != json::Value::Kind::Int)
      return featureError(path + ":" + llvm::Twine(value->line) + ":" +
                          llvm::Twine(value->column) + ": '" + key +
                          "' must be an integer");
    return value->integer;
  };
  CompiledStats stats;
  const json::Value *ptxas = root.get("ptxas");
  if (ptxas && ptxas->kind != json::Value::Kind::Object)
    return featureError(path + ": 'ptxas' must be an object");
  std::pair<std::optional<int64_t> *, const char *> fields[] = {
      {&stats.registers, "registers"},
      {&stats.spillStoreBytes, "spill_store_bytes"},
      {&stats.spillLoadBytes, "spill_load_bytes"},
      {&stats.stackFrameBytes, "stack_frame_bytes"}};
  for (auto [field, key] : fields) {
    auto value = integer(ptxas, key);
    if (!value)
      return value.takeError();
    *field = *value;
  }
  auto shared = integer(&root, "shared_bytes");
  if (!shared)
    return shared.takeError();
  stats.sharedBytes = *shared;
  return stats;
}

llvm::Expected<CompiledStats>
mixc::costmodel::readCompiledStats(llvm::StringRef manifestPath) {
  std::string text, error;
  if (!runtime::readFile(manifestPath.str(), text, error))
    return featureError(error);
  return parseCompiledStats(text, manifestPath);
}

//===----------------------------------------------------------------------===//
// Extraction
//===----------------------------------------------------------------------===//

namespace {

llvm::Error fillOpFeatures(Features &f, const OpShape &shape,
                           std::optional<int64_t> chunkSize) {
  if (const AttentionShape *op = shape.getAttention())
    return fillAttention(f, *op);
  if (const SsdShape *op = shape.getSsd())
    return fillSsd(f, *op, chunkSize.value_or(defaultChunkSize(shape)));
  fillMonarch(f, *shape.getMonarch());
  return llvm::Error::success();
}

} // namespace

llvm::Expected<Features>
mixc::costmodel::computeOpFeatures(const OpShape &shape) {
  Features features;
  if (llvm::Error error = fillOpFeatures(features, shape, std::nullopt))
    return error;
  return features;
}

llvm::Expected<Features> mixc::costmodel::computeFeatures(
    const OpShape &shape, const mix::ScheduleTemplateDecl &decl,
    llvm::ArrayRef<int64_t> params, const CompiledStats *compiled) {
  if (decl.opName != shape.opName)
    return featureError("kernel template '" + decl.name + "' lowers '" +
                        decl.opName + "', not '" + shape.opName + "'");
  if (params.size() != decl.params.size())
    return featureError("kernel template '" + decl.name + "' has " +
                        llvm::Twine(decl.params.size()) + " parameters, got " +
                        llvm::Twine(params.size()) + " values");
  Features f;
  if (llvm::Error error =
          fillOpFeatures(f, shape, paramValue(decl, params, "chunk_size")))
    return error;

  llvm::ArrayRef<mix::ScheduleTemplateDecl> templates =
      mix::getScheduleTemplates();
  for (auto [index, entry] : llvm::enumerate(templates))
    if (entry.name == decl.name)
      f.template_index = index;
  for (auto [param, value] : llvm::zip(decl.params, params)) {
    double *field = featureField(f, ("param_" + param.name).str());
    if (!field)
      return featureError("feature schema " + kFeatureSchemaVersion +
                          " has no feature for parameter '" + param.name +
                          "' of template '" + decl.name + "'");
    *field = value;
  }
  if (std::optional<int64_t> warps = paramValue(decl, params, "warps"))
    f.block_threads = 32 * *warps;
  if (std::optional<int64_t> threads = paramValue(decl, params, "threads"))
    f.block_threads = *threads;

  if (decl.name == "attention.mma_sync" || decl.name == "attention.wgmma")
    if (llvm::Error error =
            fillAttention(f, *shape.getAttention(), decl, params, compiled))
      return error;
  if (decl.name == "ssd.chunked")
    if (llvm::Error error =
            fillSsdChunked(f, *shape.getSsd(), decl, params, compiled))
      return error;
  if (decl.name == "monarch.fused")
    if (llvm::Error error =
            fillMonarchFused(f, *shape.getMonarch(), decl, params, compiled))
      return error;

  if (compiled) {
    auto set = [](double &field, const std::optional<int64_t> &value) {
      if (value)
        field = double(*value);
    };
    set(f.ptxas_registers, compiled->registers);
    set(f.ptxas_spill_store_bytes, compiled->spillStoreBytes);
    set(f.ptxas_spill_load_bytes, compiled->spillLoadBytes);
    set(f.ptxas_stack_bytes, compiled->stackFrameBytes);
    set(f.kernel_shared_bytes, compiled->sharedBytes);
  }
  return f;
}

void mixc::costmodel::writeFeatureRecordFields(
    llvm::json::OStream &json, const OpShape &shape,
    const mix::ScheduleTemplateDecl *decl, llvm::ArrayRef<int64_t> params,
    const Features &features) {
  json.attribute("schema_version", kFeatureSchemaVersion);
  json.attribute("op", shape.opName);
  json.attribute("task", taskKey(shape));
  if (decl) {
    json.attribute("template", decl->name);
    json.attributeObject("params", [&] {
      for (auto [param, value] : llvm::zip(decl->params, params))
        json.attribute(param.name, value);
    });
  }
  json.attributeArray("feature_names", [&] {
    for (const FeatureInfo &info : featureSchema())
      json.value(info.name);
  });
  json.attributeArray("features", [&] {
    for (double value : features.values()) {
      if (std::isnan(value))
        json.value(nullptr);
      else
        json.value(value);
    }
  });
}

std::string mixc::costmodel::featureRecord(
    const OpShape &shape, const mix::ScheduleTemplateDecl *decl,
    llvm::ArrayRef<int64_t> params, const Features &features) {
  std::string text;
  llvm::raw_string_ostream os(text);
  llvm::json::OStream json(os);
  json.object(
      [&] { writeFeatureRecordFields(json, shape, decl, params, features); });
  return text;
}
