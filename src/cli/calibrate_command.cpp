// `apmsim calibrate`: a scenario population estimated from a claims extract or built from a
// continuance table, written as a scenario file with a fit report.
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <iostream>

#include "calibrate/calibration.hpp"
#include "calibrate/claims.hpp"
#include "calibrate/continuance.hpp"
#include "calibrate/population_text.hpp"
#include "calibrate/report.hpp"
#include "cli/commands.hpp"
#include "cli/python_tools.hpp"
#include "cli/options.hpp"
#include "io/output_file.hpp"
#include "scenario/error.hpp"
#include "scenario/load.hpp"

namespace apmsim::cli {
namespace po = boost::program_options;
namespace fs = std::filesystem;

namespace {

std::string calibrate_usage() {
  return "usage: apmsim calibrate CLAIMS.csv --out POPULATION.toml [options]\n"
         "       apmsim calibrate --continuance TABLE.csv --out POPULATION.toml\n\n"
         "Estimates a scenario population (strata with severities, frailty, churn,\n"
         "transitions, trend, provider efficiency) from member-year claims, each estimate\n"
         "with its standard error, and writes it as a scenario that apmsim validate accepts.\n"
         "--out gets the better-fitting severity form (see --severity); the other form goes\n"
         "beside it as NAME.parametric.toml or NAME.empirical.toml. A fit report is printed.\n"
         "Columns default to apmsim sample's names; only member, year and cost are required.\n\n"
         "  --member-column, --year-column, --cost-column, --exposure-column (months),\n"
         "  --stratum-column, --risk-column, --provider-column, --group-column, --region-column\n"
         "                         the file's name for each column\n"
         "  --negative-costs refuse|zero|drop   negative costs (default refuse)\n"
         "  --duplicates refuse|sum             repeated member-years (default refuse)\n"
         "  --severity best|parametric|empirical  the form --out gets (default best)\n"
         "  --knots N              empirical quantile knots, 64 to 1024 (default 256)\n"
         "  --tail-fraction F      share of positive costs in the tail fit (default 0.02)\n"
         "  --jackknife-groups G   groups for the standard errors (default 20)\n"
         "  --continuance TABLE    build the population from a continuance table instead\n"
         "  --plot DIR             draw the fit (PNG) into DIR, with the figures as fit.json\n"
         "  --json FILE            every estimate, its standard error and the fit figures as JSON\n"
         "  --force                overwrite existing files\n"
         "  --quiet                no report on stdout\n";
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

void draw(const calibrate::Calibration& c, const std::string& folder, bool force) {
  fs::create_directories(folder);
  const std::string json = (fs::path(folder) / "fit.json").string();
  io::AtomicTextFile file(json, force, "fit figures");
  file.write(calibrate::report_json(c));
  file.commit();
  const std::string script = source_path("scripts/plot_fit.py");
  if (script.empty())
    throw InputError("--plot: scripts/plot_fit.py not found beside this apmsim; the figures are in " + json);
  if (run_python({script, json, "--out", folder}) != 0)
    throw std::runtime_error("--plot: python3 " + script + " failed (matplotlib missing? scripts/setup installs it)");
}

}  // namespace

int calibrate_command(const std::vector<std::string>& args) {
  po::options_description named("calibrate options");
  named.add_options()("help,h", "")("out", po::value<std::string>())(
      "member-column", po::value<std::string>())("year-column", po::value<std::string>())(
      "cost-column", po::value<std::string>())("exposure-column", po::value<std::string>())(
      "stratum-column", po::value<std::string>())("risk-column", po::value<std::string>())(
      "provider-column", po::value<std::string>())("group-column", po::value<std::string>())(
      "region-column", po::value<std::string>())("negative-costs", po::value<std::string>())(
      "duplicates", po::value<std::string>())("severity", po::value<std::string>())(
      "knots", po::value<int>())("tail-fraction", po::value<double>())(
      "jackknife-groups", po::value<int>())("continuance", po::value<std::string>())(
      "plot", po::value<std::string>())("json", po::value<std::string>())("force", "")("quiet", "");
  const po::variables_map vm = parse_options(args, named, "claims");
  if (vm.count("help")) {
    std::cout << calibrate_usage();
    return 0;
  }
  if (!vm.count("out")) throw InputError("--out: name the population file to write (see --help)");
  const std::string out = vm["out"].as<std::string>();
  const bool force = vm.count("force") > 0;
  const int severity = choice<int>(vm, "severity", {"best", "parametric", "empirical"}, 0);
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

  calibrate::Calibration c;
  if (vm.count("continuance")) {
    if (vm.count("claims")) throw InputError("--continuance: give a claims file or a table, not both");
    const std::string table = vm["continuance"].as<std::string>();
    io::check_output_path(out, force, "population file");
    c = calibrate::continuance_population(
        calibrate::fit_continuance(calibrate::read_continuance(table), table), table);
  } else {
    const std::string claims = required_file(vm, "claims", "claims file");
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
    read.negative_costs = choice(vm, "negative-costs", {"refuse", "zero", "drop"},
                                 calibrate::NegativeCosts::Refuse);
    read.duplicates = choice(vm, "duplicates", {"refuse", "sum"}, calibrate::Duplicates::Refuse);
    // Both outputs are checked before the data is read.
    io::check_output_path(out, force, "population file");  // before the data is read
    c = calibrate::calibrate_claims(calibrate::read_claims(claims, read), settings);
  }

  // The chosen form to --out, the other beside it; both must be valid scenarios.
  const bool empirical_first = vm.count("continuance") || severity == 2 ||
                               (severity == 0 && c.better == "empirical");
  const auto first = empirical_first ? calibrate::SeverityForm::Empirical : calibrate::SeverityForm::Parametric;
  const auto second = empirical_first ? calibrate::SeverityForm::Parametric : calibrate::SeverityForm::Empirical;
  const std::string other = vm.count("continuance") ? "" : sibling(out, calibrate::form_name(second));
  const std::string text = calibrate::population_text(c, first, other.empty() ? "" : fs::path(other).filename().string());
  scenario::parse_scenario(text, out);  // what validate would say, before anything is written
  std::string other_text;
  if (!other.empty()) {
    other_text = calibrate::population_text(c, second, fs::path(out).filename().string());
    scenario::parse_scenario(other_text, other);
    io::check_output_path(other, force, "population file");
  }
  io::AtomicTextFile main_file(out, force, "population file");
  main_file.write(text);
  if (!other.empty()) {
    io::AtomicTextFile other_file(other, force, "population file");
    other_file.write(other_text);
    other_file.commit();
  }
  main_file.commit();
  if (!vm.count("quiet") && !vm.count("continuance")) std::cout << calibrate::report_text(c) << std::flush;
  if (vm.count("json")) {
    io::AtomicTextFile json(vm["json"].as<std::string>(), force, "fit report");
    json.write(calibrate::report_json(c));
    json.commit();
  }
  if (vm.count("plot")) draw(c, vm["plot"].as<std::string>(), true);
  std::fprintf(stderr, "apmsim: wrote %s (%s severity)%s%s\n", out.c_str(),
               calibrate::form_name(first), other.empty() ? "" : " and ", other.c_str());
  return 0;
}

}  // namespace apmsim::cli
