#include "analysis/benchmark.hpp"

#include <cmath>
#include <limits>

#include "analysis/quantity_table.hpp"

namespace apmsim::analysis {

namespace {

namespace c = contract;
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

enum class MethodError { kBias, kSd, kRmse, kCorrEfficiency, kCorrRegionShock, kRegionalWeight };
constexpr std::array kMethodErrorQuantities{
    QuantityInfo<MethodError>{MethodError::kBias, "bias", "fraction",
                              "mean of (benchmark - counterfactual) / counterfactual, per unit"},
    QuantityInfo<MethodError>{MethodError::kSd, "sd", "fraction",
                              "standard deviation of the error"},
    QuantityInfo<MethodError>{MethodError::kRmse, "rmse", "fraction", "root mean square error"},
    QuantityInfo<MethodError>{MethodError::kCorrEfficiency, "corr_efficiency", "correlation",
                              "correlation of the error with provider efficiency e(p)"},
    QuantityInfo<MethodError>{MethodError::kCorrRegionShock, "corr_region_shock", "correlation",
                              "correlation of the error with the regional shock"},
    // Not a column of the methods table: the optimal blend's weight is the optimal_weight table.
    QuantityInfo<MethodError>{MethodError::kRegionalWeight, "regional_weight", "weight",
                              "the method's regional weight w"},
};
static_assert(listed_in_order(kMethodErrorQuantities));
constexpr const auto& quantity_table(MethodError) { return kMethodErrorQuantities; }

enum class OptimalWeight { kOptimalWeight };
constexpr std::array kOptimalWeightQuantities{
    QuantityInfo<OptimalWeight>{OptimalWeight::kOptimalWeight, "optimal_weight", "weight",
                                "regional weight minimising the blend's RMSE"}};
static_assert(listed_in_order(kOptimalWeightQuantities));
constexpr const auto& quantity_table(OptimalWeight) { return kOptimalWeightQuantities; }

//! The methods compared: the rows of the methods table.
enum BenchmarkMethod : std::size_t {
  kHistoricalMethod,
  kRegionalMethod,
  kContractBlend,
  kOptimalBlend,
  kMethods
};

//! The error of the blend (1 - w) historical + w regional; w = 0 and 1 are the pure methods
//! (a missing regional benchmark must not leak into the historical one).
double blend_error(double historical, double regional, double weight) {
  if (weight == 0.0) return historical;
  if (weight == 1.0) return regional;
  return (1 - weight) * historical + weight * regional;
}

//! Bias, sd, rmse and correlations of each method's errors (grid rows = BenchmarkMethod).
QuantityGrid<MethodError> method_errors(const BenchmarkErrors& errors, double contract_weight) {
  const double weights[kMethods] = {
      0.0, 1.0, contract_weight, stats::optimal_blend_weight(errors.historical, errors.regional)};
  QuantityGrid<MethodError> values(kMethods);
  std::vector<double> error(errors.historical.size());
  for (std::size_t method = 0; method < kMethods; ++method) {
    double squares = 0;
    for (std::size_t i = 0; i < error.size(); ++i) {
      error[i] = blend_error(errors.historical[i], errors.regional[i], weights[method]);
      squares += error[i] * error[i];
    }
    values(MethodError::kBias, method) = stats::mean(error);
    values(MethodError::kSd, method) = stats::standard_deviation(error);
    values(MethodError::kRmse, method) =
        error.empty() ? kNaN : std::sqrt(squares / static_cast<double>(error.size()));
    values(MethodError::kCorrEfficiency, method) =
        stats::pearson_correlation(error, errors.efficiency);
    values(MethodError::kCorrRegionShock, method) =
        stats::pearson_correlation(error, errors.region_shock);
    values(MethodError::kRegionalWeight, method) = weights[method];
  }
  return values;
}

}  // namespace

BenchmarkErrors benchmark_errors(const RecordView& view, const Selection& selection,
                                 ReplicationRange range) {
  BenchmarkErrors errors;
  view.for_each(selection, range, [&errors](ProviderYear record) {
    if (!std::isfinite(record[c::kHistoricalError])) return;  // no units
    errors.historical.push_back(record[c::kHistoricalError]);
    errors.regional.push_back(record[c::kRegionalError]);
    errors.efficiency.push_back(record[c::kEfficiency]);
    errors.region_shock.push_back(record[c::kRegionShock]);
  });
  return errors;
}

stats::Estimate optimal_weight_estimate(const RecordView& view, const Selection& selection) {
  return batch_means<OptimalWeight>(view, 1, [&](ReplicationRange range) {
    const BenchmarkErrors errors = benchmark_errors(view, selection, range);
    QuantityGrid<OptimalWeight> weight;
    weight(OptimalWeight::kOptimalWeight) =
        stats::optimal_blend_weight(errors.historical, errors.regional);
    return weight;
  })(OptimalWeight::kOptimalWeight);
}

std::vector<AnalysisTable> benchmark_analysis(const RecordView& view,
                                              const scenario::Contract& contract) {
  const double contract_weight = contract.years.front().benchmark.regional_weight;
  const std::vector<std::string> columns = year_columns(view.years(), "all");
  const std::vector<std::string> methods{
      "historical", "regional", "blend_w=" + format_number(contract_weight), "optimal_blend"};
  EstimateTable errors_table =
      make_table(methods, columns,
                 quantities_of({MethodError::kBias, MethodError::kSd, MethodError::kRmse,
                                MethodError::kCorrEfficiency, MethodError::kCorrRegionShock}),
                 view.batch_count());
  EstimateTable weight_table =
      make_table({"participants"}, columns, quantities_of<OptimalWeight>(), view.batch_count());
  for (std::size_t column = 0; column < columns.size(); ++column) {
    const Selection selection = view.everyone(column_year(column, view.years()));
    const EstimateGrid<MethodError> errors =
        batch_means<MethodError>(view, kMethods, [&](ReplicationRange range) {
          return method_errors(benchmark_errors(view, selection, range), contract_weight);
        });
    for (std::size_t method = 0; method < kMethods; ++method)
      put_row(errors_table, method, column, errors, method);
    put(weight_table, OptimalWeight::kOptimalWeight, 0, column,
        errors(MethodError::kRegionalWeight, kOptimalBlend));
  }
  return {
      {"benchmark", "methods",
       "error of each benchmark method against the counterfactual cost, per unit", errors_table},
      {"benchmark", "optimal_weight", "the RMSE-minimising regional weight", weight_table}};
}

}  // namespace apmsim::analysis
