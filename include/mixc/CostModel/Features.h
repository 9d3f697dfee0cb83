//===- Features.h - Features of an (op, schedule) pair ----------*- C++ -*-===//
//
// What the learned cost model sees of a candidate kernel: op-level features
// (shapes, element sizes, mask kind and density, chunking, block structure,
// the op's FLOPs and compulsory bytes), schedule-level features (each
// template parameter, launch geometry and occupancy on an H100, the tiles the
// kernel visits, the FLOPs it executes and the bytes it moves, counted on
// the iteration domains of IterationDomain.h) and, when the candidate was
// compiled, ptxas's registers and spills read from its launch manifest.
//
// The schema is one ordered list, declared once below (MIXC_FEATURES): a
// record, a model and a training set name the schema version they were made
// with, and any change to the list changes kFeatureSchemaVersion. Unknown or
// inapplicable values are NaN (null in JSON), which XGBoost reads as missing.
//
//===----------------------------------------------------------------------===//

#ifndef MIXC_COSTMODEL_FEATURES_H
#define MIXC_COSTMODEL_FEATURES_H

#include "mixc/CostModel/OpShape.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/JSON.h"

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <vector>

namespace mixc::mix {
struct ScheduleTemplateDecl;
} // namespace mixc::mix

namespace mixc::costmodel {

/// Bumped whenever MIXC_FEATURES changes (names, order, meaning, scaling).
constexpr llvm::StringLiteral kFeatureSchemaVersion = "mixc-features-4";

/// How a feature enters the model: as is, or as slog(x) = sign(x) log2(1 +
/// |x|) for counts, sizes and bytes that span orders of magnitude.
enum class FeatureScale { Raw, Log };

// X(name, scale, description). The order is the schema.
#define MIXC_FEATURES(X)                                                       \
  /* Op level. */                                                              \
  X(op_kind, Raw, "mixer family: 0 attention, 1 ssd, 2 monarch")               \
  X(batch, Log, "batch B (monarch: rows of x, the leading dims' product)")     \
  X(heads, Log, "query heads Hq (ssd: heads H)")                               \
  X(kv_heads, Log, "key/value heads Hkv (ssd: groups G of B and C)")           \
  X(gqa_ratio, Raw, "query heads per key/value head Hq / Hkv (ssd: H / G)")    \
  X(query_length, Log, "query length Lq (ssd: L)")                             \
  X(key_length, Log, "key length Lk (ssd: L)")                                 \
  X(head_dim, Log, "head dim D (ssd: P; monarch: input size n)")               \
  X(value_dim, Log, "value head dim Dv (monarch: output size l s)")            \
  X(state_dim, Log, "ssd: state size N")                                       \
  X(first_blocks, Log, "monarch: blocks k of the first factor")                \
  X(first_block_in, Log, "monarch: inputs p per first-factor block")           \
  X(first_block_out, Log, "monarch: outputs q per first-factor block")         \
  X(second_blocks, Log, "monarch: blocks l of the second factor")              \
  X(second_block_in, Log, "monarch: inputs r per second-factor block")         \
  X(second_block_out, Log, "monarch: outputs s per second-factor block")       \
  X(element_bytes, Raw, "bytes per input element (query; ssd: x; monarch: x)") \
  X(output_bytes, Raw, "bytes per output element")                             \
  X(mask_kind, Raw, "0 none, 1 causal, 2 sliding window, 3 causal + window")   \
  X(window_left, Log, "left window (null: none)")                              \
  X(window_right, Log, "right window (null: none)")                            \
  X(sink_tokens, Log, "sink tokens kept whatever the window")                  \
  X(has_bias, Raw, "1 with an additive bias operand")                          \
  X(has_block_mask, Raw, "1 with a block mask operand")                        \
  X(mask_blocks, Log, "blocks of the block mask, ceil(Lq/bq) ceil(Lk/bk)")     \
  X(has_lse, Raw, "1 when the log-sum-exp is a result")                        \
  X(mask_density, Raw, "kept (query, key) pairs over Lq Lk")                   \
  X(num_chunks, Log, "ssd: chunks ceil(L / chunk_size)")                       \
  X(useful_flops, Log,                                                         \
    "FLOPs of the op's math, all heads: attention 2 (D + Dv) per kept pair; "  \
    "ssd: the chunked algorithm at chunk_size; monarch: both block products")  \
  X(compulsory_bytes, Log,                                                     \
    "bytes of every input read once and every output written once")            \
  /* Schedule level: the parameters of every template, by name. */             \
  X(template_index, Raw, "position of the template in the template table")     \
  X(param_block_m, Log, "block_m")                                             \
  X(param_block_n, Log, "block_n")                                             \
  X(param_warps, Raw, "warps")                                                 \
  X(param_stages, Raw, "stages")                                               \
  X(param_consumer_warpgroups, Raw, "consumer_warpgroups")                     \
  X(param_tma, Raw, "tma")                                                     \
  X(param_warp_specialize, Raw, "warp_specialize")                             \
  X(param_chunk_size, Log, "chunk_size")                                       \
  X(param_block_p, Log, "block_p")                                             \
  X(param_block_tokens, Log, "block_tokens")                                   \
  X(param_cluster, Raw, "cluster")                                             \
  X(param_tiles, Log, "tiles")                                                 \
  X(param_resident_factors, Raw, "resident_factors")                           \
  X(param_blocks_per_sm, Raw, "blocks_per_sm")                                 \
  X(param_threads, Log, "threads")                                             \
  X(param_items_per_thread, Log, "items_per_thread")                           \
  X(param_channels_per_block, Raw, "channels_per_block")                       \
  X(param_rows_per_block, Log, "rows_per_block")                               \
  X(param_vector_bytes, Raw, "vector_bytes")                                   \
  /* Schedule level: launch, occupancy, domains. */                            \
  X(block_threads, Log, "threads per block")                                   \
  X(grid_blocks, Log, "thread blocks in the grid")                             \
  X(shared_bytes, Log, "shared memory per block, the static bytes included")   \
  X(registers_per_thread, Raw,                                                 \
    "ptxas's registers when known, else (attention.mma_sync) an estimate "     \
    "from the live accumulators and fragments")                                \
  X(blocks_per_sm, Raw,                                                        \
    "resident blocks per SM, limited by threads (2048), registers (65536), "   \
    "shared memory (228 KiB, 1 KiB reserved per block) and 32 blocks")         \
  X(occupancy, Raw, "resident warps per SM over 64")                           \
  X(waves, Log, "grid blocks over (132 SMs x blocks per SM)")                  \
  X(wave_efficiency, Raw, "waves / ceil(waves): how full the last wave is")    \
  X(tiles_visited, Log, "tile pairs the kernel visits, all heads")             \
  X(masked_tile_fraction, Raw, "visited tiles that take the masked path")      \
  X(executed_flops, Log, "FLOPs of the visited tiles, masked work included")   \
  X(flop_efficiency, Raw, "useful over executed FLOPs")                        \
  X(tiled_bytes, Log,                                                          \
    "bytes the tiled kernel reads and writes in global "                       \
    "memory")                                                                  \
  X(arithmetic_intensity, Log, "executed FLOPs per tiled byte")                \
  /* Compiled candidate (its manifest), when known. */                         \
  X(ptxas_registers, Raw, "ptxas: registers per thread")                       \
  X(ptxas_spill_store_bytes, Log, "ptxas: bytes of spill stores")              \
  X(ptxas_spill_load_bytes, Log, "ptxas: bytes of spill loads")                \
  X(ptxas_stack_bytes, Log, "ptxas: bytes of stack frame")                     \
  X(kernel_shared_bytes, Log, "the manifest's dynamic shared memory")

/// The features of one (op, schedule) pair, one field per schema entry.
struct Features {
#define MIXC_FEATURE_FIELD(name, scale, description)                           \
  double name = std::numeric_limits<double>::quiet_NaN();
  MIXC_FEATURES(MIXC_FEATURE_FIELD)
#undef MIXC_FEATURE_FIELD

  /// The values in schema order, unscaled.
  std::vector<double> values() const;
  /// The values in schema order, each scaled as the schema says: the model's
  /// input.
  std::vector<double> scaledValues() const;
};

/// One entry of the schema.
struct FeatureInfo {
  llvm::StringLiteral name;
  FeatureScale scale;
  llvm::StringLiteral description;
};

/// The schema: every feature in order.
llvm::ArrayRef<FeatureInfo> featureSchema();
constexpr size_t kFeatureCount = 0
#define MIXC_FEATURE_COUNT(name, scale, description) +1
    MIXC_FEATURES(MIXC_FEATURE_COUNT);
#undef MIXC_FEATURE_COUNT

/// sign(x) log2(1 + |x|); NaN stays NaN.
double slog(double x);

/// What ptxas and the builder reported for one compiled kernel (its launch
/// manifest: "ptxas": {"registers", "spill_store_bytes", "spill_load_bytes",
/// "stack_frame_bytes"} and "shared_bytes").
struct CompiledStats {
  std::optional<int64_t> registers, spillStoreBytes, spillLoadBytes,
      stackFrameBytes, sharedBytes;
};

/// Reads a manifest written by mixc (lib/Target/CUDA); errors name the file.
llvm::Expected<CompiledStats> readCompiledStats(llvm::StringRef manifestPath);
llvm::Expected<CompiledStats> parseCompiledStats(llvm::StringRef text,
                                                 llvm::StringRef path);

/// The op-level features of `shape`. The SSD's chunk size is the op's
/// ssd.chunked schedule's, else the template default.
llvm::Expected<Features> computeOpFeatures(const OpShape &shape);

/// Every feature of `shape` under template `decl` with parameter values
/// `params` (one per declared parameter). Schedule-level features past the
/// parameters are computed for attention.mma_sync, ssd.chunked and
/// monarch.fused; for other templates they stay NaN. `compiled` adds the
/// ptxas numbers; its registers replace attention's estimate in the
/// occupancy (the others have no estimate: without ptxas their occupancy
/// ignores registers).
llvm::Expected<Features>
computeFeatures(const OpShape &shape, const mix::ScheduleTemplateDecl &decl,
                llvm::ArrayRef<int64_t> params,
                const CompiledStats *compiled = nullptr);

/// The fields of one record, in this order: "schema_version", "op", "task"
/// (taskKey), "template" and "params": {name: value} (when `decl` is not null),
/// "feature_names": [...], "features": [...] (unscaled, NaN as null).
void writeFeatureRecordFields(llvm::json::OStream &json, const OpShape &shape,
                              const mix::ScheduleTemplateDecl *decl,
                              llvm::ArrayRef<int64_t> params,
                              const Features &features);

/// The record as one JSON object on one line (no newline).
std::string featureRecord(const OpShape &shape,
                          const mix::ScheduleTemplateDecl *decl,
                          llvm::ArrayRef<int64_t> params,
                          const Features &features);

} // namespace mixc::costmodel

#endif // MIXC_COSTMODEL_FEATURES_H
