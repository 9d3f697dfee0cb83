//===- BuilderAgreementTest.cpp - The space against the real builder ------===//
//
// The schedule space is only right if it agrees with the kernel builder it
// describes. For a few attention ops (parsed from MLIR, read back with
// describeOp) every schedule of the space lowers through
// --convert-mix-to-gpu without error, and every other point of the product
// of declared choices is refused by it. A rule changed in
// passes/KernelBuilders/Attention.cpp and not in costmodel/ScheduleSpace.cpp
// fails here.
//
//===----------------------------------------------------------------------===//

#include "RegisterMix.h"

#include "mixc/CostModel/ScheduleSpace.h"
#include "mixc/Dialect/Mix/MixOps.h"
#include "mixc/Dialect/Mix/ScheduleTemplates.h"
#include "mixc/Passes/Passes.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/PassManager.h"

#include <gtest/gtest.h>

using namespace mlir;
using namespace mixc;
using namespace mixc::costmodel;

namespace {

struct AttentionCase {
  const char *name;
  int64_t queryHeads, keyHeads, length, headDim, valueDim;
  const char *type;
  const char *attrs; // besides the schedule
};

std::string moduleText(const AttentionCase &c, const std::string &schedule,
                       const char *templateName = "attention.mma_sync") {
  auto tensor = [&](int64_t heads, int64_t dim) {
    return "tensor<1x" + std::to_string(heads) + "x" +
           std::to_string(c.length) + "x" + std::to_string(dim) + "x" + c.type +
           ">";
  };
  std::string q = tensor(c.queryHeads, c.headDim);
  std::string k = tensor(c.keyHeads, c.headDim);
  std::string v = tensor(c.keyHeads, c.valueDim);
  std::string o = tensor(c.queryHeads, c.valueDim);
  std::string attrs = c.attrs;
  if (!schedule.empty())
    attrs += std::string(attrs.empty() ? "" : ", ") +
             "schedule = #mix.schedule<" + templateName + ", {" + schedule +
             "}>";
  return "func.func @f(%q: " + q + ", %k: " + k + ", %v: " + v + ") -> " + o +
         " {\n  %o = mix.attention %q, %k, %v {" + attrs + "} : (" + q + ", " +
         k + ", " + v + ") -> " + o + "\n  return %o : " + o + "\n}\n";
}

class BuilderAgreementTest : public ::testing::Test {
protected:
  BuilderAgreementTest() {
    DialectRegistry registry;
    registerMixcDialects(registry);
    context.appendDialectRegistry(registry);
    context.loadAllAvailableDialects();
    handler = std::make_unique<ScopedDiagnosticHandler>(
        &context, [this](Diagnostic &diag) {
          diagnostics += diag.str() + "\n";
          return success();
        });
  }

  OwningOpRef<ModuleOp> parse(const std::string &text) {
    diagnostics.clear();
    return parseSourceString<ModuleOp>(text, &context);
  }

  /// Runs --convert-mix-to-gpu; the diagnostics are in `diagnostics`.
  bool lowers(ModuleOp module) {
    diagnostics.clear();
    PassManager pm(&context);
    pm.addPass(createConvertMixToGpu());
    return succeeded(pm.run(module));
  }

  /// Lowers the op of `moduleText(schedule)` at every point of the product
  /// of `templateName`'s choices: the points of its space (built from the
  /// op as describeOp reads it) must lower, the others must be refused with
  /// a message about the schedule. Counts both.
  void expectBuilderAgrees(
      llvm::StringRef templateName,
      llvm::function_ref<std::string(const std::string &)> moduleText,
      size_t &members, size_t &outside,
      llvm::function_ref<bool(const IntegerPoint &)> keep = nullptr) {
    const mix::ScheduleTemplateDecl *decl =
        mix::lookupScheduleTemplate(templateName);
    ASSERT_TRUE(decl);
    OwningOpRef<ModuleOp> probe = parse(moduleText(""));
    ASSERT_TRUE(probe) << diagnostics;
    Operation *op = nullptr;
    probe->walk([&](mix::ScheduledOpInterface scheduled) { op = scheduled; });
    auto shape = describeOp(op);
    ASSERT_TRUE(static_cast<bool>(shape)) << llvm::toString(shape.takeError());
    auto space = ScheduleSpace::get(*shape, templateName);
    ASSERT_TRUE(static_cast<bool>(space)) << llvm::toString(space.takeError());
    std::string refusal = ("schedule '" + templateName + "'").str();
    for (const IntegerPoint &point : cartesianChoices(*decl)) {
      if (keep && !keep(point))
        continue;
      std::string schedule;
      for (auto [param, value] : llvm::zip(decl->params, point))
        schedule += (schedule.empty() ? "" : ", ") + param.name.str() + " = " +
                    std::to_string(value);
      SCOPED_TRACE(schedule);
      OwningOpRef<ModuleOp> module = parse(moduleText(schedule));
      ASSERT_TRUE(module) << diagnostics;
      bool legal = space->contains(point);
      EXPECT_EQ(lowers(*module), legal) << diagnostics;
      if (!legal) {
        EXPECT_NE(diagnostics.find(refusal), std::string::npos) << diagnostics;
      }
      members += legal;
      outside += !legal;
    }
  }

  MLIRContext context{MLIRContext::Threading::DISABLED};
  std::unique_ptr<ScopedDiagnosticHandler> handler;
  std::string diagnostics;
};

TEST_F(BuilderAgreementTest, AttentionMmaSyncSpaceIsWhatTheBuilderLowers) {
  AttentionCase cases[] = {
      {"causal-d64", 2, 2, 256, 64, 64, "bf16", "causal"},
      {"window-d128-f16", 2, 2, 333, 128, 128, "f16",
       "window_left = 40, window_right = 24"},
      {"gqa-dv128", 4, 2, 100, 64, 128, "bf16", "causal"},
      {"d32-dv16", 2, 2, 77, 32, 16, "bf16", ""},
      {"d256", 1, 1, 64, 256, 256, "bf16", ""},
  };
  size_t members = 0, outside = 0;
  for (const AttentionCase &c : cases) {
    SCOPED_TRACE(c.name);
    expectBuilderAgrees(
        "attention.mma_sync",
        [&](const std::string &schedule) { return moduleText(c, schedule); },
        members, outside);
  }
  // Both sides were exercised.
  EXPECT_GE(members, 40u);
  EXPECT_GE(outside, 40u);
}

TEST_F(BuilderAgreementTest, AttentionWgmmaSpaceIsWhatTheBuilderLowers) {
  AttentionCase cases[] = {
      {"causal-d64", 2, 2, 256, 64, 64, "bf16", "causal"},
      {"window-d128-f16", 2, 2, 333, 128, 128, "f16",
       "window_left = 40, window_right = 24"},
      {"gqa-d64-dv128", 4, 2, 100, 64, 128, "bf16", "causal"},
      {"d256", 1, 1, 64, 256, 256, "bf16", ""},
  };
  size_t members = 0, outside = 0;
  for (const AttentionCase &c : cases) {
    SCOPED_TRACE(c.name);
    expectBuilderAgrees(
        "attention.wgmma",
        [&](const std::string &schedule) {
          return moduleText(c, schedule, "attention.wgmma");
        },
        members, outside);
  }
  EXPECT_GE(members, 40u);
  EXPECT_GE(outside, 40u);
}

struct SsdCase {
  const char *name;
  int64_t length, heads, headDim, groups, stateDim;
  const char *type, *resultType;
};

std::string ssdModuleText(const SsdCase &c, const std::string &schedule) {
  std::string l = std::to_string(c.length), h = std::to_string(c.heads);
  std::string x = "tensor<1x" + l + "x" + h + "x" + std::to_string(c.headDim) +
                  "x" + c.type + ">";
  std::string y = "tensor<1x" + l + "x" + h + "x" + std::to_string(c.headDim) +
                  "x" + c.resultType + ">";
  std::string dt = "tensor<1x" + l + "x" + h + "xf32>";
  std::string a = "tensor<" + h + "xf32>";
  std::string bc = "tensor<1x" + l + "x" + std::to_string(c.groups) + "x" +
                   std::to_string(c.stateDim) + "x" + c.type + ">";
  std::string attrs =
      schedule.empty()
          ? ""
          : " {schedule = #mix.schedule<ssd.chunked, {" + schedule + "}>}";
  return "func.func @f(%x: " + x + ", %dt: " + dt + ", %a: " + a +
         ", %b: " + bc + ", %c: " + bc + ") -> " + y +
         " {\n  %y = mix.ssd %x, %dt, %a, %b, %c" + attrs + " : (" + x + ", " +
         dt + ", " + a + ", " + bc + ", " + bc + ") -> " + y +
         "\n  return %y : " + y + "\n}\n";
}

TEST_F(BuilderAgreementTest, SsdChunkedSpaceIsWhatTheBuilderLowers) {
  SsdCase cases[] = {
      {"p64-n128", 100, 4, 64, 1, 128, "bf16", "bf16"},
      {"p32-n64-f16-groups", 77, 4, 32, 2, 64, "f16", "f32"},
      {"p128-n256", 300, 2, 128, 1, 256, "bf16", "bf16"},
  };
  size_t members = 0, outside = 0;
  for (const SsdCase &c : cases) {
    SCOPED_TRACE(c.name);
    expectBuilderAgrees(
        "ssd.chunked",
        [&](const std::string &schedule) { return ssdModuleText(c, schedule); },
        members, outside);
  }
  EXPECT_GE(members, 40u);
  EXPECT_GE(outside, 40u);
}

struct MonarchCase {
  const char *name;
  const char *x;      // x's shape and type, e.g. "4x100x1024xbf16"
  const char *first;  // [k, q, p]
  const char *second; // [l, s, r]
  const char *y;
};

std::string monarchModuleText(const MonarchCase &c,
                              const std::string &schedule) {
  std::string x = std::string("tensor<") + c.x + ">";
  std::string first = std::string("tensor<") + c.first + ">";
  std::string second = std::string("tensor<") + c.second + ">";
  std::string y = std::string("tensor<") + c.y + ">";
  std::string attrs =
      schedule.empty()
          ? ""
          : " {schedule = #mix.schedule<monarch.fused, {" + schedule + "}>}";
  return "func.func @f(%x: " + x + ", %r: " + first + ", %l: " + second +
         ") -> " + y + " {\n  %y = mix.monarch %x, %r, %l" + attrs + " : (" +
         x + ", " + first + ", " + second + ") -> " + y +
         "\n  return %y : " + y + "\n}\n";
}

TEST_F(BuilderAgreementTest, MonarchFusedSpaceIsWhatTheBuilderLowers) {
  MonarchCase cases[] = {
      {"square-1024", "4x100x1024xbf16", "32x32x32xbf16", "32x32x32xbf16",
       "4x100x1024xbf16"},
      {"rectangular-f32-result", "300x512xf16", "8x32x64xf16", "16x64x16xf16",
       "300x1024xf32"},
      {"square-4096", "64x4096xbf16", "64x64x64xbf16", "64x64x64xbf16",
       "64x4096xbf16"},
  };
  const mix::ScheduleTemplateDecl *decl =
      mix::lookupScheduleTemplate("monarch.fused");
  ASSERT_TRUE(decl && decl->findParam("tiles"));
  size_t tilesIndex = decl->findParam("tiles") - decl->params.data();
  size_t members = 0, outside = 0;
  for (const MonarchCase &c : cases) {
    SCOPED_TRACE(c.name);
    expectBuilderAgrees(
        "monarch.fused",
        [&](const std::string &schedule) {
          return monarchModuleText(c, schedule);
        },
        members, outside,
        // Only the extremes of `tiles`, which shapes no buffer: a third of
        // the product, every other parameter in full.
        [&](const IntegerPoint &point) {
          return point[tilesIndex] == 1 || point[tilesIndex] == 16;
        });
  }
  EXPECT_GE(members, 40u);
  EXPECT_GE(outside, 40u);
}

TEST_F(BuilderAgreementTest, DescribeOpReadsTheSchedule) {
  AttentionCase c = {"lse", 8,  2,      130,
                     64,    64, "bf16", "causal, window_left = 64"};
  OwningOpRef<ModuleOp> module =
      parse(moduleText(c, "block_n = 32, stages = 3"));
  ASSERT_TRUE(module) << diagnostics;
  Operation *op = nullptr;
  module->walk([&](mix::AttentionOp attention) { op = attention; });
  auto shape = describeOp(op);
  ASSERT_TRUE(static_cast<bool>(shape)) << llvm::toString(shape.takeError());
  const AttentionShape *attention = shape->getAttention();
  ASSERT_TRUE(attention);
  EXPECT_EQ(attention->queryHeads, 8);
  EXPECT_EQ(attention->keyHeads, 2);
  EXPECT_EQ(attention->queryLength, 130);
  EXPECT_EQ(attention->elementType, "bf16");
  EXPECT_EQ(attention->elementBytes, 2);
  EXPECT_TRUE(attention->causal);
  EXPECT_EQ(attention->windowLeft, std::optional<int64_t>(64));
  EXPECT_FALSE(attention->windowRight.has_value());
  EXPECT_EQ(shape->scheduleTemplate,
            std::optional<std::string>("attention.mma_sync"));
  // Unset parameters take the template defaults (block_m 128, warps 8).
  EXPECT_EQ(shape->scheduleValues,
            (llvm::SmallVector<int64_t, 8>{128, 32, 8, 3}));
}

} // namespace
