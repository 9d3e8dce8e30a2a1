#include "output/atomic_file.h"

#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>
#include <sstream>

#include "check.h"
#include "test_files.h"

namespace {

int entriesIn(const std::string& dir) {
  int n = 0;
  if (DIR* d = opendir(dir.c_str())) {
    while (dirent* e = readdir(d)) {
      if (std::string(e->d_name) != "." && std::string(e->d_name) != "..") ++n;
    }
    closedir(d);
  }
  return n;
}

void writtenFileGetsSixFourFourUnderUmaskZeroTwoTwo() {
  test_files::TempDir temp("jflame-atomic");
  const std::string& dir = temp.path();
  std::string path = dir + "/out.collapsed";
  mode_t old = umask(022);
  std::string error;
  CHECK(writeFileAtomically(path, "a;b 1\n", &error));
  umask(old);
  struct stat st {};
  CHECK_EQ(stat(path.c_str(), &st), 0);
  CHECK_EQ(static_cast<int>(st.st_mode & 07777), 0644);
  CHECK_STR(test_files::readFile(path), "a;b 1\n");
  CHECK_EQ(entriesIn(dir), 1);  // no temp file left behind
}

void umaskIsRespectedAndNothingIsEverWorldWritable() {
  test_files::TempDir temp("jflame-atomic");
  const std::string& dir = temp.path();
  std::string strict = dir + "/strict";
  std::string open = dir + "/open";
  std::string error;
  mode_t old = umask(077);
  CHECK(writeFileAtomically(strict, "x\n", &error));
  umask(0);
  CHECK(writeFileAtomically(open, "x\n", &error));
  umask(old);
  struct stat st {};
  CHECK_EQ(stat(strict.c_str(), &st), 0);
  CHECK_EQ(static_cast<int>(st.st_mode & 07777), 0600);
  CHECK_EQ(stat(open.c_str(), &st), 0);
  CHECK_EQ(static_cast<int>(st.st_mode & 07777), 0644);
}

// The old scheme wrote through PATH.tmp.PID with O_TRUNC: a link planted there by someone
// who knew the pid made the agent overwrite the link's target.
void symlinkPlantedAtTheOldPredictableTempNameIsNotFollowed() {
  test_files::TempDir temp("jflame-atomic");
  const std::string& dir = temp.path();
  std::string victim = dir + "/victim";
  std::ofstream(victim) << "precious\n";
  std::string path = dir + "/out.collapsed";
  std::string planted = path + ".tmp." + std::to_string(getpid());
  CHECK_EQ(symlink(victim.c_str(), planted.c_str()), 0);
  std::string error;
  CHECK(writeFileAtomically(path, "a;b 1\n", &error));
  CHECK_STR(test_files::readFile(victim), "precious\n");
  CHECK_STR(test_files::readFile(path), "a;b 1\n");
  struct stat st {};
  CHECK_EQ(lstat(planted.c_str(), &st), 0);
  CHECK(S_ISLNK(st.st_mode));  // left alone, not written through
}

// The target itself a symlink: the rename replaces the link, the file it pointed to is untouched.
void symlinkAtTheTargetIsReplacedNotWrittenThrough() {
  test_files::TempDir temp("jflame-atomic");
  const std::string& dir = temp.path();
  std::string victim = dir + "/victim";
  std::ofstream(victim) << "precious\n";
  std::string path = dir + "/out.collapsed";
  CHECK_EQ(symlink(victim.c_str(), path.c_str()), 0);
  std::string error;
  CHECK(writeFileAtomically(path, "a;b 1\n", &error));
  CHECK_STR(test_files::readFile(victim), "precious\n");
  struct stat st {};
  CHECK_EQ(lstat(path.c_str(), &st), 0);
  CHECK(S_ISREG(st.st_mode));
  CHECK_STR(test_files::readFile(path), "a;b 1\n");
}

void unwritableDirectoryFailsNamingThePath() {
  std::string error;
  CHECK(!writeFileAtomically("/nonexistent-dir/out.collapsed", "x\n", &error));
  CHECK(error.find("/nonexistent-dir/out.collapsed") != std::string::npos);
}

}  // namespace

int main() {
  writtenFileGetsSixFourFourUnderUmaskZeroTwoTwo();
  umaskIsRespectedAndNothingIsEverWorldWritable();
  symlinkPlantedAtTheOldPredictableTempNameIsNotFollowed();
  symlinkAtTheTargetIsReplacedNotWrittenThrough();
  unwritableDirectoryFailsNamingThePath();
  return check::finish("atomic_file_test");
}
