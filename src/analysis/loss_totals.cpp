#include "analysis/loss_totals.hpp"

#include "analysis/quantity_table.hpp"
#include "analysis/risk.hpp"

namespace apmsim::analysis {

namespace {

//! Writes each replication's loss of `selection` into column `column` of a [replication][row]
//! [column] array with `rows` rows of `width` columns.
void put_losses(const RecordView& view, const Selection& selection, std::size_t row,
                std::size_t rows, std::size_t column, std::size_t width, std::vector<double>& out) {
  const std::vector<double> losses = replication_losses(view, selection, view.all_replications());
  for (std::size_t r = 0; r < losses.size(); ++r)
    out[(r * rows + row) * width + column] = losses[r];
}

}  // namespace

ReplicationLosses loss_totals(const RecordView& view, std::size_t most_provider_values) {
  ReplicationLosses out;
  out.replications = view.replications();
  out.columns = year_columns(view.years(), "agreement");
  out.providers = view.provider_names();
  const std::size_t n = out.replications, width = out.columns.size();
  const std::size_t providers = view.providers();
  const bool by_year = providers * width * n <= most_provider_values;
  out.provider_columns = by_year ? out.columns : std::vector<std::string>{"agreement"};
  out.portfolio.assign(n * width, 0.0);
  out.provider.assign(n * providers * out.provider_columns.size(), 0.0);
  for (std::size_t column = 0; column < width; ++column) {
    const int year = column_year(column, view.years());
    put_losses(view, view.everyone(year), 0, 1, column, width, out.portfolio);
    if (!by_year && year != kAllYears) continue;
    const std::size_t at = by_year ? column : 0;
    for (std::size_t p = 0; p < providers; ++p)
      put_losses(view, Selection{{p}, year}, p, providers, at, out.provider_columns.size(),
                 out.provider);
  }
  return out;
}

}  // namespace apmsim::analysis
