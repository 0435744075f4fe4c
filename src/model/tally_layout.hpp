#pragma once
//! The tally fields the engine sums per (replication, entity, year) (DESIGN section 4).
//! Fixed fields first, then four per measure, then three per threshold (sum of min(cost, A), then
//! sum of min(cost, A)^2, then units with cost > A), then four per enrollment type.

#include "model/lanes.hpp"

namespace apmsim::model {

//! Field offsets in one (replication, entity, year) tally record.
struct TallyLayout {
  enum Fixed : int {
    kUnits = 0,             //!< units n (patient-years or episodes)
    kCost = 1,              //!< sum of cost
    kCostSquared = 2,       //!< sum of cost^2
    kCounterfactual = 3,    //!< sum of counterfactual cost (same draws, no intervention effect)
    kRiskScore = 4,         //!< sum of observed risk scores
    kAnyCost = 5,           //!< units with cost > 0
    kCatastrophic = 6,      //!< units with a catastrophic add-on
    kCatastrophicCost = 7,  //!< sum of catastrophic add-ons (trended)
    kFixedFields = 8
  };
  //! Per measure: eligible, measured (responded), achieved among measured, achieved among eligible.
  enum MeasureField : int {
    kEligible = 0,
    kMeasured = 1,
    kAchieved = 2,
    kAchievedTrue = 3,
    kPerMeasure = 4
  };

  //! Per enrollment type: units, cost, cost truncated at the type's amount of the year (the
  //! contract's truncation per type, EntityYear::type_truncation), observed risk scores.
  enum TypeField : int { kTypeUnits = 0, kTypeCost = 1, kTypeTruncated = 2, kTypeRisk = 3, kPerType = 4 };

  int measures = 0;
  int thresholds = 0;
  int types = 0;

  APMSIM_HD int measure_field(int m, int which) const {
    return kFixedFields + kPerMeasure * m + which;
  }
  //! Sum of min(cost, A_t).
  APMSIM_HD int capped_field(int t) const { return kFixedFields + kPerMeasure * measures + t; }
  //! Sum of min(cost, A_t)^2: the second moment of truncated cost (size-based minimum rates).
  APMSIM_HD int capped_squared_field(int t) const { return capped_field(thresholds) + t; }
  //! Units with cost > A_t: claimants above the threshold (per-member stop-loss figures).
  APMSIM_HD int above_field(int t) const { return capped_field(2 * thresholds) + t; }
  //! Enrollment type t's field `which` (TypeField).
  APMSIM_HD int type_field(int t, int which) const {
    return kFixedFields + kPerMeasure * measures + 3 * thresholds + kPerType * t + which;
  }
  APMSIM_HD int fields() const {
    return kFixedFields + kPerMeasure * measures + 3 * thresholds + kPerType * types;
  }
};

}  // namespace apmsim::model
