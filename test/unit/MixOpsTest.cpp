//===- MixOpsTest.cpp - Building mix ops from C++ -------------------------===//
//
// Builds every mix op through its C++ builder (as the importer and the passes
// do), checks the derived result types and that the result verifies, and
// checks #mix.schedule construction, defaults and the schedule-vs-op check.
//
//===----------------------------------------------------------------------===//

#include "mixc/Dialect/Mix/MixOps.h"
#include "mixc/Dialect/Mix/ScheduleTemplates.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/Verifier.h"

#include <gtest/gtest.h>

#include <cmath>

using namespace mlir;
using namespace mixc::mix;

namespace {

/// A module with one function whose arguments have the given types; ops are
/// built at the end of its body.
class MixOpsTest : public ::testing::Test {
protected:
  MixOpsTest() : builder(&context) {
    context.loadDialect<MixDialect, func::FuncDialect, arith::ArithDialect>();
    // Collect diagnostics instead of printing them.
    handler = std::make_unique<ScopedDiagnosticHandler>(
        &context, [this](Diagnostic &diag) {
          diagnostics.push_back(diag.str());
          return success();
        });
  }

  /// Starts a function with arguments of `types`, returns its arguments.
  SmallVector<Value> function(ArrayRef<Type> types) {
    module = ModuleOp::create(builder.getUnknownLoc());
    builder.setInsertionPointToEnd(module->getBody());
    auto func = func::FuncOp::create(builder, builder.getUnknownLoc(), "f",
                                     builder.getFunctionType(types, {}));
    Block *body = func.addEntryBlock();
    builder.setInsertionPointToEnd(body);
    return SmallVector<Value>(body->getArguments());
  }

  RankedTensorType tensor(ArrayRef<int64_t> shape, Type elementType = {}) {
    return RankedTensorType::get(shape, elementType ? elementType
                                                    : builder.getF32Type());
  }

  /// Verifies `op`, returning the collected diagnostics joined.
  bool verifies(Operation *op) {
    diagnostics.clear();
    return succeeded(verify(op));
  }
  std::string lastDiagnostic() const {
    return diagnostics.empty() ? std::string() : diagnostics.back();
  }

  Location loc() { return builder.getUnknownLoc(); }

  MLIRContext context;
  OpBuilder builder;
  OwningOpRef<ModuleOp> module;
  std::vector<std::string> diagnostics;
  std::unique_ptr<ScopedDiagnosticHandler> handler;
};

TEST_F(MixOpsTest, AttentionBuilderDerivesOutputAndScale) {
  Type bf16 = builder.getBF16Type();
  auto args =
      function({tensor({2, 8, 100, 64}, bf16), tensor({2, 2, 300, 64}, bf16),
                tensor({2, 2, 300, 32}, bf16)});
  auto op = AttentionOp::create(builder, loc(), args[0], args[1], args[2],
                                /*causal=*/true);
  EXPECT_TRUE(verifies(op)) << lastDiagnostic();
  EXPECT_EQ(op.getOutput().getType(), tensor({2, 8, 100, 32}, bf16));
  EXPECT_FALSE(op.getLse());
  EXPECT_TRUE(op.getCausal());
  EXPECT_EQ(op.getSinkTokens(), 0);
  ASSERT_TRUE(op.getEffectiveScale().has_value());
  EXPECT_DOUBLE_EQ(*op.getEffectiveScale(), 0.125);
  op.setScaleAttr(builder.getF32FloatAttr(0.5f));
  EXPECT_DOUBLE_EQ(*op.getEffectiveScale(), 0.5);
}

TEST_F(MixOpsTest, AttentionWithAllOptionalPartsVerifies) {
  Type bf16 = builder.getBF16Type();
  auto args =
      function({tensor({2, 8, 100, 64}, bf16), tensor({2, 2, 300, 64}, bf16),
                tensor({2, 2, 300, 64}, bf16),
                tensor({1, 8, 100, 300}), // bias, broadcast batch
                tensor({2, 1, 2, 5}, builder.getI1Type())});
  auto op = AttentionOp::create(
      builder, loc(), tensor({2, 8, 100, 64}, bf16), tensor({2, 8, 100}),
      args[0], args[1], args[2], args[3], args[4],
      builder.getF32FloatAttr(0.1f), /*causal=*/false,
      builder.getI64IntegerAttr(128), builder.getI64IntegerAttr(16),
      /*sink_tokens=*/4, builder.getDenseI64ArrayAttr({64, 64}),
      ScheduleAttr());
  EXPECT_TRUE(verifies(op)) << lastDiagnostic();
  EXPECT_TRUE(op.getLse());
  EXPECT_EQ(op.getBlockSizes()->size(), 2u);
}

TEST_F(MixOpsTest, AttentionVerifierRejectsIndivisibleHeads) {
  auto args = function(
      {tensor({1, 8, 16, 64}), tensor({1, 3, 16, 64}), tensor({1, 3, 16, 64})});
  auto op = AttentionOp::create(builder, loc(), args[0], args[1], args[2]);
  EXPECT_FALSE(verifies(op));
  EXPECT_EQ(lastDiagnostic(),
            "'mix.attention' op key head count (3) must divide query head "
            "count (8)");
}

TEST_F(MixOpsTest, DynamicDimsAreNeverRejected) {
  int64_t dyn = ShapedType::kDynamic;
  auto args = function({tensor({dyn, 8, dyn, 64}), tensor({dyn, dyn, dyn, 64}),
                        tensor({dyn, dyn, dyn, dyn})});
  auto op = AttentionOp::create(builder, loc(), args[0], args[1], args[2]);
  EXPECT_TRUE(verifies(op)) << lastDiagnostic();
  EXPECT_EQ(op.getOutput().getType(), tensor({dyn, 8, dyn, dyn}));
}

TEST_F(MixOpsTest, LinearAttentionBuilder) {
  auto args = function(
      {tensor({1, 4, 32, 16}), tensor({1, 4, 32, 16}), tensor({1, 4, 32, 8})});
  auto op = LinearAttentionOp::create(builder, loc(), args[0], args[1], args[2],
                                      FeatureMap::elu_plus_one);
  EXPECT_TRUE(verifies(op)) << lastDiagnostic();
  EXPECT_EQ(op.getOutput().getType(), tensor({1, 4, 32, 8}));
  EXPECT_EQ(op.getFeatureMap(), FeatureMap::elu_plus_one);
  EXPECT_TRUE(op.getCausal());
  EXPECT_FALSE(op.getNormalize());
}

TEST_F(MixOpsTest, SelectiveScanBuilder) {
  Type f16 = builder.getF16Type();
  auto args = function({tensor({2, 64, 33}, f16), tensor({2, 64, 33}, f16),
                        tensor({64, 16}), tensor({2, 4, 16, 33}, f16),
                        tensor({2, 4, 16, 33}, f16), tensor({64})});
  auto op = SelectiveScanOp::create(builder, loc(), args[0], args[1], args[2],
                                    args[3], args[4], args[5],
                                    ScanDirection::bidirectional);
  EXPECT_TRUE(verifies(op)) << lastDiagnostic();
  EXPECT_EQ(op.getY().getType(), tensor({2, 64, 33}, f16));
  EXPECT_EQ(op.getDirection(), ScanDirection::bidirectional);
  EXPECT_FALSE(op.getZ());
}

TEST_F(MixOpsTest, SSDBuilderAndReverseIsRejected) {
  auto args =
      function({tensor({1, 40, 8, 16}), tensor({1, 40, 8}), tensor({8}),
                tensor({1, 40, 2, 32}), tensor({1, 40, 2, 32}), tensor({8})});
  auto op = SSDOp::create(builder, loc(), args[0], args[1], args[2], args[3],
                          args[4], args[5]);
  EXPECT_TRUE(verifies(op)) << lastDiagnostic();
  EXPECT_EQ(op.getY().getType(), args[0].getType());
  EXPECT_EQ(op.getDirection(), ScanDirection::forward);

  op.setDirection(ScanDirection::reverse);
  EXPECT_FALSE(verifies(op));
  EXPECT_NE(lastDiagnostic().find("'reverse' is not an SSD form"),
            std::string::npos)
      << lastDiagnostic();
}

TEST_F(MixOpsTest, MonarchBuilderDerivesOutputSize) {
  // n = 4 blocks x 8 inputs; intermediate 4 x 6 = 24 = 3 blocks x 8; output
  // 3 blocks x 5 = 15.
  auto args = function({tensor({7, 32}), tensor({4, 6, 8}), tensor({3, 5, 8})});
  auto op = MonarchOp::create(builder, loc(), args[0], args[1], args[2]);
  EXPECT_TRUE(verifies(op)) << lastDiagnostic();
  EXPECT_EQ(op.getY().getType(), tensor({7, 15}));
}

TEST_F(MixOpsTest, PermuteBuilderAndConstantIndices) {
  auto args = function({tensor({2, 4, 3, 8})});
  auto indexType = RankedTensorType::get({4, 3}, builder.getI32Type());
  auto good = arith::ConstantOp::create(
      builder, loc(),
      DenseIntElementsAttr::get(
          indexType, ArrayRef<int32_t>{2, 0, 1, 0, 1, 2, 1, 2, 0, 2, 1, 0}));
  auto op = PermuteOp::create(builder, loc(), args[0], good, /*axis=*/2,
                              /*inverse=*/true);
  EXPECT_TRUE(verifies(op)) << lastDiagnostic();
  EXPECT_TRUE(op.getInverse());
  EXPECT_EQ(op.getOutput().getType(), args[0].getType());

  auto bad = arith::ConstantOp::create(
      builder, loc(),
      DenseIntElementsAttr::get(
          indexType, ArrayRef<int32_t>{2, 0, 1, 0, 1, 2, 1, 1, 0, 2, 1, 0}));
  auto badOp = PermuteOp::create(builder, loc(), args[0], bad, 2);
  EXPECT_FALSE(verifies(badOp));
  EXPECT_EQ(lastDiagnostic(), "'mix.permute' op indices row 2 is not a "
                              "permutation of 0..2: value 1 appears twice");
}

TEST_F(MixOpsTest, ScheduleParamsFallBackToTemplateDefaults) {
  auto params = builder.getDictionaryAttr(
      {builder.getNamedAttr("block_m", builder.getI64IntegerAttr(64))});
  auto schedule =
      ScheduleAttr::get(&context, StringRef("attention.mma_sync"), params);
  EXPECT_EQ(schedule.getParam("block_m"), 64);
  const ScheduleTemplateDecl *decl =
      lookupScheduleTemplate("attention.mma_sync");
  EXPECT_EQ(schedule.getParam("block_n"),
            decl->findParam("block_n")->defaultValue);
  EXPECT_EQ(schedule.getParam("no_such_parameter"), std::nullopt);
}

TEST_F(MixOpsTest, ScheduleGetCheckedRejectsIllegalValues) {
  auto params = builder.getDictionaryAttr(
      {builder.getNamedAttr("block_m", builder.getI64IntegerAttr(96))});
  diagnostics.clear();
  auto schedule = ScheduleAttr::getChecked(
      loc(), &context, StringRef("attention.mma_sync"), params);
  EXPECT_FALSE(schedule);
  EXPECT_EQ(lastDiagnostic(), "parameter 'block_m' of kernel template "
                              "'attention.mma_sync' is 96, must be one of 64, "
                              "128");
  EXPECT_FALSE(ScheduleAttr::getChecked(loc(), &context,
                                        StringRef("attention.nope"),
                                        builder.getDictionaryAttr({})));
}

TEST_F(MixOpsTest, ScheduleIsCheckedAgainstTheOp) {
  Type bf16 = builder.getBF16Type();
  auto args =
      function({tensor({1, 4, 64, 64}, bf16), tensor({1, 4, 64, 64}, bf16),
                tensor({1, 4, 64, 64}, bf16)});
  auto op = AttentionOp::create(builder, loc(), args[0], args[1], args[2]);
  auto scheduled = cast<ScheduledOpInterface>(op.getOperation());
  EXPECT_FALSE(scheduled.getScheduleAttr());

  scheduled.setScheduleAttr(ScheduleAttr::get(
      &context, StringRef("attention.wgmma"), builder.getDictionaryAttr({})));
  EXPECT_TRUE(verifies(op)) << lastDiagnostic();
  EXPECT_EQ(op.getScheduleAttr().getTemplateName(), "attention.wgmma");

  scheduled.setScheduleAttr(ScheduleAttr::get(
      &context, StringRef("ssd.chunked"), builder.getDictionaryAttr({})));
  EXPECT_FALSE(verifies(op));
  EXPECT_EQ(lastDiagnostic(),
            "'mix.attention' op schedule template 'ssd.chunked' lowers "
            "'mix.ssd', not 'mix.attention' (templates for 'mix.attention': "
            "attention.mma_sync, attention.wgmma)");

  scheduled.setScheduleAttr(nullptr);
  EXPECT_FALSE(op.getScheduleAttr());
}

TEST_F(MixOpsTest, EveryOpHasAScheduleTemplate) {
  auto *dialect = context.getLoadedDialect<MixDialect>();
  int ops = 0;
  for (RegisteredOperationName name : context.getRegisteredOperations()) {
    if (&name.getDialect() != dialect)
      continue;
    ++ops;
    EXPECT_TRUE(name.hasInterface<ScheduledOpInterface>())
        << name.getStringRef().str();
    EXPECT_FALSE(getScheduleTemplatesForOp(name.getStringRef()).empty())
        << name.getStringRef().str();
  }
  EXPECT_EQ(ops, 6);
}

} // namespace
