// model/statuses.h: each status set has one spelling per value, and it reads back.
#include "model/statuses.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

namespace goldset::model {
namespace {

template <typename E, typename ParseFn>
void ExpectRoundTrip(std::initializer_list<E> all, ParseFn parse) {
  std::set<std::string> seen;
  for (E e : all) {
    std::string text = ToString(e);
    EXPECT_FALSE(text.empty());
    EXPECT_TRUE(seen.insert(text).second) << text << " spelled twice";
    ASSERT_TRUE(parse(text).has_value()) << text;
    EXPECT_EQ(*parse(text), e) << text;
  }
  EXPECT_FALSE(parse("CANCELED").has_value());  // a typo is not a status
  EXPECT_FALSE(parse("").has_value());
}

TEST(Statuses, RunStatusesRoundTrip) {
  ExpectRoundTrip({RunStatus::kPending, RunStatus::kProcessing, RunStatus::kCancelling, RunStatus::kProcessed,
                   RunStatus::kFailed, RunStatus::kCancelled},
                  ParseRunStatus);
  EXPECT_STREQ(ToString(RunStatus::kCancelling), "CANCELLING");
}

TEST(Statuses, ItemAndProcessorRunStatusesRoundTrip) {
  ExpectRoundTrip({ItemStatus::kPending, ItemStatus::kProcessing, ItemStatus::kProcessed, ItemStatus::kFailed,
                   ItemStatus::kCancelled},
                  ParseItemStatus);
  ExpectRoundTrip({ProcessorRunStatus::kPending, ProcessorRunStatus::kProcessing, ProcessorRunStatus::kProcessed,
                   ProcessorRunStatus::kFailed, ProcessorRunStatus::kCancelled},
                  ParseProcessorRunStatus);
  EXPECT_FALSE(ParseItemStatus("CANCELLING").has_value());  // only runs are cancelling
}

TEST(Statuses, DeliveryStatusesAreLowerCase) {
  ExpectRoundTrip({DeliveryStatus::kPending, DeliveryStatus::kDelivered, DeliveryStatus::kFailed}, ParseDeliveryStatus);
  EXPECT_STREQ(ToString(DeliveryStatus::kDelivered), "delivered");
  EXPECT_FALSE(ParseDeliveryStatus("PENDING").has_value());
}

}  // namespace
}  // namespace goldset::model
