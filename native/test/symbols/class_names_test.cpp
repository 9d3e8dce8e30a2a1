#include "symbols/class_names.h"

#include <atomic>
#include <thread>
#include <vector>

#include "check.h"
#include "sampling/alloc_sampler.h"
#include "sampling/event_profile.h"

namespace {

void namesAreInternedOnceAndReadBack() {
  ClassNames names(16, 4096);
  CHECK(names.ok());
  uint64_t a = names.intern("java.lang.String");
  uint64_t b = names.intern("int[]");
  CHECK(a != 0);
  CHECK(b != 0 && b != a);
  CHECK_EQ(names.intern("java.lang.String"), a);
  CHECK_STR(names.nameOf(a), "java.lang.String");
  CHECK_STR(names.nameOf(b), "int[]");
  CHECK_STR(names.nameOf(12345), "");
}

void aFullTableDropsAndCounts() {
  ClassNames names(2, 4096);
  CHECK(names.intern("A") != 0);
  CHECK(names.intern("B") != 0);
  CHECK_EQ(names.intern("C"), uint64_t{0});
  CHECK_EQ(names.dropped(), uint64_t{1});
  ClassNames tiny(16, 4);
  CHECK(tiny.intern("abc") != 0);
  CHECK_EQ(tiny.intern("defgh"), uint64_t{0});
  CHECK_STR(tiny.nameOf(tiny.intern("abc")), "abc");
}

void concurrentInternsAgree() {
  ClassNames names(1024, 1 << 16);
  std::vector<std::thread> threads;
  std::atomic<int> mismatches{0};
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&names, &mismatches] {
      for (int i = 0; i < 2000; ++i) {
        std::string name = "p.C" + std::to_string(i % 300);
        uint64_t key = names.intern(name);
        if (key == 0) ++mismatches;
      }
    });
  }
  for (auto& t : threads) t.join();
  CHECK_EQ(mismatches.load(), 0);
  for (int i = 0; i < 300; ++i) {
    std::string name = "p.C" + std::to_string(i);
    CHECK_STR(names.nameOf(names.intern(name)), name);
  }
}

void signaturesBecomeJavaTypeNames() {
  CHECK_STR(EventProfile::javaTypeName("Ljava/lang/String;"), "java.lang.String");
  CHECK_STR(EventProfile::javaTypeName("[I"), "int[]");
  CHECK_STR(EventProfile::javaTypeName("[[Lp/Outer$Inner;"), "p.Outer$Inner[][]");
  CHECK_STR(EventProfile::javaTypeName("[J"), "long[]");
  CHECK_STR(EventProfile::javaTypeName("[Z"), "boolean[]");
}

void allocationWeightsAreUnbiased() {
  // Small objects stand for about one interval; huge ones for themselves.
  CHECK_EQ(AllocSampler::weightOf(16, 524288), uint64_t{524296});
  CHECK_EQ(AllocSampler::weightOf(100'000'000, 524288), uint64_t{100'000'000});
  uint64_t w = AllocSampler::weightOf(524288, 524288);  // s / (1 - 1/e)
  CHECK(w > 829'000 && w < 830'000);
  CHECK_EQ(AllocSampler::weightOf(0, 524288), uint64_t{0});
}

}  // namespace

int main() {
  namesAreInternedOnceAndReadBack();
  aFullTableDropsAndCounts();
  concurrentInternsAgree();
  signaturesBecomeJavaTypeNames();
  allocationWeightsAreUnbiased();
  return check::finish("class_names_test");
}
