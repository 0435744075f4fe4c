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

//! VolumeModel: poisson | negative_binomial.
inline const std::vector<std::string>& volume_model_keywords() {
  static const std::vector<std::string> keywords{"poisson", "negative_binomial"};
  return keywords;
}

}  // namespace apmsim::scenario
