#pragma once
//! TOML spellings of the scenario's enumerations, in enum order: one list for reading and
//! describing.

#include <string>
#include <vector>

namespace apmsim::scenario {

//! Backend: auto | cpu | cuda.
inline const std::vector<std::string>& backend_keywords() {
  static const std::vector<std::string> keywords{"auto", "cpu", "cuda"};
  return keywords;
}

//! UnitKind: patient_year | episode.
inline const std::vector<std::string>& unit_keywords() {
  static const std::vector<std::string> keywords{"patient_year", "episode"};
  return keywords;
}

//! Severity: lognormal | empirical.
inline const std::vector<std::string>& severity_keywords() {
  static const std::vector<std::string> keywords{"lognormal", "empirical"};
  return keywords;
}

//! VolumeModel: poisson | negative_binomial.
inline const std::vector<std::string>& volume_model_keywords() {
  static const std::vector<std::string> keywords{"poisson", "negative_binomial"};
  return keywords;
}

//! BasePayment: ffs | capitation | fee.
inline const std::vector<std::string>& base_keywords() {
  static const std::vector<std::string> keywords{"ffs", "capitation", "fee"};
  return keywords;
}

//! BenchmarkMethod: historical | regional | blend | regional_adjustment.
inline const std::vector<std::string>& benchmark_keywords() {
  static const std::vector<std::string> keywords{"historical", "regional", "blend",
                                                 "regional_adjustment"};
  return keywords;
}

//! Scoring: tiers | linear | per_measure.
inline const std::vector<std::string>& scoring_keywords() {
  static const std::vector<std::string> keywords{"tiers", "linear", "per_measure"};
  return keywords;
}

//! The scale of a parameter-risk draw: linear | log | logit (RiskScale order).
inline const std::vector<std::string>& risk_scale_keywords() {
  static const std::vector<std::string> keywords{"linear", "log", "logit"};
  return keywords;
}

}  // namespace apmsim::scenario
