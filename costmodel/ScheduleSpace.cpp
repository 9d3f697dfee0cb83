//===- ScheduleSpace.cpp - Legal schedules as integer sets ----------------===//
//
// Builds a template's schedule space from its declared choices and its
// kernel builder's rules (see ScheduleSpace.h). Each template's rules are
// one function below, written as the builder checks them, and one row of
// the table at the end; the consistency test lowers every point of a few
// spaces with --convert-mix-to-gpu and checks that points outside are
// refused, so a rule changed in a builder and not here fails a test.
//
//===----------------------------------------------------------------------===//

#include "mixc/CostModel/ScheduleSpace.h"

#include "mixc/Dialect/Mix/ScheduleTemplates.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/Twine.h"

using namespace mixc;
using namespace mixc::costmodel;
using namespace mlir::presburger;

//===----------------------------------------------------------------------===//
// RuleBuilder
//===----------------------------------------------------------------------===//

RuleBuilder::RuleBuilder(
    const mix::ScheduleTemplateDecl &decl,
    llvm::ArrayRef<std::pair<llvm::StringRef, int64_t>> caseValues)
    : SetBuilder(decl.params.size()), decl(decl),
      caseValues(caseValues.begin(), caseValues.end()) {
  for (auto [pos, param] : llvm::enumerate(decl.params)) {
    auto fixed = llvm::find_if(caseValues, [&](const auto &entry) {
      return entry.first == param.name;
    });
    if (fixed != caseValues.end())
      addEQ(dim(pos), fixed->second);
    else
      addMemberOf(dim(pos), param.choices);
  }
}

AffineForm RuleBuilder::param(llvm::StringRef name) const {
  for (auto [pos, param] : llvm::enumerate(decl.params))
    if (param.name == name)
      return dim(pos);
  llvm::report_fatal_error(llvm::Twine("schedule space rules of '") +
                           decl.name + "' name an undeclared parameter '" +
                           name + "'");
}

llvm::ArrayRef<int64_t> RuleBuilder::choices(llvm::StringRef name) const {
  if (const mix::ScheduleParamDecl *param = decl.findParam(name))
    return param->choices;
  llvm::report_fatal_error(llvm::Twine("schedule space rules of '") +
                           decl.name + "' name an undeclared parameter '" +
                           name + "'");
}

int64_t RuleBuilder::caseValue(llvm::StringRef name) const {
  for (const auto &[caseName, value] : caseValues)
    if (caseName == name)
      return value;
  llvm::report_fatal_error(llvm::Twine("schedule space rules of '") +
                           decl.name + "' use '" + name +
                           "' as a constant but it is no case parameter");
}

void RuleBuilder::refuse(const llvm::Twine &reason) {
  if (refusal.empty())
    refusal = reason.str();
  addFalse();
}

namespace {

/// SharedMemoryPlan (passes/KernelBuilders/KernelBuilder.h) as affine forms:
/// each buffer at the next 128-byte-aligned offset after the previous one.
class SharedPlanForm {
public:
  explicit SharedPlanForm(SetBuilder &set) : set(set) {}
  /// The offset of a new buffer of `bytes`.
  AffineForm allocate(const AffineForm &bytes) {
    AffineForm offset = set.alignUp(end, kSharedAlignment);
    end = offset + bytes;
    return offset;
  }
  const AffineForm &totalBytes() const { return end; }

private:
  SetBuilder &set;
  AffineForm end = 0;
};

bool isHalfType(llvm::StringRef type) {
  return type == "f16" || type == "bf16";
}

//===----------------------------------------------------------------------===//
// attention.mma_sync (passes/KernelBuilders/Attention.cpp,
// buildAttentionMmaSyncKernel)
//===----------------------------------------------------------------------===//

/// What the attention builder (Attention.cpp) lowers with either template,
/// whatever the schedule; false after refusing the space with the reason.
bool acceptsAttention(llvm::StringRef name, const AttentionShape &op,
                      int64_t headDimMultiple, RuleBuilder &rules) {
  std::string quoted = ("'" + name + "'").str();
  auto refuse = [&](const llvm::Twine &reason) {
    rules.refuse(quoted + " " + reason);
    return false;
  };
  // What the builder does not lower whatever the schedule, and the shape
  // rules of the #mix.schedule verifier (MixOps.cpp).
  if (op.hasBias)
    return refuse("does not lower an additive bias yet");
  if (op.hasBlockMask)
    return refuse("does not lower a block mask yet");
  if (op.sinkTokens != 0)
    return refuse("does not lower sink tokens yet");
  if (!isHalfType(op.elementType) || op.valueElementType != op.elementType)
    return refuse("needs f16 or bf16 query, key and value of one type (got " +
                  op.elementType + " and " + op.valueElementType + ")");
  if (op.queryHeads == kDynamic || op.keyHeads == kDynamic ||
      op.headDim == kDynamic || op.valueDim == kDynamic)
    return refuse("does not lower dynamic head counts or head dims");
  for (int64_t dim : {op.headDim, op.valueDim})
    if (dim <= 0 || dim % headDimMultiple != 0 || dim > 256)
      return refuse("needs head dims that are multiples of " +
                    llvm::Twine(headDimMultiple) + " and at most 256 (got " +
                    llvm::Twine(dim) + ")");
  return true;
}

/// Every tile (Q: block_m x d, K: block_n x d, V: block_n x dv) is a whole
/// number of 16-byte cp.async copies (8 elements) per thread:
/// (rows * cols / 8) % threads == 0.
void addWholeCopiesPerThread(RuleBuilder &rules, const AttentionShape &op,
                             const AffineForm &blockM, const AffineForm &blockN,
                             int64_t threads) {
  constexpr int64_t chunkElements = 8;
  for (auto [rows, cols] : {std::pair<AffineForm, int64_t>{blockM, op.headDim},
                            {blockN, op.headDim},
                            {blockN, op.valueDim}})
    rules.addDivisible(rules.floorDiv(rows * cols, chunkElements), threads);
}

void addAttentionMmaSyncRules(const OpShape &shape, RuleBuilder &rules) {
  const AttentionShape &op = *shape.getAttention();
  if (!acceptsAttention("attention.mma_sync", op, 16, rules))
    return;

  int64_t warps = rules.caseValue("warps");
  int64_t stages = rules.caseValue("stages");
  int64_t threads = 32 * warps;
  AffineForm blockM = rules.param("block_m");
  AffineForm blockN = rules.param("block_n");

  // Each warp owns 16 or 32 query rows (one or two m16 MMA row tiles):
  // block_m % (16 warps) == 0 and block_m / (16 warps) <= 2.
  rules.addDivisible(blockM, 16 * warps);
  rules.addLE(rules.floorDiv(blockM, 16 * warps), 2);

  addWholeCopiesPerThread(rules, op, blockM, blockN, threads);

  // Shared memory: [Q | K stages | V stages], rows padded by 16 bytes (8
  // elements), each buffer 128-byte aligned, plus the static symbol.
  constexpr int64_t rowPad = 8;
  int64_t bytes = op.elementBytes;
  SharedPlanForm plan(rules);
  plan.allocate(blockM * ((op.headDim + rowPad) * bytes));
  plan.allocate(blockN * (stages * (op.headDim + rowPad) * bytes));
  plan.allocate(blockN * (stages * (op.valueDim + rowPad) * bytes));
  rules.addLE(plan.totalBytes() + kStaticSharedBytes, kMaxSharedBytesPerBlock);
}

//===----------------------------------------------------------------------===//
// attention.wgmma (passes/KernelBuilders/Attention.cpp,
// buildAttentionWgmmaKernel)
//===----------------------------------------------------------------------===//

void addAttentionWgmmaRules(const OpShape &shape, RuleBuilder &rules) {
  const AttentionShape &op = *shape.getAttention();
  // Swizzled tiles are 64 columns wide; the P V product's N is dv <= 256.
  if (!acceptsAttention("attention.wgmma", op, 64, rules))
    return;
  int64_t warpgroups = rules.caseValue("consumer_warpgroups");
  int64_t stages = rules.caseValue("stages");
  int64_t tma = rules.caseValue("tma");
  AffineForm blockM = rules.param("block_m");
  AffineForm blockN = rules.param("block_n");
  // One warpgroup per 64 query rows; 16-key MMA steps.
  rules.addEQ(blockM, AffineForm(64 * warpgroups));
  rules.addDivisible(blockN, 16);
  addWholeCopiesPerThread(rules, op, blockM, blockN, 128 * warpgroups);
  // Shared memory: [Q | K stages | V stages], dense and swizzled; every
  // buffer is a multiple of 1024 bytes (rows come in 8s), so the 1024-byte
  // alignment adds nothing between buffers, and the block asks for 1023
  // bytes more to align the first at run time. TMA adds two 8-byte
  // mbarriers per stage; its boxes have at most 256 rows.
  int64_t bytes = op.elementBytes;
  AffineForm total = blockM * (op.headDim * bytes) +
                     blockN * (stages * (op.headDim + op.valueDim) * bytes) +
                     AffineForm(tma ? 16 * stages : 0);
  if (tma)
    rules.addLE(blockN, 256);
  rules.addLE(total + AffineForm(1023 + kStaticSharedBytes),
              kMaxSharedBytesPerBlock);
}

//===----------------------------------------------------------------------===//
// ssd.chunked (passes/KernelBuilders/Ssd.cpp, buildSsdChunkedKernel)
//===----------------------------------------------------------------------===//

void addSsdChunkedRules(const OpShape &shape, RuleBuilder &rules) {
  const SsdShape &op = *shape.getSsd();
  if (op.bidirectional)
    return rules.refuse("'ssd.chunked' does not lower the bidirectional "
                        "(Hydra) form yet");
  if (!isHalfType(op.elementType) || op.bElementType != op.elementType ||
      op.cElementType != op.elementType)
    return rules.refuse("'ssd.chunked' needs x, B and C all f16 or all bf16 "
                        "(got " +
                        op.elementType + ", " + op.bElementType + ", " +
                        op.cElementType + ")");
  if (op.dtElementType != "f32")
    return rules.refuse("'ssd.chunked' needs dt in f32 (got " +
                        op.dtElementType + ")");
  if (op.outputElementType != op.elementType && op.outputElementType != "f32")
    return rules.refuse(
        "'ssd.chunked' needs a result of x's type or f32 (got " +
        op.outputElementType + ")");
  if (op.heads == kDynamic || op.headDim == kDynamic || op.groups == kDynamic ||
      op.stateDim == kDynamic)
    return rules.refuse("'ssd.chunked' does not lower dynamic head counts, "
                        "head dims, groups or state sizes");
  if (op.headDim % 16 != 0 || op.stateDim % 16 != 0)
    return rules.refuse("'ssd.chunked' needs a head dim and a state size that "
                        "are multiples of 16 (got " +
                        llvm::Twine(op.headDim) + " and " +
                        llvm::Twine(op.stateDim) + ")");

  int64_t warps = rules.caseValue("warps");
  int64_t stages = rules.caseValue("stages");
  int64_t threads = 32 * warps;
  // The builder clamps block_p to the head dim; the clamped value must
  // divide it.
  int64_t blockP = std::min(rules.caseValue("block_p"), op.headDim);
  if (op.headDim % blockP != 0)
    return rules.addFalse();
  // Each warp owns 16 or 32 rows of the chunk.
  AffineForm chunk = rules.param("chunk_size");
  rules.addDivisible(chunk, 16 * warps);
  rules.addLE(rules.floorDiv(chunk, 16 * warps), 2);
  // The warps share the 16x16 tiles of the N x block_p state evenly.
  if ((op.stateDim / 16) * (blockP / 16) % warps != 0)
    return rules.addFalse();

  // Shared memory, in the builder's order: x, B, C and dt rings, the
  // scaled x, the state, cum and dt_eff. Rows padded by 8 elements; dt has
  // one f32 slot per thread at least.
  constexpr int64_t rowPad = 8;
  int64_t xRowBytes = (blockP + rowPad) * 2;
  int64_t bcRowBytes = (op.stateDim + rowPad) * 2;
  int64_t largestChunk = *llvm::max_element(rules.choices("chunk_size"));
  AffineForm dtSlots = rules.max(chunk, threads, largestChunk + threads);
  SharedPlanForm plan(rules);
  plan.allocate(chunk * (stages * xRowBytes));
  plan.allocate(chunk * (stages * bcRowBytes));
  plan.allocate(chunk * (stages * bcRowBytes));
  plan.allocate(dtSlots * (stages * 4));
  plan.allocate(chunk * xRowBytes);
  plan.allocate(op.stateDim * xRowBytes);
  plan.allocate(chunk * 4);
  plan.allocate(chunk * 4);
  rules.addLE(plan.totalBytes() + kStaticSharedBytes, kMaxSharedBytesPerBlock);
}

//===----------------------------------------------------------------------===//
// monarch.fused (passes/KernelBuilders/Monarch.cpp, buildMonarchFusedKernel)
//===----------------------------------------------------------------------===//

void addMonarchFusedRules(const OpShape &shape, RuleBuilder &rules) {
  const MonarchShape &op = *shape.getMonarch();
  if (!isHalfType(op.elementType) || op.firstElementType != op.elementType ||
      op.secondElementType != op.elementType)
    return rules.refuse("'monarch.fused' needs x and both factors all f16 or "
                        "all bf16 (got " +
                        op.elementType + ", " + op.firstElementType + ", " +
                        op.secondElementType + ")");
  if (op.outputElementType != op.elementType && op.outputElementType != "f32")
    return rules.refuse("'monarch.fused' needs a result of x's type or f32 "
                        "(got " +
                        op.outputElementType + ")");
  for (int64_t size : {op.size, op.firstBlocks, op.firstOut, op.firstIn,
                       op.secondBlocks, op.secondOut, op.secondIn})
    if (size == kDynamic)
      return rules.refuse("'monarch.fused' does not lower a dynamic feature "
                          "size or dynamic factor shapes");
  for (int64_t size : {op.firstOut, op.firstIn, op.secondOut, op.secondIn})
    if (size % 16 != 0)
      return rules.refuse("'monarch.fused' needs factor blocks whose sizes "
                          "(q, p, s, r) are multiples of 16");
  // Everything but `tiles` shapes the builder's plan, which it finds by a
  // search: each piece is in whole or not at all.
  std::optional<int64_t> sharedBytes = monarchFusedSharedBytes(
      op, rules.caseValue("block_tokens"), rules.caseValue("warps"),
      rules.caseValue("stages"), rules.caseValue("cluster"),
      rules.caseValue("resident_factors"), rules.caseValue("blocks_per_sm"),
      rules.caseValue("tma"));
  if (!sharedBytes ||
      *sharedBytes + kStaticSharedBytes >
          kernels::sharedBudget(rules.caseValue("blocks_per_sm")))
    rules.addFalse();
}

//===----------------------------------------------------------------------===//
// The table
//===----------------------------------------------------------------------===//

const TemplateRules kTemplateRules[] = {
    {"attention.mma_sync", {"warps", "stages"}, addAttentionMmaSyncRules},
    {"attention.wgmma",
     {"consumer_warpgroups", "stages", "tma"},
     addAttentionWgmmaRules},
    // block_p is clamped to the head dim, which the clamped value must
    // divide: a case parameter keeps both rules constant per piece.
    {"ssd.chunked", {"block_p", "warps", "stages"}, addSsdChunkedRules},
    {"monarch.fused",
     {"block_tokens", "warps", "stages", "cluster", "resident_factors",
      "blocks_per_sm", "tma"},
     addMonarchFusedRules},
};

} // namespace

const TemplateRules *
mixc::costmodel::lookupTemplateRules(llvm::StringRef name) {
  for (const TemplateRules &rules : kTemplateRules)
    if (rules.templateName == name)
      return &rules;
  return nullptr;
}

std::vector<llvm::StringRef> mixc::costmodel::templatesWithRules() {
  std::vector<llvm::StringRef> names;
  for (const mix::ScheduleTemplateDecl &decl : mix::getScheduleTemplates())
    if (lookupTemplateRules(decl.name))
      names.push_back(decl.name);
  return names;
}

//===----------------------------------------------------------------------===//
// ScheduleSpace
//===----------------------------------------------------------------------===//

namespace {

llvm::Error spaceError(const llvm::Twine &message) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), message);
}

/// Calls `body` with every combination of one choice per parameter in
/// `params` (the last fastest).
template <typename Body>
void forEachCombination(llvm::ArrayRef<const mix::ScheduleParamDecl *> params,
                        Body body) {
  llvm::SmallVector<size_t, 8> index(params.size(), 0);
  IntegerPoint values(params.size());
  while (true) {
    for (auto [i, param] : llvm::enumerate(params))
      values[i] = param->choices[index[i]];
    body(llvm::ArrayRef<int64_t>(values));
    size_t pos = params.size();
    while (pos > 0 && ++index[pos - 1] == params[pos - 1]->choices.size())
      index[--pos] = 0;
    if (pos == 0)
      return;
  }
}

} // namespace

llvm::Expected<ScheduleSpace> ScheduleSpace::get(const OpShape &shape,
                                                 llvm::StringRef templateName) {
  const mix::ScheduleTemplateDecl *decl =
      mix::lookupScheduleTemplate(templateName);
  if (!decl)
    return spaceError("unknown kernel template '" + templateName + "'");
  if (decl->opName != shape.opName)
    return spaceError("kernel template '" + templateName + "' lowers '" +
                      decl->opName + "', not '" + shape.opName + "'");
  const TemplateRules *rules = lookupTemplateRules(templateName);
  if (!rules)
    return spaceError("no schedule space for template '" + templateName +
                      "' yet: its kernel builder's rules are not encoded in "
                      "costmodel/ScheduleSpace.cpp");
  llvm::SmallVector<const mix::ScheduleParamDecl *, 4> cases;
  for (llvm::StringRef name : rules->caseParams) {
    const mix::ScheduleParamDecl *param = decl->findParam(name);
    if (!param || param->choices.empty())
      return spaceError("schedule space rules of '" + templateName +
                        "' name an undeclared parameter '" + name + "'");
    cases.push_back(param);
  }

  PresburgerSpace setSpace = PresburgerSpace::getSetSpace(decl->params.size());
  ScheduleSpace space(decl, PresburgerSet::getEmpty(setSpace));
  forEachCombination(cases, [&](llvm::ArrayRef<int64_t> values) {
    if (!space.refusal.empty())
      return;
    llvm::SmallVector<std::pair<llvm::StringRef, int64_t>, 4> caseValues;
    for (auto [param, value] : llvm::zip(cases, values))
      caseValues.emplace_back(param->name, value);
    RuleBuilder piece(*decl, caseValues);
    rules->addRules(shape, piece);
    if (!piece.getRefusal().empty()) {
      space.refusal = piece.getRefusal();
      return;
    }
    space.set.unionInPlace(piece.take());
  });
  if (!space.refusal.empty()) {
    space.set = PresburgerSet::getEmpty(setSpace);
    return space;
  }
  auto points = enumerateIntegerPoints(space.set);
  if (!points)
    return points.takeError();
  space.points = std::move(*points);
  return space;
}

llvm::StringRef ScheduleSpace::getTemplateName() const { return decl->name; }

std::vector<llvm::StringRef> ScheduleSpace::getParamNames() const {
  std::vector<llvm::StringRef> names;
  for (const mix::ScheduleParamDecl &param : decl->params)
    names.push_back(param.name);
  return names;
}

bool ScheduleSpace::contains(llvm::ArrayRef<int64_t> point) const {
  return point.size() == decl->params.size() && set.containsPoint(point);
}

std::vector<IntegerPoint> ScheduleSpace::sample(size_t k, uint64_t seed) const {
  return samplePoints(points, k, seed);
}

std::string ScheduleSpace::format(llvm::ArrayRef<int64_t> point) const {
  std::string text;
  for (auto [param, value] : llvm::zip(decl->params, point)) {
    if (!text.empty())
      text += ", ";
    text += (param.name + "=" + llvm::Twine(value)).str();
  }
  return text;
}

//===----------------------------------------------------------------------===//
// monarch.fused's plan: the builder's own search (mixc/Passes/KernelLayouts.h)
//===----------------------------------------------------------------------===//

std::optional<int64_t> mixc::costmodel::monarchFusedSharedBytes(
    const MonarchShape &op, int64_t tokens, int64_t warps, int64_t stages,
    int64_t cluster, int64_t residentFactors, int64_t blocksPerSM,
    int64_t tma) {
  std::optional<kernels::MonarchLayout> layout = kernels::planMonarchLayout(
      op.firstBlocks, op.firstOut, op.firstIn, op.secondBlocks, op.secondOut,
      op.secondIn, tokens, warps, stages, cluster, residentFactors, blocksPerSM,
      op.outputElementBytes, tma != 0);
  if (!layout)
    return std::nullopt;
  return layout->sharedBytes;
}

std::vector<IntegerPoint>
mixc::costmodel::cartesianChoices(const mix::ScheduleTemplateDecl &decl) {
  llvm::SmallVector<const mix::ScheduleParamDecl *, 8> params;
  for (const mix::ScheduleParamDecl &param : decl.params)
    params.push_back(&param);
  std::vector<IntegerPoint> points;
  forEachCombination(params, [&](llvm::ArrayRef<int64_t> values) {
    points.emplace_back(values.begin(), values.end());
  });
  return points;
}
