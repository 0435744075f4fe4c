// `apmsim calibrate`: a scenario population estimated from a claims extract or built from a
// continuance table, written as a scenario file with a fit report.
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <memory>
#include <sstream>

#include "calibrate/calibration.hpp"
#include "calibrate/claims.hpp"
#include "calibrate/completion_pattern.hpp"
#include "calibrate/continuance.hpp"
#include "calibrate/paid_claims.hpp"
#include "calibrate/population_text.hpp"
#include "calibrate/report.hpp"
#include "calibrate/run_out_text.hpp"
#include "cli/commands.hpp"
#include "cli/options.hpp"
#include "cli/python_tools.hpp"
#include "io/output_file.hpp"
#include "io/temporary.hpp"
#include "scenario/error.hpp"
#include "scenario/load.hpp"

namespace apmsim::cli {
namespace po = boost::program_options;
namespace fs = std::filesystem;

namespace {

po::options_description calibrate_options() {
  po::options_description o("calibrate options", 100, 40);
  const auto column = [&](const char* name, const char* what) {
    o.add_options()(name, po::value<std::string>()->value_name("NAME"), what);
  };
  o.add_options()("out", po::value<std::string>()->value_name("FILE"),
                  "the population file to write (required)");
  column("member-column", "the file's member column (default member)");
  column("year-column", "its year column (default year)");
  column("cost-column", "its cost column (default cost)");
  column("exposure-column", "its exposure column, in months (default exposure)");
  column("stratum-column", "its stratum column (default stratum)");
  column("risk-column", "its risk score column (default risk_score)");
  column("provider-column", "its provider column (default provider)");
  column("group-column", "its provider group column (default provider_group)");
  column("region-column", "its region column (default region)");
  o.add_options()("negative-costs", po::value<std::string>()->value_name("refuse|zero|drop"),
                  "negative costs (default refuse)")(
      "duplicates", po::value<std::string>()->value_name("refuse|sum"),
      "repeated member-years (default refuse)")(
      "outliers", po::value<std::string>()->value_name("refuse|cap|drop"),
      "costs, risk scores and years far from the rest (default refuse; see below)")(
      "severity", po::value<std::string>()->value_name("best|parametric|empirical"),
      "the form --out gets (default best)")("knots", po::value<int>()->value_name("N"),
                                            "empirical quantile knots, 64 to 1024 (default 256)")(
      "tail-fraction", po::value<double>()->value_name("F"),
      "share of positive costs in the tail fit (default 0.02)")(
      "jackknife-groups", po::value<int>()->value_name("G"),
      "groups for the standard errors (default 20)")(
      "continuance", po::value<std::string>()->value_name("TABLE"),
      "build the population from a continuance table instead")(
      "paid", po::value<std::string>()->value_name("PAYMENTS"),
      "also estimate the claims completion pattern from paid dates (alone: --out gets only the "
      "[contract.run_out] table)")("as-of", po::value<std::string>()->value_name("YYYY-MM"),
                                   "the paid file's extract date (default its latest paid month)")(
      "max-lag", po::value<int>()->value_name("N"),
      "lags of the completion pattern, 1 to 120 (default 24; later payments count at N)")(
      "service-month-column", po::value<std::string>()->value_name("NAME"),
      "the paid file's month of service column (default service_month)")(
      "paid-month-column", po::value<std::string>()->value_name("NAME"),
      "its month paid column (default paid_month)")(
      "amount-column", po::value<std::string>()->value_name("NAME"),
      "its amount column (default amount)")(
      "plot", po::value<std::string>()->value_name("DIR"),
      "draw the fit (PNG) into DIR, with the figures as fit.json")(
      "json", po::value<std::string>()->value_name("FILE"),
      "every estimate, its standard error and the fit figures as JSON")(
      "force", "overwrite existing files")("quiet", "no report on stdout")("help,h", "this text");
  return o;
}

std::string calibrate_usage() {
  std::ostringstream text;
  text << "usage: apmsim calibrate CLAIMS.csv --out POPULATION.toml [--paid PAYMENTS.csv] [options]\n"
          "       apmsim calibrate --continuance TABLE.csv --out POPULATION.toml\n"
          "       apmsim calibrate --paid PAYMENTS.csv --out RUN_OUT.toml [--as-of YYYY-MM]\n\n"
          "Estimates a scenario population (strata with severities, frailty, churn,\n"
          "transitions, trend, provider efficiency) from member-year claims, each estimate\n"
          "with its standard error, and writes it as a scenario that apmsim validate accepts.\n"
          "--out gets the better-fitting severity form (see --severity); the other form goes\n"
          "beside it as NAME.parametric.toml or NAME.empirical.toml. A fit report is printed.\n"
          "Columns default to apmsim sample's names; only member, year and cost are required.\n\n"
          "Outliers (docs/calibration.md, \"Outliers and bad files\"): a cost above 1e9 per\n"
          "member-year or more than 8 robust scales (1.4826 x the median absolute deviation of\n"
          "ln cost, at least 1) above its stratum's median ln cost; a risk score outside\n"
          "[0.001, 1000] or 8 robust scales (at least 0.5) from its stratum's median; a year\n"
          "apart from the others, its rows under 1% of the file. --outliers refuse (default)\n"
          "names each one's line, column and limit and writes nothing; cap sets a cost or risk\n"
          "score to the nearest value of its stratum that is no outlier (a stray year's rows\n"
          "are dropped); drop removes the members with an outlying cost or risk score (all\n"
          "their rows, so no year reads as churn) and a stray year's rows. The report counts\n"
          "what was capped or dropped. A gap in the years is refused whatever the option:\n"
          "churn needs consecutive years.\n\n"
          "Completion pattern (docs/calibration.md, \"Completion pattern from paid dates\"):\n"
          "--paid reads payments (service_month, paid_month as YYYY-MM, amount) and estimates\n"
          "the share of a month's cost paid k = 0, 1, ... months after it by the chain ladder\n"
          "on the monthly triangle, with Mack's standard errors; lags past the extract date\n"
          "are unseen. The report prints it with the completion factors at 1, 2, 3 and 6\n"
          "months of run-out; the population file ends with it as a commented\n"
          "[contract.run_out] table to paste; with --paid alone --out gets that table only.\n\n"
       << calibrate_options();
  return text.str();
}

template <class E>
E choice(const po::variables_map& vm, const char* key, const std::vector<std::string>& names,
         E fallback) {
  if (!vm.count(key)) return fallback;
  const std::string v = vm[key].as<std::string>();
  for (std::size_t i = 0; i < names.size(); ++i)
    if (v == names[i]) return static_cast<E>(i);
  std::string list;
  for (const auto& n : names) list += (list.empty() ? "" : ", ") + n;
  throw InputError(std::string("--") + key + ": expected one of " + list + ", got '" + v + "'");
}

//! NAME.toml -> NAME.<form>.toml (the other form's file).
std::string sibling(const std::string& out, const char* form) {
  const fs::path p(out);
  return (p.parent_path() / (p.stem().string() + "." + form + p.extension().string())).string();
}

//! The --plot outputs, drawn by scripts/plot_fit.py into a temporary folder: a new folder is
//! published whole; into an existing one each file goes (without --force, none may exist).
class Plot {
 public:
  Plot(const std::string& folder, bool force) : folder_(folder) {
    if (const std::string kind = io::special_kind(folder); !kind.empty())
      throw InputError("--plot " + folder + " is " + kind + "; give a folder");
    std::error_code error;
    const fs::path parent =
        fs::path(folder).has_parent_path() ? fs::path(folder).parent_path() : fs::path(".");
    if (!fs::is_directory(parent, error))
      throw InputError("--plot " + folder + ": folder " + parent.string() + " does not exist");
    existing_ = fs::exists(fs::symlink_status(folder, error));
    if (existing_ && !fs::is_directory(fs::symlink_status(folder, error)))
      throw InputError("--plot " + folder + ": a file is in the way (the plots go in a folder)");
    if (existing_ && !force && fs::exists(fs::symlink_status(fs::path(folder) / "fit.json", error)))
      throw InputError("--plot " + folder +
                       " already holds a fit (fit.json); not overwriting it "
                       "(use --force)");
    // Drawn beside a new folder, inside an existing one (its files then move in one by one).
    staging_ = std::make_unique<io::TemporaryFolder>(
        existing_ ? (fs::path(folder) / "fit").string() : folder, "plot folder");
  }

  //! Writes the figures and draws the plots; the outputs to publish go to `outputs`.
  void draw(const calibrate::Calibration& c, std::vector<io::Temporary*>& outputs) {
    staging_->write("fit.json", calibrate::report_json(c));
    const std::string script = source_path("scripts/plot_fit.py");
    if (script.empty())
      throw InputError("--plot: scripts/plot_fit.py not found beside this apmsim; nothing written");
    if (run_python({script, staging_->file("fit.json"), "--out", staging_->name()}) != 0)
      throw std::runtime_error("--plot: python3 " + script +
                               " failed (matplotlib missing? scripts/setup installs it); nothing "
                               "written");
    if (!existing_) {
      outputs.push_back(staging_.get());
      return;
    }
    for (const std::string& file : staging_->files()) {
      const std::string name = staging_->file(file);
      const int fd = ::open(name.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
      if (fd < 0) throw std::runtime_error("cannot read " + name + ": " + std::strerror(errno));
      try {
        files_.push_back(std::make_unique<io::TemporaryFile>((fs::path(folder_) / file).string(),
                                                             "plot file", name, fd));
      } catch (...) {
        ::close(fd);
        throw;
      }
      ::close(fd);
      outputs.push_back(files_.back().get());
    }
  }

 private:
  std::string folder_;
  bool existing_ = false;
  std::unique_ptr<io::TemporaryFolder> staging_;  // destroyed after the files moved out of it
  std::vector<std::unique_ptr<io::TemporaryFile>> files_;
};

//! Refuses two outputs of one command under one name (--json FILE = --out FILE, ...): the one
//! written last would replace the other.
void check_distinct(const std::vector<std::pair<std::string, std::string>>& outputs) {
  std::error_code error;
  for (std::size_t i = 0; i < outputs.size(); ++i)
    for (std::size_t j = i + 1; j < outputs.size(); ++j)
      if (fs::weakly_canonical(fs::absolute(outputs[i].second), error) ==
          fs::weakly_canonical(fs::absolute(outputs[j].second), error))
        throw InputError(outputs[i].first + " and " + outputs[j].first + " name one file (" +
                         outputs[j].second + "); each output needs a name of its own");
}

}  // namespace

namespace {

//! --knots, --tail-fraction, --jackknife-groups.
calibrate::CalibrationSettings fit_settings(const po::variables_map& vm) {
  calibrate::CalibrationSettings settings;
  if (vm.count("knots")) {
    settings.knots = vm["knots"].as<int>();
    if (settings.knots < 64 || settings.knots > 1024)
      throw InputError("--knots: must be in [64, 1024], got " + std::to_string(settings.knots));
  }
  if (vm.count("tail-fraction")) {
    settings.tail_fraction = vm["tail-fraction"].as<double>();
    if (!(settings.tail_fraction > 0.0 && settings.tail_fraction <= 0.2))
      throw InputError("--tail-fraction: must be in (0, 0.2]");
  }
  if (vm.count("jackknife-groups")) {
    settings.jackknife_groups = vm["jackknife-groups"].as<int>();
    if (settings.jackknife_groups < 5 || settings.jackknife_groups > 200)
      throw InputError("--jackknife-groups: must be in [5, 200]");
  }
  return settings;
}

//! The column names and the handling of negative costs, repeated member-years and outliers.
calibrate::ReadOptions read_options(const po::variables_map& vm) {
  calibrate::ReadOptions read;
  const auto column = [&](const char* option, std::string& name, const char* role) {
    if (!vm.count(option)) return;
    name = vm[option].as<std::string>();
    read.columns.required.push_back(role);
  };
  column("member-column", read.columns.member, "member");
  column("year-column", read.columns.year, "year");
  column("cost-column", read.columns.cost, "cost");
  column("exposure-column", read.columns.exposure, "exposure");
  column("stratum-column", read.columns.stratum, "stratum");
  column("risk-column", read.columns.risk_score, "risk_score");
  column("provider-column", read.columns.provider, "provider");
  column("group-column", read.columns.provider_group, "provider_group");
  column("region-column", read.columns.region, "region");
  read.negative_costs =
      choice(vm, "negative-costs", {"refuse", "zero", "drop"}, calibrate::NegativeCosts::Refuse);
  read.duplicates = choice(vm, "duplicates", {"refuse", "sum"}, calibrate::Duplicates::Refuse);
  read.outliers = choice(vm, "outliers", {"refuse", "cap", "drop"}, calibrate::Outliers::Refuse);
  return read;
}

//! The chosen severity form for `out` and (claims only) the other for beside it, both checked
//! to be valid scenarios before either is written; appends them to `files`.
void write_populations(const calibrate::Calibration& c, const std::string& out, bool force,
                       calibrate::SeverityForm first, const std::string& other,
                       const std::string& appendix,
                       std::vector<std::unique_ptr<io::AtomicTextFile>>& files) {
  const auto second = first == calibrate::SeverityForm::Empirical
                          ? calibrate::SeverityForm::Parametric
                          : calibrate::SeverityForm::Empirical;
  const std::string text =
      calibrate::population_text(c, first, other.empty() ? "" : fs::path(other).filename().string()) +
      appendix;
  scenario::parse_scenario(text, out);  // what validate would say, before anything is written
  files.push_back(std::make_unique<io::AtomicTextFile>(out, force, "population file"));
  files.back()->write(text);
  if (other.empty()) return;
  const std::string other_text =
      calibrate::population_text(c, second, fs::path(out).filename().string()) + appendix;
  scenario::parse_scenario(other_text, other);
  files.push_back(std::make_unique<io::AtomicTextFile>(other, force, "population file"));
  files.back()->write(other_text);
}

}  // namespace

namespace {

//! --as-of, --max-lag and the paid file's column names.
calibrate::PaidOptions paid_options(const po::variables_map& vm) {
  calibrate::PaidOptions paid;
  if (vm.count("as-of")) {
    const std::string text = vm["as-of"].as<std::string>();
    paid.as_of = calibrate::month_index(text);
    if (paid.as_of < 0) throw InputError("--as-of: expected a month YYYY-MM, got '" + text + "'");
  }
  if (vm.count("max-lag")) {
    paid.max_lag = vm["max-lag"].as<int>();
    if (paid.max_lag < 1 || paid.max_lag > 120)
      throw InputError("--max-lag: must be in [1, 120], got " + std::to_string(paid.max_lag));
  }
  const auto column = [&](const char* option, std::string& name) {
    if (vm.count(option)) name = vm[option].as<std::string>();
  };
  column("service-month-column", paid.columns.service_month);
  column("paid-month-column", paid.columns.paid_month);
  column("amount-column", paid.columns.amount);
  return paid;
}

//! `apmsim calibrate --paid FILE --out RUN_OUT.toml` without claims: the run-out table only.
int completion_only(const po::variables_map& vm, const std::string& out, bool force) {
  if (vm.count("plot")) throw InputError("--plot draws a population's fit: give a claims file too");
  const std::string json = vm.count("json") ? vm["json"].as<std::string>() : "";
  if (!json.empty()) check_distinct({{"--out", out}, {"--json", json}});
  io::check_output_path(out, force, "run-out file");
  if (!json.empty()) io::check_output_path(json, force, "fit report");
  const std::string paid = vm["paid"].as<std::string>();
  const calibrate::CompletionPattern pattern =
      calibrate::estimate_completion(calibrate::read_paid_claims(paid, paid_options(vm)));
  std::vector<std::unique_ptr<io::AtomicTextFile>> files;
  files.push_back(std::make_unique<io::AtomicTextFile>(out, force, "run-out file"));
  files.back()->write(calibrate::run_out_text(pattern, false));
  if (!json.empty()) {
    files.push_back(std::make_unique<io::AtomicTextFile>(json, force, "fit report"));
    files.back()->write("{\n  \"completion\": " + calibrate::completion_json(pattern) + "\n}\n");
  }
  std::vector<io::Temporary*> outputs;
  for (const auto& file : files) outputs.push_back(&file->finish());
  io::publish_together(outputs, force);
  if (!vm.count("quiet")) std::cout << calibrate::completion_report_text(pattern) << std::flush;
  std::fprintf(stderr, "apmsim: wrote %s ([contract.run_out], %d lags)\n", out.c_str(),
               pattern.lags + 1);
  return 0;
}

}  // namespace

int calibrate_command(const std::vector<std::string>& args) {
  const po::variables_map vm = parse_options(args, calibrate_options(), "claims");
  if (vm.count("help")) {
    std::cout << calibrate_usage();
    return 0;
  }
  if (!vm.count("out")) throw InputError("--out: name the population file to write (see --help)");
  const std::string out = vm["out"].as<std::string>();
  const bool force = vm.count("force") > 0;
  const bool continuance = vm.count("continuance") > 0;
  const bool paid = vm.count("paid") > 0;
  for (const char* option : {"as-of", "max-lag", "service-month-column", "paid-month-column",
                             "amount-column"})
    if (!paid && vm.count(option))
      throw InputError(std::string("--") + option + ": a setting of the paid file: give --paid");
  if (paid && !continuance && !vm.count("claims")) return completion_only(vm, out, force);
  const int severity = choice<int>(vm, "severity", {"best", "parametric", "empirical"}, 0);
  const calibrate::CalibrationSettings settings = fit_settings(vm);
  if (continuance && vm.count("claims"))
    throw InputError("--continuance: give a claims file or a table, not both");
  // Every output checked before the data is read, and published together or not at all.
  const std::string json = vm.count("json") ? vm["json"].as<std::string>() : "";
  std::vector<std::pair<std::string, std::string>> names{{"--out", out}};
  if (!continuance)
    for (const auto form :
         {calibrate::SeverityForm::Parametric, calibrate::SeverityForm::Empirical})
      names.push_back({"--out's " + std::string(calibrate::form_name(form)) + " form",
                       sibling(out, calibrate::form_name(form))});
  if (!json.empty()) names.push_back({"--json", json});
  check_distinct(names);
  io::check_output_path(out, force, "population file");
  if (!json.empty()) io::check_output_path(json, force, "fit report");
  std::unique_ptr<Plot> plot;
  if (vm.count("plot")) plot = std::make_unique<Plot>(vm["plot"].as<std::string>(), force);
  // The payments first: a bad paid file is refused before the longer fit.
  std::unique_ptr<calibrate::CompletionPattern> pattern;
  if (paid)
    pattern = std::make_unique<calibrate::CompletionPattern>(calibrate::estimate_completion(
        calibrate::read_paid_claims(vm["paid"].as<std::string>(), paid_options(vm))));
  calibrate::Calibration c;
  if (continuance) {
    const std::string table = vm["continuance"].as<std::string>();
    c = calibrate::continuance_population(
        calibrate::fit_continuance(calibrate::read_continuance(table), table), table);
  } else {
    const std::string claims = required_file(vm, "claims", "claims file");
    c = calibrate::calibrate_claims(calibrate::read_claims(claims, read_options(vm)), settings);
  }
  // The chosen form to --out, the other beside it.
  const bool empirical_first =
      continuance || severity == 2 || (severity == 0 && c.better == "empirical");
  const auto first =
      empirical_first ? calibrate::SeverityForm::Empirical : calibrate::SeverityForm::Parametric;
  const auto second_form =
      empirical_first ? calibrate::SeverityForm::Parametric : calibrate::SeverityForm::Empirical;
  const std::string other = continuance ? "" : sibling(out, calibrate::form_name(second_form));
  std::vector<std::unique_ptr<io::AtomicTextFile>> files;
  write_populations(c, out, force, first, other,
                    pattern ? calibrate::run_out_text(*pattern, true) : "", files);
  if (!json.empty()) {
    files.push_back(std::make_unique<io::AtomicTextFile>(json, force, "fit report"));
    files.back()->write(calibrate::report_json(c, pattern.get()));
  }
  std::vector<io::Temporary*> outputs;
  for (const auto& file : files) outputs.push_back(&file->finish());
  if (plot) plot->draw(c, outputs);
  io::publish_together(outputs, force);
  if (!vm.count("quiet") && !continuance) std::cout << calibrate::report_text(c) << std::flush;
  if (!vm.count("quiet") && pattern)
    std::cout << "\n" << calibrate::completion_report_text(*pattern) << std::flush;
  std::fprintf(stderr, "apmsim: wrote %s (%s severity)%s%s\n", out.c_str(),
               calibrate::form_name(first), other.empty() ? "" : " and ", other.c_str());
  return 0;
}

}  // namespace apmsim::cli
