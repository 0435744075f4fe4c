// Bad scenarios, one per class of mistake (tests/data/bad/<class>.toml): each must fail with a
// ScenarioError at the exact line and dotted key, and a message that says what is wrong.
#include <gtest/gtest.h>

#include <string>
#include <utility>

#include "scenario/load.hpp"
#include "scenario/sweep.hpp"

namespace apmsim::scenario {
namespace {

std::string bad_file(const std::string& name) {
  return std::string(APMSIM_TEST_DATA) + "/bad/" + name + ".toml";
}

void expect_error(const std::string& name, int line, const std::string& key,
                  const std::string& fragment) {
  SCOPED_TRACE(name);
  const std::string path = bad_file(name);
  try {
    load_scenario(path);
    ADD_FAILURE() << path << " loaded without error";
  } catch (const ScenarioError& error) {
    const std::string what = error.what();
    EXPECT_EQ(error.file(), path);
    EXPECT_EQ(error.line(), line) << what;
    EXPECT_EQ(error.key(), key) << what;
    EXPECT_NE(what.find(fragment), std::string::npos) << "'" << fragment << "' not in: " << what;
    if (line > 0) {
      const std::string where =
          path + ":" + std::to_string(line) + ":" + std::to_string(error.column());
      EXPECT_EQ(what.rfind(where, 0), 0u) << what;
      EXPECT_GT(error.column(), 0);
    }
  }
}

TEST(ScenarioErrors, IsAnInputError) {
  EXPECT_THROW(load_scenario(bad_file("unknown_key")), InputError);
}

TEST(ScenarioErrors, MessageNamesFileLineColumnAndKey) {
  try {
    load_scenario(bad_file("unknown_key"));
    FAIL();
  } catch (const ScenarioError& error) {
    EXPECT_EQ(std::string(error.what()),
              bad_file("unknown_key") +
                  ":14:1: 'provider_group[0].panelsize': unknown key 'panelsize' in "
                  "[[provider_group]]; did you mean 'panel_size'?");
  }
}

TEST(ScenarioErrors, MissingFile) {
  expect_error("does_not_exist", 0, "", "no such scenario file");
}

TEST(ScenarioErrors, SyntaxError) { expect_error("syntax_error", 12, "", "TOML syntax error"); }

// toml++ reaches undefined behaviour on some non-ASCII code points where it expects whitespace
// (U+2C5E after a value); the loader reports any non-ASCII character outside strings and comments
// at its line and column first, and leaves those inside strings and comments alone.
TEST(ScenarioErrors, NonAsciiOutsideStringsAndComments) {
  const auto place_of = [](const std::string& text) {
    try {
      parse_toml(text, "x.toml");
    } catch (const ScenarioError& error) {
      EXPECT_EQ(error.file(), "x.toml");
      EXPECT_NE(std::string(error.what()).find("non-ASCII character outside a string"),
                std::string::npos)
          << error.what();
      return std::pair{error.line(), error.column()};
    }
    return std::pair{0, 0};
  };
  EXPECT_EQ(place_of("[simulation]\nseed = 1\u2C5E\n"), (std::pair{2, 9}));
  EXPECT_EQ(place_of("# caf\u00e9 \u2C5E\nname = \"\u00e9\\\"\" \u00a1\n"), (std::pair{2, 14}));
  EXPECT_EQ(place_of("a = \"\"\"x\\\n   \u0400\"\"\"\n"), (std::pair{2, 4}));
  EXPECT_EQ(place_of("a = \"\"\"\u0400\n\u2C5E\"\"\"\nb = '\u00e9' # \u00a1\nc = '''\u3001'''\n"),
            (std::pair{0, 0}));
}

TEST(ScenarioErrors, UnknownKeySuggestsNearest) {
  expect_error("unknown_key", 14, "provider_group[0].panelsize", "did you mean 'panel_size'?");
}

TEST(ScenarioErrors, UnknownSectionSuggestsNearest) {
  expect_error("unknown_section", 3, "regions", "did you mean 'region'?");
}

TEST(ScenarioErrors, SectionKeyAboveItsHeader) {
  expect_error("misplaced_key", 3, "seed", "'seed' belongs in [simulation]");
}

TEST(ScenarioErrors, TableWhereArrayOfTablesBelongs) {
  expect_error("table_not_array", 3, "region",
               "expected an array of tables ([[region]]), got a table");
}

TEST(ScenarioErrors, WrongType) {
  expect_error("wrong_type", 9, "stratum[0].mean", "expected a float, got a string");
}

TEST(ScenarioErrors, FloatForInteger) {
  expect_error("float_for_integer", 14, "provider_group[0].panel_size",
               "expected an integer, got a float (write 1000)");
}

TEST(ScenarioErrors, NotFinite) {
  expect_error("not_finite", 4, "simulation.trend", "expected a finite number, got nan");
}

TEST(ScenarioErrors, UnknownChoice) {
  expect_error("bad_choice", 4, "simulation.backend",
               "must be one of \"auto\", \"cpu\", \"cuda\", got \"gpu\"");
}

TEST(ScenarioErrors, ProbabilityOutOfRange) {
  expect_error("probability_out_of_range", 9, "stratum[0].p_any", "must be in [0, 1], got 1.2");
}

TEST(ScenarioErrors, SharesNotSummingToOne) {
  expect_error("shares_not_summing", 13, "stratum[1].share", "must sum to 1, got 0.9");
}

TEST(ScenarioErrors, ParetoShapeWithoutFiniteMean) {
  expect_error("cat_shape", 12, "stratum[0].cat_shape",
               "Pareto shape must be > 1 for a finite mean, got 1");
}

TEST(ScenarioErrors, CatastrophicProbabilityWithoutScale) {
  expect_error("cat_scale_missing", 6, "stratum[0].cat_scale", "when cat_prob > 0");
}

TEST(ScenarioErrors, NegativeSize) {
  expect_error("negative_size", 14, "provider_group[0].panel_size", "got -5");
}

TEST(ScenarioErrors, ZeroCount) {
  expect_error("zero_count", 13, "provider_group[0].count", "must be in [1, 4294967295], got 0");
}

TEST(ScenarioErrors, NegativeStandardDeviation) {
  expect_error("negative_sd", 5, "region[0].shock_sd", "must be in [0, 2], got -0.1");
}

// Plausibility bounds on log-scale sds and effects (scenario/limits.hpp): beyond them a run gave
// silent garbage (a cost per unit of 171 instead of ~7,900) or failed late and cryptically.
TEST(ScenarioErrors, ImplausibleLogScaleSd) {
  expect_error("shock_sd_implausible", 5, "region[0].shock_sd", "must be in [0, 2], got 1e+300");
  expect_error("efficiency_sd_implausible", 18, "provider_group[0].efficiency_sd",
               "must be in [0, 2], got 1e+308");
  expect_error("stationary_sd_implausible", 6, "region[0].shock_rho",
               "stationary sd shock_sd / sqrt(1 - shock_rho^2) = ");
}

TEST(ScenarioErrors, ImplausibleEffect) {
  expect_error("effect_implausible", 16, "provider_group[0].effect_mean",
               "must be in [-1, 1], got 1e+308");
  expect_error("effect_ramp_implausible", 19, "provider_group[0].effect_ramp",
               "effect_mean x effect_ramp = 50 on log cost is beyond +/-1");
}

TEST(ScenarioErrors, NegativeSeed) {
  expect_error("negative_seed", 4, "simulation.seed", "must be >= 0, got -1");
}

TEST(ScenarioErrors, TooManyYears) {
  expect_error("too_many_years", 5, "simulation.performance_years",
               "baseline_years + performance_years must be <= 32, got 40");
}

TEST(ScenarioErrors, MissingRequiredSection) {
  expect_error("missing_region", 0, "region", "at least one [[region]] is required");
}

TEST(ScenarioErrors, EmptyScenario) {
  expect_error("empty", 0, "region", "at least one [[region]] is required");
}

TEST(ScenarioErrors, MissingRequiredKeyPointsAtTheTable) {
  expect_error("missing_required_key", 6, "stratum[0].mean",
               "missing required key 'mean' in [[stratum]]");
}

TEST(ScenarioErrors, TooManyStrata) {
  expect_error("too_many_strata", 86, "stratum[16]", "at most 16 [[stratum]] are supported");
}

TEST(ScenarioErrors, UnknownRegionSuggestsNearest) {
  expect_error("unknown_region", 13, "provider_group[0].region",
               "unknown region 'nort'; did you mean 'north'?");
}

TEST(ScenarioErrors, UnknownStratumSuggestsNearest) {
  expect_error("unknown_stratum", 18, "measure[0].strata[0]",
               "unknown stratum 'al'; did you mean 'all'?");
}

TEST(ScenarioErrors, MeasureWithoutStrata) {
  expect_error("measure_without_strata", 18, "measure[0].strata", "must name at least one stratum");
}

TEST(ScenarioErrors, DuplicateName) {
  expect_error("duplicate_name", 7, "region[1].name",
               "duplicate region name 'north' (first defined on line 3)");
}

TEST(ScenarioErrors, EmptyName) {
  expect_error("empty_name", 12, "provider_group[0].name", "must be non-empty");
}

TEST(ScenarioErrors, RampOfWrongLength) {
  expect_error("ramp_length", 18, "provider_group[0].effect_ramp",
               "needs one entry per performance year (3), got 2");
}

TEST(ScenarioErrors, EpisodeGroupWithPanelSize) {
  expect_error("episode_with_panel_size", 16, "provider_group[0].panel_size",
               "not allowed for unit = \"episode\"");
}

TEST(ScenarioErrors, EpisodeGroupWithoutVolume) {
  expect_error("episode_without_volume", 11, "provider_group[0].volume",
               "missing required key 'volume' in [[provider_group]] for unit = \"episode\"");
}

TEST(ScenarioErrors, NegativeBinomialWithoutCv) {
  expect_error("negative_binomial_without_cv", 11, "provider_group[0].volume_cv",
               "for volume_model = \"negative_binomial\"");
}

TEST(ScenarioErrors, TransitionsLeavingMoreThanAll) {
  expect_error("transition_sum", 10, "stratum[0].transition",
               "probabilities of leaving must sum to <= 1, got 1.3");
}

TEST(ScenarioErrors, TransitionToItself) {
  expect_error("transition_to_self", 10, "stratum[0].transition.healthy",
               "the probability of staying is implied");
}

TEST(ScenarioErrors, CaseMixNotSummingToOne) {
  expect_error("case_mix_sum", 20, "provider_group[0].case_mix",
               "case-mix shares must sum to 1, got 0.8");
}

TEST(ScenarioErrors, ThresholdNotPositive) {
  expect_error("threshold_not_positive", 17, "tallies.thresholds[1]", "must be in (0, 3e+38], got 0");
}

TEST(ScenarioErrors, WithholdTierWithoutCondition) {
  expect_error("contract_bad_tier", 24, "contract.withhold.tiers[1]",
               "a tier needs 'at' (attainment), 'improve' or both");
}

TEST(ScenarioErrors, SweepValueOutOfRangeNamesTheSweepKey) {
  const std::string path = bad_file("sweep_bad_value");
  const Scenario base = load_scenario(path);  // the file as written is valid
  try {
    expand_sweep(base);
    ADD_FAILURE() << "the sweep expanded without error";
  } catch (const ScenarioError& error) {
    const std::string what = error.what();
    EXPECT_EQ(error.line(), 23) << what;
    EXPECT_EQ(error.key(), "sweep.\"contract.sharing.savings_rate\"") << what;
    EXPECT_NE(what.find("variant sharing.savings_rate=1.5"), std::string::npos) << what;
    EXPECT_NE(what.find("must be in [0, 1], got 1.5"), std::string::npos) << what;
  }
}

// [parameter_risk] (docs/scenario-reference.md): each mistake at its key, with the reason.
TEST(ScenarioErrors, ParameterRiskUnknownPath) {
  expect_error("parameter_risk_unknown_path", 21, "parameter_risk.parameter[0].key",
               "names no value of the scenario: no 'stratum' entry named 'sick'");
}

TEST(ScenarioErrors, ParameterRiskWrongNumberOfDeviations) {
  expect_error("parameter_risk_deviation_count", 23, "parameter_risk.parameter[0].deviations",
               "needs one deviation per jackknife group (parameter_risk.groups = 3), got 2");
}

TEST(ScenarioErrors, ParameterRiskNonFiniteDeviation) {
  expect_error("parameter_risk_not_finite", 23, "parameter_risk.parameter[0].deviations[1]",
               "expected a finite number, got nan");
}

TEST(ScenarioErrors, ParameterRiskOutsideItsScale) {
  expect_error("parameter_risk_out_of_scale", 20, "parameter_risk.parameter[0].key",
               "'stratum.all.p_any' is 1, outside the logit scale's range");
}

TEST(ScenarioErrors, ParameterRiskOnAContractTerm) {
  expect_error("parameter_risk_contract_path", 27, "parameter_risk.parameter[0].key",
               "expected the path of a population value");
}

TEST(ScenarioErrors, ParameterRiskWithoutParameters) {
  expect_error("parameter_risk_without_parameters", 4, "simulation.parameter_risk",
               "the scenario lists none");
}

}  // namespace
}  // namespace apmsim::scenario
