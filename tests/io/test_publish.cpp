// Publishing a finished file (io/publish.hpp): never over a file another process published
// meanwhile, unless forced; the result then kept under a name the error gives; several outputs
// all or nothing. Temporaries that never follow a planted link, and the temporaries of killed
// writers found and removed, only when proved dead.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <ctime>
#include <fstream>
#include <iterator>
#include <string>

#include "../support/temp_folder.hpp"
#include "io/publish.hpp"
#include "io/temporary.hpp"
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

//! Sets `path`'s modification time `seconds` into the past (not following a link).
void age(const std::string& path, int seconds) {
  const timespec times[2] = {{::time(nullptr) - seconds, 0}, {::time(nullptr) - seconds, 0}};
  ASSERT_EQ(::utimensat(AT_FDCWD, path.c_str(), times, AT_SYMLINK_NOFOLLOW), 0) << path;
}

// Finding 10: a live run whose pid belongs to another pid namespace (a container, another host
// on a shared folder) looked dead by its pid, and its temporary was removed. Now a temporary
// goes only when nobody holds its lock and it has not changed for an hour.
TEST(Publish, RemovesOnlyTemporariesProvedDead) {
  testing::TempFolder dir("apmsim_publish_");
  const pid_t child = ::fork();
  if (child == 0) ::_exit(0);
  ASSERT_GT(child, 0);
  ::waitpid(child, nullptr, 0);  // a pid that runs nowhere here: another namespace's writer
  const std::string pid = std::to_string(child);
  const std::string dead = dir.file("x.h5.tmp." + pid + ".abc123");
  const std::string old_style = dir.file("x.h5.tmp." + pid);
  const std::string young = dir.file("x.h5.tmp." + pid + ".young1");
  const std::string locked = dir.file("x.h5.tmp." + pid + ".locked");
  const std::string link = dir.file("x.h5.tmp." + pid + ".link");
  for (const std::string& p : {dead, old_style, young, locked, dir.file("x.h5.tmp.abc"),
                               dir.file("y.h5.tmp.1"), dir.file("victim")})
    write(p, "");
  ::symlink(dir.file("victim").c_str(), link.c_str());
  for (const std::string& p : {dead, old_style, locked, link, dir.file("x.h5.tmp.abc")})
    age(p, kStaleSeconds + 60);
  // A live writer holds `locked` (a process of its own, as a writer in another namespace would).
  int ready[2];
  ASSERT_EQ(::pipe(ready), 0);
  const pid_t writer = ::fork();
  if (writer == 0) {
    const int fd = ::open(locked.c_str(), O_RDWR);
    ::flock(fd, LOCK_EX);
    char c = 1;
    if (::write(ready[1], &c, 1) != 1) ::_exit(1);
    ::pause();
    ::_exit(0);
  }
  char c = 0;
  ASSERT_EQ(::read(ready[0], &c, 1), 1);
  std::vector<std::string> removed = remove_stale_temporaries(dir.file("x.h5"));
  std::sort(removed.begin(), removed.end());
  ::kill(writer, SIGKILL);
  ::waitpid(writer, nullptr, 0);
  EXPECT_EQ(removed, (std::vector<std::string>{old_style, dead}));
  EXPECT_EQ(dir.listing().size(), 6u);  // young, locked, link, x.h5.tmp.abc, y.h5.tmp.1, victim
  // Its writer gone, the locked one is dead too.
  EXPECT_EQ(remove_stale_temporaries(dir.file("x.h5")), std::vector<std::string>{locked});
}

// Finding 1: the temporary's files are created with O_EXCL|O_NOFOLLOW: a link planted at a
// name is refused, never followed.
TEST(Publish, TemporariesNeverFollowAPlantedLink) {
  testing::TempFolder dir("apmsim_publish_");
  write(dir.file("victim"), "precious");
  TemporaryFolder folder(dir.file("out"), "export");
  ::symlink(dir.file("victim").c_str(), folder.file("a.csv").c_str());
  EXPECT_THROW(folder.write("a.csv", "hijacked"), std::runtime_error);
  EXPECT_EQ(read(dir.file("victim")), "precious");
  // Fresh names, unpredictable: two temporaries of one path in one process differ.
  EXPECT_NE(temporary_name(dir.file("out")), temporary_name(dir.file("out")));
  const TemporaryFile a(dir.file("x"), "file"), b(dir.file("x"), "file");
  EXPECT_NE(a.name(), b.name());
}

// Several outputs publish all or nothing: when the second cannot take its name, the first is
// moved back, and nothing the command wrote remains.
TEST(Publish, TogetherAllOrNothing) {
  testing::TempFolder dir("apmsim_publish_");
  write(dir.file("b"), "theirs");  // appeared after the command's checks
  {
    TemporaryFile a(dir.file("a"), "first"), b(dir.file("b"), "second");
    ASSERT_EQ(::write(a.fd(), "mine", 4), 4);
    EXPECT_THROW(publish_together({&a, &b}, false), InputError);
  }
  EXPECT_EQ(dir.listing(), std::vector<std::string>{"b"});
  EXPECT_EQ(read(dir.file("b")), "theirs");
  // With force both go in, the old one removed; a link is never replaced.
  {
    TemporaryFile a(dir.file("a"), "first"), b(dir.file("b"), "second");
    ASSERT_EQ(::write(b.fd(), "mine", 4), 4);
    publish_together({&a, &b}, true);
  }
  EXPECT_EQ(dir.listing(), (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(read(dir.file("b")), "mine");
  ::symlink(dir.file("a").c_str(), dir.file("c").c_str());
  {
    TemporaryFile a(dir.file("a"), "first"), c(dir.file("c"), "third");
    ASSERT_EQ(::write(a.fd(), "new", 3), 3);
    EXPECT_THROW(publish_together({&a, &c}, true), InputError);
  }
  EXPECT_EQ(read(dir.file("a")), "");
  EXPECT_EQ(dir.listing(), (std::vector<std::string>{"a", "b", "c"}));
}

}  // namespace
}  // namespace apmsim::io
