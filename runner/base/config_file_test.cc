// Configuration files: regular files only, and bounded.
#include "runner/base/config_file.h"

#include <sys/stat.h>

#include <fstream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/test_util.h"

namespace arbiter {
namespace {

using ::testing::HasSubstr;
using testing::TempDir;

TEST(ConfigFileTest, ReadsARegularFile) {
  TempDir dir;
  EXPECT_EQ(*ReadConfigFile(dir.Write("a.yaml", "x: 1\n")), "x: 1\n");
  EXPECT_EQ(ReadConfigFile(dir.path() / "absent.yaml").status().message(),
            "No such file or directory");
  EXPECT_EQ(ReadConfigFile(dir.path()).status().message(), "is a directory");
}

TEST(ConfigFileTest, DevicesAndFifosAreRefusedNotReadForever) {
  // /dev/zero as a suite, schema or script once read without end; a FIFO waited for a writer.
  Result<std::string> zero = ReadConfigFile("/dev/zero");
  ASSERT_FALSE(zero.ok());
  EXPECT_EQ(zero.status().code(), Status::Code::kInvalidArgument);
  EXPECT_EQ(zero.status().message(), "not a regular file (a device, FIFO or socket)");
  TempDir dir;
  auto fifo = dir.path() / "pipe";
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  EXPECT_EQ(ReadConfigFile(fifo).status().message(),
            "not a regular file (a device, FIFO or socket)");
}

TEST(ConfigFileTest, SizeIsCapped) {
  TempDir dir;
  auto big = dir.path() / "big.yaml";
  {
    std::ofstream out(big, std::ios::binary);
    out.seekp(static_cast<std::streamoff>(kMaxConfigFileBytes));  // sparse: no real writing
    out.put('x');
  }
  Result<std::string> read = ReadConfigFile(big);
  ASSERT_FALSE(read.ok());
  EXPECT_THAT(read.status().message(),
              HasSubstr("16777217 bytes, more than the 16 MiB a configuration file may hold"));
}

}  // namespace
}  // namespace arbiter
