// The PostgreSQL backend's text transformations (no server needed).
#include <gtest/gtest.h>

#include "store/postgres/postgres_database.h"

namespace goldset::store {
namespace {

TEST(TranslatePlaceholders, NumbersPlaceholdersOutsideQuotesAndComments) {
  int n = 0;
  EXPECT_EQ(TranslatePlaceholders("SELECT ?, '?', \"a?\", 'it''s ?' FROM t WHERE a = ? -- ?\n AND b = ? /* ? */", &n),
            "SELECT $1, '?', \"a?\", 'it''s ?' FROM t WHERE a = $2 -- ?\n AND b = $3 /* ? */");
  EXPECT_EQ(n, 3);
  EXPECT_EQ(TranslatePlaceholders("LIKE ? ESCAPE '\\' AND c = ?", &n), "LIKE $1 ESCAPE '\\' AND c = $2");
  EXPECT_EQ(n, 2);
  EXPECT_EQ(TranslatePlaceholders("", &n), "");
  EXPECT_EQ(n, 0);
}

TEST(DecodeByteaHex, DecodesAndRejectsGarbage) {
  EXPECT_EQ(*DecodeByteaHex("\\x"), "");
  EXPECT_EQ(*DecodeByteaHex("\\x00ff41"), std::string("\0\xff"
                                                      "A",
                                                      3));
  EXPECT_FALSE(DecodeByteaHex("\\x0").ok());
  EXPECT_FALSE(DecodeByteaHex("\\xzz").ok());
  EXPECT_FALSE(DecodeByteaHex("abc").ok());
}

TEST(TakeUrlParameter, RemovesOnlyTheNamedParameter) {
  std::string url = "postgresql://u@h:1/db?sslmode=disable&goldset_statements=unnamed&application_name=x";
  EXPECT_EQ(TakeUrlParameter(&url, "goldset_statements"), "unnamed");
  EXPECT_EQ(url, "postgresql://u@h:1/db?sslmode=disable&application_name=x");
  url = "postgresql://u@h:1/db?goldset_statements=prepared";
  EXPECT_EQ(TakeUrlParameter(&url, "goldset_statements"), "prepared");
  EXPECT_EQ(url, "postgresql://u@h:1/db");
  url = "postgresql://u@h:1/db?goldset_statementsx=1";
  EXPECT_EQ(TakeUrlParameter(&url, "goldset_statements"), std::nullopt);
  EXPECT_EQ(url, "postgresql://u@h:1/db?goldset_statementsx=1");
  url = "postgresql://u@h:1/db";
  EXPECT_EQ(TakeUrlParameter(&url, "goldset_statements"), std::nullopt);
  EXPECT_FALSE(OpenPostgres("postgresql://u@127.0.0.1:1/db?goldset_statements=maybe").ok());
}

TEST(IsPostgresUrl, Schemes) {
  EXPECT_TRUE(IsPostgresUrl("postgresql://u@127.0.0.1:5432/db"));
  EXPECT_TRUE(IsPostgresUrl("postgres://u@h/db"));
  EXPECT_FALSE(IsPostgresUrl("sqlite:///tmp/x"));
  EXPECT_FALSE(IsPostgresUrl("/var/lib/goldset.db"));
}

}  // namespace
}  // namespace goldset::store
