// The shared date reader: ParseDate (whole strings, the comparator) and FindDate (free
// text, the extraction engines). One data case per accepted and rejected form lives
// under tests/cases/dates/.
#include "eval/dates.h"

#include <gtest/gtest.h>

namespace goldset::eval {
namespace {

std::string Found(std::string_view text, DateOrder order = DateOrder::kDefault) {
  auto d = FindDate(text, order);
  return d ? IsoDate(d->date) + "|" + std::string(text.substr(d->begin, d->end - d->begin)) : "none";
}

TEST(FindDate, FirstDateInFreeTextWithItsSpan) {
  EXPECT_EQ(Found("2024-03-15"), "2024-03-15|2024-03-15");
  EXPECT_EQ(Found("Date: March 15, 2024"), "2024-03-15|March 15, 2024");
  EXPECT_EQ(Found("15 Mar 2024"), "2024-03-15|15 Mar 2024");
  EXPECT_EQ(Found("15th of nothing 3rd-Jan-2023"), "2023-01-03|3rd-Jan-2023");
  EXPECT_EQ(Found("03/04/2024", DateOrder::kMDY), "2024-03-04|03/04/2024");
  EXPECT_EQ(Found("03/04/2024", DateOrder::kDMY), "2024-04-03|03/04/2024");
  EXPECT_EQ(Found("25/12/2024", DateOrder::kMDY), "2024-12-25|25/12/2024");  // 25 cannot be a month
  EXPECT_EQ(Found("12.25.24", DateOrder::kDMY), "2024-12-25|12.25.24");
  EXPECT_EQ(Found("25 Mar 2018 9:27PM   Table 4"), "2018-03-25|25 Mar 2018 9:27PM");
  EXPECT_EQ(Found("Paid on Mar 26, 2018, 9:27 p.m. thanks"), "2018-03-26|Mar 26, 2018, 9:27 p.m.");
  EXPECT_EQ(Found("INV-2024-03-12-7"), "2024-03-12|2024-03-12");
  EXPECT_EQ(Found("31/02/2024", DateOrder::kDMY), "none");
  EXPECT_EQ(Found("no date"), "none");
  EXPECT_EQ(Found("Qty 12 3 2024"), "none");  // numbers apart by spaces are no date
  EXPECT_EQ(Found(""), "none");
}

TEST(ParseDate, TimesOfDayAfterTheDate) {
  const CalendarDate day{2018, 3, 25};
  for (const char* s :
       {"25 Mar 2018 9:27PM", "25 Mar 2018 9:27 pm", "25 Mar 2018, 9:27 P.M.", "2018-03-25 21:27",
        "2018-03-25T21:27:05.123+02:00", "03/25/2018 21:27:05", "25.03.2018 21:27", "Mar 25, 2018 at 9:27PM",
        "25-MAR-18 09:27", "March 25th 2018 9 PM", "2018-03-25 21:27 UTC", "2018-03-25t21:27Z"}) {
    auto d = ParseDate(s, DateOrder::kDefault);
    ASSERT_TRUE(d.has_value()) << s;
    EXPECT_EQ(*d, day) << s;
  }
  for (const char* s :
       {"25 Mar 2018 25:00", "25 Mar 2018 9:60", "25 Mar 2018 13:00 PM", "25 Mar 2018 9", "25 Mar 2018 9:27XM",
        "2018-03-25 garbage", "2018-03-25T", "2018-03-25T9", "9:27PM", "25 Mar 2018 9:27 +99:00"}) {
    EXPECT_FALSE(ParseDate(s, DateOrder::kDefault).has_value()) << s;
  }
}

TEST(ParseDate, LongInputsAreLinear) {
  std::string s(100000, ' ');
  s += "25 Mar 2018";
  EXPECT_TRUE(ParseDate(s, DateOrder::kDefault).has_value());
  std::string words;
  for (int i = 0; i < 20000; ++i) words += "1 ";
  EXPECT_FALSE(FindDate(words, DateOrder::kDefault).has_value());
}

// Gregorian leap years: every 4th year, except centuries not divisible by 400.
TEST(ParseDate, LeapDaysFollowTheCenturyRule) {
  for (const char* s : {"2024-02-29", "2000-02-29", "1600-02-29", "02/29/2000"}) {
    EXPECT_TRUE(ParseDate(s, DateOrder::kDefault).has_value()) << s;
  }
  for (const char* s : {"1900-02-29", "2100-02-29", "2023-02-29", "02/29/1900", "29 Feb 1900"}) {
    EXPECT_FALSE(ParseDate(s, DateOrder::kDefault).has_value()) << s;
  }
}

// Two-digit years: 00-69 are 20xx, 70-99 are 19xx (docs/evaluation.md, dates).
TEST(ParseDate, TwoDigitYearsPivotAtSeventy) {
  auto year = [](const char* s) {
    auto d = ParseDate(s, DateOrder::kMDY);
    return d ? d->year : -1;
  };
  EXPECT_EQ(year("01/02/00"), 2000);
  EXPECT_EQ(year("01/02/69"), 2069);
  EXPECT_EQ(year("01/02/70"), 1970);
  EXPECT_EQ(year("01/02/99"), 1999);
  EXPECT_EQ(year("Jan 2, 70"), 1970);
}

}  // namespace
}  // namespace goldset::eval
