#include "processors/value_convert.h"

#include <gtest/gtest.h>

namespace goldset::processors {
namespace {

TEST(ValueConvert, Numbers) {
  EXPECT_DOUBLE_EQ(*ParseNumber("1,234.50"), 1234.5);
  EXPECT_DOUBLE_EQ(*ParseNumber("Total: $ 12,345,678.9"), 12345678.9);
  EXPECT_DOUBLE_EQ(*ParseNumber("1.234,50 EUR"), 1234.5);
  EXPECT_DOUBLE_EQ(*ParseNumber("12,50"), 12.5);
  EXPECT_DOUBLE_EQ(*ParseNumber("1,234"), 1234);
  EXPECT_DOUBLE_EQ(*ParseNumber("(42.00)"), -42);
  EXPECT_DOUBLE_EQ(*ParseNumber("-7"), -7);
  EXPECT_DOUBLE_EQ(*ParseNumber("qty 3"), 3);
  EXPECT_FALSE(ParseNumber("none").has_value());
}

TEST(ValueConvert, Currency) {
  auto usd = ParseCurrency("$1,200.50");
  ASSERT_TRUE(usd);
  EXPECT_DOUBLE_EQ(*usd->amount, 1200.5);
  EXPECT_EQ(*usd->code, "USD");
  EXPECT_EQ(*ParseCurrency("\xE2\x82\xAC 99")->code, "EUR");
  EXPECT_EQ(*ParseCurrency("\xC2\xA3"
                           "5.00")
                 ->code,
            "GBP");
  EXPECT_EQ(*ParseCurrency("EUR 1.234,00")->code, "EUR");
  EXPECT_DOUBLE_EQ(*ParseCurrency("EUR 1.234,00")->amount, 1234);
  EXPECT_FALSE(ParseCurrency("12.00")->code.has_value());
  EXPECT_FALSE(ParseCurrency("nothing").has_value());
}

TEST(ValueConvert, BooleansAndEnums) {
  EXPECT_EQ(ParseBool("Yes"), true);
  EXPECT_EQ(ParseBool("[x]"), true);
  EXPECT_EQ(ParseBool("false"), false);
  EXPECT_FALSE(ParseBool("maybe").has_value());
  std::vector<std::string> opts = {"paid", "unpaid", "partially_paid"};
  EXPECT_EQ(*ClosestOption("PAID", opts), "paid");
  EXPECT_EQ(*ClosestOption("Partially paid", opts), "partially_paid");
  EXPECT_EQ(*ClosestOption("Status: unpaid", opts), "unpaid");
  EXPECT_EQ(*ClosestOption("unpiad", opts), "unpaid");
  EXPECT_FALSE(ClosestOption("zebra", opts).has_value());
}

}  // namespace
}  // namespace goldset::processors
