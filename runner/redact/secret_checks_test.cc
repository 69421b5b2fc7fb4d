// Secrets: well-known formats, and long high-entropy tokens on both sides of each threshold.
// The random tokens were drawn with Python's `random`; every token's expectation was checked
// against the independent Python implementation of the rule, `is_secret` in
// bench/redact_secret_thresholds.py.
#include <gtest/gtest.h>

#include <string>

#include "runner/redact/redactor.h"
#include "runner/redact/redactor_test_util.h"
#include "runner/redact/secret_checks.h"

namespace arbiter {
namespace {

using testing::RedactorTest;

TEST_F(RedactorTest, WellKnownSecretFormats) {
  ExpectAll(
      PiiType::kSecret,
      {{"jwt eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0In0.dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk",
        "jwt <SECRET>"},
       {"key -----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n-----END PRIVATE "
        "KEY-----"
        " end",
        "key <SECRET> end"},
       {"Authorization: Basic dXNlcjpwYXNzd29yZA==", "Authorization: Basic <SECRET>"},
       // "basic" is a word; a header without the key is not a key.
       {"a basic understanding", "a basic understanding"},
       {"-----BEGIN PUBLIC KEY-----", "-----BEGIN PUBLIC KEY-----"}});
}

TEST_F(RedactorTest, HighEntropyTokensAreSecrets) {
  ExpectAll(
      PiiType::kSecret,
      {{"token 4ic5ltrtfI5xi2fOIB6CSVRj here", "token <SECRET> here"},  // 24 characters
       {"api_key=VBtlJrJCHiPzczWHDcCa64KCktsYKqr3", "api_key=<SECRET>"},
       {R"({"secret": "QH1ip3xoMlPuLK7fjc-1okaCY_rC0Xu_MAjveqvQ"})", R"({"secret": "<SECRET>"})"},
       {"U8nt0SmnWULglbL8iu1nvqMI34zS2G5BFulWwwpU7NMceUMGEc11jgw0eXDQ4diL", "<SECRET>"},
       {"b64 'HZv72LyACVUMSlSlN/hslgNPFz36yZYgklmk354k=' done", "b64 '<SECRET>' done"},
       // A query value is checked; the URL itself is not.
       {"https://api.example.com/v1/items?key=VBtlJrJCHiPzczWHDcCa64KCktsYKqr3&page=2",
        "https://api.example.com/v1/items?key=<SECRET>&page=2"},
       // Base64 of words is a secret too: by its characters it is one (see the rule).
       {"VGhlIGN1c3RvbWVyIGFza2VkIGZvciBhIHJlZnVuZA==", "<SECRET>"}});
}

TEST_F(RedactorTest, LongStringsThatAreNotSecretsStay) {
  ExpectAll(PiiType::kSecret,
            {// sha256 and git digests, upper-case and mixed-case hex, UUIDs.
             {"sha256 2d711642b726b04401627ca9fbac32f5c8530fb1903cc4db02258717921a4881",
              "sha256 2d711642b726b04401627ca9fbac32f5c8530fb1903cc4db02258717921a4881"},
             {"commit 11f6ad8ec52a2984abaafd7c3b516503785c2072",
              "commit 11f6ad8ec52a2984abaafd7c3b516503785c2072"},
             {"5b8E79e3AEa89eB85299937A6280c3A2", "5b8E79e3AEa89eB85299937A6280c3A2"},
             {"id AD477EE7-E7B7-E26E-EADD-8C1EB7575D2B", "id AD477EE7-E7B7-E26E-EADD-8C1EB7575D2B"},
             // Identifiers, model names, long words.
             {"call getUserAccountById2FactorAuthV3()", "call getUserAccountById2FactorAuthV3()"},
             {"AbstractSingletonProxyFactoryBean2", "AbstractSingletonProxyFactoryBean2"},
             {"MAX_RETRY_count_for_Http2_connections", "MAX_RETRY_count_for_Http2_connections"},
             {"model claude-3-5-haiku-20241022", "model claude-3-5-haiku-20241022"},
             {"Zwei-Faktor-Authentifizierung", "Zwei-Faktor-Authentifizierung"},
             // URLs, data URIs and paths.
             {"see https://example.com/files/4ic5ltrtfI5xi2fOIB6CSVRj/view now",
              "see https://example.com/files/4ic5ltrtfI5xi2fOIB6CSVRj/view now"},
             {"http://localhost:8080/4ic5ltrtfI5xi2fOIB6CSVRj/view",
              "http://localhost:8080/4ic5ltrtfI5xi2fOIB6CSVRj/view"},
             {"data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk",
              "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk"},
             {"/home/ana/4ic5ltrtfI5xi2fOIB6CSVRj", "/home/ana/4ic5ltrtfI5xi2fOIB6CSVRj"},
             {"src/Runner/RedactorTest2024/Fixtures", "src/Runner/RedactorTest2024/Fixtures"},
             {"cdn.4ic5ltrtfI5xi2fOIB6CSVRj.net", "cdn.4ic5ltrtfI5xi2fOIB6CSVRj.net"},
             // API object ids: random, but handles rather than credentials.
             {"call_8SrDEAeae9Vnq7gu2x3QFdaL", "call_8SrDEAeae9Vnq7gu2x3QFdaL"},
             {"chatcmpl-GEJGUuMWGhuW0U76AWxQFOdNePKRY", "chatcmpl-GEJGUuMWGhuW0U76AWxQFOdNePKRY"},
             {"msg_01XFDUDYJgAACzvnptvVoYEL", "msg_01XFDUDYJgAACzvnptvVoYEL"},
             // 23 characters is too short; a repeated pattern has too little entropy.
             {"uNFasENhFg4q1DR04PmEsGm", "uNFasENhFg4q1DR04PmEsGm"},
             {"Ab1Ab1Ab1Ab1Ab1Ab1Ab1Ab1Ab1", "Ab1Ab1Ab1Ab1Ab1Ab1Ab1Ab1Ab1"}});
}

TEST_F(RedactorTest, RandomLocalPartIsAnEmailNotASecret) {
  EXPECT_EQ(Redact("write to 4ic5ltrtfI5xi2fOIB6CSVRj@example.com"), "write to <EMAIL>");
  EXPECT_EQ(counts_[PiiType::kSecret], 0u);
}

TEST(RedactSecretChecksTest, EntropyThresholdBothSides) {
  // 12 distinct characters twice: log2(12) = 3.585 bits; 11 (two of them thrice): 3.439.
  EXPECT_NEAR(ShannonEntropy("g1Hk2Jm3Np4Qg1Hk2Jm3Np4Q"), 3.585, 1e-3);
  EXPECT_TRUE(IsHighEntropySecret("g1Hk2Jm3Np4Qg1Hk2Jm3Np4Q"));
  EXPECT_NEAR(ShannonEntropy("g1Hk2Jm3Np4g1Hk2Jm3Np4g1"), 3.439, 1e-3);
  EXPECT_FALSE(IsHighEntropySecret("g1Hk2Jm3Np4g1Hk2Jm3Np4g1"));
  EXPECT_DOUBLE_EQ(ShannonEntropy("aabb"), 1.0);
  EXPECT_DOUBLE_EQ(ShannonEntropy(""), 0.0);
}

TEST(RedactSecretChecksTest, WordCoverageThresholdBothSides) {
  EXPECT_DOUBLE_EQ(WordCoverage("getUserAccount2024"), 14.0 / 18);
  EXPECT_DOUBLE_EQ(WordCoverage("HTTPReader"), 1.0);
  EXPECT_DOUBLE_EQ(WordCoverage("xK9mQ2pL7vN4rT8w"), 0.0);
  // "Reader" + "Listener" = 14 of 24 characters (0.583); with "Listeners" 15 (0.625).
  EXPECT_DOUBLE_EQ(WordCoverage("ReaderListener9K4xZ3bY6c"), 14.0 / 24);
  EXPECT_TRUE(IsHighEntropySecret("ReaderListener9K4xZ3bY6c"));
  EXPECT_DOUBLE_EQ(WordCoverage("ReaderListeners9K4xZ3bY6"), 15.0 / 24);
  EXPECT_FALSE(IsHighEntropySecret("ReaderListeners9K4xZ3bY6"));
}

TEST(RedactSecretChecksTest, CharacterClassesAndLength) {
  EXPECT_TRUE(IsHighEntropySecret("xK9mQ2pL7vN4rT8wZ3bY6cJ1"));
  EXPECT_FALSE(IsHighEntropySecret("xK9mQ2pL7vN4rT8wZ3bY6cJ"));    // 23
  EXPECT_FALSE(IsHighEntropySecret("xkamqbplcvndrtewzfbygcjh"));   // lower case only
  EXPECT_FALSE(IsHighEntropySecret("XK9MQ2PL7VN4RT8WZ3BY6CJ1"));   // no lower case
  EXPECT_FALSE(IsHighEntropySecret("xKamQbpLcvNdrTewZfbYgcJh"));   // no digit
  EXPECT_TRUE(IsHighEntropySecret("xK9mQ2pL7vN4rT8wZ3bY6cJ1=="));  // padding is not counted
  EXPECT_FALSE(IsHighEntropySecret("xK9mQ2pL7vN4rT8wZ3bY6cJ=="));
}

}  // namespace
}  // namespace arbiter
