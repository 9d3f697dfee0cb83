//===- OpShape.cpp - Reading a mix op's shapes for the cost model ---------===//
//
// describeOp(): the one translation unit of the cost model that includes the
// mix dialect (see OpShape.h). It reads sizes, element types and the
// attributes that shape the iteration space, and the op's schedule with
// defaults filled in from the template table.
//
//===----------------------------------------------------------------------===//

#include "mixc/CostModel/OpShape.h"

#include "mixc/Dialect/Mix/MixOps.h"
#include "mixc/Dialect/Mix/ScheduleTemplates.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/TypeUtilities.h"

#include "llvm/Support/raw_ostream.h"

using namespace mlir;
using namespace mixc;
using namespace mixc::costmodel;

OpShape OpShape::attention(AttentionShape shape) {
  return OpShape{"mix.attention", std::move(shape), std::nullopt, {}};
}
OpShape OpShape::ssd(SsdShape shape) {
  return OpShape{"mix.ssd", std::move(shape), std::nullopt, {}};
}
OpShape OpShape::monarch(MonarchShape shape) {
  return OpShape{"mix.monarch", std::move(shape), std::nullopt, {}};
}

namespace {

llvm::Error opError(Operation *op, const Twine &message) {
  std::string text;
  llvm::raw_string_ostream os(text);
  os << "'" << op->getName() << "' at " << op->getLoc() << ": " << message;
  return llvm::createStringError(llvm::inconvertibleErrorCode(), text);
}

/// Sizes of a ranked value of rank `rank` (kDynamic for dynamic ones), or an
/// error naming `what`.
llvm::Expected<SmallVector<int64_t>> sizes(Operation *op, Value value,
                                           StringRef what, size_t rank) {
  auto type = dyn_cast<ShapedType>(value.getType());
  if (!type || !type.hasRank() || type.getRank() != int64_t(rank))
    return opError(op,
                   what + " must be a ranked tensor of rank " + Twine(rank));
  SmallVector<int64_t> result;
  for (int64_t size : type.getShape())
    result.push_back(ShapedType::isDynamic(size) ? kDynamic : size);
  return result;
}

std::string typeName(Value value) {
  std::string text;
  llvm::raw_string_ostream(text) << getElementTypeOrSelf(value.getType());
  return text;
}

int64_t typeBytes(Value value) {
  Type type = getElementTypeOrSelf(value.getType());
  if (!type.isIntOrFloat())
    return 0;
  return (type.getIntOrFloatBitWidth() + 7) / 8;
}

int64_t product(ArrayRef<int64_t> dims) {
  int64_t result = 1;
  for (int64_t dim : dims) {
    if (dim == kDynamic)
      return kDynamic;
    result *= dim;
  }
  return result;
}

llvm::Expected<AttentionShape> describe(mix::AttentionOp op) {
  auto q = sizes(op, op.getQuery(), "query", 4);
  if (!q)
    return q.takeError();
  auto k = sizes(op, op.getKey(), "key", 4);
  if (!k)
    return k.takeError();
  auto v = sizes(op, op.getValue(), "value", 4);
  if (!v)
    return v.takeError();
  AttentionShape shape;
  shape.batch = (*q)[0];
  shape.queryHeads = (*q)[1];
  shape.queryLength = (*q)[2];
  shape.headDim = (*q)[3];
  shape.keyHeads = (*k)[1];
  shape.keyLength = (*k)[2];
  shape.valueDim = (*v)[3];
  shape.elementType = typeName(op.getQuery());
  shape.valueElementType = typeName(op.getValue());
  shape.elementBytes = typeBytes(op.getQuery());
  shape.valueElementBytes = typeBytes(op.getValue());
  shape.outputElementBytes = typeBytes(op.getOutput());
  shape.causal = op.getCausal();
  shape.windowLeft = op.getWindowLeft();
  shape.windowRight = op.getWindowRight();
  shape.sinkTokens = op.getSinkTokens();
  shape.hasBias = static_cast<bool>(op.getBias());
  shape.hasBlockMask = static_cast<bool>(op.getBlockMask());
  shape.hasLse = static_cast<bool>(op.getLse());
  if (std::optional<ArrayRef<int64_t>> blocks = op.getBlockSizes();
      blocks && blocks->size() == 2)
    shape.maskBlockSizes = {(*blocks)[0], (*blocks)[1]};
  return shape;
}

llvm::Expected<SsdShape> describe(mix::SSDOp op) {
  auto x = sizes(op, op.getX(), "x", 4);
  if (!x)
    return x.takeError();
  auto b = sizes(op, op.getB(), "B", 4);
  if (!b)
    return b.takeError();
  SsdShape shape;
  shape.batch = (*x)[0];
  shape.length = (*x)[1];
  shape.heads = (*x)[2];
  shape.headDim = (*x)[3];
  shape.groups = (*b)[2];
  shape.stateDim = (*b)[3];
  shape.elementType = typeName(op.getX());
  shape.bElementType = typeName(op.getB());
  shape.cElementType = typeName(op.getC());
  shape.dtElementType = typeName(op.getDt());
  shape.outputElementType = typeName(op.getY());
  shape.elementBytes = typeBytes(op.getX());
  shape.stateElementBytes = typeBytes(op.getB());
  shape.dtElementBytes = typeBytes(op.getDt());
  shape.outputElementBytes = typeBytes(op.getY());
  shape.bidirectional = op.getDirection() == mix::ScanDirection::bidirectional;
  shape.hasSkip = static_cast<bool>(op.getD());
  shape.hasDtBias = static_cast<bool>(op.getDtBias());
  return shape;
}

llvm::Expected<MonarchShape> describe(mix::MonarchOp op) {
  auto xType = dyn_cast<RankedTensorType>(op.getX().getType());
  if (!xType || xType.getRank() < 1)
    return opError(op, "x must be a ranked tensor");
  auto x = sizes(op, op.getX(), "x", xType.getRank());
  if (!x)
    return x.takeError();
  auto first = sizes(op, op.getFirstFactor(), "first_factor", 3);
  if (!first)
    return first.takeError();
  auto second = sizes(op, op.getSecondFactor(), "second_factor", 3);
  if (!second)
    return second.takeError();
  MonarchShape shape;
  shape.rows = product(ArrayRef<int64_t>(*x).drop_back());
  shape.tokens = x->size() >= 2 ? (*x)[x->size() - 2] : 1;
  shape.size = x->back();
  shape.firstBlocks = (*first)[0];
  shape.firstOut = (*first)[1];
  shape.firstIn = (*first)[2];
  shape.secondBlocks = (*second)[0];
  shape.secondOut = (*second)[1];
  shape.secondIn = (*second)[2];
  shape.elementType = typeName(op.getX());
  shape.firstElementType = typeName(op.getFirstFactor());
  shape.secondElementType = typeName(op.getSecondFactor());
  shape.outputElementType = typeName(op.getY());
  shape.elementBytes = typeBytes(op.getX());
  shape.factorElementBytes = typeBytes(op.getFirstFactor());
  shape.outputElementBytes = typeBytes(op.getY());
  return shape;
}

} // namespace

llvm::Expected<OpShape> mixc::costmodel::describeOp(Operation *op) {
  OpShape shape;
  shape.opName = op->getName().getStringRef().str();
  if (auto attention = dyn_cast<mix::AttentionOp>(op)) {
    auto detail = describe(attention);
    if (!detail)
      return detail.takeError();
    shape.detail = std::move(*detail);
  } else if (auto ssd = dyn_cast<mix::SSDOp>(op)) {
    auto detail = describe(ssd);
    if (!detail)
      return detail.takeError();
    shape.detail = std::move(*detail);
  } else if (auto monarch = dyn_cast<mix::MonarchOp>(op)) {
    auto detail = describe(monarch);
    if (!detail)
      return detail.takeError();
    shape.detail = std::move(*detail);
  } else {
    return opError(op, "the cost model describes mix.attention, mix.ssd and "
                       "mix.monarch only");
  }

  if (auto scheduled = dyn_cast<mix::ScheduledOpInterface>(op))
    if (mix::ScheduleAttr schedule = scheduled.getScheduleAttr()) {
      const mix::ScheduleTemplateDecl *decl =
          mix::lookupScheduleTemplate(schedule.getTemplateName());
      if (!decl)
        return opError(op, "unknown kernel template '" +
                               schedule.getTemplateName() + "'");
      shape.scheduleTemplate = decl->name.str();
      for (const mix::ScheduleParamDecl &param : decl->params)
        shape.scheduleValues.push_back(
            schedule.getParam(param.name).value_or(param.defaultValue));
    }
  return shape;
}

std::string mixc::costmodel::taskKey(const OpShape &shape) {
  std::string text;
  llvm::raw_string_ostream os(text);
  auto size = [&](const char *name, int64_t value) {
    os << " " << name << "=";
    if (value == kDynamic)
      os << "?";
    else
      os << value;
  };
  os << shape.opName;
  if (const AttentionShape *a = shape.getAttention()) {
    size("b", a->batch);
    size("hq", a->queryHeads);
    size("hkv", a->keyHeads);
    size("lq", a->queryLength);
    size("lk", a->keyLength);
    size("d", a->headDim);
    size("dv", a->valueDim);
    os << " " << a->elementType << "/" << a->valueElementType << "->"
       << a->outputElementBytes << "B";
    if (a->causal)
      os << " causal";
    if (a->windowLeft)
      size("window_left", *a->windowLeft);
    if (a->windowRight)
      size("window_right", *a->windowRight);
    if (a->sinkTokens)
      size("sinks", a->sinkTokens);
    if (a->hasBias)
      os << " bias";
    if (a->hasBlockMask) {
      os << " block_mask";
      if (a->maskBlockSizes)
        os << "=" << a->maskBlockSizes->first << "x"
           << a->maskBlockSizes->second;
    }
    if (a->hasLse)
      os << " lse";
  } else if (const SsdShape *s = shape.getSsd()) {
    size("b", s->batch);
    size("l", s->length);
    size("h", s->heads);
    size("p", s->headDim);
    size("g", s->groups);
    size("n", s->stateDim);
    os << " " << s->elementType << "/" << s->bElementType << "/"
       << s->cElementType << "/dt:" << s->dtElementType << "->"
       << s->outputElementType;
    if (s->bidirectional)
      os << " bidirectional";
    if (s->hasSkip)
      os << " skip";
    if (s->hasDtBias)
      os << " dt_bias";
  } else if (const MonarchShape *m = shape.getMonarch()) {
    size("rows", m->rows);
    size("tokens", m->tokens);
    size("n", m->size);
    os << " first=" << m->firstBlocks << "x" << m->firstOut << "x" << m->firstIn
       << " second=" << m->secondBlocks << "x" << m->secondOut << "x"
       << m->secondIn << " " << m->elementType << "/" << m->firstElementType
       << "/" << m->secondElementType << "->" << m->outputElementType;
  }
  return text;
}

Attribute
mixc::costmodel::scheduleAttribute(MLIRContext *context,
                                   const mix::ScheduleTemplateDecl &decl,
                                   llvm::ArrayRef<int64_t> params) {
  Builder b(context);
  SmallVector<NamedAttribute> entries;
  for (auto [param, value] : llvm::zip(decl.params, params))
    entries.push_back(b.getNamedAttr(param.name, b.getI64IntegerAttr(value)));
  return mix::ScheduleAttr::get(context, decl.name,
                                b.getDictionaryAttr(entries));
}
