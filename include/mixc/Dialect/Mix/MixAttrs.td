//===- MixAttrs.td - Enums and the #mix.schedule attribute -----*- tablegen -*-===//
//
// Enumerations used by the mix ops (feature maps, scan directions) and the
// `#mix.schedule` attribute: the one attribute every lowering reads to decide
// how a kernel is built, written by hand in tests and by the tuner in practice.
//
//===----------------------------------------------------------------------===//

#ifndef MIXC_DIALECT_MIX_MIXATTRS_TD
#define MIXC_DIALECT_MIX_MIXATTRS_TD

include "mixc/Dialect/Mix/MixBase.td"
include "mlir/IR/AttrTypeBase.td"
include "mlir/IR/EnumAttr.td"

//===----------------------------------------------------------------------===//
// Enums
//===----------------------------------------------------------------------===//

def Mix_FeatureMap : I32EnumAttr<"FeatureMap",
    "feature map applied to queries and keys of linear attention", [
      I32EnumAttrCase<"identity", 0>,
      I32EnumAttrCase<"elu_plus_one", 1>,
      I32EnumAttrCase<"relu", 2>,
    ]> {
  let cppNamespace = "::mixc::mix";
  let genSpecializedAttr = 0;
}
def Mix_FeatureMapAttr : EnumAttr<Mix_Dialect, Mix_FeatureMap, "feature_map"> {
  let assemblyFormat = "`<` $value `>`";
}

def Mix_ScanDirection : I32EnumAttr<"ScanDirection",
    "direction in which a state-space recurrence runs over the sequence", [
      I32EnumAttrCase<"forward", 0>,
      I32EnumAttrCase<"reverse", 1>,
      I32EnumAttrCase<"bidirectional", 2>,
    ]> {
  let cppNamespace = "::mixc::mix";
  let genSpecializedAttr = 0;
}
def Mix_ScanDirectionAttr : EnumAttr<Mix_Dialect, Mix_ScanDirection, "direction"> {
  let assemblyFormat = "`<` $value `>`";
}

//===----------------------------------------------------------------------===//
// #mix.schedule
//===----------------------------------------------------------------------===//

def Mix_ScheduleAttr : AttrDef<Mix_Dialect, "Schedule"> {
  let mnemonic = "schedule";
  let summary = "kernel template and its integer parameters for one mix op";
  let description = [{
    Names the kernel template that lowers the op to the GPU and the integer
    parameters of that template (tile sizes, warps, pipeline stages, MMA and
    TMA choices, chunk sizes). Parameters not given take the template's
    default. Templates and their legal values are declared once, in
    `ScheduleTemplates.cpp`; the verifier, the kernel builders and the tuner
    all read that declaration.

    ```mlir
    #mix.schedule<attention.mma_sync, {block_m = 128, block_n = 64, warps = 4, stages = 2}>
    ```
  }];
  let parameters = (ins
    StringRefParameter<"kernel template name, e.g. `attention.mma_sync`">:$templateName,
    AttrParameter<"::mlir::DictionaryAttr",
                  "parameter name to integer value (unset ones take the template default)">:$params
  );
  let assemblyFormat = "`<` custom<TemplateName>($templateName) `,` custom<ScheduleParams>($params) `>`";
  let genVerifyDecl = 1;
  let extraClassDeclaration = [{
    /// The value of parameter `name`: the one given, else the template's
    /// default. Returns std::nullopt for a name the template does not declare.
    std::optional<int64_t> getParam(::llvm::StringRef name) const;
  }];
}

#endif // MIXC_DIALECT_MIX_MIXATTRS_TD
