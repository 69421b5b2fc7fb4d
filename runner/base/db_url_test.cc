#include "runner/base/db_url.h"

#include <gtest/gtest.h>

namespace arbiter {
namespace {

TEST(DbUrlTest, RecognizesBothPostgresSchemes) {
  EXPECT_TRUE(IsPostgresUrl("postgresql://ci@db.internal/arbiter"));
  EXPECT_TRUE(IsPostgresUrl("postgres://ci@db.internal/arbiter"));
  EXPECT_FALSE(IsPostgresUrl(".arbiter/history.db"));
  EXPECT_FALSE(IsPostgresUrl("mysql://ci@db/arbiter"));
  EXPECT_FALSE(IsPostgresUrl("dir/postgresql://x"));
}

TEST(DbUrlTest, RedactsTheUserinfoPassword) {
  EXPECT_EQ(RedactUrl("postgresql://ci:s3cret@db.internal:5432/arbiter"),
            "postgresql://ci:***@db.internal:5432/arbiter");
  EXPECT_EQ(RedactUrl("postgres://ci:p%40ss@/arbiter?host=/run/pg"),
            "postgres://ci:***@/arbiter?host=/run/pg");
  // A '?' or ':' inside the password is still the password.
  EXPECT_EQ(RedactUrl("postgresql://ci:a?b:c@db/x"), "postgresql://ci:***@db/x");
}

TEST(DbUrlTest, RedactsPasswordQueryParameters) {
  EXPECT_EQ(RedactUrl("postgresql://db/x?sslmode=require&password=hunter2&user=ci"),
            "postgresql://db/x?sslmode=require&password=***&user=ci");
  EXPECT_EQ(RedactUrl("postgresql://u:one@db/x?password=two"),
            "postgresql://u:***@db/x?password=***");
}

TEST(DbUrlTest, LeavesWhatCarriesNoPasswordAlone) {
  for (const char* location :
       {"postgresql://ci@db.internal/arbiter", "postgresql:///arbiter?host=/tmp/pg",
        "postgresql://db:5432/x", ".arbiter/history.db", "user:pass@file.db"}) {
    EXPECT_EQ(RedactUrl(location), location);
  }
}

TEST(DbUrlTest, ScrubsThePasswordAsWrittenAndDecoded) {
  const std::string url = "postgresql://ci:p%40ss%zz@db/x?password=two";
  EXPECT_EQ(ScrubPassword("invalid percent-encoded token: \"p%40ss%zz\"", url),
            "invalid percent-encoded token: \"***\"");
  EXPECT_EQ(ScrubPassword("p@ss%zz then two, twice: two", url), "*** then ***, twice: ***");
  EXPECT_EQ(ScrubPassword("nothing secret", "postgresql://ci@db/x"), "nothing secret");
}

}  // namespace
}  // namespace arbiter
