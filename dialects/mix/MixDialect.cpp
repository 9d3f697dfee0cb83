//===- MixDialect.cpp - The mix dialect, its enums and #mix.schedule ------===//
//
// Registers the mix dialect's ops and attributes, and implements the printed
// form and the context-free checks of `#mix.schedule` (known template, declared
// parameters, legal values). Checks that need the op live in MixOps.cpp.
//
//===----------------------------------------------------------------------===//

#include "mixc/Dialect/Mix/MixDialect.h"
#include "mixc/Dialect/Mix/MixOps.h"
#include "mixc/Dialect/Mix/ScheduleTemplates.h"

#include "mlir/IR/DialectImplementation.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;
using namespace mixc::mix;

#include "mixc/Dialect/Mix/MixDialect.cpp.inc"
#include "mixc/Dialect/Mix/MixEnums.cpp.inc"

//===----------------------------------------------------------------------===//
// #mix.schedule printed form
//===----------------------------------------------------------------------===//

/// A template name is a bare identifier (`attention.mma_sync`); a quoted string
/// is accepted too so that any name round-trips.
static ParseResult parseTemplateName(AsmParser &parser, std::string &name) {
  if (failed(parser.parseOptionalKeywordOrString(&name)))
    return parser.emitError(parser.getCurrentLocation(),
                            "expected a kernel template name");
  return success();
}

static void printTemplateName(AsmPrinter &printer, StringRef name) {
  printer.printKeywordOrString(name);
}

/// `{name = 128, other = 4}`: integer values without a type suffix.
static ParseResult parseScheduleParams(AsmParser &parser,
                                       DictionaryAttr &params) {
  SmallVector<NamedAttribute> entries;
  llvm::StringSet<> seen;
  auto parseEntry = [&]() -> ParseResult {
    SMLoc nameLoc = parser.getCurrentLocation();
    std::string name;
    if (parser.parseKeywordOrString(&name))
      return failure();
    if (!seen.insert(name).second)
      return parser.emitError(nameLoc, "schedule parameter '")
             << name << "' is given twice";
    if (parser.parseEqual())
      return failure();
    // parseInteger would take `true`/`false` as 1-bit integers.
    SMLoc valueLoc = parser.getCurrentLocation();
    StringRef keyword;
    if (succeeded(parser.parseOptionalKeyword(&keyword)))
      return parser.emitError(valueLoc, "schedule parameter '")
             << name << "' must be an integer, got '" << keyword << "'";
    int64_t value = 0;
    if (parser.parseInteger(value))
      return failure();
    entries.emplace_back(parser.getBuilder().getStringAttr(name),
                         parser.getBuilder().getI64IntegerAttr(value));
    return success();
  };
  if (parser.parseCommaSeparatedList(AsmParser::Delimiter::Braces, parseEntry,
                                     " in schedule parameters"))
    return failure();
  params = parser.getBuilder().getDictionaryAttr(entries);
  return success();
}

static void printScheduleParams(AsmPrinter &printer, DictionaryAttr params) {
  printer << '{';
  llvm::interleaveComma(params, printer, [&](NamedAttribute entry) {
    printer.printKeywordOrString(entry.getName().getValue());
    printer << " = ";
    if (auto value = dyn_cast<IntegerAttr>(entry.getValue()))
      printer << value.getValue().getSExtValue();
    else
      printer.printAttribute(entry.getValue());
  });
  printer << '}';
}

#define GET_ATTRDEF_CLASSES
#include "mixc/Dialect/Mix/MixAttrs.cpp.inc"

//===----------------------------------------------------------------------===//
// #mix.schedule checks
//===----------------------------------------------------------------------===//

LogicalResult ScheduleAttr::verify(function_ref<InFlightDiagnostic()> emitError,
                                   StringRef templateName,
                                   DictionaryAttr params) {
  const ScheduleTemplateDecl *decl = lookupScheduleTemplate(templateName);
  if (!decl) {
    std::string known;
    for (const ScheduleTemplateDecl &other : getScheduleTemplates())
      known += (known.empty() ? "" : ", ") + other.name.str();
    return emitError() << "unknown kernel template '" << templateName
                       << "' (known templates: " << known << ")";
  }
  if (!params)
    return emitError() << "schedule '" << templateName
                       << "' has no parameter dictionary";
  for (NamedAttribute entry : params) {
    StringRef name = entry.getName().getValue();
    const ScheduleParamDecl *param = decl->findParam(name);
    if (!param) {
      std::string names;
      for (const ScheduleParamDecl &other : decl->params)
        names += (names.empty() ? "" : ", ") + other.name.str();
      return emitError() << "kernel template '" << templateName
                         << "' has no parameter '" << name
                         << "' (parameters: " << names << ")";
    }
    auto value = dyn_cast<IntegerAttr>(entry.getValue());
    if (!value)
      return emitError() << "parameter '" << name << "' of kernel template '"
                         << templateName << "' must be an integer, got "
                         << entry.getValue();
    int64_t number = value.getValue().getSExtValue();
    if (!param->isLegal(number))
      return emitError() << "parameter '" << name << "' of kernel template '"
                         << templateName << "' is " << number
                         << ", must be one of " << param->choicesString();
  }
  return success();
}

std::optional<int64_t> ScheduleAttr::getParam(StringRef name) const {
  if (auto value = getParams().getAs<IntegerAttr>(name))
    return value.getValue().getSExtValue();
  const ScheduleTemplateDecl *decl = lookupScheduleTemplate(getTemplateName());
  if (!decl)
    return std::nullopt;
  if (const ScheduleParamDecl *param = decl->findParam(name))
    return param->defaultValue;
  return std::nullopt;
}

//===----------------------------------------------------------------------===//
// Dialect
//===----------------------------------------------------------------------===//

void MixDialect::initialize() {
  addOperations<
#define GET_OP_LIST
#include "mixc/Dialect/Mix/MixOps.cpp.inc"
      >();
  addAttributes<
#define GET_ATTRDEF_LIST
#include "mixc/Dialect/Mix/MixAttrs.cpp.inc"
      >();
}
