// eval/run_options.h: the one conversion of a run's stored kind and options into eval's types.
#include "eval/run_options.h"

#include <gtest/gtest.h>

namespace goldset::eval {
namespace {

TEST(RunOptions, KindOfEntityUsesTheProcessorKindNames) {
  EXPECT_EQ(KindOfEntity("extractor"), Kind::kExtractor);
  EXPECT_EQ(KindOfEntity("classifier"), Kind::kClassifier);
  EXPECT_EQ(KindOfEntity("splitter"), Kind::kSplitter);
  EXPECT_EQ(KindOfEntity("workflow"), Kind::kExtractor);  // unknown: scored as an extractor
  EXPECT_EQ(KindOfEntity(""), Kind::kExtractor);
}

TEST(RunOptions, OptionsFromStoredJson) {
  auto v = ParseJson(R"({"fuzzyMatchFields":["a",1,"b"],"excludeFields":["c"],"fuzzyThreshold":0.8})");
  ASSERT_TRUE(v.ok());
  Options o = OptionsFromJson(v->as_object());
  EXPECT_EQ(o.fuzzy_match_fields, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(o.exclude_fields, (std::vector<std::string>{"c"}));
  EXPECT_DOUBLE_EQ(o.fuzzy_threshold, 0.8);
  Options defaults = OptionsFromJson(json::object{});
  EXPECT_TRUE(defaults.fuzzy_match_fields.empty());
  EXPECT_DOUBLE_EQ(defaults.fuzzy_threshold, Options().fuzzy_threshold);
}

}  // namespace
}  // namespace goldset::eval
