#pragma once
//! The tallies one provider-year's waterfall reads (DESIGN sections 4 and 5): the performance
//! year's sums, its region's comparison population in the same year, and the baseline years,
//! turned into the per-unit figures the contract terms are written in. Truncation (`truncate_at`)
//! is applied here, by reading the tallies' sum of min(cost, A) instead of the cost.

#include <cstdint>
#include <utility>
#include <vector>

#include "contract/quality.hpp"
#include "contract/trend.hpp"
#include "engine/tallies.hpp"
#include "model/tally_layout.hpp"

namespace apmsim::contract {

//! x / n, 0 without units (a provider-year without units has no per-unit cost).
inline double per_unit(double sum, double units) { return units > 0.0 ? sum / units : 0.0; }

//! The baseline years of a provider and its region: the baseline_years calendar years before
//! the provider-year's agreement (`first` on), so each agreement rebases on the latest ones.
struct BaselineYears {
  int first = 0;                               //!< calendar index of the first baseline year
  //! Per baseline year: the provider's savings per unit, (benchmark - accountable cost) / units,
  //! in the years it was in the program under an earlier agreement; NaN in the others (read by
  //! the prior savings adjustment; set by the evaluator from the earlier records).
  std::vector<double> savings_per_unit;
  std::vector<double> cost_per_unit;           //!< per baseline year, truncated
  std::vector<double> full_cost_per_unit;      //!< the same without truncation
  std::vector<double> regional_cost_per_unit;  //!< the region's comparison population, truncated
  double risk_per_unit = 0.0;                  //!< sum_b weight_b * risk score per unit of year b
  double regional_risk_per_unit = 0.0;         //!< the same for the region
  double last_risk_per_unit = 0.0;             //!< risk score per unit of the last baseline year
  double units = 0.0;                          //!< the provider's units over the baseline years
  double cost = 0.0;                           //!< their sum of cost, truncated
  double cost_squared = 0.0;                   //!< their sum of cost^2, truncated
};

//! Everything the waterfall reads for one provider-year. Reused from one provider-year to the
//! next, so its vectors keep their storage.
struct ProviderYear {
  int year = 0;                         //!< calendar year index (baseline years first)
  double units = 0.0;                   //!< units n
  double cost = 0.0;                    //!< actual cost (claims)
  double truncated_cost = 0.0;          //!< cost truncated at truncate_at (= cost without it)
  //! The stop-loss layers' boundaries b the contract reads and sum min(cost, b) at each (the
  //! whole population's units; boundaries below the truncation amount).
  std::vector<std::pair<double, double>> capped;
  double counterfactual = 0.0;          //!< cost without the intervention effect, same draws
  double catastrophic = 0.0;            //!< the catastrophic add-ons within the counterfactual
  double risk_per_unit = 0.0;           //!< observed risk score per unit
  double regional_units = 0.0;          //!< units of the region's comparison population
  double regional_risk_per_unit = 0.0;  //!< its risk score per unit
  double regional_cost_per_unit = 0.0;  //!< its cost per unit, truncated
  double regional_full_cost_per_unit = 0.0;  //!< the same without truncation
  BaselineYears baseline;                    //!< the baseline years
  CostPaths observed;       //!< national and regional cost per unit by year, truncated (trend)
  CostPaths observed_full;  //!< the same without truncation
  Quality quality;                           //!< measured quality (scores set by score_quality)
  Quality quality_complete;                  //!< quality on complete data
};

//! Where a provider-year's tallies are and which thresholds the contract reads.
struct TallyPlace {
  std::uint64_t replication = 0;  //!< within the batch
  std::uint32_t provider = 0;     //!< entity index of the provider
  std::uint32_t comparison = 0;   //!< entity index of its region's comparison population
  int baseline_years = 0;         //!< years before the first performance year
  int baseline_first = 0;         //!< calendar index of the agreement's first baseline year
  int year = 0;                   //!< calendar year index of the performance year
  //! Per calendar year: the tally threshold index of that year's truncation, or -1.
  const int* truncation = nullptr;
  bool observed_trend = false;    //!< read the national and regional cost paths
  //! The entities of the national pool (observed trend): those outside the contract.
  const std::vector<std::uint32_t>* national = nullptr;
  //! -1: the whole population; t: enrollment type t alone (its units, cost, cost truncated at
  //! the type's own amount, risk scores), for the per-type benchmark of 42 CFR 425.602(a)(2).
  int type = -1;
  //! The stop-loss boundaries to read into ProviderYear::capped: value and tally threshold index.
  const std::vector<std::pair<double, int>>* capped = nullptr;
};

//! The tally threshold index of calendar year c's truncation, or -1.
inline int truncation_in(const TallyPlace& at, int c) {
  return at.truncation ? at.truncation[c] : -1;
}

//! Reads a provider-year's tallies into `out` (rates, not scores: score_quality weighs them).
//! `baseline_weights`: `[contract.benchmark] baseline_weights`, for the weighted risk scores.
void read_provider_year(const engine::BatchTallies& tallies, const model::TallyLayout& layout,
                        const TallyPlace& at, const std::vector<double>& baseline_weights,
                        ProviderYear& out);

}  // namespace apmsim::contract
