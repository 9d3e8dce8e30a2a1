#include "symbols/kallsyms.h"

#include <unistd.h>

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
  theRunningKernelLoadsWhereAddressesAreShown();
  return check::finish("kallsyms_test");
}
