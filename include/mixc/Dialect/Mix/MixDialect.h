//===- MixDialect.h - The mix dialect, its enums and attributes -*- C++ -*-===//
//
// Declares the `mix` dialect, its enums (feature maps, scan directions) and the
// `#mix.schedule` attribute. Ops are in MixOps.h.
//
//===----------------------------------------------------------------------===//

#ifndef MIXC_DIALECT_MIX_MIXDIALECT_H
#define MIXC_DIALECT_MIX_MIXDIALECT_H

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Dialect.h"

#include "mixc/Dialect/Mix/MixDialect.h.inc"
#include "mixc/Dialect/Mix/MixEnums.h.inc"

#define GET_ATTRDEF_CLASSES
#include "mixc/Dialect/Mix/MixAttrs.h.inc"

#endif // MIXC_DIALECT_MIX_MIXDIALECT_H
