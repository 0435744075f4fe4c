// The results file: round trip, safe writing (no overwrite, no temporaries left) and a reader
// that refuses foreign, newer or damaged files with an InputError instead of crashing.

#include <gtest/gtest.h>
#include <hdf5.h>

#include <fstream>
#include <iterator>

#include "io/results_file.hpp"
#include "scenario/error.hpp"
#include "test_support.hpp"

// HDF5's leaks on damaged files are suppressed for LeakSanitizer in src/io/hdf5_io.cpp.

namespace apmsim::io {
namespace {

using testing_support::expect_same;
using testing_support::make_results;
using testing_support::TempFolder;
namespace fs = std::filesystem;

//! Opens `path` read-write with the plain HDF5 API, applies `edit` to the file id, closes it, and
//! re-stamps the integrity header (unless `restamp` is false), so the reader's own checks run.
template <typename Edit>
void edit_file(const std::string& path, Edit edit, bool restamp = true) {
  const hid_t file = H5Fopen(path.c_str(), H5F_ACC_RDWR, H5P_DEFAULT);
  ASSERT_GE(file, 0);
  edit(file);
  ASSERT_GE(H5Fclose(file), 0);
  if (restamp) stamp_integrity_header(path);
}

void set_version(hid_t file, int major, int minor) {
  ASSERT_GE(H5Adelete(file, "format_version"), 0);
  const hsize_t two = 2;
  const hid_t space = H5Screate_simple(1, &two, nullptr);
  const hid_t attribute =
      H5Acreate2(file, "format_version", H5T_STD_I32LE, space, H5P_DEFAULT, H5P_DEFAULT);
  const int version[2] = {major, minor};
  ASSERT_GE(H5Awrite(attribute, H5T_NATIVE_INT, version), 0);
  H5Aclose(attribute);
  H5Sclose(space);
}

void set_format(hid_t file, const char* format) {
  ASSERT_GE(H5Adelete(file, "format"), 0);
  const hid_t type = H5Tcopy(H5T_C_S1);
  H5Tset_size(type, H5T_VARIABLE);
  const hid_t space = H5Screate(H5S_SCALAR);
  const hid_t attribute = H5Acreate2(file, "format", type, space, H5P_DEFAULT, H5P_DEFAULT);
  ASSERT_GE(H5Awrite(attribute, type, &format), 0);
  H5Aclose(attribute);
  H5Sclose(space);
  H5Tclose(type);
}

std::string bytes_of(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

//! Runs read_results and returns the InputError message ("" when it did not throw one).
std::string read_error(const std::string& path) {
  try {
    read_results(path);
  } catch (const InputError& e) {
    return e.what();
  }
  return "";
}

TEST(ResultsFile, RoundTripKeepsEveryField) {
  TempFolder folder;
  const std::string path = folder.file("run.h5");
  const analysis::Results written = make_results();
  write_results(written, path, false);
  EXPECT_EQ(folder.listing(), std::vector<std::string>{"run.h5"});
  const analysis::Results read = read_results(path);
  expect_same(written, read);
  ASSERT_EQ(read.variants.size(), 2u);
  EXPECT_EQ(read.variants[0].name, "base");  // creation order, not name order
  EXPECT_EQ(read.variants[1].name, "alt");
}

TEST(ResultsFile, RoundTripWithoutTallies) {
  TempFolder folder;
  const std::string path = folder.file("run.h5");
  analysis::Results written = make_results();
  written.has_tallies = false;
  written.tallies = {};
  write_results(written, path, false);
  const analysis::Results read = read_results(path);
  EXPECT_FALSE(read.has_tallies);
  expect_same(written, read);
}

// The draws beside the tallies, the years that sum each threshold (format 2.7) and the
// truncation pilot's amounts (format 2.6) come back as written; read for pricing (ReadParts::kStoredRun), a file gives its run, scenario and tallies
// alone.
TEST(ResultsFile, PilotAmountsRoundTripAndAPricingReadTakesTheTallies) {
  TempFolder folder;
  const std::string path = folder.file("run.h5");
  analysis::Results written = make_results();
  analysis::TallyDump& t = written.tallies;
  t.has_draws = true;
  t.thresholds = {1000.0, 2500.5};
  t.threshold_years = {~0u, 1u << 2};  // format 2.7: 2500.5 summed in calendar year 3 only
  t.regions = 2;
  t.efficiency.assign(t.replications * t.entities, 0.25);
  t.region_shock.assign(t.replications * t.regions * 4, -0.125);
  t.truncation_levels = {0.99, 0.95};
  t.truncation_amounts = {1, 2, 3, 4, 5, 6, 7, 8.5};              // 2 levels x 4 years
  t.truncation_type_amounts = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12,  // x 2 types
                               13, 14, 15, 16};
  write_results(written, path, false);
  const analysis::Results read = read_results(path);
  EXPECT_EQ(read.tallies.threshold_years, (std::vector<std::uint32_t>{0xfu, 1u << 2}));  // 4 years
  EXPECT_EQ(read.tallies.truncation_levels, t.truncation_levels);
  EXPECT_EQ(read.tallies.truncation_amounts, t.truncation_amounts);
  EXPECT_EQ(read.tallies.truncation_type_amounts, t.truncation_type_amounts);
  EXPECT_EQ(read.tallies.region_shock, t.region_shock);
  const analysis::Results priced = read_results(path, ReadParts::kStoredRun);
  EXPECT_TRUE(priced.variants.empty());
  EXPECT_EQ(priced.info.seed, written.info.seed);
  EXPECT_EQ(priced.scenario_text, written.scenario_text);
  EXPECT_EQ(priced.tallies.truncation_amounts, t.truncation_amounts);
  testing_support::expect_same(priced.tallies.values, t.values, "tallies.values");
  // Without enrollment types: no type amounts, an empty third axis.
  written.tallies.truncation_type_amounts.clear();
  write_results(written, path, true);
  EXPECT_TRUE(read_results(path).tallies.truncation_type_amounts.empty());
}

// The per-replication losses (format 2.3) of a variant with a contract come back as written;
// a variant without a contract has none.
TEST(ResultsFile, LossesRoundTrip) {
  TempFolder folder;
  const std::string path = folder.file("run.h5");
  analysis::Results written = make_results();
  analysis::VariantSummary& v = written.variants[0];
  v.has_contract = true;
  analysis::ReplicationLosses& l = v.losses;
  l.replications = 3;
  l.columns = {"P1", "agreement"};
  l.portfolio = {1, 2, 3, 4, 5, 6.5};
  l.providers = {"a/0", "a/1"};
  l.provider_columns = {"agreement"};
  l.provider = {-1, 1.5, 2, -2.5, 3, 0};
  write_results(written, path, false);
  const analysis::Results read = read_results(path);
  const analysis::ReplicationLosses& r = read.variants[0].losses;
  EXPECT_EQ(r.replications, 3u);
  EXPECT_EQ(r.columns, l.columns);
  EXPECT_EQ(r.providers, l.providers);
  EXPECT_EQ(r.provider_columns, l.provider_columns);
  EXPECT_EQ(r.portfolio, l.portfolio);
  EXPECT_EQ(r.provider, l.provider);
  EXPECT_TRUE(read.variants[1].losses.columns.empty());
}

TEST(ResultsFile, TalliesAreChunkedAndCompressed) {
  TempFolder folder;
  const std::string path = folder.file("run.h5");
  write_results(make_results(), path, false);
  const hid_t file = H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  ASSERT_GE(file, 0);
  const hid_t values = H5Dopen2(file, "/tallies/values", H5P_DEFAULT);
  ASSERT_GE(values, 0);
  const hid_t dcpl = H5Dget_create_plist(values);
  EXPECT_EQ(H5Pget_layout(dcpl), H5D_CHUNKED);
  hsize_t chunk[4] = {};
  EXPECT_EQ(H5Pget_chunk(dcpl, 4, chunk), 4);
  EXPECT_EQ(chunk[0], 5u);  // the whole (tiny) dump fits one ~1 MiB chunk
  if (H5Zfilter_avail(H5Z_FILTER_DEFLATE) > 0) {
    EXPECT_GE(H5Pget_nfilters(dcpl), 1);
  }
  H5Pclose(dcpl);
  H5Dclose(values);
  H5Fclose(file);
}

TEST(ResultsFile, RefusesToOverwriteWithoutForce) {
  TempFolder folder;
  const std::string path = folder.file("run.h5");
  analysis::Results results = make_results();
  write_results(results, path, false);
  results.info.seed = 7;
  EXPECT_THROW(write_results(results, path, false), InputError);
  EXPECT_EQ(read_results(path).info.seed, 42u);  // untouched
  // The refused results are kept beside it, under the name the message gives (io/publish.hpp).
  const std::string kept = folder.file("run." + std::to_string(::getpid()) + ".h5");
  EXPECT_EQ(read_results(kept).info.seed, 7u);
  std::filesystem::remove(kept);
  write_results(results, path, true);
  EXPECT_EQ(read_results(path).info.seed, 7u);
  EXPECT_EQ(folder.listing(), std::vector<std::string>{"run.h5"});
}

TEST(ResultsFile, MissingFolderIsAnInputErrorAndWritesNothing) {
  TempFolder folder;
  const std::string path = folder.file("no/such/folder/run.h5");
  EXPECT_THROW(write_results(make_results(), path, false), InputError);
  EXPECT_TRUE(folder.listing().empty());
}

TEST(ResultsFile, FailedWriteLeavesNoTemporary) {
  TempFolder folder;
  analysis::Results results = make_results();
  results.variants[1].portfolio.mean.pop_back();  // inconsistent table: fails mid-file
  EXPECT_THROW(write_results(results, folder.file("run.h5"), false), std::exception);
  EXPECT_TRUE(folder.listing().empty());

  results = make_results();
  results.scenario_text += std::string(1, '\0');  // HDF5 strings cannot hold NUL
  EXPECT_THROW(write_results(results, folder.file("run.h5"), false), std::runtime_error);
  EXPECT_TRUE(folder.listing().empty());

  // The rename fails when the target is a folder: the temporary still goes away.
  fs::create_directory(folder.file("taken"));
  EXPECT_THROW(write_results(make_results(), folder.file("taken"), true), std::runtime_error);
  EXPECT_EQ(folder.listing(), std::vector<std::string>{"taken"});
}

TEST(ResultsFile, MissingFileIsAnInputError) {
  TempFolder folder;
  EXPECT_NE(read_error(folder.file("absent.h5")).find("does not exist"), std::string::npos);
}

TEST(ResultsFile, NotHdf5IsAnInputError) {
  TempFolder folder;
  const std::string path = folder.file("run.h5");
  std::ofstream(path) << "replications,cost\n1,2\n";
  const std::string message = read_error(path);
  EXPECT_NE(message.find("not an apmsim results file"), std::string::npos) << message;
  EXPECT_NE(message.find(path), std::string::npos) << message;
}

TEST(ResultsFile, ForeignHdf5FileIsRefused) {
  TempFolder folder;
  const std::string path = folder.file("other.h5");
  H5Fclose(H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT));
  EXPECT_NE(read_error(path).find("not an apmsim results file"), std::string::npos);

  const std::string ours = folder.file("run.h5");
  write_results(make_results(), ours, false);
  edit_file(ours, [](hid_t file) { set_format(file, "someone-elses-results"); });
  const std::string message = read_error(ours);
  EXPECT_NE(message.find("not an apmsim results file"), std::string::npos) << message;
  EXPECT_NE(message.find("someone-elses-results"), std::string::npos) << message;
}

// An edit that does not re-stamp the header (h5py, say) is refused before HDF5 reads the file;
// so is any flipped byte, and a file cut short.
TEST(ResultsFile, EditedDamagedOrCutFilesAreRefusedByTheIntegrityHeader) {
  TempFolder folder;
  const std::string path = folder.file("run.h5");
  write_results(make_results(), path, false);
  edit_file(path, [](hid_t file) { set_version(file, 1, 9); }, false);
  std::string message = read_error(path);
  EXPECT_NE(message.find("damaged: its SHA-256 does not match"), std::string::npos) << message;

  write_results(make_results(), path, true);
  std::string bytes;
  {
    std::ifstream in(path, std::ios::binary);
    bytes.assign(std::istreambuf_iterator<char>(in), {});
  }
  std::ofstream(path, std::ios::binary) << bytes.substr(0, bytes.size() - 1);
  message = read_error(path);
  EXPECT_NE(message.find("truncated"), std::string::npos) << message;
  std::ofstream(path, std::ios::binary) << bytes.substr(0, 100);
  message = read_error(path);
  EXPECT_NE(message.find("integrity header is damaged"), std::string::npos) << message;
}

TEST(ResultsFile, NewerMajorVersionIsRefused) {
  TempFolder folder;
  const std::string path = folder.file("run.h5");
  write_results(make_results(), path, false);
  edit_file(path, [](hid_t file) { set_version(file, kFormatMajor + 1, 0); });
  const std::string message = read_error(path);
  EXPECT_NE(message.find("format version 3.0 is newer than this apmsim reads (2.x)"),
            std::string::npos)
      << message;
}

// Format 2.5: each quantity keeps its own interval multiplier (the headline's figures keep their
// source tables'), and a file that spells performance years `performance_year_k` (before 2.5)
// reads back as `Pk`, the one spelling of every reader.
TEST(ResultsFile, PerQuantityIntervalsAndTheOneYearSpelling) {
  TempFolder folder;
  const std::string path = folder.file("run.h5");
  analysis::Results written = make_results();
  analysis::EstimateTable& t = written.variants[0].provider;
  ASSERT_GE(t.quantities.size(), 2u);
  t.ci_multipliers.assign(t.quantities.size(), 1.959963984540054);
  t.ci_multipliers[1] = 2.093;
  t.columns.clear();
  for (int y = 0; y < t.years; ++y) t.columns.push_back("performance_year_" + std::to_string(y + 1));
  write_results(written, path, false);
  const analysis::Results read = read_results(path);
  const analysis::EstimateTable& r = read.variants[0].provider;
  EXPECT_EQ(r.multiplier(0), 1.959963984540054);
  EXPECT_EQ(r.multiplier(1), 2.093);
  ASSERT_EQ(r.columns.size(), static_cast<std::size_t>(t.years));
  for (int y = 0; y < t.years; ++y) EXPECT_EQ(r.columns[y], "P" + std::to_string(y + 1));
}

TEST(ResultsFile, NewerMinorVersionWithExtrasIsRead) {
  TempFolder folder;
  const std::string path = folder.file("run.h5");
  const analysis::Results written = make_results();
  write_results(written, path, false);
  edit_file(path, [](hid_t file) {
    set_version(file, kFormatMajor, kFormatMinor + 3);
    set_format(file, kFormatName);  // as variable-length string, the way h5py writes one
    // What a later minor version might add: a new group and a dataset beside the variants.
    H5Gclose(H5Gcreate2(file, "/analysis", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT));
    const hid_t space = H5Screate(H5S_SCALAR);
    H5Dclose(H5Dcreate2(file, "/summary/index", H5T_STD_I32LE, space, H5P_DEFAULT, H5P_DEFAULT,
                        H5P_DEFAULT));
    H5Sclose(space);
  });
  expect_same(written, read_results(path));
}

TEST(ResultsFile, MissingDatasetIsNamed) {
  TempFolder folder;
  const std::string path = folder.file("run.h5");
  write_results(make_results(), path, false);
  edit_file(path, [](hid_t file) {
    ASSERT_GE(H5Ldelete(file, "/summary/alt/portfolio/cost_per_unit_se", H5P_DEFAULT), 0);
  });
  const std::string message = read_error(path);
  EXPECT_NE(message.find("/summary/alt/portfolio/cost_per_unit_se"), std::string::npos) << message;
  EXPECT_NE(message.find(path), std::string::npos) << message;
}

TEST(ResultsFile, TruncatedFileIsAnInputError) {
  TempFolder folder;
  const std::string path = folder.file("run.h5");
  write_results(make_results(), path, false);
  const std::uintmax_t size = fs::file_size(path);
  for (int tenth = 9; tenth >= 1; --tenth) {  // shrinking the same file: half is among them
    fs::resize_file(path, size * tenth / 10);
    const std::string message = read_error(path);
    EXPECT_NE(message.find(path), std::string::npos) << tenth << "/10: " << message;
  }
}

TEST(ResultsFile, DamagedBytesAreAnInputErrorNotACrash) {
  // Metadata is checksummed (HDF5 1.10 format) and strings are fixed-length (no global heap,
  // whose reader trusts stored lengths), so damage anywhere must end in a clean InputError or,
  // where it hits plain numbers, in a successful read.
  TempFolder folder;
  const std::string path = folder.file("run.h5");
  write_results(make_results(), path, false);
  const std::string original = bytes_of(path);
  const std::string damaged_path = folder.file("damaged.h5");
  int refused = 0;
  for (std::size_t k = 0; k < 64; ++k) {
    std::string damaged = original;
    const std::size_t at = original.size() * k / 64;
    for (std::size_t i = at; i < std::min(original.size(), at + 8); ++i) damaged[i] ^= 0x5a;
    std::ofstream(damaged_path, std::ios::binary | std::ios::trunc) << damaged;
    try {
      read_results(damaged_path);
    } catch (const InputError& e) {
      ++refused;
      EXPECT_NE(std::string(e.what()).find(damaged_path), std::string::npos) << e.what();
    }
  }
  EXPECT_GT(refused, 32);  // most of a small file is metadata
}

TEST(ResultsFile, SameResultsMakeTheSameBytes) {
  // No time stamps in the file: identical runs give identical files (easy to compare shards).
  TempFolder folder;
  write_results(make_results(), folder.file("a.h5"), false);
  write_results(make_results(), folder.file("b.h5"), false);
  EXPECT_EQ(bytes_of(folder.file("a.h5")), bytes_of(folder.file("b.h5")));
}

}  // namespace
}  // namespace apmsim::io
