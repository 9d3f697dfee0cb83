//===- OpShape.h - What the cost model knows of an op -----------*- C++ -*-===//
//
// The schedule spaces, iteration domains and features are functions of an
// op's shapes and attributes, not of its IR: this header holds them as plain
// data (no MLIR), so the cost model's arithmetic and its tests need no
// context. describeOp() reads them off a mix op; it is the one place where
// the cost model looks at IR.
//
//===----------------------------------------------------------------------===//

#ifndef MIXC_COSTMODEL_OPSHAPE_H
#define MIXC_COSTMODEL_OPSHAPE_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/Support/Error.h"

#include <cstdint>
#include <optional>
#include <string>
#include <variant>

namespace mlir {
class Attribute;
class MLIRContext;
class Operation;
} // namespace mlir
namespace mixc::mix {
struct ScheduleTemplateDecl;
} // namespace mixc::mix

namespace mixc::costmodel {

/// A size that is only known at run time.
constexpr int64_t kDynamic = -1;

/// mix.attention: query [B, Hq, Lq, D], key [B, Hkv, Lk, D], value
/// [B, Hkv, Lk, Dv].
struct AttentionShape {
  int64_t batch = 1, queryHeads = 1, keyHeads = 1;
  int64_t queryLength = 1, keyLength = 1, headDim = 16, valueDim = 16;
  /// Element types ("bf16", "f16", "f32", "f8E4M3FN", "i8", ...) and sizes in
  /// bytes of query/key, value and output.
  std::string elementType = "bf16", valueElementType = "bf16";
  int64_t elementBytes = 2, valueElementBytes = 2, outputElementBytes = 2;
  bool causal = false;
  std::optional<int64_t> windowLeft, windowRight;
  int64_t sinkTokens = 0;
  bool hasBias = false, hasBlockMask = false, hasLse = false;
  /// block_sizes (query rows, key columns per mask block) with a block mask.
  std::optional<std::pair<int64_t, int64_t>> maskBlockSizes;
};

/// mix.ssd: x [B, L, H, P], B and C [B, L, G, N].
struct SsdShape {
  int64_t batch = 1, length = 1, heads = 1, headDim = 1, groups = 1,
          stateDim = 1;
  /// Element types of x, B, C, dt and y.
  std::string elementType = "bf16", bElementType = "bf16",
              cElementType = "bf16", dtElementType = "f32",
              outputElementType = "bf16";
  /// Bytes per element of x, of B and C, of dt and of y.
  int64_t elementBytes = 2, stateElementBytes = 2, dtElementBytes = 4,
          outputElementBytes = 2;
  /// Hydra's quasiseparable form rather than the causal one.
  bool bidirectional = false;
  bool hasSkip = false, hasDtBias = false;
};

/// mix.monarch: x [..., n] (`rows` = product of the leading dims, `tokens`
/// the last of them, 1 for a vector), first factor [k, q, p], second factor
/// [l, s, r]; the result is [..., l * s].
struct MonarchShape {
  int64_t rows = 1, tokens = 1, size = 1;
  int64_t firstBlocks = 1, firstOut = 1, firstIn = 1;
  int64_t secondBlocks = 1, secondOut = 1, secondIn = 1;
  std::string elementType = "bf16";
  std::string firstElementType = "bf16", secondElementType = "bf16",
              outputElementType = "bf16";
  int64_t elementBytes = 2, factorElementBytes = 2, outputElementBytes = 2;
};

/// One mix op as the cost model sees it.
struct OpShape {
  /// "mix.attention", "mix.ssd", "mix.monarch".
  std::string opName;
  std::variant<AttentionShape, SsdShape, MonarchShape> detail;
  /// The op's own #mix.schedule, if it has one: template name and the value
  /// of every declared parameter (defaults filled in), in declared order.
  std::optional<std::string> scheduleTemplate;
  llvm::SmallVector<int64_t, 8> scheduleValues;

  static OpShape attention(AttentionShape shape);
  static OpShape ssd(SsdShape shape);
  static OpShape monarch(MonarchShape shape);

  const AttentionShape *getAttention() const {
    return std::get_if<AttentionShape>(&detail);
  }
  const SsdShape *getSsd() const { return std::get_if<SsdShape>(&detail); }
  const MonarchShape *getMonarch() const {
    return std::get_if<MonarchShape>(&detail);
  }
};

/// The tuning task `shape` stands for: one line naming the op, every size,
/// element type and attribute that shapes its iteration space, and nothing
/// of its schedule ("mix.attention b=4 hq=16 hkv=16 lq=4096 lk=4096 d=128
/// dv=128 bf16/bf16->bf16 causal"). Measurements, the tuning database and
/// the held-out split of the cost model group by it: two ops with the same
/// key have the same schedule space and the same best schedule.
std::string taskKey(const OpShape &shape);

/// The shapes and attributes of `op`, a mix.attention, mix.ssd or mix.monarch
/// (other ops: an error naming the op). Dynamic sizes are kDynamic.
llvm::Expected<OpShape> describeOp(mlir::Operation *op);

/// #mix.schedule<decl, {each parameter = its value in `params`}> (a
/// mix::ScheduleAttr): how the tuner and --mix-assign-schedules write a
/// schedule back into IR.
mlir::Attribute scheduleAttribute(mlir::MLIRContext *context,
                                  const mix::ScheduleTemplateDecl &decl,
                                  llvm::ArrayRef<int64_t> params);

} // namespace mixc::costmodel

#endif // MIXC_COSTMODEL_OPSHAPE_H
