// Agreement statistics against reference values computed independently. Where a value comes
// from a program, the call is written next to it: scikit-learn 1.2.1 and SciPy 1.10.1 (Debian
// 12's python3-sklearn, python3-scipy), run once by hand; the values are copied here.
#include <gtest/gtest.h>

#include "runner/stats/agreement.h"
#include "runner/stats/bootstrap.h"
#include "runner/stats/rank_correlation.h"
#include "runner/stats/stats.h"

namespace arbiter {
namespace {

ConfusionMatrix Matrix(uint64_t tp, uint64_t fp, uint64_t tn, uint64_t fn) {
  ConfusionMatrix m;
  m.tp = tp;
  m.fp = fp;
  m.tn = tn;
  m.fn = fn;
  return m;
}

// y_true = [1]*tp + [0]*fp + [0]*tn + [1]*fn; y_pred = [1]*tp + [1]*fp + [0]*tn + [0]*fn;
// sklearn.metrics.matthews_corrcoef(y_true, y_pred), cohen_kappa_score(y_true, y_pred).
TEST(AgreementTest, MccAndKappaMatchScikitLearn) {
  struct Case {
    uint64_t tp, fp, tn, fn;
    double mcc, kappa;
  } cases[] = {
      {9, 1, 11, 1, 0.8166666667, 0.8166666667},  // the SPEC's example matrix
      {3, 4, 10, 2, 0.2869022920, 0.2784810127},
      {20, 10, 15, 5, 0.4082482905, 0.4000000000},
  };
  for (const Case& c : cases) {
    ConfusionMatrix m = Matrix(c.tp, c.fp, c.tn, c.fn);
    EXPECT_NEAR(Mcc(m), c.mcc, 1e-9) << c.tp << " " << c.fp << " " << c.tn << " " << c.fn;
    EXPECT_NEAR(CohenKappa(m), c.kappa, 1e-9) << c.tp << " " << c.fp << " " << c.tn << " " << c.fn;
  }
}

// Wikipedia, "Cohen's kappa", worked example: 50 proposals, both readers yes 20, both no 15,
// A yes B no 5, A no B yes 10: kappa = 0.4.
TEST(AgreementTest, KappaMatchesThePublishedExample) {
  EXPECT_NEAR(CohenKappa(Matrix(20, 10, 15, 5)), 0.4, 1e-12);
  std::vector<std::string> a, b;
  auto add = [&](const char* x, const char* y, int count) {
    for (int i = 0; i < count; ++i) {
      a.push_back(x);
      b.push_back(y);
    }
  };
  add("yes", "yes", 20);
  add("yes", "no", 5);
  add("no", "yes", 10);
  add("no", "no", 15);
  EXPECT_NEAR(*CohenKappa(a, b), 0.4, 1e-12);
}

// Degenerate matrices: an empty row or column gives MCC 0 (sklearn returns 0.0 for these too:
// matthews_corrcoef([1]*5+[0]*10, [0]*15) == 0.0, and for tp=5, fn=5 only).
TEST(AgreementTest, DegenerateMatricesGiveZero) {
  EXPECT_EQ(Mcc(Matrix(0, 0, 10, 5)), 0.0);  // the evaluator never fails a trace
  EXPECT_EQ(Mcc(Matrix(5, 0, 0, 5)), 0.0);   // the humans say fail everywhere
  EXPECT_EQ(Mcc(Matrix(0, 0, 0, 0)), 0.0);   // no labels
  EXPECT_EQ(Mcc(Matrix(0, 0, 12, 0)), 0.0);  // everyone agrees, on one class only
  EXPECT_EQ(CohenKappa(Matrix(0, 0, 10, 5)), 0.0);
  EXPECT_EQ(CohenKappa(Matrix(0, 0, 12, 0)), 0.0);  // chance agreement 1: defined as 0
  EXPECT_EQ(Mcc(Matrix(6, 0, 7, 0)), 1.0);
  EXPECT_EQ(Mcc(Matrix(0, 6, 0, 7)), -1.0);
  EXPECT_FALSE(Precision(Matrix(0, 0, 10, 5)).has_value());
  EXPECT_FALSE(Recall(Matrix(0, 3, 10, 0)).has_value());
}

TEST(AgreementTest, PrecisionAndRecallOfTheFailureClass) {
  ConfusionMatrix m = Matrix(9, 1, 11, 3);
  EXPECT_DOUBLE_EQ(*Precision(m), 0.9);  // 9 / (9 + 1)
  EXPECT_DOUBLE_EQ(*Recall(m), 0.75);    // 9 / (9 + 3)
}

// cohen_kappa_score(a, b) with the lists below.
TEST(AgreementTest, NominalKappaMatchesScikitLearn) {
  std::vector<std::string> a = {"pass", "fail", "pass", "3",    "3",
                                "fail", "pass", "pass", "fail", "3"};
  std::vector<std::string> b = {"pass", "fail", "fail", "3",    "2",
                                "fail", "pass", "pass", "pass", "3"};
  EXPECT_NEAR(*CohenKappa(a, b), 0.5652173913, 1e-9);
  EXPECT_FALSE(CohenKappa({}, {}).has_value());
}

// Krippendorff K (2011), "Computing Krippendorff's Alpha-Reliability", section C: four
// observers, twelve units, values 1-5 with missing data; nominal alpha = 0.743.
TEST(AgreementTest, KrippendorffAlphaMatchesThePublishedExample) {
  std::vector<std::vector<std::string>> units = {
      {"1", "1", "1"},      {"2", "2", "3", "2"}, {"3", "3", "3", "3"}, {"3", "3", "3", "3"},
      {"2", "2", "2", "2"}, {"1", "2", "3", "4"}, {"4", "4", "4", "4"}, {"1", "1", "2", "1"},
      {"2", "2", "2", "2"}, {"5", "5", "5"},      {"1", "1"},           {"3"},
  };
  EXPECT_NEAR(*KrippendorffAlphaNominal(units), 0.743, 5e-4);
}

TEST(AgreementTest, KrippendorffAlphaDegenerateCases) {
  EXPECT_FALSE(KrippendorffAlphaNominal({{"pass"}, {"fail"}}).has_value());  // nothing pairable
  EXPECT_FALSE(KrippendorffAlphaNominal({{"pass", "pass"}, {"pass", "pass", "pass"}}).has_value());
  EXPECT_DOUBLE_EQ(*KrippendorffAlphaNominal({{"pass", "pass"}, {"fail", "fail"}}), 1.0);
}

// scipy.stats.spearmanr(x, y).correlation and kendalltau(x, y).correlation (tau-b), with ties
// in both variables.
TEST(RankCorrelationTest, MatchesSciPyWithTies) {
  std::vector<double> x = {1, 2, 2, 3, 4, 4, 4, 5, 5, 1};
  std::vector<double> y = {0.1, 0.4, 0.3, 0.5, 0.9, 0.8, 0.9, 1.0, 0.7, 0.1};
  EXPECT_NEAR(*SpearmanRho(x, y), 0.8910738356, 1e-9);
  EXPECT_NEAR(*KendallTauB(x, y), 0.8058373793, 1e-9);
  // spearmanr/kendalltau([1,1,2,2,3,3], [1,2,1,2,1,2]) == 0.0
  EXPECT_NEAR(*SpearmanRho({1, 1, 2, 2, 3, 3}, {1, 2, 1, 2, 1, 2}), 0.0, 1e-12);
  EXPECT_NEAR(*KendallTauB({1, 1, 2, 2, 3, 3}, {1, 2, 1, 2, 1, 2}), 0.0, 1e-12);
  EXPECT_NEAR(*SpearmanRho({1, 2, 3, 4, 5}, {5, 4, 3, 2, 1}), -1.0, 1e-12);
  EXPECT_NEAR(*KendallTauB({1, 2, 3, 4, 5}, {5, 4, 3, 2, 1}), -1.0, 1e-12);
}

TEST(RankCorrelationTest, AverageRanksAndUndefinedCases) {
  std::vector<double> ranks = AverageRanks({10, 20, 20, 5});
  EXPECT_EQ(ranks, (std::vector<double>{2, 3.5, 3.5, 1}));
  EXPECT_FALSE(SpearmanRho({1, 1, 1}, {1, 2, 3}).has_value());  // constant: undefined (scipy: nan)
  EXPECT_FALSE(KendallTauB({1, 2, 3}, {4, 4, 4}).has_value());
  EXPECT_FALSE(SpearmanRho({1}, {1}).has_value());
  EXPECT_FALSE(KendallTauB({1, 2}, {1}).has_value());
}

// Newcombe RG (1998), "Interval estimation for the difference between independent
// proportions: comparison of eleven methods", Statistics in Medicine 17:873-890, Table II,
// method 10 (score interval, hybrid of the two Wilson intervals), to 4 decimals.
TEST(NewcombeTest, MatchesNewcombe1998TableII) {
  struct Case {
    double x1, n1, x2, n2, low, high;
  } cases[] = {
      {56, 70, 48, 80, 0.0524, 0.3339}, {9, 10, 3, 10, 0.1705, 0.8090},
      {6, 7, 2, 7, 0.0582, 0.8062},     {5, 56, 0, 29, -0.0381, 0.1926},
      {0, 10, 0, 20, -0.1611, 0.2775},  {0, 10, 0, 10, -0.2775, 0.2775},
      {10, 10, 0, 20, 0.6791, 1.0},     {10, 10, 0, 10, 0.6075, 1.0},
  };
  for (const Case& c : cases) {
    auto [low, high] = NewcombeDifferenceInterval(c.x1, c.n1, c.x2, c.n2);
    EXPECT_NEAR(low, c.low, 5e-5) << c.x1 << "/" << c.n1 << " - " << c.x2 << "/" << c.n2;
    EXPECT_NEAR(high, c.high, 5e-5) << c.x1 << "/" << c.n1 << " - " << c.x2 << "/" << c.n2;
  }
}

TEST(BootstrapTest, SeededIntervalIsReproducibleAndBracketsTheEstimate) {
  std::vector<LabeledDecision> decisions;
  ConfusionMatrix m = Matrix(9, 1, 11, 1);
  for (int i = 0; i < 9; ++i) decisions.push_back({true, true});
  decisions.push_back({false, true});
  for (int i = 0; i < 11; ++i) decisions.push_back({false, false});
  decisions.push_back({true, false});
  auto first = BootstrapMccInterval(decisions);
  auto again = BootstrapMccInterval(decisions);
  EXPECT_EQ(first, again);
  EXPECT_LT(first.first, Mcc(m));
  EXPECT_GE(first.second, Mcc(m));
  EXPECT_LE(first.second, 1.0);
  EXPECT_GT(first.first, 0.3);  // 20 of 22 right: the interval stays well above chance
  BootstrapOptions other;
  other.seed = 7;
  EXPECT_NE(BootstrapMccInterval(decisions, other), first);
}

TEST(BootstrapTest, DegenerateInputs) {
  EXPECT_EQ(BootstrapMccInterval({}), (std::pair<double, double>{0.0, 0.0}));
  std::vector<LabeledDecision> perfect(10, {true, true});
  for (int i = 0; i < 10; ++i) perfect.push_back({false, false});
  auto [low, high] = BootstrapMccInterval(perfect);
  EXPECT_EQ(high, 1.0);
  // Every resample is classified perfectly; one holding a single class (MCC 0) has odds of
  // 2^-19 per draw, too rare to reach the 2.5th percentile.
  EXPECT_EQ(low, 1.0);
}

// numpy.quantile([1, 2, 3, 4], 0.25) == 1.75 (linear, type 7).
TEST(BootstrapTest, QuantileIsTypeSeven) {
  EXPECT_DOUBLE_EQ(Quantile({1, 2, 3, 4}, 0.25), 1.75);
  EXPECT_DOUBLE_EQ(Quantile({1, 2, 3, 4}, 1.0), 4.0);
  EXPECT_DOUBLE_EQ(Quantile({5}, 0.5), 5.0);
}

}  // namespace
}  // namespace arbiter
