//! `[contract]` with its sub-tables and glide path, and `[analysis]`. Each reader takes the terms
//! in force as its defaults, so a `[[contract.year]]` entry is read with the same code as
//! `[contract]`: what it leaves out stays as the base terms say, and every error keeps its line.
#include <algorithm>
#include <cmath>

#include "scenario/keywords.hpp"
#include "scenario/limits.hpp"
#include "scenario/schema.hpp"
#include "scenario/sections.hpp"
#include "scenario/suggest.hpp"
#include "scenario/toml_text.hpp"

namespace apmsim::scenario {

namespace {

//! A key that is either the one word `word` (true) or a number in `range`, read into `value`
//! (false); `fallback` when the key is absent.
bool word_or_number(const TableReader& r, const char* key, const char* word, const Range& range,
                    bool fallback, double& value) {
  if (r.is_text(key)) {
    r.choice(key, 0, {word});
    return true;
  }
  if (!r.has(key)) return fallback;
  value = r.number(key, 0.0, range);
  return false;
}

constexpr std::size_t kMaxTiers = 64;

//! What the readers need to know about the rest of the scenario.
struct ContractContext {
  int baseline_years = 0;
  int performance_years = 0;
  std::vector<std::string> measures;
};

//! Whether `key` of `r` holds an array (a per-performance-year list).
bool is_list(const TableReader& r, std::string_view key) {
  const toml::node* node = r.table().get(key);
  return node && node->is_array();
}

//! The tables of an array `key` (e.g. tiers = [{ at = 0.6, earn = 0.5 }], or [[key]] entries),
//! each with `keys`, at least `least` of them; nothing when absent.
std::optional<std::vector<TableReader>> table_list(const TableReader& parent, std::string_view key,
                                                   const std::string& title,
                                                   const std::vector<std::string>& keys,
                                                   std::size_t least = 0) {
  if (!parent.has(key)) return std::nullopt;
  const auto tables = parent.table_array(key, least, kMaxTiers);
  std::vector<TableReader> readers;
  for (std::size_t i = 0; i < tables.size(); ++i)
    readers.push_back(parent.child(*tables[i], parent.element_path(key, i), title, keys));
  return readers;
}

std::optional<std::vector<QualityTier>> read_tiers(const TableReader& parent,
                                                   std::string_view key) {
  const auto tables = table_list(parent, key, "a tier", {"at", "improve", "earn"});
  if (!tables) return std::nullopt;
  std::vector<QualityTier> tiers;
  for (const TableReader& t : *tables) {
    QualityTier tier;
    tier.at = t.optional_number("at", closed(0.0, 1.0)).value_or(kNoLimit);
    tier.improve = t.optional_number("improve", closed(-1.0, 1.0)).value_or(kNoLimit);
    tier.earn = t.required_number("earn", closed(0.0, 1.0));
    if (!t.has("at") && !t.has("improve")) {
      t.fail_at(t.where(), t.path(), "a tier needs 'at' (attainment), 'improve' or both");
    }
    tiers.push_back(tier);
  }
  return tiers;
}

int measure_index(const TableReader& reader, const std::string& name, const std::string& key,
                  Location where, const ContractContext& context) {
  const auto& names = context.measures;
  const auto found = std::find(names.begin(), names.end(), name);
  if (found != names.end()) return static_cast<int>(found - names.begin());
  reader.fail_at(where, key, "unknown measure '" + name + "'" + did_you_mean(name, names));
}

BenchmarkTerms read_benchmark(const TableReader& parent, BenchmarkTerms b,
                              const ContractContext& context) {
  const auto reader = sub_table(parent, "benchmark", "contract.benchmark");
  if (!reader) return b;
  const TableReader& r = *reader;
  b.method = static_cast<BenchmarkMethod>(
      r.choice("method", static_cast<std::size_t>(b.method), benchmark_keywords()));
  b.regional_weight = r.number("regional_weight", b.regional_weight, closed(0.0, 1.0));
  if (const auto weights = r.numbers("baseline_weights", at_least(0.0))) {
    if (static_cast<int>(weights->size()) != context.baseline_years) {
      r.fail("baseline_weights", "needs one weight per baseline year (" +
                                     std::to_string(context.baseline_years) + "), got " +
                                     std::to_string(weights->size()));
    }
    double sum = 0.0;
    for (double w : *weights) sum += w;
    if (!(sum > 0.0)) r.fail("baseline_weights", "the weights must not all be zero");
    b.baseline_weights.clear();
    for (double w : *weights) b.baseline_weights.push_back(w / sum);
  }
  b.assumed_trend = r.number("assumed_trend", b.assumed_trend, open(-1.0, 1.0));
  b.observed_trend = r.choice("trend", b.observed_trend ? 1 : 0, {"assumed", "observed"}) == 1;
  b.trend_national_weight =
      r.number("trend_national_weight", b.trend_national_weight, closed(0.0, 1.0));
  b.prospective_trend = r.number("prospective_trend", b.prospective_trend, open(-1.0, 1.0));
  b.prospective_weight = r.number("prospective_weight", b.prospective_weight, closed(0.0, 1.0));
  b.trend_corridor = r.number("trend_corridor", b.trend_corridor, at_least(0.0));
  if (!b.observed_trend) {
    for (const char* key : {"trend_national_weight", "trend_corridor"})
      if (r.has(key)) r.fail(key, "needs trend = \"observed\" (the assumed trend has no blend)");
  }
  if (b.trend_corridor < kNoLimit && !(b.prospective_weight > 0.0))
    r.fail("trend_corridor", "corrects a prospective trend: give prospective_weight > 0");
  b.risk_adjust = r.flag("risk_adjust", b.risk_adjust);
  b.risk_growth_cap = r.number("risk_growth_cap", b.risk_growth_cap, at_least(0.0));
  b.risk_growth_from_last_year =
      r.choice("risk_growth_reference", b.risk_growth_from_last_year ? 1 : 0,
               {"weighted_baseline", "last_baseline_year"}) == 1;
  b.regional_weight_below =
      r.number("regional_weight_below", b.regional_weight_below, closed(0.0, 1.0));
  b.regional_weight_above =
      r.number("regional_weight_above", b.regional_weight_above, closed(0.0, 1.0));
  b.regional_adjustment_cap =
      r.number("regional_adjustment_cap", b.regional_adjustment_cap, at_least(0.0));
  b.national_cost_per_unit =
      r.number("national_cost_per_unit", b.national_cost_per_unit, above(0.0));
  if (b.regional_adjustment_cap < kNoLimit && !(b.national_cost_per_unit > 0.0)) {
    r.fail(r.has("regional_adjustment_cap") ? "regional_adjustment_cap" : "national_cost_per_unit",
           "regional_adjustment_cap is a share of national_cost_per_unit: give both");
  }
  b.truncate_at = tally_amount(r.number("truncate_at", b.truncate_at, left_open(0.0, kMaxTallyAmount)));
  b.truncate_percentile =
      r.number("truncate_percentile", b.truncate_percentile, open(0.5, 1.0));
  if (r.has("truncate_at") && r.has("truncate_percentile"))
    r.fail("truncate_percentile", "give truncate_at (an amount) or truncate_percentile, not both");
  if (r.has("truncate_at")) b.truncate_percentile = 0.0;  // a later year's amount replaces it
  if (r.has("truncate_percentile")) b.truncate_at = 0.0;
  b.discount = r.number("discount", b.discount, right_open(0.0, 1.0));
  // A list (one per performance year) is spread over the years by read_contract.
  if (r.has("repayment_discount") && !is_list(r, "repayment_discount")) {
    b.repayment_same = false;
    b.repayment_discount = r.number("repayment_discount", 0.0, right_open(0.0, 1.0));
  }
  if (const auto tables =
          table_list(r, "quality_discount", "a quality discount tier", {"at", "discount"})) {
    b.quality_discount.clear();
    for (const TableReader& t : *tables)
      b.quality_discount.push_back({t.required_number("at", closed(0.0, 1.0)),
                                    t.required_number("discount", right_open(0.0, 1.0))});
  }
  b.efficiency_adjustment =
      r.number("efficiency_adjustment", b.efficiency_adjustment, closed(0.0, 1.0));
  b.prior_savings_share = r.number("prior_savings_share", b.prior_savings_share, closed(0.0, 1.0));
  b.prior_savings_cap = r.number("prior_savings_cap", b.prior_savings_cap, at_least(0.0));
  if (b.prior_savings_share > 0.0 && b.method != BenchmarkMethod::RegionalAdjustment) {
    r.fail(r.has("prior_savings_share") ? "prior_savings_share" : "method",
           "the prior savings adjustment (425.658) takes the place of MSSP's regional adjustment: "
           "needs method = \"regional_adjustment\"");
  }
  if (b.prior_savings_cap < kNoLimit && !(b.national_cost_per_unit > 0.0)) {
    r.fail("prior_savings_cap", "prior_savings_cap is a share of national_cost_per_unit: give both");
  }
  return b;
}

//! An optional per-unit upper bound `key` (a limit, a band's end): the nearest float, at most
//! kMaxTallyAmount; infinite when absent (`none` says what that means).
double read_upper(const TableReader& r, std::string_view key, double value, const char* none) {
  value = tally_amount(r.number(key, value, above(0.0)));
  if (value != kNoLimit && value > kMaxTallyAmount)
    r.fail(key, std::string("must be at most 3e+38 (or absent: ") + none + ")");
  return value;
}

//! One layer's limit: above its attachment.
double read_limit(const TableReader& r, double attachment, double limit) {
  limit = read_upper(r, "limit", limit, "no limit");
  if (!(limit > attachment)) r.fail(r.has("limit") ? "limit" : "attachment", "the limit must be above the attachment");
  return limit;
}

//! `[[contract.stop_loss.layer]]`: each a specific layer of its own.
std::optional<std::vector<StopLossLayer>> read_layers(const TableReader& parent) {
  const Section& schema = section("contract.stop_loss.layer");
  const auto tables = table_list(parent, "layer", schema.header(), schema.keys, 1);
  if (!tables) return std::nullopt;
  std::vector<StopLossLayer> layers;
  for (const TableReader& t : *tables) {
    StopLossLayer layer;
    layer.attachment = tally_amount(t.required_number("attachment", left_open(0.0, kMaxTallyAmount)));
    layer.limit = read_limit(t, layer.attachment, layer.limit);
    layer.coinsurance = t.number("coinsurance", layer.coinsurance, closed(0.0, 1.0));
    layer.premium = t.number("premium", layer.premium, at_least(0.0));
    layers.push_back(layer);
  }
  return layers;
}

//! `[[contract.stop_loss.band]]`: bands of per-unit cost, in order, not overlapping.
std::optional<std::vector<StopLossBand>> read_bands(const TableReader& parent) {
  const Section& schema = section("contract.stop_loss.band");
  const auto tables = table_list(parent, "band", schema.header(), schema.keys, 1);
  if (!tables) return std::nullopt;
  std::vector<StopLossBand> bands;
  for (const TableReader& t : *tables) {
    StopLossBand band;
    band.lower = tally_amount(t.required_number("lower", closed(0.0, kMaxTallyAmount)));
    band.upper = read_upper(t, "upper", band.upper, "no end");
    band.share = t.required_number("share", closed(0.0, 1.0));
    if (!(band.upper > band.lower)) t.fail("upper", "must be > lower");
    if (!bands.empty() && band.lower < bands.back().upper)
      t.fail("lower", "bands go upward without overlapping: this one starts below the end of "
                      "the one before (" + format_number(bands.back().upper) + ")");
    bands.push_back(band);
  }
  return bands;
}

//! `[contract.stop_loss.aggregate]`: one attachment rule, a limit, coinsurance and a premium.
AggregateStopLoss read_aggregate(const TableReader& parent, AggregateStopLoss a) {
  const auto reader = sub_table(parent, "aggregate", "contract.stop_loss.aggregate");
  if (!reader) return a;
  const TableReader& r = *reader;
  const char* rules[] = {"attachment_factor", "attachment", "monthly_attachment"};
  int given = 0;
  for (const char* key : rules) given += r.has(key) ? 1 : 0;
  if (given > 1)
    r.fail(r.has("attachment") ? "attachment" : "monthly_attachment",
           "give one of attachment_factor, attachment and monthly_attachment");
  if (given == 0 && !a.enabled)
    r.fail_at(r.where(), r.path(),
              "an aggregate stop-loss needs an attachment: attachment_factor (of the benchmark "
              "expenditure), attachment (an amount) or monthly_attachment (per member month)");
  a.enabled = true;
  if (r.has("attachment_factor")) {
    a.basis = AggregateStopLoss::Basis::kFactor;
    a.attachment_factor = r.number("attachment_factor", 0.0, above(0.0));
  } else if (r.has("attachment")) {
    a.basis = AggregateStopLoss::Basis::kAmount;
    a.attachment = r.number("attachment", 0.0, above(0.0));
  } else if (r.has("monthly_attachment")) {
    a.basis = AggregateStopLoss::Basis::kMonthly;
    a.monthly_attachment = r.number("monthly_attachment", 0.0, above(0.0));
  }
  a.minimum_attachment = r.number("minimum_attachment", a.minimum_attachment, at_least(0.0));
  if (r.has("minimum_attachment") && a.basis != AggregateStopLoss::Basis::kMonthly)
    r.fail("minimum_attachment", "applies to monthly_attachment only");
  a.limit = r.number("limit", a.limit, above(0.0));
  a.coinsurance = r.number("coinsurance", a.coinsurance, closed(0.0, 1.0));
  a.premium = r.number("premium", a.premium, at_least(0.0));
  return a;
}

StopLossTerms read_stop_loss(const TableReader& parent, StopLossTerms s) {
  const auto reader = sub_table(parent, "stop_loss", "contract.stop_loss");
  if (!reader) return s;
  const TableReader& r = *reader;
  // The table's own layer: with `attachment` (or already in force, from the terms of all years).
  if (r.has("attachment") || s.enabled) {
    s.enabled = true;
    s.attachment = tally_amount(r.number("attachment", s.attachment, left_open(0.0, kMaxTallyAmount)));
    s.limit = read_limit(r, s.attachment, s.limit);
    s.coinsurance = r.number("coinsurance", s.coinsurance, closed(0.0, 1.0));
    s.premium = r.number("premium", s.premium, at_least(0.0));
  } else {
    for (const char* key : {"limit", "coinsurance", "premium"})
      if (r.has(key))
        r.fail(key, std::string("belongs to the table's own layer: give its attachment too (or "
                                "write [[contract.stop_loss.layer]] entries, each with its ") +
                        key + ")");
  }
  if (auto layers = read_layers(r)) s.layers = std::move(*layers);
  if (auto bands = read_bands(r)) s.bands = std::move(*bands);
  s.band_premium = r.number("band_premium", s.band_premium, at_least(0.0));
  if (r.has("band_premium") && s.bands.empty())
    r.fail("band_premium", "is the premium of [[contract.stop_loss.band]] entries: give them");
  s.aggregate = read_aggregate(r, s.aggregate);
  if (!s.any())
    r.fail_at(r.where(), r.path(),
              "a stop-loss needs a layer: attachment, [[contract.stop_loss.layer]], "
              "[[contract.stop_loss.band]] or [contract.stop_loss.aggregate]");
  return s;
}

SharingTerms read_sharing(const TableReader& parent, SharingTerms s) {
  const auto reader = sub_table(parent, "sharing", "contract.sharing");
  if (!reader) return s;
  const TableReader& r = *reader;
  s.enabled = true;
  if (r.is_text("minimum_savings_rate")) {
    const auto rule = r.choice("minimum_savings_rate", 0, {"mssp", "size_based"});
    s.msr_rule = rule == 0 ? MsrRule::Mssp : MsrRule::SizeBased;
  } else if (r.has("minimum_savings_rate")) {
    s.msr_rule = MsrRule::Fixed;
    s.minimum_savings_rate = r.number("minimum_savings_rate", 0.0, right_open(0.0, 1.0));
  }
  s.loss_rate_from_sharing = word_or_number(r, "loss_rate", "from_sharing", closed(0.0, 1.0),
                                            s.loss_rate_from_sharing, s.loss_rate);
  s.loss_rate_min = r.number("loss_rate_min", s.loss_rate_min, closed(0.0, 1.0));
  s.loss_rate_max = r.number("loss_rate_max", s.loss_rate_max, closed(0.0, 1.0));
  if (!(s.loss_rate_min <= s.loss_rate_max)) r.fail("loss_rate_max", "must be >= loss_rate_min");
  s.loss_cap_revenue = r.number("loss_cap_revenue", s.loss_cap_revenue, closed(0.0, 1.0));
  s.loss_rate_same = word_or_number(r, "minimum_loss_rate", "same", right_open(0.0, 1.0),
                                    s.loss_rate_same, s.minimum_loss_rate);
  s.confidence_by_size = word_or_number(r, "confidence", "by_size", open(0.5, 1.0),
                                        s.confidence_by_size, s.confidence);
  s.size_based_floor = r.number("size_based_floor", s.size_based_floor, right_open(0.0, 1.0));
  s.first_dollar = r.flag("first_dollar", s.first_dollar);
  s.savings_rate = r.number("savings_rate", s.savings_rate, closed(0.0, 1.0));
  s.savings_cap = r.number("savings_cap", s.savings_cap, closed(0.0, 1.0));
  s.loss_cap = r.number("loss_cap", s.loss_cap, closed(0.0, 1.0));
  s.quality_scaled = r.flag("quality_scaled", s.quality_scaled);
  s.sequestration = r.number("sequestration", s.sequestration, right_open(0.0, 1.0));
  return s;
}

std::optional<std::vector<CorridorBand>> read_corridor(const TableReader& parent) {
  if (!parent.has("corridor")) return std::nullopt;
  const Section& schema = section("contract.corridor");
  const auto tables = parent.table_array("corridor", 0, kMaxTiers);
  std::vector<CorridorBand> bands;
  for (std::size_t i = 0; i < tables.size(); ++i) {
    const TableReader t =
        parent.child(*tables[i], parent.element_path("corridor", i), schema.header(), schema.keys);
    CorridorBand band;
    band.lower = t.required_number("lower", left_open(-1.0, 1.0));
    band.upper = t.required_number("upper", left_open(-1.0, 1.0));
    band.share = t.required_number("share", closed(0.0, 1.0));
    if (!(band.upper > band.lower)) t.fail("upper", "must be > lower");
    for (const CorridorBand& other : bands) {
      if (band.lower < other.upper && other.lower < band.upper)
        t.fail("lower", "this band overlaps an earlier one");
    }
    bands.push_back(band);
  }
  return bands;
}

//! `points`: the points a measure earns at each rate (MSSP 42 CFR 425.502); nothing when absent.
std::optional<std::vector<PointsTier>> read_points(const TableReader& r) {
  const auto tables = table_list(r, "points", "a points tier", {"at", "points"});
  if (!tables) return std::nullopt;
  std::vector<PointsTier> points;
  for (const TableReader& t : *tables)
    points.push_back(
        {t.required_number("at", closed(0.0, 1.0)), t.required_number("points", at_least(0.0))});
  double most = 0.0;
  for (const PointsTier& p : points) most = std::max(most, p.points);
  if (!(most > 0.0)) r.fail("points", "needs a tier with points > 0 (the score is points / most)");
  return points;
}

//! Calls `read(m, table)` for each `measure.<name>` table of `r` (m: the measure's index), each
//! table holding only `key` (`what` names it in messages).
template <class Read>
void for_each_measure(const TableReader& r, const ContractContext& context, const char* key,
                      const char* what, Read read) {
  const toml::table* measures = r.section("measure");
  if (!measures) return;
  for (const auto& [name, node] : *measures) {
    const std::string path = r.key_path("measure") + "." + std::string(name.str());
    const Location where{static_cast<int>(name.source().begin.line),
                         static_cast<int>(name.source().begin.column)};
    const int m = measure_index(r, std::string(name.str()), path, where, context);
    const auto* table = node.as_table();
    if (!table)
      r.fail_at(where, path, std::string("expected a table such as { ") + key + " = [...] }");
    read(m, r.child(*table, path, what, {key}));
  }
}

//! `measure.<name>.points`: a measure's own points tiers, into `out` (index = measure).
void read_measure_points(const TableReader& r, std::vector<std::vector<PointsTier>>& out,
                         const ContractContext& context) {
  out.resize(context.measures.size());
  for_each_measure(r, context, "points", "a quality measure", [&](int m, const TableReader& t) {
    if (auto tiers = read_points(t)) out[static_cast<std::size_t>(m)] = std::move(*tiers);
  });
}

std::vector<double> read_quality(const TableReader& parent, std::vector<double> weights,
                                 ContractTerms& terms, const ContractContext& context) {
  const auto reader = sub_table(parent, "quality", "contract.quality");
  if (!reader) return weights;
  const TableReader& r = *reader;
  if (auto tiers = read_points(r)) terms.quality_points = std::move(*tiers);
  read_measure_points(r, terms.measure_points, context);
  const auto entries = r.named_numbers("measures", at_least(0.0));
  if (!entries) return weights;
  std::vector<double> w(context.measures.size(), 0.0);
  double sum = 0.0;
  for (const NamedNumber& e : *entries) {
    w[measure_index(r, e.name, e.key, e.where, context)] = e.value;
    sum += e.value;
  }
  if (!(sum > 0.0)) r.fail("measures", "the weights must not all be zero");
  for (double& x : w) x /= sum;
  return w;
}

WithholdTerms read_withhold(const TableReader& parent, WithholdTerms w,
                            const ContractContext& context) {
  const auto reader = sub_table(parent, "withhold", "contract.withhold");
  if (!reader) return w;
  const TableReader& r = *reader;
  w.rate = r.number("rate", w.rate, closed(0.0, 1.0));
  w.scoring =
      static_cast<Scoring>(r.choice("scoring", static_cast<std::size_t>(w.scoring),
                                    scoring_keywords()));
  if (auto tiers = read_tiers(r, "tiers")) w.tiers = std::move(*tiers);
  w.floor = r.number("floor", w.floor, closed(0.0, 1.0));
  w.target = r.number("target", w.target, closed(0.0, 1.0));
  w.gate = r.number("gate", w.gate, closed(0.0, 1.0));
  if (w.measure_tiers.size() != context.measures.size()) w.measure_tiers.resize(context.measures.size());
  for_each_measure(r, context, "tiers", "a withhold measure", [&](int m, const TableReader& t) {
    if (auto tiers = read_tiers(t, "tiers")) w.measure_tiers[m] = std::move(*tiers);
  });
  if (!(w.floor < w.target)) r.fail("target", "must be > floor");
  return w;
}

//! The keys of [contract] (or of one [[contract.year]] entry) over `terms`.
ContractTerms read_terms(const TableReader& r, ContractTerms terms,
                         const ContractContext& context) {
  terms.base = static_cast<BasePayment>(
      r.choice("base", static_cast<std::size_t>(terms.base), base_keywords()));
  terms.min_units = r.number("min_units", terms.min_units, at_least(0.0));
  terms.quality_gate = r.number("quality_gate", terms.quality_gate, closed(0.0, 1.0));
  terms.participation_fee = r.number("participation_fee", terms.participation_fee, at_least(0.0));
  terms.delivery_cost = r.number("delivery_cost", terms.delivery_cost, at_least(0.0));
  terms.benchmark = read_benchmark(r, terms.benchmark, context);
  terms.stop_loss = read_stop_loss(r, terms.stop_loss);
  const bool has_sharing = r.has("sharing");
  const auto corridor = read_corridor(r);
  if (has_sharing && corridor) {
    r.fail("corridor", "give either [contract.sharing] or [[contract.corridor]], not both");
  }
  terms.sharing = read_sharing(r, terms.sharing);
  if (corridor) {
    terms.corridor = *corridor;
    terms.sharing.enabled = false;  // a corridor replaces the sharing rule
  } else if (has_sharing) {
    terms.corridor.clear();  // and sharing replaces a corridor
  }
  terms.quality_weights = read_quality(r, terms.quality_weights, terms, context);
  terms.withhold = read_withhold(r, terms.withhold, context);
  if (terms.base == BasePayment::Fee && !(terms.participation_fee > 0.0)) {
    r.fail(r.has("base") ? "base" : "participation_fee",
           "base = \"fee\" needs participation_fee > 0");
  }
  if (terms.withhold.rate > 0.0 && context.measures.empty()) {
    r.fail("withhold", "a withhold is earned back on measures: the scenario has no [[measure]]");
  }
  return terms;
}

ContractTerms default_terms(const ContractContext& context) {
  ContractTerms terms;
  terms.benchmark.baseline_weights.assign(static_cast<std::size_t>(context.baseline_years),
                                          1.0 / context.baseline_years);
  if (!context.measures.empty())
    terms.quality_weights.assign(context.measures.size(), 1.0 / context.measures.size());
  terms.withhold.measure_tiers.resize(context.measures.size());
  terms.measure_points.resize(context.measures.size());
  return terms;
}

//! `[contract.benchmark] repayment_discount` given as a list: one discount per performance year
//! (CJR, 42 CFR 510.305: waived in PY1, 2% in PY2-3, 3% in PY4-5).
void spread_repayment_discounts(const TableReader& contract_table, Contract& contract) {
  const auto b = sub_table(contract_table, "benchmark", "contract.benchmark");
  if (!b || !is_list(*b, "repayment_discount")) return;
  const auto discounts = b->numbers("repayment_discount", right_open(0.0, 1.0));
  if (discounts->size() != contract.years.size()) {
    b->fail("repayment_discount", "needs one discount per performance year (" +
                                      std::to_string(contract.years.size()) + "), got " +
                                      std::to_string(discounts->size()));
  }
  for (std::size_t y = 0; y < contract.years.size(); ++y) {
    contract.years[y].benchmark.repayment_same = false;
    contract.years[y].benchmark.repayment_discount = (*discounts)[y];
  }
}

//! `[[contract.agreement]]`: the agreements in sequence, each overriding the base terms in its
//! years as a `[[contract.year]]` entry does (the glide path is read after, on top); together
//! they cover every performance year. Without entries, one agreement over every year.
void read_agreements(const TableReader& r, const ContractContext& context, Contract& contract) {
  const Section& schema = section("contract.agreement");
  const auto entries = r.table_array("agreement", 0, kMaxYears);
  if (entries.empty()) {
    contract.agreements = {Agreement{0, context.performance_years, 0.0}};
    return;
  }
  const ContractTerms base = contract.years.front();
  int first = 0;
  for (std::size_t i = 0; i < entries.size(); ++i) {
    const TableReader a = r.child(*entries[i], r.element_path("agreement", i), schema.header(),
                                  schema.keys);
    Agreement agreement;
    agreement.first = first;
    agreement.years =
        static_cast<int>(a.required_integer("years", 1, context.performance_years - first));
    agreement.leave_below = a.number("leave_below", 0.0, closed(0.0, 10.0));
    if (i == 0 && a.has("leave_below"))
      a.fail("leave_below", "the first agreement has no expiring one to compare with");
    if (const auto b = sub_table(a, "benchmark", "contract.benchmark");
        b && is_list(*b, "repayment_discount")) {
      b->fail("repayment_discount", "give a per-year list in [contract.benchmark] or one number here");
    }
    const ContractTerms terms = read_terms(a, base, context);
    for (int y = first; y < first + agreement.years; ++y)
      contract.years[static_cast<std::size_t>(y)] = terms;
    first += agreement.years;
    if (i + 1 == entries.size() && first != context.performance_years) {
      a.fail("years", "the agreements cover " + std::to_string(first) + " of the " +
                          std::to_string(context.performance_years) +
                          " performance years ([simulation] performance_years): they must cover all");
    }
    contract.agreements.push_back(agreement);
  }
}

}  // namespace

Contract read_contract(const TableReader& top, const Simulation& simulation,
                       const std::vector<Measure>& measures) {
  Contract contract;
  const std::optional<TableReader> found = open_section(top, "contract");
  if (!found) return contract;
  const TableReader& r = *found;
  ContractContext context;
  context.baseline_years = simulation.baseline_years;
  for (const auto& m : measures) context.measures.push_back(m.name);

  context.performance_years = simulation.performance_years;
  contract.present = true;
  const ContractTerms base = read_terms(r, default_terms(context), context);
  contract.years.assign(static_cast<std::size_t>(simulation.performance_years), base);
  read_agreements(r, context, contract);
  spread_repayment_discounts(r, contract);
  contract.run_out = read_run_out(r);
  contract.timing = read_timing(r, contract.run_out);
  const Section& schema = section("contract.year");
  const auto entries = r.table_array("year", 0, 1024);
  std::vector<bool> seen(contract.years.size(), false);
  for (std::size_t i = 0; i < entries.size(); ++i) {
    const TableReader y = r.child(*entries[i], r.element_path("year", i), schema.header(),
                                  schema.keys);
    const auto year = y.required_integer("year", 1, simulation.performance_years);
    if (seen[year - 1]) y.fail("year", "performance year " + std::to_string(year) + " is given twice");
    seen[year - 1] = true;
    if (const auto b = sub_table(y, "benchmark", "contract.benchmark");
        b && is_list(*b, "repayment_discount")) {
      b->fail("repayment_discount", "a [[contract.year]] entry takes one number");
    }
    contract.years[year - 1] = read_terms(y, contract.years[year - 1], context);
  }
  return contract;
}

AnalysisSettings read_analysis(const TableReader& top, const Contract& contract) {
  AnalysisSettings a;
  a.threshold_min_units = {contract.present ? contract.years.front().min_units : 0.0};
  const std::optional<TableReader> found = open_section(top, "analysis");
  if (!found) return a;
  const TableReader& r = *found;
  a.batches = static_cast<int>(r.integer("batches", a.batches, 2, 1000));
  if (const auto w = sub_table(r, "withhold", "analysis.withhold")) {
    a.target_forfeit = w->number("target_forfeit", a.target_forfeit, open(0.0, 1.0));
    a.forfeit_limit = w->number("forfeit_limit", a.forfeit_limit, open(0.0, 1.0));
    a.forfeit_probability =
        w->number("forfeit_probability", a.forfeit_probability, open(0.0, 1.0));
    if (w->has("forfeit_limit") != w->has("forfeit_probability")) {
      w->fail(w->has("forfeit_limit") ? "forfeit_limit" : "forfeit_probability",
              "forfeit_limit and forfeit_probability go together");
    }
  }
  if (const auto t = sub_table(r, "threshold", "analysis.threshold")) {
    if (auto units = t->numbers("min_units", at_least(0.0))) {
      if (units->empty()) t->fail("min_units", "needs at least one value");
      std::sort(units->begin(), units->end());
      units->erase(std::unique(units->begin(), units->end()), units->end());
      a.threshold_min_units = *units;
    }
    a.threshold_alpha = t->number("alpha", a.threshold_alpha, open(0.0, 0.5));
    a.threshold_target_effect = t->number("target_effect", a.threshold_target_effect, open(0.0, 1.0));
  }
  if (const auto k = sub_table(r, "risk", "analysis.risk")) {
    a.risk_loading = k->number("loading", a.risk_loading, at_least(0.0));
    a.risk_sd_loading = k->number("sd_loading", a.risk_sd_loading, at_least(0.0));
    if (const auto layers =
            table_list(*k, "aggregate_layers", "an aggregate layer", {"attach", "limit"})) {
      for (const TableReader& l : *layers) {
        AggregateLayer layer{l.required_number("attach", right_open(0.0, 10.0)),
                             l.required_number("limit", above(0.0))};
        if (!(layer.limit > layer.attach)) l.fail("limit", "must be > attach");
        a.aggregate_layers.push_back(layer);
      }
    }
    if (auto factors = k->numbers("aggregate_attachment_factors", above(0.0))) {
      std::sort(factors->begin(), factors->end());
      a.aggregate_attachment_factors = *factors;
    }
    a.aggregate_monthly_factor =
        k->number("aggregate_monthly_factor", a.aggregate_monthly_factor, at_least(0.0));
    a.aggregate_minimum_attachment =
        k->number("aggregate_minimum_attachment", a.aggregate_minimum_attachment, at_least(0.0));
  }
  return a;
}

}  // namespace apmsim::scenario
