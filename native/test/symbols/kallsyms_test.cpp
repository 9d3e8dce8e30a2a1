#include "symbols/kallsyms.h"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <string>

#include "check.h"

namespace {

void pcsAreKeyedByTheFunctionThatHoldsThem() {
  Kallsyms k;
  k.parse(
      "ffffffff81000000 T _stext\n"
      "ffffffff81000000 T _text\n"
      "ffffffff81001000 t do_syscall_64\n"
      "ffffffff81002000 D some_data\n"
      "ffffffff81003000 T ksys_read\n"
      "ffffffffc0001000 t nfs_read\t[nfs]\n");
  CHECK(k.named());
  CHECK_EQ(k.symbols(), size_t{4});  // the alias and the data symbol are left out
  CHECK_EQ(k.functionStart(0xffffffff81001010), uint64_t{0xffffffff81001000});
  // A data symbol does not cut do_syscall_64 short.
  CHECK_EQ(k.functionStart(0xffffffff81002800), uint64_t{0xffffffff81001000});
  CHECK_EQ(k.functionStart(0xffffffff80000000), uint64_t{0});
  CHECK_STR(k.nameOf(0xffffffff81000000), "_stext");
  CHECK_STR(k.nameOf(0xffffffff81003000), "ksys_read");
  CHECK_STR(k.nameOf(0xffffffffc0001000), "nfs_read [nfs]");
  CHECK_STR(k.nameOf(0xffffffff81003001), "");
  // Far past the last symbol is not its code.
  CHECK_EQ(k.functionStart(0xffffffffc0001000 + (2u << 20)), uint64_t{0});
}

void restrictedAddressesNameNothing() {
  Kallsyms k;
  k.parse("0000000000000000 T _text\n0000000000000000 t do_syscall_64\n");
  CHECK(!k.named());
  CHECK_EQ(k.functionStart(0xffffffff81000000), uint64_t{0});
}

// load() parses the file a buffer at a time: lines cut by a buffer's end, and a last line
// without '\n', must come out as parse() gives them from the whole text.
void aFileReadInPiecesGivesTheWholeTextsTable() {
  std::string text;
  char line[128];
  for (unsigned i = 0; i < 40000; ++i) {
    // Names of varying length, so that line ends fall at every offset of a buffer.
    std::snprintf(line, sizeof(line), "ffffffff8%07x %c fn_%u_%.*s%s\n", i * 16, i % 3 == 0 ? 'T' : (i % 3 == 1 ? 't' : 'D'), i,
                  static_cast<int>(i % 17), "xxxxxxxxxxxxxxxxx", i % 5 == 0 ? "\t[mod]" : "");
    text += line;
  }
  text += "ffffffffc1000000 T last_without_newline";
  char path[] = "/tmp/kallsyms_test_XXXXXX";
  int fd = mkstemp(path);
  CHECK(fd >= 0);
  CHECK_EQ(static_cast<size_t>(write(fd, text.data(), text.size())), text.size());
  close(fd);
  Kallsyms fromFile;
  std::string why;
  bool loaded = fromFile.load(path, &why);
  unlink(path);
  CHECK(loaded);
  Kallsyms fromText;
  fromText.parse(text);
  CHECK(text.size() > 3 * 128 * 1024);  // more than one read buffer
  CHECK_EQ(fromFile.symbols(), fromText.symbols());
  CHECK_EQ(fromFile.symbols(), size_t{26667 + 1});
  for (unsigned i = 0; i < 40000; i += 7) {
    uint64_t pc = 0xffffffff80000000ull + i * 16 + 3;
    CHECK_EQ(fromFile.functionStart(pc), fromText.functionStart(pc));
    CHECK_STR(fromFile.nameOf(fromFile.functionStart(pc)), fromText.nameOf(fromText.functionStart(pc)));
  }
  CHECK_STR(fromFile.nameOf(0xffffffff800000a0), "fn_10_xxxxxxxxxx [mod]");
  CHECK_STR(fromFile.nameOf(0xffffffffc1000000), "last_without_newline");
}

void theRunningKernelLoadsWhereAddressesAreShown() {
  Kallsyms k;
  std::string why;
  bool loaded = k.load("/proc/kallsyms", &why);
  if (!loaded) {
    std::printf("kallsyms_test: skipping the live table: %s\n", why.c_str());
    return;
  }
  CHECK(k.symbols() > 1000);
  uint64_t start = k.functionStart(k.functionStart(~uint64_t{0} >> 1) + 1);
  (void)start;
}

}  // namespace

int main() {
  pcsAreKeyedByTheFunctionThatHoldsThem();
  restrictedAddressesNameNothing();
  aFileReadInPiecesGivesTheWholeTextsTable();
  theRunningKernelLoadsWhereAddressesAreShown();
  return check::finish("kallsyms_test");
}
