//===- ScheduleTemplatesTest.cpp - The kernel-template table --------------===//
//
// Checks the declarations every schedule consumer (verifier, kernel builders,
// tuner) reads: names are well formed and unique, every parameter has a
// non-empty ascending set of legal values containing its default.
//
//===----------------------------------------------------------------------===//

#include "mixc/Dialect/Mix/ScheduleTemplates.h"

#include "llvm/ADT/StringSet.h"

#include <gtest/gtest.h>

using namespace mixc::mix;

TEST(ScheduleTemplates, NamesAreUniqueAndNameTheirOpFamily) {
  llvm::StringSet<> names;
  ASSERT_FALSE(getScheduleTemplates().empty());
  for (const ScheduleTemplateDecl &decl : getScheduleTemplates()) {
    EXPECT_TRUE(names.insert(decl.name).second) << decl.name.str();
    ASSERT_TRUE(decl.opName.starts_with("mix.")) << decl.opName.str();
    // "attention.mma_sync" lowers "mix.attention".
    auto [family, variant] = decl.name.split('.');
    EXPECT_EQ("mix." + family.str(), decl.opName.str()) << decl.name.str();
    EXPECT_FALSE(variant.empty()) << decl.name.str();
    EXPECT_FALSE(decl.description.empty()) << decl.name.str();
  }
}

TEST(ScheduleTemplates, ParametersHaveLegalDefaults) {
  for (const ScheduleTemplateDecl &decl : getScheduleTemplates()) {
    ASSERT_FALSE(decl.params.empty()) << decl.name.str();
    llvm::StringSet<> paramNames;
    for (const ScheduleParamDecl &param : decl.params) {
      SCOPED_TRACE(decl.name.str() + "." + param.name.str());
      EXPECT_TRUE(paramNames.insert(param.name).second);
      EXPECT_FALSE(param.description.empty());
      ASSERT_FALSE(param.choices.empty());
      EXPECT_TRUE(std::is_sorted(param.choices.begin(), param.choices.end()));
      EXPECT_EQ(std::adjacent_find(param.choices.begin(), param.choices.end()),
                param.choices.end());
      EXPECT_TRUE(param.isLegal(param.defaultValue));
      EXPECT_EQ(decl.findParam(param.name), &param);
    }
    EXPECT_EQ(decl.findParam("no_such_parameter"), nullptr);
  }
}

TEST(ScheduleTemplates, LookupByNameAndByOp) {
  const ScheduleTemplateDecl *mmaSync =
      lookupScheduleTemplate("attention.mma_sync");
  ASSERT_NE(mmaSync, nullptr);
  EXPECT_EQ(mmaSync->opName, "mix.attention");
  EXPECT_EQ(lookupScheduleTemplate("attention.unknown"), nullptr);
  EXPECT_EQ(lookupScheduleTemplate(""), nullptr);

  std::vector<const ScheduleTemplateDecl *> attention =
      getScheduleTemplatesForOp("mix.attention");
  ASSERT_EQ(attention.size(), 2u);
  EXPECT_EQ(attention.front(), mmaSync) << "the first template is the default";
  EXPECT_TRUE(getScheduleTemplatesForOp("mix.unknown").empty());
  EXPECT_EQ(templateNamesForOp("mix.attention"),
            "attention.mma_sync, attention.wgmma");
  EXPECT_EQ(templateNamesForOp("mix.unknown"), "none");
}

TEST(ScheduleTemplates, LegalValuesAndTheirText) {
  const ScheduleParamDecl *blockM =
      lookupScheduleTemplate("attention.mma_sync")->findParam("block_m");
  ASSERT_NE(blockM, nullptr);
  EXPECT_TRUE(blockM->isLegal(64));
  EXPECT_TRUE(blockM->isLegal(128));
  EXPECT_FALSE(blockM->isLegal(96));
  EXPECT_FALSE(blockM->isLegal(-64));
  EXPECT_EQ(blockM->choicesString(), "64, 128");
}

TEST(ScheduleTemplates, ParameterValuesThatNeedAChip) {
  EXPECT_EQ(chipVersion("sm_90a"), 90);
  EXPECT_EQ(chipVersion("sm_80"), 80);
  EXPECT_EQ(chipVersion("gfx90a"), 0);

  // monarch.fused: clusters (cluster > 1) and TMA (tma = 1) need sm_90.
  const ScheduleTemplateDecl *monarch = lookupScheduleTemplate("monarch.fused");
  ASSERT_NE(monarch, nullptr);
  std::vector<int64_t> sm90 = defaultValues(*monarch, "sm_90a");
  std::vector<int64_t> sm80 = defaultValues(*monarch, "sm_80");
  size_t cluster = monarch->findParam("cluster") - monarch->params.data();
  size_t tma = monarch->findParam("tma") - monarch->params.data();
  EXPECT_EQ(sm90[cluster], 2);
  EXPECT_EQ(sm80[cluster], 1);
  for (size_t i = 0; i < sm90.size(); ++i)
    if (i != cluster) {
      EXPECT_EQ(sm80[i], sm90[i]) << monarch->params[i].name.str();
    }
  EXPECT_TRUE(monarch->runsOn("sm_90a", sm90));
  EXPECT_FALSE(monarch->runsOn("sm_80", sm90));
  EXPECT_TRUE(monarch->runsOn("sm_80", sm80));
  std::vector<int64_t> boxed = sm80;
  boxed[tma] = 1;
  EXPECT_FALSE(monarch->runsOn("sm_80", boxed));
  EXPECT_TRUE(monarch->runsOn("sm_90a", boxed));

  // A template-level chip still decides first.
  const ScheduleTemplateDecl *wgmma = lookupScheduleTemplate("attention.wgmma");
  ASSERT_NE(wgmma, nullptr);
  EXPECT_FALSE(wgmma->runsOn("sm_80", defaultValues(*wgmma, "sm_80")));
  EXPECT_TRUE(wgmma->runsOn("sm_90a", defaultValues(*wgmma, "sm_90a")));
}
