// Publishing a finished file (io/publish.hpp): never over a file another process published
// meanwhile, unless forced; the result then kept under a name the error gives. And the
// temporaries of processes that no longer run are found and removed.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <iterator>
#include <string>

#include "../support/temp_folder.hpp"
#include "io/publish.hpp"
#include "scenario/error.hpp"

namespace apmsim::io {
namespace {

void write(const std::string& path, const std::string& text) { std::ofstream(path) << text; }

std::string read(const std::string& path) {
  std::ifstream in(path);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

TEST(Publish, PublishesUnderAFreeName) {
  testing::TempFolder dir("apmsim_publish_");
  write(dir.file("x.h5.tmp"), "mine");
  publish_file(dir.file("x.h5.tmp"), dir.file("x.h5"), false, "results file");
  EXPECT_EQ(read(dir.file("x.h5")), "mine");
  EXPECT_EQ(dir.listing(), std::vector<std::string>{"x.h5"});
}

TEST(Publish, NeverReplacesAFileThatAppearedMeanwhile) {
  testing::TempFolder dir("apmsim_publish_");
  write(dir.file("x.h5"), "theirs");  // published by another run after this one's checks
  write(dir.file("x.h5.tmp"), "mine");
  const std::string kept = dir.file("x." + std::to_string(::getpid()) + ".h5");
  try {
    publish_file(dir.file("x.h5.tmp"), dir.file("x.h5"), false, "results file");
    ADD_FAILURE() << "published over an existing file";
  } catch (const InputError& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("not overwriting it (use --force)"), std::string::npos) << what;
    EXPECT_NE(what.find("is kept as " + kept), std::string::npos) << what;
  }
  EXPECT_EQ(read(dir.file("x.h5")), "theirs");
  EXPECT_EQ(read(kept), "mine");
  // Forced, it replaces.
  write(dir.file("x.h5.tmp"), "forced");
  publish_file(dir.file("x.h5.tmp"), dir.file("x.h5"), true, "results file");
  EXPECT_EQ(read(dir.file("x.h5")), "forced");
}

TEST(Publish, RemovesOnlyTheTemporariesOfProcessesThatEnded) {
  testing::TempFolder dir("apmsim_publish_");
  const pid_t child = ::fork();
  if (child == 0) ::_exit(0);
  ASSERT_GT(child, 0);
  ::waitpid(child, nullptr, 0);  // a pid that no longer runs (for now)
  const std::string dead = dir.file("x.h5.tmp." + std::to_string(child));
  const std::string alive = dir.file("x.h5.tmp." + std::to_string(::getppid()));
  for (const std::string& p : {dead, alive, dir.file("x.h5.tmp.abc"), dir.file("y.h5.tmp.1")})
    write(p, "");
  EXPECT_EQ(remove_stale_temporaries(dir.file("x.h5")), std::vector<std::string>{dead});
  EXPECT_EQ(dir.listing().size(), 3u);
}

}  // namespace
}  // namespace apmsim::io
