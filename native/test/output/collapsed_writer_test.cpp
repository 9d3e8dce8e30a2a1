#include "output/collapsed_writer.h"

#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "test_files.h"

namespace {

CollapsedWriter::Header sampleHeader() {
  CollapsedWriter::Header h;
  h.event = "cpu";
  h.intervalNs = 10'000'000;
  h.durationMs = 1234;
  h.jvm = "OpenJDK 64-Bit Server VM 17.0.15+6-Debian-1deb12u1";
  h.drops = 0;
  h.failedWalks = "gc_active=3 unknown_Java=1";
  h.handlerNsMean = 2300;
  return h;
}

void headerHasTheAgreedForm() {
  CollapsedWriter writer;
  writer.add({"[main tid=1]", "Main.main", "Main.work"}, 500);
  writer.add({"[GC Thread#0]"}, 12);
  std::string text = writer.render(sampleHeader());
  CHECK_STR(text,
            "# jflame: 1\n"
            "# event: cpu\n"
            "# units: samples\n"
            "# interval_ns: 10000000\n"
            "# duration_ms: 1234\n"
            "# jvm: OpenJDK 64-Bit Server VM 17.0.15+6-Debian-1deb12u1\n"
            "# samples: 512\n"
            "# drops: 0\n"
            "# failed_walks: gc_active=3 unknown_Java=1\n"
            "# handler_ns_mean: 2300\n"
            "[GC Thread#0] 12\n"
            "[main tid=1];Main.main;Main.work 500\n");
}

void identicalStacksAreMerged() {
  CollapsedWriter writer;
  writer.add({"a", "b"}, 2);
  writer.add({"a", "b"}, 3);
  writer.add({"a"}, 1);
  CHECK_EQ(writer.stacks(), size_t{2});
  CHECK_EQ(writer.samples(), uint64_t{6});
  std::string text = writer.render(sampleHeader());
  CHECK(text.find("\na;b 5\n") != std::string::npos);
  CHECK(text.find("\na 1\n") != std::string::npos);
}

void frameNamesCannotBreakTheFormat() {
  CHECK_STR(CollapsedWriter::sanitize("evil;name\nwith\rbreaks"), "evil_name_with_breaks");
  CollapsedWriter writer;
  writer.add({"[bad;thread\nname tid=3]", "x"}, 1);
  std::string text = writer.render(sampleHeader());
  CHECK(text.find("[bad_thread_name tid=3];x 1\n") != std::string::npos);
  CollapsedWriter::Header h = sampleHeader();
  h.jvm = "vm\n# samples: 999";
  CHECK(writer.render(h).find("\n# samples: 999") == std::string::npos);
  CHECK(writer.render(h).find("# jvm: vm # samples: 999\n") != std::string::npos);
}

void writeReplacesTheFileAtomically() {
  test_files::TempDir temp("jflame-writer");
  const std::string& dir = temp.path();
  std::string path = dir + "/out.collapsed";
  CollapsedWriter writer;
  writer.add({"a", "b"}, 7);
  std::string error;
  CHECK(writer.write(path, sampleHeader(), &error));
  CHECK_STR(error, "");
  CHECK_STR(test_files::readFile(path), writer.render(sampleHeader()));
  // No temporary left behind.
  struct stat st;
  CHECK(stat((path + ".tmp." + std::to_string(getpid())).c_str(), &st) != 0);
  unlink(path.c_str());
  rmdir(dir.c_str());
}

void unwritablePathReportsAndLeavesNoFile() {
  CollapsedWriter writer;
  writer.add({"a"}, 1);
  std::string error;
  CHECK(!writer.write("/nonexistent-dir-jflame/out.collapsed", sampleHeader(), &error));
  CHECK(error.find("/nonexistent-dir-jflame/out.collapsed.tmp.") != std::string::npos);
  CHECK(error.find("No such file or directory") != std::string::npos);

  // A target that cannot be replaced (a directory) keeps its old content, and the
  // temporary is removed.
  test_files::TempDir temp("jflame-writer");
  const std::string& dir = temp.path();
  std::string target = dir + "/target";
  mkdir(target.c_str(), 0755);
  CHECK(!writer.write(target, sampleHeader(), &error));
  CHECK(error.find("cannot rename") != std::string::npos);
  struct stat st;
  CHECK(stat((target + ".tmp." + std::to_string(getpid())).c_str(), &st) != 0);
  CHECK(stat(target.c_str(), &st) == 0 && S_ISDIR(st.st_mode));
  rmdir(target.c_str());
  rmdir(dir.c_str());
}

}  // namespace

int main() {
  headerHasTheAgreedForm();
  identicalStacksAreMerged();
  frameNamesCannotBreakTheFormat();
  writeReplacesTheFileAtomically();
  unwritablePathReportsAndLeavesNoFile();
  return check::finish("collapsed_writer_test");
}
